/** `-T fields` and `-Y` for any field synack knows: the fields outside the fast registry
 *  (FieldRows) are read from the frame's field tree, every occurrence in tree order, printed as
 *  tshark 4.0 `-T fields` prints them. The registry's columns and filter fields keep the fast
 *  path: FieldRows computes them on the same frame.
 *  ```ts
 *  const rows = new TreeRows(["frame.len", "ip.ttl", "tcp.seq"], {}, prefs, filter);
 *  for (const rec of records) {
 *    const c = pipeline.step(rec);          // DetailsInput: decoded frame, results, FIN sides, times
 *    if (rows.rowTo(rec, c, out)) out.byte(10);
 *  }
 *  ```
 *  The tree allocates per frame (STYLE §5 allows it off the hot path). */
import type { CaptureRecord } from "../capture/index.js";
import { type BuildMode, buildFieldTree, type DataSource, dataSources, type DetailsInput, type FieldNode, fieldInfo, hexBytes, treeLayers }
  from "../fields/index.js";
import { fieldId } from "../fields/registry.js";
import type { DisplayFilter, FilterValue } from "../filter/index.js";
import { parseIpv4, parseIpv6 } from "../filter/literals.js";
import type { ByteOut } from "./bytes-out.js";
import {
  DEFAULT_FIELDS_FORMAT, FieldRows, type FieldsFormat, type ReadPreferences, type RowFilterField, SRC_TREE,
  type TreeFilterSource, UnknownFieldError,
} from "./rows.js";

const EMPTY = new Uint8Array(0);

/** A name `-e` accepts: a registry field (fast path) or any field of the catalogue (the tree). */
export function knownField(name: string): boolean {
  return fieldId(name) >= 0 || fieldInfo(name) !== undefined;
}

/** The value of one tree item as tshark 4.0 `-T fields` prints it: FT_BYTES as plain hex, the
 *  `data` protocol as its bytes, a protocol as its text (or its bytes when it has a value, as the
 *  TCP options do), FT_NONE as `1`, anything else as its value. */
export function fieldText(n: FieldNode, sources: readonly DataSource[]): string {
  if (n.field === "data") { const b = rangeOf(n, sources); return hexBytes(b, 0, b.length); }
  if (n.value !== undefined) return n.value;
  const t = n.field === undefined ? undefined : fieldInfo(n.field)?.type;
  if (n.proto === true || t === "FT_PROTOCOL") {
    const l = n.label;
    return l.startsWith("[") && l.endsWith("]") ? l.slice(1, -1) : l;
  }
  return "1";
}

/** The bytes an item covers. */
function rangeOf(n: FieldNode, sources: readonly DataSource[]): Uint8Array {
  const src = sources[n.source]?.bytes;
  return src === undefined ? EMPTY : src.subarray(n.offset, n.offset + n.length);
}

/** Plain or separated hex (`0402`, `c4:39:3a:02:a9:2a`) as bytes. */
function hexToBytes(s: string): Uint8Array {
  const hex = s.replace(/[^0-9a-fA-F]/g, "");
  const b = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

const MONTHS = new Map(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map((m, i) => [m, i]));
/** `Dec 13, 2017 22:28:59.656584000 UTC` → seconds since the epoch (NaN when not that shape). */
function absoluteSeconds(s: string): number {
  const m = /^([A-Z][a-z]{2}) +(\d+), (\d+) (\d\d):(\d\d):(\d\d)(\.\d+)?/.exec(s);
  if (m === null) return Number.NaN;
  const ms = Date.UTC(Number(m[3]), MONTHS.get(m[1]!) ?? 0, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
  return ms / 1000 + (m[7] === undefined ? 0 : Number(m[7]));
}

/** One tree item as the filter value of `f`'s kind. */
function filterValue(f: RowFilterField, n: FieldNode, sources: readonly DataSource[]): FilterValue {
  const v = n.value;
  switch (f.kind) {
    case "uint": case "int": case "bool": case "float": return v === undefined ? Number.NaN : Number(v);
    case "time": return v === undefined ? Number.NaN : Number(v);
    case "abstime": return v === undefined ? Number.NaN : absoluteSeconds(v);
    case "ipv4": return v === undefined ? Number.NaN : parseIpv4(v) ?? Number.NaN;
    case "ipv6": return v === undefined ? EMPTY : parseIpv6(v) ?? EMPTY;
    case "ether": return v === undefined ? rangeOf(n, sources) : hexToBytes(v);
    case "string": return v ?? fieldText(n, sources);
    case "bytes": return v !== undefined && n.bytes === true ? hexToBytes(v) : rangeOf(n, sources);
    case "protocol": return rangeOf(n, sources);
    case "flag": return EMPTY;
  }
}

/** The field tree of the current frame, built on first demand, with the items of the wanted
 *  names found in one walk. Serves `-T fields` columns and the filter's tree fields. */
export class TreeValues implements TreeFilterSource {
  readonly #lists = new Map<string, FieldNode[]>();
  #c: DetailsInput | undefined;
  #built = false;
  #sources: DataSource[] = [];

  /** The layers that hold the asked fields: only their builders run. */
  readonly #layers: number;
  /** What the builders make: the asked names only, and labels only when an asked field prints its
   *  label (a protocol's text, fieldText) or is not in the catalogue. */
  readonly #mode: BuildMode;

  /** Items left out of the lists, as "parent>child" field names. */
  readonly #drop: ReadonlySet<string> | undefined;

  /** `names`: the fields asked of the tree; `drop`: items not listed, as "parent>child" names. */
  constructor(names: Iterable<string>, options: { drop?: ReadonlySet<string> } = {}) {
    this.#drop = options.drop;
    for (const n of names) this.#lists.set(n, []);
    this.#layers = treeLayers(this.#lists.keys());
    let labels = false;
    for (const n of this.#lists.keys()) {
      const t = fieldInfo(n)?.type;
      if (t === undefined || t === "FT_PROTOCOL") labels = true;
    }
    this.#mode = { labels, want: new Set(this.#lists.keys()) };
  }

  /** The frame the next questions are about (its tree is built when first asked). */
  point(c: DetailsInput): void { this.#c = c; this.#built = false; }

  /** The data sources of the current frame. */
  get sources(): readonly DataSource[] { this.#build(); return this.#sources; }

  #build(): void {
    if (this.#built) return;
    this.#built = true;
    for (const l of this.#lists.values()) l.length = 0;
    const c = this.#c;
    if (c === undefined) { this.#sources = []; return; }
    this.#sources = dataSources(c.frame);
    this.#collect(buildFieldTree(c, this.#layers, this.#mode), undefined);
  }

  /** Files every node of `nodes` (depth first, under `parent`) by its field name, when that name is
   *  asked and the item is not dropped. */
  #collect(nodes: readonly FieldNode[], parent: string | undefined): void {
    const lists = this.#lists, drop = this.#drop;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (n.field !== undefined && (drop === undefined || !drop.has(`${parent}>${n.field}`))) lists.get(n.field)?.push(n);
      if (n.children.length > 0) this.#collect(n.children, n.field);
    }
  }

  /** Every item called `name` in the current frame, in tree order (depth first). */
  nodes(name: string): readonly FieldNode[] {
    this.#build();
    return this.#lists.get(name) ?? [];
  }

  values(f: RowFilterField, out: FilterValue[], at: number): number {
    const list = this.nodes(f.name), sources = this.#sources;
    for (let i = 0; i < list.length; i++) out[at + i] = filterValue(f, list[i]!, sources);
    return list.length;
  }
}

/** The tree values a compiled display filter reads (its SRC_TREE fields), or undefined when it
 *  reads none (the fast path then answers alone). Point it at each frame before `matches`. */
export function filterTreeValues(filter: DisplayFilter<RowFilterField>): TreeValues | undefined {
  const names = filter.fields.filter((f) => f.src === SRC_TREE).map((f) => f.name);
  return names.length === 0 ? undefined : new TreeValues(names);
}

/** A sentinel separator: FieldRows then keeps every column in its list (FieldRows.columnTo). */
const COLUMN_SEPARATOR = "\u0000\u0001";

/** `-T fields` rows where some column (or the filter) reads the field tree. */
export class TreeRows {
  readonly format: FieldsFormat;
  readonly fields: readonly string[];
  /** Registry columns and the filter, on the fast path (undefined when neither exists). */
  readonly fast: FieldRows | undefined;
  readonly tree: TreeValues;
  /** Per column: its index among the fast columns, or −1 (from the tree). */
  readonly #fastCol: number[] = [];

  /** Throws UnknownFieldError for names neither the registry nor the catalogue knows. */
  constructor(fields: readonly string[], format: Partial<FieldsFormat> = {}, prefs: Partial<ReadPreferences> = {},
      filter?: DisplayFilter<RowFilterField>) {
    const bad = fields.filter((f) => !knownField(f));
    if (bad.length > 0) throw new UnknownFieldError(bad);
    this.fields = fields;
    this.format = { ...DEFAULT_FIELDS_FORMAT, ...format };
    const fastNames: string[] = [];
    const treeNames = new Set<string>();
    for (const f of fields) {
      if (fieldId(f) >= 0) { this.#fastCol.push(fastNames.length); fastNames.push(f); } else { this.#fastCol.push(-1); treeNames.add(f); }
    }
    if (filter !== undefined) for (const f of filter.fields) if (f.src === SRC_TREE) treeNames.add(f.name);
    this.tree = new TreeValues(treeNames);
    if (fastNames.length > 0 || filter !== undefined) {
      this.fast = new FieldRows(fastNames, { ...this.format, separator: COLUMN_SEPARATOR }, prefs, false);
      if (filter !== undefined) { this.fast.useFilter(filter); this.fast.useTree(this.tree); }
    }
  }

  /** The header line (`-E header=y`), without newline. */
  headerLine(): string { return this.fields.join(this.format.separator); }

  /** Appends the row of `rec` (whose decoded and analysed frame is `c`) to `out`; false (nothing
   *  written) when the filter drops it. Every record must pass here, in order. */
  rowTo(rec: CaptureRecord, c: DetailsInput, out: ByteOut): boolean {
    this.tree.point(c);
    if (this.fast !== undefined && !this.fast.matches(rec)) return false;
    const { separator, occurrence, aggregator, quote } = this.format;
    const q = quote === "d" ? "\"" : quote === "s" ? "'" : "";
    for (let i = 0; i < this.fields.length; i++) {
      if (i > 0) out.str(separator);
      const k = this.#fastCol[i]!;
      if (k >= 0) { this.fast!.columnTo(out, k); continue; }
      const list = this.tree.nodes(this.fields[i]!);
      if (list.length === 0) continue;
      let from = 0, to = list.length;
      if (occurrence === "f") to = 1; else if (occurrence === "l") from = to - 1;
      const sources = this.tree.sources;
      let s = q;
      for (let j = from; j < to; j++) s += (j > from ? aggregator : "") + fieldText(list[j]!, sources);
      out.str(s + q);
    }
    return true;
  }
}
