/** `-Y` display filters over the `-T fields` rows' own values (FieldRows.useFilter): the field
 *  names the fast path knows, where each one's values come from, and the frame the filter engine reads. */
import type { DecodedFrame } from "../decode/index.js";
import { fieldId, FIELDS } from "../fields/registry.js";
import { fieldInfo } from "../fields/catalogue.js";
import { compileFilter, type CompileResult, type DisplayFilter, type FilterFieldInfo, type FilterFields,
  type FilterFrame, type FilterKind, type FilterValue, FILTER_ALIASES } from "../filter/index.js";
import { textFilterFields } from "../filter/adapter.js";
import { tokenize } from "../filter/parse.js";
import { parseByteString } from "../filter/literals.js";

// Display filters over the rows' own values (docs/filters.md). Registry fields are read from the
// per-frame occurrence lists by numeric id (numbers stay numbers); addresses, protocols and the
// payload are read straight from the decoded frame.

/** Where a filter field's values come from. */
const SRC_VALS = 0, SRC_IP4_SRC = 1, SRC_IP4_DST = 2, SRC_IP6_SRC = 3, SRC_IP6_DST = 4, SRC_FRAME = 5, SRC_ETH = 6,
  SRC_IP = 7, SRC_IPV6 = 8, SRC_TCP = 9, SRC_UDP = 10, SRC_ICMP = 11, SRC_ARP = 12, SRC_PAYLOAD = 13, SRC_EXPERT = 14;
/** A field outside the fast adapter: its values come from the frame's field tree (tree-rows.ts). */
export const SRC_TREE = 15;

/** Where the values of SRC_TREE fields come from for the current frame (TreeValues). */
export interface TreeFilterSource {
  values(f: RowFilterField, out: FilterValue[], at: number): number;
}

/** A filter field as FieldRows serves it. */
export interface RowFilterField extends FilterFieldInfo {
  readonly name: string;
  /** Registry field id whose values are read (SRC_VALS, SRC_EXPERT), else −1. */
  readonly id: number;
  /** Non-zero: one bit of a numeric field (tcp.flags.syn …). */
  readonly bit: number;
  /** One of the SRC_* sources. */
  readonly src: number;
  /** Protocols: the filter compares the layer's bytes (else only its presence counts). */
  readonly bytesNeeded: boolean;
  /** SRC_TREE fields: tshark's type (`FT_UINT8`, `FT_ETHER`, …) from the catalogue. */
  readonly ftype?: string;
}

const PROTOCOL_SRC: ReadonlyMap<string, number> = new Map([
  ["frame", SRC_FRAME], ["eth", SRC_ETH], ["ip", SRC_IP], ["ipv6", SRC_IPV6], ["tcp", SRC_TCP], ["udp", SRC_UDP],
  ["icmp", SRC_ICMP], ["arp", SRC_ARP],
]);
const ADDRESS_SRC: ReadonlyMap<string, number> = new Map([
  ["ip.src", SRC_IP4_SRC], ["ip.dst", SRC_IP4_DST], ["ipv6.src", SRC_IP6_SRC], ["ipv6.dst", SRC_IP6_DST],
]);
const TEXT_FIELDS = textFilterFields(FIELDS);

/** The names `-Y` knows: the registry (but not `_ws.col.*`, which tshark 4.0 cannot filter on),
 *  the protocols frame eth ip ipv6 tcp udp icmp arp and _ws.expert, the tcp.flags bits and tcp.payload. `text` is the filter (protocols it compares get their bytes).
 *  `tree`: any other field of the catalogue too, read from the field tree (SRC_TREE, FieldRows.useTree). */
export function rowFilterFields(text: string, tree = false): FilterFields<RowFilterField> {
  const compared = new Set<string>();
  try {
    const toks = tokenize(text);
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.kind !== "word" || !PROTOCOL_SRC.has(t.text)) continue;
      const near = [toks[i - 1], toks[i + 1]];
      if (near.some((n) => n !== undefined && (n.kind === "op" ? /^(==|!=|===|!==|~=|<|>|<=|>=|&)$/.test(n.text)
        : n.kind === "word" && /^(eq|ne|lt|gt|le|ge|contains|any_eq|all_ne|all_eq|any_ne)$/.test(n.text)))) compared.add(t.text);
    }
  } catch { /* compileFilter reports it */ }
  const cache = new Map<string, RowFilterField | undefined>();
  const make = (name: string): RowFilterField | undefined => {
    const p = PROTOCOL_SRC.get(name);
    if (p !== undefined) return { name, kind: "protocol", id: -1, bit: 0, src: p, bytesNeeded: compared.has(name) };
    if (name === "tcp.payload") return { name, kind: "bytes", id: -1, bit: 0, src: SRC_PAYLOAD, bytesNeeded: true };
    // One _ws.expert per expert item; columns are not fields in tshark 4.0 filters.
    if (name === "_ws.expert") return { name, kind: "protocol", id: fieldId("_ws.expert.severity"), bit: 0, src: SRC_EXPERT, bytesNeeded: false };
    if (name.startsWith("_ws.col.")) return undefined;
    const t = TEXT_FIELDS.lookup(name);
    if (t === undefined) {
      // An alias of two fast fields (tcp.port) stays fast: the compiler expands it.
      const alias = FILTER_ALIASES.get(name);
      if (!tree || (alias !== undefined && TEXT_FIELDS.lookup(alias[0]) !== undefined && TEXT_FIELDS.lookup(alias[1]) !== undefined)) return undefined;
      return treeFilterField(name);
    }
    const src = ADDRESS_SRC.get(name) ?? SRC_VALS;
    const base = { name, kind: t.kind, id: fieldId(t.source), bit: t.bit, src, bytesNeeded: false };
    return t.bytes === undefined ? base : { ...base, bytes: t.bytes };
  };
  return {
    lookup(name: string): RowFilterField | undefined {
      if (!cache.has(name)) cache.set(name, make(name));
      return cache.get(name);
    },
  };
}

/** Compiles a `-Y` filter for `FieldRows.useFilter`; `tree`: fields outside the fast adapter are
 *  read from the field tree (the rows then need `useTree`). */
export function compileRowFilter(text: string, tree = false): CompileResult<RowFilterField> {
  return compileFilter(text, rowFilterFields(text, tree));
}

/** The filter reads some field from the field tree. */
export function filterReadsTree(filter: DisplayFilter<RowFilterField>): boolean {
  return filter.fields.some((f) => f.src === SRC_TREE);
}

/** FT_* integer widths in bytes. */
const FT_WIDTH: Readonly<Record<string, number>> = {
  FT_UINT8: 1, FT_UINT16: 2, FT_UINT24: 3, FT_UINT32: 4, FT_UINT40: 5, FT_UINT48: 6, FT_UINT56: 7, FT_UINT64: 8,
  FT_INT8: 1, FT_INT16: 2, FT_INT24: 3, FT_INT32: 4, FT_INT40: 5, FT_INT48: 6, FT_INT56: 7, FT_INT64: 8,
  FT_FRAMENUM: 4, FT_CHAR: 1,
};

/** The filter kind of a tshark field type. */
export function filterKindOf(ftype: string): FilterKind {
  if (ftype.startsWith("FT_UINT") && ftype !== "FT_UINT_BYTES" && ftype !== "FT_UINT_STRING") return "uint";
  if (ftype === "FT_FRAMENUM" || ftype === "FT_CHAR") return "uint";
  if (ftype.startsWith("FT_INT")) return "int";
  switch (ftype) {
    case "FT_BOOLEAN": return "bool";
    case "FT_NONE": return "flag";
    case "FT_PROTOCOL": return "protocol";
    case "FT_IPv4": return "ipv4";
    case "FT_IPv6": return "ipv6";
    case "FT_RELATIVE_TIME": return "time";
    case "FT_ABSOLUTE_TIME": return "abstime";
    case "FT_FLOAT": case "FT_DOUBLE": return "float";
    case "FT_STRING": case "FT_STRINGZ": case "FT_STRINGZPAD": case "FT_STRINGZTRUNC": case "FT_UINT_STRING": return "string";
    case "FT_ETHER": return "ether";
    default: return "bytes";
  }
}

/** A catalogue field as a SRC_TREE filter field, or undefined for a name synack does not know. */
function treeFilterField(name: string): RowFilterField | undefined {
  const info = fieldInfo(name);
  if (info === undefined || name.startsWith("_ws.col.")) return undefined;
  const kind = filterKindOf(info.type);
  const base = { name, kind, id: -1, bit: 0, src: SRC_TREE, bytesNeeded: true, ftype: info.type };
  const w = FT_WIDTH[info.type];
  return w === undefined ? base : { ...base, bytes: w };
}

const NO_BYTES = new Uint8Array(0);

/** The current frame of a FieldRows, as the filter engine reads it. */
export class RowFilterFrame implements FilterFrame<RowFilterField> {
  /** The field tree's values of the current frame (SRC_TREE fields), set by FieldRows.useTree. */
  tree: TreeFilterSource | undefined;
  constructor(private readonly vals: ReadonlyArray<ReadonlyArray<string | number>>, private readonly frame: DecodedFrame) {}

  values(f: RowFilterField, out: FilterValue[], at: number): number {
    const fr = this.frame;
    switch (f.src) {
      case SRC_TREE: return this.tree === undefined ? 0 : this.tree.values(f, out, at);
      case SRC_VALS: {
        const v = this.vals[f.id]!;
        const n = v.length;
        for (let i = 0; i < n; i++) {
          const x = v[i]!;
          out[at + i] = typeof x === "number" ? (f.bit !== 0 ? ((x & f.bit) !== 0 ? 1 : 0) : x) : textValue(f, x);
        }
        return n;
      }
      case SRC_IP4_SRC: case SRC_IP4_DST: case SRC_IP6_SRC: case SRC_IP6_DST: {
        const v4 = f.src === SRC_IP4_SRC || f.src === SRC_IP4_DST, src = f.src === SRC_IP4_SRC || f.src === SRC_IP6_SRC;
        let n = 0;
        for (let k = 0; k < fr.ipCount; k++) {
          const l = fr.ip[k]!;
          if ((l.version === 4) !== v4) continue;
          out[at + n++] = v4 ? (src ? l.src4 : l.dst4) : (src ? l.src : l.dst);
        }
        return n;
      }
      case SRC_FRAME: out[at] = fr.bytes; return 1;
      case SRC_EXPERT: {
        const n = this.vals[f.id]!.length;
        for (let i = 0; i < n; i++) out[at + i] = NO_BYTES;
        return n;
      }
      case SRC_ETH: if (fr.linkType !== 1) return 0; out[at] = fr.bytes; return 1;
      case SRC_ARP: return arpAt(fr) < 0 ? 0 : (out[at] = f.bytesNeeded ? fr.bytes.subarray(arpAt(fr)) : NO_BYTES, 1);
      case SRC_IP: case SRC_IPV6: case SRC_UDP: case SRC_ICMP: {
        let n = 0;
        for (let k = 0; k < fr.ipCount; k++) {
          const l = fr.ip[k]!;
          let from: number;
          if (f.src === SRC_IP || f.src === SRC_IPV6) {
            if (l.version !== (f.src === SRC_IP ? 4 : 6)) continue;
            from = l.offset;
          } else {
            if (l.fragment || l.protocol !== (f.src === SRC_UDP ? 17 : 1) || (f.src === SRC_ICMP && l.version !== 4)) continue;
            from = l.offset + l.headerLength;
          }
          const end = Math.min(l.bytes.length, l.offset + l.headerLength + l.payloadLength);
          out[at + n++] = f.bytesNeeded ? l.bytes.subarray(Math.min(from, end), end) : NO_BYTES;
        }
        return n;
      }
      case SRC_TCP: {
        for (let k = 0; k < fr.tcpCount; k++) {
          const t = fr.tcp[k]!;
          out[at + k] = f.bytesNeeded ? t.bytes.subarray(t.offset, t.offset + t.capturedLength) : NO_BYTES;
        }
        return fr.tcpCount;
      }
      case SRC_PAYLOAD: {
        let n = 0;
        for (let k = 0; k < fr.tcpCount; k++) {
          const t = fr.tcp[k]!;
          if (t.quoted || t.payloadLength <= 0) continue;
          out[at + n++] = t.payload();
        }
        return n;
      }
      default: return 0;
    }
  }
}

/** A text occurrence (times, strings, byte fields) as the filter value of its kind. */
function textValue(f: RowFilterField, s: string): FilterValue {
  switch (f.kind) {
    case "uint": case "int": case "time": case "float": case "bool": return Number(s);
    case "bytes": return parseByteString(s) ?? NO_BYTES;
    case "flag": return NO_BYTES;
    default: return s;
  }
}

/** Offset of an ARP header in an Ethernet (optionally 802.1Q-tagged), Linux cooked or ARCNET frame, or −1. */
function arpAt(fr: DecodedFrame): number {
  const b = fr.bytes;
  if (fr.linkType === 1 && b.length >= 14) {
    let at = 12;
    while (at + 4 <= b.length && ((b[at]! << 8) | b[at + 1]!) === 0x8100) at += 4;
    return at + 2 <= b.length && ((b[at]! << 8) | b[at + 1]!) === 0x0806 ? at + 2 : -1;
  }
  if (fr.linkType === 113 && b.length >= 16) return ((b[14]! << 8) | b[15]!) === 0x0806 ? 16 : -1;
  if (fr.linkType === 7 || fr.linkType === 129) {
    // ARCNET: protocol byte 0xF1 (RFC 1051 ARP, header follows) or 0xD5 (RFC 1201 ARP, after 3 more bytes).
    const at = fr.linkType === 7 ? 2 : 4;
    if (b.length <= at) return -1;
    return b[at] === 0xf1 ? at + 1 : b[at] === 0xd5 ? Math.min(b.length, at + 4) : -1;
  }
  return -1;
}
