/** The one field tree of a frame: every item tshark's protocol tree would hold for the layers synack
 *  decodes, with its field name, its value as tshark prints it, its -V text and the bytes it
 *  covers. `-V`, `-T json`, the web page's details pane and (off the fast path) `-T fields` and
 *  `-Y` all read this tree. Allocates per frame: it serves the frames the user asks to see. */

/** One item of the tree. */
export interface FieldNode {
  /** The -V text; generated items carry their brackets (`[Stream index: 0]`). */
  label: string;
  /** Data source the range refers to: index in `dataSources(frame)` (0 = the frame's bytes). */
  source: number;
  /** First byte covered, in the data source. */
  offset: number;
  /** Bytes covered; 0 for generated items (`[Stream index: 0]`, expert items, synack notes). */
  length: number;
  /** tshark's field name (`tcp.seq`), or undefined for a text item. */
  field?: string;
  /** The value as `-T json` prints it, for fields with a value; undefined for protocols, text
   *  items and FT_NONE fields (JSON then writes `""` or the children's object). */
  value?: string;
  /** FT_BYTES: `value` is plain hex; JSON writes it with colons, `-T fields` without. */
  bytes?: true;
  /** In JSON, `-T fields` and filters, never printed by -V (tshark's hidden items: `ip.addr`). */
  hidden?: true;
  /** A protocol (or `_ws.expert`): JSON writes its children as an object under its own name. */
  proto?: true;
  children: FieldNode[];
}

/** Backwards name: the -V tree is the field tree. */
export type TreeNode = FieldNode;

/** What the tree being built is read for; buildFieldTree sets it for the duration of one build and
 *  the builders consult it (`treeBuild.labels`, `wants`). The default is everything (-V, the page). */
export interface BuildMode {
  /** False: a field item's label may be left "" (JSON, ek and -T fields read values; text items and
   *  protocol items keep theirs). */
  labels: boolean;
  /** The only field names the reader will look up (TreeValues): builders may leave out subtrees and
   *  items none of them lives in. Undefined: every item. */
  want?: ReadonlySet<string>;
}
/** The mode of the build under way. */
export const treeBuild: { labels: boolean; want: ReadonlySet<string> | undefined } = { labels: true, want: undefined };
/** wants()'s answers for the current want set, by prefix. */
let wantCache = new Map<string, boolean>();
let wantOf: ReadonlySet<string> | undefined;
/** Sets the build mode (buildFieldTree: for one build, then back). */
export function setBuildMode(labels: boolean, want: ReadonlySet<string> | undefined): void {
  treeBuild.labels = labels; treeBuild.want = want;
  if (want !== wantOf) { wantOf = want; wantCache = new Map(); }
}
/** False only when the build is for a want set and none of its names starts with `prefix` (nor
 *  with `_ws`: expert items hang anywhere). `prefix` is a constant of the builder: the subtree or
 *  item the builder would otherwise make holds only fields named so. */
export function wants(prefix: string): boolean {
  const w = treeBuild.want;
  if (w === undefined) return true;
  let r = wantCache.get(prefix);
  if (r === undefined) {
    r = false;
    for (const n of w) if (n.startsWith(prefix) || n.startsWith("_ws")) { r = true; break; }
    wantCache.set(prefix, r);
  }
  return r;
}

/** A field over `length` bytes at `offset` of data source `source`. */
export function item(field: string, value: string | undefined, label: string, source: number, offset: number, length: number,
  children: FieldNode[] = []): FieldNode {
  const n: FieldNode = { label, source, offset, length, field, children };
  if (value !== undefined) n.value = value;
  return n;
}

/** A field whose value is bytes (FT_BYTES): `hex` without separators. */
export function bytesItem(field: string, hex: string, label: string, source: number, offset: number, length: number,
  children: FieldNode[] = []): FieldNode {
  return { label, source, offset, length, field, value: hex, bytes: true, children };
}

/** A generated field (`[label]`, no bytes). */
export function gen(field: string | undefined, value: string | undefined, label: string, children: FieldNode[] = []): FieldNode {
  // A field's label only when labels are read (a text item's always: JSON keys objects by it).
  const n: FieldNode = { label: field === undefined || treeBuild.labels ? `[${label}]` : "", source: 0, offset: 0, length: 0, children };
  if (field !== undefined) n.field = field;
  if (value !== undefined) n.value = value;
  return n;
}

/** A generated field that tshark places over bytes (`[Calculated window size]` over the window). */
export function genAt(field: string, value: string, label: string, source: number, offset: number, length: number): FieldNode {
  const n = gen(field, value, label);
  n.source = source; n.offset = offset; n.length = length;
  return n;
}

/** A hidden field: in JSON, `-T fields` and filters, not in -V. */
export function hidden(field: string, value: string | undefined, source: number, offset: number, length: number, isBytes = false): FieldNode {
  const n: FieldNode = { label: "", source, offset, length, field, hidden: true, children: [] };
  if (value !== undefined) n.value = value;
  if (isBytes) n.bytes = true;
  return n;
}

/** A text item (no field name) over a byte range. */
export function text(label: string, source: number, offset: number, length: number, children: FieldNode[] = []): FieldNode {
  return { label, source, offset, length, children };
}

/** A protocol layer (`ip`, `tcp`, `_ws.expert`). */
export function proto(field: string, label: string, source: number, offset: number, length: number, children: FieldNode[]): FieldNode {
  return { label, source, offset, length, field, proto: true, children };
}

/** `0101 .... = ` style prefix: `bits` of `width` bits, marking the bits of `mask` with the value's bits. */
export function bitLine(value: number, mask: number, width: number): string {
  // A line depends on (width, mask, value & mask) only: header flags and small fields repeat frame
  // after frame, so each distinct line is made once (numeric keys: width and mask, then the bits).
  if (width > 32 || !Number.isInteger(value) || value < 0) return bitText(value, mask, width);
  const m = width === 32 ? mask >>> 0 : (mask & (2 ** width - 1)) >>> 0;
  const outer = width * 4294967296 + m;
  let lines = BIT_LINES.get(outer);
  if (lines === undefined) {
    if (BIT_LINES.size >= BIT_LINES_MAX) BIT_LINES.clear();
    lines = new Map();
    BIT_LINES.set(outer, lines);
  }
  const bits = (value & m) >>> 0;
  let s = lines.get(bits);
  if (s === undefined) {
    if (lines.size >= BIT_LINES_MAX) lines.clear();
    s = bitText(value, mask, width);
    lines.set(bits, s);
  }
  return s;
}
/** bitLine's lines made so far, by width and mask, then by the masked bits; each map is cleared
 *  when full (a bound, STYLE §6). */
const BIT_LINES = new Map<number, Map<number, string>>();
const BIT_LINES_MAX = 1 << 14;

function bitText(value: number, mask: number, width: number): string {
  let s = "";
  for (let i = width - 1; i >= 0; i--) {
    const bit = 2 ** i;
    s += (mask & bit) !== 0 ? ((Math.floor(value / bit) & 1) !== 0 ? "1" : "0") : ".";
    if (i % 4 === 0 && i !== 0) s += " ";
  }
  return s + " = ";
}

/** Every node of `nodes` (depth first, parents before children) with `field === name`. */
export function findAll(nodes: readonly FieldNode[], name: string, out: FieldNode[] = []): FieldNode[] {
  for (const n of nodes) {
    if (n.field === name) out.push(n);
    if (n.children.length > 0) findAll(n.children, name, out);
  }
  return out;
}

/** Calls `fn` for every node, depth first, with its depth. */
export function walkTree(nodes: readonly FieldNode[], fn: (n: FieldNode, depth: number) => void, depth = 0): void {
  for (const n of nodes) {
    fn(n, depth);
    if (n.children.length > 0) walkTree(n.children, fn, depth + 1);
  }
}
