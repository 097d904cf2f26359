/** What the panes show for one selected packet: a details tree with byte ranges, the stream's
 *  ladder model, the explanation (src/explain's narrative, RFC 9293 header diagram and bytes
 *  primer); and the capture-wide conversations and expert summary.
 *  Allocates freely: it runs for one packet at a time, never per packet of the capture. */
import { decodePacket, tcpOptions, type DecodedFrame, type IpLayer, type TcpLayer } from "../../decode/index.js";
import { TcpAnalyzer, newSegment, ANALYSIS_FLAGS, type AnalysisResult } from "../../analysis/index.js";
import { segmentFromDecoded } from "../../analysis/from-decoded.js";
import { analysisTags, infoFlags } from "../../tshark/index.js";
import { narratePacket } from "../../explain/index.js";
import { packetFacts } from "../../analysis/index.js";
import { bytesPrimer, ladderModel, ladderPacket, tcpHeaderDiagram, type LadderPacket } from "../../explain/diagrams/index.js";
import { HAS_TCP, type PacketStore } from "./store.js";
import type { Conversation, Details, ExpertLine, TreeNode } from "./protocol.js";

let nextId = 1;
function node(label: string, start: number, end: number, children: TreeNode[] = []): TreeNode {
  return { id: nextId++, label, start, end, children };
}

const hex = (n: number, w: number): string => "0x" + n.toString(16).padStart(w, "0");
const u8 = (b: Uint8Array, i: number): number => b[i] ?? 0;
const u16 = (b: Uint8Array, i: number): number => (u8(b, i) << 8) | u8(b, i + 1);

function ipNode(l: IpLayer, same: boolean): TreeNode {
  const b = l.bytes, o = l.offset;
  const at = (rel: number, len: number): [number, number] => (same ? [o + rel, o + rel + len] : [-1, -1]);
  const f = (label: string, rel: number, len: number): TreeNode => node(label, ...at(rel, len));
  const end = same ? o + l.headerLength : -1;
  if (l.version === 4) {
    return node(`Internet Protocol Version 4, Src: ${l.srcText}, Dst: ${l.dstText}`, same ? o : -1, end, [
      f(`Version: 4, Header Length: ${l.headerLength} bytes (${l.headerLength / 4})`, 0, 1),
      f(`Differentiated Services Field: ${hex(u8(b, o + 1), 2)}`, 1, 1),
      f(`Total Length: ${u16(b, o + 2)}`, 2, 2),
      f(`Identification: ${hex(u16(b, o + 4), 4)} (${u16(b, o + 4)})`, 4, 2),
      f(`Flags and Fragment Offset: ${hex(u16(b, o + 6), 4)}`, 6, 2),
      f(`Time to Live: ${u8(b, o + 8)}`, 8, 1),
      f(`Protocol: ${l.protocol}`, 9, 1),
      f(`Header Checksum: ${hex(u16(b, o + 10), 4)}`, 10, 2),
      f(`Source Address: ${l.srcText}`, 12, 4),
      f(`Destination Address: ${l.dstText}`, 16, 4),
    ]);
  }
  return node(`Internet Protocol Version 6, Src: ${l.srcText}, Dst: ${l.dstText}`, same ? o : -1, end, [
    f(`Version: 6, Traffic Class and Flow Label: ${hex(((u16(b, o) & 0x0fff) << 16 | u16(b, o + 2)) >>> 0, 7)}`, 0, 4),
    f(`Payload Length: ${u16(b, o + 4)}`, 4, 2),
    f(`Next Header: ${u8(b, o + 6)}`, 6, 1),
    f(`Hop Limit: ${u8(b, o + 7)}`, 7, 1),
    f(`Source Address: ${l.srcText}`, 8, 16),
    f(`Destination Address: ${l.dstText}`, 24, 16),
  ]);
}

const FLAG_BITS: Array<[number, string]> = [[0x100, "Accurate ECN"], [0x080, "Congestion Window Reduced"], [0x040, "ECN-Echo"],
  [0x020, "Urgent"], [0x010, "Acknowledgment"], [0x008, "Push"], [0x004, "Reset"], [0x002, "Syn"], [0x001, "Fin"]];

function tcpNode(t: TcpLayer, same: boolean, r: AnalysisResult | undefined): TreeNode {
  const o = t.offset;
  const at = (rel: number, len: number): [number, number] => (same ? [o + rel, o + rel + len] : [-1, -1]);
  const f = (label: string, rel: number, len: number, kids: TreeNode[] = []): TreeNode => node(label, ...at(rel, len), kids);
  const rel = r !== undefined && r.relative;
  const seq = r !== undefined ? r.seq : t.seqRaw;
  const ack = r !== undefined ? r.ack : t.ackRaw;
  const kids: TreeNode[] = [
    f(`Source Port: ${t.srcPort}`, 0, 2),
    f(`Destination Port: ${t.dstPort}`, 2, 2),
  ];
  if (r !== undefined) kids.push(node(`[Stream index: ${r.stream}]`, -1, -1));
  if (t.seglen >= 0) kids.push(node(`[TCP Segment Len: ${t.seglen}]`, -1, -1));
  kids.push(f(`Sequence Number: ${seq}${rel ? "    (relative sequence number)" : ""}`, 4, 4));
  kids.push(f(`Sequence Number (raw): ${t.seqRaw}`, 4, 4));
  if (r !== undefined && r.nxtseqPresent) kids.push(node(`[Next Sequence Number: ${r.nxtseq}${rel ? "    (relative sequence number)" : ""}]`, -1, -1));
  kids.push(f(`Acknowledgment Number: ${(t.flags & 0x010) !== 0 ? ack : 0}${rel && (t.flags & 0x010) !== 0 ? "    (relative ack number)" : ""}`, 8, 4));
  kids.push(f(`Acknowledgment number (raw): ${t.ackRaw}`, 8, 4));
  kids.push(f(`${((t.dataOffset >> 3) & 1)}${((t.dataOffset >> 2) & 1)}${((t.dataOffset >> 1) & 1)}${t.dataOffset & 1} .... = Header Length: ${t.headerLength} bytes (${t.dataOffset})`, 12, 1));
  // infoFlags: " [SYN, ACK]", the Info column's text of the flags.
  const flags = infoFlags(t.flags);
  kids.push(f(`Flags: ${hex(t.flags, 3)} (${flags.slice(2, -1)})`, 12, 2,
    FLAG_BITS.map(([bit, name]) => f(`${name}: ${(t.flags & bit) !== 0 ? "Set" : "Not set"}`, 12, 2))));
  kids.push(f(`Window: ${t.windowRaw}`, 14, 2));
  if (r !== undefined && r.windowPresent) {
    kids.push(node(`[Calculated window size: ${r.windowSize}]`, -1, -1));
    if (r.scaleFactorPresent) kids.push(node(`[Window size scaling factor: ${r.scaleFactor}]`, -1, -1));
  }
  kids.push(f(`Checksum: ${hex(t.checksum, 4)}`, 16, 2));
  kids.push(f(`Urgent Pointer: ${t.urgent}`, 18, 2));
  if (t.optionsLength > 0) {
    const opts = tcpOptions(t.options(), t.optionsLength).options;
    kids.push(f(`Options: (${t.optionsLength} bytes)`, 20, Math.min(t.optionsLength, t.optionsCaptured),
      opts.map((op) => f(optionLabel(op), 20 + op.at, op.len))));
  }
  if (r !== undefined && r.analysisPresent && (r.flags !== 0 || r.acksFrame !== 0 || r.bytesInFlight !== 0)) {
    const a: TreeNode[] = [];
    if (r.acksFrame !== 0) a.push(node(`[This is an ACK to the segment in frame: ${r.acksFrame}]`, -1, -1));
    if (r.ackRttNs !== 0) a.push(node(`[The RTT to ACK the segment was: ${(r.ackRttNs / 1e9).toFixed(9)} seconds]`, -1, -1));
    if (r.initialRttNs !== 0) a.push(node(`[iRTT: ${(r.initialRttNs / 1e9).toFixed(9)} seconds]`, -1, -1));
    if (r.bytesInFlight !== 0) a.push(node(`[Bytes in flight: ${r.bytesInFlight}]`, -1, -1));
    // One node per tag, in the Info column's order (each flag's tag goes in front of the earlier ones).
    const tagsAt = a.length;
    for (const flag of ANALYSIS_FLAGS) {
      const tag = analysisTags(r.flags & flag.bit, r.dupAckFrame, r.dupAckNum);
      if (tag !== "") a.splice(tagsAt, 0, node(tag.trimEnd(), -1, -1));
    }
    kids.push(node("[SEQ/ACK analysis]", -1, -1, a));
  }
  if (t.payloadLength > 0) kids.push(f(`TCP payload (${t.payloadLength} bytes)`, t.payloadOffset - t.offset, t.payloadLength));
  return node(`Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}, Seq: ${seq}${(t.flags & 0x010) !== 0 ? `, Ack: ${ack}` : ""}, Len: ${Math.max(0, t.seglen)}${flags}`,
    same ? o : -1, same ? t.payloadOffset + t.payloadLength : -1, kids);
}

function optionLabel(op: ReturnType<typeof tcpOptions>["options"][number]): string {
  switch (op.type) {
    case "eol": return "TCP Option - End of Option List (EOL)";
    case "nop": return "TCP Option - No-Operation (NOP)";
    case "mss": return `TCP Option - Maximum segment size: ${op.value ?? "?"} bytes`;
    case "wscale": return `TCP Option - Window scale: ${op.shift ?? "?"} (multiply by ${op.multiplier ?? "?"})`;
    case "sack_perm": return "TCP Option - SACK permitted";
    case "sack": return `TCP Option - SACK ${op.edges.join("-")}`;
    case "timestamp": return `TCP Option - Timestamps: TSval ${op.tsval ?? "?"}, TSecr ${op.tsecr ?? "?"}`;
    case "mptcp": return "TCP Option - Multipath TCP";
    case "tfo": return "TCP Option - TCP Fast Open";
    default: return `TCP Option - Unknown (kind ${op.kind})`;
  }
}

/** Frame, IP and TCP nodes of a decoded frame; `r` adds the analysis of its first TCP header. */
export function detailsTree(f: DecodedFrame, capLen: number, tsText: string, r: AnalysisResult | undefined): TreeNode[] {
  nextId = 1;
  const out: TreeNode[] = [node(`Frame ${f.frameNumber}: ${f.originalLength} bytes on wire, ${capLen} bytes captured`, 0, capLen, [
    node(`Arrival Time (epoch): ${tsText}`, -1, -1),
    node(`Frame Length: ${f.originalLength} bytes`, -1, -1),
    node(`Capture Length: ${capLen} bytes`, -1, -1),
    node(`Link type: ${f.linkType}`, -1, -1),
  ])];
  const first = f.ip[0];
  if (first !== undefined && first.bytes === f.bytes && first.offset > 0) out.push(node(`Link layer (${first.offset} bytes)`, 0, first.offset));
  let tcpDone = 0;
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    out.push(ipNode(l, l.bytes === f.bytes));
    for (; tcpDone < f.tcpCount && f.tcp[tcpDone]!.ipIndex === i; tcpDone++) {
      const t = f.tcp[tcpDone]!;
      out.push(tcpNode(t, t.bytes === f.bytes, tcpDone === firstUnquoted(f) ? r : undefined));
    }
  }
  for (const p of f.problems) out.push(node(`[Expert Info (Malformed): ${p}]`, -1, -1));
  return out;
}

function firstUnquoted(f: DecodedFrame): number {
  for (let t = 0; t < f.tcpCount; t++) if (!f.tcp[t]!.quoted) return t;
  return -1;
}

/** Decodes packet `index`, re-analyses its TCP stream (a fresh analyzer over that stream's packets
 *  alone, to its end: the ladder shows the whole stream), and explains it. */
export function buildDetails(store: PacketStore, index: number): Details {
  const bytes = store.bytes(index).slice();
  const number = store.number.data[index]!;
  const f = decodePacket(store.linkType.data[index]!, bytes, store.origLen.data[index]!, number);
  const tsText = `${store.tsSec.data[index]}.${String(store.tsNsec.data[index]).padStart(9, "0")}`;
  const stream = (store.tflags.data[index]! & HAS_TCP) !== 0 ? store.stream.data[index]! : -1;
  const base: Details = { index, number, bytes, tree: [], stream, ladder: undefined, frameIndex: {}, narrative: [], diagram: [], primer: undefined };
  if (stream < 0) {
    return { ...base, tree: detailsTree(f, bytes.length, tsText, undefined), narrative: ["Not a TCP segment: synack explains TCP only."] };
  }
  const analyzer = new TcpAnalyzer();
  const seg = newSegment();
  const packets: LadderPacket[] = [];
  const frameIndex: Record<number, number> = {};
  let tree: TreeNode[] | undefined;
  for (let i = 0; i < store.count; i++) {
    if (store.stream.data[i] !== stream) continue;
    const g = i === index ? f : decodePacket(store.linkType.data[i]!, store.bytes(i), store.origLen.data[i]!, store.number.data[i]!);
    const t = firstUnquoted(g);
    if (t < 0 || !segmentFromDecoded(g, t, store.tsSec.data[i]!, store.tsNsec.data[i]!, seg)) continue;
    const r = analyzer.observe(seg);
    packets.push(ladderPacket(g, t, r));
    frameIndex[g.frameNumber] = i;
    if (i !== index) continue;
    // Everything that reads `r` runs now, before the analyzer refills it.
    tree = detailsTree(f, bytes.length, tsText, r);
    const tcp = g.tcp[t]!;
    const n = narratePacket(packetFacts(g, t, store.tsSec.data[i]!, store.tsNsec.data[i]!, r));
    base.narrative = [n.headline, ...n.lines];
    base.diagram = tcpHeaderDiagram(tcp.bytes, tcp.offset, r);
    base.primer = tcp.payloadLength > 0 ? bytesPrimer(tcp.payload()) : undefined;
  }
  return { ...base, tree: tree ?? detailsTree(f, bytes.length, tsText, undefined), ladder: ladderModel(packets), frameIndex };
}

/** TCP conversations, in stream order. */
export function conversations(store: PacketStore): Conversation[] {
  const out: Conversation[] = [];
  const firstNs: number[] = [];
  for (let i = 0; i < store.count; i++) {
    const s = store.stream.data[i]!;
    if (s < 0) continue;
    const ns = store.tsSec.data[i]! * 1e9 + store.tsNsec.data[i]!;
    let c = out[s];
    if (c === undefined) {
      const f = decodePacket(store.linkType.data[i]!, store.bytes(i), store.origLen.data[i]!, store.number.data[i]!);
      const t = f.tcp[Math.max(0, firstUnquoted(f))];
      const l = t !== undefined ? f.ip[t.ipIndex] : undefined;
      c = { stream: s, a: l && t ? `${l.srcText}:${t.srcPort}` : "?", b: l && t ? `${l.dstText}:${t.dstPort}` : "?",
        packets: 0, bytes: 0, firstNumber: store.number.data[i]!, firstIndex: i, durationNs: 0 };
      out[s] = c;
      firstNs[s] = ns;
    }
    c.packets++;
    c.bytes += store.origLen.data[i]!;
    c.durationNs = ns - firstNs[s]!;
  }
  return out.filter((c) => c !== undefined);
}

const SEVERITY: Record<string, string> = {
  "tcp.analysis.retransmission": "Note", "tcp.analysis.fast_retransmission": "Note", "tcp.analysis.spurious_retransmission": "Note",
  "tcp.analysis.out_of_order": "Warning", "tcp.analysis.lost_segment": "Warning", "tcp.analysis.ack_lost_segment": "Warning",
  "tcp.analysis.window_update": "Chat", "tcp.analysis.window_full": "Warning", "tcp.analysis.keep_alive": "Note",
  "tcp.analysis.keep_alive_ack": "Note", "tcp.analysis.duplicate_ack": "Note", "tcp.analysis.zero_window_probe": "Note",
  "tcp.analysis.zero_window": "Warning", "tcp.analysis.zero_window_probe_ack": "Note", "tcp.analysis.reused_ports": "Note",
};

/** Counts of each analysis flag over the capture, with the first packet that raised it. */
export function expertSummary(store: PacketStore): ExpertLine[] {
  const counts = new Array<number>(ANALYSIS_FLAGS.length).fill(0);
  const first = new Array<number>(ANALYSIS_FLAGS.length).fill(-1);
  for (let i = 0; i < store.count; i++) {
    const a = store.aflags.data[i]!;
    if (a === 0) continue;
    for (let k = 0; k < ANALYSIS_FLAGS.length; k++) {
      if ((a & ANALYSIS_FLAGS[k]!.bit) === 0) continue;
      counts[k]!++;
      if (first[k] === -1) first[k] = i;
    }
  }
  const out: ExpertLine[] = [];
  for (let k = 0; k < ANALYSIS_FLAGS.length; k++) {
    if (counts[k] === 0) continue;
    const field = ANALYSIS_FLAGS[k]!.field;
    out.push({ severity: SEVERITY[field] ?? "Note", group: "Sequence", summary: field, count: counts[k]!, firstIndex: first[k]! });
  }
  const order = ["Error", "Warning", "Note", "Chat"];
  return out.sort((x, y) => order.indexOf(x.severity) - order.indexOf(y.severity));
}
