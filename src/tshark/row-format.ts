/** Options and errors of the `-T fields` rows (FieldRows): `-E` output options, the preferences that
 *  change the rows, an unknown field name, and where the analysis results may come from. */
import type { AnalysisOptions, AnalysisResult } from "../analysis/index.js";

/** `-E` output options of tshark `-T fields`. */
export interface FieldsFormat {
  /** `header=y`: first line lists the field names. */
  header: boolean;
  /** `separator=`: between fields (tab by default). */
  separator: string;
  /** `occurrence=f|l|a`: first, last or all occurrences of a repeated field. */
  occurrence: "f" | "l" | "a";
  /** `aggregator=`: between occurrences (`,` by default). */
  aggregator: string;
  /** `quote=n|d|s`: none, double or single quotes around each non-empty value. */
  quote: "n" | "d" | "s";
}

/** tshark 4.0 defaults for `-E`. */
export const DEFAULT_FIELDS_FORMAT: FieldsFormat = Object.freeze({
  header: false, separator: "\t", occurrence: "a", aggregator: ",", quote: "n",
});

/** Preferences that change what the rows show (spec §13). */
export interface ReadPreferences {
  /** Analysis preferences handed to `TcpAnalyzer`. */
  analysis: Partial<AnalysisOptions>;
  /** `tcp.check_checksum`: verify checksums (status 0/1, expert and Info note on a bad one). */
  checkChecksum: boolean;
  /** `tcp.ignore_tcp_timestamps`: no TSval/TSecr tokens in Info. */
  ignoreTcpTimestamps: boolean;
}

/** tshark 4.0 defaults. */
export const DEFAULT_READ_PREFERENCES: ReadPreferences = Object.freeze({
  analysis: {}, checkChecksum: false, ignoreTcpTimestamps: false,
});

/** Raised for a field name that is not in the registry. */
export class UnknownFieldError extends Error {
  constructor(readonly fields: readonly string[]) { super(`Some fields aren't valid: ${fields.join(", ")}`); }
}

/** Where a FieldRows takes its analysis results from instead of its own analyzer: another
 *  FieldRows's `analyse` of the same records, in the same order (e.g. on another thread). */
export interface AnalysisSource {
  /** The result of the next TCP header the analyzer saw; it belongs to frame `frame`. */
  next(frame: number): AnalysisResult;
}
