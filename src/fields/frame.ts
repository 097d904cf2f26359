/** The Frame layer of the field tree (tshark's `frame.*`), and `frame.protocols`. */
import type { DecodedFrame } from "../decode/index.js";
import { type AnalysisResult, A_OUT_OF_ORDER, A_RETRANSMISSION, A_SPURIOUS_RETRANSMISSION } from "../analysis/index.js";
import { tcpOptions } from "../decode/index.js";
import { Group, Severity } from "./expert.js";
import { expertNode, hex, secsBetween } from "./expert-node.js";
import { bitLine, type FieldNode, gen, item, proto, treeBuild, wants } from "./node.js";
import { betweenIp } from "./tunnel.js";
import { linkMplsAt } from "./link.js";
import type { UdpStreamInfo } from "./udp.js";
import type { MptcpInfo } from "./mptcp-analysis.js";

/** One data source of a frame: a title (as tshark names the tab) and its bytes. */
export interface DataSource {
  /** `Frame`, `Reassembled IPv4`, `Reassembled IPv6`. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The data sources tshark 4.0 shows for a decoded frame: the frame itself, then each IP payload
 *  reassembled on this frame (tshark names it after the IP version). */
export function dataSources(frame: DecodedFrame): DataSource[] {
  const out: DataSource[] = [{ name: "Frame", bytes: frame.bytes }];
  for (let i = 0; i < frame.tcpCount; i++) {
    const t = frame.tcp[i]!;
    if (!t.reassembled) continue;
    const ip = frame.ip[t.ipIndex]!;
    out.push({ name: `Reassembled IPv${ip.version}`, bytes: t.bytes });
  }
  return out;
}

/** What the tree needs about a frame beyond its decoded bytes. */
export interface DetailsInput {
  rec: { index: number; tsSec: number; tsNsec: number; originalLength: number; linkType: number; interface: number;
    comments?: readonly string[] | undefined; packetFlags?: number | undefined;
    /** pcap: an out-of-range sub-second field as found (CaptureRecord.rawTime). */
    rawTime?: { readonly sec: number; readonly nsec: number } | undefined };
  frame: DecodedFrame;
  /** Analysis result per TCP header of `frame` (undefined when not analysed). */
  results: ReadonlyArray<AnalysisResult | undefined>;
  /** Per TCP header with a FIN: true when it undergoes the close, from a reader that saw every
   *  earlier frame (FinSides). Without it, the endpoint states answer (the peer already closed). */
  finPassive?: ReadonlyArray<boolean>;
  firstSec: number;
  firstNsec: number;
  prevSec: number;
  prevNsec: number;
  /** pcapng: the record's section (from 1) and interface (id, if_name, if_description). */
  iface?: { section: number; id: number; name?: string | undefined; description?: string | undefined } | undefined;
  /** Per IP layer of `frame` carrying UDP: its conversation (UdpStreams); undefined without one. */
  udp?: ReadonlyArray<UdpStreamInfo | undefined>;
  /** Per TCP header of `frame`: its MPTCP connection (MptcpTracker); undefined without one. */
  mptcp?: ReadonlyArray<MptcpInfo | undefined>;
  /** Time of the previous frame shown (after -Y); without it, the previous captured frame's. */
  shownSec?: number;
  shownNsec?: number;
}

/** tshark 4.0.17's encapsulation (wiretap) names and numbers per LINKTYPE (asked of tshark). */
const ENCAP_NAMES: Readonly<Record<number, readonly [string, number]>> = {
  0: ["NULL/Loopback", 15], 1: ["Ethernet", 1], 7: ["ARCNET", 8], 9: ["PPP", 4], 10: ["FDDI with bit-swapped MAC addresses", 6],
  12: ["Raw IP", 7], 14: ["Raw IP", 7], 101: ["Raw IP", 7], 104: ["Cisco HDLC", 28], 105: ["IEEE 802.11 Wireless LAN", 20],
  107: ["Frame Relay", 26], 113: ["Linux cooked-mode capture v1", 25], 127: ["IEEE 802.11 plus radiotap radio header", 23],
  129: ["Linux ARCNET", 9], 178: ["Juniper Ethernet", 83], 192: ["Per-Packet Information header", 97],
  195: ["IEEE 802.15.4 Wireless PAN", 104], 228: ["Raw IPv4", 129], 229: ["Raw IPv6", 130], 239: ["NFLOG", 141],
  242: ["IP over IB", 180], 276: ["Linux cooked-mode capture v2", 210],
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Year, month (1-12) and day of `sec` seconds since the epoch: proleptic Gregorian, integer
 *  arithmetic, any year (tshark prints years past JavaScript Date's range, e.g. 586524). */
export function civilDate(sec: number): { year: number; month: number; day: number } {
  const days = Math.floor(sec / 86400);
  const z = days + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)), mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1, month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const p2 = (n: number): string => String(n).padStart(2, "0");
/** `2017-12-13`: the day of `sec` as tshark -T json's `_index` names it. */
export const isoDay = (sec: number): string => { const d = civilDate(sec); return `${d.year}-${p2(d.month)}-${p2(d.day)}`; };

/** `Dec 13, 2017 22:28:59.656584000 UTC`, as tshark prints frame.time with TZ=UTC; `frac` replaces
 *  the nanoseconds (an out-of-range pcap sub-second field is printed as found). */
export function arrival(sec: number, nsec: number, frac = String(nsec).padStart(9, "0")): string {
  const { year, month, day } = civilDate(sec), tod = sec - Math.floor(sec / 86400) * 86400;
  return `${MONTHS[month - 1]} ${String(day).padStart(2, " ")}, ${year} ${p2(Math.floor(tod / 3600))}:${p2(Math.floor(tod / 60) % 60)}:${p2(tod % 60)}.${frac} UTC`;
}

const DIRECTIONS = ["Unknown", "Inbound", "Outbound", "Unknown"];
const RECEPTIONS = ["Not specified", "Unicast", "Multicast", "Broadcast", "Promiscuous"];
/** The link-layer-independent error bits of epb_flags (pcapng spec, bits 24-31), low bit first. */
const FLAG_ERRORS: ReadonlyArray<readonly [string, string]> = [
  ["crc_error", "CRC error"], ["packet_too_error", "Packet too long error"], ["packet_too_short_error", "Packet too short error"],
  ["wrong_inter_frame_gap_error", "Wrong interframe gap error"], ["unaligned_frame_error", "Unaligned frame error"],
  ["start_frame_delimiter_error", "Start frame delimiter error"], ["preamble_error", "Preamble error"], ["symbol_error", "Symbol error"],
];

/** `Packet flags: 0x…` with its fields, as tshark 4.0.17 shows a pcapng EPB's epb_flags word
 *  (pcapng spec: bits 0-1 direction, 2-4 reception type, 5-8 FCS length, 24-31 errors; bits
 *  16-23 are not shown). */
export function packetFlagsNode(v: number): FieldNode {
  const dir = v & 3, rx = (v >>> 2) & 7, fcs = (v >>> 5) & 15, res = (v >>> 9) & 0x7f;
  const k: FieldNode[] = [
    item("frame.packet_flags_direction", hex(dir, 8), `${bitLine(v, 0x3, 32)}Direction: ${DIRECTIONS[dir]} (${hex(dir, 1)})`, 0, 0, 0),
    item("frame.packet_flags_reception_type", String(rx), `${bitLine(v, 0x1c, 32)}Reception type: ${RECEPTIONS[rx] ?? "Unknown"} (${rx})`, 0, 0, 0),
    item("frame.packet_flags_fcs_length", String(fcs), `${bitLine(v, 0x1e0, 32)}FCS length: ${fcs}`, 0, 0, 0),
    item("frame.packet_flags_reserved", String(res), `${bitLine(v, 0xfe00, 32)}Reserved: ${res}`, 0, 0, 0),
  ];
  for (let i = 0; i < 8; i++) {
    const bit = (v >>> (24 + i)) & 1, [name, label] = FLAG_ERRORS[i]!;
    k.push(item(`frame.packet_flags_${name}`, String(bit), `${bitLine(v, 2 ** (24 + i), 32)}${label}: ${bit !== 0 ? "Set" : "Not set"}`, 0, 0, 0));
  }
  return item("frame.packet_flags", hex(v, 8), `Packet flags: ${hex(v, 8)}`, 0, 0, 0, k);
}

/** The Frame subtree (and the packet comments before it). */
export function frameNodes(c: DetailsInput): FieldNode[] {
  const f = c.frame, rec = c.rec, L = treeBuild.labels;
  const cap = f.bytes.length, wire = rec.originalLength;
  const out: FieldNode[] = [];
  // pcapng packet comments come first, each with its Comment expert (tshark 4.0.17).
  if (rec.comments !== undefined && rec.comments.length > 0) {
    out.push(proto("pkt_comment", "Packet comments", 0, 0, 0, rec.comments.map((t) =>
      item("frame.comment", t, t, 0, 0, 0, [expertNode(t, Severity.Comment, Group.Comment)]))));
  }
  // pcapng: "on interface NAME, id N", then the section and the interface (tshark 4.0.17).
  const ifc = c.iface, ifName = ifc?.name ?? "unknown";
  const ifLines: FieldNode[] = ifc === undefined ? [] : [
    item("frame.section_number", String(ifc.section), L ? `Section number: ${ifc.section}` : "", 0, 0, 0),
    item("frame.interface_id", String(ifc.id), L ? `Interface id: ${ifc.id} (${ifName})` : "", 0, 0, 0, [
      item("frame.interface_name", ifName, L ? `Interface name: ${ifName}` : "", 0, 0, 0),
      ...(ifc.description !== undefined ? [item("frame.interface_description", ifc.description, L ? `Interface description: ${ifc.description}` : "", 0, 0, 0)] : []),
    ]),
  ];
  if (rec.packetFlags !== undefined) ifLines.push(packetFlagsNode(rec.packetFlags));
  const encap = ENCAP_NAMES[rec.linkType];
  // An out-of-range pcap sub-second field: tshark 4.0.17 prints the record's pair as found, with a Note.
  const raw = rec.rawTime;
  const invalid = raw === undefined ? [] : [expertNode(`Arrival Time: Fractional second ${raw.nsec} is invalid, the valid range is 0-1000000000`,
    Severity.Note, Group.Sequence, "frame.time_invalid")];
  // A field list leaves out the values it does not read (the items stay, with "" values).
  const times = wants("frame.time");
  const delta = times ? secsBetween(rec.tsSec, rec.tsNsec, c.prevSec, c.prevNsec) : "";
  const shown = times ? secsBetween(rec.tsSec, rec.tsNsec, c.shownSec ?? c.prevSec, c.shownNsec ?? c.prevNsec) : "";
  const rel = times ? secsBetween(rec.tsSec, rec.tsNsec, c.firstSec, c.firstNsec) : "";
  const time = !times ? "" : raw === undefined ? arrival(rec.tsSec, rec.tsNsec) : arrival(raw.sec, 0, String(raw.nsec).padStart(9, "0"));
  const epoch = !times ? "" : raw === undefined ? `${rec.tsSec}.${String(rec.tsNsec).padStart(9, "0")}`
    : `${raw.nsec < 0 ? "-" : ""}${raw.sec}.${String(Math.abs(raw.nsec)).padStart(9, "0")}`;
  const protocols = wants("frame.protocols") ? protocolsInFrame(f, c.results) : "";
  // epb_flags inbound / outbound: tshark 4.0.17 names the direction in the title and sets frame.p2p_dir.
  const dir = rec.packetFlags === undefined ? 0 : rec.packetFlags & 3;
  const p2p = dir === 1 ? [item("frame.p2p_dir", "1", "Point-to-Point Direction: Received (1)", 0, 0, 0)]
    : dir === 2 ? [item("frame.p2p_dir", "0", "Point-to-Point Direction: Sent (0)", 0, 0, 0)] : [];
  out.push(proto("frame", `Frame ${rec.index}: ${wire} bytes on wire (${wire * 8} bits), ${cap} bytes captured (${cap * 8} bits)${ifc === undefined ? "" : ` on interface ${ifName}, id ${ifc.id}`}${dir === 1 ? " (inbound)" : dir === 2 ? " (outbound)" : ""}`, 0, 0, cap, [
    ...ifLines,
    item("frame.encap_type", encap === undefined ? String(rec.linkType) : String(encap[1]),
      `Encapsulation type: ${encap === undefined ? `LINKTYPE ${rec.linkType}` : `${encap[0]} (${encap[1]})`}`, 0, 0, 0),
    item("frame.time", time, L ? `Arrival Time: ${time}` : "", 0, 0, 0),
    ...invalid,
    gen("frame.offset_shift", "0.000000000", "Time shift for this packet: 0.000000000 seconds"),
    item("frame.time_epoch", epoch, L ? `Epoch Time: ${epoch} seconds` : "", 0, 0, 0),
    gen("frame.time_delta", delta, L ? `Time delta from previous captured frame: ${delta} seconds` : ""),
    gen("frame.time_delta_displayed", shown, L ? `Time delta from previous displayed frame: ${shown} seconds` : ""),
    gen("frame.time_relative", rel, L ? `Time since reference or first frame: ${rel} seconds` : ""),
    item("frame.number", String(rec.index), L ? `Frame Number: ${rec.index}` : "", 0, 0, 0),
    item("frame.len", String(wire), L ? `Frame Length: ${wire} bytes (${wire * 8} bits)` : "", 0, 0, 0),
    item("frame.cap_len", String(cap), L ? `Capture Length: ${cap} bytes (${cap * 8} bits)` : "", 0, 0, 0),
    gen("frame.marked", "0", "Frame is marked: False"),
    gen("frame.ignored", "0", "Frame is ignored: False"),
    ...p2p,
    gen("frame.protocols", protocols, L ? `Protocols in frame: ${protocols}` : ""),
  ]));
  return out;
}

/** tshark 4.0.17 hands a segment's payload to the next dissector (here the data dissector, as
 *  with -d tcp.port==1-65535,data) unless the segment is a plain, spurious or out-of-order
 *  retransmission (tcp.no_subdissector_on_error, on by default). Observed on every such corpus
 *  frame: plain → "Retransmitted TCP segment data" only, spurious and out-of-order → nothing after
 *  "TCP payload", fast retransmission, keep-alive and lost-segment frames → Data. */
export function payloadDissected(r: AnalysisResult | undefined): boolean {
  return r === undefined || !r.analysisPresent || (r.flags & (A_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION | A_OUT_OF_ORDER)) === 0;
}

/** 802.1Q tags (TPID 0x8100) stacked after an Ethernet header's addresses. */
export function vlanTags(b: Uint8Array): number {
  let n = 0;
  for (let at = 12; at + 6 <= b.length && ((b[at]! << 8) | b[at + 1]!) === 0x8100; at += 4) n++;
  return n;
}

/** IPv6 extension headers by number, as the protocol list names them. */
const IPV6_EXT: Readonly<Record<number, string>> = { 0: "ipv6.hopopts", 43: "ipv6.routing", 44: "ipv6.fraghdr", 60: "ipv6.dstopts" };
/** Link-layer protocol names per LINKTYPE, as tshark 4.0.17 lists them. */
const LINK_PROTOCOLS: Readonly<Record<number, readonly string[]>> = {
  0: ["null"], 1: ["eth", "ethertype"], 9: ["ppp"], 10: ["fddi", "llc"], 12: ["raw"], 14: ["raw"], 101: ["raw"], 104: ["chdlc"],
  113: ["sll", "ethertype"], 129: ["arcnet"], 178: ["juniper", "eth", "ethertype"], 192: ["ppi", "wlan_radio", "wlan", "llc"],
  239: ["nflog"], 242: ["ipoib"], 276: ["sll", "ethertype"],
};
/** What sits between an outer IP header and an inner one, by the inner one's encapsulation. */
const ENCAP_PROTOCOLS: Readonly<Record<string, readonly string[]>> = {
  "ip-in-ip": [], gre: ["gre"], vxlan: ["udp", "vxlan", "eth", "ethertype"], geneve: ["udp", "geneve", "eth", "ethertype"],
  gtpu: ["udp", "gtp"], "icmp-quoted": ["icmp"], mpls: ["mpls"],
};

/** `frame.protocols` ("eth:ethertype:ip:tcp:data") for the stacks we decode: link, VLAN tags, each
 *  IP header with its IPv6 extension headers and what carries the next one, TCP (one "mptcp" per
 *  MPTCP option) and the payload's data dissector when it is called (payloadDissected). */
export function protocolsInFrame(f: DecodedFrame, results: ReadonlyArray<AnalysisResult | undefined>): string {
  const p: string[] = [...(LINK_PROTOCOLS[f.linkType] ?? [])];
  const b = f.bytes;
  if (f.linkType === 1) for (let k = vlanTags(b); k > 0; k--) p.push("vlan", "ethertype");
  if (f.linkType === 9 && (b[0] === 0x0f || b[0] === 0x8f)) p.push("chdlc");
  const mpls = linkMplsAt(f);
  if (mpls >= 0) for (let at = mpls; at + 4 <= f.ip[0]!.offset; at += 4) { p.push("mpls"); if (((b[at + 2] ?? 1) & 1) !== 0) break; }
  let tcpNext = 0;
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    const mid = i > 0 ? betweenIp(f, i) : undefined;
    if (mid !== undefined) p.push(...mid.protocols);
    else if (i > 0) p.push(...(ENCAP_PROTOCOLS[l.encap] ?? []).map((x) => (x === "icmp" && f.ip[i - 1]!.version === 6 ? "icmpv6" : x)));
    p.push(l.version === 4 ? "ip" : "ipv6");
    if (l.version === 6) {
      const lb = l.bytes;
      let nh = lb[l.offset + 6] ?? 59, at = l.offset + 40;
      while (IPV6_EXT[nh] !== undefined && at + 2 <= l.offset + l.headerLength) {
        p.push(IPV6_EXT[nh]!);
        const len = nh === 44 ? 8 : ((lb[at + 1] ?? 0) + 1) * 8;
        nh = lb[at] ?? 59; at += len;
      }
    }
    while (tcpNext < f.tcpCount && f.tcp[tcpNext]!.ipIndex === i) {
      const t = f.tcp[tcpNext]!;
      p.push("tcp");
      if (t.optionsLength > 0) for (const o of tcpOptions(t.options(), t.optionsLength).options) if (o.kind === 30) p.push("mptcp");
      if (!t.quoted && t.seglen > 0 && t.payloadLength > 0 && payloadDissected(results[tcpNext])) p.push("data");
      tcpNext++;
    }
  }
  return p.join(":");
}
