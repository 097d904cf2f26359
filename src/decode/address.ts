/** Address text as tshark 4.0 prints it with `-n`. */
import type { DecodedFrame, IpLayer } from "./decoded-frame.js";

/** Dotted-quad text of an IPv4 address held as a uint32 (network order value), e.g. `10.0.0.1`. */
export function formatIpv4(u32: number): string {
  return `${(u32 >>> 24) & 255}.${(u32 >>> 16) & 255}.${(u32 >>> 8) & 255}.${u32 & 255}`;
}

/** RFC 5952 text of the 16 bytes at `at`: lowercase hex, no leading zeros, the longest run
 *  (first on ties) of two or more zero groups shown as `::`. tshark 4.0 (checked with probes) prints
 *  IPv4-mapped `::ffff:a.b.c.d`, and IPv4-compatible `::a.b.c.d` when the 7th group is non-zero. */
export function formatIpv6(bytes: Uint8Array, at = 0): string {
  const g: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) g[i] = ((bytes[at + 2 * i] ?? 0) << 8) | (bytes[at + 2 * i + 1] ?? 0);
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0) {
    const v4 = formatIpv4((((g[6] ?? 0) << 16) | (g[7] ?? 0)) >>> 0);
    if (g[5] === 0xffff) return `::ffff:${v4}`;
    if (g[5] === 0 && g[6] !== 0) return `::${v4}`;
  }
  const run = ipv6ZeroRun(g);
  const bestAt = run < 0 ? -1 : run >> 3, bestLen = run & 7 || 8;
  let s = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) { s += "::"; i += bestLen - 1; continue; }
    if (s.length > 0 && !s.endsWith(":")) s += ":";
    s += (g[i] ?? 0).toString(16);
  }
  return s;
}

/** The zero groups RFC 5952 §4.2.2–4.2.3 shortens to `::`: the longest run (the first on ties) of
 *  two or more zero groups among the 8, as start × 8 + length (length 8 written as 0), or −1. */
export function ipv6ZeroRun(g: ArrayLike<number>): number {
  let bestAt = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  return bestAt < 0 ? -1 : bestAt * 8 + (bestLen & 7);
}

/** Parses dotted-quad text into a uint32, or undefined when it is not one. */
export function parseIpv4Text(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v >>> 0;
}

/** The IP layer whose addresses fill Source/Destination: the innermost one not quoted in an ICMP error. */
export function addressLayer(frame: DecodedFrame): IpLayer | undefined {
  for (let i = frame.ipCount - 1; i >= 0; i--) {
    const l = frame.ip[i]!;
    if (!l.quoted) return l;
  }
  return undefined;
}

/** Source column text of an IP layer: an IPv6 home address option replaces the source (RFC 6275 §6.3). */
export function sourceText(l: IpLayer): string {
  return l.pseudoSrcAt >= 0 ? formatIpv6(l.bytes, l.pseudoSrcAt) : l.srcText;
}

/** Destination column text: a routing header with segments left names the final destination (RFC 8200 §4.4). */
export function destinationText(l: IpLayer): string {
  return l.pseudoDstAt >= 0 ? formatIpv6(l.bytes, l.pseudoDstAt) : l.dstText;
}

