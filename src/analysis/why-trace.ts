/** Rule traces as plain data, and `formatWhy` that turns one into an English sentence. A trace
 *  says which spec rule was tested for one flag or derived number of one packet, each condition
 *  with the numbers it compared (relative and raw sequence numbers), and whether it fired.
 *  Traces are built on demand (why-not.ts, `derivedTraces`), never in the analysis loop. */
import type { AnalysisResult } from "./result.js";
import { ACK } from "./segment.js";

/** One condition of a rule, with its numbers already in the text. */
export interface WhyCondition {
  /** Stable id for tests (`"same_ack"`). */
  readonly id: string;
  /** The condition held. */
  readonly ok: boolean;
  /** Plain English with the compared numbers, e.g. `same ack 1461 (raw 2883456781)`. */
  readonly text: string;
}

/** A rule tested on one packet for one field. */
export interface WhyTrace {
  /** The field: an analysis flag (`tcp.analysis.window_full`) or derived number (`tcp.analysis.ack_rtt`). */
  readonly field: string;
  /** Rule id (`"duplicate_ack"`, `"relative_seq"`). */
  readonly id: string;
  /** Our spec's section (`spec §6 E`): for tests and `--json`; users read `citeOf(id)`. */
  readonly spec: string;
  /** Every condition held (for a derived number: it has a value). */
  readonly fired: boolean;
  /** Sentence head when fired (`duplicate ACK #3 of frame 12`) or the rule's name (`window full`). */
  readonly head: string;
  /** The conditions, in the order the engine tests them. */
  readonly conditions: readonly WhyCondition[];
  /** The compared numbers by name (sequence numbers as displayed; `…Raw` the wire value; times ns). */
  readonly values: Readonly<Record<string, number>>;
  /** When the rule was not reached: why (an earlier rule ended the checks, or no seglen). */
  readonly skipped?: string;
}

/** The public references a user can read for each rule or derived number (by trace / rule id):
 *  the RFC section that defines the behaviour, or says that the rule is Wireshark's heuristic. */
const CITES: Readonly<Record<string, string>> = {
  reused_ports: "RFC 9293 §3.4.1", "reused_ports.syn": "RFC 9293 §3.4.1", "reused_ports.synack": "RFC 9293 §3.4.1",
  zero_window_probe: "RFC 9293 §3.8.6.1", zero_window: "RFC 9293 §3.8.6", lost_segment: "RFC 9293 §3.4",
  keep_alive: "RFC 9293 §3.8.4", window_update: "RFC 9293 §3.8.6", window_full: "RFC 9293 §3.8.6, RFC 7323 §2",
  keep_alive_ack: "RFC 9293 §3.8.4", zero_window_probe_ack: "RFC 9293 §3.8.6.1", duplicate_ack: "RFC 5681 §2, §4.2",
  ack_lost_segment: "RFC 9293 §3.4", spurious_retransmission: "RFC 6298 §5, RFC 2883 §4",
  fast_retransmission: "RFC 5681 §3.2", out_of_order: "RFC 9293 §3.10.7.4", retransmission: "RFC 6298 §5, RFC 9293 §3.8.1",
  relative_seq: "RFC 9293 §3.4", relative_ack: "RFC 9293 §3.4", nxtseq: "RFC 9293 §3.4", window_scaling: "RFC 7323 §2",
  acks_frame: "RFC 6298 §2", initial_rtt: "RFC 6298 §2", bytes_in_flight: "RFC 5681 §2", duplicate_ack_num: "RFC 5681 §2",
  rto: "RFC 6298 §2",
};

/** The RFC sections behind a rule or trace id (`"RFC 5681 §2, §4.2"`), "" when none applies. */
export function citeOf(id: string): string { return CITES[id] ?? ""; }

/** The sentence for a trace: `head: cond, cond, …` when it fired; otherwise `not head: the failed
 *  conditions (held: the others)`, or the reason it was skipped; the RFC it rests on at the end. */
export function formatWhy(t: WhyTrace): string {
  const cite = citeOf(t.id) === "" ? "" : ` (${citeOf(t.id)})`;
  if (t.skipped !== undefined) return `not ${t.head}: ${t.skipped}${cite}`;
  if (t.fired) return `${t.head}: ${t.conditions.map((c) => c.text).join(", ")}${cite}`;
  const failed = t.conditions.filter((c) => !c.ok).map((c) => c.text);
  const held = t.conditions.filter((c) => c.ok).map((c) => c.text);
  return `not ${t.head}: ${failed.join(", ")}${held.length > 0 ? ` (held: ${held.join(", ")})` : ""}${cite}`;
}

/** The first condition that failed, if any. */
export function firstFailed(t: WhyTrace): WhyCondition | undefined {
  return t.conditions.find((c) => !c.ok);
}

/** `1461 (raw 2883456781)` when relative numbering applies, else the raw number. */
export function seqText(rel: number, raw: number, relative: boolean): string {
  return relative ? `${rel} (raw ${raw})` : `${raw}`;
}

/** Integer ns as milliseconds with 3 decimals (`"12.345"`): the one time format of the teaching
 *  outputs (explain, ladder, demo, the page's explanation). µs resolution, cut toward zero, by
 *  integer arithmetic (STYLE §5); tshark-compatible outputs keep tshark's seconds instead. */
export function msDigits(ns: number): string {
  const neg = ns < 0, a = Math.abs(Math.trunc(ns));
  const us = Math.floor(a / 1000);
  return `${neg && us !== 0 ? "-" : ""}${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, "0")}`;
}

/** `msDigits(ns)` with its unit: `"12.345 ms"`. */
export function msText(ns: number): string { return `${msDigits(ns)} ms`; }

const cond = (id: string, ok: boolean, text: string): WhyCondition => ({ id, ok, text });

/** Traces of the derived numbers of one result (relative seq/ack, nxtseq, window scaling,
 *  acks_frame/ack_rtt, iRTT, bytes in flight, dup-ACK number, RTO): what the value was computed
 *  from. Only numbers present on the packet get a trace. Allocates. */
export function derivedTraces(r: AnalysisResult): WhyTrace[] {
  const out: WhyTrace[] = [];
  const rel = r.relative;
  const seqRaw = rel ? (r.seq + r.seqBase) >>> 0 : r.seq;
  if (rel) {
    out.push({ field: "tcp.seq", id: "relative_seq", spec: "spec §4", fired: true, head: `seq ${r.seq}`,
      conditions: [cond("base", true, `raw seq ${seqRaw} − base ${r.seqBase} of this direction (mod 2^32)`)],
      values: { seq: r.seq, seqRaw, base: r.seqBase } });
  }
  if (r.ackPresent && rel && (r.tcpFlags & ACK) !== 0) {
    const ackRaw = (r.ack + r.ackBase) >>> 0;
    out.push({ field: "tcp.ack", id: "relative_ack", spec: "spec §4", fired: true, head: `ack ${r.ack}`,
      conditions: [cond("base", true, `raw ack ${ackRaw} − base ${r.ackBase} of the other direction (mod 2^32)`)],
      values: { ack: r.ack, ackRaw, base: r.ackBase } });
  }
  if (r.nxtseqPresent) {
    const plus = (r.nxtseq - r.seq - r.seglen) >>> 0;
    out.push({ field: "tcp.nxtseq", id: "nxtseq", spec: "spec §4.2", fired: true, head: `next seq ${r.nxtseq}`,
      conditions: [cond("sum", true, `seq ${seqText(r.seq, seqRaw, rel)} + length ${r.seglen}${plus === 1 ? " + 1 for SYN/FIN" : ""}`)],
      values: { nxtseq: r.nxtseq, seq: r.seq, seglen: r.seglen, synFin: plus } });
  }
  if (r.windowPresent) {
    const f = r.scaleFactorPresent ? r.scaleFactor : 0;
    const raw = f > 0 ? r.windowSize / f : r.windowSize;
    const how = !r.scaleFactorPresent ? "a SYN's window is never scaled"
      : f > 0 ? `raw ${raw} × ${f} (scale learned from the window-scale option)`
        : f === -1 ? `raw ${raw}, scale unknown (handshake not captured)` : `raw ${raw}, no window scaling in use`;
    out.push({ field: "tcp.window_size", id: "window_scaling", spec: "spec §5", fired: true, head: `window ${r.windowSize}`,
      conditions: [cond("scale", true, how)], values: { window: r.windowSize, windowRaw: raw, factor: f } });
  }
  if (r.analysisPresent && r.acksFrame !== 0) {
    out.push({ field: "tcp.analysis.ack_rtt", id: "acks_frame", spec: "spec §6 M, §7.1", fired: true,
      head: `ACKs frame ${r.acksFrame}${r.ackRttNs !== 0 ? ` after ${msText(r.ackRttNs)}` : ""}`,
      conditions: [cond("exact_end", true, `ack ${r.ack} equals the end of the oldest unacked segment of the other direction, frame ${r.acksFrame}`)],
      values: { acksFrame: r.acksFrame, ackRttNs: r.ackRttNs, ack: r.ack } });
  }
  if (r.analysisPresent && r.initialRttNs !== 0) {
    out.push({ field: "tcp.analysis.initial_rtt", id: "initial_rtt", spec: "spec §7.2", fired: true,
      head: `initial RTT ${msText(r.initialRttNs)}`,
      conditions: [cond("syn_to_ack", true, "time from the most recent pure SYN to the first later packet with ACK and no SYN, either direction")],
      values: { initialRttNs: r.initialRttNs } });
  }
  if (r.analysisPresent && r.bytesInFlight !== 0) {
    out.push({ field: "tcp.analysis.bytes_in_flight", id: "bytes_in_flight", spec: "spec §7.3", fired: true,
      head: `${r.bytesInFlight} bytes in flight`,
      conditions: [cond("span", true, "span from the oldest unacked byte to the highest end sent this way, minus bytes the peer SACKed in its latest packet, minus 1 for this packet's SYN/FIN"),
        cond("push", true, `${r.pushBytesSent} bytes sent since the last PSH`)],
      values: { bytesInFlight: r.bytesInFlight, pushBytesSent: r.pushBytesSent } });
  }
  if (r.analysisPresent && r.dupAckNum !== 0) {
    out.push({ field: "tcp.analysis.duplicate_ack_num", id: "duplicate_ack_num", spec: "spec §6 E, §7.6", fired: true,
      head: `duplicate ACK #${r.dupAckNum} of frame ${r.dupAckFrame}`,
      conditions: [cond("count", true, `identical ACKs counted since frame ${r.dupAckFrame}, where this direction's ack last changed`)],
      values: { dupAckNum: r.dupAckNum, dupAckFrame: r.dupAckFrame } });
  }
  if (r.analysisPresent && r.rtoNs !== 0) {
    out.push({ field: "tcp.analysis.rto", id: "rto", spec: "spec §7.5", fired: true,
      head: `RTO ${msText(r.rtoNs)} since frame ${r.rtoFrame}`,
      conditions: [cond("oldest", true, `time since frame ${r.rtoFrame}, the oldest unacked segment of this direction (else the one that last raised nextseq)`)],
      values: { rtoNs: r.rtoNs, rtoFrame: r.rtoFrame } });
  }
  return out;
}
