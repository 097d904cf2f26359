/** Analysis results between threads: `ResultPacker` writes each `AnalysisResult` (all but its
 *  rule traces, which no row reads) as numbers into a Float64Array, strings (states, events,
 *  phase) as indices into a table that travels with the blocks; `ResultUnpacker` reads them back
 *  in order as an `AnalysisSource` for FieldRows. A test round-trips every field of
 *  AnalysisResult, so a field added there and not here fails it. */
import { AnalysisResult } from "../../analysis/index.js";
import type { AnalysisSource } from "../../explain/rows.js";

/** Slots per result: the frame number, then the fields in `add`/`next` order. */
export const STRIDE = 48;

/** One block of packed results. */
export interface ResultBlock {
  /** `count` × STRIDE numbers. */
  data: Float64Array;
  count: number;
  /** Strings first used in this block, in id order (ids continue the previous blocks'). */
  strings: string[];
  /** Frames covered: every result of frames up to `lastFrame` is in this or an earlier block. */
  lastFrame: number;
}

const b = (x: boolean): number => (x ? 1 : 0);

/** Collects results into blocks. */
export class ResultPacker {
  #data = new Float64Array(STRIDE * 4096);
  #count = 0;
  readonly #ids = new Map<string, number>();
  #fresh: string[] = [];

  #id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) { id = this.#ids.size; this.#ids.set(s, id); this.#fresh.push(s); }
    return id;
  }

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
    d[o++] = r.seq; d[o++] = r.ack; d[o++] = b(r.ackPresent); d[o++] = r.nxtseq; d[o++] = b(r.nxtseqPresent);
    d[o++] = r.seqBase; d[o++] = r.ackBase; d[o++] = b(r.relative); d[o++] = r.windowSize; d[o++] = b(r.windowPresent);
    d[o++] = r.scaleFactor; d[o++] = b(r.scaleFactorPresent); d[o++] = r.timeRelativeNs; d[o++] = r.timeDeltaNs;
    d[o++] = b(r.timePresent); d[o++] = b(r.analysisPresent); d[o++] = r.flags; d[o++] = r.acksFrame; d[o++] = r.ackRttNs;
    d[o++] = r.ackRttSec; d[o++] = r.ackRttSubNs; d[o++] = r.initialRttNs; d[o++] = r.bytesInFlight; d[o++] = r.pushBytesSent;
    d[o++] = r.dupAckNum; d[o++] = r.dupAckFrame; d[o++] = r.rtoNs; d[o++] = r.rtoFrame; d[o++] = b(r.outputSuppressed);
    d[o++] = r.initialRttSec; d[o++] = r.initialRttSubNs; d[o++] = r.rtoSec; d[o++] = r.rtoSubNs;
    d[o++] = this.#id(r.clientBefore); d[o++] = this.#id(r.serverBefore); d[o++] = this.#id(r.client);
    d[o++] = this.#id(r.server); d[o++] = this.#id(r.clientEvent); d[o++] = this.#id(r.serverEvent);
    d[o++] = b(r.fromClient); d[o++] = b(r.statesPresent); d[o] = this.#id(r.phase);
  }

  /** The results so far as a block (copied), covering frames up to `lastFrame`; starts a new one. */
  take(lastFrame: number): ResultBlock {
    const block = { data: this.#data.slice(0, this.#count * STRIDE), count: this.#count, strings: this.#fresh, lastFrame };
    this.#count = 0;
    this.#fresh = [];
    return block;
  }
}

/** Reads blocks back, in order, as FieldRows's analysis source. */
export class ResultUnpacker implements AnalysisSource {
  readonly #r = new AnalysisResult();
  readonly #strings: string[] = [];
  readonly #queue: ResultBlock[] = [];
  #block: ResultBlock | undefined;
  #at = 0;
  /** Every result of frames up to here has arrived. */
  covered = 0;

  /** Queues a block (blocks must come in order). */
  push(block: ResultBlock): void {
    for (const s of block.strings) this.#strings.push(s);
    this.#queue.push(block);
    this.covered = block.lastFrame;
  }

  next(frame: number): AnalysisResult {
    while (this.#block === undefined || this.#at >= this.#block.count) {
      const nb = this.#queue.shift();
      if (nb === undefined) throw new Error(`analysis result of frame ${frame} missing`);
      this.#block = nb; this.#at = 0;
    }
    const d = this.#block.data, t = this.#strings, r = this.#r;
    let o = this.#at++ * STRIDE;
    if (d[o++] !== frame) throw new Error(`analysis result for frame ${d[o - 1]} where frame ${frame} was expected`);
    r.frame = d[o++]!; r.tcpFlags = d[o++]!; r.stream = d[o++]!; r.completeness = d[o++]!; r.seglen = d[o++]!;
    r.seq = d[o++]!; r.ack = d[o++]!; r.ackPresent = d[o++] === 1; r.nxtseq = d[o++]!; r.nxtseqPresent = d[o++] === 1;
    r.seqBase = d[o++]!; r.ackBase = d[o++]!; r.relative = d[o++] === 1; r.windowSize = d[o++]!; r.windowPresent = d[o++] === 1;
    r.scaleFactor = d[o++]!; r.scaleFactorPresent = d[o++] === 1; r.timeRelativeNs = d[o++]!; r.timeDeltaNs = d[o++]!;
    r.timePresent = d[o++] === 1; r.analysisPresent = d[o++] === 1; r.flags = d[o++]!; r.acksFrame = d[o++]!; r.ackRttNs = d[o++]!;
    r.ackRttSec = d[o++]!; r.ackRttSubNs = d[o++]!; r.initialRttNs = d[o++]!; r.bytesInFlight = d[o++]!; r.pushBytesSent = d[o++]!;
    r.dupAckNum = d[o++]!; r.dupAckFrame = d[o++]!; r.rtoNs = d[o++]!; r.rtoFrame = d[o++]!; r.outputSuppressed = d[o++] === 1;
    r.initialRttSec = d[o++]!; r.initialRttSubNs = d[o++]!; r.rtoSec = d[o++]!; r.rtoSubNs = d[o++]!;
    r.clientBefore = t[d[o++]!] as typeof r.clientBefore; r.serverBefore = t[d[o++]!] as typeof r.serverBefore;
    r.client = t[d[o++]!] as typeof r.client; r.server = t[d[o++]!] as typeof r.server;
    r.clientEvent = t[d[o++]!] as typeof r.clientEvent; r.serverEvent = t[d[o++]!] as typeof r.serverEvent;
    r.fromClient = d[o++] === 1; r.statesPresent = d[o++] === 1; r.phase = t[d[o]!] as typeof r.phase;
    return r;
  }
}
