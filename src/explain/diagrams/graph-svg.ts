/** A stream graph (src/analysis/graph's `GraphModel`) drawn as standalone SVG by hand: axes with
 *  units and ticks, grid, a legend, and each series in a look of its own that does not rest on
 *  colour alone (shape and dash differ too, so a grey print still tells them apart). Series of
 *  more points than the plot has pixel columns are aggregated per column (min … max, never
 *  dropped; a note under the plot says so). Every drawn point or column is one element with
 *  `data-frame` and a `<title>` naming the segment, so any SVG viewer shows it on hover and the
 *  web tab selects the frame on click. All text is XML-escaped. */
import { aggregateGraph, type GraphModel, type GraphSeries, type YUnit } from "../../analysis/index.js";
import { axisTicks, valueText, type AxisUnit } from "./graph-axes.js";
import { xmlEscape } from "./ladder-svg.js";

/** Rendering options: size and the visible window (default: the whole model). */
export interface GraphSvgOptions {
  /** Width and height in px (default 800 × 500). */
  width?: number;
  height?: number;
  /** Visible time window in ns and y range (zoom); defaults from the model. */
  t0?: number;
  t1?: number;
  yMin?: number;
  yMax?: number;
}

/** Where the plot area is, for a page that maps the pointer back to time and value. */
export interface GraphLayout { left: number; top: number; right: number; bottom: number; t0: number; t1: number; yMin: number; yMax: number }

/** The look of each series id: stroke colour, dash pattern, marker shape. */
interface Look { color: string; dash?: string; width: number; size?: number; shape: "none" | "dot" | "cross" | "diamond" | "square" | "triangle" | "circle"; text?: string }
const LOOKS: Record<string, Look> = {
  data: { color: "#1f3f8f", width: 1.4, shape: "none" },
  retransmission: { color: "#c62828", width: 2, shape: "cross" },
  "out-of-order": { color: "#00838f", width: 1.6, dash: "2 1", shape: "diamond" },
  ack: { color: "#2e7d32", width: 1.4, shape: "none" },
  "window-edge": { color: "#b26a00", width: 1.3, dash: "6 3", shape: "none" },
  sack: { color: "#6a1b9a", width: 3, shape: "square", size: 1.8 },
  "zero-window": { color: "#c62828", width: 1.4, shape: "triangle", text: "0 win" },
  syn: { color: "#333", width: 1.2, shape: "circle", text: "SYN" },
  fin: { color: "#333", width: 1.2, shape: "circle", text: "FIN" },
  rst: { color: "#c62828", width: 1.4, shape: "square", text: "RST" },
  throughput: { color: "#1f3f8f", width: 1.4, shape: "none" },
  goodput: { color: "#2e7d32", width: 1.4, dash: "6 3", shape: "none" },
  "ack-rtt": { color: "#1f3f8f", width: 1.2, shape: "dot" },
  "ts-rtt": { color: "#b26a00", width: 1.2, shape: "cross" },
  "in-flight": { color: "#1f3f8f", width: 1.2, shape: "dot" },
  rwnd: { color: "#b26a00", width: 1.6, dash: "6 3", shape: "none" },
  swnd: { color: "#555", width: 1.2, dash: "1 2", shape: "none" },
};
const DEFAULT_LOOK: Look = { color: "#333", width: 1.2, shape: "dot" };
const look = (id: string): Look => LOOKS[id] ?? DEFAULT_LOOK;

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A marker of `shape` centred on (x, y): path data. */
function shapePath(shape: Look["shape"], x: number, y: number, r = 3): string {
  switch (shape) {
    case "cross": return `M${f(x - r)},${f(y - r)}L${f(x + r)},${f(y + r)}M${f(x - r)},${f(y + r)}L${f(x + r)},${f(y - r)}`;
    case "diamond": return `M${f(x)},${f(y - r - 1)}L${f(x + r + 1)},${f(y)}L${f(x)},${f(y + r + 1)}L${f(x - r - 1)},${f(y)}Z`;
    case "square": return `M${f(x - r)},${f(y - r)}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case "triangle": return `M${f(x - r - 1)},${f(y - r - 1)}h${2 * r + 2}L${f(x)},${f(y + r)}Z`;
    case "circle": return `M${f(x - r)},${f(y)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
    case "dot": return `M${f(x - 1.6)},${f(y)}a1.6,1.6 0 1,0 3.2,0a1.6,1.6 0 1,0 -3.2,0`;
    case "none": return "";
  }
}

const axisUnit = (u: YUnit): AxisUnit => u;

/** The tooltip of point `i` of `s` (a series of `m`, or of its aggregation): what the point is,
 *  its frame, time and value. */
export function graphPointTitle(m: GraphModel, s: GraphSeries, i: number): string {
  const t = valueText(s.t[i]!, "ns", 6);
  if (s.agg !== undefined) {
    const lo = s.y[i]!, hi = s.y2![i]!;
    const range = m.yUnit === "bytes" && m.type !== "inflight" && m.type !== "window" ? `${lo}–${hi}` : `${valueText(lo, m.yUnit)} – ${valueText(hi, m.yUnit)}`;
    return `${s.label}: ${s.agg.n[i]} points from frame ${s.frame[i]} at ${t}; ${range}`;
  }
  if (s.kind === "bars") return `${s.label}, frame ${s.frame[i]} at ${t}: seq ${s.y[i]}–${s.y2![i]} (${s.y2![i]! - s.y[i]!} B)`;
  const v = m.type === "tseq" || m.type === "stevens" ? `seq ${s.y[i]}` : valueText(s.y[i]!, axisUnit(m.yUnit));
  return `${s.label}, frame ${s.frame[i]} at ${t}: ${v}`;
}

const STYLE = `
text{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:12px;fill:#222}
.title{font-size:14px;font-weight:bold}
.axis line,.axis path{stroke:#222;stroke-width:1;fill:none}
.grid line{stroke:#ddd;stroke-width:1}
.note{font-size:10.5px;fill:#555}
.legend text{font-size:11.5px}
.mark-text{font-size:9.5px;font-weight:bold}
`;

/** Draws the graph; valid standalone SVG 1.1. `layout` (if given) receives the plot geometry and
 *  the series as drawn (clipped to the window, aggregated per column). */
export function renderGraphSvg(model: GraphModel, opts: GraphSvgOptions = {}, layout?: (l: GraphLayout, drawn: GraphModel) => void): string {
  const W = opts.width ?? 800, H = opts.height ?? 500;
  const legendItems = model.series;
  // Legend: items flow left to right (about 6.5 px a character at 11.5 px), wrapping at the edge.
  const legendAt: Array<[number, number]> = [];
  let lx = 78, legendRows = 1;
  for (const s of legendItems) {
    const w = 40 + Math.ceil(6.5 * s.label.length);
    if (lx > 78 && lx + w > W - 10) { lx = 78; legendRows++; }
    legendAt.push([lx, 36 + (legendRows - 1) * 17]);
    lx += w;
  }
  const left = 78, right = W - 18, top = 34 + legendRows * 17 + 8, bottom = H - 58;
  const pw = right - left, ph = bottom - top;
  const t0 = opts.t0 ?? model.t0, t1Raw = opts.t1 ?? model.t1, t1 = t1Raw > t0 ? t1Raw : t0 + 1;
  // The visible points only, then one column per pixel when a series has more.
  const visible: GraphModel = { ...model, t0, t1, series: model.series.map((s) => clipSeries(s, t0, t1)) };
  let yMin = opts.yMin, yMax = opts.yMax;
  if (yMin === undefined || yMax === undefined) {
    const r = yRangeOf(visible, opts.t0 === undefined && opts.t1 === undefined ? model : undefined);
    const pad = (r.hi - r.lo) * 0.04 || 1;
    yMin ??= r.lo > 0 && model.yMin >= 0 && r.lo - pad < 0 ? 0 : r.lo - (r.lo === 0 ? 0 : pad);
    yMax ??= r.hi + pad;
  }
  if (!(yMax > yMin)) yMax = yMin + 1;
  const drawn = aggregateGraph(visible, Math.max(1, Math.floor(pw)));
  layout?.({ left, top, right, bottom, t0, t1, yMin, yMax }, drawn);
  const X = (t: number): number => left + ((t - t0) / (t1 - t0)) * pw;
  const Y = (v: number): number => bottom - ((v - yMin!) / (yMax! - yMin!)) * ph;

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="graph" data-type="${model.type}" data-stream="${model.stream}" data-dir="${model.dir}" ` +
    `width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" data-plot="${left} ${f(top)} ${right} ${bottom}" data-t0="${t0}" data-t1="${t1}" data-ymin="${yMin}" data-ymax="${yMax}">`);
  out.push(`  <title>${xmlEscape(model.title)}</title>`);
  out.push(`  <desc>${xmlEscape(drawn.notes.join("; "))}</desc>`);
  out.push(`  <style>${STYLE}</style>`);
  out.push(`  <rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`  <defs><clipPath id="plot-${model.type}"><rect x="${left}" y="${f(top)}" width="${pw}" height="${f(ph)}"/></clipPath></defs>`);
  // The title shrinks to fit a narrow drawing (about 0.6 em a character, bold).
  const titleSize = Math.max(9, Math.min(14, Math.floor(((W - 20) / (0.6 * model.title.length)) * 10) / 10));
  out.push(`  <text class="title" x="10" y="20" style="font-size:${titleSize}px">${xmlEscape(model.title)}</text>`);

  // Legend: a sample of each series' line and marker, and its label.
  out.push(`  <g class="legend">`);
  legendItems.forEach((s, k) => {
    const [lx, ly] = legendAt[k]!;
    const L = look(s.id);
    out.push(`    <g class="legend-item" data-series="${s.id}">${sampleOf(s, L, lx, ly)}<text x="${lx + 30}" y="${ly + 4}">${xmlEscape(s.label)}</text></g>`);
  });
  out.push(`  </g>`);

  // Axes, ticks and grid.
  const xt = axisTicks(t0, t1, "ns", Math.max(2, Math.floor(pw / 90)));
  const yt = axisTicks(yMin, yMax, axisUnit(model.yUnit), Math.max(2, Math.floor(ph / 55)), 1e10);
  const yTickLabels = model.type === "tseq" || model.type === "stevens" ? yt.values.map((v, i) => yt.unit === "B" ? String(v) : yt.labels[i]!) : yt.labels;
  out.push(`  <g class="grid">`);
  for (const v of xt.values) out.push(`    <line x1="${f(X(v))}" y1="${f(top)}" x2="${f(X(v))}" y2="${bottom}"/>`);
  for (const v of yt.values) out.push(`    <line x1="${left}" y1="${f(Y(v))}" x2="${right}" y2="${f(Y(v))}"/>`);
  out.push(`  </g>`);
  out.push(`  <g class="axis x" data-unit="${xt.unit}">`);
  out.push(`    <line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`);
  xt.values.forEach((v, i) => out.push(`    <g class="tick" data-value="${v}"><line x1="${f(X(v))}" y1="${bottom}" x2="${f(X(v))}" y2="${bottom + 5}"/>` +
    `<text x="${f(X(v))}" y="${bottom + 18}" text-anchor="middle">${xt.labels[i]}</text></g>`));
  out.push(`    <text class="axis-label" x="${f(left + pw / 2)}" y="${bottom + 36}" text-anchor="middle">time since the stream's first packet (${xt.unit})</text>`);
  out.push(`  </g>`);
  const yName = model.type === "tseq" || model.type === "stevens" ? `${model.yLabel} (${yt.unit === "B" ? "bytes" : yt.unit})` : `${model.yLabel} (${yt.unit})`;
  out.push(`  <g class="axis y" data-unit="${yt.unit}">`);
  out.push(`    <line x1="${left}" y1="${f(top)}" x2="${left}" y2="${bottom}"/>`);
  yt.values.forEach((v, i) => out.push(`    <g class="tick" data-value="${v}"><line x1="${left - 5}" y1="${f(Y(v))}" x2="${left}" y2="${f(Y(v))}"/>` +
    `<text x="${left - 8}" y="${f(Y(v) + 4)}" text-anchor="end">${yTickLabels[i]}</text></g>`));
  out.push(`    <text class="axis-label" x="14" y="${f(top + ph / 2)}" text-anchor="middle" transform="rotate(-90 14 ${f(top + ph / 2)})">${xmlEscape(yName)}</text>`);
  out.push(`  </g>`);

  // The series, clipped to the plot.
  out.push(`  <g class="plot" clip-path="url(#plot-${model.type})">`);
  for (const s of drawn.series) out.push(seriesSvg(model, s, look(s.id), X, Y));
  out.push(`  </g>`);
  out.push(`  <rect x="${left}" y="${f(top)}" width="${pw}" height="${f(ph)}" fill="none" stroke="#222"/>`);
  if (drawn.notes.length > 0) out.push(`  <text class="note" x="${left}" y="${H - 6}">${xmlEscape(drawn.notes.join(" · "))}</text>`);
  out.push(`</svg>`, "");
  return out.join("\n");
}

/** The points of `s` with t in [t0, t1], plus the last one before (a step line enters the view
 *  at that value). */
function clipSeries(s: GraphSeries, t0: number, t1: number): GraphSeries {
  let inside = true;
  for (const t of s.t) if (t < t0 || t > t1) { inside = false; break; }
  if (inside) return s;
  const o: GraphSeries = { id: s.id, label: s.label, kind: s.kind, t: [], y: [], frame: [] };
  if (s.y2 !== undefined) o.y2 = [];
  let before = -1;
  for (let i = 0; i < s.t.length; i++) {
    const t = s.t[i]!;
    if (t < t0) { if (s.kind === "step" || s.kind === "line") before = i; continue; }
    if (t > t1) continue;
    if (before >= 0) { o.t.push(t0); o.y.push(s.y[before]!); o.frame.push(s.frame[before]!); before = -1; }
    o.t.push(t); o.y.push(s.y[i]!); o.frame.push(s.frame[i]!);
    if (o.y2 !== undefined) o.y2.push(s.y2![i]!);
  }
  return o;
}

/** y range of the visible points (or the model's own). */
function yRangeOf(v: GraphModel, whole?: GraphModel): { lo: number; hi: number } {
  if (whole !== undefined) return { lo: whole.yMin, hi: whole.yMax };
  let lo = Infinity, hi = -Infinity;
  for (const s of v.series) {
    for (const y of s.y) { if (y < lo) lo = y; if (y > hi) hi = y; }
    if (s.y2 !== undefined) for (const y of s.y2) { if (y < lo) lo = y; if (y > hi) hi = y; }
  }
  if (lo === Infinity) return { lo: v.yMin, hi: v.yMax };
  if (v.type !== "tseq" && v.type !== "stevens" && lo > 0) lo = 0;
  return { lo, hi };
}

function stroke(L: Look): string {
  return `stroke="${L.color}" stroke-width="${L.width}"${L.dash === undefined ? "" : ` stroke-dasharray="${L.dash}"`}`;
}

/** The legend sample of a series at (x, y). */
function sampleOf(s: GraphSeries, L: Look, x: number, y: number): string {
  const line = s.kind === "step" || s.kind === "line" ? `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" ${stroke(L)}/>`
    : s.kind === "bars" ? `<line x1="${x + 12}" y1="${y - 6}" x2="${x + 12}" y2="${y + 6}" ${stroke(L)}/>` : "";
  // Dots of a series without a marker of its own are drawn as dots: so is its sample.
  const M: Look = L.shape === "none" && (s.kind === "dots" || s.kind === "marks") ? { ...L, shape: "dot" } : L;
  const mark = M.shape === "none" ? "" : `<path d="${shapePath(M.shape, x + 12, s.kind === "bars" ? y - 6 : y)}" ${markPaint(M)}/>`;
  return line + mark;
}

function markPaint(L: Look): string {
  return L.shape === "dot" || L.shape === "diamond" || L.shape === "triangle" ? `fill="${L.color}" stroke="${L.color}" stroke-width="0.8"`
    : `fill="none" stroke="${L.color}" stroke-width="1.4"`;
}

/** One series as SVG: a `<g class="series" data-series=id data-points=N>` of one element per point
 *  (or per column), each with data-frame and a title; step and line series also get one path. */
function seriesSvg(m: GraphModel, s: GraphSeries, L: Look, X: (t: number) => number, Y: (v: number) => number): string {
  const n = s.t.length;
  const parts: string[] = [];
  const agg = s.agg;
  const total = agg === undefined ? n : agg.n.reduce((a, b) => a + b, 0);
  parts.push(`    <g class="series ${s.kind}" data-series="${s.id}" data-points="${total}"${agg === undefined ? "" : ` data-columns="${n}"`}>`);
  if (s.kind === "step" || s.kind === "line") {
    // The curve: through each column's first, min, max, last when aggregated.
    let d = "";
    for (let i = 0; i < n; i++) {
      const x = X(s.t[i]!);
      if (agg !== undefined) {
        const first = f(Y(agg.first[i]!));
        if (i === 0) d = `M${f(x)},${first}`;
        else d += s.kind === "step" ? `H${f(x)}V${first}` : `L${f(x)},${first}`;
        d += `V${f(Y(s.y[i]!))}V${f(Y(s.y2![i]!))}V${f(Y(agg.last[i]!))}`;
        continue;
      }
      const y = f(Y(s.y[i]!));
      if (i === 0) d = `M${f(x)},${y}`;
      else d += s.kind === "step" ? `H${f(x)}V${y}` : `L${f(x)},${y}`;
    }
    if (s.kind === "step" && n > 0) d += `H${f(X(m.t1))}`;
    parts.push(`      <path class="curve" d="${d}" fill="none" ${stroke(L)}/>`);
  }
  let lastMark = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = X(s.t[i]!), title = `<title>${xmlEscape(graphPointTitle(m, s, i))}</title>`;
    const attrs = `data-frame="${s.frame[i]}" data-t="${s.t[i]}"${agg === undefined ? "" : ` data-n="${agg.n[i]}"`}`;
    if (s.kind === "step" || s.kind === "line") {
      // An invisible hit target per point (a few px wide) for hover and click.
      const y = agg === undefined ? Y(s.y[i]!) : Y(s.y2![i]!), y2 = agg === undefined ? y : Y(s.y[i]!);
      parts.push(`      <line class="hit" ${attrs} x1="${f(x)}" y1="${f(y - 3)}" x2="${f(x)}" y2="${f(y2 + 3)}" stroke="transparent" stroke-width="5">${title}</line>`);
      continue;
    }
    const lo = Y(s.y[i]!), hi = Y(s.y2 === undefined ? s.y[i]! : s.y2[i]!);
    if (s.kind === "bars" || agg !== undefined) {
      const dx = s.id === "sack" ? 2 : 0;
      // tcptrace's bar: a vertical stroke with short caps at both ends.
      const cap = s.kind === "bars" && agg === undefined ? `M${f(x + dx - 2)},${f(lo)}h4M${f(x + dx - 2)},${f(hi)}h4` : "";
      // Aggregated columns: a marker at most every 8 px, or they merge into a band (the columns'
      // bars are all drawn: nothing is left out).
      const marked = L.shape !== "none" && L.shape !== "dot" && (agg === undefined || x - lastMark >= 8);
      if (marked) lastMark = x;
      const top = marked ? shapePath(L.shape, x + dx, hi - 4, L.size) : "";
      parts.push(`      <path class="pt" ${attrs} d="M${f(x + dx)},${f(lo + 0.5)}V${f(hi - 0.5)}${cap}" fill="none" ${stroke(L)}>${title}</path>` +
        (top === "" ? "" : `<path class="pt-mark" d="${top}" ${markPaint(L)}/>`));
      continue;
    }
    const y = lo;
    parts.push(`      <path class="pt" ${attrs} d="${shapePath(L.shape === "none" ? "dot" : L.shape, x, y)}" ${markPaint(L.shape === "none" ? { ...L, shape: "dot" } : L)}>${title}</path>` +
      (L.text === undefined ? "" : `<text class="mark-text" x="${f(x + 5)}" y="${f(y - 5)}" style="fill:${L.color}">${L.text}</text>`));
  }
  parts.push(`    </g>`);
  return parts.join("\n");
}
