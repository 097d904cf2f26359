/** IPv6 header and extension headers (RFC 8200): view for the hot path, Repr for tests and tools. */
import { EMPTY_BYTES, put16, put32, u16, u32, u8 } from "./bytes.js";
import type { Decoded } from "./problems.js";

/** Bytes in the fixed IPv6 header. */
export const IPV6_HEADER = 40;
/** Extension header numbers walked before the upper layer (RFC 8200 §4). */
export const Ipv6Ext = { HOP_BY_HOP: 0, ROUTING: 43, FRAGMENT: 44, DEST_OPTS: 60, AH: 51 } as const;

/** Problems of an IPv6 header. */
export type Ipv6Problem = "truncated" | "ip.bogus_ip_version" | "ipv6.bogus_header";

/** True for the extension headers this decoder walks (hop-by-hop, routing, fragment, destination options, AH). */
export function isIpv6Extension(nh: number): boolean {
  return nh === 0 || nh === 43 || nh === 44 || nh === 60 || nh === 51;
}

/** Length in bytes of the extension header `nh` at `at` (AH counts in 4-byte units, others in 8). */
export function ipv6ExtensionLength(nh: number, bytes: Uint8Array, at: number): number {
  if (nh === 44) return 8;
  if (nh === 51) return (u8(bytes, at + 1) + 2) * 4;
  return (u8(bytes, at + 1) + 1) * 8;
}

/** The fixed IPv6 header inside a frame; owns no bytes, `point()` moves it. */
export class Ipv6View {
  #b: Uint8Array = EMPTY_BYTES; #at = 0; #len = 0;
  /** Points the view at `len` captured bytes from `at`. */
  point(bytes: Uint8Array, at: number, len: number): this {
    this.#b = bytes; this.#at = at; this.#len = len; return this;
  }
  /** undefined when the 40-byte header is captured and the version is 6. */
  check(): Ipv6Problem | undefined {
    if (this.#len < 1) return "truncated";
    if (this.version !== 6) return "ip.bogus_ip_version";
    if (this.#len < IPV6_HEADER) return "truncated";
    return undefined;
  }
  /** Version nibble (6 when valid). */
  get version(): number { return u8(this.#b, this.#at) >> 4; }
  /** Traffic class byte. */
  get trafficClass(): number { return (u16(this.#b, this.#at) >> 4) & 255; }
  /** 20-bit flow label. */
  get flowLabel(): number { return u32(this.#b, this.#at) & 0xfffff; }
  /** Payload length field (0 with a jumbo payload option, RFC 2675). */
  get payloadLength(): number { return u16(this.#b, this.#at + 4); }
  /** Next header of the fixed header. */
  get nextHeader(): number { return u8(this.#b, this.#at + 6); }
  /** Hop limit. */
  get hopLimit(): number { return u8(this.#b, this.#at + 7); }
  /** Offset of the source address in the bytes (16 bytes). */
  get srcAt(): number { return this.#at + 8; }
  /** Offset of the destination address in the bytes (16 bytes). */
  get dstAt(): number { return this.#at + 24; }
}

/** One extension header, raw: `data` holds all its bytes (its own next-header byte included). */
export interface Ipv6ExtRepr { type: number; data: Uint8Array }

/** Every wire field of an IPv6 packet, so that emit(parse(bytes)) is byte-identical. */
export interface Ipv6Repr {
  version: number; trafficClass: number; flowLabel: number;
  /** As found (0 with a jumbo payload). */
  payloadLength: number;
  nextHeader: number; hopLimit: number;
  src: Uint8Array; dst: Uint8Array;
  /** Extension headers in wire order. */
  extensions: Ipv6ExtRepr[];
  /** Upper-layer protocol after the extension headers. */
  protocol: number;
  /** Bytes after the extension headers, up to the payload length or the end of the input. */
  payload: Uint8Array;
}

/** Parses an IPv6 header, its extension headers and payload. */
export function parseIpv6(bytes: Uint8Array): Decoded<Ipv6Repr, Ipv6Problem> {
  const v = new Ipv6View().point(bytes, 0, bytes.length);
  const p = v.check();
  if (p !== undefined) return { ok: false, problem: p, at: 0 };
  const extensions: Ipv6ExtRepr[] = [];
  let nh = v.nextHeader, at = IPV6_HEADER;
  while (isIpv6Extension(nh)) {
    if (at + 2 > bytes.length) return { ok: false, problem: "ipv6.bogus_header", at };
    const len = ipv6ExtensionLength(nh, bytes, at);
    if (at + len > bytes.length) return { ok: false, problem: "ipv6.bogus_header", at };
    extensions.push({ type: nh, data: bytes.subarray(at, at + len) });
    nh = u8(bytes, at); at += len;
  }
  const pl = v.payloadLength;
  const end = pl > 0 && IPV6_HEADER + pl <= bytes.length && IPV6_HEADER + pl >= at ? IPV6_HEADER + pl : bytes.length;
  return { ok: true, value: {
    version: v.version, trafficClass: v.trafficClass, flowLabel: v.flowLabel, payloadLength: pl,
    nextHeader: v.nextHeader, hopLimit: v.hopLimit, src: bytes.subarray(8, 24), dst: bytes.subarray(24, 40),
    extensions, protocol: nh, payload: bytes.subarray(at, end),
  } };
}

/** Bytes `emitIpv6` writes. */
export function ipv6Length(r: Ipv6Repr): number {
  let n = IPV6_HEADER + r.payload.length;
  for (const e of r.extensions) n += e.data.length;
  return n;
}

/** Writes `r` into `out` from offset 0; lengths are written as given. */
export function emitIpv6(r: Ipv6Repr, out: Uint8Array): void {
  put32(out, 0, (((r.version & 15) << 28) | ((r.trafficClass & 255) << 20) | (r.flowLabel & 0xfffff)) >>> 0);
  put16(out, 4, r.payloadLength); out[6] = r.nextHeader & 255; out[7] = r.hopLimit & 255;
  out.set(r.src.subarray(0, 16), 8); out.set(r.dst.subarray(0, 16), 24);
  let at = IPV6_HEADER;
  for (const e of r.extensions) { out.set(e.data, at); at += e.data.length; }
  out.set(r.payload, at);
}
