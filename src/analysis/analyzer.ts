/** The single-pass TCP analyzer: spec §1's per-packet pipeline over `TcpSegment`s, state per
 *  conversation only. `observe()` refills and returns one reusable `AnalysisResult`. */
import { acknowledge, captureInitialRtt, EXACT_SEC } from "./rtt.js";
import { bytesInFlight } from "./bytes-in-flight.js";
import { completenessBits } from "./completeness.js";
import { SeqContext } from "./context.js";
import { type Conversation, ConversationTable } from "./conversation.js";
import { A_REUSED_PORTS } from "./flags.js";
import type { FlowState } from "./flow.js";
import { DEFAULT_ANALYSIS_LIMITS, DEFAULT_ANALYSIS_OPTIONS, type AnalysisLimits, type AnalysisOptions } from "./options.js";
import { AnalysisResult, PHASE_NONE } from "./result.js";
import { ACK, FIN, SYN, type TcpSegment } from "./segment.js";
import { analyzeSequence } from "./seq-analysis.js";
import { nsOf } from "./ns.js";
import { WHY } from "./why.js";
import { learnWindowScale, negotiateWindowScale, scaledWindow, windowScaleFactor } from "./window.js";

/** Counters of capped state (STYLE §6): nothing throws, nothing grows past a limit. */
export interface AnalysisAnomalies {
  /** Segments not remembered because a flow's unacked list was full. */
  unackedDropped: number;
  /** Closed conversations forgotten because of maxClosedConversations. */
  conversationsForgotten: number;
}

/** tshark 4.0 single-pass TCP analysis (spec §1–§9) plus endpoint states and rule traces. */
export class TcpAnalyzer {
  readonly result = new AnalysisResult();
  readonly #opts: AnalysisOptions;
  readonly #table: ConversationTable;
  readonly #ctx: SeqContext;

  constructor(opts: Partial<AnalysisOptions> = {}, limits: Partial<AnalysisLimits> = {}) {
    this.#opts = { ...DEFAULT_ANALYSIS_OPTIONS, ...opts };
    const lim = { ...DEFAULT_ANALYSIS_LIMITS, ...limits };
    this.#table = new ConversationTable(lim.maxClosedConversations);
    this.#ctx = new SeqContext(this.result, this.#opts, lim);
  }

  /** Streams created so far. */
  get streamCount(): number { return this.#table.streamCount; }
  /** Live conversation generations held (memory grows with these, not with packets). */
  get conversationCount(): number { return this.#table.size; }
  /** Capped-state counters. */
  get anomalies(): AnalysisAnomalies {
    return { unackedDropped: this.#ctx.unackedDropped, conversationsForgotten: this.#table.forgotten };
  }

  /** The options in force. */
  get options(): AnalysisOptions { return this.#opts; }
  /** The current conversation generation for `s`, changing nothing (why-not probes, why-not.ts). */
  peek(s: TcpSegment): Conversation | undefined { return this.#table.find(s); }

  /** Analyse the next segment in capture order. The returned object is reused by the next call.
   *  Every field of the result is written on every call (no separate clear pass). */
  observe(s: TcpSegment): AnalysisResult {
    const r = this.result, c = this.#ctx, o = this.#opts, table = this.#table;
    const flags = s.flags;
    const syn = (flags & SYN) !== 0, ack = (flags & ACK) !== 0;
    const pureSyn = syn && !ack;
    const seglenKnown = s.seglen >= 0 && !s.icmpQuoted;
    const seglen = seglenKnown ? s.seglen : -1;
    const analyse = o.analyzeSequenceNumbers;
    r.why.count = 0;
    // The analysis output: the steps below fill what applies (spec §6–7).
    r.analysisPresent = false; r.outputSuppressed = false; r.flags = 0;
    r.acksFrame = 0; r.ackRttNs = 0; r.ackRttSec = 0; r.ackRttSubNs = 0; r.bytesInFlight = 0; r.pushBytesSent = 0;
    r.dupAckNum = 0; r.dupAckFrame = 0; r.rtoNs = 0; r.rtoFrame = 0; r.rtoSec = 0; r.rtoSubNs = 0;
    r.initialRttNs = 0; r.initialRttSec = 0; r.initialRttSubNs = 0;

    // Step 3: find or create the conversation (spec §2.1).
    let conv = table.find(s);
    const hash = table.foundHash;
    let fromA = table.foundFromA;
    const created = conv === undefined;
    if (conv === undefined) {
      conv = table.create(s, hash, s.tsSec, s.tsNsec);
      conv.endpoints.start(flags, s.srcPort, s.dstPort);
      fromA = true;
    }
    let fwd: FlowState = fromA ? conv.flowA : conv.flowB;
    let rev: FlowState = fromA ? conv.flowB : conv.flowA;
    c.s = s; c.seglen = seglen < 0 ? 0 : seglen; c.hasRecord = false; c.relative = false;

    // Step 4: a pure SYN on a flow with a base: port reuse or SYN retransmission (spec §2.2).
    // tshark 4.0 keeps the bases and splits streams on port reuse with the sequence analysis off
    // too (tcp.analyze_sequence_numbers:FALSE); it only shows no flag then.
    if (pureSyn && !created && fwd.baseSet) {
      if (s.seqRaw !== fwd.baseSeq) {
        const oldStream = conv.stream, oldBase = fwd.baseSeq;
        conv = table.create(s, hash, s.tsSec, s.tsNsec);
        conv.endpoints.start(flags, s.srcPort, s.dstPort);
        conv.completeness = 1;
        fromA = true; fwd = conv.flowA; rev = conv.flowB;
        c.flag(A_REUSED_PORTS);
        if (analyse && c.traces) r.why.add(WHY.reusedPortsSyn, s.seqRaw, oldBase, oldStream, conv.stream);
      } else {
        fwd.nextseq = fwd.maxSeqToBeAcked;
        c.hasRecord = true;
      }
    }
    // Step 5: SYN-ACK with another ISN: same stream, new base (spec §2.3).
    if (syn && ack && fwd.baseSet && fwd.baseSeq !== s.seqRaw) {
      if (analyse && c.traces) r.why.add(WHY.reusedPortsSynAck, s.seqRaw, fwd.baseSeq);
      fwd.baseSeq = s.seqRaw;
      c.flag(A_REUSED_PORTS);
    }
    c.conv = conv; c.fwd = fwd; c.rev = rev;
    // All time arithmetic stays inside a conversation: integer ns since its first packet, exact
    // for ~104 days whatever the absolute timestamps (STYLE §5); the parts are exact beyond.
    const nowSec = s.tsSec - conv.epochSec, nowSub = s.tsNsec - conv.epochNsec;
    const nowNs = nsOf(nowSec, nowSub);
    c.nowSec = nowSec; c.nowSub = nowSub; c.nowNs = nowNs;

    // Step 6: stream and completeness before this packet's update.
    r.frame = s.frame;
    r.tcpFlags = flags;
    r.stream = conv.stream;
    r.completeness = conv.completeness;
    // Step 7: this flow's SACK blocks are refilled by its own options (step 21).
    fwd.sackCount = 0;
    // Step 8: conversation timestamps.
    r.timeRelativeNs = nowNs - conv.tsFirstNs;
    r.timeDeltaNs = created ? 0 : nowNs - conv.tsPrevNs;
    // tsFirstNs is 0: the first packet is the epoch.
    r.timeRelativeSec = nowSec; r.timeRelativeSubNs = nowSub;
    if (created) { r.timeDeltaSec = 0; r.timeDeltaSubNs = 0; }
    else { r.timeDeltaSec = nowSec - conv.prevSec; r.timeDeltaSubNs = nowSub - conv.prevSub; }
    conv.prevSec = nowSec; conv.prevSub = nowSub;

    // Steps 9–10.
    r.seglen = seglen;
    r.seq = s.seqRaw;
    r.ack = s.ackRaw;
    r.relative = false; r.seqBase = 0; r.ackBase = 0; r.nxtseq = 0;
    if (seglenKnown) {
      // 4.1 Bases: first packet of a flow shows Seq=0 (SYN) or 1; first ACK of the peer shows Ack=1.
      // Kept with the analysis off too: steps 4–5 still read them (port reuse splits streams).
      if (!fwd.baseSet) { fwd.baseSeq = syn ? s.seqRaw : (s.seqRaw - 1) >>> 0; fwd.baseSet = true; }
      if (!rev.baseSet && ack) { rev.baseSeq = (s.ackRaw - 1) >>> 0; rev.baseSet = true; }
      if (analyse) {
        c.relative = o.relativeSequenceNumbers;
        analyzeSequence(c);
        // Step M has work only with something unacked the other way, or a time too far from the
        // epoch for exact ns (rtt.ts); N only for data.
        if (rev.unacked.count !== 0 || nowSec >= EXACT_SEC || nowSec <= -EXACT_SEC) acknowledge(c);
        if (c.seglen !== 0) bytesInFlight(c);
      }
      if (c.relative) {
        r.relative = true;
        r.seqBase = fwd.baseSeq; r.ackBase = rev.baseSeq;
        r.seq = (s.seqRaw - fwd.baseSeq) >>> 0;
        if (ack) r.ack = (s.ackRaw - rev.baseSeq) >>> 0;
      }
      r.nxtseq = (r.seq + seglen + ((flags & (SYN | FIN)) !== 0 ? 1 : 0)) >>> 0;
    }

    // Step 12: a bogus header length stops the dissection here (spec §12.2).
    if (s.headerBogus) {
      r.outputSuppressed = c.hasRecord && analyse;
      this.#noAnalysisOutput(r);
      r.nxtseqPresent = false; r.ackPresent = false; r.windowPresent = false; r.windowSize = 0;
      r.scaleFactorPresent = false; r.scaleFactor = 0; r.timePresent = false;
      r.statesPresent = false; r.setPhaseCode(PHASE_NONE);
      return r;
    }
    r.nxtseqPresent = seglenKnown;
    r.ackPresent = true;
    r.windowPresent = true;
    // tshark 4.0 scales the displayed window in step 10 only, i.e. when seglen is known.
    r.windowSize = seglenKnown ? scaledWindow(fwd, s.windowRaw, syn, o.defaultWindowScaling) : s.windowRaw;
    if (!syn) { r.scaleFactorPresent = true; r.scaleFactor = windowScaleFactor(fwd, o.defaultWindowScaling); }
    else { r.scaleFactorPresent = false; r.scaleFactor = 0; }
    r.timePresent = o.calculateTimestamps;

    // Step 13: completeness.
    conv.completeness |= completenessBits(flags, seglen, created);
    // Steps 15–16: SYN bookkeeping and iRTT.
    if (syn) fwd.isFirstAck = true;
    // tshark 4.0 keeps the SYN time as an absolute timestamp where zero means "none": a SYN
    // stamped exactly at the epoch (1970-01-01 00:00:00) never starts an iRTT.
    if (pureSyn) {
      conv.mruSynSec = s.tsSec; conv.mruSynNsec = s.tsNsec; conv.mruSynSet = s.tsSec !== 0 || s.tsNsec !== 0;
    }
    if (analyse && conv.irttNs === 0 && conv.mruSynSet) captureInitialRtt(conv, s);
    if (ack && !syn) fwd.isFirstAck = false;
    // Step 21: options. WS applies from this flow's next packet; SACK feeds the peer's bytes in flight.
    if (s.wsShift >= 0) learnWindowScale(fwd, s.wsShift);
    if (s.sackCount > 0) keepSack(fwd, s);
    // Step 22: analysis output, lost when the options threw (spec §11.1).
    if (c.hasRecord && analyse) {
      if (s.optionsTruncated) r.outputSuppressed = true;
      else {
        r.analysisPresent = true;
        r.initialRttNs = conv.irttNs; r.initialRttSec = conv.irttSec; r.initialRttSubNs = conv.irttSubNs;
      }
    }
    // Without a record the steps set no output field (each one that does also sets the record).
    if (!r.analysisPresent && c.hasRecord) this.#noAnalysisOutput(r);
    // Step 23: window-scale negotiation after a SYN's options (skipped when they threw).
    if (syn && !s.optionsTruncated) negotiateWindowScale(fwd, rev, ack);

    // Endpoint states (STYLE §7): not for ICMP-quoted copies.
    if (s.icmpQuoted) { r.statesPresent = false; r.setPhaseCode(PHASE_NONE); return r; }
    const e = conv.endpoints;
    if (!o.states) {
      e.noteEnd(flags, fromA);
      r.statesPresent = false; r.setPhaseCode(PHASE_NONE);
      if (!conv.closed && e.finished) this.#table.markClosed(conv);
      return r;
    }
    e.apply(s, fromA, seglen);
    const clientIsA = e.clientIsA;
    r.fromClient = clientIsA ? fromA : !fromA;
    // Codes, not names: small-integer stores (the result's name properties read them).
    if (clientIsA) r.setStates(e.beforeA, e.beforeB, e.stateA, e.stateB, e.eventA, e.eventB, e.packetPhase);
    else r.setStates(e.beforeB, e.beforeA, e.stateB, e.stateA, e.eventB, e.eventA, e.packetPhase);
    r.statesPresent = true;
    if (!conv.closed && e.finished) this.#table.markClosed(conv);
    return r;
  }

  /** No analysis shown: the output fields back to absent (the analysis state stays updated). */
  #noAnalysisOutput(r: AnalysisResult): void {
    r.flags = 0; r.acksFrame = 0; r.ackRttNs = 0; r.ackRttSec = 0; r.ackRttSubNs = 0;
    r.bytesInFlight = 0; r.pushBytesSent = 0; r.dupAckNum = 0; r.dupAckFrame = 0;
    r.rtoNs = 0; r.rtoFrame = 0; r.rtoSec = 0; r.rtoSubNs = 0;
  }


}

/** Step 21: this packet's SACK blocks, kept for the peer's bytes in flight (spec §7.3). */
function keepSack(fwd: FlowState, s: TcpSegment): void {
  const left = fwd.sackLeft, right = fwd.sackRight;
  const n = s.sackCount < left.length ? s.sackCount : left.length;
  for (let i = 0; i < n; i++) { left[i] = s.sackLeft[i]!; right[i] = s.sackRight[i]!; }
  fwd.sackCount = n;
}
