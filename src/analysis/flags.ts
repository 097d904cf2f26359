/** Analysis flags (spec §6.1). Bit i follows tshark 4.0's tag emission order (spec §10.2), so
 *  iterating bits upward and prepending each tag reproduces the Info column. */

export const A_REUSED_PORTS = 1 << 0;
export const A_RETRANSMISSION = 1 << 1;
export const A_FAST_RETRANSMISSION = 1 << 2;
export const A_SPURIOUS_RETRANSMISSION = 1 << 3;
export const A_OUT_OF_ORDER = 1 << 4;
export const A_LOST_SEGMENT = 1 << 5;
export const A_ACK_LOST_SEGMENT = 1 << 6;
export const A_WINDOW_UPDATE = 1 << 7;
export const A_WINDOW_FULL = 1 << 8;
export const A_KEEP_ALIVE = 1 << 9;
export const A_KEEP_ALIVE_ACK = 1 << 10;
export const A_DUPLICATE_ACK = 1 << 11;
export const A_ZERO_WINDOW_PROBE = 1 << 12;
export const A_ZERO_WINDOW = 1 << 13;
export const A_ZERO_WINDOW_PROBE_ACK = 1 << 14;

/** The user-facing field of each flag (Wireshark names verbatim, STYLE §8). */
export type AnalysisFlagField =
  | "tcp.analysis.reused_ports" | "tcp.analysis.retransmission" | "tcp.analysis.fast_retransmission"
  | "tcp.analysis.spurious_retransmission" | "tcp.analysis.out_of_order" | "tcp.analysis.lost_segment"
  | "tcp.analysis.ack_lost_segment" | "tcp.analysis.window_update" | "tcp.analysis.window_full"
  | "tcp.analysis.keep_alive" | "tcp.analysis.keep_alive_ack" | "tcp.analysis.duplicate_ack"
  | "tcp.analysis.zero_window_probe" | "tcp.analysis.zero_window" | "tcp.analysis.zero_window_probe_ack";

/** Flag bit → field name, in bit order. */
export const ANALYSIS_FLAGS: ReadonlyArray<{ readonly bit: number; readonly field: AnalysisFlagField }> = [
  { bit: A_REUSED_PORTS, field: "tcp.analysis.reused_ports" },
  { bit: A_RETRANSMISSION, field: "tcp.analysis.retransmission" },
  { bit: A_FAST_RETRANSMISSION, field: "tcp.analysis.fast_retransmission" },
  { bit: A_SPURIOUS_RETRANSMISSION, field: "tcp.analysis.spurious_retransmission" },
  { bit: A_OUT_OF_ORDER, field: "tcp.analysis.out_of_order" },
  { bit: A_LOST_SEGMENT, field: "tcp.analysis.lost_segment" },
  { bit: A_ACK_LOST_SEGMENT, field: "tcp.analysis.ack_lost_segment" },
  { bit: A_WINDOW_UPDATE, field: "tcp.analysis.window_update" },
  { bit: A_WINDOW_FULL, field: "tcp.analysis.window_full" },
  { bit: A_KEEP_ALIVE, field: "tcp.analysis.keep_alive" },
  { bit: A_KEEP_ALIVE_ACK, field: "tcp.analysis.keep_alive_ack" },
  { bit: A_DUPLICATE_ACK, field: "tcp.analysis.duplicate_ack" },
  { bit: A_ZERO_WINDOW_PROBE, field: "tcp.analysis.zero_window_probe" },
  { bit: A_ZERO_WINDOW, field: "tcp.analysis.zero_window" },
  { bit: A_ZERO_WINDOW_PROBE_ACK, field: "tcp.analysis.zero_window_probe_ack" },
];

/** tcp.analysis.retransmission is present on all three retransmission kinds (spec §6.1 pitfall). */
export const A_ANY_RETRANSMISSION = A_RETRANSMISSION | A_FAST_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION;

/** Whether the field `field` is present given the packet's flag bits (spec §6.1, §14.2). */
export function flagFieldPresent(flags: number, field: AnalysisFlagField): boolean {
  if (field === "tcp.analysis.retransmission") return (flags & A_ANY_RETRANSMISSION) !== 0;
  for (const f of ANALYSIS_FLAGS) if (f.field === field) return (flags & f.bit) !== 0;
  return false;
}
