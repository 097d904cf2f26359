/** Aggregation per pixel column: a series of a million points drawn on 800 columns keeps, per
 *  column, its minimum and maximum (and the first and last value, where the curve enters and
 *  leaves), so the shape survives and no point vanishes without a trace: each column says how
 *  many points it stands for. */
import type { GraphModel, GraphSeries } from "./models.js";

/** The column of time `t` among `columns` equal columns over [t0, t1]. */
export function columnOf(t: number, t0: number, t1: number, columns: number): number {
  if (t1 <= t0) return 0;
  const c = Math.floor(((t - t0) / (t1 - t0)) * columns);
  return c < 0 ? 0 : c >= columns ? columns - 1 : c;
}

/** `s` with one point per non-empty column of [t0, t1]: t = the column's start (integer ns),
 *  y = the column's minimum, y2 = its maximum (bars: of the upper ends), frame = the first
 *  point's, and `agg` the count and first/last y. Columns in time order. */
export function aggregateSeries(s: GraphSeries, t0: number, t1: number, columns: number): GraphSeries {
  const n = new Array<number>(columns).fill(0);
  const lo = new Array<number>(columns).fill(Infinity), hi = new Array<number>(columns).fill(-Infinity);
  const first = new Array<number>(columns).fill(0), last = new Array<number>(columns).fill(0);
  const frame = new Array<number>(columns).fill(0);
  const y2 = s.y2;
  for (let i = 0; i < s.t.length; i++) {
    const c = columnOf(s.t[i]!, t0, t1, columns);
    const y = s.y[i]!, top = y2 === undefined ? y : y2[i]!;
    if (n[c] === 0) { first[c] = y; frame[c] = s.frame[i]!; }
    last[c] = y;
    n[c]!++;
    if (y < lo[c]!) lo[c] = y;
    if (top > hi[c]!) hi[c] = top;
    if (y > hi[c]!) hi[c] = y;
  }
  const out: GraphSeries = { id: s.id, label: s.label, kind: s.kind, t: [], y: [], y2: [], frame: [], agg: { columns, col: [], n: [], first: [], last: [] } };
  const span = t1 - t0;
  for (let c = 0; c < columns; c++) {
    if (n[c] === 0) continue;
    out.t.push(t0 + Math.floor((span * c) / columns));
    out.y.push(lo[c]!); out.y2!.push(hi[c]!); out.frame.push(frame[c]!);
    out.agg!.col.push(c); out.agg!.n.push(n[c]!); out.agg!.first.push(first[c]!); out.agg!.last.push(last[c]!);
  }
  return out;
}

/** The model with every series of more than `columns` points aggregated per column (smaller
 *  series stay as they are); a note says how many points became how many columns. */
export function aggregateGraph(m: GraphModel, columns: number): GraphModel {
  let points = 0, cols = 0;
  const out = m.series.map((s) => {
    if (s.t.length <= columns) return s;
    const a = aggregateSeries(s, m.t0, m.t1, columns);
    points += s.t.length; cols += a.t.length;
    return a;
  });
  if (points === 0) return m;
  return { ...m, series: out, notes: [...m.notes, `${points} points drawn as ${cols} columns (minimum and maximum of each)`] };
}
