/** The Graphs tab's worker side: the selected stream's series from a replay of the whole capture
 *  through the analysis loop (`analyseCapture`, as `synack graph` reads a file), a graph model
 *  per type and direction, and each view drawn by src/explain's SVG renderer with the points'
 *  pixel places for hover and click. Plain TypeScript without DOM or worker globals. */
import { newRecord, type CaptureRecord } from "../../capture/index.js";
import {
  analyseCapture, graphModel, SERIES_ANALYSIS_OPTIONS, StreamSeriesBuilder, type GraphModel, type GraphType, type StreamDir, type StreamSeries,
} from "../../analysis/index.js";
import { graphPointTitle, renderGraphSvg, type GraphLayout } from "../../explain/diagrams/index.js";
import type { PacketStore } from "./store.js";

/** Records replayed between two pauses (the worker answers other requests between). */
export const GRAPH_SLICE = 50_000;

/** One stream's series, and the store index of each of its segments. */
export interface StreamGraphs {
  stream: number;
  /** Records in the store when it was read (a live capture grows: read again when it did). */
  count: number;
  series: StreamSeries;
  /** Store index of `series`' segment k. */
  index: number[];
  /** Models made so far, by "type dir". */
  models: Map<string, GraphModel>;
}

/** Where each drawn point or column is, in px of the image, and what it is. */
export interface GraphHits {
  x: number[];
  /** Pixel rows of the point's low and high value (lo ≥ hi: y grows downward). */
  lo: number[];
  hi: number[];
  /** Store index of the point's (first) packet, −1 when not in the store. */
  index: number[];
  text: string[];
}

/** A drawn view: the SVG text, the plot's geometry and the hit list. */
export interface GraphView {
  stream: number;
  graph: GraphType;
  dir: StreamDir;
  from: string;
  to: string;
  svg: string;
  layout: GraphLayout;
  hits: GraphHits;
  /** The stream's whole time span (the view without zoom). */
  t0: number;
  t1: number;
}

/** The store's records 0 … count − 1 in capture order, pausing every GRAPH_SLICE (`pause`
 *  resolves when the worker may go on; `at` receives each record's store index). */
export async function* storeRecords(store: PacketStore, count: number, at: (i: number) => void,
    pause: () => Promise<void>): AsyncGenerator<CaptureRecord> {
  const rec = newRecord();
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % GRAPH_SLICE === 0) await pause();
    at(i);
    yield store.record(i, rec);
  }
}

/** Stream `stream`'s series from a replay of the whole store. */
export async function streamGraphs(store: PacketStore, stream: number,
    pause: () => Promise<void> = () => Promise.resolve()): Promise<StreamGraphs> {
  const count = store.count;
  const b = new StreamSeriesBuilder(stream);
  const index: number[] = [];
  let cur = 0;
  await analyseCapture(storeRecords(store, count, (i) => { cur = i; }, pause), (x) => {
    const t = x.frame.tcp[x.tcpIndex]!;
    if (t.quoted || x.result.stream !== stream) return;
    b.add(x.seg, x.result, x.frame, x.tcpIndex);
    index.push(cur);
  }, undefined, undefined, SERIES_ANALYSIS_OPTIONS);
  return { stream, count, series: b.series, index, models: new Map() };
}

/** The view of graph `graph`, direction `dir`, time window [t0, t1] (the whole stream when
 *  undefined), drawn `width` × `height`. */
export function graphView(g: StreamGraphs, graph: GraphType, dir: StreamDir, width: number, height: number,
    t0?: number, t1?: number): GraphView {
  const key = `${graph} ${dir}`;
  let m = g.models.get(key);
  if (m === undefined) { m = graphModel(g.series, graph, dir); g.models.set(key, m); }
  const model = m;
  let layout: GraphLayout | undefined;
  let drawn: GraphModel | undefined;
  const opts: { width: number; height: number; t0?: number; t1?: number } = { width, height };
  if (t0 !== undefined && t1 !== undefined && t1 > t0) { opts.t0 = t0; opts.t1 = t1; }
  const svg = renderGraphSvg(model, opts, (l, d) => { layout = l; drawn = d; });
  const L = layout!;
  const X = (t: number): number => L.left + ((t - L.t0) / (L.t1 - L.t0)) * (L.right - L.left);
  const Y = (v: number): number => L.bottom - ((v - L.yMin) / (L.yMax - L.yMin)) * (L.bottom - L.top);
  // Frame number → store index, for the points' packets.
  const byFrame = new Map<number, number>();
  for (let k = 0; k < g.series.count; k++) byFrame.set(g.series.frame[k]!, g.index[k]!);
  const hits: GraphHits = { x: [], lo: [], hi: [], index: [], text: [] };
  for (const s of drawn!.series) {
    for (let i = 0; i < s.t.length; i++) {
      const x = X(s.t[i]!);
      if (x < L.left - 1 || x > L.right + 1) continue;
      hits.x.push(Math.round(x * 10) / 10);
      hits.lo.push(Math.round(Y(s.y[i]!) * 10) / 10);
      hits.hi.push(Math.round(Y(s.y2 === undefined ? s.y[i]! : s.y2[i]!) * 10) / 10);
      hits.index.push(byFrame.get(s.frame[i]!) ?? -1);
      hits.text.push(graphPointTitle(model, s, i));
    }
  }
  return { stream: g.stream, graph, dir, from: model.from, to: model.to, svg, layout: L, hits, t0: model.t0, t1: model.t1 };
}
