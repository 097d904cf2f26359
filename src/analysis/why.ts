/** The "why" of every analysis flag: which spec rule fired and the numbers it compared.
 *  Recording is allocation-free: a rule is a constant, the values go into reusable slots;
 *  `whyToObject` builds a plain object on demand (explain layer, tests). */
import type { AnalysisFlagField } from "./flags.js";

/** A rule of spec §2/§6: the flag it sets, the condition in words, the names of its values. */
export interface WhyRule {
  /** Flag field this rule sets. */
  readonly flag: AnalysisFlagField;
  /** Short id, stable for tests and links (`"retransmission"`). */
  readonly id: string;
  /** The condition that held, in our words, with the spec section. */
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
    "pure SYN whose seq differs from the base of this direction: new stream (spec §2.2)",
    "seqRaw", "baseRaw", "oldStream", "newStream"),
  reusedPortsSynAck: rule("tcp.analysis.reused_ports", "reused_ports.synack",
    "SYN-ACK whose seq differs from the base of this direction: base reset, same stream (spec §2.3)",
    "seqRaw", "baseRaw"),
  zeroWindowProbe: rule("tcp.analysis.zero_window_probe", "zero_window_probe",
    "1-byte segment at nextseq of this direction while the peer's last window was 0 (spec §6 B)",
    "seglen", "seq", "nextseq", "peerWindow"),
  zeroWindow: rule("tcp.analysis.zero_window", "zero_window",
    "raw window 0 without SYN, FIN or RST (spec §6 C)", "window"),
  lostSegment: rule("tcp.analysis.lost_segment", "lost_segment",
    "seq beyond nextseq of this direction, no RST (spec §6 D)", "seq", "nextseq"),
  keepAlive: rule("tcp.analysis.keep_alive", "keep_alive",
    "0 or 1 byte at seq = nextseq − 1, no SYN/FIN/RST (spec §6 D2)", "seglen", "seq", "nextseq"),
  windowUpdate: rule("tcp.analysis.window_update", "window_update",
    "no data, window changed and non-zero, seq = nextseq, same ack, no SYN/FIN/RST (spec §6 D3)",
    "window", "previousWindow", "seq", "ack"),
  windowFull: rule("tcp.analysis.window_full", "window_full",
    "segment end equals the peer's last ack + its window << scale, no SYN/FIN/RST (spec §6 D4)",
    "seq", "seglen", "peerAck", "peerWindow", "peerShift"),
  keepAliveAck: rule("tcp.analysis.keep_alive_ack", "keep_alive_ack",
    "no data, same non-zero window, seq = nextseq, same ack, peer's last segment was a keep-alive (spec §6 D5)",
    "window", "seq", "ack"),
  zeroWindowProbeAck: rule("tcp.analysis.zero_window_probe_ack", "zero_window_probe_ack",
    "no data, window still 0, seq = nextseq, same ack, peer's last segment was a zero-window probe (spec §6 D6)",
    "window", "seq", "ack"),
  duplicateAck: rule("tcp.analysis.duplicate_ack", "duplicate_ack",
    "no data, same non-zero window, seq = nextseq, same ack, no SYN/FIN/RST (spec §6 E)",
    "dupAckNum", "dupAckFrame", "ack", "window", "seq"),
  ackLostSegment: rule("tcp.analysis.ack_lost_segment", "ack_lost_segment",
    "ACK beyond the highest contiguous data seen from the peer (spec §6 G)",
    "ack", "peerMaxSeqToBeAcked", "peerNextseq", "peerDupAckNum"),
  spuriousRetransmission: rule("tcp.analysis.spurious_retransmission", "spurious_retransmission",
    "data ends at or below the peer's last ack (spec §6 H4)", "seq", "seglen", "peerAck"),
  fastRetransmission: rule("tcp.analysis.fast_retransmission", "fast_retransmission",
    "seq < nextseq, peer sent ≥ 2 dup ACKs for this seq less than 20 ms ago (spec §6 H5a)",
    "seq", "nextseq", "peerDupAckNum", "sincePeerAckNs", "thresholdNs"),
  outOfOrder: rule("tcp.analysis.out_of_order", "out_of_order",
    "seq < nextseq, within the out-of-order threshold of the segment that raised nextseq, not an exact re-send (spec §6 H5b)",
    "seq", "nextseq", "sinceNextseqNs", "thresholdNs"),
  retransmission: rule("tcp.analysis.retransmission", "retransmission",
    "seq < nextseq of this direction and segment has data, SYN or FIN (spec §6 H6)", "seq", "nextseq"),
} as const;
