/** Analysis results between threads: `ResultPacker` writes each `AnalysisResult` (all but its
 *  rule traces, which no row reads) as numbers into a Float64Array (the endpoint states as their
 *  codes); `ResultUnpacker` reads them back in order as an `AnalysisSource` for FieldRows. A test round-trips every field of
 *  AnalysisResult, so a field added there and not here fails it. */
import { AnalysisResult } from "../../analysis/index.js";
import type { AnalysisSource } from "../../tshark/rows.js";

/** Slots per result: the frame number, then the numbers in `add`/`next` order, the booleans as
 *  one bit set, the endpoint states as one number (AnalysisResult.packStates). */
export const STRIDE = 37;

/** One block of packed results. */
export interface ResultBlock {
  /** `count` × STRIDE numbers. */
  data: Float64Array;
  count: number;
  /** Frames covered: every result of frames up to `lastFrame` is in this or an earlier block. */
  lastFrame: number;
}

/** Results per block buffer before it grows. */
const BLOCK_RESULTS = 4096;

/** Collects results into blocks. */
export class ResultPacker {
  #data = new Float64Array(STRIDE * BLOCK_RESULTS);
  #count = 0;

  /** Appends the result of a TCP header of frame `frame`. */
  add(frame: number, r: AnalysisResult): void {
    if ((this.#count + 1) * STRIDE > this.#data.length) {
      const d = new Float64Array(this.#data.length * 2);
      d.set(this.#data);
      this.#data = d;
    }
    const d = this.#data;
    let o = this.#count++ * STRIDE;
    d[o++] = frame;
    d[o++] = r.frame; d[o++] = r.tcpFlags; d[o++] = r.stream; d[o++] = r.completeness; d[o++] = r.seglen;
    d[o++] = r.seq; d[o++] = r.ack; d[o++] = r.nxtseq; d[o++] = r.seqBase; d[o++] = r.ackBase; d[o++] = r.windowSize;
    d[o++] = r.scaleFactor; d[o++] = r.timeRelativeNs; d[o++] = r.timeDeltaNs; d[o++] = r.flags; d[o++] = r.acksFrame;
    d[o++] = r.ackRttNs; d[o++] = r.ackRttSec; d[o++] = r.ackRttSubNs; d[o++] = r.initialRttNs; d[o++] = r.bytesInFlight;
    d[o++] = r.pushBytesSent; d[o++] = r.dupAckNum; d[o++] = r.dupAckFrame; d[o++] = r.rtoNs; d[o++] = r.rtoFrame;
    d[o++] = r.initialRttSec; d[o++] = r.initialRttSubNs; d[o++] = r.rtoSec; d[o++] = r.rtoSubNs;
    d[o++] = r.timeRelativeSec; d[o++] = r.timeRelativeSubNs; d[o++] = r.timeDeltaSec; d[o++] = r.timeDeltaSubNs;
    d[o++] = (r.ackPresent ? 1 : 0) | (r.nxtseqPresent ? 2 : 0) | (r.relative ? 4 : 0) | (r.windowPresent ? 8 : 0)
      | (r.scaleFactorPresent ? 16 : 0) | (r.timePresent ? 32 : 0) | (r.analysisPresent ? 64 : 0)
      | (r.outputSuppressed ? 128 : 0) | (r.fromClient ? 256 : 0) | (r.statesPresent ? 512 : 0);
    d[o] = r.packStates();
  }

  /** The results so far as a block, covering frames up to `lastFrame`; starts a new one. The
   *  block owns its buffer (to be transferred, not copied): the next block gets a new one. */
  take(lastFrame: number): ResultBlock {
    const block = { data: this.#data.subarray(0, this.#count * STRIDE), count: this.#count, lastFrame };
    this.#data = new Float64Array(this.#data.length);
    this.#count = 0;
    return block;
  }
}

/** Reads blocks back, in order, as FieldRows's analysis source. */
export class ResultUnpacker implements AnalysisSource {
  readonly #r = new AnalysisResult();
  readonly #queue: ResultBlock[] = [];
  #block: ResultBlock | undefined;
  #at = 0;
  /** Every result of frames up to here has arrived. */
  covered = 0;

  /** Queues a block (blocks must come in order). */
  push(block: ResultBlock): void {
    this.#queue.push(block);
    this.covered = block.lastFrame;
  }

  next(frame: number): AnalysisResult {
    while (this.#block === undefined || this.#at >= this.#block.count) {
      const nb = this.#queue.shift();
      if (nb === undefined) throw new Error(`analysis result of frame ${frame} missing`);
      this.#block = nb; this.#at = 0;
    }
    const d = this.#block.data, r = this.#r;
    let o = this.#at++ * STRIDE;
    if (d[o++] !== frame) throw new Error(`analysis result for frame ${d[o - 1]} where frame ${frame} was expected`);
    r.frame = d[o++]!; r.tcpFlags = d[o++]!; r.stream = d[o++]!; r.completeness = d[o++]!; r.seglen = d[o++]!;
    r.seq = d[o++]!; r.ack = d[o++]!; r.nxtseq = d[o++]!; r.seqBase = d[o++]!; r.ackBase = d[o++]!; r.windowSize = d[o++]!;
    r.scaleFactor = d[o++]!; r.timeRelativeNs = d[o++]!; r.timeDeltaNs = d[o++]!; r.flags = d[o++]!; r.acksFrame = d[o++]!;
    r.ackRttNs = d[o++]!; r.ackRttSec = d[o++]!; r.ackRttSubNs = d[o++]!; r.initialRttNs = d[o++]!; r.bytesInFlight = d[o++]!;
    r.pushBytesSent = d[o++]!; r.dupAckNum = d[o++]!; r.dupAckFrame = d[o++]!; r.rtoNs = d[o++]!; r.rtoFrame = d[o++]!;
    r.initialRttSec = d[o++]!; r.initialRttSubNs = d[o++]!; r.rtoSec = d[o++]!; r.rtoSubNs = d[o++]!;
    r.timeRelativeSec = d[o++]!; r.timeRelativeSubNs = d[o++]!; r.timeDeltaSec = d[o++]!; r.timeDeltaSubNs = d[o++]!;
    const bits = d[o++]!;
    r.ackPresent = (bits & 1) !== 0; r.nxtseqPresent = (bits & 2) !== 0; r.relative = (bits & 4) !== 0;
    r.windowPresent = (bits & 8) !== 0; r.scaleFactorPresent = (bits & 16) !== 0; r.timePresent = (bits & 32) !== 0;
    r.analysisPresent = (bits & 64) !== 0; r.outputSuppressed = (bits & 128) !== 0; r.fromClient = (bits & 256) !== 0;
    r.statesPresent = (bits & 512) !== 0;
    r.unpackStates(d[o]!);
    return r;
  }
}
