/** Bridges a field registry whose per-frame values are text (the `-T fields` strings) to the
 *  filter engine: kinds and widths for the messages, protocol names, flag bits, and the
 *  conversion of each text value when a filter reads it. */
import { parseIpv4, parseIpv6 } from "./literals.js";
import type { FilterFieldInfo, FilterFields, FilterFrame, FilterKind, FilterValue } from "./types.js";

/** A field as the text adapter sees it: `source` is the registry field whose text values it
 *  reads; `bit` (non-zero) picks one bit of a numeric source (flag bits such as tcp.flags.syn). */
export interface TextFieldInfo extends FilterFieldInfo {
  readonly name: string;
  readonly source: string;
  readonly bit: number;
  /** How the source text is written: decimal, `0x` hex, or anything else (by kind). */
  readonly format: "dec" | "hex" | "other";
}

/** Registry kinds (src/fields/registry.ts FieldKind) → filter kind and text format. */
const KIND_MAP: Readonly<Record<string, readonly [FilterKind, TextFieldInfo["format"]]>> = {
  uint: ["uint", "dec"], int: ["int", "dec"], ipv4: ["ipv4", "other"], ipv6: ["ipv6", "other"],
  abs_time: ["time", "other"], rel_time: ["time", "other"], hex16: ["uint", "hex"],
  string: ["string", "other"], bytes: ["bytes", "other"], none: ["flag", "other"],
};

/** Widths of the registry's integer fields narrower than 4 bytes (tshark 4.0.17 `-G fields`). */
const WIDTHS: ReadonlyMap<string, number> = new Map([
  ["tcp.srcport", 2], ["tcp.dstport", 2], ["tcp.completeness", 1], ["tcp.hdr_len", 1], ["tcp.flags", 2],
  ["tcp.window_size_value", 2], ["tcp.checksum.status", 1], ["tcp.urgent_pointer", 2], ["tcp.option_kind", 1],
  ["tcp.options.mss_val", 2], ["tcp.options.wscale.shift", 1], ["tcp.options.wscale.multiplier", 2],
  ["tcp.options.sack.count", 1], ["udp.srcport", 2], ["udp.dstport", 2], ["ip.ttl", 1],
]);

/** Protocol names and the registry field whose presence marks the layer (one per occurrence). */
const PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ["frame", "frame.number"], ["ip", "ip.src"], ["ipv6", "ipv6.src"], ["tcp", "tcp.srcport"],
]);

/** tcp.flags bits by name (RFC 9293 §3.1, RFC 3168 §23.2; tshark 4.0 names). */
const TCP_FLAG_BITS: ReadonlyMap<string, number> = new Map([
  ["tcp.flags.res", 0xe00], ["tcp.flags.ae", 0x100], ["tcp.flags.cwr", 0x080], ["tcp.flags.ece", 0x040],
  ["tcp.flags.urg", 0x020], ["tcp.flags.ack", 0x010], ["tcp.flags.push", 0x008], ["tcp.flags.reset", 0x004],
  ["tcp.flags.syn", 0x002], ["tcp.flags.fin", 0x001],
]);

/** The filter's view of a text registry such as FIELDS: every registered name, plus the
 *  protocols `frame ip ipv6 tcp` (present when their marker field is) and the tcp.flags bits. */
export function textFilterFields(registry: Readonly<Record<string, { readonly kind: string }>>): FilterFields<TextFieldInfo> {
  const cache = new Map<string, TextFieldInfo | undefined>();
  const has = (n: string): boolean => Object.hasOwn(registry, n);
  const make = (name: string): TextFieldInfo | undefined => {
    if (has(name)) {
      const m = KIND_MAP[registry[name]!.kind];
      if (m === undefined) return undefined;
      const w = WIDTHS.get(name);
      return w === undefined ? { name, kind: m[0], source: name, bit: 0, format: m[1] }
        : { name, kind: m[0], bytes: w, source: name, bit: 0, format: m[1] };
    }
    const marker = PROTOCOLS.get(name);
    if (marker !== undefined && has(marker)) return { name, kind: "protocol", source: marker, bit: 0, format: "other" };
    const bit = TCP_FLAG_BITS.get(name);
    if (bit !== undefined && has("tcp.flags")) {
      const format = KIND_MAP[registry["tcp.flags"]!.kind]?.[1] ?? "hex";
      return { name, kind: "bool", source: "tcp.flags", bit, format };
    }
    return undefined;
  };
  return {
    lookup(name: string): TextFieldInfo | undefined {
      if (!cache.has(name)) cache.set(name, make(name));
      return cache.get(name);
    },
  };
}

/** One frame's text values: every occurrence of a registry field, in order. */
export interface TextValues {
  texts(name: string): readonly string[];
}

const EMPTY = new Uint8Array(0);

/** A FilterFrame over text values. Point `current` at each frame's values before matching.
 *  Numbers and IPv4 addresses convert without allocating; IPv6 and bytes allocate. */
export class TextFilterFrame implements FilterFrame<TextFieldInfo> {
  current: TextValues = { texts: () => [] };

  values(field: TextFieldInfo, out: FilterValue[], at: number): number {
    const texts = this.current.texts(field.source);
    const n = texts.length;
    for (let i = 0; i < n; i++) out[at + i] = convert(field, texts[i]!);
    return n;
  }
}

/** One text value as the filter value of `field`'s kind. */
function convert(field: TextFieldInfo, s: string): FilterValue {
  switch (field.kind) {
    case "uint": case "int": case "bool": {
      const v = field.format === "hex" ? parseInt(s, 16) : Number(s);
      return field.bit !== 0 ? ((v & field.bit) !== 0 ? 1 : 0) : v;
    }
    case "time": case "abstime": case "float": return Number(s);
    case "ipv4": return parseIpv4(s) ?? Number.NaN;
    case "ipv6": return parseIpv6(s) ?? EMPTY;
    case "string": return s;
    case "bytes": case "ether": {
      const hex = s.replace(/[^0-9a-fA-F]/g, "");
      const b = new Uint8Array(hex.length >> 1);
      for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      return b;
    }
    case "flag": case "protocol": return EMPTY;
  }
}
