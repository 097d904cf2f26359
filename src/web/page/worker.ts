/// <reference lib="webworker" />
/** The decode worker: reads the capture (served file, dropped file or live WebSocket) with
 *  src/capture's streaming parser, decodes and analyses every packet once, and answers the page's
 *  requests for rows, details, filters and statistics. Only core modules are imported here. */
import { CaptureParser, newRecord } from "../../capture/index.js";
import { DecodedFrame, FrameDecoder } from "../../decode/index.js";
import { TcpAnalyzer, newSegment } from "../../analysis/index.js";
import { segmentFromDecoded } from "../../analysis/from-decoded.js";
import { ACK_PRESENT, HAS_TCP, PacketStore, SEQ_PRESENT, WIN_PRESENT } from "./store.js";
import { formatRow } from "./rows.js";
import { timeDigits } from "../../tshark/summary.js";
import { buildDetails, conversations, expertSummary } from "./details.js";
import { compileViewFilter } from "./filter.js";
import type { FromWorker, ToWorker } from "./protocol.js";

declare const self: DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => self.postMessage(m, transfer);

let store = new PacketStore();
let parser = new CaptureParser();
let decoder = new FrameDecoder();
let frame = new DecodedFrame();
let analyzer = new TcpAnalyzer();
const seg = newSegment();
const rec = newRecord();
let name = "";
let done = false;
let baseSec = 0, baseNsec = 0, digits = 6;
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
  store = new PacketStore(); parser = new CaptureParser(); decoder = new FrameDecoder(); frame = new DecodedFrame();
  analyzer = new TcpAnalyzer();
  name = newName; done = false; view = null; viewCount = 0; filterText = ""; lastProgress = 0;
}

const filterState = { matches: undefined as ((i: number) => boolean) | undefined };

/** Decodes, analyses and stores every complete record of the parser's current chunk. */
function drain(): void {
  while (parser.next(rec)) {
    const i = store.add(rec.index, rec.linkType, rec.tsSec, rec.tsNsec, rec.originalLength, rec.bytes);
    // Decimals of the Time column from the first frame's interface resolution (tshark shows what the file holds).
    if (i === 0) { baseSec = rec.tsSec; baseNsec = rec.tsNsec; digits = timeDigits(parser.info?.interfaces[rec.interface]?.tsresol ?? 6); }
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    for (let t = 0; t < frame.tcpCount; t++) {
      if (!segmentFromDecoded(frame, t, rec.tsSec, rec.tsNsec, seg)) continue;
      const r = analyzer.observe(seg);
      if (frame.tcp[t]!.quoted || store.stream.data[i]! >= 0) continue;
      store.stream.data[i] = r.stream;
      let tf = (seg.flags & 0xfff) | HAS_TCP;
      if (r.ackPresent && (seg.flags & 0x010) !== 0) tf |= ACK_PRESENT;
      if (r.windowPresent) tf |= WIN_PRESENT;
      if (!frame.tcp[t]!.problems.includes("tcp.bogus_header_length")) tf |= SEQ_PRESENT;
      store.tflags.data[i] = tf;
      store.seq.data[i] = r.seq; store.ack.data[i] = r.ack; store.win.data[i] = r.windowSize;
      store.seglen.data[i] = r.seglen;
      if (r.analysisPresent) {
        store.aflags.data[i] = r.flags;
        store.dupAckFrame.data[i] = r.dupAckFrame; store.dupAckNum.data[i] = r.dupAckNum;
      }
    }
    if (view !== null && filterState.matches !== undefined && filterState.matches(i)) appendView(i);
  }
}

function appendView(i: number): void {
  if (view === null) return;
  if (viewCount === view.length) { const g = new Uint32Array(view.length * 2); g.set(view); view = g; }
  view[viewCount++] = i;
}

function shown(): number { return view === null ? store.count : viewCount; }

function progress(force: boolean): void {
  const now = performance.now();
  if (!force && now - lastProgress < 100) return;
  lastProgress = now;
  post({ type: "progress", total: store.count, shown: shown(), done, name });
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
      parser.push(value);
      drain();
      if (first) { first = false; progress(true); } else progress(false);
      if (parser.done) break;
    }
    parser.end();
    drain();
  } catch (err) {
    fail(err);
  }
  done = true;
  if (parser.fatal !== undefined) post({ type: "error", message: `${name}: reading stopped at frame ${parser.fatal.record}: ${parser.fatal.code}` });
  progress(true);
}

function openSocket(url: string, gen: number): void {
  const ws = new WebSocket(url);
  socket = ws;
  ws.binaryType = "arraybuffer";
  ws.onmessage = (ev: MessageEvent<ArrayBuffer>) => {
    if (gen !== generation) return;
    try {
      parser.push(new Uint8Array(ev.data));
      drain();
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
        for (let k = m.start; k < end; k++) rows.push(formatRow(store, view === null ? k : view[k]!, baseSec, baseNsec, digits));
        post({ type: "rows", req: m.req, start: m.start, rows });
        return;
      }
      case "select":
        if (m.index < 0 || m.index >= store.count) return;
        post({ type: "details", details: buildDetails(store, m.index) });
        return;
      case "filter": {
        const text = m.text.trim();
        if (text === "") {
          view = null; filterState.matches = undefined; filterText = "";
          post({ type: "filter", ok: true, text, shown: store.count });
          progress(true);
          return;
        }
        const c = compileViewFilter(text, store);
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
        post({ type: "stats", conversations: conversations(store), expert: expertSummary(store) });
        return;
    }
  } catch (err) {
    fail(err);
  }
};
