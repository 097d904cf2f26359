/** The options that change `-T json`'s tree: `-x` (each item's raw bytes as `<key>_raw`) and the
 *  layer filters `-j` (an item with children is expanded only when its name is listed) and `-J`
 *  (a listed top-level protocol with everything under it). What the rest of the tree becomes is
 *  tshark 4.0.17's: `{"filtered": name}` in place of the children. */
import { type DataSource, type FieldNode, fieldInfo } from "../fields/index.js";
import type { JsonPairs, JsonRaw } from "./json.js";

/** tshark 4.0's field type numbers (the `ftenum` order), as `-T json -x` writes them last. */
const FT_NUMBER: ReadonlyMap<string, number> = new Map([
  "FT_NONE", "FT_PROTOCOL", "FT_BOOLEAN", "FT_CHAR", "FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT40",
  "FT_UINT48", "FT_UINT56", "FT_UINT64", "FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT40", "FT_INT48",
  "FT_INT56", "FT_INT64", "FT_IEEE_11073_SFLOAT", "FT_IEEE_11073_FLOAT", "FT_FLOAT", "FT_DOUBLE", "FT_ABSOLUTE_TIME",
  "FT_RELATIVE_TIME", "FT_STRING", "FT_STRINGZ", "FT_UINT_STRING", "FT_ETHER", "FT_BYTES", "FT_UINT_BYTES", "FT_IPv4",
  "FT_IPv6", "FT_IPXNET", "FT_FRAMENUM", "FT_GUID", "FT_OID", "FT_EUI64", "FT_AX25", "FT_VINES", "FT_REL_OID",
  "FT_SYSTEM_ID", "FT_STRINGZPAD", "FT_FCWWN", "FT_STRINGZTRUNC",
].map((t, i) => [t, i]));

const HEX = "0123456789abcdef";
/** An item whose field has a bitmask that `tshark -G fields` does not list (another field of the
 *  same name has none): IPv6's hidden `ip.version` (mask 0xf0, as tshark 4.0.17 writes it in -x). */
// tshark 4.0 registers tcp.options.mptcp.reserved.flag twice: mask 0x3e (MP_CAPABLE v0) and 0x1e
// (v1, whose bit line starts "...").
const itemMask = (n: FieldNode): number | undefined => (n.field === "ip.version" && n.hidden === true ? 0xf0
  : n.field === "tcp.options.mptcp.reserved.flag" && n.label.startsWith("...") ? 0x1e : undefined);

/** An item's `_raw` array, or undefined when it covers no bytes (generated items) or is not a
 *  catalogue field. A field with a bitmask shows its value in hex (the bits it selects, shifted);
 *  any other the bytes it covers. */
export function rawOf(n: FieldNode, sources: readonly DataSource[]): JsonRaw | undefined {
  if (n.length <= 0 || n.field === undefined) return undefined;
  const info = fieldInfo(n.field);
  if (info === undefined) return undefined;
  const src = sources[n.source]?.bytes;
  if (src === undefined || n.offset + n.length > src.length) return undefined;
  const mask = itemMask(n) ?? (info.bitmask === "" ? 0 : Number(info.bitmask));
  let hex = "";
  if (mask !== 0 && n.value !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(n.value)) {
    hex = BigInt(n.value).toString(16).toUpperCase();
  } else {
    for (let i = n.offset; i < n.offset + n.length; i++) hex += HEX[src[i]! >> 4]! + HEX[src[i]! & 15]!;
  }
  // A protocol item with a value (the TCP options' items) is written as FT_BYTES.
  const type = info.type === "FT_PROTOCOL" && n.bytes === true ? "FT_BYTES" : info.type;
  return [hex, n.offset, n.length, mask, FT_NUMBER.get(type) ?? 0];
}

/** `-j NAMES` (match) or `-J NAMES` (top level): the names tshark's option takes, split on spaces. */
export interface LayerFilter { mode: "match" | "top"; names: ReadonlySet<string> }

/** The filter of `-j` / `-J` text; the option given last wins, as in tshark. */
export function layerFilter(mode: "match" | "top", text: string): LayerFilter {
  return { mode, names: new Set(text.split(" ").filter((s) => s !== "")) };
}

const isObject = (v: string | JsonPairs | JsonRaw): v is JsonPairs => typeof v !== "string" && (v.length !== 5 || typeof v[0] !== "string");
/** The name an object's key stands for: `ip.flags_tree` → `ip.flags`. */
const nameOf = (key: string): string => (key.endsWith("_tree") ? key.slice(0, -5) : key);

/** The layers of one packet with `f` applied. */
export function filterLayers(layers: JsonPairs, f: LayerFilter): JsonPairs {
  const walk = (p: JsonPairs): JsonPairs => p.map(([k, v]): [string, string | JsonPairs | JsonRaw] => {
    if (!isObject(v) || v.length === 0) return [k, v];
    const name = nameOf(k);
    if (!f.names.has(name)) return [k, [["filtered", name]]];
    return f.mode === "top" ? [k, v] : [k, walk(v)];
  });
  return walk(layers);
}
