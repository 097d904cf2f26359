/** tshark 4.0's `-z io,stat,INTERVAL[,COLUMN]…`: per interval of the capture, one cell per column.
 *  A column is a display filter (frames and bytes of the frames it keeps), or a calculation over a
 *  field of the frames its filter keeps: `COUNT(tcp.analysis.retransmission)tcp.analysis.retransmission`,
 *  `SUM(tcp.len)tcp.len`, `MIN/MAX/AVG(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt`, `LOAD(…)`,
 *  `FRAMES()`, `BYTES()`. Counted as tshark counts them, quirks included:
 *  - a field has values only when some filter of the run names it (tshark fills only the fields a
 *    filter "primes": `AVG(tcp.len)` alone is 0 in every row; `AVG(tcp.len)tcp.len` is not);
 *  - MIN starts from 0 unless the interval's first frame the column keeps has the field;
 *  - a frame earlier than the current interval counts in it, a frame before the first frame at the
 *    last time seen that was not;
 *  - the column list is split at every comma (a filter with a comma in it does not compile).
 *  One pass over the records; allocation per interval and column, not per frame, except the field
 *  tree of the frames a calculated column reads. */
import type { CaptureInfo, CaptureRecord } from "../capture/index.js";
import { fieldInfo } from "../fields/index.js";
import { compileFrameFilter, FrameFilter } from "./frame-filter.js";
import { CaptureSession } from "./session.js";
import { cmpNstime, nstimeDelta, padLeft, padRight, printfFixed } from "./stats.js";
import { TreeValues } from "./tree-rows.js";

/** What a column computes (tshark's calc types, in the order it matches their names). */
export const IO_CALCS = ["FRAMES", "BYTES", "FRAMES BYTES", "COUNT", "SUM", "MIN", "MAX", "AVG", "LOAD"] as const;
export type IoCalc = (typeof IO_CALCS)[number];

/** How a field's values add up: integers, floating point, relative times (ns), or none (COUNT only). */
type ValueKind = "uint" | "int" | "float" | "double" | "reltime" | "other";

/** One column of the table. */
export interface IoColumn {
  /** The column as given (printed in the "Col N:" list); undefined for an empty one (Frames and bytes). */
  readonly text: string | undefined;
  readonly calc: IoCalc;
  /** The field of a calculation (COUNT … LOAD). */
  readonly field: string | undefined;
  readonly kind: ValueKind;
  /** The display filter choosing the column's frames ("" = every frame). */
  readonly filter: string;
}

/** A parsed `io,INTERVAL` argument: the interval in µs (0 = the whole capture) and its precision. */
export interface IoInterval {
  /** Interval in whole microseconds; 0 means "the whole capture" (tshark's interval 0). */
  us: number;
  /** Decimal places tshark shows for interval bounds. */
  precision: number;
}

/** A parsed `-z io,stat,…`. */
export interface IoStatSpec {
  readonly interval: IoInterval;
  readonly columns: readonly IoColumn[];
}

/** An io,stat argument tshark refuses: its message and exit status. */
export class IoStatError extends Error {
  constructor(message: string, readonly status: number) { super(message); }
}

/** Parses INTERVAL as tshark 4.0 reads `-z io,stat,INTERVAL` (seconds, at most 6 decimals);
 *  undefined when it is not a number ≥ 0.000001 or 0. `columnsFollow`: a column list follows the
 *  interval (it changes the precision of "1.0": tshark counts its decimals up to the comma, or,
 *  with no comma, runs past the end and shows 6). */
export function parseIoInterval(text: string, columnsFollow = false): IoInterval | undefined {
  if (!/^(\d+\.?\d*|\.\d+)$/.test(text)) return undefined;
  const x = Number(text);
  if (x === 0) return { us: 0, precision: 0 };
  const us = Math.floor(x * 1000000 + 0.5);
  if (us < 1) return undefined;
  let precision = 6;
  for (let i = 10; i < 10000000; i *= 10) {
    if (us % i > 0) break;
    precision--;
  }
  const dot = text.indexOf(".");
  if (precision === 0 && dot >= 0) {
    const decimals = text.length - dot - 1;
    if (!columnsFollow) precision = 6;
    else if (decimals > 0) precision = Math.min(decimals, 6);
  }
  return { us, precision };
}

function valueKind(type: string): ValueKind {
  if (/^FT_UINT(8|16|24|32|40|48|56|64)$/.test(type)) return "uint";
  if (/^FT_INT(8|16|24|32|40|48|56|64)$/.test(type)) return "int";
  if (type === "FT_FLOAT") return "float";
  if (type === "FT_DOUBLE") return "double";
  if (type === "FT_RELATIVE_TIME") return "reltime";
  return "other";
}

/** One column string as tshark 4.0 registers it (its calc name, field and filter). */
function parseColumn(text: string | undefined): IoColumn {
  if (text === undefined) return { text, calc: "FRAMES BYTES", field: undefined, kind: "other", filter: "" };
  let calc: IoCalc = "FRAMES BYTES";
  let filter = text, field: string | undefined;
  for (const name of IO_CALCS) {
    if (!text.startsWith(name)) {
      if (calc === "FRAMES" || calc === "BYTES") filter = "";
      continue;
    }
    calc = name;
    if (text[name.length] !== "(") continue;
    const close = text.indexOf(")", name.length + 1);
    if (close < 0) throw new IoStatError("Closing parenthesis missing from calculated expression.", 10);
    const inner = text.slice(name.length + 1, close);
    if (name === "FRAMES" || name === "BYTES") {
      if (inner !== "") throw new IoStatError(`${name} does not require or allow a field name within the parens.`, 10);
    } else if (inner === "") throw new IoStatError(`You didn't specify a field name for ${name}(*).`, 10);
    filter = text.slice(close + 1);
    if (name === "FRAMES" || name === "BYTES") break;
    field = inner;
    break;
  }
  let kind: ValueKind = "other";
  if (field !== undefined) {
    const info = fieldInfo(field);
    if (info === undefined) throw new IoStatError(`There is no field named '${field}'.`, 10);
    kind = valueKind(info.type);
    if ((kind === "float" || kind === "double") && calc === "LOAD") {
      throw new IoStatError(`${field} is a float field, so ${calc}(*) calculations are not supported on it.`, 10);
    }
    if (kind === "other" && calc !== "COUNT") {
      throw new IoStatError(`${field} doesn't have integral values, so ${calc}(*) calculations are not supported on it.`, 10);
    }
  }
  return { text, calc, field, kind, filter };
}

const INVALID = 'invalid "-z io,stat,<interval>[,<filter>][,<filter>]..." argument';

/** Parses `io,stat,INTERVAL[,COLUMN]…` (the whole -z argument) as tshark 4.0 does, or throws
 *  IoStatError with tshark's message. Filters are compiled by the collector. */
export function parseIoStat(arg: string): IoStatSpec {
  if (!arg.startsWith("io,stat,") || arg.endsWith(",")) throw new IoStatError(INVALID, 1);
  const rest = arg.slice(8);
  const comma = rest.indexOf(",");
  const intervalText = comma < 0 ? rest : rest.slice(0, comma);
  if (!/^(\d+\.?\d*|\.\d+)$/.test(intervalText)) throw new IoStatError(INVALID, 1);
  const interval = parseIoInterval(intervalText, comma >= 0);
  if (interval === undefined) throw new IoStatError('"-z" interval must be >=0.000001 seconds or "0" for the entire capture duration.', 10);
  if (comma < 0) return { interval, columns: [parseColumn(undefined)] };
  const pieces = rest.slice(comma + 1).split(",");
  const columns = pieces.map((p, i) => {
    const t = p.trim();
    return parseColumn(p === "" || (i === pieces.length - 1 && t === "") ? undefined : t);
  });
  return { interval, columns };
}

/** The field names a run's filters name: only those have values in a calculation (tshark's priming). */
export function primedFields(filters: Iterable<FrameFilter>): Set<string> {
  const out = new Set<string>();
  for (const f of filters) for (const x of f.compiled.fields) out.add(x.name);
  return out;
}

/** The counters of one interval of one column. */
interface Cell { frames: number; counter: number; num: number; /** relative times: the counter in ns, as tshark's uint64 */ big: bigint }

/** The counters of one column: the intervals that counted something (tshark has a cell for every
 *  interval from the first up to `last`; the ones missing here are all zero). */
interface ColumnCells {
  cells: Map<number, Cell>;
  /** The last interval the column has reached (−1 before its first frame). */
  last: number;
  /** Largest values tshark keeps to size the column: frames, and counter (or its average). */
  maxFrame: number;
  maxVal: number;
  /** The same for a relative-time column (uint64 ns, or whole seconds for AVG). */
  maxBig: bigint;
}

/** The table of one `-z io,stat`. */
export interface IoTable {
  readonly interval: IoInterval;
  readonly columns: readonly IoColumn[];
  /** Latest frame time relative to the first frame, in µs (tshark's elapsed time, rounded). */
  readonly durationUs: number;
  readonly cells: readonly ColumnCells[];
}

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** Relative time of a `-T json` value "S.NNNNNNNNN" (or "-S.NNN…") in ns, as tshark's uint64. */
function relNs(v: string): bigint {
  const neg = v.startsWith("-");
  const s = neg ? v.slice(1) : v;
  const dot = s.indexOf(".");
  const sec = BigInt(dot < 0 ? s : s.slice(0, dot) || "0");
  const frac = dot < 0 ? 0n : BigInt((s.slice(dot + 1) + "000000000").slice(0, 9));
  const ns = sec * 1000000000n + frac;
  return U64(neg ? -ns : ns);
}

/** Items tshark's taps do not see (measured on the corpus: `COUNT(tcp.analysis.duplicate_ack)` is
 *  one a duplicate ACK, though -T fields shows two, the flag and the copy in its expert item, and
 *  `COUNT(_ws.expert)` counts that expert item; the flag is the one tshark's taps lack). */
const TAP_DROPS: ReadonlySet<string> = new Set(["tcp.analysis.flags>tcp.analysis.duplicate_ack"]);

/** The whole-capture interval as tshark 4.0 counts it: every frame in the first cell. */
const WHOLE = Number.MAX_SAFE_INTEGER;

/** Collects one `-z io,stat` from every record, in order. */
export class IoStatCollector {
  readonly spec: IoStatSpec;
  readonly #cols: ColumnCells[];
  readonly #filters: Array<FrameFilter | undefined>;
  readonly #tree: TreeValues | undefined;
  readonly #session: CaptureSession | undefined;
  /** Per column: it reads its field's values (the field is primed and the calc needs values). */
  readonly #reads: boolean[];
  readonly #invl: number;
  readonly #rel = new Float64Array(2);
  #first = false;
  #sec0 = 0;
  #nsec0 = 0;
  #lastUs = 0;
  #elapsedSec = 0;
  #elapsedNsec = 0;

  /** `filters`: the compiled filter of each column (undefined: every frame), from `compileIoFilters`;
   *  `primed`: the field names the run's filters name (primedFields). */
  constructor(spec: IoStatSpec, filters: ReadonlyArray<FrameFilter | undefined> = [], primed: ReadonlySet<string> = new Set()) {
    this.spec = spec;
    this.#invl = spec.interval.us === 0 ? WHOLE : spec.interval.us;
    this.#cols = spec.columns.map(() => ({ cells: new Map(), last: -1, maxFrame: 0, maxVal: 0, maxBig: 0n }));
    this.#filters = spec.columns.map((_, i) => filters[i]);
    this.#reads = spec.columns.map((c) => c.field !== undefined && primed.has(c.field));
    const names = spec.columns.filter((c, i) => this.#reads[i]).map((c) => c.field!);
    if (names.length > 0) { this.#tree = new TreeValues(names, { drop: TAP_DROPS }); this.#session = new CaptureSession(); }
  }

  /** Adds one record (every record of the capture, in order; `info` names pcapng interfaces).
   *  `counted` false: a frame `-2 -R` drops, which still makes the capture's first frame and
   *  duration (tshark's first pass sees it) but reaches no column. */
  add(rec: CaptureRecord, info?: CaptureInfo, counted = true): void {
    if (!this.#first) { this.#first = true; this.#sec0 = rec.tsSec; this.#nsec0 = rec.tsNsec; }
    nstimeDelta(rec.tsSec, rec.tsNsec, this.#sec0, this.#nsec0, this.#rel);
    const rs = this.#rel[0]!, n = this.#rel[1]!;
    if (cmpNstime(rs, n, this.#elapsedSec, this.#elapsedNsec) > 0) { this.#elapsedSec = rs; this.#elapsedNsec = n; }
    if (!counted) return;
    if (this.#session !== undefined) this.#tree!.point(this.#session.step(rec, info));
    let us = -1;
    for (let c = 0; c < this.#cols.length; c++) {
      const f = this.#filters[c];
      if (f !== undefined && !f.matches(rec, info)) continue;
      if (us < 0) {
        if (rs >= 0 && n >= 0) { us = rs * 1000000 + Math.floor((n + 500) / 1000); this.#lastUs = us; } else us = this.#lastUs;
      }
      this.#count(c, us, rec);
    }
  }

  #count(c: number, us: number, rec: CaptureRecord): void {
    const col = this.spec.columns[c]!, cc = this.#cols[c]!, invl = this.#invl;
    // A frame before the current interval counts in it (tshark only moves forward).
    const k = this.spec.interval.us === 0 ? 0 : Math.max(cc.last, Math.floor(us / invl));
    cc.last = k;
    let cell = cc.cells.get(k);
    if (cell === undefined) { cell = { frames: 0, counter: 0, num: 0, big: 0n }; cc.cells.set(k, cell); }
    const frames = ++cell.frames;
    const calc = col.calc;
    if (calc === "FRAMES" || calc === "BYTES" || calc === "FRAMES BYTES") {
      cell.counter += rec.originalLength;
    } else if (this.#reads[c]) {
      const list = this.#tree!.nodes(col.field!);
      if (calc === "COUNT") cell.counter += list.length;
      for (let i = 0; calc !== "COUNT" && i < list.length; i++) {
        const v = list[i]!.value;
        if (calc === "LOAD" && col.kind !== "reltime") throw new IoStatError("LOAD() is only supported for relative-time fields such as smb.time", 10);
        if (col.kind === "reltime") {
          const x = v === undefined ? 0n : relNs(v), cur = cell.big;
          if (calc === "SUM") cell.big = U64(cur + x);
          else if (calc === "MIN") { if ((frames === 1 && i === 0) || x < cur) cell.big = x; }
          else if (calc === "MAX") { if (x > cur) cell.big = x; }
          else if (calc === "AVG") { cell.num++; cell.big = U64(cur + x); }
          else this.#load(cc, k, Number(x / 1000n));
          continue;
        }
        let x = v === undefined ? 0 : Number(v);
        if (col.kind === "float") x = Math.fround(x);
        const cur = cell.counter;
        if (calc === "SUM") cell.counter = col.kind === "float" ? Math.fround(cur + x) : cur + x;
        else if (calc === "MIN") { if ((frames === 1 && i === 0) || x < cur) cell.counter = x; }
        else if (calc === "MAX") { if (x > cur) cell.counter = x; }
        else if (calc === "AVG") { cell.num++; cell.counter = col.kind === "float" ? Math.fround(cur + x) : cur + x; }
      }
    }
    // The sizes tshark keeps for the column widths, after every frame.
    const cur = cell.counter;
    if (calc === "FRAMES" || calc === "FRAMES BYTES") cc.maxFrame = Math.max(cc.maxFrame, frames);
    if (col.kind === "reltime" && calc !== "LOAD" && calc !== "COUNT") {
      const b = calc !== "AVG" ? cell.big : cell.num > 0 ? (cell.big / BigInt(cell.num) + 500000000n) / 1000000000n : 0n;
      if (b > cc.maxBig) cc.maxBig = b;
    } else if (calc === "SUM" || calc === "MIN" || calc === "MAX") {
      cc.maxVal = Math.max(cc.maxVal, col.kind === "float" || col.kind === "double" ? Math.floor(cur + 0.5) : cur);
    } else if (calc === "AVG") {
      if (cell.num > 0) cc.maxVal = Math.max(cc.maxVal, Math.floor(Math.trunc(cur) / cell.num));
    } else cc.maxVal = Math.max(cc.maxVal, cur);
  }

  /** LOAD: a response time of `us` spread over its interval and the ones before it (tshark walks
   *  back from the current cell; before the first it wraps to the last). */
  #load(cc: ColumnCells, k: number, us: number): void {
    const invl = this.#invl;
    const at = (i: number): Cell => {
      let cell = cc.cells.get(i);
      if (cell === undefined) { cell = { frames: 0, counter: 0, num: 0, big: 0n }; cc.cells.set(i, cell); }
      return cell;
    };
    const tival = us % invl;
    at(k).counter += tival;
    let val = us - tival;
    let p = k === 0 ? cc.last : k - 1;
    while (val > 0) {
      if (val < invl) { at(p).counter += val; break; }
      at(p).counter += invl;
      val -= invl;
      p = p === 0 ? cc.last : p - 1;
    }
  }

  /** The table so far. */
  table(): IoTable {
    return { interval: this.spec.interval, columns: this.spec.columns, cells: this.#cols,
      durationUs: this.#elapsedSec * 1000000 + Math.floor((this.#elapsedNsec + 500) / 1000) };
  }
}

/** Compiles each column's filter, or throws tshark's message ("Couldn't register io,stat tap: …"). */
export function compileIoFilters(spec: IoStatSpec): Array<FrameFilter | undefined> {
  return spec.columns.map((c) => {
    if (c.filter === "") return undefined;
    const r = compileFrameFilter(c.filter);
    if (!r.ok) throw new IoStatError(`Couldn't register io,stat tap: Filter "${c.filter}" is invalid - ${r.message}`, 1);
    return r.filter;
  });
}

/** `-z io,stat,INTERVAL` with its one "Frames and bytes" column and no filter: needs no decoding. */
export class IoCollector extends IoStatCollector {
  constructor(interval: IoInterval) { super({ interval, columns: [parseColumn(undefined)] }); }
}

// ---------------------------------------------------------------------------------------------
// The table as tshark 4.0 draws it.

/** Rows beyond this are refused (tshark would print them all; one per interval up to the duration). */
export const IO_MAX_ROWS = 1_000_000;

/** Number of decimal digits of v (1 for 0), at most `max` (tshark's column width helper). */
function magnitude(v: number, max: number): number {
  let mag = 0;
  for (let i = 0; i < max; i++) { mag++; v = Math.floor(v / 10); if (v === 0) break; }
  return mag;
}

/** The label centred in a column header, as tshark 4.0 places it ("" when it does not fit). */
function centre(label: string, width: number): string {
  const len = 6 - (Math.trunc((width - label.length) / 2) + 1);
  if (len > 0 && len < 6) {
    const sp = " ".repeat(6 - len);
    return (width - label.length) % 2 === 0 ? `${sp}${label}${sp}|` : ` ${sp}${label}${sp}|`;
  }
  return len > 0 && len <= 15 ? `${label}|` : "";
}

/** Whole seconds of a µs count as tshark 4.0 prints them (a 32-bit unsigned cast). */
function secs32(us: number): string { return String(Math.floor(us / 1000000) % 4294967296); }

/** `%*s` of "|" (a negative width left-justifies, as printf does). */
function bar(width: number): string { return width >= 0 ? padLeft("|", width) : padRight("|", -width); }

/** The geometry tshark 4.0 derives from the duration and the interval. */
function ioGeometry(t: IoTable): { rows: number; intervalUs: number; durationUs: number; precision: number; durMag: number; whole: boolean } {
  let durationUs = t.durationUs;
  const whole = t.interval.us === 0 || t.interval.us > durationUs;
  let intervalUs = whole ? durationUs : t.interval.us;
  let durMag = magnitude(Math.floor(durationUs / 1000000), 5);
  const sameAsDuration = whole || intervalUs === durationUs;
  const precision = sameAsDuration ? (durMag >= 2 ? 1 : durMag === 1 ? 3 : 6) : t.interval.precision;
  let dv = 1000000;
  for (let i = 0; i < precision; i++) dv = Math.floor(dv / 10);
  const half = 5 * Math.floor(dv / 10);
  if (durationUs % dv > half) {
    durationUs = Math.floor((durationUs + half) / dv) * dv;
    durMag = magnitude(Math.floor(durationUs / 1000000), 5);
  }
  if (whole) intervalUs = durationUs;
  // tshark 4.0: one row per interval while its start is before the duration (none for 0 s).
  const rows = intervalUs <= 0 ? 0 : Math.min(Math.ceil(durationUs / intervalUs), IO_MAX_ROWS + 1);
  return { rows, intervalUs, durationUs, precision, durMag, whole: sameAsDuration };
}

/** How many rows the table will have (to refuse absurd intervals before formatting). */
export function ioRowCount(t: IoTable): number {
  const { durationUs } = t;
  if (t.interval.us === 0 || t.interval.us >= durationUs) return 1;
  return Math.ceil(durationUs / t.interval.us);
}

/** A column's printed widths: `fr` of a frames cell, `val` of a value cell, without padding. */
interface ColumnLayout { fr: number; val: number; cell: (i: number, last: boolean, t0: number, end: number) => string }

function columnLayout(col: IoColumn, cells: ColumnCells, intervalUs: number): ColumnLayout {
  const has = (i: number): boolean => i <= cells.last;
  const frames = (i: number): number => cells.cells.get(i)?.frames ?? 0;
  const counter = (i: number): number => cells.cells.get(i)?.counter ?? 0;
  if (col.calc === "FRAMES BYTES") {
    const fr = Math.max(6, magnitude(cells.maxFrame, 15)), val = Math.max(5, magnitude(cells.maxVal, 15));
    return { fr, val, cell: (i) => ` ${padLeft(String(frames(i)), fr)} | ${padLeft(String(counter(i)), val)} |` };
  }
  if (col.calc === "FRAMES") {
    const fr = Math.max(6, magnitude(cells.maxFrame, 15));
    return { fr, val: 0, cell: (i) => ` ${padLeft(String(frames(i)), fr)} |` };
  }
  if (col.calc === "BYTES" || col.calc === "COUNT") {
    const val = Math.max(5, magnitude(cells.maxVal, 15));
    return { fr: 0, val, cell: (i) => ` ${padLeft(String(counter(i)), val)} |` };
  }
  const num = (i: number): number => Math.max(1, cells.cells.get(i)?.num ?? 0);
  const avg = col.calc === "AVG";
  if (col.kind === "float" || col.kind === "double") {
    const w = magnitude(cells.maxVal, 15);
    return { fr: 0, val: w + 7, cell: (i) => ` ${padLeft(printfFixed(avg ? counter(i) / num(i) : counter(i), 6), w)} |` };
  }
  if (col.kind === "reltime" && col.calc === "LOAD") {
    const w = magnitude(Math.floor(cells.maxVal / intervalUs), 15);
    return { fr: 0, val: w + 7, cell: (i, last, t0, end) => {
      const c = counter(i), d = last ? end - t0 : intervalUs;
      return ` ${padLeft(String(Math.floor(c / d)), w)}.${String(Math.floor(((c % d) * 1000000) / d)).padStart(6, "0")} |`;
    } };
  }
  if (col.kind === "reltime") {
    const mv = avg ? cells.maxBig : U64(cells.maxBig + 500000000n) / 1000000000n;
    const w = magnitude(Number(mv), 15);
    return { fr: 0, val: w + 7, cell: (i) => {
      const c = cells.cells.get(i);
      const ns = c === undefined ? 0n : avg ? c.big / BigInt(Math.max(1, c.num)) : c.big;
      const us = U64(ns + 500n) / 1000n;
      // tshark prints (int) casts with %u: the low 32 bits of the seconds.
      return ` ${padLeft(String(Number((us / 1000000n) & 0xffffffffn)), w)}.${String(Number(us % 1000000n)).padStart(6, "0")} |`;
    } };
  }
  // Integer fields; LOAD of one prints nothing (tshark has no format for it) where it counted.
  const w = Math.max(col.calc.length, magnitude(cells.maxVal, 15));
  return { fr: 0, val: w, cell: (i) => {
    if (col.calc === "LOAD" && has(i)) return "";
    return ` ${padLeft(String(avg ? Math.floor(counter(i) / num(i)) : counter(i)), w)} |`;
  } };
}

/** The "Col N:" lines, each filter wrapped at the border as tshark 4.0 wraps it. */
function columnLines(cols: readonly IoColumn[], borderlen: number): string[] {
  const out: string[] = [];
  cols.forEach((c, j) => {
    let prefix = j === 0 ? "| Col 1: " : `|    ${String(j + 1).padStart(2)}: `;
    if (c.text === undefined) { out.push(`${prefix}Frames and bytes${bar(borderlen - 25)}`); return; }
    let text = c.text;
    const maxW = borderlen - 11;
    while (text.length + 11 > borderlen && text.length > maxW) {
      const head = text.slice(0, maxW);
      const sp = head.lastIndexOf(" ");
      const len = sp >= 0 ? sp : maxW;
      out.push(`${prefix}${head.slice(0, len)}${bar(borderlen - 9 - len)}`);
      prefix = "|        ";
      text = text.slice(sp >= 0 ? sp + 1 : maxW);
    }
    out.push(`${prefix}${text}${bar(borderlen - 9 - text.length)}`);
  });
  return out;
}

/** The text of `tshark -q -z io,stat,INTERVAL[,COLUMN]…`. */
export function formatIo(t: IoTable): string {
  const { rows, intervalUs, durationUs, precision: prec, durMag, whole } = ioGeometry(t);
  const invlMag = magnitude(Math.floor(intervalUs / 1000000), 5);
  let borderlen = whole ? 30 + durMag + (prec === 0 ? 0 : prec + 1) : 25 + Math.max(invlMag, durMag) + (prec === 0 ? 0 : prec + 1);
  const dv = 10 ** (6 - prec);
  const num = (us: number) => prec === 0 ? padLeft(secs32(us), durMag)
    : `${padLeft(secs32(us), durMag)}.${String(Math.floor((us % 1000000) / dv)).padStart(prec, "0")}`;
  let invlColW = prec === 0 ? 2 * durMag + 8 : 2 * durMag + 2 * prec + 10;
  invlColW = Math.max(invlColW, 12);
  const layouts = t.columns.map((c, j) => columnLayout(c, t.cells[j]!, intervalUs));
  let tabrowW = invlColW;
  t.columns.forEach((c, j) => {
    const l = layouts[j]!;
    tabrowW += c.calc === "FRAMES BYTES" ? l.fr + 3 + l.val + 3 : c.calc === "FRAMES" ? l.fr + 3 : l.val + 3;
  });
  borderlen = Math.max(borderlen, tabrowW);
  let maxFilter = 0;
  for (const c of t.columns) maxFilter = Math.max(maxFilter, c.text === undefined ? 26 : c.text.length + 11);
  if (maxFilter > borderlen && borderlen < 102) borderlen = Math.min(maxFilter, 102);
  if (borderlen - tabrowW === 1) borderlen++;
  const out: string[] = ["", "=".repeat(borderlen), `|${padRight(" IO Statistics", borderlen - 2)}|`, `|${" ".repeat(borderlen - 2)}|`];
  // tshark 4.0 pads the Duration and Interval lines for a nominal width, not the printed one.
  const dPrec = prec === 0 ? 6 : prec;
  const durUs = prec === 0 ? t.durationUs : durationUs;
  // With a whole-second interval tshark 4.0 prints the microseconds space-padded ("50. 99071").
  const durFrac = String(Math.floor((durUs % 1000000) / 10 ** (6 - dPrec)));
  const durText = `${secs32(durUs)}.${prec === 0 ? padLeft(durFrac, 6) : durFrac.padStart(dPrec, "0")}`;
  const wd = durMag + dPrec + 1;
  out.push(`| Duration: ${padLeft(durText, wd)} secs${bar(borderlen - 12 - wd - 5)}`);
  const wi = durMag + (prec === 0 ? 0 : prec + 1);
  const invlText = prec === 0 ? secs32(intervalUs)
    : `${secs32(intervalUs)}.${String(Math.floor((intervalUs % 1000000) / dv)).padStart(prec, "0")}`;
  out.push(`| Interval: ${padLeft(invlText, wi)} secs${bar(borderlen - 12 - wi - 5)}`);
  out.push(`|${" ".repeat(borderlen - 2)}|`);
  out.push(...columnLines(t.columns, borderlen));
  out.push(`|-${"-".repeat(borderlen - 3)}|`);
  const filler = tabrowW < borderlen ? bar(borderlen - tabrowW) : "";
  let numbers = `|${bar(invlColW - 1)}`, labels = `| Interval${bar(invlColW - 10)}`;
  t.columns.forEach((c, j) => {
    const l = layouts[j]!;
    const pad = c.calc === "FRAMES BYTES" ? l.fr + l.val + 3 : c.calc === "FRAMES" ? l.fr : l.val;
    numbers += `${padRight(String(j + 1), 2)}${" ".repeat(pad)}|`;
    labels += c.calc === "FRAMES BYTES" ? centre("Frames", l.fr) + centre("Bytes", l.val)
      : centre(c.calc, c.calc === "FRAMES" ? l.fr : l.val);
  });
  out.push(numbers + filler, labels + filler, `|-${"-".repeat(tabrowW - 3)}|${filler}`);
  for (let i = 0, t0 = 0; i < rows; i++, t0 += intervalUs) {
    const last = i === rows - 1;
    const end = last ? durationUs : t0 + intervalUs;
    let line: string;
    if (prec === 0 && last) line = `| ${durMag === 1 ? " " : ""}${num(t0)} <> ${padRight("Dur", durMag >= 3 ? durMag + 1 : 3)}|`;
    else if (prec === 0 && durMag === 1) line = `|  ${num(t0)} <> ${num(end)}  |`;
    else line = `| ${num(t0)} <> ${num(end)} |`;
    for (const l of layouts) line += l.cell(i, last, t0, end);
    out.push(line + filler);
  }
  out.push("=".repeat(borderlen));
  return out.join("\n") + "\n";
}

/** One row of a one-column table as data: start and end (µs from the first frame) and the counts. */
export interface IoRow { startUs: number; endUs: number; frames: number; bytes: number }

/** `-z io,stat` as data (`--json`): interval and duration in µs, one object per row with the
 *  frames and bytes of the first column (every column's cell text under `cells` when there are more). */
export function ioJson(t: IoTable): object {
  const { rows: n, intervalUs, durationUs } = ioGeometry(t);
  const c0 = t.cells[0]!;
  const layouts = t.columns.length > 1 ? t.columns.map((c, j) => columnLayout(c, t.cells[j]!, intervalUs)) : [];
  const rows: Array<IoRow & { cells?: string[] }> = [];
  for (let i = 0, t0 = 0; i < n; i++, t0 += intervalUs) {
    const last = i === n - 1, end = last ? durationUs : t0 + intervalUs;
    const r: IoRow & { cells?: string[] } = { startUs: t0, endUs: end, frames: c0.cells.get(i)?.frames ?? 0, bytes: c0.cells.get(i)?.counter ?? 0 };
    if (layouts.length > 0) r.cells = layouts.map((l) => l.cell(i, last, t0, end).replace(/\s*\|\s*/g, " ").trim());
    rows.push(r);
  }
  return { intervalUs, durationUs, columns: t.columns.map((c) => c.text ?? "Frames and bytes"), rows };
}
