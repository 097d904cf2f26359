/** The sequence analysis of spec §6, steps A–L, on raw seq/ack and the raw window (spec §15
 *  item 1). Steps M–N (acks, RTT, bytes in flight) live in rtt.ts and bytes-in-flight.ts. */
import type { SeqContext } from "./context.js";
import {
  A_ACK_LOST_SEGMENT, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK,
  A_LOST_SEGMENT, A_OUT_OF_ORDER, A_RETRANSMISSION, A_SPURIOUS_RETRANSMISSION, A_WINDOW_FULL,
  A_WINDOW_UPDATE, A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK,
} from "./flags.js";
import { WS_NOT_USED, WS_UNKNOWN } from "./flow.js";
import { computeRto } from "./rtt.js";
import { ACK, FIN, RST, SYN } from "./segment.js";
import { seqAdd, seqGt, seqLe, seqLt, U32_ALL_ONES } from "./seq.js";
import { WHY } from "./why.js";

/** Fast retransmission: the peer's dup ACK must be less than this old. tshark 4.0, spec §6 H5a. */
export const FAST_RETRANSMISSION_NS = 20_000_000;
/** Out-of-order threshold before the iRTT is known. tshark 4.0, spec §6 H5b. */
export const OUT_OF_ORDER_DEFAULT_NS = 3_000_000;

const SFR = SYN | FIN | RST;

/** B. Zero-window probe: 1 byte at nextseq while the peer's last window was 0. Skips C–E. */
function zeroWindowProbe(c: SeqContext): boolean {
  const { s, fwd, rev } = c;
  if (c.seglen !== 1 || s.seqRaw !== fwd.nextseq || rev.window !== 0) return false;
  c.flag(A_ZERO_WINDOW_PROBE);
  if (c.traces) c.r.why.add(WHY.zeroWindowProbe, 1, c.relFwd(s.seqRaw), c.relFwd(fwd.nextseq), rev.window);
  return true;
}

/** C. Zero window: the sender advertises a raw window of 0 (RFC 9293 §3.8.6.1). */
function zeroWindow(c: SeqContext): boolean {
  if (c.s.windowRaw === 0 && (c.s.flags & SFR) === 0) {
    c.flag(A_ZERO_WINDOW);
    if (c.traces) c.r.why.add(WHY.zeroWindow, 0);
  }
  return false;
}

/** D. Lost segment: seq jumps beyond nextseq; disables bytes in flight until the peer ACKs. */
function lostSegment(c: SeqContext): boolean {
  const { s, fwd } = c;
  if (fwd.nextseq !== 0 && seqGt(s.seqRaw, fwd.nextseq) && (s.flags & RST) === 0) {
    c.flag(A_LOST_SEGMENT);
    fwd.validBif = false;
    if (c.traces) c.r.why.add(WHY.lostSegment, c.relFwd(s.seqRaw), c.relFwd(fwd.nextseq));
  }
  return false;
}

/** D2. Keep-alive (RFC 9293 §3.8.4): 0 or 1 byte at nextseq − 1 (wraps to all-ones for nextseq 0). */
function keepAlive(c: SeqContext): boolean {
  const { s, fwd } = c;
  if (c.seglen <= 1 && s.seqRaw === seqAdd(fwd.nextseq, -1) && (s.flags & SFR) === 0) {
    c.flag(A_KEEP_ALIVE);
    if (c.traces) c.r.why.add(WHY.keepAlive, c.seglen, c.relFwd(s.seqRaw), c.relFwd(fwd.nextseq));
  }
  return false;
}

/** Pure-ACK shape shared by D3, D5, D6 and E: no data, seq = nextseq, same ack, no SYN/FIN/RST. */
function sameAckShape(c: SeqContext): boolean {
  const { s, fwd } = c;
  return c.seglen === 0 && s.seqRaw === fwd.nextseq && s.ackRaw === fwd.lastAck && (s.flags & SFR) === 0;
}

/** D3. Window update: a pure ACK whose only news is a different non-zero window. */
function windowUpdate(c: SeqContext): boolean {
  const { s, fwd } = c;
  if (s.windowRaw !== 0 && s.windowRaw !== fwd.window && sameAckShape(c)) {
    c.flag(A_WINDOW_UPDATE);
    if (c.traces) c.r.why.add(WHY.windowUpdate, s.windowRaw, fwd.window, c.relFwd(s.seqRaw), c.relRev(s.ackRaw));
  }
  return false;
}

/** D4. Window full: the segment ends exactly at the peer's right window edge (equality, spec §6.2). */
function windowFull(c: SeqContext): boolean {
  const { s, rev } = c;
  if (c.seglen <= 0 || rev.winScale === WS_UNKNOWN || (s.flags & SFR) !== 0) return false;
  const shift = rev.isFirstAck || rev.winScale === WS_NOT_USED ? 0 : rev.winScale;
  const edge = (rev.lastAck + ((rev.window << shift) >>> 0)) >>> 0;
  if (seqAdd(s.seqRaw, c.seglen) === edge) {
    c.flag(A_WINDOW_FULL);
    if (c.traces) c.r.why.add(WHY.windowFull, c.relFwd(s.seqRaw), c.seglen, c.relFwd(rev.lastAck), rev.window, shift);
  }
  return false;
}

/** D5. Keep-alive ACK: the identical ACK answering a keep-alive. Skips E (not a dup ACK). */
function keepAliveAck(c: SeqContext): boolean {
  const { s, fwd, rev } = c;
  if (s.windowRaw === 0 || s.windowRaw !== fwd.window || (rev.lastSegmentFlags & A_KEEP_ALIVE) === 0
    || !sameAckShape(c)) return false;
  c.flag(A_KEEP_ALIVE_ACK);
  if (c.traces) c.r.why.add(WHY.keepAliveAck, s.windowRaw, c.relFwd(s.seqRaw), c.relRev(s.ackRaw));
  return true;
}

/** D6. Zero-window probe ACK: the window stays 0 after a probe. Skips E. */
function zeroWindowProbeAck(c: SeqContext): boolean {
  const { s, fwd, rev } = c;
  if (s.windowRaw !== 0 || fwd.window !== 0 || (rev.lastSegmentFlags & A_ZERO_WINDOW_PROBE) === 0
    || !sameAckShape(c)) return false;
  c.flag(A_ZERO_WINDOW_PROBE_ACK);
  if (c.traces) c.r.why.add(WHY.zeroWindowProbeAck, 0, c.relFwd(s.seqRaw), c.relRev(s.ackRaw));
  return true;
}

/** E. Duplicate ACK: same ack, same non-zero window, no data. The ACK flag is not required. */
function duplicateAck(c: SeqContext): boolean {
  const { s, fwd } = c;
  if (s.windowRaw === 0 || s.windowRaw !== fwd.window || !sameAckShape(c)) return false;
  fwd.dupAckNum = fwd.dupAckNum === U32_ALL_ONES ? 1 : (fwd.dupAckNum + 1) >>> 0;
  c.flag(A_DUPLICATE_ACK);
  c.r.dupAckNum = fwd.dupAckNum;
  c.r.dupAckFrame = fwd.lastNonDupAck;
  if (c.traces) c.r.why.add(WHY.duplicateAck, fwd.dupAckNum, fwd.lastNonDupAck, c.relRev(s.ackRaw), s.windowRaw, c.relFwd(s.seqRaw));
  return false;
}

/** Steps B–E of spec §6, in spec order; a check that ends the forward tests returns true and
 *  stops the chain. The order lives here and nowhere else. (Direct calls, not a loop over an
 *  array of checks: the optimizer inlines them.) */
function forwardChecks(c: SeqContext): boolean {
  return zeroWindowProbe(c) || zeroWindow(c) || lostSegment(c) || keepAlive(c) || windowUpdate(c)
    || windowFull(c) || keepAliveAck(c) || zeroWindowProbeAck(c) || duplicateAck(c);
}

/** G. ACKed unseen segment, with tshark 4.0's repeat suppression via the peer's dup-ACK counter.
 *  Called when the packet has ACK and its ack is beyond the peer's known contiguous end. */
function ackedUnseen(c: SeqContext): void {
  const { s, rev } = c;
  c.hasRecord = true;
  const maxBefore = rev.maxSeqToBeAcked, dupBefore = rev.dupAckNum;
  if (seqLt(rev.maxSeqToBeAcked, rev.nextseq)) {
    rev.maxSeqToBeAcked = rev.nextseq;
    c.flag(A_ACK_LOST_SEGMENT);
  } else {
    if (rev.dupAckNum === 0) c.flag(A_ACK_LOST_SEGMENT);
    rev.dupAckNum = U32_ALL_ONES;
  }
  if ((c.r.flags & A_ACK_LOST_SEGMENT) !== 0) {
    if (c.traces) c.r.why.add(WHY.ackLostSegment, c.relRev(s.ackRaw), c.relRev(maxBefore), c.relRev(rev.nextseq), dupBefore);
  }
}

/** 5a. Fast retransmission: ≥ 2 dup ACKs from the peer asking for this seq, recently. */
function fastRetransmission(c: SeqContext, notAdvanced: boolean): boolean {
  const { s, rev, fwd } = c;
  if (!notAdvanced || rev.dupAckNum < 2 || rev.lastAck !== s.seqRaw) return false;
  const since = c.nowNs - rev.lastAckTimeNs;
  // tshark 4.0: a negative difference counts as huge (spec §6 H5a).
  if (since < 0 || since >= FAST_RETRANSMISSION_NS) return false;
  c.flag(A_FAST_RETRANSMISSION);
  if (c.traces) c.r.why.add(WHY.fastRetransmission, c.relFwd(s.seqRaw), c.relFwd(fwd.nextseq), rev.dupAckNum, since, FAST_RETRANSMISSION_NS);
  return true;
}

/** 5b. Out-of-order: below nextseq, soon after the segment that raised nextseq, not an exact re-send. */
function outOfOrder(c: SeqContext, notAdvanced: boolean): boolean {
  const { s, fwd } = c;
  if (!notAdvanced) return false;
  const threshold = c.conv !== undefined && c.conv.irttNs !== 0 ? c.conv.irttNs : OUT_OF_ORDER_DEFAULT_NS;
  const since = c.nowNs - fwd.nextseqTimeNs;
  const plus = (s.flags & (SYN | FIN)) !== 0 ? 1 : 0;
  // tshark 4.0: a negative difference (timestamps going back) is not "within" the threshold.
  if (since < 0 || since >= threshold || fwd.nextseq === seqAdd(s.seqRaw, c.seglen + plus)) return false;
  c.flag(A_OUT_OF_ORDER);
  if (c.traces) c.r.why.add(WHY.outOfOrder, c.relFwd(s.seqRaw), c.relFwd(fwd.nextseq), since, threshold);
  return true;
}

/** H1. Spurious retransmission: data the peer has already acknowledged. */
function spuriousRetransmission(c: SeqContext): boolean {
  const { s, rev } = c;
  const seglen = c.seglen;
  if (seglen <= 0 || rev.lastAck === 0 || !seqLe(seqAdd(s.seqRaw, seglen), rev.lastAck)) return false;
  c.flag(A_SPURIOUS_RETRANSMISSION);
  if (c.traces) c.r.why.add(WHY.spuriousRetransmission, c.relFwd(s.seqRaw), seglen, c.relFwd(rev.lastAck));
  return true;
}

/** H. The retransmission family: at most one of spurious, fast, out-of-order, plain. Called for
 *  segments with data, SYN or FIN. */
function retransmissionFamily(c: SeqContext): void {
  const { s, fwd } = c;
  const seglen = c.seglen;
  let notAdvanced = fwd.nextseq !== 0 && seqLt(s.seqRaw, fwd.nextseq);
  // A keep-alive is never any kind of retransmission (spec §15 item 10).
  if ((c.r.flags & A_KEEP_ALIVE) !== 0) return;
  // A previous 1-byte probe may have been dropped by the receiver.
  if (seglen > 1 && s.seqRaw === seqAdd(fwd.nextseq, -1)) notAdvanced = false;
  if (spuriousRetransmission(c)) return;
  if (c.opts.fastRetransmissionSupersedesOoo) {
    if (fastRetransmission(c, notAdvanced) || outOfOrder(c, notAdvanced)) return;
  } else if (outOfOrder(c, notAdvanced) || fastRetransmission(c, notAdvanced)) return;
  if (notAdvanced) {
    c.flag(A_RETRANSMISSION);
    if (c.traces) c.r.why.add(WHY.retransmission, c.relFwd(s.seqRaw), c.relFwd(fwd.nextseq));
    computeRto(c);
  }
}

/** Steps A–L of spec §6 for a packet with known seglen. */
export function analyzeSequence(c: SeqContext): void {
  const { s, fwd, rev } = c;
  const seglen = c.seglen;
  // A. Any ACK re-enables bytes in flight for the other direction.
  if ((s.flags & ACK) !== 0) rev.validBif = true;
  // The common shapes, without SYN, FIN or RST, with a non-zero window, at seq = nextseq: more
  // than one byte of data, or no data and a new ack. Then B, C, D, D2, D3, D5, D6 and E cannot
  // fire (1 byte, a zero window, a seq off nextseq or the same ack is what they need), nor any
  // of H but its spurious test (seq = nextseq is no retransmission, fast or out of order).
  const inOrder = c.fastPaths && (s.flags & SFR) === 0 && s.windowRaw !== 0 && s.seqRaw === fwd.nextseq
    && (seglen > 1 || (seglen === 0 && s.ackRaw !== fwd.lastAck));
  // B–E.
  if (!inOrder) forwardChecks(c);
  else if (seglen > 0) windowFull(c);
  // F. An ack change restarts the dup-ACK count.
  if (s.ackRaw !== fwd.lastAck) { fwd.lastNonDupAck = s.frame; fwd.dupAckNum = 0; }
  // G. The ack is beyond the highest contiguous seq seen from the peer (tested here: the call
  // is skipped for almost every packet).
  if ((s.flags & ACK) !== 0 && rev.maxSeqToBeAcked !== 0 && seqGt(s.ackRaw, rev.maxSeqToBeAcked)) ackedUnseen(c);
  // H. Only a segment with data, SYN or FIN can be any kind of retransmission.
  const synFin = (s.flags & (SYN | FIN)) !== 0;
  if (!inOrder) { if (seglen > 0 || synFin) retransmissionFamily(c); }
  else if (seglen > 0) spuriousRetransmission(c);
  // I. Remember segments that occupy sequence space (capped, spec §6.2).
  let end = seqAdd(s.seqRaw, seglen);
  if (seglen > 0 || synFin) {
    if (fwd.unacked.count < c.limits.maxUnackedPerFlow) {
      fwd.unacked.add(s, seglen, c);
      if (synFin) end = seqAdd(end, 1);
    } else { fwd.unackedDropped++; c.unackedDropped++; }
  }
  const zwp = (c.r.flags & A_ZERO_WINDOW_PROBE) !== 0;
  // J. Highest sequence sent (retransmissions do not move it back).
  if ((seqGt(end, fwd.nextseq) || fwd.nextseq === 0) && !zwp) {
    fwd.nextseq = end; fwd.nextseqFrame = s.frame; fwd.nextseqSec = c.nowSec; fwd.nextseqSub = c.nowSub;
  }
  // K. Contiguous end: stays at a hole until a segment starts there.
  if ((s.seqRaw === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) && !zwp) fwd.maxSeqToBeAcked = fwd.nextseq;
  // L. Every analysed packet updates these, ACK flag or not (spec §15 item 3).
  fwd.window = s.windowRaw;
  fwd.lastAck = s.ackRaw;
  fwd.lastAckSec = c.nowSec; fwd.lastAckSub = c.nowSub;
  fwd.lastSegmentFlags = c.hasRecord ? c.r.flags : 0;
}
