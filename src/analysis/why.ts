/** The "why" of every analysis flag: which spec rule fired and the numbers it compared.
 *  Recording is allocation-free: a rule is a constant, the values go into reusable slots;
 *  `whyToObject` builds a plain object on demand (explain layer, tests). */
import type { AnalysisFlagField } from "./flags.js";

/** A rule of spec §2/§6: the flag it sets, the condition in words, the names of its values
 *  (`id` and `names` are the machine-readable part, kept in `--json`). */
export interface WhyRule {
  /** Flag field this rule sets. */
  readonly flag: AnalysisFlagField;
  /** Short id, stable for tests and links (`"retransmission"`). */
  readonly id: string;
  /** The condition that held, in our words, with the RFC it rests on (the spec section is in the
   *  comment above each rule in seq-analysis.ts; users cannot look it up). */
  readonly rule: string;
  /** Names of the compared values, in slot order. Sequence-space values are relative to the
   *  base of the flow they belong to when relative numbers are on (raw otherwise); times are ns. */
  readonly names: readonly string[];
}

/** Most values a rule records. */
export const WHY_MAX_VALUES = 6;

/** One fired rule with its values (slot reused across packets). */
export class WhySlot {
  rule: WhyRule | undefined = undefined;
  readonly values: Float64Array = new Float64Array(WHY_MAX_VALUES);
}

/** The fired rules of one packet, in evaluation order. */
export class WhyList {
  readonly slots: WhySlot[] = [];
  count = 0;
  constructor(capacity = 16) { for (let i = 0; i < capacity; i++) this.slots.push(new WhySlot()); }
  clear(): void { this.count = 0; }
  /** Append a fired rule with up to six values (unused ones are ignored). */
  add(rule: WhyRule, v0 = 0, v1 = 0, v2 = 0, v3 = 0, v4 = 0, v5 = 0): void {
    if (this.count >= this.slots.length) this.slots.push(new WhySlot());
    const s = this.slots[this.count++]!;
    s.rule = rule;
    const v = s.values; v[0] = v0; v[1] = v1; v[2] = v2; v[3] = v3; v[4] = v4; v[5] = v5;
  }
  /** The slot of the rule that set `flag`, if it fired on this packet. */
  find(flag: AnalysisFlagField): WhySlot | undefined {
    for (let i = 0; i < this.count; i++) if (this.slots[i]!.rule?.flag === flag) return this.slots[i];
    return undefined;
  }
}

/** A fired rule as a plain object: `{flag, rule, id, seq: 1, nextseq: 3}` (allocates; not for the hot path). */
export function whyToObject(slot: WhySlot): Record<string, string | number> {
  const r = slot.rule;
  if (r === undefined) return {};
  const o: Record<string, string | number> = { flag: r.flag, id: r.id, rule: r.rule };
  for (let i = 0; i < r.names.length; i++) o[r.names[i]!] = slot.values[i]!;
  return o;
}

const rule = (flag: AnalysisFlagField, id: string, text: string, ...names: string[]): WhyRule =>
  Object.freeze({ flag, id, rule: text, names: Object.freeze(names) });

/** Every rule the engine can record (spec §2.2–2.3, §6 B–H). */
export const WHY = {
  reusedPortsSyn: rule("tcp.analysis.reused_ports", "reused_ports.syn",
    "a SYN without ACK whose sequence number is not this direction's initial one: a new connection on the same port pair, so a new stream (RFC 9293 §3.4.1)",
    "seqRaw", "baseRaw", "oldStream", "newStream"),
  reusedPortsSynAck: rule("tcp.analysis.reused_ports", "reused_ports.synack",
    "a SYN-ACK whose sequence number is not this direction's initial one: the same stream, counted from the new ISN (RFC 9293 §3.4.1)",
    "seqRaw", "baseRaw"),
  zeroWindowProbe: rule("tcp.analysis.zero_window_probe", "zero_window_probe",
    "1 byte at the next expected sequence number while the peer's last window was 0: a probe for the window to reopen (RFC 9293 §3.8.6.1)",
    "seglen", "seq", "nextseq", "peerWindow"),
  zeroWindow: rule("tcp.analysis.zero_window", "zero_window",
    "window 0 without SYN, FIN or RST: the sender's receive buffer is full, the peer must stop sending (RFC 9293 §3.8.6)", "window"),
  lostSegment: rule("tcp.analysis.lost_segment", "lost_segment",
    "the sequence number is beyond the next one expected this way, no RST: bytes in between were not captured (RFC 9293 §3.4)", "seq", "nextseq"),
  keepAlive: rule("tcp.analysis.keep_alive", "keep_alive",
    "0 or 1 byte at the next expected sequence number − 1, no SYN/FIN/RST: a probe that keeps an idle connection alive (RFC 9293 §3.8.4)", "seglen", "seq", "nextseq"),
  windowUpdate: rule("tcp.analysis.window_update", "window_update",
    "no data, the expected sequence number, the same ack, only the window changed (and is not 0), no SYN/FIN/RST: the receiver announces buffer space (RFC 9293 §3.8.6)",
    "window", "previousWindow", "seq", "ack"),
  windowFull: rule("tcp.analysis.window_full", "window_full",
    "the segment ends exactly at the edge of the peer's window (its last ack + its scaled window), no SYN/FIN/RST: the sender must wait (RFC 9293 §3.8.6, RFC 7323 §2)",
    "seq", "seglen", "peerAck", "peerWindow", "peerShift"),
  keepAliveAck: rule("tcp.analysis.keep_alive_ack", "keep_alive_ack",
    "no data, the same window, the expected sequence number and the same ack, answering the peer's keep-alive (RFC 9293 §3.8.4)",
    "window", "seq", "ack"),
  zeroWindowProbeAck: rule("tcp.analysis.zero_window_probe_ack", "zero_window_probe_ack",
    "no data, window still 0, the expected sequence number and the same ack, answering the peer's zero-window probe (RFC 9293 §3.8.6.1)",
    "window", "seq", "ack"),
  duplicateAck: rule("tcp.analysis.duplicate_ack", "duplicate_ack",
    "no data, the same ack and the same non-zero window as before, the expected sequence number, no SYN/FIN/RST: the receiver repeats its ACK, usually because a segment is missing (RFC 5681 §2, §4.2)",
    "dupAckNum", "dupAckFrame", "ack", "window", "seq"),
  ackLostSegment: rule("tcp.analysis.ack_lost_segment", "ack_lost_segment",
    "the ack is beyond the bytes seen from the peer: the peer sent data the capture missed (RFC 9293 §3.4)",
    "ack", "peerMaxSeqToBeAcked", "peerNextseq", "peerDupAckNum"),
  spuriousRetransmission: rule("tcp.analysis.spurious_retransmission", "spurious_retransmission",
    "the data ends at or before the peer's last ack: it was already acknowledged, re-sending it was unnecessary (RFC 6298 §5, RFC 2883 §4)", "seq", "seglen", "peerAck"),
  fastRetransmission: rule("tcp.analysis.fast_retransmission", "fast_retransmission",
    "below the next expected sequence number, after at least 2 duplicate ACKs from the peer for it, the last one less than 20 ms earlier (Wireshark's threshold): a re-send triggered by duplicate ACKs (RFC 5681 §3.2)",
    "seq", "nextseq", "peerDupAckNum", "sincePeerAckNs", "thresholdNs"),
  outOfOrder: rule("tcp.analysis.out_of_order", "out_of_order",
    "below the next expected sequence number, sooner after the segment that raised it than the initial RTT (3 ms when unknown), not an exact re-send: the network reordered segments (RFC 9293 §3.10.7.4)",
    "seq", "nextseq", "sinceNextseqNs", "thresholdNs"),
  retransmission: rule("tcp.analysis.retransmission", "retransmission",
    "below the next expected sequence number with data, SYN or FIN: bytes sent before are sent again (RFC 6298 §5, RFC 9293 §3.8.1)", "seq", "nextseq"),
} as const;
