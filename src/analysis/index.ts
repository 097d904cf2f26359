/** TCP analysis: conversations (tcp.stream), sequence analysis and expert flags, window
 *  scaling, endpoint states, RTT and bytes in flight (spec/tcp-analysis.md). */
export { TcpAnalyzer, type AnalysisAnomalies } from "./analyzer.js";
export { AnalysisResult } from "./result.js";
export {
  type TcpSegment, type AddressFamily, newSegment, clearSegmentOptions, SEGLEN_UNKNOWN,
  MAX_SACK_BLOCKS_IN_HEADER, FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE,
} from "./segment.js";
export {
  type AnalysisOptions, type AnalysisLimits, DEFAULT_ANALYSIS_OPTIONS, DEFAULT_ANALYSIS_LIMITS,
} from "./options.js";
export * from "./flags.js";
export { type WhyRule, WhySlot, WhyList, WHY, whyToObject } from "./why.js";
export { type EndpointState, type EndpointEvent, type ConnectionPhase, ENDPOINT_STATES } from "./states.js";
export {
  type EndpointRole, type EndpointStateView, endpointState, endpointStateText, stateLabel, describeTransition,
} from "./state-view.js";
export { seqLt, seqLe, seqGt, seqGe, seqAdd, seqSub, isDsack } from "./seq.js";
export { COMPLETE_SYN, COMPLETE_SYN_ACK, COMPLETE_ACK, COMPLETE_DATA, COMPLETE_FIN, COMPLETE_RST } from "./completeness.js";
export { FAST_RETRANSMISSION_NS, OUT_OF_ORDER_DEFAULT_NS } from "./seq-analysis.js";
export { BYTES_IN_FLIGHT_LIMIT } from "./bytes-in-flight.js";
export { MAX_WINDOW_SHIFT } from "./window.js";
export {
  ConversationSummaries, ConversationSummary, DirectionTotals, PhaseRange, DEFAULT_MAX_SUMMARIES,
  type ConnectionEnd, type Opener, type SummaryOptions,
} from "./summary.js";
export {
  type WhyTrace, type WhyCondition, formatWhy, firstFailed, derivedTraces, seqText, msText, msDigits, citeOf,
} from "./why-trace.js";
export { probeChecks, FrameChecks, FrameProbe } from "./why-not.js";
export * from "./packets.js";
export { whySentence } from "./why-words.js";
export * from "./graph/index.js";
export {
  ConnStatsCollector, ConnStats, DirectionStats, Samples, connInfoFromDecoded, type ConnPacketInfo, MAX_RANGES,
  HW_DUP_MEMORY, TRIPLE_DUPACK,
} from "./conn-stats.js";
export { CONN_FIGURES, type ConnFigure, ms1, msOfUs, sec3, printfFixed, hostText, directionJson } from "./conn-figures.js";
export {
  DoctorCollector, DoctorConn, DoctorDirection, type DoctorPacketInfo, doctorInfoFromDecoded, type LimitClass,
  RTO_STALL_MIN_NS, DUP_CAPTURE_NS,
} from "./doctor-model.js";
export {
  diagnose, type CaptureDiagnosis, type ConnDiagnosis, type DirectionDiagnosis, type DoctorClaim, type ClaimKind,
  type RateFigures, DOCTOR_THRESHOLDS,
} from "./doctor-report.js";
export { doctorTextChunks, formatConnDiagnosis, type DoctorPaint } from "./doctor-text.js";
export { collectDoctor } from "./doctor-collect.js";
