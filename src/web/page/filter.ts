/** The filter bar: src/filter's compiler (the language of `synack read -Y`) over the
 *  fields the worker can supply from its columns and a decode of the packet's bytes. */
import { compileFilter, type FilterFieldInfo, type FilterFrame, type FilterKind, type FilterValue } from "../../filter/index.js";
import { ANALYSIS_FLAGS, flagFieldPresent, type AnalysisFlagField } from "../../analysis/index.js";
import { DecodedFrame, FrameDecoder } from "../../decode/index.js";
import { ACK_PRESENT, HAS_TCP, SEQ_PRESENT, WIN_PRESENT, type PacketStore } from "./store.js";

/** A field and how to read it for packet i. */
interface WebField extends FilterFieldInfo {
  readonly get: (c: Ctx, out: FilterValue[], at: number) => number;
}

/** Per-packet context: the store, the index, and a lazily decoded frame. */
class Ctx {
  i = 0;
  #decoded = -1;
  readonly #decoder = new FrameDecoder();
  readonly frame = new DecodedFrame();
  constructor(readonly store: PacketStore) {}
  decoded(): DecodedFrame {
    if (this.#decoded !== this.i) {
      const s = this.store, i = this.i;
      this.#decoder.decode(s.linkType.data[i]!, s.bytes(i), s.origLen.data[i]!, s.number.data[i]!, this.frame);
      this.#decoded = this.i;
    }
    return this.frame;
  }
  tcp(): number {
    const f = this.decoded();
    for (let t = 0; t < f.tcpCount; t++) if (!f.tcp[t]!.quoted) return t;
    return -1;
  }
}

const one = (out: FilterValue[], at: number, v: FilterValue): number => { out[at] = v; return 1; };
const isTcp = (c: Ctx): boolean => (c.store.tflags.data[c.i]! & HAS_TCP) !== 0;

function col(kind: FilterKind, read: (c: Ctx) => number | undefined, bytes = 4): WebField {
  return { kind, bytes, get: (c, out, at) => { const v = read(c); return v === undefined ? 0 : one(out, at, v); } };
}
function tcpCol(read: (s: PacketStore, i: number) => number, need = 0, bytes = 4, kind: FilterKind = "uint"): WebField {
  return col(kind, (c) => (isTcp(c) && (need === 0 || (c.store.tflags.data[c.i]! & need) !== 0) ? read(c.store, c.i) : undefined), bytes);
}
function tcpFlag(bit: number): WebField {
  return tcpCol((s, i) => ((s.tflags.data[i]! & bit) !== 0 ? 1 : 0), 0, 1, "bool");
}
function ipField(version: 4 | 6, which: "src" | "dst"): WebField {
  return {
    kind: version === 4 ? "ipv4" : "ipv6",
    get: (c, out, at) => {
      const f = c.decoded();
      let n = 0;
      for (let k = 0; k < f.ipCount; k++) {
        const l = f.ip[k]!;
        if (l.version !== version) continue;
        out[at + n++] = version === 4 ? (which === "src" ? l.src4 : l.dst4) : (which === "src" ? l.src : l.dst).slice();
      }
      return n;
    },
  };
}
function layer(pred: (f: DecodedFrame) => boolean): WebField {
  return { kind: "protocol", get: (c, out, at) => (pred(c.decoded()) ? one(out, at, new Uint8Array(0)) : 0) };
}
function tcpPort(which: "src" | "dst"): WebField {
  return col("uint", (c) => { const t = c.tcp(); return t < 0 ? undefined : which === "src" ? c.frame.tcp[t]!.srcPort : c.frame.tcp[t]!.dstPort; }, 2);
}

const FIELDS = new Map<string, WebField>([
  ["frame", { kind: "protocol", get: (_c, out, at) => one(out, at, new Uint8Array(0)) }],
  ["frame.number", col("uint", (c) => c.store.number.data[c.i])],
  ["frame.len", col("uint", (c) => c.store.origLen.data[c.i])],
  ["frame.cap_len", col("uint", (c) => c.store.capLen.data[c.i])],
  ["ip", layer((f) => { for (let k = 0; k < f.ipCount; k++) if (f.ip[k]!.version === 4) return true; return false; })],
  ["ipv6", layer((f) => { for (let k = 0; k < f.ipCount; k++) if (f.ip[k]!.version === 6) return true; return false; })],
  ["ip.src", ipField(4, "src")], ["ip.dst", ipField(4, "dst")],
  ["ipv6.src", ipField(6, "src")], ["ipv6.dst", ipField(6, "dst")],
  ["tcp", layer((f) => f.tcpCount > 0)],
  ["udp", layer((f) => { for (let k = 0; k < f.ipCount; k++) if (f.ip[k]!.protocol === 17) return true; return false; })],
  ["icmp", layer((f) => { for (let k = 0; k < f.ipCount; k++) if (f.ip[k]!.protocol === 1) return true; return false; })],
  ["tcp.srcport", tcpPort("src")], ["tcp.dstport", tcpPort("dst")],
  // tshark's tcp.stream: also on a frame whose only TCP header is quoted in an ICMP error.
  ["tcp.stream", col("uint", (c) => { const k = c.store.stream.data[c.i]!; return k >= 0 ? k : undefined; })],
  ["tcp.seq", tcpCol((s, i) => s.seq.data[i]!, SEQ_PRESENT)],
  ["tcp.ack", tcpCol((s, i) => s.ack.data[i]!, ACK_PRESENT)],
  ["tcp.len", col("uint", (c) => (isTcp(c) && c.store.seglen.data[c.i]! >= 0 ? c.store.seglen.data[c.i]! : undefined))],
  ["tcp.window_size", tcpCol((s, i) => s.win.data[i]!, WIN_PRESENT)],
  ["tcp.window_size_value", col("uint", (c) => { const t = c.tcp(); return t < 0 ? undefined : c.frame.tcp[t]!.windowRaw; }, 2)],
  ["tcp.hdr_len", col("uint", (c) => { const t = c.tcp(); return t < 0 ? undefined : c.frame.tcp[t]!.headerLength; }, 1)],
  ["tcp.flags", tcpCol((s, i) => s.tflags.data[i]! & 0xfff, 0, 2)],
  ["tcp.flags.fin", tcpFlag(0x001)], ["tcp.flags.syn", tcpFlag(0x002)], ["tcp.flags.reset", tcpFlag(0x004)],
  ["tcp.flags.push", tcpFlag(0x008)], ["tcp.flags.ack", tcpFlag(0x010)], ["tcp.flags.urg", tcpFlag(0x020)],
  ["tcp.flags.ece", tcpFlag(0x040)], ["tcp.flags.cwr", tcpFlag(0x080)], ["tcp.flags.ae", tcpFlag(0x100)],
  ["tcp.payload", { kind: "bytes", get: (c, out, at) => { const t = c.tcp(); return t < 0 || c.frame.tcp[t]!.payloadLength === 0 ? 0 : one(out, at, c.frame.tcp[t]!.payload()); } }],
  ["tcp.analysis.flags", { kind: "flag", get: (c, out, at) => (c.store.aflags.data[c.i]! !== 0 ? one(out, at, 1) : 0) }],
  ...ANALYSIS_FLAGS.map((f): [string, WebField] => [f.field, {
    kind: "flag", get: (c, out, at) => (flagFieldPresent(c.store.aflags.data[c.i]!, f.field as AnalysisFlagField) ? one(out, at, 1) : 0),
  }]),
]);
FIELDS.set("tcp.flags.rst", FIELDS.get("tcp.flags.reset")!);

/** Names the filter bar knows (for the hint under it). */
export const FILTER_FIELD_NAMES: readonly string[] = [...FIELDS.keys()];

export type ViewFilter =
  | { ok: true; matches: (i: number) => boolean }
  | { ok: false; message: string; column: number | undefined; length: number };

/** Compiles `text`; `matches(i)` tests packet i of `store`. */
export function compileViewFilter(text: string, store: PacketStore): ViewFilter {
  const c = compileFilter<WebField>(text, { lookup: (name) => FIELDS.get(name) });
  if (!c.ok) return { ok: false, message: c.message, column: c.column, length: c.length };
  const ctx = new Ctx(store);
  const frame: FilterFrame<WebField> = { values: (field, out, at) => field.get(ctx, out, at) };
  const filter = c.filter;
  return { ok: true, matches: (i) => { ctx.i = i; return filter.matches(frame); } };
}
