/** `synack read` on two threads, in one of two ways (`threadPlan`):
 *  - "split", for output without TCP analysis: both threads read and decode the whole capture
 *    (so both hold the same reassembly state); the frames are cut into blocks of `block` frames
 *    and each thread builds the lines of every other block (`render` for its own frames, `skip`
 *    for the rest). The main thread writes the blocks in order.
 *  - "pipeline", for output with analysis: the worker reads the capture and runs only the TCP
 *    analysis (FieldRows.analyse), sending the results in blocks (analysis-wire.ts); the main
 *    thread reads the capture again and builds every line with those results instead of its own
 *    analyzer. The analysis state lives in the worker only, so memory stays as with one thread.
 *  Either way the output is byte-identical to one thread's (a test compares them on every corpus
 *  and probe capture). */
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { fstatSync, statSync, writeSync } from "node:fs";
import { isatty } from "node:tty";
import { Worker } from "node:worker_threads";
import { CliError } from "../errors.js";
import { type CaptureInfo, type CaptureProblem, type CaptureRecord, newRecord, readCapture } from "../../capture/index.js";
import { openCaptureFile } from "../../capture/node.js";
import { ByteOut } from "../../tshark/bytes-out.js";
import type { FieldRows } from "../../tshark/rows.js";
import type { AnalysisResult } from "../../analysis/index.js";
import { type ResultBlock, ResultUnpacker } from "./analysis-wire.js";

/** Writes the lines of the frames a thread owns; carries the other frames through the state. */
export interface FrameRenderer {
  /** The FieldRows whose analysis the lines use (for "pipeline"). */
  readonly rows: FieldRows;
  /** Appends the frame's output (nothing when it is filtered out) to `out`. */
  render(rec: CaptureRecord, info: CaptureInfo | undefined, out: ByteOut): void;
  /** As render for a record read with RecordBatch.nextInPlace (its bytes are `source` from
   *  `offset`); the pipeline's rendering thread reads records in place when this is given. */
  renderAt?(rec: CaptureRecord, info: CaptureInfo | undefined, source: Uint8Array, offset: number, out: ByteOut): void;
  /** The frame's output is written by another thread: only advance the state. */
  skip(rec: CaptureRecord, info: CaptureInfo | undefined): void;
  /** The balanced pipeline (runPipeline), on the analysis thread, for a frame whose line the
   *  rendering thread writes: its analysis only (results to `emit`), and the state lines need. */
  analyseAt?(rec: CaptureRecord, source: Uint8Array, offset: number, emit: (r: AnalysisResult) => void): void;
  /** The balanced pipeline, on the rendering thread, for a frame the analysis thread analyses and
   *  writes itself: only the state later lines need (times, IP reassembly). */
  passAt?(rec: CaptureRecord, source: Uint8Array, offset: number): void;
}

/** What a worker needs to build the same renderer as the main thread: the command's own arguments. */
export interface RendererSpec {
  kind: "fields" | "summary";
  args: string[];
}

/** Files from this size up are read by two threads (smaller ones finish before a worker starts). */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
/** Frames per block. */
export const PARALLEL_BLOCK = 4096;

/** How `path` is read: "one" thread, or — with `SYNACK_THREADS=2`, on a machine with two
 *  processors or more, for a regular file (stdin cannot be read twice) of PARALLEL_MIN_BYTES or
 *  more — two: "split" when the output needs no TCP analysis (`analyses` false), "pipeline" when
 *  it does. Opt-in because it pays only when a processor is free: on the idle 2-core machine -T
 *  fields with the decode fields went 2.8-3.3 s -> 2.2-2.4 s (2 M packets), but with other work
 *  running it was slower than one thread (1 M: 1.59 -> 2.15 s), and the pipeline costs ~100 MiB
 *  more memory (summary, 2 M: 195 -> 290 MiB). Running the analysis in both threads ("split"
 *  with analysis) doubled its memory (200 -> 340 MiB), hence the pipeline for analysis output.
 *  Tests lower the size threshold with `SYNACK_PARALLEL_MIN_BYTES`. */
export function threadPlan(path: string, analyses: boolean): "one" | "split" | "pipeline" {
  if (path === "-") return "one";
  const threads = process.env["SYNACK_THREADS"];
  if (threads === undefined || Number(threads) < 2 || availableParallelism() < 2) return "one";
  const min = Number(process.env["SYNACK_PARALLEL_MIN_BYTES"] ?? PARALLEL_MIN_BYTES);
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size < min) return "one";
  } catch {
    return "one"; // the one-thread path reports the error
  }
  return analyses ? "pipeline" : "split";
}

/** In the pipeline with summary lines, the analysis thread also writes the lines of one block in
 *  PARALLEL_SHARE (the rendering thread does the rest): the analysis alone is the lighter half.
 *  Measured on 2 M packets, two idle cores: summary 2.71-2.79 s with none, 2.42-2.47 s with one
 *  block in 3, 2.29-2.30 s in 4, 2.33-2.34 s in 5. `-T fields` lines are lighter: the analysis
 *  thread is the slower one already (analysis fields 2.03-2.13 s with none, 2.15-2.21 s in 4). */
export const PARALLEL_SHARE = 4;

/** The share for `kind` (summary: PARALLEL_SHARE, fields: 0), or `SYNACK_PARALLEL_SHARE` for
 *  both (0: the analysis thread writes no lines). */
export function parallelShare(kind: RendererSpec["kind"]): number {
  const dflt = kind === "summary" ? PARALLEL_SHARE : 0;
  const v = Number(process.env["SYNACK_PARALLEL_SHARE"] ?? dflt);
  return Number.isInteger(v) && v >= 0 ? v : dflt;
}

/** The share runPipeline uses for `renderer`: 0 when it cannot pass frames over (no `analyseAt`,
 *  `passAt` or `renderAt`, or rows with a per-stream table of their own). */
export function pipelineShare(kind: RendererSpec["kind"], renderer: FrameRenderer): number {
  const can = renderer.renderAt !== undefined && renderer.analyseAt !== undefined && renderer.passAt !== undefined
    && !renderer.rows.keepsStreams;
  return can ? parallelShare(kind) : 0;
}

/** Frames per block: PARALLEL_BLOCK, or `SYNACK_PARALLEL_BLOCK` (tests use tiny blocks). */
export function parallelBlock(): number {
  const b = Number(process.env["SYNACK_PARALLEL_BLOCK"] ?? PARALLEL_BLOCK);
  return Number.isInteger(b) && b > 0 ? b : PARALLEL_BLOCK;
}

/** One thread's share: reads `path`, renders the frames of blocks `part`, `part + parts`, … and
 *  hands each finished block to `done(blockIndex, out)` (which must take the bytes and reset `out`).
 *  Resolves with the frame count and the capture's fatal problem, if any. */
export async function renderPart(path: string, r: FrameRenderer, part: number, parts: number, block: number,
    done: (k: number, out: ByteOut) => Promise<void> | void,
    progress?: (bytesRead: number, frames: number) => void): Promise<{ frames: number; fatal: CaptureProblem | undefined }> {
  let bytesRead = 0;
  const counted = async function* (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const c of chunks) { bytesRead += c.length; yield c; }
  };
  const reader = readCapture(progress === undefined ? openCaptureFile(path) : counted(openCaptureFile(path)));
  const out = new ByteOut(1 << 17);
  const rec = newRecord();
  let frames = 0;
  for await (const batch of reader.batches()) {
    while (batch.next(rec)) {
      const k = Math.floor(frames / block);
      frames++;
      if (k % parts === part) {
        r.render(rec, reader.info, out);
        if (frames % block === 0) await done(k, out);
      } else r.skip(rec, reader.info);
    }
    progress?.(bytesRead, frames);
  }
  // The last block, when it is this thread's and not full.
  const last = Math.floor((frames - 1) / block);
  if (frames > 0 && frames % block !== 0 && last % parts === part) await done(last, out);
  return { frames, fatal: reader.fatal };
}

/** Messages from the worker. */
type WorkerMessage = { type: "block"; k: number; bytes: Uint8Array } | { type: "done" } | { type: "error"; message: string };

/** Blocks the main thread may hold ahead of the one it waits for. */
const WINDOW = 8;

/** Reads `path` with the main thread and one worker in `plan`'s way; `write` gets the output in
 *  order. Resolves with the capture's fatal problem (as the one-thread reader would report it).
 *  Errors thrown by the reader (a refused file) reach the caller as they would on one thread. */
export function runParallel(plan: "split" | "pipeline", path: string, spec: RendererSpec, renderer: FrameRenderer,
    write: (bytes: Uint8Array) => Promise<void>, progress?: (bytesRead: number, frames: number) => void): Promise<CaptureProblem | undefined> {
  return plan === "split" ? runSplit(path, spec, renderer, write, progress) : runPipeline(path, spec, renderer, write, progress);
}

async function runSplit(path: string, spec: RendererSpec, renderer: FrameRenderer,
    write: (bytes: Uint8Array) => Promise<void>, progress?: (bytesRead: number, frames: number) => void): Promise<CaptureProblem | undefined> {
  const block = parallelBlock();
  const worker = new Worker(new URL("./read-worker.js", import.meta.url), {
    workerData: { path, spec, part: 1, parts: 2, block },
  });
  const pending = new Map<number, Uint8Array>();
  let workerDone = false;
  let workerError: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => { const w = wake; wake = undefined; w?.(); };
  worker.on("message", (m: WorkerMessage) => {
    if (m.type === "block") pending.set(m.k, m.bytes);
    else if (m.type === "done") workerDone = true;
    else workerError = new Error(`reader thread: ${m.message}`);
    notify();
  });
  worker.on("error", (err) => { workerError = err; notify(); });
  worker.on("exit", () => { if (!workerDone && workerError === undefined) workerError = new Error("reader thread stopped"); notify(); });
  const waitWorker = async (): Promise<void> => {
    if (workerError !== undefined) throw workerError;
    await new Promise<void>((resolve) => { wake = resolve; });
    if (workerError !== undefined) throw workerError;
  };

  let next = 0;
  /** Writes the blocks that are due, in order; acknowledges the worker's (its flow control). */
  const flush = async (): Promise<void> => {
    for (let b = pending.get(next); b !== undefined; b = pending.get(next)) {
      pending.delete(next);
      if (b.length > 0) await write(b);
      if (next % 2 === 1) worker.postMessage(next);
      next++;
    }
  };
  try {
    const { frames, fatal } = await renderPart(path, renderer, 0, 2, block, async (k, out) => {
      pending.set(k, out.buf.slice(0, out.len));
      out.reset();
      await flush();
      while (pending.size > WINDOW) { await waitWorker(); await flush(); }
    }, progress);
    const blocks = frames === 0 ? 0 : Math.floor((frames - 1) / block) + 1;
    for (;;) {
      await flush();
      if (next >= blocks && workerDone) break;
      // The worker posts all its blocks before "done": a gap after it is a bug, not a wait.
      if (workerDone) throw new Error(`reader thread: block ${next} of ${blocks} missing`);
      await waitWorker();
    }
    return fatal;
  } finally {
    await worker.terminate();
  }
}

/** Messages from the analysis worker. */
type AnalysisMessage = { type: "block"; block: ResultBlock } | { type: "lines"; k: number; bytes: Uint8Array }
  | { type: "done" } | { type: "error"; message: string };

/** "pipeline": the worker analyses every frame; this thread builds and writes the lines. Balanced
 *  (`parallelShare()` = S > 0, for renderers that can: `analyseAt`/`passAt`, rows without a
 *  per-stream table of their own): the worker also builds the lines of block S − 1, 2S − 1, … with
 *  its own analysis, and this thread only carries those frames through its state (`passAt`). */
async function runPipeline(path: string, spec: RendererSpec, renderer: FrameRenderer,
    write: (bytes: Uint8Array) => Promise<void>, progress?: (bytesRead: number, frames: number) => void): Promise<CaptureProblem | undefined> {
  const block = parallelBlock();
  const inPlace = renderer.renderAt !== undefined;
  const share = pipelineShare(spec.kind, renderer);
  const worker = new Worker(new URL("./analysis-worker.js", import.meta.url), { workerData: { path, spec, block, share } });
  const source = new ResultUnpacker();
  renderer.rows.useAnalysisFrom(source);
  /** lastFrame of each block received and not yet acknowledged (acknowledged once rendered past). */
  const unacked: number[] = [];
  /** The worker's lines, by block, until written. */
  const lines = new Map<number, Uint8Array>();
  let workerDone = false;
  let workerError: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => { const w = wake; wake = undefined; w?.(); };
  worker.on("message", (m: AnalysisMessage) => {
    if (m.type === "block") { source.push(m.block); unacked.push(m.block.lastFrame); }
    else if (m.type === "lines") lines.set(m.k, m.bytes);
    else if (m.type === "done") workerDone = true;
    else workerError = new Error(`analysis thread: ${m.message}`);
    notify();
  });
  worker.on("error", (err) => { workerError = err; notify(); });
  worker.on("exit", () => { if (!workerDone && workerError === undefined) workerError = new Error("analysis thread stopped"); notify(); });

  let bytesRead = 0;
  const counted = async function* (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const c of chunks) { bytesRead += c.length; yield c; }
  };
  const reader = readCapture(counted(openCaptureFile(path)));
  const out = new ByteOut(1 << 17);
  const rec = newRecord();
  let frames = 0;
  /** Block k's lines from the worker, after this thread's own lines so far. */
  const takeLines = async (k: number): Promise<void> => {
    if (out.len > 0) { const b = out.buf.slice(0, out.len); out.reset(); await write(b); }
    for (;;) {
      const b = lines.get(k);
      if (b !== undefined) { lines.delete(k); if (b.length > 0) await write(b); worker.postMessage(0); return; }
      if (workerError !== undefined) throw workerError;
      if (workerDone) throw new Error(`analysis thread: no lines for block ${k}`);
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  };
  try {
    for await (const batch of reader.batches()) {
      // In place, the batch's bytes stay valid across the waits below (the reader moves on only when asked).
      while (inPlace ? batch.nextInPlace(rec) : batch.next(rec)) {
        const k = Math.floor(frames / block);
        frames++;
        if (share > 0 && k % share === share - 1) {
          renderer.passAt!(rec, batch.source, batch.sourceOffset);
          if (frames % block === 0) await takeLines(k);
          continue;
        }
        while (source.covered < rec.index) {
          if (workerError !== undefined) throw workerError;
          if (workerDone) throw new Error(`analysis thread: no results for frame ${rec.index}`);
          // The blocks rendered so far are acknowledged, or the worker, at its limit, would wait for us.
          while (unacked.length > 0 && unacked[0]! < rec.index) { unacked.shift(); worker.postMessage(0); }
          // Hand over what is ready while waiting.
          if (out.len > 0) { const b = out.buf.slice(0, out.len); out.reset(); await write(b); }
          await new Promise<void>((resolve) => { wake = resolve; });
        }
        if (inPlace) renderer.renderAt!(rec, reader.info, batch.source, batch.sourceOffset, out);
        else renderer.render(rec, reader.info, out);
      }
      while (unacked.length > 0 && unacked[0]! <= rec.index) { unacked.shift(); worker.postMessage(0); }
      progress?.(bytesRead, frames);
      if (out.len >= 1 << 16) { const b = out.buf.slice(0, out.len); out.reset(); await write(b); }
    }
    const last = Math.floor((frames - 1) / block);
    if (share > 0 && frames % block !== 0 && last % share === share - 1) await takeLines(last);
    if (out.len > 0) { const b = out.buf.slice(0, out.len); out.reset(); await write(b); }
    return reader.fatal;
  } finally {
    await worker.terminate();
  }
}

/** `process.stdout` as a `write` for runParallel: waits for "drain" when stdout is behind. */
export async function writeStdout(bytes: Uint8Array): Promise<void> {
  if (!process.stdout.write(bytes)) await once(process.stdout, "drain");
}

/** Standard output is a regular file or a device such as /dev/null (not a terminal): Node writes
 *  those synchronously anyway, so fd 1 can be written directly, from the caller's buffer. */
let stdoutPlain: boolean | undefined;
function plainStdout(): boolean {
  if (stdoutPlain === undefined) {
    try {
      const st = fstatSync(1);
      stdoutPlain = st.isFile() || (st.isCharacterDevice() && !isatty(1));
    } catch { stdoutPlain = false; }
  }
  return stdoutPlain;
}

/** Hands `out`'s bytes to stdout and empties it: written in place to a file or /dev/null, else
 *  copied into process.stdout, waiting for "drain" when it is behind (memory stays flat whatever
 *  reads the output). */
export async function flushToStdout(out: ByteOut): Promise<void> {
  if (out.len === 0) return;
  if (plainStdout()) {
    try {
      for (let at = 0; at < out.len;) at += writeSync(1, out.buf, at, out.len - at);
    } catch (err) {
      // As main.ts reports a failing process.stdout (e.g. > /dev/full): one line, status 74.
      throw new CliError(`cannot write output: ${(err as Error).message}`, 74);
    }
    out.reset();
    return;
  }
  const ok = process.stdout.write(out.buf.slice(0, out.len));
  out.reset();
  if (!ok) await once(process.stdout, "drain");
}
