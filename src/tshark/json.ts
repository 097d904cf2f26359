/** `-T json` in tshark 4.0's shape, read off the field tree (an array of `{_index, _type, _score,
 *  _source: {layers: {frame, eth?, ip|ipv6, tcp, …}}}`, every value a string, `<field>_tree`
 *  objects, repeated keys kept as tshark writes them), and `-T ndjson`: one flat object per packet
 *  with stable field names (Wireshark's) and JSON numbers, for jq and DuckDB. */
import { tcpFlagsHex, tcpFlagsString, destinationText, sourceText } from "../decode/index.js";
import { ANALYSIS_FLAGS, type AnalysisResult, endpointStateText, flagFieldPresent, stateLabel } from "../analysis/index.js";
import { ALL_LAYERS, type BuildMode, buildFieldTree, type DataSource, dataSources, type DetailsInput, type FieldNode, isoDay }
  from "../fields/index.js";
import { ByteOut } from "./bytes-out.js";
import { filterLayers, type LayerFilter, rawOf } from "./json-options.js";

/** An ordered JSON object that may repeat keys (tshark writes `"tcp.port"` twice); a value is a
 *  string, an object, or (`-x`) a raw-value array. */
export type JsonPairs = Array<[key: string, value: string | JsonPairs | JsonRaw]>;
/** `-T json -x`: an item's `<key>_raw` array: hex, offset, length, bitmask, field type number. */
export type JsonRaw = readonly [hex: string, offset: number, length: number, bitmask: number, ftype: number];

/** What `toJsonPacket` adds or leaves out: `raw` (-x) gives every item with bytes its `_raw` array
 *  (the data sources' bytes needed); `layers` (-j / -J) filters the protocol tree. */
export interface JsonOptions {
  raw?: readonly DataSource[];
  layers?: LayerFilter;
}

const pad9 = (n: number): string => String(n).padStart(9, "0");
function secs(ns: number): string {
  const neg = ns < 0, a = Math.abs(ns), s = Math.floor(a / 1e9);
  return `${neg ? "-" : ""}${s}.${pad9(a - s * 1e9)}`;
}
/** Seconds + ns parts (any signs) as seconds with 9 decimals, exact beyond 2^53 ns. */
function secNs(sec: number, ns: number): string {
  if (sec > -9e6 && sec < 9e6) return secs(sec * 1e9 + ns);
  let t = BigInt(sec) * 1_000_000_000n + BigInt(ns);
  const neg = t < 0n;
  if (neg) t = -t;
  return `${neg ? "-" : ""}${t / 1_000_000_000n}.${pad9(Number(t % 1_000_000_000n))}`;
}
function between(sec: number, nsec: number, bSec: number, bNsec: number): string {
  return secs((sec - bSec) * 1e9 + (nsec - bNsec));
}
/** synack's own fields of one analysed header (registry names, fields.ts); empty without states. */
function synackPairs(r: AnalysisResult | undefined): Array<[string, string]> {
  if (r === undefined || !r.statesPresent) return [];
  const p: Array<[string, string]> = [
    ["synack.state.client", endpointStateText(r, "client")], ["synack.state.server", endpointStateText(r, "server")],
    ["synack.state.client_before", stateLabel(r.clientBefore)], ["synack.state.client_after", stateLabel(r.client)],
    ["synack.state.server_before", stateLabel(r.serverBefore)], ["synack.state.server_after", stateLabel(r.server)],
  ];
  if (r.phase !== "none") p.push(["synack.phase", r.phase]);
  return p;
}

/** FT_BYTES value text as -T json writes it: hex pairs joined by colons. */
function colonHex(h: string): string {
  let s = "";
  for (let i = 0; i < h.length; i += 2) s += (i === 0 ? "" : ":") + h.slice(i, i + 2);
  return s;
}

/** JSON, ek: a field's value, never its label (a text item's label is its key). */
const JSON_MODE: BuildMode = { labels: false };
/** The field tree of `c` as -T json and -T ek read it: without the fields' labels, unless `raw`
 *  (-x: rawOf tells MPTCP's two reserved-flag masks apart by the item's bit line). */
export function jsonTree(c: DetailsInput, raw = false): FieldNode[] { return raw ? buildFieldTree(c) : buildFieldTree(c, ALL_LAYERS, JSON_MODE); }

/** The JSON pairs of a list of tree nodes (one layer's children). Text items with children are
 *  keyed by their text without brackets ("Timestamps"); text items without children are left out. */
export function nodePairs(nodes: readonly FieldNode[], raw?: readonly DataSource[]): JsonPairs {
  const p: JsonPairs = [];
  for (const n of nodes) {
    if (n.field === undefined) {
      if (n.children.length > 0) p.push([n.label.replace(/^\[(.*)\]$/, "$1"), nodePairs(n.children, raw)]);
      continue;
    }
    const r = raw === undefined ? undefined : rawOf(n, raw);
    if (r !== undefined) p.push([`${n.field}_raw`, r]);
    if (n.value === undefined) {
      p.push([n.field, n.children.length > 0 ? nodePairs(n.children, raw) : ""]);
    } else {
      p.push([n.field, n.bytes === true ? colonHex(n.value) : n.value]);
      if (n.children.length > 0) p.push([`${n.field}_tree`, nodePairs(n.children, raw)]);
    }
  }
  return p;
}

/** One packet as tshark -T json's array element (ordered pairs). */
export function toJsonPacket(c: DetailsInput, tree: readonly FieldNode[] = buildFieldTree(c), o: JsonOptions = {}): JsonPairs {
  const rec = c.rec;
  let layers = nodePairs(tree, o.raw);
  if (o.layers !== undefined) layers = filterLayers(layers, o.layers);
  return [["_index", `packets-${isoDay(rec.rawTime?.sec ?? rec.tsSec)}`], ["_type", "doc"], ["_score", "\u0000null"], ["_source", [["layers", layers]]]];
}

/** `"key": ` as bytes, per key (field names and their `_tree` / `_raw` keys: a bounded set, cleared when full). */
const KEYS = new Map<string, Uint8Array>();
function keyBytes(k: string): Uint8Array {
  let b = KEYS.get(k);
  if (b === undefined) {
    if (KEYS.size >= 4096) KEYS.clear();
    const t = JSON.stringify(k) + ": ";
    const o = new ByteOut(t.length * 3);
    o.str(t);
    b = o.buf.slice(0, o.len);
    KEYS.set(k, b);
  }
  return b;
}
/** The `_tree` and `_raw` keys of a field name, made once each. */
const TREE_KEYS = new Map<string, Uint8Array>();
const RAW_KEYS = new Map<string, Uint8Array>();
function suffixKey(cache: Map<string, Uint8Array>, field: string, suffix: string): Uint8Array {
  let b = cache.get(field);
  if (b === undefined) {
    if (cache.size >= 4096) cache.clear();
    b = keyBytes(field + suffix);
    cache.set(field, b);
  }
  return b;
}

/** A JSON string as JSON.stringify writes it (`value`: with formatJsonPairs's null marker): plain
 *  printable ASCII straight into `out`, anything else through JSON.stringify. */
function jsonString(out: ByteOut, v: string, value = true): void {
  const n = v.length;
  out.ensure(n + 2);
  const b = out.buf, start = out.len;
  let o = start;
  b[o++] = 34;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) { out.len = start; out.str(value && v === "\u0000null" ? "null" : JSON.stringify(v)); return; }
    b[o++] = c;
  }
  b[o++] = 34;
  out.len = o;
}
/** An FT_BYTES value (plain hex) as -T json writes it: `"aa:bb:…"`. */
function colonHexString(out: ByteOut, h: string): void {
  const n = h.length;
  out.ensure(n + (n >> 1) + 2);
  const b = out.buf, start = out.len;
  let o = start;
  b[o++] = 34;
  for (let i = 0; i < n; i++) {
    const c = h.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) { out.len = start; jsonString(out, colonHex(h)); return; }
    if (i > 0 && (i & 1) === 0) b[o++] = 58;
    b[o++] = c;
  }
  b[o++] = 34;
  out.len = o;
}
/** A line break and `2 × depth` spaces (a byte loop: fill() costs a native call). */
function newline(out: ByteOut, depth: number): void {
  const n = 2 * depth;
  out.ensure(1 + n);
  const b = out.buf;
  let o = out.len;
  b[o++] = 10;
  for (let i = 0; i < n; i++) b[o++] = 32;
  out.len = o;
}
/** `{` (first) or `,`, a line break, `2 × depth` spaces and `key` (keyBytes): an item's start, in one pass. */
function itemStart(out: ByteOut, first: boolean, depth: number, key: Uint8Array): void {
  const n = 2 * depth, k = key.length;
  out.ensure(2 + n + k);
  const b = out.buf;
  let o = out.len;
  b[o++] = first ? 123 : 44;
  b[o++] = 10;
  for (let i = 0; i < n; i++) b[o++] = 32;
  for (let i = 0; i < k; i++) b[o++] = key[i]!;
  out.len = o;
}
/** formatRaw's text (at `depth`, the item's own level) written into `out`. */
function writeRaw(out: ByteOut, r: JsonRaw, depth: number): void {
  out.byte(91);
  for (let i = 0; i < r.length; i++) {
    if (i > 0) out.byte(44);
    newline(out, depth + 1);
    const e = r[i]!;
    if (typeof e === "string") jsonString(out, e, false); else out.str(JSON.stringify(e));
  }
  newline(out, depth);
  out.byte(93);
}

/** `formatJsonPairs(nodePairs(nodes, raw), depth)` written into `out` straight from the nodes. */
function writeNodesJson(out: ByteOut, nodes: readonly FieldNode[], depth: number, raw: readonly DataSource[] | undefined): void {
  let any = false;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!, kids = n.children, field = n.field;
    if (field === undefined) {
      if (kids.length === 0) continue;
      out.byte(any ? 44 : 123); any = true;
      newline(out, depth + 1);
      const l = n.label;
      jsonString(out, l.charCodeAt(0) === 91 ? l.replace(/^\[(.*)\]$/, "$1") : l, false);
      out.byte(58); out.byte(32);
      writeNodesJson(out, kids, depth + 1, raw);
      continue;
    }
    const r = raw === undefined ? undefined : rawOf(n, raw);
    if (r !== undefined) {
      itemStart(out, !any, depth + 1, suffixKey(RAW_KEYS, field, "_raw")); writeRaw(out, r, depth + 1);
      itemStart(out, false, depth + 1, keyBytes(field));
    } else itemStart(out, !any, depth + 1, keyBytes(field));
    any = true;
    if (n.value === undefined) {
      if (kids.length > 0) writeNodesJson(out, kids, depth + 1, raw); else { out.byte(34); out.byte(34); }
    } else {
      if (n.bytes === true) colonHexString(out, n.value); else jsonString(out, n.value);
      if (kids.length > 0) {
        itemStart(out, false, depth + 1, suffixKey(TREE_KEYS, field, "_tree"));
        writeNodesJson(out, kids, depth + 1, raw);
      }
    }
  }
  if (!any) { out.byte(123); out.byte(125); return; }
  newline(out, depth);
  out.byte(125);
}

/** `formatJsonPairs(toJsonPacket(c, tree, o), depth)` written into `out`: one packet of `read -T json`
 *  straight from the field tree into the output bytes (no pairs, no strings per packet). The layer
 *  filters (-j / -J) go through the pairs. */
export function writeJsonPacket(out: ByteOut, c: DetailsInput, tree: readonly FieldNode[] = buildFieldTree(c), o: JsonOptions = {}, depth = 1): void {
  if (o.layers !== undefined) { out.str(formatJsonPairs(toJsonPacket(c, tree, o), depth)); return; }
  const rec = c.rec;
  out.byte(123); newline(out, depth + 1);
  out.ascii(keyBytes("_index")); jsonString(out, `packets-${isoDay(rec.rawTime?.sec ?? rec.tsSec)}`); out.byte(44); newline(out, depth + 1);
  out.ascii(keyBytes("_type")); jsonString(out, "doc"); out.byte(44); newline(out, depth + 1);
  out.ascii(keyBytes("_score")); out.str("null,"); newline(out, depth + 1);
  out.ascii(keyBytes("_source")); out.byte(123); newline(out, depth + 2);
  out.ascii(keyBytes("layers")); writeNodesJson(out, tree, depth + 2, o.raw);
  newline(out, depth + 1); out.byte(125);
  newline(out, depth); out.byte(125);
}

/** Serialises pairs like tshark: two-space indentation, `"key": value`, repeated keys kept. */
export function formatJsonPairs(p: JsonPairs, indent = 0): string {
  if (p.length === 0) return "{}";
  const pad = "  ".repeat(indent + 1);
  const parts = p.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${typeof v === "string"
    ? (v === "\u0000null" ? "null" : JSON.stringify(v)) : isRaw(v) ? formatRaw(v, indent + 1) : formatJsonPairs(v, indent + 1)}`);
  return `{\n${parts.join(",\n")}\n${"  ".repeat(indent)}}`;
}

function isRaw(v: JsonPairs | JsonRaw): v is JsonRaw { return v.length === 5 && typeof v[0] === "string"; }
/** A `_raw` array, one element a line as tshark writes it. */
function formatRaw(v: JsonRaw, indent: number): string {
  const pad = "  ".repeat(indent + 1);
  return `[\n${v.map((e) => pad + JSON.stringify(e)).join(",\n")}\n${"  ".repeat(indent)}]`;
}

/** The data sources `JsonOptions.raw` needs for frame `c` (the frame's bytes and any reassembled ones). */
export function jsonRawSources(c: DetailsInput): readonly DataSource[] { return dataSources(c.frame); }

/** One packet for `-T ndjson`: flat, stable Wireshark field names, numbers as numbers, the first TCP
 *  header only, analysis flags as a list of names. */
export function toNdjsonPacket(c: DetailsInput & { info?: string }): Record<string, unknown> {
  const f = c.frame, rec = c.rec;
  const o: Record<string, unknown> = {
    "frame.number": rec.index, "frame.time_epoch": `${rec.tsSec}.${pad9(rec.tsNsec)}`,
    "frame.time_relative": between(rec.tsSec, rec.tsNsec, c.firstSec, c.firstNsec), "frame.len": rec.originalLength,
    "frame.cap_len": f.bytes.length,
  };
  let ip = undefined;
  for (let i = f.ipCount - 1; i >= 0; i--) if (!f.ip[i]!.quoted) { ip = f.ip[i]!; break; }
  if (ip !== undefined) {
    const v = ip.version === 4 ? "ip" : "ipv6";
    o[`${v}.src`] = sourceText(ip); o[`${v}.dst`] = destinationText(ip);
  }
  if (f.tcpCount > 0) {
    const t = f.tcp[0]!, r = c.results[0];
    o["tcp.srcport"] = t.srcPort; o["tcp.dstport"] = t.dstPort;
    if (r !== undefined) { o["tcp.stream"] = r.stream; o["tcp.completeness"] = r.completeness; }
    if (t.seglen >= 0) o["tcp.len"] = t.seglen;
    o["tcp.seq"] = r !== undefined ? r.seq : t.seqRaw; o["tcp.seq_raw"] = t.seqRaw;
    if (r !== undefined && r.nxtseqPresent) o["tcp.nxtseq"] = r.nxtseq;
    o["tcp.ack"] = r !== undefined ? r.ack : t.ackRaw; o["tcp.ack_raw"] = t.ackRaw;
    o["tcp.hdr_len"] = t.headerLength; o["tcp.flags"] = tcpFlagsHex(t.flags); o["tcp.flags.str"] = tcpFlagsString(t.flags);
    o["tcp.window_size_value"] = t.windowRaw;
    if (r !== undefined && r.windowPresent) o["tcp.window_size"] = r.windowSize;
    if (r !== undefined && r.scaleFactorPresent) o["tcp.window_size_scalefactor"] = r.scaleFactor;
    if (r !== undefined && r.timePresent) { o["tcp.time_relative"] = secs(r.timeRelativeNs); o["tcp.time_delta"] = secs(r.timeDeltaNs); }
    if (r !== undefined && r.analysisPresent) {
      if (r.acksFrame !== 0) o["tcp.analysis.acks_frame"] = r.acksFrame;
      if (r.ackRttNs !== 0) o["tcp.analysis.ack_rtt"] = secNs(r.ackRttSec, r.ackRttSubNs);
      if (r.initialRttNs !== 0) o["tcp.analysis.initial_rtt"] = secs(r.initialRttNs);
      if (r.bytesInFlight !== 0) o["tcp.analysis.bytes_in_flight"] = r.bytesInFlight;
      const flags: string[] = [];
      for (const { field } of ANALYSIS_FLAGS) if (flagFieldPresent(r.flags, field)) flags.push(field);
      if (flags.length > 0) o["tcp.analysis.flags"] = flags;
    }
    for (const [k, v] of synackPairs(r)) o[k] = v;
  }
  if (c.info !== undefined && c.info !== "") o["_ws.col.Info"] = c.info;
  return o;
}
