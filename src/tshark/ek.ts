/** `-T ek`: tshark 4.0's newline-delimited JSON for Elasticsearch's bulk API, read off the field
 *  tree. Per packet an index line and a document line: `{"timestamp": ms, "layers": {...}}`, each
 *  protocol an object whose items are flattened into it, keyed `<protocol>_<field>` with dots as
 *  underscores. Items of one level with the same key are grouped (first place, values as a list,
 *  their children after); booleans are JSON booleans, FT_NONE is null, absolute times ISO 8601, a
 *  text item is `"text"`, a protocol without a value is a nested object. */
import { type DetailsInput, type FieldNode, fieldInfo, isoDay } from "../fields/index.js";

type EkValue = string | boolean | null | EkValue[] | EkObject;
/** A JSON object in order (keys may repeat, as tshark writes them). */
class EkObject { readonly pairs: Array<[string, EkValue]> = []; }

const under = (s: string): string => s.replace(/\./g, "_");

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `Jul 25, 2019 20:19:00.628353000 UTC` → `2019-07-25T20:19:00.628353000Z`. */
function isoTime(v: string): string {
  const m = /^([A-Z][a-z]{2}) +(\d+), (\d+) (\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(v);
  if (m === null) return v;
  return `${m[3]}-${String(MONTHS.indexOf(m[1]!) + 1).padStart(2, "0")}-${m[2]!.padStart(2, "0")}T${m[4]}Z`;
}

/** How an item is written: its key, and its value or (a protocol without one) a nested object. */
function keyOf(n: FieldNode): { key: string; type: string } {
  if (n.field === undefined) return { key: "text", type: "" };
  const info = fieldInfo(n.field);
  const type = info?.type ?? (n.proto === true ? "FT_PROTOCOL" : "FT_STRING");
  if (type === "FT_PROTOCOL") return { key: under(n.field), type };
  // IPv6's hidden ip.version is registered by IPv6 (its key says so); other fields by their protocol.
  const owner = n.field === "ip.version" && n.hidden === true ? "ipv6" : info?.protocol ?? n.field.split(".")[0]!;
  return { key: `${under(owner)}_${under(n.field)}`, type };
}

function valueOf(n: FieldNode, type: string): EkValue {
  if (n.field === undefined) return n.label.replace(/^\[(.*)\]$/, "$1");
  if (type === "FT_NONE") return null;
  const v = n.value ?? "";
  if (type === "FT_BOOLEAN") return v !== "0" && v !== "";
  if (type === "FT_ABSOLUTE_TIME") return isoTime(v);
  if (n.bytes === true) return v.replace(/(..)(?!$)/g, "$1:");
  return v;
}

/** The items of one level (and, flattened, their children) into `out`. */
function flatten(nodes: readonly FieldNode[], out: EkObject): void {
  const groups = new Map<string, { type: string; nodes: FieldNode[] }>();
  for (const n of nodes) {
    const { key, type } = keyOf(n);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { type, nodes: [n] });
    else g.nodes.push(n);
  }
  for (const [key, g] of groups) {
    const kids = g.nodes.flatMap((n) => n.children);
    // A protocol is an object (one per item: several make a list), unless it holds bytes (the TCP options).
    if (g.type === "FT_PROTOCOL" && g.nodes.every((n) => n.bytes !== true)) {
      const objs = g.nodes.map((n) => { const o = new EkObject(); flatten(n.children, o); return o; });
      out.pairs.push([key, objs.length === 1 ? objs[0]! : objs]);
      continue;
    }
    const vals = g.nodes.map((n) => valueOf(n, g.type));
    out.pairs.push([key, vals.length === 1 ? vals[0]! : vals]);
    flatten(kids, out);
  }
}

function write(v: EkValue): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof EkObject) return `{${v.pairs.map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(",")}}`;
  return `[${v.map(write).join(",")}]`;
}

/** The two lines of one packet for `-T ek` (each ending in a line break). */
export function ekPacket(c: DetailsInput, tree: readonly FieldNode[]): string {
  const rec = c.rec;
  const layers = new EkObject();
  flatten(tree, layers);
  const ms = BigInt(rec.tsSec) * 1000n + BigInt(Math.floor(rec.tsNsec / 1e6));
  return `{"index":{"_index":"packets-${isoDay(rec.rawTime?.sec ?? rec.tsSec)}","_type":"doc"}}\n`
    + `{"timestamp":"${ms}","layers":${write(layers)}}\n`;
}
