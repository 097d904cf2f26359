/** The TCP layer of the field tree: header, flags with their experts, options, `[Timestamps]`,
 *  `[SEQ/ACK analysis]`, payload; and synack's own layer (states, phase, the why of each flag). */
import type { DecodedFrame, TcpLayer } from "../decode/index.js";
import { TcpField, tcpFlagsString } from "../decode/index.js";
import {
  ACK, A_RETRANSMISSION, type AnalysisResult, CWR, ECE, FIN, PSH, RST, SYN, URG, AE, whyToObject,
  endpointStateText, stateLabel, whySentence,
} from "../analysis/index.js";
import { addAnalysisExperts, ExpertList, Group, Severity, TcpExpert } from "./expert.js";
import { expertText, OptEnd, optionsTree } from "./tcp-options.js";
import { byteCount, expertNode, formatSecNs, hex, hexBytes } from "./expert-node.js";
import { bitLine, bytesItem, type FieldNode, gen, genAt, hidden, item, proto, treeBuild, wants } from "./node.js";
import type { MptcpInfo } from "./mptcp-analysis.js";
import { mptcpAnalysisNode } from "./mptcp.js";

/** spec §9: the completeness label. */
export function completenessLabel(c: number): string {
  switch (c) {
    case 1: return "Incomplete, SYN_SENT";
    case 3: return "Incomplete, CLIENT_ESTABLISHED";
    case 7: return "Incomplete, ESTABLISHED";
    case 15: return "Incomplete, DATA";
    case 31: case 47: case 63: return "Complete, WITH_DATA";
    case 23: case 39: case 55: return "Complete, NO_DATA";
    default: return "Incomplete";
  }
}

/** Flag bits, most significant first, with tshark's names (spec §0). */
const FLAG_LINES: ReadonlyArray<readonly [mask: number, name: string, field: string]> = [
  [0xe00, "Reserved", "tcp.flags.res"], [AE, "Accurate ECN", "tcp.flags.ae"], [CWR, "Congestion Window Reduced", "tcp.flags.cwr"],
  [ECE, "ECN-Echo", "tcp.flags.ece"], [URG, "Urgent", "tcp.flags.urg"], [ACK, "Acknowledgment", "tcp.flags.ack"],
  [PSH, "Push", "tcp.flags.push"], [RST, "Reset", "tcp.flags.reset"], [SYN, "Syn", "tcp.flags.syn"], [FIN, "Fin", "tcp.flags.fin"],
];
const FLAG_SHORT = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];

function flagNames(flags: number): string {
  const n: string[] = [];
  for (let i = 0; i < FLAG_SHORT.length; i++) if ((flags & (1 << i)) !== 0) n.push(FLAG_SHORT[i]!);
  if ((flags & 0xe00) !== 0) n.push("Reserved");
  return n.length === 0 ? "<None>" : n.join(", ");
}

/** The TCP subtree with tshark 4.0's labels and values. */
export function tcpNode(f: DecodedFrame, index: number, r: AnalysisResult | undefined, src: number, finPassive?: boolean, mp?: MptcpInfo): FieldNode {
  return tcpNodes(f, index, r, src, finPassive, mp)[0]!;
}

/** The TCP subtree, followed by the top-level item tshark adds when the header's dissection threw
 *  (`[Malformed Packet: TCP]`, `[Packet size limited during capture: TCP truncated]`). */
export function tcpNodes(f: DecodedFrame, index: number, r: AnalysisResult | undefined, src: number, finPassive?: boolean,
    mp?: MptcpInfo): FieldNode[] {
  const t = f.tcp[index]!;
  const at = t.offset;
  const flags = t.flags;
  // Labels only when someone prints them (treeBuild); a field list leaves out the subtrees it does not read.
  const L = treeBuild.labels;
  const ackSet = (flags & ACK) !== 0;
  const seq = r !== undefined ? r.seq : t.seqRaw;
  const ack = r !== undefined ? r.ack : t.ackRaw;
  const bogus = t.problems.includes("tcp.bogus_header_length");
  const shortSeg = t.problems.includes("tcp.short_segment");
  // tshark 4.0 labels the numbers "relative" by the preference, also when a short segment left them raw.
  const relSeq = r !== undefined && (r.relative || (shortSeg && !t.quoted));
  const headOnly = bogus || (t.fields & TcpField.flags) === 0;
  const head = `Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}`
    + `, Seq: ${seq}` + (ackSet && !headOnly ? `, Ack: ${ack}` : "")
    + (t.seglen >= 0 && !bogus ? `, Len: ${t.seglen}` : "");
  const k: FieldNode[] = [
    item("tcp.srcport", String(t.srcPort), L ? `Source Port: ${t.srcPort}` : "", src, at, 2),
    item("tcp.dstport", String(t.dstPort), L ? `Destination Port: ${t.dstPort}` : "", src, at + 2, 2),
    hidden("tcp.port", String(t.srcPort), src, at, 2), hidden("tcp.port", String(t.dstPort), src, at + 2, 2),
  ];
  const seqItem = item("tcp.seq", String(seq), L ? `Sequence Number: ${seq}${relSeq ? "    (relative sequence number)" : ""}` : "", src, at + 4, 4);
  // A header quoted in an ICMP error: tshark shows its sequence number before the stream, and of a
  // quoted header shorter than 20 bytes only the ports and the sequence number.
  if (t.problems.includes("truncated")) {
    if (t.quoted && t.bytes.length - at >= 8) k.push(seqItem);
    const out = [proto("tcp", `Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}`, src, at, t.capturedLength, k)];
    // Fewer than 20 bytes of a carried header: tshark stops after the ports.
    if (!t.quoted) out.push(t.capturedLength < (t.reportedLength < 0 ? 1e9 : t.reportedLength) ? shortNode() : malformedNode());
    return out;
  }
  if (t.quoted) k.push(seqItem);
  if (r !== undefined) {
    k.push(gen("tcp.stream", String(r.stream), L ? `Stream index: ${r.stream}` : ""),
      gen("tcp.completeness", String(r.completeness), L ? `Conversation completeness: ${completenessLabel(r.completeness)} (${r.completeness})` : ""));
  }
  if (shortSeg) k.push(expertText(TcpExpert.shortSegment[0], Severity.Warning, Group.Malformed, src, at, t.capturedLength));
  if (t.seglen >= 0) k.push(gen("tcp.len", String(t.seglen), L ? `TCP Segment Len: ${t.seglen}` : ""));
  if (!t.quoted) k.push(seqItem);
  if (!t.quoted) k.push(item("tcp.seq_raw", String(t.seqRaw), L ? `Sequence Number (raw): ${t.seqRaw}` : "", src, at + 4, 4));
  if (r !== undefined && r.nxtseqPresent && !bogus) k.push(gen("tcp.nxtseq", String(r.nxtseq), L ? `Next Sequence Number: ${r.nxtseq}${relSeq ? "    (relative sequence number)" : ""}` : ""));
  const hdrLen = item("tcp.hdr_len", String(t.headerLength), L ? `${bitLine(t.dataOffset << 4, 0xf0, 8).slice(0, 9)} = Header Length: ${t.headerLength} bytes (${t.dataOffset})` : "", src, at + 12, 1);
  if (bogus) {
    // spec §12.2: tshark stops after the header length.
    hdrLen.children.push(expertNode(`Bogus TCP header length (${t.headerLength}, must be at least 20)`, Severity.Error, Group.Protocol));
    k.push(hdrLen);
    return [proto("tcp", head, src, at, t.capturedLength, k)];
  }
  const ackItem = item("tcp.ack", String(ack), L ? `Acknowledgment Number: ${ack}${relSeq && ackSet ? "    (relative ack number)" : ""}` : "", src, at + 8, 4);
  if (!ackSet && t.ackRaw !== 0) ackItem.children.push(expertNode(TcpExpert.ackNonzero[0], Severity.Note, Group.Protocol));
  // tshark 4.0 tests the shown ack (relative when it can be) and only with relative numbers on.
  if ((flags & (SYN | ACK)) === (SYN | ACK) && r !== undefined && r.ack > 1) ackItem.children.push(expertNode(TcpExpert.tfoAccept[0], Severity.Note, Group.Sequence));
  k.push(ackItem, item("tcp.ack_raw", String(t.ackRaw), L ? `Acknowledgment number (raw): ${t.ackRaw}` : "", src, at + 8, 4), hdrLen);
  // Flags: 12 bit lines, expert items under the bit that raises them (spec §12.2).
  const fk: FieldNode[] = [];
  // A field list without tcp.flags.* leaves the bit lines out.
  if (wants("tcp.flags")) {
    for (const [mask, name, field] of FLAG_LINES) {
      const set = (flags & mask) !== 0;
      // tshark places each bit over the one byte that holds it.
      const line = item(field, set ? "1" : "0", L ? `${bitLine(flags, mask, 12)}${name}: ${set ? "Set" : "Not set"}` : "", src, at + ((mask & 0xf00) !== 0 ? 12 : 13), 1);
      if (mask === SYN && set) {
        line.children.push(ackSet
          ? expertNode(`Connection establish acknowledge (SYN+ACK): server port ${t.srcPort}`, Severity.Chat, Group.Sequence)
          : expertNode(`Connection establish request (SYN): server port ${t.dstPort}`, Severity.Chat, Group.Sequence));
      } else if (mask === RST && set) line.children.push(expertNode("Connection reset (RST)", Severity.Warning, Group.Sequence));
      else if (mask === FIN && set) line.children.push(expertNode("Connection finish (FIN)", Severity.Chat, Group.Sequence));
      fk.push(line);
    }
    const fstr = tcpFlagsString(flags);
    const str = genAt("tcp.flags.str", fstr, L ? `TCP Flags: ${fstr}` : "", src, at + 12, 2);
    if ((flags & FIN) !== 0 && r !== undefined) {
      // tshark 4.0: a FIN is "active" unless the peer's initiating FIN came first (spec §12.2).
      const peer = r.fromClient ? r.serverBefore : r.clientBefore;
      const peerFinished = finPassive ?? (peer === "FIN-WAIT-1" || peer === "FIN-WAIT-2" || peer === "CLOSING" || peer === "TIME-WAIT" || peer === "LAST-ACK");
      str.children.push(peerFinished
        ? expertNode("This frame undergoes the connection closing", Severity.Note, Group.Sequence)
        : expertNode("This frame initiates the connection closing", Severity.Note, Group.Sequence));
    }
    fk.push(str);
  }
  k.push(item("tcp.flags", hex(flags, 4), L ? `Flags: ${hex(flags, 3)} (${flagNames(flags)})` : "", src, at + 12, 2, fk));
  k.push(item("tcp.window_size_value", String(t.windowRaw), L ? `Window: ${t.windowRaw}` : "", src, at + 14, 2));
  if (r !== undefined && r.windowPresent) k.push(genAt("tcp.window_size", String(r.windowSize), L ? `Calculated window size: ${r.windowSize}` : "", src, at + 14, 2));
  if (r !== undefined && r.scaleFactorPresent) {
    const sf = r.scaleFactor;
    k.push(genAt("tcp.window_size_scalefactor", String(sf), L ? `Window size scaling factor: ${sf === -1 ? "-1 (unknown)" : sf === -2 ? "-2 (no window scaling used)" : sf}` : "", src, at + 14, 2));
  }
  k.push(item("tcp.checksum", hex(t.checksum, 4), L ? `Checksum: ${hex(t.checksum, 4)} [unverified]` : "", src, at + 16, 2),
    gen("tcp.checksum.status", "2", "Checksum Status: Unverified"),
    item("tcp.urgent_pointer", String(t.urgent), L ? `Urgent Pointer: ${t.urgent}` : "", src, at + 18, 2,
      (flags & URG) === 0 && t.urgent !== 0 ? [expertNode(TcpExpert.urgentNonzero[0], Severity.Note, Group.Protocol)] : []));
  let end: number = OptEnd.ok;
  if (t.optionsLength > 0) { const o = optionsTree(t, r, src, mp); k.push(o.node); end = o.end; }
  // An exception in the options (a short segment's always throws) ends the layer after [Timestamps].
  if (shortSeg && t.optionsLength === 0) end = OptEnd.malformed;
  const threw = end === OptEnd.limited || end === OptEnd.malformed || end === OptEnd.contained || end === OptEnd.mptcpMalformed;
  if (r !== undefined && r.timePresent && wants("tcp.time_")) {
    const rel = formatSecNs(r.timeRelativeSec, r.timeRelativeSubNs), delta = formatSecNs(r.timeDeltaSec, r.timeDeltaSubNs);
    k.push(gen(undefined, undefined, "Timestamps", [
      gen("tcp.time_relative", rel, L ? `Time since first frame in this TCP stream: ${rel} seconds` : ""),
      gen("tcp.time_delta", delta, L ? `Time since previous frame in this TCP stream: ${delta} seconds` : ""),
    ]));
  }
  if (threw) return [proto("tcp", head, src, at, t.capturedLength, k), end === OptEnd.limited ? shortNode() : malformedNode(end === OptEnd.mptcpMalformed ? "MPTCP" : "TCP")];
  if (r !== undefined && r.analysisPresent && wants("tcp.analysis")) k.push(seqAckNode(r));
  if (mp !== undefined) k.push(mptcpAnalysisNode(mp));
  if (t.seglen > 0 && t.payloadLength > 0) {
    const p = t.payload();
    const h = hexBytes(p, 0, p.length);
    k.push(bytesItem("tcp.payload", h, L ? `TCP payload (${byteCount(t.seglen)})` : "", src, t.payloadOffset, t.payloadLength));
    // tshark 4.0.17 (tcp.desegment): a plain retransmission's data is shown as such, not dissected
    // (a fast retransmission's is dissected; a spurious one's shows neither: payloadDissected).
    // Not when the capture cut the payload (tshark 4.0.17 on probes/malformed.pcap #4).
    if (r !== undefined && r.analysisPresent && (r.flags & A_RETRANSMISSION) !== 0 && t.payloadLength >= t.seglen) {
      k.push(bytesItem("tcp.segment_data", h, L ? `Retransmitted TCP segment data (${byteCount(t.seglen)})` : "", src, t.payloadOffset, t.payloadLength));
    }
  }
  // tshark's TCP item covers the header; the payload is the next layer's.
  const hl = t.headerLength >= 20 && t.headerLength <= t.capturedLength ? t.headerLength : t.capturedLength;
  return [proto("tcp", head, src, at, hl, k)];
}

/** The top-level item of a dissection that threw on bytes the IP length says are there. */
function malformedNode(protocol = "TCP"): FieldNode {
  return proto("_ws.malformed", `[Malformed Packet: ${protocol}]`, 0, 0, 0, [
    expertNode(TcpExpert.malformed[0], Severity.Error, Group.Malformed), hidden("_ws.malformed", "Malformed Packet", 0, 0, 0)]);
}
/** The top-level item of a dissection that ran past the captured bytes. */
function shortNode(): FieldNode {
  const l = "[Packet size limited during capture: TCP truncated]";
  return { label: l, source: 0, offset: 0, length: 0, field: "_ws.short", value: l, children: [] };
}

/** `[SEQ/ACK analysis]`: acked frame and RTT, iRTT, bytes in flight, then the flags with their experts. */
function seqAckNode(r: AnalysisResult): FieldNode {
  const k: FieldNode[] = [], L = treeBuild.labels;
  if (r.acksFrame !== 0) {
    k.push(gen("tcp.analysis.acks_frame", String(r.acksFrame), L ? `This is an ACK to the segment in frame: ${r.acksFrame}` : ""));
    if (r.ackRttNs !== 0) {
      const v = formatSecNs(r.ackRttSec, r.ackRttSubNs);
      k.push(gen("tcp.analysis.ack_rtt", v, L ? `The RTT to ACK the segment was: ${v} seconds` : ""));
    }
  }
  if (r.initialRttNs !== 0) {
    const v = formatSecNs(r.initialRttSec, r.initialRttSubNs);
    k.push(gen("tcp.analysis.initial_rtt", v, L ? `iRTT: ${v} seconds` : ""));
  }
  if (r.bytesInFlight !== 0) {
    k.push(gen("tcp.analysis.bytes_in_flight", String(r.bytesInFlight), L ? `Bytes in flight: ${r.bytesInFlight}` : ""),
      gen("tcp.analysis.push_bytes_sent", String(r.pushBytesSent), L ? `Bytes sent since last PSH flag: ${r.pushBytesSent}` : ""));
  }
  if (r.flags !== 0) {
    const ex = new ExpertList();
    addAnalysisExperts(ex, r.flags, r.dupAckNum);
    const fk: FieldNode[] = [];
    let dupExpert: FieldNode | undefined;
    const rto: FieldNode[] = [];
    if (r.rtoNs !== 0) {
      const v = formatSecNs(r.rtoSec, r.rtoSubNs);
      rto.push(gen("tcp.analysis.rto", v, L ? `The RTO for this segment was: ${v} seconds` : ""),
        gen("tcp.analysis.rto_frame", String(r.rtoFrame), L ? `RTO based on delta from frame: ${r.rtoFrame}` : ""));
    }
    for (let i = 0; i < ex.length; i++) {
      const e = expertNode(ex.message[i]!, ex.severity[i]!, ex.group[i]!);
      // tshark 4.0 hangs the duplicate-ACK expert under "Duplicate to the ACK in frame".
      if (ex.message[i]!.startsWith("Duplicate ACK (#")) { dupExpert = e; fk.push(gen("tcp.analysis.duplicate_ack", undefined, "This is a TCP duplicate ack")); }
      else fk.push(e);
      // The RTO belongs to the retransmission item: right after it, before later items (window full).
      if (ex.message[i] === "This frame is a (suspected) retransmission") fk.push(...rto.splice(0));
    }
    fk.push(...rto);
    k.push(gen("tcp.analysis.flags", undefined, "TCP Analysis Flags", fk));
    if (r.dupAckNum !== 0) {
      k.push(gen("tcp.analysis.duplicate_ack_num", String(r.dupAckNum), L ? `Duplicate ACK #: ${r.dupAckNum}` : ""),
        gen("tcp.analysis.duplicate_ack_frame", String(r.dupAckFrame), L ? `Duplicate to the ACK in frame: ${r.dupAckFrame}` : "", dupExpert !== undefined ? [dupExpert] : []));
    }
  }
  return gen("tcp.analysis", undefined, "SEQ/ACK analysis", k);
}

/** The synack layer: direction, both endpoints' states before → after (the `synack.state.*`
 *  fields), the phase, and the why of each analysis flag. */
export function synackNode(r: AnalysisResult): FieldNode {
  const k: FieldNode[] = [
    gen(undefined, undefined, `Direction: ${r.fromClient ? "client → server" : "server → client"}`),
  ];
  if (r.statesPresent) {
    k.push(
      gen("synack.state.client", endpointStateText(r, "client"), `Client state: ${stateLabel(r.clientBefore)} → ${stateLabel(r.client)}${r.clientEvent !== "none" ? ` (${r.clientEvent})` : ""}`, [
        hidden("synack.state.client_before", stateLabel(r.clientBefore), 0, 0, 0), hidden("synack.state.client_after", stateLabel(r.client), 0, 0, 0)]),
      gen("synack.state.server", endpointStateText(r, "server"), `Server state: ${stateLabel(r.serverBefore)} → ${stateLabel(r.server)}${r.serverEvent !== "none" ? ` (${r.serverEvent})` : ""}`, [
        hidden("synack.state.server_before", stateLabel(r.serverBefore), 0, 0, 0), hidden("synack.state.server_after", stateLabel(r.server), 0, 0, 0)]),
    );
    if (r.phase !== "none") k.push(gen("synack.phase", r.phase, `Phase: ${r.phase}`));
  }
  for (let i = 0; i < r.why.count; i++) {
    k.push(gen(undefined, undefined, `Why: ${whySentence(whyToObject(r.why.slots[i]!), r.fromClient, r.initialRttNs)}`));
  }
  if (r.outputSuppressed) k.push(gen(undefined, undefined, "Analysis ran, but tshark 4.0 shows none of it for this header (truncated options or bogus header length)"));
  return proto("synack", "synack", 0, 0, 0, k);
}

/** The Data layer tshark's data dissector adds for a payload (with -d …,data). */
export function dataNode(p: Uint8Array, src: number, offset: number): FieldNode {
  const L = treeBuild.labels;
  let h = "";
  if (L) for (let j = 0; j < Math.min(p.length, 36); j++) h += p[j]!.toString(16).padStart(2, "0");
  return proto("data", `Data (${byteCount(p.length)})`, src, offset, p.length, [
    bytesItem("data.data", hexBytes(p, 0, p.length), L ? `Data: ${h}${p.length > 36 ? "…" : ""}` : "", src, offset, p.length),
    gen("data.len", String(p.length), L ? `Length: ${p.length}` : ""),
  ]);
}

