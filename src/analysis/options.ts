/** Analysis preferences (spec §13) with tshark 4.0 defaults. Passed as an argument, never module state. */
export interface AnalysisOptions {
  /** `tcp.analyze_sequence_numbers`: run the sequence analysis; FALSE also disables relative numbers and iRTT. */
  readonly analyzeSequenceNumbers: boolean;
  /** `tcp.relative_sequence_numbers`: display seq/ack/nxtseq relative to the flow's base. */
  readonly relativeSequenceNumbers: boolean;
  /** `tcp.track_bytes_in_flight`: compute bytes_in_flight and push_bytes_sent (spec §7.3–7.4). */
  readonly trackBytesInFlight: boolean;
  /** `tcp.bif_seq_based`: bytes in flight = nextseq − peer's lastack instead of the unacked span. */
  readonly bifSeqBased: boolean;
  /** `tcp.calculate_timestamps`: tcp.time_relative / tcp.time_delta. */
  readonly calculateTimestamps: boolean;
  /** `tcp.default_window_scaling`: shift 0…14 for flows with unknown scale, or −1 ("Not known"). */
  readonly defaultWindowScaling: number;
  /** `tcp.fastrt_supersedes_ooo`: test fast retransmission before out-of-order (spec §6 H5). */
  readonly fastRetransmissionSupersedesOoo: boolean;
  /** Not a tshark preference: record the rule that fired, with its numbers, for every flag in
   *  `AnalysisResult.why`. Off, `why` stays empty and nothing else changes (faster when no one
   *  reads the traces: `-T fields`, summaries). */
  readonly traces: boolean;
  /** Not a tshark preference: take the shortcuts for the common shapes of segment (an in-order
   *  data segment, a pure ACK that moves the ack, a known conversation found again). Off, every
   *  rule is evaluated one by one; the output is the same (test/analysis/fast-path.test.ts). */
  readonly fastPaths: boolean;
  /** Not a tshark preference: infer both endpoints' RFC 9293 states, events and the connection
   *  phase (`AnalysisResult.client` …, `synack.state.*`, `synack.phase`). Off, `statesPresent`
   *  stays false and nothing else changes (the summary and -T fields without those fields turn it
   *  off). Either way a conversation counts as closed after FIN both ways or a RST, which decides
   *  what `maxClosedConversations` forgets. */
  readonly states: boolean;
}

/** tshark 4.0.17 defaults (spec §13). */
export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = Object.freeze({
  analyzeSequenceNumbers: true,
  relativeSequenceNumbers: true,
  trackBytesInFlight: true,
  bifSeqBased: false,
  calculateTimestamps: true,
  defaultWindowScaling: -1,
  fastRetransmissionSupersedesOoo: true,
  traces: true,
  fastPaths: true,
  states: true,
});

/** Bounds on retained state (STYLE §6). Hitting one counts an anomaly; it never throws or grows. */
export interface AnalysisLimits {
  /** Unacked segments remembered per flow. tshark 4.0: 10 000, spec §6 I (changes output past it). */
  readonly maxUnackedPerFlow: number;
  /** SACK blocks kept per flow for bytes in flight. tshark 4.0 uses the first 3 (spec §7.3). */
  readonly maxSackBlocks: number;
  /** Closed conversations (both FINs or a RST seen) kept for lookup; the oldest beyond are forgotten. */
  readonly maxClosedConversations: number;
}

/** Default limits: tshark-exact for the first two; the closed-conversation cap bounds long captures. */
export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = Object.freeze({
  maxUnackedPerFlow: 10_000,
  maxSackBlocks: 3,
  maxClosedConversations: 100_000,
});
