/** The article end to end, as data: run the echo exchange under a live capture, then explain every
 *  packet (phase, flags, seq/ack arithmetic, window and options, payload bytes, both sides' states,
 *  analysis flags with their why). The CLI renders this model; the web view can reuse it.
 *  Only this lab file may use decode and analysis (STYLE.md §1). */
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { newRecord, PcapngWriter, type CaptureRecord } from "../capture/index.js";
import { type DecodedFrame, formatIpv6, tcpOptions, type TcpOption } from "../decode/index.js";
import {
  ACK, ANALYSIS_FLAGS, CWR, ECE, FIN, PSH, RST, SYN, URG, type TcpAnalyzer, whyToObject,
  type AnalysisFlagField, type AnalysisResult, type EndpointState, type WhyList,
} from "../analysis/index.js";
import { bytesPrimer, ladderModel, ladderPacket, renderLadderAscii, tcpHeaderModel, type BytesPrimer, type HeaderModel, type LadderAsciiOptions, type LadderModel, type LadderPacket } from "../explain/index.js";
import { FieldRows } from "../tshark/index.js";
import { startEchoServer, EchoServerError, type EchoServerHandle } from "./server.js";
import { runEchoClient, type EchoClientResult } from "./client.js";
import { startCapture, CaptureError, type CaptureHandle } from "./capture.js";

// ---------------------------------------------------------------------------------------------
// Packets kept from a capture

/** One captured packet, copied out of the reader (records are views). */
export interface KeptPacket {
  linkType: number;
  tsSec: number;
  tsNsec: number;
  originalLength: number;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Summary lines (a tshark-like packet list; TCP rows carry src/explain's Info column, tshark's own)

/** One row of the packet list. */
export interface PacketRow {
  no: number;
  /** Seconds since the first packet, 9 decimals (integer arithmetic). */
  time: string;
  src: string;
  dst: string;
  proto: string;
  /** Frame length on the wire. */
  length: number;
  info: string;
}

/** tshark's expert tag text per analysis flag. */
export const ANALYSIS_TAGS: Readonly<Record<AnalysisFlagField, string>> = {
  "tcp.analysis.reused_ports": "[TCP Port numbers reused]",
  "tcp.analysis.retransmission": "[TCP Retransmission]",
  "tcp.analysis.fast_retransmission": "[TCP Fast Retransmission]",
  "tcp.analysis.spurious_retransmission": "[TCP Spurious Retransmission]",
  "tcp.analysis.out_of_order": "[TCP Out-Of-Order]",
  "tcp.analysis.lost_segment": "[TCP Previous segment not captured]",
  "tcp.analysis.ack_lost_segment": "[TCP ACKed unseen segment]",
  "tcp.analysis.window_update": "[TCP Window Update]",
  "tcp.analysis.window_full": "[TCP Window Full]",
  "tcp.analysis.keep_alive": "[TCP Keep-Alive]",
  "tcp.analysis.keep_alive_ack": "[TCP Keep-Alive ACK]",
  "tcp.analysis.duplicate_ack": "[TCP Dup ACK]",
  "tcp.analysis.zero_window_probe": "[TCP ZeroWindowProbe]",
  "tcp.analysis.zero_window": "[TCP ZeroWindow]",
  "tcp.analysis.zero_window_probe_ack": "[TCP ZeroWindowProbeAck]",
};

/** Set flag names in tshark's order (`["SYN", "ACK"]` prints as `[SYN, ACK]`). */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of [[SYN, "SYN"], [FIN, "FIN"], [RST, "RST"], [PSH, "PSH"], [ACK, "ACK"], [URG, "URG"],
    [ECE, "ECE"], [CWR, "CWR"], [0x100, "AE"]] as const) if ((flags & bit) !== 0) out.push(name);
  return out;
}

const IP_PROTOCOLS: Readonly<Record<number, string>> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 132: "SCTP" };

/** Formats `ns` (≥ 0 or negative) as seconds with 9 decimals, by integer arithmetic. */
export function formatSeconds(ns: number): string {
  const neg = ns < 0;
  const a = Math.abs(ns);
  const s = Math.floor(a / 1e9), frac = a - s * 1e9;
  return (neg ? "-" : "") + s + "." + String(frac).padStart(9, "0");
}

function ipText(frame: DecodedFrame, i: number, src: boolean): string {
  const ip = frame.ip[i]!;
  if (ip.version === 4) return src ? ip.srcText : ip.dstText;
  return formatIpv6(src ? ip.src : ip.dst);
}

/**
 * Turns records into packet-list rows, one at a time (live capture prints as packets arrive).
 * One src/explain `FieldRows` pass decodes and analyses each packet once (relative seq/ack,
 * states, analysis flags; every TCP header, as `synack read` does); the Info text of TCP rows is
 * its Info column (tshark's, exactly) unless `info` is false (then a short text of ours from the
 * same analysis, for watchers that print nothing).
 */
export class PacketLister {
  readonly #rows: FieldRows;
  readonly #info: boolean;
  readonly #rec: CaptureRecord = newRecord();
  #count = 0;
  #firstSec = 0;
  #firstNsec = 0;
  /** The analysis of the last TCP row (undefined for a non-TCP row); reused per packet. */
  lastResult: AnalysisResult | undefined;

  constructor(info = true) {
    // Without the Info column, tcp.stream keeps the analyzer running (a packet-only row skips it).
    this.#rows = new FieldRows([info ? "_ws.col.Info" : "tcp.stream"], {}, {}, false);
    this.#info = info;
  }

  /** The analyzer of the rows (its `result` is refilled per TCP header). */
  get analyzer(): TcpAnalyzer { return this.#rows.analyzer; }
  /** Packets seen so far. */
  get count(): number { return this.#count; }
  /** The decoded last packet (reused per packet). */
  get frame(): DecodedFrame { return this.#rows.frame; }

  /** Decodes, analyses and summarises the next packet in capture order. */
  row(rec: KeptPacket): PacketRow {
    const no = ++this.#count;
    if (no === 1) { this.#firstSec = rec.tsSec; this.#firstNsec = rec.tsNsec; }
    const ns = (rec.tsSec - this.#firstSec) * 1e9 + (rec.tsNsec - this.#firstNsec);
    const c = this.#rec;
    c.index = no; c.linkType = rec.linkType; c.tsSec = rec.tsSec; c.tsNsec = rec.tsNsec;
    c.capturedLength = rec.bytes.length; c.originalLength = rec.originalLength; c.bytes = rec.bytes;
    this.#rows.matches(c);
    const f = this.#rows.frame;
    // The analyzer's reused result is this packet's first TCP header's when that is the only
    // header and it was analysed (the result carries the frame number it was filled for).
    const res = this.#rows.analyzer.result;
    this.lastResult = f.tcpCount === 1 && !f.tcp[0]!.quoted && res.frame === no ? res : undefined;
    const row: PacketRow = { no, time: formatSeconds(ns), src: "", dst: "", proto: "", length: rec.originalLength, info: "" };
    if (f.tcpCount > 0 && !f.tcp[0]!.quoted) {
      const t = f.tcp[0]!;
      row.src = ipText(f, t.ipIndex, true); row.dst = ipText(f, t.ipIndex, false); row.proto = "TCP";
      if (this.#info) row.info = this.#rows.info;
      else {
        const r = this.lastResult;
        const ackOn = (t.flags & ACK) !== 0;
        let tags = "", seqText = `Seq=${t.seqRaw}`, ackText = ackOn ? ` Ack=${t.ackRaw}` : "", win = t.windowRaw;
        if (r !== undefined) {
          seqText = `Seq=${r.seq}`;
          if (r.ackPresent && ackOn) ackText = ` Ack=${r.ack}`;
          if (r.windowPresent) win = r.windowSize;
          if (r.analysisPresent) for (const a of ANALYSIS_FLAGS) if ((r.flags & a.bit) !== 0) tags = ANALYSIS_TAGS[a.field] + " " + tags;
        }
        row.info = `${tags}${t.srcPort} → ${t.dstPort} [${flagNames(t.flags).join(", ") || "<None>"}] ${seqText}${ackText} Win=${win} Len=${Math.max(t.seglen, 0)}`;
      }
    } else if (f.ipCount > 0) {
      const ip = f.ip[f.ipCount - 1]!;
      row.src = ipText(f, f.ipCount - 1, true); row.dst = ipText(f, f.ipCount - 1, false);
      row.proto = IP_PROTOCOLS[ip.protocol] ?? (ip.version === 4 ? "IPv4" : "IPv6");
      row.info = `protocol ${ip.protocol}, ${ip.payloadLength} bytes`;
    } else {
      row.proto = "?"; row.info = `link type ${rec.linkType}, not decoded`;
    }
    return row;
  }
}

/** A row as one line: `No. Time Source → Destination Protocol Length Info`. */
export function formatRow(r: PacketRow): string {
  return `${String(r.no).padStart(5)} ${r.time.padStart(12)} ${r.src.padStart(15)} → ${r.dst.padEnd(15)} ${r.proto.padEnd(4)} ${String(r.length).padStart(4)} ${r.info}`;
}

// ---------------------------------------------------------------------------------------------
// The walkthrough model

/** Which part of the connection's life a packet belongs to. */
export type Phase = "handshake" | "data" | "teardown" | "reset";

/** One byte as the article's primer shows it: `A` = 65 = 0x41 = 01000001. */
export interface ByteFacts {
  /** The character, or undefined when the byte is not printable ASCII. */
  char: string | undefined;
  decimal: number;
  hex: string;
  bits: string;
}

/** One TCP option, decoded and explained. */
export interface OptionFacts { name: string; value: string; meaning: string }

/** An analysis flag on the packet, with the rule that set it. */
export interface AnalysisFacts { field: AnalysisFlagField; tag: string; rule: string; values: Record<string, number>; meaning: string }

/** Everything the walkthrough says about one packet. */
export interface WalkPacket {
  no: number;
  row: PacketRow;
  phase: Phase;
  sender: "client" | "server";
  receiver: "client" | "server";
  flags: number;
  flagNames: string[];
  /** What each set flag means here. */
  flagMeanings: Array<{ flag: string; meaning: string }>;
  seqRaw: number;
  ackRaw: number;
  /** Relative numbers as Wireshark shows them (seq − the sender's ISN, ack − the receiver's ISN). */
  seqRel: number;
  ackRel: number | undefined;
  /** Why seq / ack have these values (ISN, +1 for SYN/FIN, + payload length). */
  seqWhy: string;
  ackWhy: string | undefined;
  /** The sender's ISN (raw) and the receiver's ISN (raw), when known. */
  senderIsn: number | undefined;
  receiverIsn: number | undefined;
  /** The next seq this sender will use (relative): seq + len (+1 for SYN/FIN). */
  nextSeqRel: number;
  payloadLength: number;
  windowRaw: number;
  /** Window in bytes after scaling, and how it was scaled. */
  windowBytes: number;
  windowWhy: string;
  options: OptionFacts[];
  payload: Uint8Array;
  payloadBytes: ByteFacts[];
  clientBefore: EndpointState;
  clientAfter: EndpointState;
  serverBefore: EndpointState;
  serverAfter: EndpointState;
  analysis: AnalysisFacts[];
  /** One sentence: what happened. */
  headline: string;
  /** The TCP header in RFC 9293 §3.1's layout with this packet's values (src/explain's diagram model;
   *  draw it with `renderHeaderDiagram`). */
  header: HeaderModel;
  /** The payload byte by byte: character, decimal, hex, bits (src/explain's bytes primer). */
  primer: BytesPrimer;
}

/** The whole exchange as data. */
export interface Walkthrough {
  client: { addr: string; port: number };
  server: { addr: string; port: number };
  packets: WalkPacket[];
  /** Packet numbers per phase, in order of appearance. */
  phases: Array<{ phase: Phase; packets: number[] }>;
  /** The connection's ladder diagram model (src/explain): arrows, states where they change, marks. */
  ladder: LadderModel;
  /** Invariants of a clean exchange, checked on the capture. */
  checks: {
    handshake: boolean;
    dataFromClient: Uint8Array;
    dataFromServer: Uint8Array;
    clientFinAcked: boolean;
    serverFinAcked: boolean;
  };
}

/** `A` → { char "A", decimal 65, hex "0x41", bits "01000001" }. */
export function byteFacts(b: number): ByteFacts {
  return {
    char: b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : undefined,
    decimal: b,
    hex: "0x" + b.toString(16).padStart(2, "0"),
    bits: b.toString(2).padStart(8, "0"),
  };
}

const FLAG_MEANING: Readonly<Record<string, (p: { sender: string; syn: boolean; len: number }) => string>> = {
  SYN: (p) => `synchronize: the ${p.sender} opens its direction and announces its initial sequence number (ISN)`,
  ACK: (p) => p.syn ? "the acknowledgment field is valid: it acknowledges the peer's SYN"
    : "the acknowledgment field is valid: it names the next byte the sender expects",
  PSH: () => "push: the receiver should hand the data to the application now, not wait for more",
  FIN: (p) => `finish: the ${p.sender} has no more data to send (it called shutdown or close); the FIN takes one sequence number`,
  RST: () => "reset: abort the connection at once",
  URG: () => "urgent: the urgent pointer is valid",
  ECE: () => "ECN echo: congestion was signalled (or, on a SYN, ECN is offered)",
  CWR: () => "congestion window reduced: the sender reacted to an ECN echo",
  AE: () => "accurate ECN",
};

function optionFacts(o: TcpOption): OptionFacts | undefined {
  switch (o.type) {
    case "mss": return { name: "MSS", value: String(o.value ?? "?"),
      meaning: `maximum segment size: the largest payload the sender wants to receive in one segment${o.value === 65495 ? " (on loopback: the largest IPv4 packet, 65535 bytes, minus 20 IP and 20 TCP header bytes)" : ""}` };
    case "sack_perm": return { name: "SACK_PERM", value: "", meaning: "the sender understands selective acknowledgments (RFC 2018)" };
    case "timestamp": return { name: "Timestamps", value: `TSval=${o.tsval ?? "?"} TSecr=${o.tsecr ?? "?"}`,
      meaning: "TSval is the sender's clock, TSecr echoes the peer's last TSval: used to measure RTT and to reject old duplicates (RFC 7323 §3)" };
    case "wscale": return { name: "WS", value: `shift ${o.shift ?? "?"} (×${o.multiplier ?? "?"})`,
      meaning: `window scale: the sender's later windows are multiplied by 2^${o.shift ?? "?"} = ${o.multiplier ?? "?"} (RFC 7323 §2); only used if both SYNs carry it` };
    case "sack": return { name: "SACK", value: o.edges.join("-"), meaning: "selective acknowledgment: blocks received beyond the ACK" };
    case "nop": case "eol": return undefined;
    default: return { name: o.type, value: "", meaning: "another option" };
  }
}

/** Per-direction running totals, in relative sequence space. */
interface DirTotals { isn: number | undefined; dataEnd: number; finSent: boolean; finRel: number }

function seqParts(rel: number, d: DirTotals, side: string): string {
  const parts: string[] = [];
  let rest = rel;
  if (rest >= 1) { parts.push(`1 for the ${side}'s SYN`); rest -= 1; }
  const data = Math.min(rest, Math.max(d.dataEnd - 1, 0));
  if (data > 0) { parts.push(`${data} data byte${data === 1 ? "" : "s"}`); rest -= data; }
  if (rest === 1 && d.finSent) { parts.push(`1 for the ${side}'s FIN`); rest -= 1; }
  if (rest !== 0 || parts.length === 0) return String(rel);
  return `${rel} = ${parts.join(" + ")}`;
}

function analysisMeaning(field: AnalysisFlagField, v: Record<string, number>): string {
  switch (field) {
    case "tcp.analysis.window_update":
      return `no data and nothing new acknowledged, only the window changed (${v.previousWindow} → ${v.window}): the receiver's application read data out of its buffer, so the sender may send more`;
    case "tcp.analysis.duplicate_ack": return "the same acknowledgment again with no data: the receiver may be missing a segment";
    case "tcp.analysis.retransmission": return "bytes sent before are sent again: the first copy (or its ACK) was presumably lost";
    case "tcp.analysis.zero_window": return "the receiver's buffer is full: the sender must stop";
    default: return "see the rule";
  }
}

function whyValues(why: WhyList, field: AnalysisFlagField): { rule: string; values: Record<string, number> } {
  const slot = why.find(field);
  if (slot === undefined) return { rule: "", values: {} };
  const o = whyToObject(slot);
  const values: Record<string, number> = {};
  for (const [k, val] of Object.entries(o)) if (typeof val === "number") values[k] = val;
  return { rule: String(o.rule ?? ""), values };
}

/** Builds the walkthrough of the first TCP connection in `packets` (the demo captures one). */
export function buildWalkthrough(packets: readonly KeptPacket[]): Walkthrough {
  const lister = new PacketLister();
  const out: WalkPacket[] = [];
  let client = { addr: "", port: 0 }, server = { addr: "", port: 0 };
  const dirs: Record<"client" | "server", DirTotals> = {
    client: { isn: undefined, dataEnd: 0, finSent: false, finRel: 0 },
    server: { isn: undefined, dataEnd: 0, finSent: false, finRel: 0 },
  };
  const data: Record<"client" | "server", number[]> = { client: [], server: [] };
  let finSeen = false, handshake = false;
  let stream: number | undefined;
  const ladderPackets: LadderPacket[] = [];

  for (const p of packets) {
    const row = lister.row(p);
    const r = lister.lastResult;
    const f = lister.frame;
    if (r === undefined || f.tcpCount === 0) continue;
    if (stream === undefined) stream = r.stream;
    if (r.stream !== stream) continue;
    const t = f.tcp[0]!;
    // Snapshots of the reused result, taken before anything else reads the next packet.
    ladderPackets.push(ladderPacket(f, 0, r));
    const header = tcpHeaderModel(t.bytes, t.offset, r);
    const sender = r.fromClient ? "client" : "server";
    const receiver = r.fromClient ? "server" : "client";
    if (client.port === 0) {
      const a = { addr: row.src, port: t.srcPort }, b = { addr: row.dst, port: t.dstPort };
      if (r.fromClient) { client = a; server = b; } else { client = b; server = a; }
    }
    const flags = t.flags;
    const syn = (flags & SYN) !== 0, fin = (flags & FIN) !== 0, rst = (flags & RST) !== 0;
    const len = Math.max(t.seglen, 0);
    const sd = dirs[sender], rd = dirs[receiver];
    if (syn) sd.isn = t.seqRaw;
    const seqRel = sd.isn === undefined ? t.seqRaw : (t.seqRaw - sd.isn) >>> 0;
    const ackOn = (flags & ACK) !== 0;
    const ackRel = ackOn ? (rd.isn === undefined ? t.ackRaw : (t.ackRaw - rd.isn) >>> 0) : undefined;

    const seqWhy = syn
      ? `the ${sender}'s ISN, chosen at random by its kernel (RFC 9293 §3.4): raw ${t.seqRaw}, shown relative as 0`
      : sd.isn === undefined ? `raw ${t.seqRaw} (the ${sender}'s SYN was not captured)`
      : `raw ${t.seqRaw} = ISN ${sd.isn} + ${seqRel}; relative ${seqParts(seqRel, sd, sender)} sent before`;
    const ackWhy = ackRel === undefined ? undefined
      : rd.isn === undefined ? `raw ${t.ackRaw}`
      : `raw ${t.ackRaw} = ${receiver}'s ISN ${rd.isn} + ${ackRel}; relative ${seqParts(ackRel, rd, receiver)} received: the next byte the ${sender} expects`;

    // Totals after this segment (relative): data end and FIN.
    if (len > 0 && sd.isn !== undefined) sd.dataEnd = Math.max(sd.dataEnd, seqRel + len);
    if (len > 0) { const pl = t.payload(); for (let i = 0; i < pl.length; i++) data[sender].push(pl[i]!); }
    if (fin) { sd.finSent = true; sd.finRel = seqRel + len; }

    const phase: Phase = rst ? "reset"
      : syn ? "handshake"
      : fin || finSeen ? "teardown"
      : r.serverBefore === "SYN-RECEIVED" && r.server === "ESTABLISHED" && len === 0 ? "handshake"
      : "data";
    if (fin) finSeen = true;
    if (r.server === "ESTABLISHED" && r.client === "ESTABLISHED") handshake = true;

    const options: OptionFacts[] = [];
    if (t.optionsCaptured > 0) for (const o of tcpOptions(t.options(), t.optionsLength).options) {
      const fo = optionFacts(o); if (fo) options.push(fo);
    }
    const payload = t.payload().slice();
    const names = flagNames(flags);
    const flagMeanings = names.map((n) => ({ flag: n, meaning: (FLAG_MEANING[n] ?? (() => n))({ sender, syn, len }) }));
    const windowBytes = r.windowPresent ? r.windowSize : t.windowRaw;
    const windowWhy = syn ? `raw ${t.windowRaw}, not scaled: a SYN's window never is (RFC 7323 §2.2); the bytes the ${sender} can receive for now`
      : r.scaleFactor > 1 ? `raw ${t.windowRaw} × ${r.scaleFactor} (the ${sender}'s window scale) = ${windowBytes} bytes the ${sender} can still receive`
      : `${windowBytes} bytes the ${sender} can still receive${r.scaleFactor === -1 ? " (scale unknown: the handshake was not captured)" : ""}`;
    const analysis: AnalysisFacts[] = [];
    if (r.analysisPresent) for (const a of ANALYSIS_FLAGS) {
      if ((r.flags & a.bit) === 0) continue;
      const w = whyValues(r.why, a.field);
      analysis.push({ field: a.field, tag: ANALYSIS_TAGS[a.field], rule: w.rule, values: w.values, meaning: analysisMeaning(a.field, w.values) });
    }

    out.push({
      no: row.no, row, phase, sender, receiver, flags, flagNames: names, flagMeanings,
      seqRaw: t.seqRaw, ackRaw: t.ackRaw, seqRel, ackRel, seqWhy, ackWhy,
      senderIsn: sd.isn, receiverIsn: rd.isn,
      nextSeqRel: seqRel + len + (syn ? 1 : 0) + (fin ? 1 : 0),
      payloadLength: len, windowRaw: t.windowRaw, windowBytes, windowWhy, options, payload,
      payloadBytes: Array.from(payload, byteFacts),
      clientBefore: r.clientBefore, clientAfter: r.client, serverBefore: r.serverBefore, serverAfter: r.server,
      analysis, header, primer: bytesPrimer(payload),
      headline: headline(sender, receiver, flags, len, payload, analysis)
        + (fin && ackRel !== undefined && rd.finSent && ackRel >= rd.finRel + 1
          ? ` Its ACK also acknowledges the ${receiver}'s FIN, so the four steps of the teardown fit in three segments.` : ""),
    });
  }

  const phases: Walkthrough["phases"] = [];
  for (const p of out) {
    const last = phases[phases.length - 1];
    if (last !== undefined && last.phase === p.phase) last.packets.push(p.no);
    else phases.push({ phase: p.phase, packets: [p.no] });
  }
  const acked = (side: "client" | "server") => {
    const d = dirs[side];
    const peer = side === "client" ? "server" : "client";
    return d.finSent && out.some((p) => p.sender === peer && p.ackRel !== undefined && p.ackRel >= d.finRel + 1 && d.isn !== undefined);
  };
  return {
    client, server, packets: out, phases, ladder: ladderModel(ladderPackets),
    checks: {
      handshake,
      dataFromClient: Uint8Array.from(data.client),
      dataFromServer: Uint8Array.from(data.server),
      clientFinAcked: acked("client"),
      serverFinAcked: acked("server"),
    },
  };
}

function headline(sender: string, receiver: string, flags: number, len: number, payload: Uint8Array, analysis: AnalysisFacts[]): string {
  const syn = (flags & SYN) !== 0, ack = (flags & ACK) !== 0, fin = (flags & FIN) !== 0, rst = (flags & RST) !== 0;
  const text = len > 0 ? `"${Array.from(payload.subarray(0, 16), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("")}${len > 16 ? "…" : ""}"` : "";
  if (rst) return `The ${sender} resets the connection.`;
  if (syn && !ack) return `The ${sender} asks to open a connection (step 1 of the three-way handshake).`;
  if (syn && ack) return `The ${sender} accepts and opens its own direction (step 2 of the handshake).`;
  if (fin && len > 0) return `The ${sender} sends its last ${len} bytes ${text} and closes its direction.`;
  if (fin) return `The ${sender} closes its direction: it will send nothing more.`;
  if (len > 0) return `The ${sender} sends ${len} byte${len === 1 ? "" : "s"} ${text} to the ${receiver}.`;
  if (analysis.some((a) => a.field === "tcp.analysis.window_update")) return `The ${sender} announces a larger window (no data, nothing new acknowledged).`;
  return `The ${sender} acknowledges what it received.`;
}

// ---------------------------------------------------------------------------------------------
// The ladder

/** The walkthrough's ladder diagram as text (src/explain's ASCII renderer, 80 columns by default). */
export function ladder(w: Walkthrough, opts: LadderAsciiOptions = {}): string[] {
  return renderLadderAscii(w.ladder, opts);
}

// ---------------------------------------------------------------------------------------------
// Running the demo

/** How to run the demo. */
export interface DemoOptions {
  /** Server port; default 20000 (a free one when busy, see DemoRun.portNote). */
  port?: number;
  /** Bytes the client sends; default "AB". */
  data?: Uint8Array;
  /** Where to write the capture; default "synack-demo.pcapng" in `dir`. Never overwritten: -1, -2 … are tried. */
  file?: string;
  /** Directory for the default file name; default the current directory. */
  dir?: string;
  /** Server log lines ("Got connection from …"). */
  log?: (line: string) => void;
  /** tcpdump binary and environment (tests). */
  tcpdump?: string;
  env?: NodeJS.ProcessEnv;
  /** Give up waiting for the captured teardown after this long once the client finished; default 3000 ms. */
  teardownWaitMs?: number;
}

/** What one demo run did. */
export interface DemoRun {
  port: number;
  /** Set when the asked port was busy and a free one was used. */
  portNote: string | undefined;
  exchange: EchoClientResult;
  /** Captured packets (copies), empty without a capture. */
  packets: KeptPacket[];
  /** The file written, or undefined without a capture. */
  file: string | undefined;
  /** Why there is no capture (one line), when there is none. */
  noCapture: string | undefined;
  walkthrough: Walkthrough | undefined;
}

/** Opens `want` for writing without overwriting: `name.pcapng`, else `name-1.pcapng`, `name-2.pcapng` … */
export function createUnique(want: string): { fd: number; path: string } {
  const m = /^(.*?)(\.[^./\\]+)?$/.exec(want)!;
  const stem = m[1]!, ext = m[2] ?? "";
  for (let i = 0; i < 10_000; i++) {
    const path = i === 0 ? want : `${stem}-${i}${ext}`;
    try { return { fd: openSync(path, "wx"), path }; } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`no free file name like ${want}`);
}

/** Echo server + live capture on lo + client sending `data` + teardown, then the walkthrough. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoRun> {
  const wanted = options.port ?? 20000;
  const data = options.data ?? new TextEncoder().encode("AB");
  let server: EchoServerHandle;
  let portNote: string | undefined;
  const log = options.log;
  try {
    server = await startEchoServer({ host: "127.0.0.1", port: wanted, ...(log ? { log } : {}) });
  } catch (err) {
    if (!(err instanceof EchoServerError) || err.code !== "EADDRINUSE") throw err;
    server = await startEchoServer({ host: "127.0.0.1", port: 0, ...(log ? { log } : {}) });
    portNote = `port ${wanted} is busy, so the demo uses free port ${server.address.port}`;
  }
  const port = server.address.port;
  const packets: KeptPacket[] = [];
  let noCapture: string | undefined;
  let capture: CaptureHandle | undefined;
  let consumer: Promise<void> | undefined;
  let teardownSeen = (): void => {};
  const teardown = new Promise<void>((res) => { teardownSeen = res; });
  try {
    capture = startCapture({ iface: "lo", filter: `tcp port ${port}`,
      ...(options.tcpdump ? { tcpdump: options.tcpdump } : {}), ...(options.env ? { env: options.env } : {}) });
    try {
      await capture.ready;
    } catch (err) {
      noCapture = err instanceof CaptureError ? err.message : String(err);
      capture = undefined;
    }
    if (capture !== undefined) {
      const cap = capture;
      consumer = (async () => {
        const watch = new PacketLister(false);
        for await (const rec of cap) {
          const kept: KeptPacket = { linkType: rec.linkType, tsSec: rec.tsSec, tsNsec: rec.tsNsec,
            originalLength: rec.originalLength, bytes: rec.bytes.slice() };
          packets.push(kept);
          watch.row(kept);
          const r = watch.lastResult;
          if (r !== undefined && closed(r.client) && closed(r.server)) teardownSeen();
        }
      })();
    }
    const exchange = await runEchoClient({ host: "127.0.0.1", port, data });
    if (capture !== undefined) {
      const waitMs = options.teardownWaitMs ?? 3000;
      await Promise.race([teardown, new Promise((res) => setTimeout(res, waitMs).unref())]);
      await capture.stop();
      await consumer;
    }
    let file: string | undefined;
    if (capture !== undefined) file = writePcapng(options.file ?? join(options.dir ?? ".", "synack-demo.pcapng"), packets);
    return { port, portNote, exchange, packets, file, noCapture,
      walkthrough: capture !== undefined ? buildWalkthrough(packets) : undefined };
  } finally {
    if (capture !== undefined) await capture.stop().catch(() => undefined);
    await server.close();
  }
}

function closed(s: EndpointState): boolean { return s === "TIME-WAIT" || s === "CLOSED" || s === "RESET"; }

/** Writes kept packets as pcapng (ns timestamps) to a new file next to `want`; returns its path. */
export function writePcapng(want: string, packets: readonly KeptPacket[]): string {
  const w = new PcapngWriter({ interfaces: [{ linkType: packets[0]?.linkType ?? 1, tsresol: 9 }] });
  w.header();
  for (const p of packets) w.add(p);
  const { fd, path } = createUnique(want);
  try {
    const bytes = w.take();
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally { closeSync(fd); }
  return path;
}
