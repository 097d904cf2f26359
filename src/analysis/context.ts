/** Per-packet working state shared by the analysis steps; one instance per analyzer. */
import type { Conversation } from "./conversation.js";
import { FlowState } from "./flow.js";
import { DEFAULT_ANALYSIS_LIMITS, DEFAULT_ANALYSIS_OPTIONS, type AnalysisLimits, type AnalysisOptions } from "./options.js";
import { AnalysisResult, DOUBLE_FIELD } from "./result.js";
import { newSegment, type TcpSegment } from "./segment.js";

/** Everything a step of spec §6–7 reads or writes for the current packet. */
export class SeqContext {
  s: TcpSegment = newSegment();
  conv: Conversation | undefined = undefined;
  fwd: FlowState = new FlowState();
  rev: FlowState = new FlowState();
  /** Packet time in ns since the conversation's epoch (its first packet), and the same as whole
   *  seconds + ns parts (exact however far; the ns rounds past ~104 days). */
  nowNs = DOUBLE_FIELD;
  nowSec = 0;
  nowSub = 0;
  /** Known TCP payload length (≥ 0) of the packet being analysed. */
  seglen = 0;
  /** The packet has an analysis record (spec §8), whether or not it is shown. */
  hasRecord = false;
  /** Relative numbering applies: used to express "why" values as the user sees them. */
  relative = false;
  /** Segments not remembered because a flow's unacked list was full (whole capture). */
  unackedDropped = 0;
  /** Record the fired rules in `r.why` (AnalysisOptions.traces). */
  readonly traces: boolean;
  /** Take the common-case shortcuts (AnalysisOptions.fastPaths). */
  readonly fastPaths: boolean;
  constructor(readonly r: AnalysisResult, readonly opts: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS,
    readonly limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS) {
    this.traces = opts.traces; this.fastPaths = opts.fastPaths; this.nowNs = 0;
  }
  /** Set an analysis flag (creates the record). */
  flag(bit: number): void { this.r.flags |= bit; this.hasRecord = true; }
  /** A sequence number of this direction, as displayed. */
  relFwd(raw: number): number { return this.relative ? (raw - this.fwd.baseSeq) >>> 0 : raw; }
  /** A sequence number of the other direction (an ack value), as displayed. */
  relRev(raw: number): number { return this.relative ? (raw - this.rev.baseSeq) >>> 0 : raw; }
}
