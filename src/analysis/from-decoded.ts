/** Adapter: one TCP header of a decoded frame → `TcpSegment` (refilled in place, no allocation
 *  unless the header has options, which `tcpOptions` parses). */
import { type DecodedFrame, tcpOptions } from "../decode/index.js";
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
  seg.headerBogus = t.problems.includes("tcp.bogus_header_length");
  // A header cut before its options end throws in tshark: the analysis output is lost (spec §11.1).
  seg.optionsTruncated = t.problems.includes("truncated") || t.problems.includes("tcp.options_truncated");
  seg.mss = -1; seg.wsShift = -1; seg.sackPerm = false; seg.sackCount = 0; seg.hasTimestamps = false;
  if (t.optionsLength === 0 || seg.headerBogus) return true;
  for (const o of tcpOptions(t.options(), t.optionsLength).options) {
    if (o.type === "mss" && o.value !== undefined) seg.mss = o.value;
    else if (o.type === "wscale" && o.shift !== undefined) seg.wsShift = o.shift;
    else if (o.type === "sack_perm") seg.sackPerm = true;
    else if (o.type === "timestamp" && o.tsval !== undefined) seg.hasTimestamps = true;
    else if (o.type === "sack") {
      for (let b = 0; b < o.count && seg.sackCount < seg.sackLeft.length; b++) {
        seg.sackLeft[seg.sackCount] = o.edges[2 * b]!; seg.sackRight[seg.sackCount] = o.edges[2 * b + 1]!;
        seg.sackCount++;
      }
    }
  }
  return true;
}
