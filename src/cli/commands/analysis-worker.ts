/** The analysis thread of `synack read`'s "pipeline" plan (parallel-read.ts): builds the same
 *  FieldRows as the main thread from the same arguments, runs only its analysis over the capture
 *  and posts the results in blocks, at most a few ahead of what the main thread has rendered. */
import { parentPort, workerData } from "node:worker_threads";
import { newRecord, readCapture } from "../../capture/index.js";
import { openCaptureFile } from "../../capture/node.js";
import type { AnalysisResult } from "../../analysis/index.js";
import { ByteOut } from "../../tshark/bytes-out.js";
import { ResultPacker } from "./analysis-wire.js";
import type { RendererSpec } from "./parallel-read.js";
import { makeRenderer } from "./read.js";

const { path, spec, block, share } = workerData as { path: string; spec: RendererSpec; block: number; share: number };
const port = parentPort!;
/** Blocks posted and not yet rendered by the main thread. */
let outstanding = 0;
let wake: (() => void) | undefined;
port.on("message", () => { outstanding--; const w = wake; wake = undefined; w?.(); });

try {
  const renderer = makeRenderer(spec), rows = renderer.rows;
  const packer = new ResultPacker();
  const reader = readCapture(openCaptureFile(path));
  const rec = newRecord();
  const emit = (r: AnalysisResult): void => packer.add(rec.index, r);
  const out = new ByteOut(1 << 17);
  let n = 0, last = 0;
  /** Block k is this thread's to write (the balanced pipeline: one block in `share`). */
  const mine = (k: number): boolean => share > 0 && k % share === share - 1;
  const post = async (k: number): Promise<void> => {
    if (mine(k)) {
      const bytes = out.buf.slice(0, out.len);
      out.reset();
      port.postMessage({ type: "lines", k, bytes }, [bytes.buffer]);
    } else {
      const b = packer.take(last);
      port.postMessage({ type: "block", block: b }, [b.data.buffer as ArrayBuffer]);
    }
    outstanding++;
    while (outstanding >= 8) await new Promise<void>((resolve) => { wake = resolve; });
  };
  for await (const batch of reader.batches()) {
    // Records in place (no view each), decoded where they lie.
    while (batch.nextInPlace(rec)) {
      const k = Math.floor(n / block);
      if (mine(k)) renderer.renderAt!(rec, reader.info, batch.source, batch.sourceOffset, out);
      else if (share > 0) renderer.analyseAt!(rec, batch.source, batch.sourceOffset, emit);
      else rows.analyseAt(rec, batch.source, batch.sourceOffset, emit);
      last = rec.index;
      if (++n % block === 0) await post(k);
    }
  }
  if (n % block !== 0) await post(Math.floor(n / block));
  port.postMessage({ type: "done" });
} catch (err) {
  port.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
}
