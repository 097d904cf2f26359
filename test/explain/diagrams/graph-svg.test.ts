/** The stream-graph SVG (src/explain/diagrams/graph-svg.ts): well-formed for every graph type;
 *  each series drawn with one element per model point at the place the axes give it; ticks
 *  placed and labelled from the axis range; large series aggregated per column (count kept);
 *  looks that differ by shape or dash, not by colour alone. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { collectStreamSeries, GRAPH_TYPES, graphModel, type GraphModel, type StreamSeries } from "../../../src/analysis/index.js";
import { axisTicks, niceStep, renderGraphSvg, scaledText, type GraphLayout } from "../../../src/explain/index.js";
import { readCapture } from "../../../src/capture/index.js";
import { openCaptureFile } from "../../../src/capture/node.js";
import { sharedDir } from "../../support/paths.js";
import { xmlProblem } from "./xml.js";

const FILE = () => join(sharedDir(), "captures", "public", "zeek", "http__206_example_a.pcap");

/** Elements `<tag class="cls" …>` with their attributes. */
function elements(svg: string, cls: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of svg.matchAll(new RegExp(`<[a-z]+ class="${cls}"([^>]*)>`, "g"))) {
    const a: Record<string, string> = {};
    for (const kv of m[1]!.matchAll(/([a-z-]+)="([^"]*)"/g)) a[kv[1]!] = kv[2]!;
    out.push(a);
  }
  return out;
}

/** The markup of series `id`'s group. */
function group(svg: string, id: string): string {
  const at = svg.indexOf(`data-series="${id}" data-points`);
  assert.ok(at >= 0, `series ${id} drawn`);
  return svg.slice(at, svg.indexOf("</g>", at));
}

suite("graph svg on http__206_example_a stream 1 (server → client)", async () => {
  const { series } = await collectStreamSeries(readCapture(openCaptureFile(FILE())).records(), 1);
  const s: StreamSeries = series;
  for (const type of GRAPH_TYPES) {
    test(`${type}: well-formed, 800 × 500, a titled legend entry and a group per series`, () => {
      const m = graphModel(s, type, "b");
      const svg = renderGraphSvg(m);
      assert.equal(xmlProblem(svg), undefined);
      assert.match(svg, /<svg [^>]*width="800" height="500"/);
      for (const x of m.series) {
        assert.ok(svg.includes(`<g class="legend-item" data-series="${x.id}">`), x.id);
        assert.match(group(svg, x.id), new RegExp(`data-points="${x.t.length}"`));
      }
    });
  }

  test("tseq: one bar per data segment, at X(t), from Y(seq) to Y(seq + len)", () => {
    const m = graphModel(s, "tseq", "b");
    let L: GraphLayout | undefined;
    const svg = renderGraphSvg(m, {}, (l) => { L = l; });
    const X = (t: number) => L!.left + ((t - L!.t0) / (L!.t1 - L!.t0)) * (L!.right - L!.left);
    const Y = (v: number) => L!.bottom - ((v - L!.yMin) / (L!.yMax - L!.yMin)) * (L!.bottom - L!.top);
    for (const id of ["data", "retransmission", "out-of-order", "sack"]) {
      const x = m.series.find((q) => q.id === id)!;
      const drawn = elements(group(svg, id), "pt");
      assert.equal(drawn.length, x.t.length, id);
      drawn.forEach((e, i) => {
        assert.equal(Number(e["data-frame"]), x.frame[i]);
        const d = /^M([\d.]+),([\d.]+)V([\d.]+)/.exec(e.d!)!;
        const dx = id === "sack" ? 2 : 0;
        assert.ok(Math.abs(Number(d[1]) - X(x.t[i]!) - dx) <= 0.06, `${id} #${x.frame[i]} x`);
        assert.ok(Math.abs(Number(d[2]) - (Y(x.y[i]!) + 0.5)) <= 0.06, `${id} #${x.frame[i]} lower end`);
        assert.ok(Math.abs(Number(d[3]) - (Y(x.y2![i]!) - 0.5)) <= 0.06, `${id} #${x.frame[i]} upper end`);
      });
    }
    // Each bar names its segment on hover.
    assert.match(svg, /<title>retransmission, frame \d+ at [\d.]+ s: seq \d+–\d+ \(\d+ B\)<\/title>/);
  });

  test("ticks: nice steps inside the range, placed on the axis, labelled in the axis unit", () => {
    const m = graphModel(s, "rtt", "b");
    let L: GraphLayout | undefined;
    const svg = renderGraphSvg(m, {}, (l) => { L = l; });
    const xs = svg.slice(svg.indexOf('<g class="axis x"'), svg.indexOf('<g class="axis y"'));
    const ys = svg.slice(svg.indexOf('<g class="axis y"'));
    const xv = [...xs.matchAll(/class="tick" data-value="(-?\d+)"><line x1="([\d.]+)"/g)].map((q) => [Number(q[1]), Number(q[2])]);
    assert.ok(xv.length >= 3);
    const step = xv[1]![0]! - xv[0]![0]!;
    assert.equal(step, niceStep(step));
    for (const [v, px] of xv) {
      assert.ok(v! >= L!.t0 && v! <= L!.t1 && v! % step === 0);
      assert.ok(Math.abs(px! - (L!.left + ((v! - L!.t0) / (L!.t1 - L!.t0)) * (L!.right - L!.left))) <= 0.06);
    }
    assert.match(xs, /data-unit="s"/);
    assert.match(xs, /time since the stream's first packet \(s\)/);
    // RTT in ms: the largest ack_rtt is about 1.25 s, below the 10 s where the axis turns to s.
    assert.match(ys, /data-unit="ms"/);
    const yv = [...ys.matchAll(/class="tick" data-value="(-?\d+)">.*?>([\d.]+)<\/text>/g)];
    for (const q of yv) assert.equal(q[2], scaledText(Number(q[1]), 1e6, 0));
  });

  test("zoom: a time window keeps only its points, ticks follow", () => {
    const m = graphModel(s, "stevens", "b");
    const t0 = 5_000_000_000, t1 = 6_000_000_000;
    const svg = renderGraphSvg(m, { t0, t1 });
    const inWindow = m.series.reduce((a, x) => a + x.t.filter((t) => t >= t0 && t <= t1).length, 0);
    assert.equal(elements(svg, "pt").length, inWindow);
    assert.match(svg, /data-t0="5000000000" data-t1="6000000000"/);
    assert.match(svg.slice(svg.indexOf('<g class="axis x"')), /data-unit="s".*?>5\.0<\/text>/s);
  });
});

suite("graph svg: aggregation and print", () => {
  // A synthetic model: 200 000 bars over 2 s, far more than the plot's columns.
  const n = 200_000;
  const t: number[] = [], y: number[] = [], y2: number[] = [], frame: number[] = [];
  for (let i = 0; i < n; i++) { t.push(i * 10_000); y.push(i * 1000); y2.push(i * 1000 + 1000); frame.push(i + 1); }
  const m: GraphModel = { type: "tseq", stream: 0, dir: "a", from: "a:1", to: "b:2", title: "big", t0: 0, t1: (n - 1) * 10_000,
    yMin: 0, yMax: n * 1000, yUnit: "bytes", yLabel: "relative sequence number", notes: [],
    series: [{ id: "data", label: "data segment", kind: "bars", t, y, y2, frame }] };
  test("one element per pixel column, the count kept, a note says so", () => {
    const svg = renderGraphSvg(m);
    const g = group(svg, "data");
    const cols = Number(/data-columns="(\d+)"/.exec(g)![1]);
    assert.ok(cols > 600 && cols <= 800, `${cols} columns`);
    assert.match(g, new RegExp(`data-points="${n}"`));
    const ns = elements(g, "pt").map((e) => Number(e["data-n"]));
    assert.equal(ns.length, cols);
    assert.equal(ns.reduce((a, b) => a + b, 0), n);
    assert.match(svg, new RegExp(`${n} points drawn as ${cols} columns \\(minimum and maximum of each\\)`));
    assert.equal(xmlProblem(svg), undefined);
  });
  test("renders 1 M points in well under a second", () => {
    const N = 1_000_000, big = { ...m, t1: N * 2000, series: [{ ...m.series[0]!, t: [] as number[], y: [] as number[], y2: [] as number[], frame: [] as number[] }] };
    const sr = big.series[0]!;
    for (let i = 0; i < N; i++) { sr.t.push(i * 2000); sr.y.push(i * 1448); sr.y2.push(i * 1448 + 1448); sr.frame.push(i + 1); }
    const t0 = performance.now();
    renderGraphSvg(big);
    assert.ok(performance.now() - t0 < 2000);
  });
  test("every series of every type looks different without its colour", async () => {
    const { series } = await collectStreamSeries(readCapture(openCaptureFile(FILE())).records(), 1);
    for (const type of GRAPH_TYPES) {
      const svg = renderGraphSvg(graphModel(series, type, "b"));
      // A sample's look without colour: line orientation, width, dash, marker shape (path commands).
      const samples = [...svg.matchAll(/<g class="legend-item" data-series="([^"]+)">(.*?)<text/g)].map((q) => {
        const m = q[2]!, line = /<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/.exec(m);
        const orient = line === null ? "none" : line[1] === line[3] ? "vertical" : "horizontal";
        const widths = [...m.matchAll(/stroke-width="([\d.]+)"/g)].map((w) => w[1]).join(",");
        const dash = /stroke-dasharray="([^"]+)"/.exec(m)?.[1] ?? "solid";
        const shape = (/<path d="([^"]+)"/.exec(m)?.[1] ?? "").replace(/[-\d.,]+/g, "");
        const fill = /<path[^>]*fill="none"/.test(m) ? "open" : "filled";
        return [q[1]!, `${orient} ${widths} ${dash} ${shape} ${fill}`];
      });
      const seen = new Map<string, string>();
      for (const [id, look] of samples) {
        const other = seen.get(look!);
        // SYN and FIN share a circle; their marks carry the words SYN and FIN.
        if (other !== undefined) assert.deepEqual([other, id].sort(), ["fin", "syn"], `${type}: ${other} and ${id} differ only by colour`);
        seen.set(look!, id!);
      }
      if (type === "tseq") assert.match(svg, /mark-text[^>]*>SYN</);
    }
  });
  test("axis helpers: 1-2-5 steps, integer labels", () => {
    assert.deepEqual([niceStep(0.3), niceStep(3), niceStep(7), niceStep(13), niceStep(4_000_000)], [1, 5, 10, 20, 5_000_000]);
    const x = axisTicks(0, 2_500_000_000, "ns", 5);
    assert.equal(x.unit, "s"); assert.deepEqual(x.labels, ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]);
    const b = axisTicks(0, 3_000_000, "bit/s", 3);
    assert.equal(b.unit, "Mbit/s"); assert.deepEqual(b.labels, ["0", "1", "2", "3"]);
  });
});
