/** Acknowledgment matching, ack RTT, RTO and iRTT (spec §6 M, §7.1, §7.2, §7.5). All times are
 *  integer ns since the conversation's epoch. */
import type { SeqContext } from "./context.js";
import type { Conversation } from "./conversation.js";
import { ACK, SYN, type TcpSegment } from "./segment.js";
import { seqGt, seqLt } from "./seq.js";
import { nsOf } from "./ns.js";

/** Seconds beyond which a time in ns no longer fits a double exactly (2^53 ns). */
export const EXACT_SEC = 9_000_000;

/** RTO of a plain retransmission: from the segment that last raised nextseq, replaced by the
 *  oldest unacked segment of the flow when there is one (spec §7.5; no Karn rule). The seconds +
 *  ns parts stay exact however long ago that was; rtoNs is their sum, rounded past 2^53 ns. */
export function computeRto(c: SeqContext): void {
  const fwd = c.fwd;
  const list = fwd.unacked;
  let sec: number, sub: number;
  if (list.count > 0) {
    sec = c.nowSec - list.timeSecAt(0);
    sub = c.nowSub - list.timeSubNsAt(0);
    c.r.rtoFrame = list.frameAt(0);
  } else {
    sec = c.nowSec - fwd.nextseqSec;
    sub = c.nowSub - fwd.nextseqSub;
    c.r.rtoFrame = fwd.nextseqFrame;
  }
  setRto(c, sec, sub);
}

/** rtoNs and its exact parts from a seconds + ns difference (near: 0 s + all ns, as ackRtt). */
function setRto(c: SeqContext, sec: number, sub: number): void {
  const ns = nsOf(sec, sub);
  c.r.rtoNs = ns;
  if (sec < EXACT_SEC && sec > -EXACT_SEC) { c.r.rtoSec = 0; c.r.rtoSubNs = ns; }
  else { c.r.rtoSec = sec; c.r.rtoSubNs = sub; }
}

/** M. Acknowledge the other direction's unacked segments with this packet's raw ack (the ACK flag
 *  is not consulted). An exact end match reports frame and RTT; the oldest match wins (spec §15
 *  item 14). Partially acked entries are trimmed; entries wholly below the ack are dropped.
 *  Runs right after step I: a segment it just remembered more than ~104 days from the
 *  conversation's epoch gets its exact time (seconds + ns) here, so that RTTs stay exact. */
export function acknowledge(c: SeqContext): void {
  const s = c.s, nowSec = c.nowSec, nowSub = c.nowSub;
  const far = nowSec >= EXACT_SEC || nowSec <= -EXACT_SEC;
  if (far) {
    const mine = c.fwd.unacked, last = mine.count - 1;
    if (last >= 0 && mine.frameAt(last) === s.frame && mine.timeNsAt(last) === c.nowNs) mine.setExact(last, nowSec, nowSub);
  }
  const list = c.rev.unacked, d = list.d, x = list.x;
  const ack = s.ackRaw;
  let w = 0, matched = false;
  for (let i = 0, n = 4 * list.count; i < n; i += 4) {
    const seq = d[i]!, next = d[i + 1]!;
    if (next === ack) {
      if (!matched) {
        matched = true;
        c.r.acksFrame = d[i + 2]!;
        c.r.ackRttNs = c.nowNs - d[i + 3]!;
        const k = i >> 2;
        if (far || (x !== undefined && x[2 * k] === x[2 * k])) {
          c.r.ackRttSec = nowSec - list.timeSecAt(k);
          c.r.ackRttSubNs = nowSub - list.timeSubNsAt(k);
        } else { c.r.ackRttSec = 0; c.r.ackRttSubNs = c.r.ackRttNs; }
      }
      continue;
    }
    let keepSeq = seq;
    if (seqLt(seq, ack) && seqLt(ack, next)) keepSeq = ack;
    else if (!seqGt(next, ack)) continue;
    d[w] = keepSeq; d[w + 1] = next; d[w + 2] = d[i + 2]!; d[w + 3] = d[i + 3]!;
    if (x !== undefined) { x[w >> 1] = x[i >> 1]!; x[(w >> 1) + 1] = x[(i >> 1) + 1]!; }
    w += 4;
  }
  list.count = w >> 2;
  if (matched) c.hasRecord = true;
}

/** iRTT (spec §7.2): the first ACK-without-SYN after a pure SYN, either direction, RST-ACK included;
 *  measured from the most recent pure SYN and never updated afterwards. Kept as exact seconds + ns
 *  parts too (irttNs rounds past 2^53 ns, ~104 days). */
export function captureInitialRtt(conv: Conversation, s: TcpSegment): void {
  if ((s.flags & (SYN | ACK)) !== ACK || conv.irttNs !== 0 || !conv.mruSynSet) return;
  const sec = s.tsSec - conv.mruSynSec, sub = s.tsNsec - conv.mruSynNsec;
  const ns = nsOf(sec, sub);
  conv.irttNs = ns;
  if (sec < EXACT_SEC && sec > -EXACT_SEC) { conv.irttSec = 0; conv.irttSubNs = ns; }
  else { conv.irttSec = sec; conv.irttSubNs = sub; }
}
