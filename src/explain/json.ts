/** `-T json` in tshark 4.0's shape for the fields we have (an array of `{_index, _type, _score,
 *  _source: {layers: {frame, eth?, ip|ipv6, tcp}}}`, every value a string, `<field>_tree` objects,
 *  repeated keys kept as tshark writes them), and `-T ndjson`: one flat object per packet with stable
 *  field names (Wireshark's) and JSON numbers, for jq and DuckDB. */
import type { DecodedFrame } from "../decode/index.js";
import { tcpFlagsHex, tcpFlagsString, tcpOptions } from "../decode/index.js";
import { ANALYSIS_FLAGS, type AnalysisResult, endpointStateText, flagFieldPresent, stateLabel } from "../analysis/index.js";
import type { DetailsInput } from "./tree.js";
import { destinationText, sourceText } from "./summary.js";

/** An ordered JSON object that may repeat keys (tshark writes `"tcp.port"` twice). */
export type JsonPairs = Array<[key: string, value: string | JsonPairs]>;

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

const hexColon = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");

/** The TCP layer's pairs (fields present in tshark 4.0 for this header). */
function tcpPairs(f: DecodedFrame, i: number, r: AnalysisResult | undefined): JsonPairs {
  const t = f.tcp[i]!;
  const p: JsonPairs = [["tcp.srcport", String(t.srcPort)], ["tcp.dstport", String(t.dstPort)],
    ["tcp.port", String(t.srcPort)], ["tcp.port", String(t.dstPort)]];
  if (r !== undefined) p.push(["tcp.stream", String(r.stream)], ["tcp.completeness", String(r.completeness)]);
  if (t.seglen >= 0) p.push(["tcp.len", String(t.seglen)]);
  p.push(["tcp.seq", String(r !== undefined ? r.seq : t.seqRaw)]);
  if (!t.quoted) p.push(["tcp.seq_raw", String(t.seqRaw)]);
  if (r !== undefined && r.nxtseqPresent) p.push(["tcp.nxtseq", String(r.nxtseq)]);
  p.push(["tcp.ack", String(r !== undefined ? r.ack : t.ackRaw)], ["tcp.ack_raw", String(t.ackRaw)],
    ["tcp.hdr_len", String(t.headerLength)], ["tcp.flags", tcpFlagsHex(t.flags)]);
  const fl = t.flags;
  const bit = (m: number): string => ((fl & m) !== 0 ? "1" : "0");
  p.push(["tcp.flags_tree", [["tcp.flags.res", (fl & 0xe00) !== 0 ? "1" : "0"], ["tcp.flags.ae", bit(0x100)],
    ["tcp.flags.cwr", bit(0x80)], ["tcp.flags.ece", bit(0x40)], ["tcp.flags.urg", bit(0x20)], ["tcp.flags.ack", bit(0x10)],
    ["tcp.flags.push", bit(0x8)], ["tcp.flags.reset", bit(0x4)], ["tcp.flags.syn", bit(0x2)], ["tcp.flags.fin", bit(0x1)],
    ["tcp.flags.str", tcpFlagsString(fl)]]]);
  p.push(["tcp.window_size_value", String(t.windowRaw)]);
  if (r !== undefined && r.windowPresent) p.push(["tcp.window_size", String(r.windowSize)]);
  if (r !== undefined && r.scaleFactorPresent) p.push(["tcp.window_size_scalefactor", String(r.scaleFactor)]);
  p.push(["tcp.checksum", `0x${t.checksum.toString(16).padStart(4, "0")}`], ["tcp.checksum.status", "2"],
    ["tcp.urgent_pointer", String(t.urgent)]);
  if (t.optionsLength > 0) {
    const opts = t.options();
    p.push(["tcp.options", hexColon(opts)]);
    const tree: JsonPairs = [];
    for (const o of tcpOptions(opts, t.optionsLength).options) {
      const name = `tcp.options.${o.type === "unknown" ? "unknown" : o.type}`;
      const sub: JsonPairs = [["tcp.option_kind", String(o.kind)]];
      if (o.len > 1) sub.push(["tcp.option_len", String(o.len)]);
      if (o.type === "mss" && o.value !== undefined) sub.push(["tcp.options.mss_val", String(o.value)]);
      if (o.type === "wscale" && o.shift !== undefined) {
        sub.push(["tcp.options.wscale.shift", String(o.shift)], ["tcp.options.wscale.multiplier", String(2 ** Math.min(o.shift, 14))]);
      }
      if (o.type === "timestamp" && o.tsval !== undefined) {
        sub.push(["tcp.options.timestamp.tsval", String(o.tsval)], ["tcp.options.timestamp.tsecr", String(o.tsecr)]);
      }
      if (o.type === "sack") {
        const base = r !== undefined && r.relative ? r.ackBase : 0;
        for (let b = 0; b < o.count; b++) {
          sub.push(["tcp.options.sack_le", String((o.edges[2 * b]! - base) >>> 0)], ["tcp.options.sack_re", String((o.edges[2 * b + 1]! - base) >>> 0)]);
        }
        sub.push(["tcp.options.sack.count", String(o.count)]);
      }
      tree.push([name, hexColon(opts.subarray(o.at, o.at + o.len))], [`${name}_tree`, sub]);
    }
    p.push(["tcp.options_tree", tree]);
  }
  if (r !== undefined && r.timePresent) {
    p.push(["Timestamps", [["tcp.time_relative", secs(r.timeRelativeNs)], ["tcp.time_delta", secs(r.timeDeltaNs)]]]);
  }
  if (r !== undefined && r.analysisPresent) {
    const a: JsonPairs = [];
    if (r.acksFrame !== 0) { a.push(["tcp.analysis.acks_frame", String(r.acksFrame)]); if (r.ackRttNs !== 0) a.push(["tcp.analysis.ack_rtt", secNs(r.ackRttSec, r.ackRttSubNs)]); }
    if (r.initialRttNs !== 0) a.push(["tcp.analysis.initial_rtt", secs(r.initialRttNs)]);
    if (r.bytesInFlight !== 0) a.push(["tcp.analysis.bytes_in_flight", String(r.bytesInFlight)], ["tcp.analysis.push_bytes_sent", String(r.pushBytesSent)]);
    if (r.flags !== 0) {
      const fl2: JsonPairs = [];
      for (const { field } of ANALYSIS_FLAGS) if (flagFieldPresent(r.flags, field)) fl2.push([field, ""]);
      a.push(["tcp.analysis.flags", fl2]);
    }
    if (r.dupAckNum !== 0) a.push(["tcp.analysis.duplicate_ack_num", String(r.dupAckNum)], ["tcp.analysis.duplicate_ack_frame", String(r.dupAckFrame)]);
    if (r.rtoNs !== 0) a.push(["tcp.analysis.rto", secs(r.rtoNs)], ["tcp.analysis.rto_frame", String(r.rtoFrame)]);
    p.push(["tcp.analysis", a]);
  }
  if (t.seglen > 0 && t.payloadLength > 0) p.push(["tcp.payload", hexColon(t.payload())]);
  return p;
}

/** One packet as tshark -T json's array element (ordered pairs). */
export function toJsonPacket(c: DetailsInput): JsonPairs {
  const f = c.frame, rec = c.rec;
  const d = new Date(rec.tsSec * 1000);
  const day = Number.isNaN(d.getTime()) ? "1970-01-01" : d.toISOString().slice(0, 10);
  const layers: JsonPairs = [["frame", [
    ["frame.encap_type", String(rec.linkType)],
    ["frame.time_epoch", `${rec.tsSec}.${pad9(rec.tsNsec)}`],
    ["frame.time_delta", between(rec.tsSec, rec.tsNsec, c.prevSec, c.prevNsec)],
    ["frame.time_relative", between(rec.tsSec, rec.tsNsec, c.firstSec, c.firstNsec)],
    ["frame.number", String(rec.index)], ["frame.len", String(rec.originalLength)], ["frame.cap_len", String(f.bytes.length)],
  ]]];
  let tcpNext = 0;
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    layers.push(l.version === 4
      ? ["ip", [["ip.hdr_len", String(l.headerLength)], ["ip.ttl", String(l.ttl)], ["ip.proto", String(l.protocol)],
        ["ip.src", l.srcText], ["ip.addr", l.srcText], ["ip.dst", l.dstText], ["ip.addr", l.dstText]]]
      : ["ipv6", [["ipv6.nxt", String(l.protocol)], ["ipv6.hlim", String(l.ttl)], ["ipv6.src", sourceText(l)],
        ["ipv6.addr", sourceText(l)], ["ipv6.dst", destinationText(l)], ["ipv6.addr", destinationText(l)]]]);
    while (tcpNext < f.tcpCount && f.tcp[tcpNext]!.ipIndex === i) { layers.push(["tcp", tcpPairs(f, tcpNext, c.results[tcpNext])]); tcpNext++; }
  }
  // synack's own layer (not in tshark), after the headers, for the first carried TCP header.
  const own = f.tcpCount > 0 && !f.tcp[0]!.quoted ? synackPairs(c.results[0]) : [];
  if (own.length > 0) layers.push(["synack", own]);
  return [["_index", `packets-${day}`], ["_type", "doc"], ["_score", "\u0000null"], ["_source", [["layers", layers]]]];
}

/** Serialises pairs like tshark: two-space indentation, `"key": value`, repeated keys kept. */
export function formatJsonPairs(p: JsonPairs, indent = 0): string {
  if (p.length === 0) return "{}";
  const pad = "  ".repeat(indent + 1);
  const parts = p.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${typeof v === "string"
    ? (v === "\u0000null" ? "null" : JSON.stringify(v)) : formatJsonPairs(v, indent + 1)}`);
  return `{\n${parts.join(",\n")}\n${"  ".repeat(indent)}}`;
}

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
