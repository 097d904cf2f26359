/** The second thread of `synack read` (parallel-read.ts): builds the same renderer from the same
 *  command arguments, renders its blocks and posts them to the main thread, at most a few ahead of
 *  what the main thread has written. */
import { parentPort, workerData } from "node:worker_threads";
import type { ByteOut } from "../../tshark/bytes-out.js";
import { renderPart, type RendererSpec } from "./parallel-read.js";
import { makeRenderer } from "./read.js";

const { path, spec, part, parts, block } = workerData as { path: string; spec: RendererSpec; part: number; parts: number; block: number };
const port = parentPort!;
/** Blocks posted and not yet written by the main thread. */
let outstanding = 0;
let wake: (() => void) | undefined;
port.on("message", () => { outstanding--; const w = wake; wake = undefined; w?.(); });

try {
  const renderer = makeRenderer(spec);
  await renderPart(path, renderer, part, parts, block, async (k: number, out: ByteOut) => {
    const bytes = out.buf.slice(0, out.len);
    out.reset();
    port.postMessage({ type: "block", k, bytes }, [bytes.buffer]);
    outstanding++;
    while (outstanding >= 4) await new Promise<void>((resolve) => { wake = resolve; });
  });
  port.postMessage({ type: "done" });
} catch (err) {
  port.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
}
