/** TCP checksum verification (RFC 9293 §3.1, spec §12.1). Off by default in tshark 4.0; a separate step. */
import type { DecodedFrame } from "./decoded-frame.js";

/** Sum of 16-bit big-endian words of `b[from, to)` added to `sum` (an odd last byte is padded with 0). */
function sum16(b: Uint8Array, from: number, to: number, sum: number): number {
  let i = from;
  for (; i + 1 < to; i += 2) sum += ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
  if (i < to) sum += (b[i] ?? 0) << 8;
  return sum;
}
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Checksum a TCP segment should carry over IPv4 (pseudo-header src, dst, 0, 6, length), computed with the
 *  checksum field taken as 0. `segment` is the whole segment, header included. */
export function tcpChecksumIpv4(src: number, dst: number, segment: Uint8Array): number {
  let s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + segment.length;
  s = sum16(segment, 0, segment.length, s);
  s -= ((segment[16] ?? 0) << 8) | (segment[17] ?? 0);
  s = fold(s); // the checksum field was part of the sum, so s stays ≥ 0
  return (~s) & 0xffff;
}

/** Checksum a TCP segment should carry over IPv6 (pseudo-header src, dst, 32-bit length, next header 6). */
export function tcpChecksumIpv6(src: Uint8Array, dst: Uint8Array, segment: Uint8Array): number {
  let s = sum16(src, 0, 16, 0);
  s = sum16(dst, 0, 16, s);
  s += Math.floor(segment.length / 0x10000) + (segment.length & 0xffff) + 6;
  s = sum16(segment, 0, segment.length, s);
  s -= ((segment[16] ?? 0) << 8) | (segment[17] ?? 0);
  s = fold(s);
  return (~s) & 0xffff;
}

/** `tcp.checksum.status` with verification on (`-o tcp.check_checksum:TRUE`): 1 Good, 0 Bad, 2 Unverified
 *  (fragment, quoted, truncated capture, bogus header). The IPv6 pseudo-header uses the final destination of a
 *  routing header and a home address option's address (RFC 8200 §8.1, RFC 6275 §6.3). */
export function verifyTcpChecksum(frame: DecodedFrame, tcpIndex: number): 0 | 1 | 2 {
  const t = frame.tcp[tcpIndex];
  if (t === undefined || tcpIndex >= frame.tcpCount) return 2;
  // tshark 4.0 sums the reported TCP length (IP payload length), even when it is shorter than the header.
  // A quoted header is verified too when the whole quoted segment was captured.
  if (t.checksumLength < 0 || t.headerLength < 20) return 2;
  const len = t.checksumLength;
  if (t.capturedLength < len) return 2;
  const ip = frame.ip[t.ipIndex];
  if (ip === undefined) return 2;
  const seg = t.bytes.subarray(t.offset, t.offset + len);
  const want = ip.version === 4 ? tcpChecksumIpv4(ip.src4, ip.dst4, seg)
    : tcpChecksumIpv6(ip.pseudoSrcAt < 0 ? ip.src : ip.bytes.subarray(ip.pseudoSrcAt, ip.pseudoSrcAt + 16),
      ip.pseudoDstAt < 0 ? ip.dst : ip.bytes.subarray(ip.pseudoDstAt, ip.pseudoDstAt + 16), seg);
  return want === t.checksum ? 1 : 0;
}
