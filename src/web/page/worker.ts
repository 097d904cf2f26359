/// <reference lib="webworker" />
/** The decode worker: reads the capture (served file, dropped file or live WebSocket) into a
 *  CaptureModel (capture.ts: the streaming parser and the capture session loop of `synack read`),
 *  and answers the page's requests for rows, details, filters and statistics. Only core modules
 *  are imported here. */
import { CaptureModel } from "./capture.js";
import { formatRow } from "./rows.js";
import { conversations, DetailsReplay, expertSummary, frameDetails, ladderPass, type StreamLadder } from "./details.js";
import { compileViewFilter } from "./filter.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { graphView, storeRecords, streamGraphs, type StreamGraphs } from "./graphs.js";
import { collectDoctor, diagnose, doctorTextChunks } from "../../analysis/index.js";

declare const self: DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => self.postMessage(m, transfer);

let model = new CaptureModel();
/** The details' replay cursor over the model's frames. */
let replay = new DetailsReplay(model.store, () => model.parser.info);
/** The last ladder computed, for the frame count it saw; `ladderRun` names the pass under way. */
let ladderCache: { ladder: StreamLadder; count: number } | undefined;
let ladderRun = 0;
/** The Graphs tab's stream, read through the whole capture once (again when the capture grew). */
let graphCache: StreamGraphs | undefined;
let graphRead: { stream: number; count: number; done: Promise<StreamGraphs> } | undefined;
let name = "";
let done = false;
/** Rows shown: all packets (null) or the indexes passing the display filter. */
let view: Uint32Array | null = null;
let viewCount = 0;
let filterText = "";
let lastProgress = 0;
let generation = 0;
let socket: WebSocket | undefined;

function reset(newName: string): void {
  generation++;
  socket?.close();
  socket = undefined;
  model = new CaptureModel();
  const m = model;
  replay = new DetailsReplay(m.store, () => m.parser.info);
  ladderCache = undefined; ladderRun++;
  graphCache = undefined; graphRead = undefined;
  name = newName; done = false; view = null; viewCount = 0; filterText = ""; lastProgress = 0;
}

const filterState = { matches: undefined as ((i: number) => boolean) | undefined };

/** A record was stored: the display filter, if any, decides whether it is shown. */
function added(i: number): void {
  if (view !== null && filterState.matches !== undefined && filterState.matches(i)) appendView(i);
}

/** The shown frame before `index` when a display filter is on (its own index when it is the
 *  first), for -V's "Time delta from previous displayed frame"; −1 without a filter. */
function shownBefore(index: number): number {
  if (view === null) return -1;
  let lo = 0, hi = viewCount;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (view[mid]! < index) lo = mid + 1; else hi = mid; }
  return lo > 0 ? view[lo - 1]! : index;
}

/** Replays the capture for stream `stream`'s ladder in slices (other requests are answered in
 *  between), then sends it for the frame at `index`; a newer selection or capture cancels it. */
async function sendLadder(stream: number, index: number): Promise<void> {
  const run = ++ladderRun, m = model;
  const pass = ladderPass(m.store, () => m.parser.info, stream);
  for (let step = pass.next(); ; step = pass.next()) {
    if (step.done === true) {
      ladderCache = { ladder: step.value, count: m.store.count };
      post({ type: "ladder", index, ...step.value });
      return;
    }
    await new Promise((ok) => setTimeout(ok, 0));
    if (run !== ladderRun) return;
  }
}

function appendView(i: number): void {
  if (view === null) return;
  if (viewCount === view.length) { const g = new Uint32Array(view.length * 2); g.set(view); view = g; }
  view[viewCount++] = i;
}

function shown(): number { return view === null ? model.store.count : viewCount; }

function progress(force: boolean): void {
  const now = performance.now();
  if (!force && now - lastProgress < 100) return;
  lastProgress = now;
  post({ type: "progress", total: model.store.count, shown: shown(), done, name });
}

function fail(err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  post({ type: "error", message: `${name}: ${msg}` });
}

/** Reads a byte stream to the end, one parser push per chunk. */
async function ingest(stream: ReadableStream<Uint8Array>, gen: number): Promise<void> {
  const reader = stream.getReader();
  let first = true;
  try {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (gen !== generation) { void reader.cancel(); return; }
      if (end) break;
      model.push(value, added);
      if (first) { first = false; progress(true); } else progress(false);
      if (model.parser.done) break;
    }
    model.end(added);
  } catch (err) {
    fail(err);
  }
  done = true;
  const fatal = model.parser.fatal;
  if (fatal !== undefined) post({ type: "error", message: `${name}: reading stopped at frame ${fatal.record}: ${fatal.code}` });
  progress(true);
}

function openSocket(url: string, gen: number): void {
  const ws = new WebSocket(url);
  socket = ws;
  ws.binaryType = "arraybuffer";
  ws.onmessage = (ev: MessageEvent<ArrayBuffer>) => {
    if (gen !== generation) return;
    try {
      model.push(new Uint8Array(ev.data), added);
      progress(false);
      setTimeout(() => progress(false), 120);
    } catch (err) { fail(err); }
  };
  ws.onerror = () => { if (gen === generation) post({ type: "error", message: "live connection failed" }); };
  ws.onclose = () => { if (gen === generation) { done = true; progress(true); } };
}

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    switch (m.type) {
      case "open-url": {
        reset(m.name);
        const gen = generation;
        const res = await fetch(m.url);
        if (!res.ok || res.body === null) { fail(new Error(`HTTP ${res.status}`)); return; }
        await ingest(res.body, gen);
        return;
      }
      case "open-file":
        reset(m.name);
        await ingest(m.file.stream() as ReadableStream<Uint8Array>, generation);
        return;
      case "open-ws":
        reset(m.name);
        openSocket(m.url, generation);
        progress(true);
        return;
      case "rows": {
        const n = shown();
        const end = Math.min(n, m.start + m.count);
        const rows = [];
        for (let k = m.start; k < end; k++) rows.push(formatRow(model.store, view === null ? k : view[k]!, model.baseSec, model.baseNsec, model.digits));
        post({ type: "rows", req: m.req, start: m.start, rows });
        return;
      }
      case "select":
        if (m.index < 0 || m.index >= model.store.count) return;
        const d = frameDetails(replay, m.index, shownBefore(m.index));
        // The ladder needs the whole capture replayed: sent after the rest, unless known already.
        const c = ladderCache;
        if (d.stream >= 0 && c !== undefined && c.ladder.stream === d.stream && c.count === model.store.count) {
          d.ladder = c.ladder.ladder; d.frameIndex = c.ladder.frameIndex;
        }
        post({ type: "details", details: d });
        if (d.stream >= 0 && d.ladder === undefined) void sendLadder(d.stream, m.index);
        else ladderRun++;
        return;
      case "filter": {
        const text = m.text.trim();
        if (text === "") {
          view = null; filterState.matches = undefined; filterText = "";
          post({ type: "filter", ok: true, text, shown: model.store.count });
          progress(true);
          return;
        }
        const store = model.store;
        const owner = model;
        const c = compileViewFilter(text, store, () => owner.parser.info);
        if (!c.ok) { post({ type: "filter", ok: false, text, message: c.message, column: c.column, length: c.length }); return; }
        filterText = text;
        filterState.matches = c.matches;
        view = new Uint32Array(1024); viewCount = 0;
        for (let i = 0; i < store.count; i++) if (c.matches(i)) appendView(i);
        post({ type: "filter", ok: true, text: filterText, shown: viewCount });
        progress(true);
        return;
      }
      case "stats":
        post({ type: "stats", conversations: conversations(model.store), expert: expertSummary(model.store) });
        return;
      case "graph": {
        const m0 = model, gen = generation;
        let g = graphCache;
        if (g === undefined || g.stream !== m.stream || g.count !== m0.store.count) {
          if (graphRead === undefined || graphRead.stream !== m.stream || graphRead.count !== m0.store.count) {
            graphRead = { stream: m.stream, count: m0.store.count,
              done: streamGraphs(m0.store, m.stream, () => new Promise((ok) => setTimeout(ok, 0))) };
          }
          g = await graphRead.done;
          if (gen !== generation) return;
          graphCache = g;
        }
        if (g.series.count === 0) { post({ type: "graph-error", req: m.req, message: `stream ${m.stream} has no TCP segments` }); return; }
        post({ type: "graph", req: m.req, view: graphView(g, m.graph, m.dir, m.width, m.height, m.t0, m.t1) });
        return;
      }
      case "doctor": {
        const m0 = model, gen = generation, count = m0.store.count;
        const col = await collectDoctor(storeRecords(m0.store, count, () => undefined, () => new Promise((ok) => setTimeout(ok, 0))));
        if (gen !== generation) return;
        let text = "";
        for (const chunk of doctorTextChunks(diagnose(col), (_style, t) => t, true)) text += chunk;
        post({ type: "doctor", req: m.req, text, frames: count });
        return;
      }
    }
  } catch (err) {
    fail(err);
  }
};
