/** Graph models of one direction of a stream (issue 17): tcptrace time-sequence, Stevens,
 *  throughput/goodput, RTT, bytes in flight against the receive window, and the advertised
 *  windows over time. Each is a list of named series of (time ns, value) points with the frame
 *  number of each point, built from a `StreamSeries` (stream-series.ts). Plain data: `--json`
 *  prints it, the SVG renderer (src/explain/diagrams/graph-svg.ts) and the web tab draw it, and
 *  a diagnosis reads the same series.
 *
 *  Direction: the graph of `dir` "a" follows the data a → b; the ACKs, windows, SACK blocks and
 *  RTT samples that answer it come from b's segments. */
import { A_ANY_RETRANSMISSION, A_OUT_OF_ORDER, A_ZERO_WINDOW } from "../flags.js";
import { FIN, RST, SYN } from "../segment.js";
import { msDigits } from "../why-trace.js";
import type { StreamDir, StreamSeries } from "./stream-series.js";

/** The graph types of `synack graph --type`. */
export type GraphType = "tseq" | "stevens" | "throughput" | "rtt" | "inflight" | "window";
/** Every graph type, in `--help` order. */
export const GRAPH_TYPES: readonly GraphType[] = ["tseq", "stevens", "throughput", "rtt", "inflight", "window"];

/** How a series is drawn: "bars" from y to y2 at t (a segment's sequence range, a SACK block);
 *  "dots" a mark per point; "step" a line that holds its value until the next point; "line"
 *  straight between points; "marks" a labelled symbol per point (RST, zero window). */
export type SeriesKind = "bars" | "dots" | "step" | "line" | "marks";

/** One named series: parallel arrays, one entry per point, in capture order. */
export interface GraphSeries {
  /** Stable id (CSS class, legend key, tests): data, retransmission, out-of-order, ack, window-edge,
   *  sack, zero-window, rst, syn, fin, throughput, goodput, ack-rtt, ts-rtt, in-flight, rwnd, … */
  id: string;
  /** Legend text. */
  label: string;
  kind: SeriesKind;
  /** x: integer ns since the stream's first packet (tcp.time_relative). */
  t: number[];
  /** y, in the graph's `yUnit`; for bars the lower end. */
  y: number[];
  /** bars: the upper end (seq + len, SACK right edge). */
  y2?: number[];
  /** frame.number of each point (for an aggregated column: its first point's). */
  frame: number[];
  /** Set when the series was aggregated per pixel column (aggregate.ts): points per column, and
   *  the first and last y of each column (the curve enters and leaves it there); `y`/`y2` are
   *  then each column's minimum and maximum; `col` is each point's column of `columns`. */
  agg?: { columns: number; col: number[]; n: number[]; first: number[]; last: number[] };
}

/** Units of the y axis: bytes (sequence offsets, windows, in flight), bit/s, ns. */
export type YUnit = "bytes" | "bit/s" | "ns";

/** A graph of one direction of one stream. */
export interface GraphModel {
  type: GraphType;
  stream: number;
  dir: StreamDir;
  /** Sender and receiver of the data this graph follows ("address:port"). */
  from: string;
  to: string;
  title: string;
  /** x spans [t0, t1] ns (the whole stream, both directions); y spans [yMin, yMax] in `yUnit`. */
  t0: number;
  t1: number;
  yMin: number;
  yMax: number;
  yUnit: YUnit;
  /** The y axis name ("relative sequence number", "throughput", …). */
  yLabel: string;
  series: GraphSeries[];
  /** Throughput: the sliding window in ns. */
  windowNs?: number;
  /** Facts worth a line under the graph (window scale factors, points per column). */
  notes: string[];
}

/** Options of `graphModel`. */
export interface GraphOptions {
  /** Throughput: sliding-window length in ns (default: see `defaultThroughputWindowNs`). */
  windowNs?: number;
}

function series(id: string, label: string, kind: SeriesKind, bars = false): GraphSeries {
  const s: GraphSeries = { id, label, kind, t: [], y: [], frame: [] };
  if (bars) s.y2 = [];
  return s;
}

function push(s: GraphSeries, t: number, y: number, frame: number, y2?: number): void {
  s.t.push(t); s.y.push(y); s.frame.push(frame);
  if (s.y2 !== undefined) s.y2.push(y2 ?? y);
}

const TITLES: Record<GraphType, string> = {
  tseq: "Time-sequence (tcptrace)", stevens: "Time-sequence (Stevens)", throughput: "Throughput",
  rtt: "Round-trip time", inflight: "Bytes in flight", window: "Advertised windows",
};

/** The graph `type` of direction `dir` of the stream in `s`. Never drops a point: every segment
 *  that belongs to a series is in it (aggregation per pixel column is a separate step). */
export function graphModel(s: StreamSeries, type: GraphType, dir: StreamDir = "a", opts: GraphOptions = {}): GraphModel {
  const from = dir === "a" ? s.a : s.b, to = dir === "a" ? s.b : s.a;
  let t0 = 0, t1 = 0;
  for (let i = 0; i < s.count; i++) { const t = s.tNs[i]!; if (t < t0) t0 = t; if (t > t1) t1 = t; }
  const m: GraphModel = {
    type, stream: s.stream, dir, from, to, title: `${TITLES[type]}: ${from} → ${to} (stream ${s.stream})`,
    t0, t1, yMin: 0, yMax: 0, yUnit: "bytes", yLabel: "", series: [], notes: [],
  };
  switch (type) {
    case "tseq": tseqSeries(s, dir, m); break;
    case "stevens": stevensSeries(s, dir, m); break;
    case "throughput": throughputSeries(s, dir, m, opts.windowNs); break;
    case "rtt": rttSeries(s, dir, m); break;
    case "inflight": inflightSeries(s, dir, m); break;
    case "window": windowSeries(s, dir, m); break;
  }
  m.series = m.series.filter((x) => x.t.length > 0);
  yRange(m);
  return m;
}

/** A segment of `dir`: 0 for a, 1 for b. */
const code = (dir: StreamDir): number => (dir === "a" ? 0 : 1);

/** The class of a data segment: retransmissions (any of tshark's three kinds) before out-of-order. */
function dataClass(aflags: number): 0 | 1 | 2 {
  if ((aflags & A_ANY_RETRANSMISSION) !== 0) return 1;
  if ((aflags & A_OUT_OF_ORDER) !== 0) return 2;
  return 0;
}

/** tcptrace's time-sequence graph: each data segment a bar seq … seq + len (retransmissions and
 *  out-of-order segments in series of their own), the receiver's ACK line and window edge
 *  (ack + scaled window), its SACK blocks, zero-window marks, SYN/FIN/RST marks. */
function tseqSeries(s: StreamSeries, dir: StreamDir, m: GraphModel): void {
  m.yLabel = "relative sequence number";
  const d = code(dir);
  const data = series("data", "data segment", "bars", true), re = series("retransmission", "retransmission", "bars", true);
  const ooo = series("out-of-order", "out-of-order", "bars", true);
  const ack = series("ack", "ACK", "step"), edge = series("window-edge", "receive window edge (ACK + window)", "step");
  const sack = series("sack", "SACK block", "bars", true), zw = series("zero-window", "zero window", "marks");
  const syn = series("syn", "SYN", "marks"), fin = series("fin", "FIN", "marks"), rst = series("rst", "RST", "marks");
  let lastAck = 0;
  for (let i = 0; i < s.count; i++) {
    const t = s.tNs[i]!, f = s.frame[i]!, flags = s.tcpFlags[i]!;
    if (s.dirB[i] === d) {
      const seq = s.seq[i]!, len = s.len[i]!;
      if (len > 0) push([data, re, ooo][dataClass(s.aflags[i]!)]!, t, seq, f, seq + len);
      if ((flags & SYN) !== 0) push(syn, t, seq, f);
      if ((flags & FIN) !== 0) push(fin, t, seq + len, f);
      if ((flags & RST) !== 0) push(rst, t, seq, f);
      continue;
    }
    const a = s.ack[i]!;
    if (!Number.isNaN(a)) {
      lastAck = a;
      push(ack, t, a, f);
      push(edge, t, a + s.window[i]!, f);
      if ((s.aflags[i]! & A_ZERO_WINDOW) !== 0) push(zw, t, a, f);
    }
    for (let k = 0; k < s.sackCount[i]!; k++) push(sack, t, s.sackLeft[s.sackAt[i]! + k]!, f, s.sackRight[s.sackAt[i]! + k]!);
    if ((flags & RST) !== 0) push(rst, t, lastAck, f);
  }
  m.series.push(data, re, ooo, ack, edge, sack, zw, syn, fin, rst);
}

/** Stevens' time-sequence graph: one dot per data segment at (time, seq). */
function stevensSeries(s: StreamSeries, dir: StreamDir, m: GraphModel): void {
  m.yLabel = "relative sequence number";
  const d = code(dir);
  const all = [series("data", "data segment", "dots"), series("retransmission", "retransmission", "dots"),
    series("out-of-order", "out-of-order", "dots")];
  for (let i = 0; i < s.count; i++) {
    if (s.dirB[i] !== d || s.len[i]! <= 0) continue;
    push(all[dataClass(s.aflags[i]!)]!, s.tNs[i]!, s.seq[i]!, s.frame[i]!);
  }
  m.series.push(...all);
}

/** The throughput graph's default sliding window: 1 s, or a tenth of the direction's data span
 *  when that is shorter than 10 s (at least 1 ms), so that a short transfer still has a curve. */
export function defaultThroughputWindowNs(spanNs: number): number {
  const w = Math.floor(spanNs / 10);
  return Math.max(1_000_000, Math.min(1_000_000_000, w));
}

/** Throughput and goodput over a sliding window ending at each data segment: bytes sent in
 *  (t − W, t] × 8 / W. Goodput counts only bytes beyond the highest sequence number sent before
 *  (no retransmitted byte counts twice). In bit/s. */
function throughputSeries(s: StreamSeries, dir: StreamDir, m: GraphModel, windowNs?: number): void {
  m.yLabel = "rate"; m.yUnit = "bit/s";
  const d = code(dir);
  const idx: number[] = [];
  for (let i = 0; i < s.count; i++) if (s.dirB[i] === d && s.len[i]! > 0) idx.push(i);
  const span = idx.length === 0 ? 0 : s.tNs[idx[idx.length - 1]!]! - s.tNs[idx[0]!]!;
  const w = windowNs ?? defaultThroughputWindowNs(span);
  m.windowNs = w;
  const tp = series("throughput", "throughput (all data bytes)", "line"), gp = series("goodput", "goodput (new bytes only)", "line");
  const fresh: number[] = [];
  let high = -Infinity;
  for (const i of idx) {
    const end = s.seq[i]! + s.len[i]!;
    const start = Math.max(s.seq[i]!, high);
    fresh.push(end > start ? end - start : 0);
    if (end > high) high = end;
  }
  let lo = 0, bytes = 0, good = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!, t = s.tNs[i]!;
    bytes += s.len[i]!; good += fresh[k]!;
    while (s.tNs[idx[lo]!]! <= t - w) { bytes -= s.len[idx[lo]!]!; good -= fresh[lo]!; lo++; }
    push(tp, t, Math.round(bytes * 8 * 1e9 / w), s.frame[i]!);
    push(gp, t, Math.round(good * 8 * 1e9 / w), s.frame[i]!);
  }
  m.notes.push(`sliding window ${msDigits(w)} ms`);
  m.series.push(tp, gp);
}

/** RTT samples: tcp.analysis.ack_rtt on the receiver's ACKs, and the TSecr-based RTT (RFC 7323
 *  §4): from the first segment that carried a TSval to the receiver's first segment echoing it.
 *  Both at the time of the answering segment, in ns. */
function rttSeries(s: StreamSeries, dir: StreamDir, m: GraphModel): void {
  m.yLabel = "round-trip time"; m.yUnit = "ns";
  const d = code(dir);
  const ackRtt = series("ack-rtt", "ACK RTT (tcp.analysis.ack_rtt)", "dots"), tsRtt = series("ts-rtt", "TSecr RTT (RFC 7323)", "dots");
  // TSvals of the sender not echoed yet, with the time each was first sent: a queue in send order.
  const qVal: number[] = [], qT: number[] = [];
  let head = 0, lastVal = -1;
  for (let i = 0; i < s.count; i++) {
    if (s.hasTs[i] === 0 && s.ackRttNs[i] === 0) continue;
    const t = s.tNs[i]!;
    if (s.dirB[i] === d) {
      if (s.hasTs[i] === 1 && s.tsVal[i] !== lastVal) { lastVal = s.tsVal[i]!; qVal.push(lastVal); qT.push(t); }
      continue;
    }
    if (s.ackRttNs[i]! > 0) push(ackRtt, t, s.ackRttNs[i]!, s.frame[i]!);
    if (s.hasTs[i] !== 1 || head >= qVal.length) continue;
    const e = s.tsEcr[i]!;
    // Older TSvals than the echo will never be echoed: drop them (serial order, RFC 7323 §5.2).
    while (head < qVal.length && ((qVal[head]! - e) | 0) < 0) head++;
    if (head < qVal.length && qVal[head] === e) { push(tsRtt, t, t - qT[head]!, s.frame[i]!); head++; }
  }
  m.series.push(ackRtt, tsRtt);
}

/** tcp.analysis.bytes_in_flight of each data segment, against the window the receiver advertised
 *  last (tcp.window_size, scaled). */
function inflightSeries(s: StreamSeries, dir: StreamDir, m: GraphModel): void {
  m.yLabel = "bytes"; m.yUnit = "bytes";
  const d = code(dir);
  const bif = series("in-flight", "bytes in flight", "dots"), rwnd = series("rwnd", "receive window (advertised by receiver)", "step");
  const zw = series("zero-window", "zero window", "marks");
  for (let i = 0; i < s.count; i++) {
    const t = s.tNs[i]!, f = s.frame[i]!;
    if (s.dirB[i] === d) { if (s.bytesInFlight[i]! > 0) push(bif, t, s.bytesInFlight[i]!, f); continue; }
    push(rwnd, t, s.window[i]!, f);
    if ((s.aflags[i]! & A_ZERO_WINDOW) !== 0) push(zw, t, 0, f);
  }
  m.series.push(rwnd, bif, zw);
}

/** The window each side advertises over time (tcp.window_size, scaled; the raw value times the
 *  scale factor once window scaling is known): the receiver's first, then the sender's. */
function windowSeries(s: StreamSeries, dir: StreamDir, m: GraphModel): void {
  m.yLabel = "advertised window"; m.yUnit = "bytes";
  const d = code(dir);
  const rcv = series("rwnd", `window advertised by ${m.to} (receiver)`, "step");
  const snd = series("swnd", `window advertised by ${m.from} (sender)`, "step");
  const zw = series("zero-window", "zero window", "marks");
  const factor = [0, 0];
  for (let i = 0; i < s.count; i++) {
    const t = s.tNs[i]!, f = s.frame[i]!, b = s.dirB[i]!;
    push(b === d ? snd : rcv, t, s.window[i]!, f);
    if (b !== d && (s.aflags[i]! & A_ZERO_WINDOW) !== 0) push(zw, t, 0, f);
    if (s.scaleFactor[i] !== 0) factor[b] = s.scaleFactor[i]!;
  }
  const say = (who: string, x: number): string => x > 0 ? `${who} window scale factor ${x}` : x === -1 ? `${who} window scale unknown` : `${who} window not scaled`;
  m.notes.push(say(m.to, factor[1 - d]!), say(m.from, factor[d]!));
  m.series.push(rcv, snd, zw);
}

/** yMin/yMax over every point (bars: both ends); 0 … 1 for an empty graph. */
function yRange(m: GraphModel): void {
  let lo = Infinity, hi = -Infinity;
  for (const x of m.series) {
    for (const v of x.y) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (x.y2 !== undefined) for (const v of x.y2) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  if (lo === Infinity) { lo = 0; hi = 1; }
  if (m.type !== "tseq" && m.type !== "stevens" && lo > 0) lo = 0;
  m.yMin = lo; m.yMax = hi;
}
