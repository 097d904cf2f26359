/** Why and why not, for every analysis flag of one packet: each rule of spec §2.2–2.3 and §6 B–H
 *  re-tested against the analyzer's state just before the packet, with every condition and the
 *  numbers it compared.
 *
 *  Design: a *replay probe*. The analysis loop records nothing extra (no per-packet cost beyond
 *  the fired-rule slots of `AnalysisResult.why`). To ask about frame N, run the analysis over the
 *  capture again and call `probeChecks(analyzer, segment)` right before `analyzer.observe(segment)`
 *  for frame N (`FrameProbe` does exactly that for a set of frames). The probe reads the state
 *  through `TcpAnalyzer.peek` and works on copies: it changes nothing. Its verdicts are checked
 *  against the engine's flags on every probe capture and on random sequences (tests), so the two
 *  cannot drift apart silently. Allocates; for explain/CLI/web, never the hot loop. */
import type { TcpAnalyzer } from "./analyzer.js";
import {
  A_ACK_LOST_SEGMENT, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_OUT_OF_ORDER,
  A_LOST_SEGMENT, A_RETRANSMISSION, A_REUSED_PORTS, A_SPURIOUS_RETRANSMISSION, A_WINDOW_FULL, A_WINDOW_UPDATE,
  A_KEEP_ALIVE_ACK, A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK, type AnalysisFlagField,
} from "./flags.js";
import { FlowState, WS_NOT_USED, WS_UNKNOWN } from "./flow.js";
import type { AnalysisResult } from "./result.js";
import { ACK, FIN, RST, SYN, type TcpSegment } from "./segment.js";
import { FAST_RETRANSMISSION_NS, OUT_OF_ORDER_DEFAULT_NS } from "./seq-analysis.js";
import { seqAdd, seqGt, seqLe, seqLt, U32_ALL_ONES } from "./seq.js";
import { derivedTraces, msText, type WhyCondition, type WhyTrace } from "./why-trace.js";

/** The scalar part of a flow's state that the checks read (a copy). */
interface FlowCopy {
  baseSeq: number; baseSet: boolean; winScale: number; window: number; nextseq: number; nextseqFrame: number;
  nextseqTimeNs: number; maxSeqToBeAcked: number; lastAck: number; lastAckTimeNs: number; dupAckNum: number;
  lastNonDupAck: number; lastSegmentFlags: number; isFirstAck: boolean;
}

const copyFlow = (f: FlowState): FlowCopy => ({
  baseSeq: f.baseSeq, baseSet: f.baseSet, winScale: f.winScale, window: f.window, nextseq: f.nextseq,
  nextseqFrame: f.nextseqFrame, nextseqTimeNs: f.nextseqTimeNs, maxSeqToBeAcked: f.maxSeqToBeAcked,
  lastAck: f.lastAck, lastAckTimeNs: f.lastAckTimeNs, dupAckNum: f.dupAckNum, lastNonDupAck: f.lastNonDupAck,
  lastSegmentFlags: f.lastSegmentFlags, isFirstAck: f.isFirstAck,
});

/** Every flag's trace for one packet, in the engine's evaluation order. */
export class FrameChecks {
  constructor(readonly frame: number, readonly traces: readonly WhyTrace[], readonly flags: number) {}
  /** The trace of one flag field (`tcp.analysis.window_full`). */
  get(field: AnalysisFlagField): WhyTrace | undefined { return this.traces.find((t) => t.field === field); }
  /** The trace of a flag that did not fire (undefined if it fired or is unknown). */
  whyNot(field: AnalysisFlagField): WhyTrace | undefined {
    const t = this.get(field);
    return t !== undefined && !t.fired ? t : undefined;
  }
  /** The traces of the flags that fired. */
  fired(): WhyTrace[] { return this.traces.filter((t) => t.fired); }
}

/** Builds one trace: conditions are added in test order; `fired` = all held. */
class TraceBuilder {
  readonly conditions: WhyCondition[] = [];
  readonly values: Record<string, number> = {};
  constructor(readonly field: AnalysisFlagField, readonly id: string, readonly spec: string, readonly name: string) {}
  c(id: string, ok: boolean, text: string): this { this.conditions.push({ id, ok, text }); return this; }
  v(name: string, value: number): this { this.values[name] = value; return this; }
  get ok(): boolean { return this.conditions.every((x) => x.ok); }
  done(head?: string, skipped?: string): WhyTrace {
    const fired = skipped === undefined && this.ok;
    return {
      field: this.field, id: this.id, spec: this.spec, fired, head: fired && head !== undefined ? head : this.name,
      conditions: this.conditions, values: this.values, ...(skipped === undefined ? {} : { skipped }),
    };
  }
}

/** Evaluate every flag rule for `s` against `analyzer`'s state, without changing it. Call it right
 *  before `analyzer.observe(s)`. */
export function probeChecks(analyzer: TcpAnalyzer, s: TcpSegment): FrameChecks {
  const o = analyzer.options;
  const flags = s.flags;
  const syn = (flags & SYN) !== 0, ack = (flags & ACK) !== 0, pureSyn = syn && !ack;
  const sfr = (flags & (SYN | FIN | RST)) !== 0;
  const seglenKnown = s.seglen >= 0 && !s.icmpQuoted;
  const seglen = seglenKnown ? s.seglen : 0;
  const conv = analyzer.peek(s);
  const fromA = conv === undefined || conv.isFromA(s);
  let fwd = copyFlow(conv === undefined ? new FlowState() : fromA ? conv.flowA : conv.flowB);
  let rev = copyFlow(conv === undefined ? new FlowState() : fromA ? conv.flowB : conv.flowA);
  let irttNs = conv?.irttNs ?? 0;
  let nowNs = conv === undefined ? 0 : conv.nsSinceEpoch(s.tsSec, s.tsNsec);
  const traces: WhyTrace[] = [];
  let rflags = 0;

  // Spec §2.2: a pure SYN on a flow with a base and another ISN starts a new stream.
  const reuse = new TraceBuilder("tcp.analysis.reused_ports", "reused_ports", "spec §2.2–2.3", "port numbers reused");
  reuse.v("seqRaw", s.seqRaw).v("baseRaw", fwd.baseSeq);
  if (pureSyn) {
    reuse.c("existing", conv !== undefined, conv === undefined ? "no earlier conversation on these endpoints" : "an earlier conversation on these endpoints");
    reuse.c("base_set", fwd.baseSet, fwd.baseSet ? `this direction has a base (${fwd.baseSeq})` : "this direction has no base yet");
    reuse.c("new_isn", s.seqRaw !== fwd.baseSeq, `SYN seq ${s.seqRaw} ${s.seqRaw !== fwd.baseSeq ? "≠" : "="} base ${fwd.baseSeq}`);
  } else {
    reuse.c("syn", syn, syn ? "a SYN-ACK" : "not a SYN");
    reuse.c("base_set", fwd.baseSet, fwd.baseSet ? `this direction has a base (${fwd.baseSeq})` : "this direction has no base yet");
    reuse.c("new_isn", s.seqRaw !== fwd.baseSeq, `SYN-ACK seq ${s.seqRaw} ${s.seqRaw !== fwd.baseSeq ? "≠" : "="} base ${fwd.baseSeq}`);
  }
  // With the analysis off tshark 4.0 still splits the stream (or resets the base) but shows no flag.
  const reuseOff = o.analyzeSequenceNumbers ? undefined
    : "sequence analysis is off (tcp.analyze_sequence_numbers): a new ISN still starts a new stream or resets the base, but no flag is shown";
  if (reuse.ok && reuseOff === undefined) rflags |= A_REUSED_PORTS;
  traces.push(reuse.done(pureSyn ? "port numbers reused: new stream" : "port numbers reused: SYN-ACK with a new ISN", reuseOff));
  if (pureSyn && reuse.ok) {
    fwd = copyFlow(new FlowState()); rev = copyFlow(new FlowState()); irttNs = 0; nowNs = 0;
  } else if (pureSyn && conv !== undefined && fwd.baseSet && o.analyzeSequenceNumbers) {
    fwd.nextseq = fwd.maxSeqToBeAcked; // SYN retransmission (spec §2.2)
  }
  if (syn && ack && fwd.baseSet && fwd.baseSeq !== s.seqRaw) fwd.baseSeq = s.seqRaw;

  const skip = !seglenKnown ? "the segment length is unknown (short segment or ICMP-quoted header), so no sequence analysis ran"
    : !o.analyzeSequenceNumbers ? "sequence analysis is off (tcp.analyze_sequence_numbers)" : undefined;
  if (!fwd.baseSet) { fwd.baseSeq = syn ? s.seqRaw : (s.seqRaw - 1) >>> 0; fwd.baseSet = true; }
  if (!rev.baseSet && ack) { rev.baseSeq = (s.ackRaw - 1) >>> 0; rev.baseSet = true; }
  const relative = o.relativeSequenceNumbers && skip === undefined;
  const F = (raw: number) => relative ? `${(raw - fwd.baseSeq) >>> 0} (raw ${raw})` : `${raw}`;
  const R = (raw: number) => relative ? `${(raw - rev.baseSeq) >>> 0} (raw ${raw})` : `${raw}`;
  const relF = (raw: number) => relative ? (raw - fwd.baseSeq) >>> 0 : raw;
  const relR = (raw: number) => relative ? (raw - rev.baseSeq) >>> 0 : raw;
  const noSfr = (b: TraceBuilder) => b.c("no_syn_fin_rst", !sfr, sfr ? "SYN, FIN or RST set" : "no SYN/FIN/RST");
  const eqSeq = (b: TraceBuilder) => b.c("seq_is_nextseq", s.seqRaw === fwd.nextseq,
    `seq ${F(s.seqRaw)} ${s.seqRaw === fwd.nextseq ? "=" : "≠"} next expected ${F(fwd.nextseq)}`);
  const eqAck = (b: TraceBuilder) => b.c("same_ack", s.ackRaw === fwd.lastAck,
    s.ackRaw === fwd.lastAck ? `same ack ${R(s.ackRaw)} as the previous segment` : `ack ${R(s.ackRaw)} ≠ previous ack ${R(fwd.lastAck)}`);
  const len0 = (b: TraceBuilder) => b.c("no_data", seglen === 0, `segment length ${seglen}`);
  const winNz = (b: TraceBuilder) => b.c("window_nonzero", s.windowRaw !== 0, `window ${s.windowRaw}${s.windowRaw !== 0 ? " ≠ 0" : ""}`);
  const sameWin = (b: TraceBuilder) => b.c("same_window", s.windowRaw === fwd.window,
    s.windowRaw === fwd.window ? `same window ${s.windowRaw}` : `window ${s.windowRaw} ≠ previous ${fwd.window === 0xffff_ffff ? "(none yet)" : fwd.window}`);
  const base = (b: TraceBuilder) => b.v("seq", relF(s.seqRaw)).v("seqRaw", s.seqRaw).v("nextseq", relF(fwd.nextseq))
    .v("nextseqRaw", fwd.nextseq).v("seglen", seglen);

  // B–E (spec §6), in engine order; a skip ends the forward checks.
  let endedBy: string | undefined = skip;
  const push = (b: TraceBuilder, bit: number, head?: string): boolean => {
    if (endedBy !== undefined) { traces.push(b.done(head, endedBy)); return false; }
    const fired = b.ok;
    if (fired) rflags |= bit;
    traces.push(b.done(head));
    return fired;
  };

  const zwp = base(new TraceBuilder("tcp.analysis.zero_window_probe", "zero_window_probe", "spec §6 B", "zero-window probe"))
    .c("one_byte", seglen === 1, `segment length ${seglen}${seglen === 1 ? "" : " ≠ 1"}`);
  eqSeq(zwp).c("peer_window_zero", rev.window === 0, `peer's last window ${rev.window === 0xffff_ffff ? "unknown" : rev.window}${rev.window === 0 ? "" : " ≠ 0"}`);
  const isZwp = push(zwp, A_ZERO_WINDOW_PROBE, "zero-window probe");
  if (isZwp) endedBy = "a zero-window probe ends these checks: the rules below it are not tested";

  const zw = new TraceBuilder("tcp.analysis.zero_window", "zero_window", "spec §6 C", "zero window").v("window", s.windowRaw)
    .c("window_zero", s.windowRaw === 0, `window ${s.windowRaw}${s.windowRaw === 0 ? "" : " ≠ 0"}`);
  push(noSfr(zw), A_ZERO_WINDOW, "zero window");

  const lost = base(new TraceBuilder("tcp.analysis.lost_segment", "lost_segment", "spec §6 D", "previous segment not captured"))
    .c("nextseq_known", fwd.nextseq !== 0, fwd.nextseq !== 0 ? "next expected seq known" : "nothing seen yet this way (next expected seq unknown)")
    .c("seq_beyond", seqGt(s.seqRaw, fwd.nextseq), `seq ${F(s.seqRaw)} ${seqGt(s.seqRaw, fwd.nextseq) ? ">" : "≤"} next expected ${F(fwd.nextseq)}`)
    .c("no_rst", (flags & RST) === 0, (flags & RST) === 0 ? "no RST" : "RST set");
  push(lost, A_LOST_SEGMENT, `previous segment not captured: seq ${F(s.seqRaw)} > next expected ${F(fwd.nextseq)}`);

  const kaSeq = seqAdd(fwd.nextseq, -1);
  const ka = base(new TraceBuilder("tcp.analysis.keep_alive", "keep_alive", "spec §6 D2", "keep-alive"))
    .c("len_0_or_1", seglen <= 1, `segment length ${seglen}${seglen <= 1 ? "" : " > 1"}`)
    .c("seq_nextseq_minus_1", s.seqRaw === kaSeq, `seq ${F(s.seqRaw)} ${s.seqRaw === kaSeq ? "=" : "≠"} next expected − 1 = ${F(kaSeq)}`);
  const isKa = push(noSfr(ka), A_KEEP_ALIVE, "keep-alive");

  const wu = base(new TraceBuilder("tcp.analysis.window_update", "window_update", "spec §6 D3", "window update"))
    .v("window", s.windowRaw).v("previousWindow", fwd.window);
  len0(wu); winNz(wu);
  wu.c("window_changed", s.windowRaw !== fwd.window, s.windowRaw !== fwd.window ? `window ${s.windowRaw} ≠ previous ${fwd.window === 0xffff_ffff ? "(none yet)" : fwd.window}` : `same window ${s.windowRaw} as before`);
  eqSeq(wu); eqAck(wu); noSfr(wu);
  push(wu, A_WINDOW_UPDATE, `window update ${fwd.window} → ${s.windowRaw}`);

  const shift = rev.isFirstAck || rev.winScale === WS_NOT_USED ? 0 : rev.winScale;
  const edge = (rev.lastAck + ((rev.window << (shift < 0 ? 0 : shift)) >>> 0)) >>> 0;
  const end = seqAdd(s.seqRaw, seglen);
  const wf = base(new TraceBuilder("tcp.analysis.window_full", "window_full", "spec §6 D4", "window full"))
    .v("end", relF(end)).v("endRaw", end).v("peerAck", relF(rev.lastAck)).v("peerWindow", rev.window).v("peerShift", shift)
    .v("edge", relF(edge)).v("edgeRaw", edge)
    .c("has_data", seglen > 0, `segment length ${seglen}${seglen > 0 ? " > 0" : ""}`)
    .c("peer_scale_known", rev.winScale !== WS_UNKNOWN, rev.winScale !== WS_UNKNOWN ? `peer's window scale known (shift ${shift})` : "peer's window scale unknown (handshake not captured)");
  noSfr(wf);
  wf.c("ends_at_edge", end === edge, `segment end ${F(end)} ${end === edge ? "=" : "≠"} peer's window edge ${F(edge)} = ack ${F(rev.lastAck)} + window ${rev.window === 0xffff_ffff ? "?" : rev.window} × 2^${shift}`);
  push(wf, A_WINDOW_FULL, "window full");

  const lastKa = (rev.lastSegmentFlags & A_KEEP_ALIVE) !== 0, lastZwp = (rev.lastSegmentFlags & A_ZERO_WINDOW_PROBE) !== 0;
  const kaa = base(new TraceBuilder("tcp.analysis.keep_alive_ack", "keep_alive_ack", "spec §6 D5", "keep-alive ACK"));
  len0(kaa); winNz(kaa); sameWin(kaa); eqSeq(kaa); eqAck(kaa);
  kaa.c("peer_keep_alive", lastKa, lastKa ? "peer's last segment was a keep-alive" : "peer's last segment was not a keep-alive");
  noSfr(kaa);
  if (push(kaa, A_KEEP_ALIVE_ACK, "keep-alive ACK")) endedBy = "a keep-alive ACK ends these checks: the rules below it are not tested";

  const zwa = base(new TraceBuilder("tcp.analysis.zero_window_probe_ack", "zero_window_probe_ack", "spec §6 D6", "zero-window probe ACK"));
  len0(zwa);
  zwa.c("window_zero", s.windowRaw === 0, `window ${s.windowRaw}${s.windowRaw === 0 ? "" : " ≠ 0"}`)
    .c("previous_window_zero", fwd.window === 0, `previous window ${fwd.window === 0xffff_ffff ? "(none yet)" : fwd.window}${fwd.window === 0 ? "" : " ≠ 0"}`);
  eqSeq(zwa); eqAck(zwa);
  zwa.c("peer_probe", lastZwp, lastZwp ? "peer's last segment was a zero-window probe" : "peer's last segment was not a zero-window probe");
  noSfr(zwa);
  if (push(zwa, A_ZERO_WINDOW_PROBE_ACK, "zero-window probe ACK")) endedBy = "a zero-window probe ACK ends these checks: the rules below it are not tested";

  const nextDup = fwd.dupAckNum === U32_ALL_ONES ? 1 : (fwd.dupAckNum + 1) >>> 0;
  const dup = base(new TraceBuilder("tcp.analysis.duplicate_ack", "duplicate_ack", "spec §6 E", "duplicate ACK"))
    .v("dupAckNum", nextDup).v("dupAckFrame", fwd.lastNonDupAck).v("ack", relR(s.ackRaw)).v("ackRaw", s.ackRaw).v("window", s.windowRaw);
  eqAck(dup); sameWin(dup); winNz(dup); noSfr(dup); len0(dup); eqSeq(dup);
  if (push(dup, A_DUPLICATE_ACK, `duplicate ACK #${nextDup} of frame ${fwd.lastNonDupAck}`)) fwd.dupAckNum = nextDup;
  endedBy = skip;

  // F.
  if (skip === undefined && s.ackRaw !== fwd.lastAck) { fwd.lastNonDupAck = s.frame; fwd.dupAckNum = 0; }

  // G.
  const al = new TraceBuilder("tcp.analysis.ack_lost_segment", "ack_lost_segment", "spec §6 G", "ACKed unseen segment")
    .v("ack", relR(s.ackRaw)).v("ackRaw", s.ackRaw).v("peerMaxSeqToBeAcked", relR(rev.maxSeqToBeAcked))
    .v("peerNextseq", relR(rev.nextseq)).v("peerDupAckNum", rev.dupAckNum)
    .c("ack_flag", ack, ack ? "ACK set" : "ACK flag clear")
    .c("peer_sent", rev.maxSeqToBeAcked !== 0, rev.maxSeqToBeAcked !== 0 ? "the other direction has sent data" : "nothing seen from the other direction yet")
    .c("ack_beyond", seqGt(s.ackRaw, rev.maxSeqToBeAcked), `ack ${R(s.ackRaw)} ${seqGt(s.ackRaw, rev.maxSeqToBeAcked) ? ">" : "≤"} highest contiguous seq seen from the peer ${R(rev.maxSeqToBeAcked)}`);
  const hole = seqLt(rev.maxSeqToBeAcked, rev.nextseq);
  al.c("first_or_reset", hole || rev.dupAckNum === 0, hole ? `a hole below the peer's highest seq ${R(rev.nextseq)}`
    : rev.dupAckNum === 0 ? "first such ACK (peer's dup-ACK counter 0)" : "repeat: already reported until the peer's ack changes (its dup-ACK counter is parked)");
  if (skip !== undefined) traces.push(al.done(undefined, skip));
  else {
    const reach = ack && rev.maxSeqToBeAcked !== 0 && seqGt(s.ackRaw, rev.maxSeqToBeAcked);
    if (al.ok) rflags |= A_ACK_LOST_SEGMENT;
    traces.push(al.done(`ACKed unseen segment: ack ${R(s.ackRaw)} beyond ${R(rev.maxSeqToBeAcked)}`));
    if (reach) { if (hole) rev.maxSeqToBeAcked = rev.nextseq; else rev.dupAckNum = U32_ALL_ONES; }
  }

  // H. The retransmission family.
  const applies = seglen > 0 || (flags & (SYN | FIN)) !== 0;
  let notAdvanced = fwd.nextseq !== 0 && seqLt(s.seqRaw, fwd.nextseq);
  if (seglen > 1 && s.seqRaw === seqAdd(fwd.nextseq, -1)) notAdvanced = false;
  const hSkip = skip ?? (!applies ? "no data, SYN or FIN: never a retransmission of any kind"
    : isKa ? "a keep-alive re-sends an old byte on purpose: it is never a retransmission" : undefined);
  const below = (b: TraceBuilder) => b.c("below_nextseq", notAdvanced, notAdvanced ? `seq ${F(s.seqRaw)} < next expected ${F(fwd.nextseq)}`
    : fwd.nextseq === 0 ? "next expected seq unknown" : `seq ${F(s.seqRaw)} not below next expected ${F(fwd.nextseq)}`);
  const sEnd = seqAdd(s.seqRaw, seglen);
  const sp = base(new TraceBuilder("tcp.analysis.spurious_retransmission", "spurious_retransmission", "spec §6 H4", "spurious retransmission"))
    .v("peerAck", relF(rev.lastAck)).v("peerAckRaw", rev.lastAck)
    .c("has_data", seglen > 0, `segment length ${seglen}`)
    .c("peer_ack_known", rev.lastAck !== 0, rev.lastAck !== 0 ? "peer has acked" : "no ack from the peer yet")
    .c("already_acked", seqLe(sEnd, rev.lastAck), `segment end ${F(sEnd)} ${seqLe(sEnd, rev.lastAck) ? "≤" : ">"} peer's last ack ${F(rev.lastAck)}`);
  const since = nowNs - rev.lastAckTimeNs;
  const fr = base(new TraceBuilder("tcp.analysis.fast_retransmission", "fast_retransmission", "spec §6 H5a", "fast retransmission"))
    .v("peerDupAckNum", rev.dupAckNum).v("sincePeerNs", since).v("thresholdNs", FAST_RETRANSMISSION_NS);
  below(fr);
  fr.c("two_dup_acks", rev.dupAckNum >= 2, `peer's dup-ACK count ${rev.dupAckNum === U32_ALL_ONES ? "parked at all-ones" : rev.dupAckNum}${rev.dupAckNum >= 2 ? " ≥ 2" : " < 2"}`)
    .c("peer_asks_this_seq", rev.lastAck === s.seqRaw, `peer's last ack ${F(rev.lastAck)} ${rev.lastAck === s.seqRaw ? "=" : "≠"} seq ${F(s.seqRaw)}`)
    .c("recent", since >= 0 && since < FAST_RETRANSMISSION_NS, `${msText(since)} since the peer's last segment ${since >= 0 && since < FAST_RETRANSMISSION_NS ? "<" : "not <"} ${msText(FAST_RETRANSMISSION_NS)}`);
  const thr = irttNs !== 0 ? irttNs : OUT_OF_ORDER_DEFAULT_NS;
  const sinceNext = nowNs - fwd.nextseqTimeNs;
  const plus = (flags & (SYN | FIN)) !== 0 ? 1 : 0;
  const exact = fwd.nextseq === seqAdd(s.seqRaw, seglen + plus);
  const ooo = base(new TraceBuilder("tcp.analysis.out_of_order", "out_of_order", "spec §6 H5b", "out-of-order"))
    .v("sinceNextseqNs", sinceNext).v("thresholdNs", thr);
  below(ooo);
  ooo.c("soon", sinceNext >= 0 && sinceNext < thr, `${msText(sinceNext)} since frame ${fwd.nextseqFrame} raised the next expected seq ${sinceNext >= 0 && sinceNext < thr ? "<" : "not <"} ${irttNs !== 0 ? "iRTT" : "default"} ${msText(thr)}`)
    .c("not_exact_resend", !exact, exact ? "an exact re-send of the last segment" : "not an exact re-send of the last segment");
  const rt = base(new TraceBuilder("tcp.analysis.retransmission", "retransmission", "spec §6 H6", "retransmission"));
  below(rt);
  if (hSkip !== undefined) {
    for (const b of [sp, fr, ooo, rt]) traces.push(b.done(undefined, hSkip));
  } else {
    let won: string | undefined;
    const take = (b: TraceBuilder, bit: number, head: string) => {
      if (won !== undefined) { traces.push(b.done(undefined, `${won} already matched (only one kind of retransmission is reported per segment)`)); return; }
      const ok = b.ok;
      traces.push(b.done(head));
      if (ok) { rflags |= bit; won = b.name; }
    };
    take(sp, A_SPURIOUS_RETRANSMISSION, `spurious retransmission: data already acked up to ${F(rev.lastAck)}`);
    if (o.fastRetransmissionSupersedesOoo) {
      take(fr, A_FAST_RETRANSMISSION, `fast retransmission after ${rev.dupAckNum === U32_ALL_ONES ? "parked" : rev.dupAckNum} dup ACKs`);
      take(ooo, A_OUT_OF_ORDER, "out-of-order");
    } else {
      take(ooo, A_OUT_OF_ORDER, "out-of-order");
      take(fr, A_FAST_RETRANSMISSION, `fast retransmission after ${rev.dupAckNum} dup ACKs`);
    }
    take(rt, A_RETRANSMISSION, `retransmission: seq ${F(s.seqRaw)} < next expected ${F(fwd.nextseq)}`);
  }
  return new FrameChecks(s.frame, traces, rflags);
}

/** Runs an analyzer and probes the chosen frames on the way (the replay of the module doc). */
export class FrameProbe {
  readonly #targets: Set<number>;
  readonly #checks = new Map<number, FrameChecks>();
  readonly #derived = new Map<number, WhyTrace[]>();
  constructor(readonly analyzer: TcpAnalyzer, frames: Iterable<number>) { this.#targets = new Set(frames); }
  /** Analyse the next segment; probes it first when its frame is a target. */
  observe(s: TcpSegment): AnalysisResult {
    const target = this.#targets.has(s.frame) && !this.#checks.has(s.frame);
    const checks = target ? probeChecks(this.analyzer, s) : undefined;
    const r = this.analyzer.observe(s);
    if (checks !== undefined) { this.#checks.set(s.frame, checks); this.#derived.set(s.frame, derivedTraces(r)); }
    return r;
  }
  /** All flag traces of a probed frame (first TCP header of the frame). */
  checks(frame: number): FrameChecks | undefined { return this.#checks.get(frame); }
  /** Why a flag did not fire on a frame (undefined if it fired, or the frame was not probed). */
  whyNot(frame: number, field: AnalysisFlagField): WhyTrace | undefined { return this.#checks.get(frame)?.whyNot(field); }
  /** Why a flag fired, or a derived number has its value (`tcp.analysis.ack_rtt`, `tcp.seq`, …). */
  why(frame: number, field: string): WhyTrace | undefined {
    const t = this.#checks.get(frame)?.traces.find((x) => x.field === field && x.fired);
    return t ?? this.#derived.get(frame)?.find((x) => x.field === field);
  }
}
