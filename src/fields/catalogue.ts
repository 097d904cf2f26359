/** Every field name synack knows: tshark 4.0.17's fields of the layers it decodes (name, type,
 *  protocol, base, bitmask, from scripts/make-field-table.sh) and synack's own `synack.*` fields.
 *  Behind `synack fields [PREFIX]` / `read -G fields`, the filter's field types and `-e` checks. */
import { TSHARK_FIELDS } from "./tshark-fields.js";
import { FIELDS, isSynackField } from "./registry.js";

/** One field of the catalogue. */
export interface FieldInfo {
  /** tshark's abbreviation: `tcp.seq`. */
  readonly abbrev: string;
  /** `FT_UINT32`, `FT_BOOLEAN`, `FT_PROTOCOL`, … */
  readonly type: string;
  readonly protocol: string;
  /** `BASE_DEC`, `BASE_HEX`, a boolean's bit width (`12`), or "". */
  readonly base: string;
  readonly bitmask: string;
  /** The field's name as -V labels it ("Sequence Number"), or our own words for synack.*. */
  readonly name: string;
}

let table: Map<string, FieldInfo> | undefined;

/** The catalogue, parsed on first use. */
export function fieldCatalogue(): ReadonlyMap<string, FieldInfo> {
  if (table !== undefined) return table;
  const t = new Map<string, FieldInfo>();
  for (const line of TSHARK_FIELDS.split("\n")) {
    if (line === "") continue;
    const [abbrev, type, protocol, base, bitmask, name] = line.split("\t") as [string, string, string, string, string, string];
    if (!t.has(abbrev)) t.set(abbrev, { abbrev, type, protocol, base, bitmask, name });
  }
  if (!t.has("synack")) t.set("synack", { abbrev: "synack", type: "FT_PROTOCOL", protocol: "synack", base: "", bitmask: "0x0", name: "synack: endpoint states and connection phase" });
  for (const [abbrev, def] of Object.entries(FIELDS)) {
    if (isSynackField(abbrev)) t.set(abbrev, { abbrev, type: "FT_STRING", protocol: "synack", base: "", bitmask: "0x0", name: def.doc });
  }
  table = t;
  return t;
}

/** The field called `abbrev`, if synack knows it. */
export function fieldInfo(abbrev: string): FieldInfo | undefined { return fieldCatalogue().get(abbrev); }

/** `tshark -G fields` lines (P for protocols, F for fields) of the fields starting with `prefix`. */
export function glossaryLines(prefix = ""): string[] {
  const out: string[] = [];
  for (const f of fieldCatalogue().values()) {
    if (!f.abbrev.startsWith(prefix)) continue;
    out.push(f.type === "FT_PROTOCOL" ? `P\t${f.name}\t${f.abbrev}`
      : `F\t${f.name}\t${f.abbrev}\t${f.type}\t${f.protocol}\t${f.base}\t${f.bitmask}\t`);
  }
  return out;
}
