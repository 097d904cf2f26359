/** Packet-list rows from the store's columns, formatted only for the rows on screen. The column
 *  texts come from src/explain (summary.ts, info.ts), as `synack read` prints them; the TCP Info is
 *  assembled here from the values the worker kept in the store. */
import { addressLayer, decodePacket, destinationText, sourceText, tcpOptions, type DecodedFrame } from "../../decode/index.js";
import { A_WINDOW_UPDATE, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK } from "../../analysis/index.js";
import { analysisTags, infoFlags } from "../../tshark/info.js";
import { formatRelativeTime, otherColumns, tcpProtocol } from "../../tshark/summary.js";
import { ACK_PRESENT, HAS_TCP, SEQ_PRESENT, WIN_PRESENT, type PacketStore } from "./store.js";
import type { Row } from "./protocol.js";

/** Analysis flags that make a row "Bad TCP" (everything but the benign ones). */
const BENIGN = A_WINDOW_UPDATE | A_KEEP_ALIVE | A_KEEP_ALIVE_ACK;

/** Options as tshark's Info shows them: MSS=, WS=, SACK_PERM, TSval= TSecr=. */
function optionInfo(f: DecodedFrame, t: number): string {
  const l = f.tcp[t]!;
  if (l.optionsLength === 0) return "";
  let s = "";
  for (const o of tcpOptions(l.options(), l.optionsLength).options) {
    if (o.type === "mss" && o.value !== undefined) s += ` MSS=${o.value}`;
    else if (o.type === "wscale" && o.multiplier !== undefined) s += ` WS=${o.multiplier}`;
    else if (o.type === "sack_perm") s += " SACK_PERM";
    else if (o.type === "timestamp" && o.tsval !== undefined) s += ` TSval=${o.tsval} TSecr=${o.tsecr ?? 0}`;
  }
  return s;
}

/** Colour rule of a frame without an analysed TCP header, from its Protocol column. */
function otherColor(protocol: string): string {
  switch (protocol) {
    case "UDP": return "udp";
    case "ICMP": case "ICMPv6": return "icmp";
    case "ARP": return "arp";
    default: return "other";
  }
}

/** Formats row i of the store. */
export function formatRow(store: PacketStore, i: number, baseSec: number, baseNsec: number, digits: number): Row {
  const f = decodePacket(store.linkType.data[i]!, store.bytes(i), store.origLen.data[i]!, store.number.data[i]!);
  const tf = store.tflags.data[i]!;
  let source: string, destination: string, protocol: string, info: string, color: string;
  if ((tf & HAS_TCP) !== 0) {
    const ip = addressLayer(f);
    source = ip !== undefined ? sourceText(ip) : "";
    destination = ip !== undefined ? destinationText(ip) : "";
    protocol = tcpProtocol(f);
    let t = 0;
    while (t < f.tcpCount - 1 && f.tcp[t]!.quoted) t++;
    const l = f.tcp[t];
    const flags = tf & 0xfff;
    const aflags = store.aflags.data[i]!;
    let s = analysisTags(aflags, store.dupAckFrame.data[i]!, store.dupAckNum.data[i]!);
    // infoFlags(flags) starts with a space: after the ports it follows the `→ dport`'s own.
    if (l !== undefined) s += `${l.srcPort} → ${l.dstPort}`;
    s += l !== undefined ? infoFlags(flags) : infoFlags(flags).slice(1);
    if ((tf & SEQ_PRESENT) !== 0) s += ` Seq=${store.seq.data[i]}`;
    if ((tf & ACK_PRESENT) !== 0) s += ` Ack=${store.ack.data[i]}`;
    if ((tf & WIN_PRESENT) !== 0) s += ` Win=${store.win.data[i]}`;
    const len = store.seglen.data[i]!;
    if (len >= 0) s += ` Len=${len}`;
    if (l !== undefined) s += optionInfo(f, t);
    info = s;
    color = (aflags & ~BENIGN) !== 0 || (l !== undefined && l.problems.length > 0) ? "bad"
      : (flags & 0x004) !== 0 ? "rst" : (flags & 0x003) !== 0 ? "synfin" : "tcp";
  } else {
    const o = otherColumns(f);
    source = o.source; destination = o.destination; protocol = o.protocol; info = o.info;
    color = otherColor(protocol);
    if (protocol === "TCP" && info === "") { info = "TCP header too short to analyse"; color = "bad"; }
    else if (protocol === "Frame" && f.problems.length > 0) protocol = "Malformed";
  }
  return {
    index: i, number: store.number.data[i]!,
    time: formatRelativeTime(store.tsSec.data[i]!, store.tsNsec.data[i]!, baseSec, baseNsec, digits),
    source, destination, protocol, length: store.origLen.data[i]!, info, color,
  };
}
