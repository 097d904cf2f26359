/** Graph models (src/analysis/graph) against tshark 4.0.17's own per-frame fields, read from the
 *  corpus references (shared/captures/…/*.tshark.tsv): tcp.seq, tcp.len, tcp.ack,
 *  tcp.window_size, tcp.options.sack_le/re, tcp.analysis.ack_rtt, bytes_in_flight, the
 *  retransmission and out-of-order flags, TSval/TSecr. Not our own output pasted back. And the
 *  per-column aggregation keeps each column's minimum and maximum. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  aggregateGraph, aggregateSeries, collectStreamSeries, columnOf, graphModel, type GraphModel, type GraphSeries, type StreamSeries,
} from "../../src/analysis/index.js";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { sharedDir } from "../support/paths.js";

/** One reference row: field name → text. */
type Row = Record<string, string>;

function refRows(file: string): Row[] {
  const lines = readFileSync(`${file}.tshark.tsv`, "latin1").split("\n").filter((l) => l !== "");
  const head = lines[0]!.split("\t");
  return lines.slice(1).map((l) => { const c = l.split("\t"); const r: Row = {}; head.forEach((h, i) => { r[h] = c[i] ?? ""; }); return r; });
}

/** "1.234567000" seconds → integer ns, by digits (never float seconds). */
function ns(text: string): number {
  const neg = text.startsWith("-"), t = neg ? text.slice(1) : text;
  const [s, f = ""] = t.split(".");
  const v = Number(s) * 1e9 + Number((f + "000000000").slice(0, 9));
  return neg ? -v : v;
}

async function seriesOf(file: string, stream: number): Promise<StreamSeries> {
  return (await collectStreamSeries(readCapture(openCaptureFile(file)).records(), stream)).series;
}

function points(s: GraphSeries | undefined): Array<[number, number, number, number | undefined]> {
  if (s === undefined) return [];
  return s.t.map((t, i) => [s.frame[i]!, t, s.y[i]!, s.y2?.[i]]);
}
const byId = (m: GraphModel, id: string): GraphSeries | undefined => m.series.find((s) => s.id === id);

const HTTP206 = () => join(sharedDir(), "captures", "public", "zeek", "http__206_example_a.pcap");
const SSH_DUPS = () => join(sharedDir(), "captures", "public", "zeek", "tcp__ssh-dups.pcap");

suite("tseq of http__206_example_a stream 1, server → client (retransmissions, out-of-order, SACK)", async () => {
  const file = HTTP206();
  const rows = refRows(file).filter((r) => r["tcp.stream"] === "1");
  const series = await seriesOf(file, 1);
  // Endpoint a sent the stream's first segment: the client. Direction b is the server's data.
  const server = (r: Row) => r["tcp.srcport"] === "80";
  const m = graphModel(series, "tseq", "b");
  test("a and b are the first segment's source and destination", () => {
    assert.equal(series.a, `${rows[0]!["ip.src"]}:${rows[0]!["tcp.srcport"]}`);
    assert.equal(series.b, `${rows[0]!["ip.dst"]}:${rows[0]!["tcp.dstport"]}`);
    assert.equal(series.count, rows.length);
  });
  test("every server data segment is a bar tcp.seq … tcp.seq + tcp.len in its class", () => {
    const want = { data: [] as unknown[], retransmission: [] as unknown[], "out-of-order": [] as unknown[] };
    for (const r of rows) {
      if (!server(r) || r["tcp.len"] === "0") continue;
      const cls = r["tcp.analysis.retransmission"] === "1" ? "retransmission" : r["tcp.analysis.out_of_order"] === "1" ? "out-of-order" : "data";
      want[cls].push([Number(r["frame.number"]), ns(r["tcp.time_relative"]!), Number(r["tcp.seq"]), Number(r["tcp.seq"]) + Number(r["tcp.len"])]);
    }
    assert.ok(want.retransmission.length > 5 && want["out-of-order"].length > 0, "the capture has both kinds");
    for (const id of ["data", "retransmission", "out-of-order"] as const) assert.deepEqual(points(byId(m, id)), want[id], id);
  });
  test("the ACK line and the window edge are the client's tcp.ack and tcp.ack + tcp.window_size", () => {
    const acks = rows.filter((r) => !server(r) && r["tcp.ack"] !== "" && (Number(r["tcp.flags"]) & 0x10) !== 0);
    assert.deepEqual(points(byId(m, "ack")), acks.map((r) => [Number(r["frame.number"]), ns(r["tcp.time_relative"]!), Number(r["tcp.ack"]), undefined]));
    assert.deepEqual(points(byId(m, "window-edge")), acks.map((r) => [Number(r["frame.number"]), ns(r["tcp.time_relative"]!),
      Number(r["tcp.ack"]) + Number(r["tcp.window_size"]), undefined]));
  });
  test("SACK blocks are the client's tcp.options.sack_le … sack_re", () => {
    const want: unknown[] = [];
    for (const r of rows) {
      if (server(r) || r["tcp.options.sack_le"] === "") continue;
      const le = r["tcp.options.sack_le"]!.split(","), re = r["tcp.options.sack_re"]!.split(",");
      le.forEach((l, k) => want.push([Number(r["frame.number"]), ns(r["tcp.time_relative"]!), Number(l), Number(re[k])]));
    }
    assert.ok(want.length > 10);
    assert.deepEqual(points(byId(m, "sack")), want);
  });
  test("SYN and FIN marks at the server's SYN-ACK and FIN", () => {
    const syn = rows.filter((r) => server(r) && (Number(r["tcp.flags"]) & 0x02) !== 0).map((r) => Number(r["frame.number"]));
    const fin = rows.filter((r) => server(r) && (Number(r["tcp.flags"]) & 0x01) !== 0).map((r) => Number(r["frame.number"]));
    assert.deepEqual(byId(m, "syn")?.frame, syn);
    assert.deepEqual(byId(m, "fin")?.frame, fin);
  });
  test("x spans the stream, y covers every bar and edge", () => {
    assert.equal(m.t0, 0);
    assert.equal(m.t1, Math.max(...rows.map((r) => ns(r["tcp.time_relative"]!))));
    const tops = rows.filter((r) => !server(r) && r["tcp.ack"] !== "").map((r) => Number(r["tcp.ack"]) + Number(r["tcp.window_size"]));
    assert.equal(m.yMax, Math.max(...tops, ...rows.filter(server).map((r) => Number(r["tcp.seq"]) + Number(r["tcp.len"]))));
  });
  test("Stevens: one dot per server data segment at tcp.seq", () => {
    const st = graphModel(series, "stevens", "b");
    const dots = st.series.flatMap((s) => s.frame.map((f, i) => [f, s.y[i]!])).sort((x, y) => x[0]! - y[0]!);
    const want = rows.filter((r) => server(r) && r["tcp.len"] !== "0").map((r) => [Number(r["frame.number"]), Number(r["tcp.seq"])]);
    assert.deepEqual(dots, want);
  });
  test("RTT: tcp.analysis.ack_rtt of the client's ACKs", () => {
    const rtt = graphModel(series, "rtt", "b");
    const want = rows.filter((r) => !server(r) && r["tcp.analysis.ack_rtt"] !== "")
      .map((r) => [Number(r["frame.number"]), ns(r["tcp.time_relative"]!), ns(r["tcp.analysis.ack_rtt"]!), undefined]);
    assert.ok(want.length > 100);
    assert.deepEqual(points(byId(rtt, "ack-rtt")), want);
    assert.equal(rtt.yUnit, "ns");
  });
  test("in flight: tcp.analysis.bytes_in_flight of the server's data, the client's tcp.window_size as receive window", () => {
    const inf = graphModel(series, "inflight", "b");
    assert.deepEqual(points(byId(inf, "in-flight")), rows.filter((r) => server(r) && r["tcp.analysis.bytes_in_flight"] !== "")
      .map((r) => [Number(r["frame.number"]), ns(r["tcp.time_relative"]!), Number(r["tcp.analysis.bytes_in_flight"]), undefined]));
    assert.deepEqual(points(byId(inf, "rwnd")), rows.filter((r) => !server(r))
      .map((r) => [Number(r["frame.number"]), ns(r["tcp.time_relative"]!), Number(r["tcp.window_size"]), undefined]));
  });
  test("window: both sides' tcp.window_size; the scale factors named", () => {
    const w = graphModel(series, "window", "b");
    assert.deepEqual(byId(w, "rwnd")?.y, rows.filter((r) => !server(r)).map((r) => Number(r["tcp.window_size"])));
    assert.deepEqual(byId(w, "swnd")?.y, rows.filter(server).map((r) => Number(r["tcp.window_size"])));
    const f = rows.filter((r) => !server(r) && r["tcp.window_size_scalefactor"] !== "").at(-1)!["tcp.window_size_scalefactor"];
    assert.ok(w.notes.some((n) => n.includes(`${series.a} window scale factor ${f}`)), w.notes.join("; "));
  });
});

suite("throughput and goodput", async () => {
  const file = HTTP206();
  const rows = refRows(file).filter((r) => r["tcp.stream"] === "1" && r["tcp.srcport"] === "80" && r["tcp.len"] !== "0");
  const series = await seriesOf(file, 1);
  const W = 500_000_000;
  const m = graphModel(series, "throughput", "b", { windowNs: W });
  test("throughput at each data segment: tcp.len summed over the last 500 ms × 8 / 0.5 s", () => {
    const want = rows.map((r) => {
      const t = ns(r["tcp.time_relative"]!);
      const bytes = rows.filter((q) => { const u = ns(q["tcp.time_relative"]!); return u > t - W && u <= t; }).reduce((a, q) => a + Number(q["tcp.len"]), 0);
      return Math.round(bytes * 16);
    });
    assert.deepEqual(byId(m, "throughput")?.y, want);
    assert.equal(m.windowNs, W);
  });
  test("goodput never counts a retransmitted byte: its total is the highest sequence end minus the first", () => {
    // With a window longer than the stream, the last goodput point is all new bytes at once.
    const whole = graphModel(series, "throughput", "b", { windowNs: 100e9 });
    const g = byId(whole, "goodput")!.y.at(-1)!, tp = byId(whole, "throughput")!.y.at(-1)!;
    const first = Math.min(...rows.map((r) => Number(r["tcp.seq"]))), last = Math.max(...rows.map((r) => Number(r["tcp.seq"]) + Number(r["tcp.len"])));
    const all = rows.reduce((a, r) => a + Number(r["tcp.len"]), 0);
    assert.equal(g, Math.round(((last - first) * 8 * 1e9) / 100e9));
    assert.equal(tp, Math.round((all * 8 * 1e9) / 100e9));
    assert.ok(g < tp, "retransmissions make throughput exceed goodput");
  });
});

suite("TSecr RTT on tcp__ssh-dups (timestamps on every segment)", async () => {
  const file = SSH_DUPS();
  const rows = refRows(file).filter((r) => r["tcp.stream"] === "0");
  const series = await seriesOf(file, 0);
  const m = graphModel(series, "rtt", "a");
  const ts = byId(m, "ts-rtt")!;
  test("each sample: a b segment whose tcp.options.timestamp.tsecr is a TSval a sent first that much earlier", () => {
    assert.ok(ts.t.length > 20, `${ts.t.length} samples`);
    const aSrc = rows[0]!["tcp.srcport"];
    const byFrame = new Map(rows.map((r) => [Number(r["frame.number"]), r]));
    ts.frame.forEach((f, i) => {
      const r = byFrame.get(f)!;
      assert.notEqual(r["tcp.srcport"], aSrc, `frame ${f} answers a`);
      const echoed = r["tcp.options.timestamp.tsecr"];
      const sent = rows.find((q) => q["tcp.srcport"] === aSrc && q["tcp.options.timestamp.tsval"] === echoed)!;
      assert.ok(sent !== undefined, `frame ${f}: TSecr ${echoed} was sent by a`);
      assert.equal(ts.y[i], ns(r["tcp.time_relative"]!) - ns(sent["tcp.time_relative"]!), `frame ${f}`);
    });
  });
  test("each TSval gives at most one sample", () => {
    const echoed = ts.frame.map((f) => rows.find((r) => Number(r["frame.number"]) === f)!["tcp.options.timestamp.tsecr"]);
    assert.equal(new Set(echoed).size, echoed.length);
  });
});

suite("aggregation per pixel column", () => {
  // A deterministic zig-zag of 100 000 points over 1 s: far more points than columns.
  const n = 100_000, t: number[] = [], y: number[] = [], y2: number[] = [], frame: number[] = [];
  let v = 7;
  for (let i = 0; i < n; i++) { v = (v * 1103515245 + 12345) % 2147483648; t.push(Math.floor((i * 1e9) / n)); y.push(v % 5000); y2.push(v % 5000 + (v % 97)); frame.push(i + 1); }
  const s: GraphSeries = { id: "data", label: "data", kind: "bars", t, y, y2, frame };
  const cols = 800;
  const a = aggregateSeries(s, 0, 1e9, cols);
  test("each column keeps its minimum, maximum and count; no point lost", () => {
    const lo = new Map<number, number>(), hi = new Map<number, number>(), cnt = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const c = columnOf(t[i]!, 0, 1e9, cols);
      lo.set(c, Math.min(lo.get(c) ?? Infinity, y[i]!)); hi.set(c, Math.max(hi.get(c) ?? -Infinity, y2[i]!)); cnt.set(c, (cnt.get(c) ?? 0) + 1);
    }
    assert.equal(a.t.length, lo.size);
    a.t.forEach((tc, k) => {
      const c = a.agg!.col[k]!;
      assert.ok(tc === Math.floor((1e9 * c) / cols), "t is the column's start");
      assert.equal(a.y[k], lo.get(c)); assert.equal(a.y2![k], hi.get(c)); assert.equal(a.agg!.n[k], cnt.get(c));
    });
    assert.equal(a.agg!.n.reduce((x, z) => x + z, 0), n);
  });
  test("first and last of each column are the points where the curve enters and leaves it", () => {
    const k = 10, c = a.agg!.col[k]!;
    const inCol = [...Array(n).keys()].filter((i) => columnOf(t[i]!, 0, 1e9, cols) === c);
    assert.equal(a.agg!.first[k], y[inCol[0]!]); assert.equal(a.agg!.last[k], y[inCol.at(-1)!]); assert.equal(a.frame[k], frame[inCol[0]!]);
  });
  test("aggregateGraph leaves small series alone and says what it merged", async () => {
    const series = await seriesOf(HTTP206(), 1);
    const m = graphModel(series, "tseq", "b");
    const g = aggregateGraph(m, 100);
    const data = byId(g, "data")!, fin = byId(g, "fin")!;
    assert.ok(data.agg !== undefined && data.t.length <= 100);
    assert.equal(fin.agg, undefined);
    assert.equal(data.agg.n.reduce((x, z) => x + z, 0), byId(m, "data")!.t.length);
    assert.match(g.notes.at(-1)!, /points drawn as \d+ columns/);
  });
});
