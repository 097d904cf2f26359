/** Test-side formatting of analysis results to tshark 4.0 `-T fields` text (spec §14.2), only for
 *  the analysis columns compared with the probe references. */
import {
  type AnalysisFlagField, type AnalysisResult, ANALYSIS_FLAGS, flagFieldPresent,
} from "../../src/analysis/index.js";

/** Integer ns → seconds with 9 decimals, by integer arithmetic (STYLE §5). */
export function formatNs(ns: number): string {
  const neg = ns < 0;
  const a = Math.abs(ns);
  const s = Math.floor(a / 1e9), frac = a - s * 1e9;
  return `${neg ? "-" : ""}${s}.${String(frac).padStart(9, "0")}`;
}

/** The analysis columns of the reference TSVs that this engine owns. */
export const ANALYSIS_COLUMNS = [
  "tcp.stream", "tcp.completeness", "tcp.len", "tcp.seq", "tcp.nxtseq", "tcp.ack",
  "tcp.window_size", "tcp.window_size_scalefactor", "tcp.time_relative", "tcp.time_delta",
  "tcp.analysis", "tcp.analysis.flags", "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt",
  "tcp.analysis.initial_rtt", "tcp.analysis.bytes_in_flight", "tcp.analysis.push_bytes_sent",
  ...ANALYSIS_FLAGS.map((f) => f.field),
  "tcp.analysis.duplicate_ack_num", "tcp.analysis.duplicate_ack_frame",
  "tcp.analysis.rto", "tcp.analysis.rto_frame",
] as const;

/** One column's cell for one TCP header ("" = absent). */
export function cell(r: AnalysisResult, col: string): string {
  const a = r.analysisPresent;
  switch (col) {
    case "tcp.stream": return String(r.stream);
    case "tcp.completeness": return String(r.completeness);
    case "tcp.len": return r.seglen >= 0 ? String(r.seglen) : "";
    case "tcp.seq": return String(r.seq);
    case "tcp.nxtseq": return r.nxtseqPresent ? String(r.nxtseq) : "";
    case "tcp.ack": return r.ackPresent ? String(r.ack) : "";
    case "tcp.window_size": return r.windowPresent ? String(r.windowSize) : "";
    case "tcp.window_size_scalefactor": return r.scaleFactorPresent ? String(r.scaleFactor) : "";
    case "tcp.time_relative": return r.timePresent ? formatNs(r.timeRelativeNs) : "";
    case "tcp.time_delta": return r.timePresent ? formatNs(r.timeDeltaNs) : "";
    case "tcp.analysis": return a ? "1" : "";
    case "tcp.analysis.flags": return a && r.flags !== 0 ? "1" : "";
    case "tcp.analysis.acks_frame": return a && r.acksFrame !== 0 ? String(r.acksFrame) : "";
    case "tcp.analysis.ack_rtt": return a && r.acksFrame !== 0 && r.ackRttNs !== 0 ? formatNs(r.ackRttNs) : "";
    case "tcp.analysis.initial_rtt": return a && r.initialRttNs !== 0 ? formatNs(r.initialRttNs) : "";
    case "tcp.analysis.bytes_in_flight": return a && r.bytesInFlight !== 0 ? String(r.bytesInFlight) : "";
    case "tcp.analysis.push_bytes_sent": return a && r.bytesInFlight !== 0 ? String(r.pushBytesSent) : "";
    case "tcp.analysis.duplicate_ack_num": return a && r.dupAckNum !== 0 ? String(r.dupAckNum) : "";
    case "tcp.analysis.duplicate_ack_frame": return a && r.dupAckNum !== 0 ? String(r.dupAckFrame) : "";
    case "tcp.analysis.rto": return a && r.rtoNs !== 0 ? formatNs(r.rtoNs) : "";
    case "tcp.analysis.rto_frame": return a && r.rtoNs !== 0 ? String(r.rtoFrame) : "";
    case "tcp.analysis.duplicate_ack": return a && flagFieldPresent(r.flags, col) ? "1,1" : "";
    default:
      if (col.startsWith("tcp.analysis.")) return a && flagFieldPresent(r.flags, col as AnalysisFlagField) ? "1" : "";
      throw new Error(`no formatter for ${col}`);
  }
}
