/** Adapter: one TCP header of a decoded frame → `TcpSegment` (refilled in place, no allocation:
 *  the options are walked in place with `tcpOptions`' rules). */
import type { DecodedFrame } from "../decode/index.js";
import type { TcpSegment } from "./segment.js";

/** tshark 4.0 looks the conversation up after the first 16 header bytes (spec §2.1). */
export const TCP_LOOKUP_BYTES = 16;

/** Fill `seg` from `frame.tcp[index]`; false when the header is too short for tshark to look up
 *  a conversation (then it must not be observed). `tsSec`/`tsNsec` come from the capture record. */
export function segmentFromDecoded(frame: DecodedFrame, index: number, tsSec: number, tsNsec: number,
    seg: TcpSegment): boolean {
  const t = frame.tcp[index]!;
  if (t.capturedLength < TCP_LOOKUP_BYTES) return false;
  const ip = frame.ip[t.ipIndex]!;
  seg.frame = frame.frameNumber; seg.tsSec = tsSec; seg.tsNsec = tsNsec;
  seg.family = ip.version;
  if (ip.version === 4) {
    seg.srcAddr[0] = ip.src4; seg.dstAddr[0] = ip.dst4;
    seg.srcAddr[1] = seg.srcAddr[2] = seg.srcAddr[3] = seg.dstAddr[1] = seg.dstAddr[2] = seg.dstAddr[3] = 0;
  } else {
    for (let w = 0; w < 4; w++) {
      const o = w * 4, s = ip.src, d = ip.dst;
      seg.srcAddr[w] = ((s[o]! << 24) | (s[o + 1]! << 16) | (s[o + 2]! << 8) | s[o + 3]!) >>> 0;
      seg.dstAddr[w] = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
    }
  }
  seg.srcPort = t.srcPort; seg.dstPort = t.dstPort; seg.seqRaw = t.seqRaw; seg.ackRaw = t.ackRaw;
  seg.flags = t.flags; seg.windowRaw = t.windowRaw; seg.seglen = t.seglen;
  seg.icmpQuoted = t.quoted;
  // The problem list is empty on almost every packet: look into it only when it is not.
  const problems = t.problems;
  seg.headerBogus = problems.length !== 0 && problems.includes("tcp.bogus_header_length");
  // A header cut before its options end throws in tshark: the analysis output is lost (spec §11.1).
  seg.optionsTruncated = problems.length !== 0 && (problems.includes("truncated") || problems.includes("tcp.options_truncated"));
  seg.mss = -1; seg.wsShift = -1; seg.sackPerm = false; seg.sackCount = 0; seg.hasTimestamps = false;
  seg.tsVal = 0; seg.tsEcr = 0;
  if (t.optionsLength === 0 || seg.headerBogus) return true;
  // In place: `source` is the record's array after FrameDecoder.decodeAt (no view is made).
  readOptions(t.source, t.sourceBase + t.optionsOffset, t.optionsLength, t.optionsCaptured, seg);
  return true;
}

/** The option facts the analysis needs, walked in place (no allocation) with `tcpOptions`' rules
 *  (spec §11.1): EOL ends the walk; a missing or short length byte, a length < 2 or one running
 *  past the declared or captured area stops it; MSS, WS and TS count only with their fixed length
 *  (4, 3, 10); SACK_PERM counts at any length; SACK adds its complete 8-byte blocks. */
function readOptions(b: Uint8Array, at: number, declared: number, captured: number, seg: TcpSegment): void {
  // The usual option area of a data segment, NOP NOP TS (RFC 7323 appendix A): nothing but the
  // timestamps, as the walk below would find.
  if (declared === 12 && captured >= 12 && b[at] === 1 && b[at + 1] === 1 && b[at + 2] === 8 && b[at + 3] === 10) {
    seg.hasTimestamps = true;
    seg.tsVal = u32at(b, at + 4); seg.tsEcr = u32at(b, at + 8);
    return;
  }
  const end = declared, have = captured;
  for (let i = 0; i < end;) {
    if (i >= have) return;
    const kind = b[at + i]!;
    if (kind === 0) return;
    if (kind === 1) { i++; continue; }
    if (i + 1 >= end || i + 1 >= have) return;
    const len = b[at + i + 1]!;
    if (len < 2 || i + len > end || i + len > have) return;
    const o = at + i + 2;
    switch (kind) {
      case 2: if (len === 4) seg.mss = (b[o]! << 8) | b[o + 1]!; break;
      case 3: if (len === 3) seg.wsShift = b[o]!; break;
      case 4: seg.sackPerm = true; break;
      case 8: if (len === 10) { seg.hasTimestamps = true; seg.tsVal = u32at(b, o); seg.tsEcr = u32at(b, o + 4); } break;
      case 5: {
        const blocks = (len - 2) >> 3;
        for (let k = 0; k < blocks && seg.sackCount < seg.sackLeft.length; k++) {
          const p = o + 8 * k;
          seg.sackLeft[seg.sackCount] = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
          seg.sackRight[seg.sackCount] = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
          seg.sackCount++;
        }
        break;
      }
      default:
    }
    i += len;
  }
}

/** The big-endian uint32 at `at` of `b`. */
function u32at(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** The IPv4 identification of the IP header under `frame.tcp[index]`, −1 for IPv6 (or a header
 *  too short to hold it). */
export function ipv4IdOf(frame: DecodedFrame, index: number): number {
  const ip = frame.ip[frame.tcp[index]!.ipIndex]!;
  const b = ip.bytes, at = ip.offset + 4;
  return ip.version === 4 && at + 1 < b.length ? (b[at]! << 8) | b[at + 1]! : -1;
}
