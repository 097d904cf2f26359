/** pcap and pcapng reading as streams: `CaptureReader` over chunks (one await per chunk) and
 *  `readCaptureBytes` for a file in memory, both on the push parser of parser.ts. */

import { newRecord, type CaptureInfo, type CaptureProblem, type CaptureRecord, type Limits } from "./types.js";
import { CaptureParser, type RecordBatch } from "./parser.js";

/** Streaming reader over chunks of a file, stdin or a socket: one await per chunk, never the whole file. */
export class CaptureReader {
  readonly parser: CaptureParser;
  readonly #chunks: AsyncIterable<Uint8Array>;

  constructor(chunks: AsyncIterable<Uint8Array>, limits: Partial<Limits> = {}) {
    this.#chunks = chunks;
    this.parser = new CaptureParser(limits);
  }

  /** File information (after the first record or batch). */
  get info(): CaptureInfo | undefined { return this.parser.info; }
  /** Warnings and the fatal problem, in file order (capped, see Limits.maxProblems). */
  get problems(): readonly CaptureProblem[] { return this.parser.problems; }
  /** The problem that stopped reading early, if any (tshark 4.0 stops there too and exits 2). */
  get fatal(): CaptureProblem | undefined { return this.parser.fatal; }

  /** One batch per input chunk (plus one at the end): `while (batch.next(rec))` — the fast path.
   *  Throws CaptureFileError when the file is refused. */
  async *batches(): AsyncGenerator<RecordBatch, void, undefined> {
    const p = this.parser;
    for await (const chunk of this.#chunks) {
      p.push(chunk);
      yield p;
      if (p.done) return;
      if (p.pending) throw new Error("CaptureReader.batches: drain each batch with next() before the next one");
    }
    p.end();
    yield p;
  }

  /** Every record in order; the same object is refilled each time (copy what you keep). */
  async *records(): AsyncGenerator<CaptureRecord, void, undefined> {
    const p = this.parser;
    const rec = newRecord();
    for await (const chunk of this.#chunks) {
      p.push(chunk);
      while (p.next(rec)) yield rec;
      if (p.done) return;
    }
    p.end();
    while (p.next(rec)) yield rec;
  }
}

/** Opens a capture for streaming: `for await (const rec of readCapture(chunks).records())`. */
export function readCapture(chunks: AsyncIterable<Uint8Array>, limits: Partial<Limits> = {}): CaptureReader {
  return new CaptureReader(chunks, limits);
}

/** Shorthand for `readCapture(chunks, limits).records()`. */
export function records(chunks: AsyncIterable<Uint8Array>, limits: Partial<Limits> = {}): AsyncGenerator<CaptureRecord, void, undefined> {
  return readCapture(chunks, limits).records();
}

/** A whole capture already in memory (tests, a dropped file in the browser): records copied out. */
export interface CaptureContents {
  info: CaptureInfo | undefined;
  records: CaptureRecord[];
  problems: CaptureProblem[];
  fatal: CaptureProblem | undefined;
}

/** Reads an in-memory capture synchronously; every record's bytes are copied. Throws CaptureFileError. */
export function readCaptureBytes(bytes: Uint8Array, limits: Partial<Limits> = {}): CaptureContents {
  const p = new CaptureParser(limits);
  const out: CaptureRecord[] = [];
  const rec = newRecord();
  p.push(bytes);
  while (p.next(rec)) out.push({ ...rec, bytes: rec.bytes.slice() });
  p.end();
  while (p.next(rec)) out.push({ ...rec, bytes: rec.bytes.slice() });
  return { info: p.info, records: out, problems: p.problems, fatal: p.fatal };
}