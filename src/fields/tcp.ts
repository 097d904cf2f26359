/** The TCP layer of the field tree: header, flags with their experts, options, `[Timestamps]`,
 *  `[SEQ/ACK analysis]`, payload; and synack's own layer (states, phase, the why of each flag). */
import type { DecodedFrame, TcpLayer } from "../decode/index.js";
import { type TcpOption, tcpFlagsString, tcpOptions } from "../decode/index.js";
import {
  ACK, A_RETRANSMISSION, type AnalysisResult, CWR, ECE, FIN, PSH, RST, SYN, URG, AE, isDsack, whyToObject,
  endpointStateText, stateLabel, whySentence,
} from "../analysis/index.js";
import { addAnalysisExperts, ExpertList, Group, Severity } from "./expert.js";
import { byteCount, expertNode, formatSecNs, hex, hexBytes } from "./expert-node.js";
import { bitLine, bytesItem, type FieldNode, gen, genAt, hidden, item, proto } from "./node.js";

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

const OPTION_TITLES: Readonly<Record<number, string>> = {
  0: "End of Option List (EOL)", 1: "No-Operation (NOP)", 2: "Maximum segment size", 3: "Window scale",
  4: "SACK permitted", 5: "SACK", 8: "Timestamps", 19: "MD5 signature", 29: "TCP AO", 30: "Multipath TCP", 34: "TCP Fast Open",
};
const OPTION_KINDS: Readonly<Record<number, string>> = {
  0: "End of Option List (0)", 1: "No-Operation (1)", 2: "Maximum Segment Size (2)", 3: "Window Scale (3)",
  4: "SACK Permitted (4)", 5: "SACK (5)", 8: "Time Stamp Option (8)", 19: "MD5 Signature Option (19)",
  30: "Multipath TCP (30)", 34: "TCP Fast Open Cookie (34)",
};

/** The `Options: (N bytes), …` subtree: each option with kind, length and decoded values. */
function optionsNode(t: TcpLayer, r: AnalysisResult | undefined, src: number): FieldNode {
  const list = tcpOptions(t.options(), t.optionsLength);
  const kids: FieldNode[] = [];
  const names: string[] = [];
  const opts = t.options();
  // tshark 4.0 shows each zero byte after an EOL as one more EOL option.
  const all: TcpOption[] = [];
  for (const o of list.options) {
    all.push(o);
    if (o.type === "eol") for (let j = o.at + 1; j < opts.length && opts[j] === 0; j++) all.push({ ...o, at: j });
  }
  for (const o of all) {
    // tshark 4.0 raises tcp.nop when one aligned 32-bit word of the option area holds four NOPs (spec §11.1).
    if (o.type === "nop" && (o.at & 3) === 3 && opts[o.at - 1] === 1 && opts[o.at - 2] === 1 && opts[o.at - 3] === 1) {
      kids.push(expertNode("4 NOP in a row - a router may have removed some options", Severity.Warning, Group.Protocol));
    }
    const at = t.optionsOffset + o.at, len = o.len;
    const kind = o.kind;
    const title = OPTION_TITLES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, "0")})`;
    names.push(title);
    const k = item("tcp.option_kind", String(kind), `Kind: ${OPTION_KINDS[kind] ?? `Unknown (${kind})`}`, src, at, 1);
    const lenNode = item("tcp.option_len", String(len), `Length: ${len}`, src, at + 1, 1);
    let label = `TCP Option - ${title}`;
    const c: FieldNode[] = kind <= 1 ? [k] : [k, lenNode];
    if (o.type === "mss" && o.value !== undefined) {
      label += `: ${o.value} bytes`;
      c.push(item("tcp.options.mss_val", String(o.value), `MSS Value: ${o.value}`, src, at + 2, 2));
    } else if (o.type === "wscale" && o.shift !== undefined) {
      const mult = 2 ** Math.min(o.shift, 14);
      label += `: ${o.shift} (multiply by ${mult})`;
      c.push(item("tcp.options.wscale.shift", String(o.shift), `Shift count: ${o.shift}`, src, at + 2, 1),
        genAt("tcp.options.wscale.multiplier", String(mult), `Multiplier: ${mult}`, src, at + 2, 1));
    } else if (o.type === "timestamp" && o.tsval !== undefined) {
      label += `: TSval ${o.tsval}, TSecr ${o.tsecr}`;
      c.push(item("tcp.options.timestamp.tsval", String(o.tsval), `Timestamp value: ${o.tsval}`, src, at + 2, 4),
        item("tcp.options.timestamp.tsecr", String(o.tsecr), `Timestamp echo reply: ${o.tsecr}`, src, at + 6, 4));
    } else if (o.type === "sack") {
      const base = r !== undefined && r.relative ? r.ackBase : 0;
      const rel = r !== undefined && r.relative ? " (relative)" : "";
      const parts: string[] = [];
      for (let i = 0; i < o.count; i++) {
        const le = (o.edges[2 * i]! - base) >>> 0, re = (o.edges[2 * i + 1]! - base) >>> 0;
        parts.push(`${le}-${re}`);
        c.push(item("tcp.options.sack_le", String(le), `left edge = ${le}${rel}`, src, at + 2 + 8 * i, 4),
          item("tcp.options.sack_re", String(re), `right edge = ${re}${rel}`, src, at + 6 + 8 * i, 4));
      }
      c.push(gen("tcp.options.sack.count", String(o.count), `TCP SACK Count: ${o.count}`));
      // D-SACK (RFC 2883): the first block is at or below the ack, or inside the second block.
      const e = o.edges;
      if (isDsack(e, o.count, t.ackRaw)) {
        const dl = (e[0]! - base) >>> 0, dr = (e[1]! - base) >>> 0;
        c.push(gen("tcp.options.sack.dsack_le", String(dl), `D-SACK Left Edge = ${dl}${rel}`),
          gen("tcp.options.sack.dsack_re", String(dr), `D-SACK Right Edge = ${dr}${rel}`),
          item("tcp.options.sack.dsack", undefined, "D-SACK Sequence", src, at + 2, 8, [expertNode("D-SACK Sequence", Severity.Warning, Group.Sequence)]));
      }
      label += ` ${parts.join(" ")}`;
    }
    kids.push(bytesItem(`tcp.options.${o.type}`, hexBytes(opts, o.at, o.at + len), label, src, at, len, c));
  }
  return bytesItem("tcp.options", hexBytes(opts, 0, t.optionsCaptured), `Options: (${t.optionsLength} bytes), ${names.join(", ")}`,
    src, t.optionsOffset, t.optionsCaptured, kids);
}

/** The TCP subtree with tshark 4.0's labels and values. */
export function tcpNode(f: DecodedFrame, index: number, r: AnalysisResult | undefined, src: number, finPassive?: boolean): FieldNode {
  const t = f.tcp[index]!;
  const at = t.offset;
  const flags = t.flags;
  const ackSet = (flags & ACK) !== 0;
  const seq = r !== undefined ? r.seq : t.seqRaw;
  const ack = r !== undefined ? r.ack : t.ackRaw;
  const relSeq = r !== undefined && r.relative;
  const head = `Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}, Seq: ${seq}`
    + (ackSet ? `, Ack: ${ack}` : "") + (t.seglen >= 0 ? `, Len: ${t.seglen}` : "");
  const k: FieldNode[] = [
    item("tcp.srcport", String(t.srcPort), `Source Port: ${t.srcPort}`, src, at, 2),
    item("tcp.dstport", String(t.dstPort), `Destination Port: ${t.dstPort}`, src, at + 2, 2),
    hidden("tcp.port", String(t.srcPort), src, at, 2), hidden("tcp.port", String(t.dstPort), src, at + 2, 2),
  ];
  const seqItem = item("tcp.seq", String(seq), `Sequence Number: ${seq}${relSeq ? "    (relative sequence number)" : ""}`, src, at + 4, 4);
  // A header quoted in an ICMP error: tshark shows its sequence number before the stream, and of a
  // quoted header shorter than 20 bytes only the ports and the sequence number.
  if (t.quoted && t.problems.includes("truncated")) {
    if (t.bytes.length - at >= 8) k.push(seqItem);
    return proto("tcp", `Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}`, src, at, t.capturedLength, k);
  }
  if (t.quoted) k.push(seqItem);
  if (r !== undefined) {
    k.push(gen("tcp.stream", String(r.stream), `Stream index: ${r.stream}`),
      gen("tcp.completeness", String(r.completeness), `Conversation completeness: ${completenessLabel(r.completeness)} (${r.completeness})`));
  }
  if (t.seglen >= 0) k.push(gen("tcp.len", String(t.seglen), `TCP Segment Len: ${t.seglen}`));
  if (!t.quoted) k.push(seqItem);
  if (!t.quoted) k.push(item("tcp.seq_raw", String(t.seqRaw), `Sequence Number (raw): ${t.seqRaw}`, src, at + 4, 4));
  if (r !== undefined && r.nxtseqPresent) k.push(gen("tcp.nxtseq", String(r.nxtseq), `Next Sequence Number: ${r.nxtseq}${relSeq ? "    (relative sequence number)" : ""}`));
  k.push(item("tcp.ack", String(ack), `Acknowledgment Number: ${ack}${relSeq && ackSet ? "    (relative ack number)" : ""}`, src, at + 8, 4),
    item("tcp.ack_raw", String(t.ackRaw), `Acknowledgment number (raw): ${t.ackRaw}`, src, at + 8, 4),
    item("tcp.hdr_len", String(t.headerLength), `${bitLine(t.dataOffset << 4, 0xf0, 8).slice(0, 9)} = Header Length: ${t.headerLength} bytes (${t.dataOffset})`, src, at + 12, 1));
  // Flags: 12 bit lines, expert items under the bit that raises them (spec §12.2).
  const fk: FieldNode[] = [];
  for (const [mask, name, field] of FLAG_LINES) {
    const set = (flags & mask) !== 0;
    // tshark places each bit over the one byte that holds it.
    const line = item(field, set ? "1" : "0", `${bitLine(flags, mask, 12)}${name}: ${set ? "Set" : "Not set"}`, src, at + ((mask & 0xf00) !== 0 ? 12 : 13), 1);
    if (mask === SYN && set) {
      line.children.push(ackSet
        ? expertNode(`Connection establish acknowledge (SYN+ACK): server port ${t.srcPort}`, Severity.Chat, Group.Sequence)
        : expertNode(`Connection establish request (SYN): server port ${t.dstPort}`, Severity.Chat, Group.Sequence));
    } else if (mask === RST && set) line.children.push(expertNode("Connection reset (RST)", Severity.Warning, Group.Sequence));
    else if (mask === FIN && set) line.children.push(expertNode("Connection finish (FIN)", Severity.Chat, Group.Sequence));
    fk.push(line);
  }
  const fstr = tcpFlagsString(flags);
  const str = genAt("tcp.flags.str", fstr, `TCP Flags: ${fstr}`, src, at + 12, 2);
  if ((flags & FIN) !== 0 && r !== undefined) {
    // tshark 4.0: a FIN is "active" unless the peer's initiating FIN came first (spec §12.2).
    const peer = r.fromClient ? r.serverBefore : r.clientBefore;
    const peerFinished = finPassive ?? (peer === "FIN-WAIT-1" || peer === "FIN-WAIT-2" || peer === "CLOSING" || peer === "TIME-WAIT" || peer === "LAST-ACK");
    str.children.push(peerFinished
      ? expertNode("This frame undergoes the connection closing", Severity.Note, Group.Sequence)
      : expertNode("This frame initiates the connection closing", Severity.Note, Group.Sequence));
  }
  fk.push(str);
  k.push(item("tcp.flags", hex(flags, 4), `Flags: ${hex(flags, 3)} (${flagNames(flags)})`, src, at + 12, 2, fk));
  k.push(item("tcp.window_size_value", String(t.windowRaw), `Window: ${t.windowRaw}`, src, at + 14, 2));
  if (r !== undefined && r.windowPresent) k.push(genAt("tcp.window_size", String(r.windowSize), `Calculated window size: ${r.windowSize}`, src, at + 14, 2));
  if (r !== undefined && r.scaleFactorPresent) {
    const sf = r.scaleFactor;
    k.push(genAt("tcp.window_size_scalefactor", String(sf), `Window size scaling factor: ${sf === -1 ? "-1 (unknown)" : sf === -2 ? "-2 (no window scaling used)" : sf}`, src, at + 14, 2));
  }
  k.push(item("tcp.checksum", hex(t.checksum, 4), `Checksum: ${hex(t.checksum, 4)} [unverified]`, src, at + 16, 2),
    gen("tcp.checksum.status", "2", "Checksum Status: Unverified"),
    item("tcp.urgent_pointer", String(t.urgent), `Urgent Pointer: ${t.urgent}`, src, at + 18, 2));
  if (t.optionsLength > 0) k.push(optionsNode(t, r, src));
  if (r !== undefined && r.timePresent) {
    const rel = formatSecNs(r.timeRelativeSec, r.timeRelativeSubNs), delta = formatSecNs(r.timeDeltaSec, r.timeDeltaSubNs);
    k.push(gen(undefined, undefined, "Timestamps", [
      gen("tcp.time_relative", rel, `Time since first frame in this TCP stream: ${rel} seconds`),
      gen("tcp.time_delta", delta, `Time since previous frame in this TCP stream: ${delta} seconds`),
    ]));
  }
  if (r !== undefined && r.analysisPresent) k.push(seqAckNode(r));
  if (t.seglen > 0 && t.payloadLength > 0) {
    const p = t.payload();
    const h = hexBytes(p, 0, p.length);
    k.push(bytesItem("tcp.payload", h, `TCP payload (${byteCount(t.seglen)})`, src, t.payloadOffset, t.payloadLength));
    // tshark 4.0.17 (tcp.desegment): a plain retransmission's data is shown as such, not dissected
    // (a fast retransmission's is dissected; a spurious one's shows neither: payloadDissected).
    if (r !== undefined && r.analysisPresent && (r.flags & A_RETRANSMISSION) !== 0) {
      k.push(bytesItem("tcp.segment_data", h, `Retransmitted TCP segment data (${byteCount(t.seglen)})`, src, t.payloadOffset, t.payloadLength));
    }
  }
  // tshark's TCP item covers the header; the payload is the next layer's.
  const hl = t.headerLength >= 20 && t.headerLength <= t.capturedLength ? t.headerLength : t.capturedLength;
  return proto("tcp", head, src, at, hl, k);
}

/** `[SEQ/ACK analysis]`: acked frame and RTT, iRTT, bytes in flight, then the flags with their experts. */
function seqAckNode(r: AnalysisResult): FieldNode {
  const k: FieldNode[] = [];
  if (r.acksFrame !== 0) {
    k.push(gen("tcp.analysis.acks_frame", String(r.acksFrame), `This is an ACK to the segment in frame: ${r.acksFrame}`));
    if (r.ackRttNs !== 0) {
      const v = formatSecNs(r.ackRttSec, r.ackRttSubNs);
      k.push(gen("tcp.analysis.ack_rtt", v, `The RTT to ACK the segment was: ${v} seconds`));
    }
  }
  if (r.initialRttNs !== 0) {
    const v = formatSecNs(r.initialRttSec, r.initialRttSubNs);
    k.push(gen("tcp.analysis.initial_rtt", v, `iRTT: ${v} seconds`));
  }
  if (r.bytesInFlight !== 0) {
    k.push(gen("tcp.analysis.bytes_in_flight", String(r.bytesInFlight), `Bytes in flight: ${r.bytesInFlight}`),
      gen("tcp.analysis.push_bytes_sent", String(r.pushBytesSent), `Bytes sent since last PSH flag: ${r.pushBytesSent}`));
  }
  if (r.flags !== 0) {
    const ex = new ExpertList();
    addAnalysisExperts(ex, r.flags, r.dupAckNum);
    const fk: FieldNode[] = [];
    let dupExpert: FieldNode | undefined;
    for (let i = 0; i < ex.length; i++) {
      const e = expertNode(ex.message[i]!, ex.severity[i]!, ex.group[i]!);
      // tshark 4.0 hangs the duplicate-ACK expert under "Duplicate to the ACK in frame".
      if (ex.message[i]!.startsWith("Duplicate ACK (#")) { dupExpert = e; fk.push(gen("tcp.analysis.duplicate_ack", undefined, "This is a TCP duplicate ack")); }
      else fk.push(e);
    }
    if (r.rtoNs !== 0) {
      const v = formatSecNs(r.rtoSec, r.rtoSubNs);
      fk.push(gen("tcp.analysis.rto", v, `The RTO for this segment was: ${v} seconds`),
        gen("tcp.analysis.rto_frame", String(r.rtoFrame), `RTO based on delta from frame: ${r.rtoFrame}`));
    }
    k.push(gen("tcp.analysis.flags", undefined, "TCP Analysis Flags", fk));
    if (r.dupAckNum !== 0) {
      k.push(gen("tcp.analysis.duplicate_ack_num", String(r.dupAckNum), `Duplicate ACK #: ${r.dupAckNum}`),
        gen("tcp.analysis.duplicate_ack_frame", String(r.dupAckFrame), `Duplicate to the ACK in frame: ${r.dupAckFrame}`, dupExpert !== undefined ? [dupExpert] : []));
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
  let h = "";
  for (let j = 0; j < Math.min(p.length, 36); j++) h += p[j]!.toString(16).padStart(2, "0");
  return proto("data", `Data (${byteCount(p.length)})`, src, offset, p.length, [
    bytesItem("data.data", hexBytes(p, 0, p.length), `Data: ${h}${p.length > 36 ? "…" : ""}`, src, offset, p.length),
    gen("data.len", String(p.length), `Length: ${p.length}`),
  ]);
}

