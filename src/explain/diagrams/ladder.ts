/** Ladder (sequence) diagrams of one TCP stream, as textbooks draw the handshake: the client's
 *  lifeline on the left, the server's on the right, one arrow per segment labelled with its
 *  flags, relative seq/ack, length and time, each side's state written where it changes
 *  (RFC 9293 §3.3.2 as the analysis infers it), lost / retransmitted / out-of-order segments
 *  marked from the analysis flags, and long runs of plain data collapsed into one band.
 *
 *  `ladderModel` builds plain data (the `--json` output, the web view's input); `renderLadderAscii`
 *  draws it in 80 columns, `renderLadderSvg` (ladder-svg.ts) as SVG. Allocates per segment:
 *  explain output, not the hot path (STYLE §5). */
import type { CaptureRecord } from "../../capture/index.js";
import { DecodedFrame, FrameDecoder } from "../../decode/index.js";
import {
  A_ACK_LOST_SEGMENT, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK, A_LOST_SEGMENT,
  A_OUT_OF_ORDER, A_RETRANSMISSION, A_REUSED_PORTS, A_SPURIOUS_RETRANSMISSION, A_WINDOW_FULL, A_WINDOW_UPDATE,
  A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK, ACK, type AnalysisResult, type EndpointState,
  msDigits, newSegment, stateLabel, TcpAnalyzer,
} from "../../analysis/index.js";
import { segmentFromDecoded } from "../../analysis/from-decoded.js";

/** What the ladder needs of one analysed segment. An explain packet snapshot fits as it is. */
export interface LadderPacket {
  /** frame.number and tcp.stream. */
  frame: number;
  stream: number;
  /** Addresses as tshark -n prints them, and ports. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** The segment travels from the client (the side that sent the first SYN). */
  fromClient: boolean;
  /** The 12 TCP flag bits. */
  flags: number;
  /** tcp.seq / tcp.ack as shown (relative when relative numbering applies). */
  seq: number;
  ack: number;
  /** tcp.len, −1 when unknown. */
  seglen: number;
  /** tcp.window_size (scaled). */
  windowSize: number;
  /** ns since the stream's first packet. */
  timeRelativeNs: number;
  /** Analysis flag bits (A_* of src/analysis), 0 when none. */
  analysisFlags: number;
  /** Both endpoints' states before and after the segment. */
  clientBefore: EndpointState;
  serverBefore: EndpointState;
  client: EndpointState;
  server: EndpointState;
}

/** Severity of a mark: `problem` (loss, retransmission, reordering) or `note`. */
export type MarkSeverity = "problem" | "note";

/** One analysis finding drawn on an arrow. `id` is the tcp.analysis field's last part. */
export interface LadderMark {
  id: string;
  /** Short text for the diagram (`retransmission`). */
  label: string;
  severity: MarkSeverity;
}

/** Flag bit → mark, in the order they are written. */
const MARKS: ReadonlyArray<{ bit: number } & LadderMark> = [
  { bit: A_LOST_SEGMENT, id: "lost_segment", label: "previous segment not captured", severity: "problem" },
  { bit: A_SPURIOUS_RETRANSMISSION, id: "spurious_retransmission", label: "spurious retransmission", severity: "problem" },
  { bit: A_FAST_RETRANSMISSION, id: "fast_retransmission", label: "fast retransmission", severity: "problem" },
  { bit: A_RETRANSMISSION, id: "retransmission", label: "retransmission", severity: "problem" },
  { bit: A_OUT_OF_ORDER, id: "out_of_order", label: "out of order", severity: "problem" },
  { bit: A_ACK_LOST_SEGMENT, id: "ack_lost_segment", label: "ACKs a segment not captured", severity: "problem" },
  { bit: A_DUPLICATE_ACK, id: "duplicate_ack", label: "duplicate ACK", severity: "note" },
  { bit: A_ZERO_WINDOW, id: "zero_window", label: "zero window", severity: "problem" },
  { bit: A_ZERO_WINDOW_PROBE, id: "zero_window_probe", label: "zero window probe", severity: "note" },
  { bit: A_ZERO_WINDOW_PROBE_ACK, id: "zero_window_probe_ack", label: "zero window probe ACK", severity: "note" },
  { bit: A_WINDOW_FULL, id: "window_full", label: "window full", severity: "note" },
  { bit: A_WINDOW_UPDATE, id: "window_update", label: "window update", severity: "note" },
  { bit: A_KEEP_ALIVE, id: "keep_alive", label: "keep-alive", severity: "note" },
  { bit: A_KEEP_ALIVE_ACK, id: "keep_alive_ack", label: "keep-alive ACK", severity: "note" },
  { bit: A_REUSED_PORTS, id: "reused_ports", label: "ports reused", severity: "note" },
];

/** The marks of a set of analysis flag bits. */
export function ladderMarks(analysisFlags: number): LadderMark[] {
  const out: LadderMark[] = [];
  for (const m of MARKS) if ((analysisFlags & m.bit) !== 0) out.push({ id: m.id, label: m.label, severity: m.severity });
  return out;
}

/** Flag names in RFC 9293 order of importance: `SYN,ACK`, `PSH,ACK`, `FIN,ACK`. */
export function ladderFlags(flags: number): string {
  const names: string[] = [];
  if (flags & 0x002) names.push("SYN");
  if (flags & 0x001) names.push("FIN");
  if (flags & 0x004) names.push("RST");
  if (flags & 0x008) names.push("PSH");
  if (flags & 0x020) names.push("URG");
  if (flags & 0x010) names.push("ACK");
  if (flags & 0x040) names.push("ECE");
  if (flags & 0x080) names.push("CWR");
  if (flags & 0x100) names.push("AE");
  return names.length === 0 ? "none" : names.join(",");
}

/** One drawn segment. */
export interface LadderArrow {
  kind: "segment";
  frame: number;
  fromClient: boolean;
  /** `SYN,ACK`. */
  flags: string;
  seq: number;
  /** undefined when the ACK flag is clear (the field means nothing then). */
  ack: number | undefined;
  /** Payload bytes (0 when unknown). */
  len: number;
  window: number;
  /** ns since the stream's first packet. */
  timeNs: number;
  marks: LadderMark[];
  /** The side's state after this segment, when the segment changed it (else undefined). */
  clientState: string | undefined;
  serverState: string | undefined;
}

/** Consecutive plain segments (no SYN/FIN/RST, no marks, no state change) drawn as one band. */
export interface LadderRun {
  kind: "run";
  firstFrame: number;
  lastFrame: number;
  /** Segments in the run, each way. */
  count: number;
  segmentsFromClient: number;
  segmentsFromServer: number;
  /** Payload bytes each way. */
  bytesFromClient: number;
  bytesFromServer: number;
  /** ns since the stream's first packet, of the first and last segment. */
  timeStartNs: number;
  timeEndNs: number;
  /** The segments themselves, for expanding the band. */
  members: LadderArrow[];
}

/** One endpoint: address as tshark -n prints it, port, and its state before the first segment. */
export interface LadderEndpoint {
  address: string;
  port: number;
  initial: string;
  final: string;
}

/** A stream's ladder as plain data. */
export interface LadderModel {
  stream: number;
  client: LadderEndpoint;
  server: LadderEndpoint;
  /** Segments in the stream (arrows plus run members). */
  segments: number;
  items: Array<LadderArrow | LadderRun>;
}

/** How `ladderModel` draws long streams. */
export interface LadderOptions {
  /** Collapse runs of at least this many plain segments (default 8; 0 never collapses). */
  collapse?: number;
}

/** Runs shorter than this stay drawn segment by segment. */
export const DEFAULT_COLLAPSE = 8;

const SYN_FIN_RST = 0x007;

function arrowOf(p: LadderPacket): LadderArrow {
  return {
    kind: "segment", frame: p.frame, fromClient: p.fromClient, flags: ladderFlags(p.flags), seq: p.seq,
    ack: (p.flags & ACK) !== 0 ? p.ack : undefined, len: Math.max(0, p.seglen), window: p.windowSize,
    timeNs: p.timeRelativeNs, marks: ladderMarks(p.analysisFlags),
    clientState: p.client !== p.clientBefore ? stateLabel(p.client) : undefined,
    serverState: p.server !== p.serverBefore ? stateLabel(p.server) : undefined,
  };
}

/** A segment that may disappear into a run: nothing happens on it but data and ACKs. */
const plain = (a: LadderArrow, p: LadderPacket): boolean =>
  (p.flags & SYN_FIN_RST) === 0 && a.marks.length === 0 && a.clientState === undefined && a.serverState === undefined;

function runOf(members: LadderArrow[]): LadderRun {
  let segmentsFromClient = 0, bytesFromClient = 0, bytesFromServer = 0;
  for (const m of members) {
    if (m.fromClient) { segmentsFromClient++; bytesFromClient += m.len; } else bytesFromServer += m.len;
  }
  const first = members[0]!, last = members[members.length - 1]!;
  return {
    kind: "run", firstFrame: first.frame, lastFrame: last.frame, count: members.length,
    segmentsFromClient, segmentsFromServer: members.length - segmentsFromClient, bytesFromClient, bytesFromServer,
    timeStartNs: first.timeNs, timeEndNs: last.timeNs, members,
  };
}

/** The ladder of one stream from its segments in capture order. */
export function ladderModel(packets: readonly LadderPacket[], opts: LadderOptions = {}): LadderModel {
  const collapse = opts.collapse ?? DEFAULT_COLLAPSE;
  const first = packets[0], last = packets[packets.length - 1];
  const ep = (isClient: boolean): LadderEndpoint => {
    if (first === undefined || last === undefined) return { address: "", port: 0, initial: "CLOSED", final: "CLOSED" };
    const fromThis = first.fromClient === isClient;
    return {
      address: fromThis ? first.src : first.dst, port: fromThis ? first.srcPort : first.dstPort,
      initial: stateLabel(isClient ? first.clientBefore : first.serverBefore),
      final: stateLabel(isClient ? last.client : last.server),
    };
  };
  const items: Array<LadderArrow | LadderRun> = [];
  let pending: LadderArrow[] = [];
  const flush = (): void => {
    if (collapse > 0 && pending.length >= collapse) items.push(runOf(pending));
    else for (const a of pending) items.push(a);
    pending = [];
  };
  for (const p of packets) {
    const a = arrowOf(p);
    if (plain(a, p)) { pending.push(a); continue; }
    flush();
    items.push(a);
  }
  flush();
  return { stream: first?.stream ?? 0, client: ep(true), server: ep(false), segments: packets.length, items };
}

/** A snapshot of `result` for frame `frame.tcp[tcpIndex]` (call right after `observe`). */
export function ladderPacket(frame: DecodedFrame, tcpIndex: number, r: AnalysisResult): LadderPacket {
  const t = frame.tcp[tcpIndex]!;
  const ip = frame.ip[t.ipIndex]!;
  return {
    frame: frame.frameNumber, stream: r.stream, src: ip.srcText, dst: ip.dstText, srcPort: t.srcPort, dstPort: t.dstPort,
    fromClient: r.fromClient, flags: t.flags, seq: r.seq, ack: r.ack, seglen: r.seglen, windowSize: r.windowSize,
    timeRelativeNs: r.timeRelativeNs, analysisFlags: r.analysisPresent ? r.flags : 0,
    clientBefore: r.clientBefore, serverBefore: r.serverBefore, client: r.client, server: r.server,
  };
}

/** The segments of one stream, and how many streams the capture has. */
export interface LadderCollection {
  packets: LadderPacket[];
  /** Number of TCP streams (tcp.stream values 0 … streams − 1). */
  streams: number;
}

/** Reads a capture through decoder and analyzer, keeping the segments of `stream`
 *  (ICMP-quoted headers left out: they are not part of the exchange). */
export async function collectLadderPackets(records: AsyncIterable<CaptureRecord>, stream: number): Promise<LadderCollection> {
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), seg = newSegment(), analyzer = new TcpAnalyzer();
  const packets: LadderPacket[] = [];
  let streams = 0;
  for await (const rec of records) {
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    for (let i = 0; i < frame.tcpCount; i++) {
      if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) continue;
      const r = analyzer.observe(seg);
      if (r.stream + 1 > streams) streams = r.stream + 1;
      if (frame.tcp[i]!.quoted || r.stream !== stream) continue;
      packets.push(ladderPacket(frame, i, r));
    }
  }
  return { packets, streams };
}

// ---------------------------------------------------------------------------------------------
// ASCII

/** Time since the stream's first packet in milliseconds with 3 decimals (µs resolution): the
 *  narrative's format (`msDigits`). The ASCII and SVG ladders label the column "ms". */
export function ladderTime(ns: number): string { return msDigits(ns); }

/** Styles the ASCII renderer asks for; the caller decides how (ANSI colour, nothing). */
export type LadderStyle = "state" | "problem" | "note" | "run" | "head";

/** ASCII rendering options. */
export interface LadderAsciiOptions {
  /** Total width in columns (default 80). */
  width?: number;
  /** Wraps a piece of text in a style (default: unchanged). Applied after layout. */
  paint?: (style: LadderStyle, text: string) => string;
}

/** The arrow label, as long as fits in `room` columns. */
function arrowLabel(a: LadderArrow, room: number): string {
  const ack = a.ack === undefined ? "" : ` ack=${a.ack}`;
  const tries = [`${a.flags} seq=${a.seq}${ack} len=${a.len}`, `${a.flags} ${a.seq}${a.ack === undefined ? "" : `/${a.ack}`} len=${a.len}`,
    `${a.flags} ${a.seq}${a.ack === undefined ? "" : `/${a.ack}`}`];
  for (const t of tries) if (t.length <= room) return t;
  return tries[2]!.slice(0, Math.max(0, room));
}

/** `text` centred in `width` columns filled with `fill` (cut when longer). */
function centreIn(text: string, width: number, fill: string): string {
  const s = text.length > width ? text.slice(0, width) : text;
  const left = Math.floor((width - s.length) / 2);
  return fill.repeat(left) + s + fill.repeat(width - s.length - left);
}

/** The ladder as text lines fitting `width` (default 80) columns. */
export function renderLadderAscii(m: LadderModel, opts: LadderAsciiOptions = {}): string[] {
  const width = opts.width ?? 80;
  const paint = opts.paint ?? ((_s: LadderStyle, t: string) => t);
  const arrows: LadderArrow[] = [];
  for (const it of m.items) if (it.kind === "segment") arrows.push(it);
  const times = m.items.map((it) => ladderTime(it.kind === "segment" ? it.timeNs : it.timeStartNs));
  const frameW = Math.max(1, ...m.items.map((it) => String(it.kind === "segment" ? it.frame : it.firstFrame).length));
  const timeW = Math.max(5, ...times.map((t) => t.length));
  const states = [m.client.initial, m.server.initial, ...arrows.flatMap((a) => [a.clientState ?? "", a.serverState ?? ""])];
  const stateW = Math.min(12, Math.max(6, ...states.map((s) => s.length)));
  const inner = Math.max(20, width - (frameW + 1 + timeW + 1 + stateW + 2 + 2 + stateW));
  const pad = " ".repeat(frameW + 1 + timeW + 1);
  /** The header line's left part: the frame and time columns' names. */
  const heads = "#".padStart(frameW) + " " + "ms".padStart(timeW) + " ";
  const lane = (text: string, fill = " "): string => "|" + centreIn(text, inner, fill) + "|";
  const leftState = (s: string | undefined): string => {
    const t = (s ?? "").slice(0, stateW);
    return " ".repeat(stateW - t.length) + (t === "" ? "" : paint("state", t));
  };
  const rightState = (s: string | undefined): string => (s === undefined ? "" : " " + paint("state", s.slice(0, stateW)));
  const out: string[] = [];

  const cName = `client ${m.client.address}:${m.client.port}`, sName = `server ${m.server.address}:${m.server.port}`;
  const total = pad.length + stateW + 1 + inner + 2 + 1 + stateW;
  if (cName.length + 1 + sName.length <= total - pad.length) out.push(paint("head", heads + cName.padEnd(total - pad.length - sName.length) + sName));
  else out.push(paint("head", (heads + cName).slice(0, width)), paint("head", sName.padStart(total).slice(-width)));
  out.push(pad + leftState(m.client.initial) + " " + lane("") + rightState(m.server.initial));

  const arrowLine = (a: LadderArrow, time: string): void => {
    const prefix = String(a.frame).padStart(frameW) + " " + time.padStart(timeW) + " ";
    if (a.marks.some((k) => k.id === "lost_segment")) {
      const ghost = centreIn(" not captured ", inner - 4, " ");
      const g = a.fromClient ? `- - x${ghost.slice(1)}` : `${ghost.slice(0, -1)}x - -`;
      out.push(pad + " ".repeat(stateW) + " |" + paint("problem", g.padEnd(inner).slice(0, inner)) + "|");
    }
    const label = ` ${arrowLabel(a, inner - 4)} `;
    const body = a.fromClient ? centreIn(label, inner - 1, "-") + ">" : "<" + centreIn(label, inner - 1, "-");
    const problem = a.marks.some((k) => k.severity === "problem");
    out.push(prefix + leftState(a.clientState) + " |" + (problem ? paint("problem", body) : body) + "|" + rightState(a.serverState));
    const shown = a.marks.filter((k) => k.id !== "lost_segment");
    if (shown.length > 0) {
      const text = shown.map((k) => k.label).join(", ");
      const sev: LadderStyle = shown.some((k) => k.severity === "problem") ? "problem" : "note";
      const cut = `[${text}]`.slice(0, inner - 2);
      const left = Math.floor((inner - cut.length) / 2);
      out.push(pad + " ".repeat(stateW) + " |" + " ".repeat(left) + paint(sev, cut) + " ".repeat(inner - cut.length - left) + "|");
    }
  };

  m.items.forEach((it, i) => {
    if (it.kind === "segment") { arrowLine(it, times[i]!); return; }
    const prefix = String(it.firstFrame).padStart(frameW) + " " + times[i]!.padStart(timeW) + " ";
    const head = ` ${it.count} segments, frames ${it.firstFrame}-${it.lastFrame} `;
    out.push(prefix + " ".repeat(stateW) + " |" + paint("run", centreIn(head, inner, "=")) + "|");
    out.push(pad + " ".repeat(stateW) + " " + lane(`client->server ${it.bytesFromClient} B in ${it.segmentsFromClient} seg`));
    out.push(pad + " ".repeat(stateW) + " " + lane(`server->client ${it.bytesFromServer} B in ${it.segmentsFromServer} seg`));
    out.push(pad + " ".repeat(stateW) + " |" + paint("run", "=".repeat(inner)) + "|");
  });
  out.push(pad + leftState("") + " " + lane(""));
  return out;
}
