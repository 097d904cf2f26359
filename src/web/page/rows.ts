/** Packet-list rows from the store's columns, formatted only for the rows on screen. */
import { decodePacket, tcpOptions, type DecodedFrame } from "../../decode/index.js";
import { ANALYSIS_FLAGS, A_DUPLICATE_ACK, A_WINDOW_UPDATE, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK } from "../../analysis/index.js";
import { ACK_PRESENT, HAS_TCP, SEQ_PRESENT, WIN_PRESENT, type PacketStore } from "./store.js";
import type { Row } from "./protocol.js";

const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"] as const;

/** `[SYN, ACK]`-style list of the set flags, low bit first as tshark prints them. */
export function flagList(flags: number): string {
  const set: string[] = [];
  for (let b = 0; b < FLAG_NAMES.length; b++) if ((flags & (1 << b)) !== 0) set.push(FLAG_NAMES[b]!);
  if ((flags & 0xe00) !== 0) set.push("Reserved");
  return set.length === 0 ? "<None>" : set.join(", ");
}

/** The Info-column tag of each analysis flag (our words where tshark has none). */
const TAGS: Record<string, string> = {
  "tcp.analysis.reused_ports": "TCP Port numbers reused",
  "tcp.analysis.retransmission": "TCP Retransmission",
  "tcp.analysis.fast_retransmission": "TCP Fast Retransmission",
  "tcp.analysis.spurious_retransmission": "TCP Spurious Retransmission",
  "tcp.analysis.out_of_order": "TCP Out-Of-Order",
  "tcp.analysis.lost_segment": "TCP Previous segment not captured",
  "tcp.analysis.ack_lost_segment": "TCP ACKed unseen segment",
  "tcp.analysis.window_update": "TCP Window Update",
  "tcp.analysis.window_full": "TCP Window Full",
  "tcp.analysis.keep_alive": "TCP Keep-Alive",
  "tcp.analysis.keep_alive_ack": "TCP Keep-Alive ACK",
  "tcp.analysis.duplicate_ack": "TCP Dup ACK",
  "tcp.analysis.zero_window_probe": "TCP ZeroWindowProbe",
  "tcp.analysis.zero_window": "TCP ZeroWindow",
  "tcp.analysis.zero_window_probe_ack": "TCP ZeroWindowProbeAck",
};

/** Analysis tags of a packet, in tshark's order (each bit prepends its tag). */
export function analysisTags(aflags: number, dupAckFrame: number, dupAckNum: number): string[] {
  const out: string[] = [];
  for (const f of ANALYSIS_FLAGS) {
    if ((aflags & f.bit) === 0) continue;
    const tag = f.bit === A_DUPLICATE_ACK ? `TCP Dup ACK ${dupAckFrame}#${dupAckNum}` : TAGS[f.field] ?? f.field;
    out.unshift(tag);
  }
  return out;
}

/** Analysis flags that make a row "Bad TCP" (everything but the benign ones). */
const BENIGN = A_WINDOW_UPDATE | A_KEEP_ALIVE | A_KEEP_ALIVE_ACK;

const IP_PROTOCOLS: Record<number, string> = { 1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 47: "GRE", 58: "ICMPv6", 132: "SCTP" };

/** Relative time with `digits` decimals, integer arithmetic. */
export function relTime(sec: number, nsec: number, baseSec: number, baseNsec: number, digits: number): string {
  let ds = sec - baseSec, dn = nsec - baseNsec;
  if (dn < 0) { ds -= 1; dn += 1_000_000_000; }
  let neg = false;
  if (ds < 0) { neg = true; ds = -ds - 1; dn = 1_000_000_000 - dn; if (dn === 1_000_000_000) { dn = 0; ds += 1; } }
  return (neg ? "-" : "") + String(ds) + (digits > 0 ? "." + String(Math.floor(dn / 10 ** (9 - digits))).padStart(digits, "0") : "");
}

/** The innermost IP layer that is not quoted inside an ICMP error. */
function addressLayer(f: DecodedFrame): number {
  for (let i = f.ipCount - 1; i >= 0; i--) if (!f.ip[i]!.quoted) return i;
  return -1;
}

/** Options as tshark's Info shows them: MSS=, WS=, SACK_PERM, TSval= TSecr=, SLE/SRE. */
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

/** Formats row i of the store. */
export function formatRow(store: PacketStore, i: number, baseSec: number, baseNsec: number, digits: number): Row {
  const f = decodePacket(store.linkType.data[i]!, store.bytes(i), store.origLen.data[i]!, store.number.data[i]!);
  const a = addressLayer(f);
  const tf = store.tflags.data[i]!;
  let source = "", destination = "", protocol = "", info = "", color = "other";
  if (a >= 0) {
    const l = f.ip[a]!;
    source = l.srcText; destination = l.dstText;
    protocol = IP_PROTOCOLS[l.protocol] ?? (l.version === 4 ? "IPv4" : "IPv6");
    if (protocol === "UDP") color = "udp";
    else if (protocol === "ICMP" || protocol === "ICMPv6") color = "icmp";
  } else {
    protocol = f.problems.length > 0 ? "Malformed" : "Frame";
    info = `link type ${store.linkType.data[i]}, ${store.capLen.data[i]} bytes captured`;
  }
  if ((tf & HAS_TCP) !== 0) {
    let t = 0;
    while (t < f.tcpCount - 1 && f.tcp[t]!.quoted) t++;
    const l = f.tcp[t];
    protocol = "TCP";
    const flags = tf & 0xfff;
    const aflags = store.aflags.data[i]!;
    const tags = analysisTags(aflags, store.dupAckFrame.data[i]!, store.dupAckNum.data[i]!);
    let s = tags.length > 0 ? `[${tags.join("] [")}] ` : "";
    if (l !== undefined) s += `${l.srcPort} → ${l.dstPort} `;
    s += `[${flagList(flags)}]`;
    if ((tf & SEQ_PRESENT) !== 0) s += ` Seq=${store.seq.data[i]}`;
    if ((tf & ACK_PRESENT) !== 0) s += ` Ack=${store.ack.data[i]}`;
    if ((tf & WIN_PRESENT) !== 0) s += ` Win=${store.win.data[i]}`;
    const len = store.seglen.data[i]!;
    if (len >= 0) s += ` Len=${len}`;
    if (l !== undefined) s += optionInfo(f, t);
    info = s;
    color = (aflags & ~BENIGN) !== 0 || (l !== undefined && l.problems.length > 0) ? "bad"
      : (flags & 0x004) !== 0 ? "rst" : (flags & 0x003) !== 0 ? "synfin" : "tcp";
  } else if (a >= 0 && info === "") {
    const l = f.ip[a]!;
    info = `${protocol}, ${l.payloadLength} bytes`;
    if (protocol === "TCP") { info = "TCP header too short to analyse"; color = "bad"; }
  }
  return {
    index: i, number: store.number.data[i]!,
    time: relTime(store.tsSec.data[i]!, store.tsNsec.data[i]!, baseSec, baseNsec, digits),
    source, destination, protocol, length: store.origLen.data[i]!, info, color,
  };
}
