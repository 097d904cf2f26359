/** Axis ticks for the stream graphs: "nice" steps (1, 2, 5 × 10^k) and labels written by integer
 *  arithmetic in a unit chosen from the axis' largest value (s/ms/µs for ns; k/M/G for bytes and
 *  bit/s), never `toFixed` on float seconds (STYLE §5). */

/** Units an axis can carry: ns (time, RTT), bytes, bit/s. */
export type AxisUnit = "ns" | "bytes" | "bit/s";

/** An axis' ticks: values in the axis' own unit, their labels, and the unit text. */
export interface AxisTicks {
  step: number;
  values: number[];
  labels: string[];
  /** The unit the labels are in: "s", "ms", "µs", "ns", "B", "kB", "MB", "GB", "bit/s", "kbit/s", … */
  unit: string;
}

/** The smallest 1, 2 or 5 × 10^k (≥ 1 for whole units: ns, bytes and bits are integers) at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 1)) return 1;
  let p = 1;
  while (p * 10 <= raw) p *= 10;
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Divisor and name of the unit for values up to `maxAbs`. */
export function unitFor(unit: AxisUnit, maxAbs: number, msUpTo = 1e9): { div: number; name: string } {
  if (unit === "ns") {
    if (maxAbs >= msUpTo) return { div: 1e9, name: "s" };
    if (maxAbs >= 1e6) return { div: 1e6, name: "ms" };
    if (maxAbs >= 1e3) return { div: 1e3, name: "µs" };
    return { div: 1, name: "ns" };
  }
  const base = unit === "bytes" ? "B" : "bit/s";
  if (maxAbs >= 1e9) return { div: 1e9, name: `G${base}` };
  if (maxAbs >= 1e6) return { div: 1e6, name: `M${base}` };
  if (maxAbs >= 1e3) return { div: 1e3, name: `k${base}` };
  return { div: 1, name: base };
}

/** `v` (an integer) divided by `div` (a power of ten) with `decimals` digits, by digits. */
export function scaledText(v: number, div: number, decimals: number): string {
  const neg = v < 0, a = Math.round(Math.abs(v));
  const whole = Math.floor(a / div), frac = a - whole * div;
  let s = String(whole);
  if (decimals > 0) {
    const digits = String(div).length - 1;
    s += "." + String(frac).padStart(digits, "0").slice(0, decimals);
  }
  return (neg && a !== 0 ? "-" : "") + s;
}

/** Decimals that show a step of `step` in units of `div`. */
function decimalsFor(step: number, div: number): number {
  let d = 0, q = div;
  while (q > step && q > 1 && d < 9) { q /= 10; d++; }
  return d;
}

/** About `target` ticks over [lo, hi]. `msUpTo`: ns values below it are labelled in ms (or µs,
 *  ns), from it in s (an RTT axis stays in ms up to 10 s). */
export function axisTicks(lo: number, hi: number, unit: AxisUnit, target: number, msUpTo = 1e9): AxisTicks {
  const span = hi > lo ? hi - lo : 1;
  const step = niceStep(span / Math.max(1, target));
  const u = unitFor(unit, Math.max(Math.abs(lo), Math.abs(hi), step), msUpTo);
  const dec = decimalsFor(step, u.div);
  const values: number[] = [], labels: string[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) { values.push(v); labels.push(scaledText(v, u.div, dec)); }
  return { step, values, labels, unit: u.name };
}

/** A value with its unit for tooltips ("1.234567 s", "1448 B", "3.2 Mbit/s"): `digits` decimals at most, trailing zeros cut. */
export function valueText(v: number, unit: AxisUnit, digits = 6): string {
  const u = unitFor(unit, Math.abs(v));
  let s = scaledText(v, u.div, Math.min(digits, String(u.div).length - 1));
  if (s.includes(".")) s = s.replace(/\.?0+$/, "");
  return `${s} ${u.name}`;
}
