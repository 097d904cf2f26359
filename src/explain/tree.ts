/** The details tree of a frame (`synack read -V`, the web view's details pane): Frame, link layer,
 *  IPv4/IPv6, TCP with tshark 4.0's labels (flag bit lines, options, `[Timestamps]`, `[SEQ/ACK analysis]`),
 *  payload, and a `synack` section with both endpoints' states and the why of each analysis flag.
 *  Every node carries the byte range it covers in its data source, so that selecting a field can
 *  highlight its bytes. Allocates per frame: it serves the frames the user asks to see. */
import type { DecodedFrame, IpLayer, TcpLayer } from "../decode/index.js";
import { type TcpOption, tcpFlagsString, tcpOptions } from "../decode/index.js";
import {
  ACK, A_OUT_OF_ORDER, A_RETRANSMISSION, A_SPURIOUS_RETRANSMISSION, type AnalysisResult, CWR, ECE, FIN, PSH, RST, SYN,
  URG, AE, seqLe, seqLt, whyToObject,
} from "../analysis/index.js";
import { addAnalysisExperts, ExpertList, Group, Severity } from "./expert.js";
import { type DataSource, dataSources, hexDumpLines } from "./hexdump.js";
import { ethernetTail, formatSecNs, hexBytes } from "./rows.js";
import { destinationText, sourceText } from "./summary.js";

/** One line of the details tree. */
export interface TreeNode {
  /** The text as shown (tshark's wording for the Frame/link/IP/TCP parts). */
  label: string;
  /** Data source the range refers to: index in `dataSources(frame)` (0 = the frame's bytes). */
  source: number;
  /** First byte covered, in the data source. */
  offset: number;
  /** Bytes covered; 0 for generated lines (`[Stream index: 0]`, expert items, synack notes). */
  length: number;
  /** The registry field name when the line shows one field (`tcp.seq`), else undefined. */
  field?: string;
  children: TreeNode[];
}

/** What the tree needs about a frame; `FrameContext` of the CLI fits. */
export interface DetailsInput {
  rec: { index: number; tsSec: number; tsNsec: number; originalLength: number; linkType: number; interface: number;
    comments?: readonly string[] | undefined };
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
  /** Time of the previous frame shown (after -Y); without it, the previous captured frame's. */
  shownSec?: number;
  shownNsec?: number;
}

const node = (label: string, source: number, offset: number, length: number, field?: string,
  children: TreeNode[] = []): TreeNode => (field === undefined
  ? { label, source, offset, length, children } : { label, source, offset, length, field, children });
const gen = (label: string, field?: string, children: TreeNode[] = []): TreeNode => node(`[${label}]`, 0, 0, 0, field, children);

/** sec + ns difference → `s.nnnnnnnnn`. */
function secsBetween(sec: number, nsec: number, bSec: number, bNsec: number): string {
  let ds = sec - bSec, dn = nsec - bNsec;
  if (dn < 0) { ds -= 1; dn += 1e9; }
  if (ds < 0) { ds = -ds - 1; dn = 1e9 - dn; if (dn === 1e9) { dn = 0; ds++; } return `-${ds}.${String(dn).padStart(9, "0")}`; }
  return `${ds}.${String(dn).padStart(9, "0")}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `Dec 13, 2017 22:28:59.656584000 UTC`, as tshark prints frame.time with TZ=UTC. */
function arrival(sec: number, nsec: number): string {
  // Civil date from days since 1970-01-01 (proleptic Gregorian; integer arithmetic, any year:
  // tshark prints years past JavaScript Date's range, e.g. 586524).
  const days = Math.floor(sec / 86400), tod = sec - days * 86400;
  const z = days + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)), mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[month - 1]} ${String(day).padStart(2, " ")}, ${year} ${p2(Math.floor(tod / 3600))}:${p2(Math.floor(tod / 60) % 60)}:${p2(tod % 60)}.${String(nsec).padStart(9, "0")} UTC`;
}

/** `0101 .... = ` style prefix: `bits` of `width` bits, marking the bits of `mask` with the value's bits. */
export function bitLine(value: number, mask: number, width: number): string {
  let s = "";
  for (let i = width - 1; i >= 0; i--) {
    const bit = 1 << i;
    s += (mask & bit) !== 0 ? ((value & bit) !== 0 ? "1" : "0") : ".";
    if (i % 4 === 0 && i !== 0) s += " ";
  }
  return s + " = ";
}

const mac = (b: Uint8Array, at: number): string => {
  let s = "";
  for (let i = 0; i < 6; i++) s += (i === 0 ? "" : ":") + (b[at + i] ?? 0).toString(16).padStart(2, "0");
  return s;
};
const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) * 65536 + u16(b, at + 2));

const ETHERTYPES: Readonly<Record<number, string>> = { 0x0800: "IPv4", 0x86dd: "IPv6", 0x0806: "ARP", 0x8100: "802.1Q Virtual LAN" };
const ethertype = (t: number): string => `${ETHERTYPES[t] ?? "Unknown"} (0x${t.toString(16).padStart(4, "0")})`;

function macNode(name: string, b: Uint8Array, at: number): TreeNode {
  const first = b[at] ?? 0;
  const a = mac(b, at);
  return node(`${name}: ${a}`, 0, at, 6, name === "Destination" ? "eth.dst" : "eth.src", [
    node(`Address: ${a}`, 0, at, 6, "eth.addr"),
    node(`.... ..${(first & 2) !== 0 ? 1 : 0}. .... .... .... .... = LG bit: ${(first & 2) !== 0 ? "Locally administered address (this is NOT the factory default)" : "Globally unique address (factory default)"}`, 0, at, 3, "eth.lg"),
    node(`.... ...${first & 1} .... .... .... .... = IG bit: ${(first & 1) !== 0 ? "Group address (multicast/broadcast)" : "Individual address (unicast)"}`, 0, at, 3, "eth.ig"),
  ]);
}

/** The link-layer subtree (bytes before the first IP header), when we know how to name it. */
function linkNode(f: DecodedFrame): TreeNode | undefined {
  const b = f.bytes;
  const end = f.ipCount > 0 ? f.ip[0]!.offset : b.length;
  switch (f.linkType) {
    case 1: {
      if (b.length < 14) return undefined;
      return node(`Ethernet II, Src: ${mac(b, 6)}, Dst: ${mac(b, 0)}`, 0, 0, 14, "eth", [
        macNode("Destination", b, 0), macNode("Source", b, 6),
        node(`Type: ${ethertype(u16(b, 12))}`, 0, 12, 2, "eth.type"),
      ]);
    }
    case 101: case 12: case 14:
      return node("Raw packet data", 0, 0, 0, "raw");
    case 113: {
      if (b.length < 16) return undefined;
      const pt = u16(b, 0), alen = u16(b, 4);
      const PT = ["Unicast to us", "Broadcast", "Multicast", "Unicast to another host", "Sent by us"];
      const ha = u16(b, 2), shown = Math.min(alen, 8);
      const k: TreeNode[] = [
        node(`Packet type: ${PT[pt] ?? "Unknown"} (${pt})`, 0, 0, 2, "sll.pkttype"),
        node(`Link-layer address type: ${SLL_HATYPES[ha] ?? "Unknown"} (${ha})`, 0, 2, 2, "sll.hatype"),
        node(`Link-layer address length: ${alen}`, 0, 4, 2, "sll.halen"),
      ];
      // tshark 4.0.17: a 6-byte address as a MAC, a sit0 4-byte one as IPv4, else hex; the rest "Unused".
      if (shown > 0) {
        const a = shown === 6 ? mac(b, 6) : shown === 4 && ha === 776 ? Array.from(b.subarray(6, 10)).join(".") : hexBytes(b, 6, 6 + shown);
        k.push(node(`Source: ${a}`, 0, 6, shown, "sll.src.eth"));
      }
      if (shown < 8) k.push(node(`Unused: ${hexBytes(b, 6 + shown, 14)}`, 0, 6 + shown, 8 - shown, "sll.unused"));
      k.push(node(`Protocol: ${ethertype(u16(b, 14))}`, 0, 14, 2, "sll.etype"));
      return node("Linux cooked capture v1", 0, 0, 16, "sll", k);
    }
    case 0: {
      if (b.length < 4) return undefined;
      let fam = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      if ((fam & 0xffff0000) !== 0) fam = u32(b, 0);
      const name = fam === 2 ? "IP" : fam === 24 || fam === 28 || fam === 30 ? "IPv6" : "Unknown";
      return node("Null/Loopback", 0, 0, 4, "null", [node(`Family: ${name} (${fam})`, 0, 0, 4, "null.family")]);
    }
    case 104: return b.length >= 4 ? chdlcNode(b) : undefined;
    case 9: {
      if (b.length < 4) return undefined;
      // PPP in HDLC-like framing, or Cisco HDLC (address 0x0f / 0x8f) under LINKTYPE_PPP.
      if (b[0] === 0x0f || b[0] === 0x8f) return chdlcNode(b);
      const proto = u16(b, 2);
      return node("Point-to-Point Protocol", 0, 0, 4, "ppp", [
        node(`Address: 0x${b[0]!.toString(16).padStart(2, "0")}`, 0, 0, 1, "ppp.address"),
        node(`Control: 0x${b[1]!.toString(16).padStart(2, "0")}`, 0, 1, 1, "ppp.control"),
        node(`Protocol: ${proto === 0x21 ? "Internet Protocol version 4" : "Unknown"} (0x${proto.toString(16).padStart(4, "0")})`, 0, 2, 2, "ppp.protocol"),
      ]);
    }
    case 129: {
      // Linux ARCNET: source, destination, offset (2 bytes), protocol id.
      if (b.length < 5) return undefined;
      return node("ARCNET", 0, 0, 5, "arcnet", [
        node(`Source: 0x${hexBytes(b, 0, 1)}`, 0, 0, 1, "arcnet.src"),
        node(`Dest: 0x${hexBytes(b, 1, 2)}`, 0, 1, 1, "arcnet.dst"),
        node(`Offset: ${hexBytes(b, 2, 4)}`, 0, 2, 2, "arcnet.offset"),
        node(`Protocol ID: ${b[4] === 0xf0 ? "RFC 1051 IP" : "Unknown"} (0x${hexBytes(b, 4, 5)})`, 0, 4, 1, "arcnet.protID"),
      ]);
    }
    case 228: case 229:
      return undefined;
    default:
      return end > 0 ? node(`Link layer (LINKTYPE ${f.linkType}), ${end} bytes`, 0, 0, end) : undefined;
  }
}

/** tshark 4.0.17's encapsulation (wiretap) names and numbers per LINKTYPE (asked of tshark). */
const ENCAP_NAMES: Readonly<Record<number, string>> = {
  0: "NULL/Loopback (15)", 1: "Ethernet (1)", 7: "ARCNET (8)", 9: "PPP (4)", 10: "FDDI with bit-swapped MAC addresses (6)",
  12: "Raw IP (7)", 14: "Raw IP (7)", 101: "Raw IP (7)", 104: "Cisco HDLC (28)", 105: "IEEE 802.11 Wireless LAN (20)",
  107: "Frame Relay (26)", 113: "Linux cooked-mode capture v1 (25)", 127: "IEEE 802.11 plus radiotap radio header (23)",
  129: "Linux ARCNET (9)", 178: "Juniper Ethernet (83)", 192: "Per-Packet Information header (97)",
  195: "IEEE 802.15.4 Wireless PAN (104)", 228: "Raw IPv4 (129)", 229: "Raw IPv6 (130)", 239: "NFLOG (141)",
  242: "IP over IB (180)", 276: "Linux cooked-mode capture v2 (210)",
};

/** The bytes of an Ethernet frame after its IP datagram, as tshark 4.0.17 shows them: zeros up to
 *  the 60-byte minimum as "Padding"; anything else there as a "Trailer" with its Note (the same
 *  test as the rows' expert: ethernetTail). */
function ethTail(f: DecodedFrame): TreeNode[] {
  const tail = ethernetTail(f), b = f.bytes;
  if (tail === undefined || tail.end >= b.length) return [];
  const { end, zeros } = tail;
  // A frame of 64 bytes or more on the wire (802.1Q tags not counted: the trailer is judged inside
  // the last tag) with 4 trailing bytes or more: tshark takes the last 4 as the frame check
  // sequence (not verified).
  const tags = vlanTags(b);
  const from = zeros ? Math.max(end, 60) : end;
  const fcs = f.originalLength - 4 * tags >= 64 && b.length - from >= 4 ? b.length - 4 : b.length;
  const out: TreeNode[] = [];
  if (zeros) {
    // Zeros up to the 60-byte minimum are padding; bytes past it a trailer, without the Note.
    const pad = Math.min(60, b.length);
    if (end < pad) out.push(node(`Padding: ${hexBytes(b, end, pad)}`, 0, end, pad - end, "eth.padding"));
    if (from < fcs) out.push(node(`Trailer: ${hexBytes(b, from, fcs)}`, 0, from, fcs - from, "eth.trailer"));
  } else {
    out.push(node(`Trailer: ${hexBytes(b, end, fcs)}`, 0, end, fcs - end, "eth.trailer", [
      expertNode("Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", Severity.Note, Group.Protocol),
    ]));
  }
  if (fcs < b.length) {
    out.push(node(`Frame check sequence: 0x${hexBytes(b, fcs, b.length)} [unverified]`, 0, fcs, 4, "eth.fcs"),
      gen("FCS Status: Unverified", "eth.fcs.status"));
  }
  return out;
}

/** Cisco HDLC's 4 bytes, as tshark 4.0.17 shows them. */
function chdlcNode(b: Uint8Array): TreeNode {
  const proto = u16(b, 2);
  const name = proto === 0x0800 ? "IP" : proto === 0x86dd ? "IPv6" : "Unknown";
  return node("Cisco HDLC", 0, 0, 4, "chdlc", [
    node(`Address: ${b[0] === 0x8f ? "Multicast" : b[0] === 0x0f ? "Unicast" : "Unknown"} (0x${b[0]!.toString(16).padStart(2, "0")})`, 0, 0, 1, "chdlc.address"),
    node(`Control: 0x${b[1]!.toString(16).padStart(2, "0")}`, 0, 1, 1, "chdlc.control"),
    node(`Protocol: ${name} (0x${proto.toString(16).padStart(4, "0")})`, 0, 2, 2, "chdlc.protocol"),
  ]);
}

/** SLL link-layer address types tshark 4.0.17 names (others: "Unknown"). */
const SLL_HATYPES: Readonly<Record<number, string>> = {
  1: "Ethernet", 24: "IEEE 1394.1995", 768: "IPIP tunnel", 772: "Loopback", 776: "sit0 device - IPv6-in-IPv4", 65534: "zero header length",
};

/** 802.1Q priority code point names (tshark 4.0.17). */
const PCP_NAMES = ["Best Effort (default)", "Background", "Excellent Effort", "Critical Applications",
  "Video, < 100ms latency and jitter", "Voice, < 10ms latency and jitter", "Internetwork Control", "Network Control"];

/** 802.1Q tags (TPID 0x8100) stacked after an Ethernet header's addresses. */
function vlanTags(b: Uint8Array): number {
  let n = 0;
  for (let at = 12; at + 6 <= b.length && u16(b, at) === 0x8100; at += 4) n++;
  return n;
}

/** The 802.1Q tags after an Ethernet header, one subtree each. */
function vlanNodes(b: Uint8Array): TreeNode[] {
  const out: TreeNode[] = [];
  for (let k = 0, n = vlanTags(b); k < n; k++) {
    const at = 12 + 4 * k;
    const tci = u16(b, at + 2), pcp = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0xfff;
    out.push(node(`802.1Q Virtual LAN, PRI: ${pcp}, DEI: ${dei}, ID: ${id}`, 0, at + 2, 4, "vlan", [
      node(`${bitLine(tci, 0xe000, 16)}Priority: ${PCP_NAMES[pcp]} (${pcp})`, 0, at + 2, 2, "vlan.priority"),
      node(`${bitLine(tci, 0x1000, 16)}DEI: ${dei === 1 ? "Eligible" : "Ineligible"}`, 0, at + 2, 2, "vlan.dei"),
      node(`${bitLine(tci, 0x0fff, 16)}ID: ${id}`, 0, at + 2, 2, "vlan.id"),
      node(`Type: ${ethertype(u16(b, at + 4))}`, 0, at + 4, 2, "vlan.etype"),
    ]));
  }
  return out;
}

const IP_PROTO_NAMES: Readonly<Record<number, string>> = { 1: "ICMP", 6: "TCP", 17: "UDP", 41: "IPv6", 47: "GRE", 58: "ICMPv6" };

function ipv4Node(l: IpLayer, src: number): TreeNode {
  const b = l.bytes, at = l.offset;
  const hl = l.headerLength, tos = b[at + 1] ?? 0, tl = u16(b, at + 2), id = u16(b, at + 4), ff = u16(b, at + 6);
  const fl = ff >> 13;
  const flagNames = [(fl & 2) !== 0 ? "Don't fragment" : "", (fl & 1) !== 0 ? "More fragments" : ""].filter((x) => x !== "");
  const p = l.protocol;
  return node(`Internet Protocol Version 4, Src: ${l.srcText}, Dst: ${l.dstText}`, src, at, hl, "ip", [
    node(`0100 .... = Version: 4`, src, at, 1, "ip.version"),
    node(`.... ${bitLine(hl / 4, 15, 4).slice(0, 4)} = Header Length: ${hl} bytes (${hl / 4})`, src, at, 1, "ip.hdr_len"),
    node(`Differentiated Services Field: 0x${tos.toString(16).padStart(2, "0")} (${dsSummary(tos)})`, src, at + 1, 1, "ip.dsfield", [
      node(`${bitLine(tos, 0xfc, 8)}Differentiated Services Codepoint: ${dscpLong(tos >> 2)}`, src, at + 1, 1, "ip.dsfield.dscp"),
      node(`${bitLine(tos, 0x03, 8)}Explicit Congestion Notification: ${ECN_LONG[tos & 3]}`, src, at + 1, 1, "ip.dsfield.ecn"),
    ]),
    node(`Total Length: ${tl}`, src, at + 2, 2, "ip.len"),
    node(`Identification: 0x${id.toString(16).padStart(4, "0")} (${id})`, src, at + 4, 2, "ip.id"),
    node(`${bitLine(fl << 5, 0xe0, 8).slice(0, 9)} = Flags: 0x${fl}${flagNames.length > 0 ? ", " + flagNames.join(", ") : ""}`, src, at + 6, 1, "ip.flags", [
      node(`${(fl & 4) !== 0 ? 1 : 0}... .... = Reserved bit: ${(fl & 4) !== 0 ? "Set" : "Not set"}`, src, at + 6, 1, "ip.flags.rb"),
      node(`.${(fl & 2) !== 0 ? 1 : 0}.. .... = Don't fragment: ${(fl & 2) !== 0 ? "Set" : "Not set"}`, src, at + 6, 1, "ip.flags.df"),
      node(`..${fl & 1}. .... = More fragments: ${(fl & 1) !== 0 ? "Set" : "Not set"}`, src, at + 6, 1, "ip.flags.mf"),
    ]),
    node(`${bitLine(ff & 0x1fff, 0x1fff, 16)}Fragment Offset: ${(ff & 0x1fff) * 8}`, src, at + 6, 2, "ip.frag_offset"),
    // Under 5 hops, not to a multicast group (224/4): a Note, as the rows raise it (#ipExperts).
    node(`Time to Live: ${l.ttl}`, src, at + 8, 1, "ip.ttl", l.ttl < 5 && !((b[at + 16] ?? 0) >= 224 && (b[at + 16] ?? 0) < 240) && !l.quoted
      ? [expertNode(`"Time To Live" only ${l.ttl}`, Severity.Note, Group.Sequence)] : []),
    node(`Protocol: ${IP_PROTO_NAMES[p] ?? "Unknown"} (${p})`, src, at + 9, 1, "ip.proto"),
    node(`Header Checksum: 0x${u16(b, at + 10).toString(16).padStart(4, "0")} [validation disabled]`, src, at + 10, 2, "ip.checksum"),
    gen("Header checksum status: Unverified", "ip.checksum.status"),
    node(`Source Address: ${l.srcText}`, src, at + 12, 4, "ip.src"),
    node(`Destination Address: ${l.dstText}`, src, at + 16, 4, "ip.dst"),
  ]);
}

// DSCP and ECN names as tshark 4.0.17 prints them (asked of tshark for all 256 values).
/** The DS field's summary, "DSCP: AF11, ECN: ECT(0)". */
function dsSummary(ds: number): string {
  const d = ds >> 2;
  const short = d === 0 ? "CS0" : d === 1 ? "LE" : d === 44 ? "VOICE-ADMIT" : d === 46 ? "EF PHB"
    : (d & 7) === 0 ? `CS${d >> 3}` : (d & 1) === 0 && (d >> 3) >= 1 && (d >> 3) <= 4 && (d & 7) <= 6 ? `AF${d >> 3}${(d & 7) >> 1}` : "Unknown";
  return `DSCP: ${short}, ECN: ${["Not-ECT", "ECT(1)", "ECT(0)", "CE"][ds & 3]}`;
}
/** The codepoint line's name and number, "Assured Forwarding 11 (10)". */
function dscpLong(d: number): string {
  const name = d === 0 ? "Default" : d === 1 ? "Lower Effort" : d === 44 ? "Voice Admit" : d === 46 ? "Expedited Forwarding"
    : (d & 7) === 0 ? `Class Selector ${d >> 3}` : (d & 1) === 0 && (d >> 3) >= 1 && (d >> 3) <= 4 && (d & 7) <= 6 ? `Assured Forwarding ${d >> 3}${(d & 7) >> 1}` : "Unknown";
  return `${name} (${d})`;
}
const ECN_LONG = ["Not ECN-Capable Transport (0)", "ECN-Capable Transport codepoint '01' (1)",
  "ECN-Capable Transport codepoint '10' (2)", "Congestion Experienced (3)"];

function ipv6Node(l: IpLayer, src: number): TreeNode {
  const b = l.bytes, at = l.offset;
  const w = u32(b, at);
  const tc = (w >>> 20) & 0xff, flow = w & 0xfffff;
  return node(`Internet Protocol Version 6, Src: ${sourceText(l)}, Dst: ${destinationText(l)}`, src, at, l.headerLength, "ipv6", [
    node(`0110 .... = Version: 6`, src, at, 1, "ipv6.version"),
    node(`${bitLine(w, 0x0ff00000, 32)}Traffic Class: 0x${tc.toString(16).padStart(2, "0")} (${dsSummary(tc)})`, src, at, 2, "ipv6.tclass", [
      node(`${bitLine(w, 0x0fc00000, 32)}Differentiated Services Codepoint: ${dscpLong(tc >> 2)}`, src, at, 2, "ipv6.tclass.dscp"),
      node(`${bitLine(w, 0x00300000, 32)}Explicit Congestion Notification: ${ECN_LONG[tc & 3]}`, src, at, 2, "ipv6.tclass.ecn"),
    ]),
    node(`${bitLine(w & 0xffffff, 0x0fffff, 24)}Flow Label: 0x${flow.toString(16).padStart(5, "0")}`, src, at + 1, 3, "ipv6.flow"),
    node(`Payload Length: ${u16(b, at + 4)}`, src, at + 4, 2, "ipv6.plen"),
    node(`Next Header: ${IP_PROTO_NAMES[b[at + 6] ?? 0] ?? "Unknown"} (${b[at + 6] ?? 0})`, src, at + 6, 1, "ipv6.nxt"),
    node(`Hop Limit: ${l.ttl}`, src, at + 7, 1, "ipv6.hlim"),
    node(`Source Address: ${l.srcText}`, src, at + 8, 16, "ipv6.src"),
    node(`Destination Address: ${l.dstText}`, src, at + 24, 16, "ipv6.dst"),
    ...slaac(b, at + 8, "Source", "ipv6.src_slaac_mac"),
    ...slaac(b, at + 24, "Destination", "ipv6.dst_slaac_mac"),
  ]);
}

/** The MAC inside a modified EUI-64 interface identifier (…:xxff:fexx:…), as tshark shows it. */
function slaac(b: Uint8Array, at: number, side: string, field: string): TreeNode[] {
  if (b[at + 11] !== 0xff || b[at + 12] !== 0xfe) return [];
  const m = [b[at + 8]! ^ 2, b[at + 9]!, b[at + 10]!, b[at + 13]!, b[at + 14]!, b[at + 15]!];
  return [gen(`${side} SLAAC MAC: ${m.map((x) => x.toString(16).padStart(2, "0")).join(":")}`, field)];
}

const SEVERITY_NAME: Readonly<Record<number, string>> = {
  [Severity.Chat]: "Chat", [Severity.Note]: "Note", [Severity.Warning]: "Warning", [Severity.Error]: "Error", [Severity.Comment]: "Comment",
};
const GROUP_NAME: Readonly<Record<number, string>> = {
  [Group.Checksum]: "Checksum", [Group.Sequence]: "Sequence", [Group.Malformed]: "Malformed", [Group.Protocol]: "Protocol",
  [Group.Comment]: "Comment",
};

/** An expert item as tshark's tree shows it: summary line, then message, severity, group. */
export function expertNode(message: string, severity: number, group: number): TreeNode {
  const sev = SEVERITY_NAME[severity] ?? String(severity), grp = GROUP_NAME[group] ?? String(group);
  return gen(`Expert Info (${sev}/${grp}): ${message}`, "_ws.expert", [
    gen(message, "_ws.expert.message"), gen(`Severity level: ${sev}`, "_ws.expert.severity"), gen(`Group: ${grp}`, "_ws.expert.group"),
  ]);
}

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
function optionsNode(t: TcpLayer, r: AnalysisResult | undefined, src: number): TreeNode {
  const list = tcpOptions(t.options(), t.optionsLength);
  const kids: TreeNode[] = [];
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
    const k = node(`Kind: ${OPTION_KINDS[kind] ?? `Unknown (${kind})`}`, src, at, 1, "tcp.option_kind");
    const lenNode = node(`Length: ${len}`, src, at + 1, 1, "tcp.option_len");
    let label = `TCP Option - ${title}`;
    const c: TreeNode[] = kind <= 1 ? [k] : [k, lenNode];
    if (o.type === "mss" && o.value !== undefined) {
      label += `: ${o.value} bytes`;
      c.push(node(`MSS Value: ${o.value}`, src, at + 2, 2, "tcp.options.mss_val"));
    } else if (o.type === "wscale" && o.shift !== undefined) {
      const mult = 2 ** Math.min(o.shift, 14);
      label += `: ${o.shift} (multiply by ${mult})`;
      c.push(node(`Shift count: ${o.shift}`, src, at + 2, 1, "tcp.options.wscale.shift"), gen(`Multiplier: ${mult}`, "tcp.options.wscale.multiplier"));
    } else if (o.type === "timestamp" && o.tsval !== undefined) {
      label += `: TSval ${o.tsval}, TSecr ${o.tsecr}`;
      c.push(node(`Timestamp value: ${o.tsval}`, src, at + 2, 4, "tcp.options.timestamp.tsval"),
        node(`Timestamp echo reply: ${o.tsecr}`, src, at + 6, 4, "tcp.options.timestamp.tsecr"));
    } else if (o.type === "sack") {
      const base = r !== undefined && r.relative ? r.ackBase : 0;
      const rel = r !== undefined && r.relative ? " (relative)" : "";
      const parts: string[] = [];
      for (let i = 0; i < o.count; i++) {
        const le = (o.edges[2 * i]! - base) >>> 0, re = (o.edges[2 * i + 1]! - base) >>> 0;
        parts.push(`${le}-${re}`);
        c.push(node(`left edge = ${le}${rel}`, src, at + 2 + 8 * i, 4, "tcp.options.sack_le"),
          node(`right edge = ${re}${rel}`, src, at + 6 + 8 * i, 4, "tcp.options.sack_re"));
      }
      c.push(gen(`TCP SACK Count: ${o.count}`, "tcp.options.sack.count"));
      // D-SACK (RFC 2883): the first block is at or below the ack, or inside the second block.
      const e = o.edges;
      if (o.count > 0 && (seqLe(e[1]!, t.ackRaw) || (o.count >= 2 && seqLt(e[2]!, e[1]!) && seqLe(e[1]!, e[3]!)))) {
        c.push(gen(`D-SACK Left Edge = ${(e[0]! - base) >>> 0}${rel}`, "tcp.options.sack.dsack_le"),
          gen(`D-SACK Right Edge = ${(e[1]! - base) >>> 0}${rel}`, "tcp.options.sack.dsack_re"),
          node("D-SACK Sequence", src, at + 2, 8, "tcp.options.sack.dsack", [expertNode("D-SACK Sequence", Severity.Warning, Group.Sequence)]));
      }
      label += ` ${parts.join(" ")}`;
    }
    kids.push(node(label, src, at, len, `tcp.options.${o.type}`, c));
  }
  return node(`Options: (${t.optionsLength} bytes), ${names.join(", ")}`, src, t.optionsOffset, t.optionsCaptured, "tcp.options", kids);
}

/** The TCP subtree with tshark 4.0's labels. */
export function tcpNode(f: DecodedFrame, index: number, r: AnalysisResult | undefined, src: number, finPassive?: boolean): TreeNode {
  const t = f.tcp[index]!;
  const at = t.offset;
  const flags = t.flags;
  const ackSet = (flags & ACK) !== 0;
  const seq = r !== undefined ? r.seq : t.seqRaw;
  const ack = r !== undefined ? r.ack : t.ackRaw;
  const relSeq = r !== undefined && r.relative;
  const head = `Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}, Seq: ${seq}`
    + (ackSet ? `, Ack: ${ack}` : "") + (t.seglen >= 0 ? `, Len: ${t.seglen}` : "");
  const k: TreeNode[] = [
    node(`Source Port: ${t.srcPort}`, src, at, 2, "tcp.srcport"),
    node(`Destination Port: ${t.dstPort}`, src, at + 2, 2, "tcp.dstport"),
  ];
  if (r !== undefined) {
    k.push(gen(`Stream index: ${r.stream}`, "tcp.stream"),
      gen(`Conversation completeness: ${completenessLabel(r.completeness)} (${r.completeness})`, "tcp.completeness"));
  }
  if (t.seglen >= 0) k.push(gen(`TCP Segment Len: ${t.seglen}`, "tcp.len"));
  k.push(node(`Sequence Number: ${seq}${relSeq ? "    (relative sequence number)" : ""}`, src, at + 4, 4, "tcp.seq"));
  if (!t.quoted) k.push(node(`Sequence Number (raw): ${t.seqRaw}`, src, at + 4, 4, "tcp.seq_raw"));
  if (r !== undefined && r.nxtseqPresent) k.push(gen(`Next Sequence Number: ${r.nxtseq}${relSeq ? "    (relative sequence number)" : ""}`, "tcp.nxtseq"));
  k.push(node(`Acknowledgment Number: ${ack}${relSeq && ackSet ? "    (relative ack number)" : ""}`, src, at + 8, 4, "tcp.ack"),
    node(`Acknowledgment number (raw): ${t.ackRaw}`, src, at + 8, 4, "tcp.ack_raw"),
    node(`${bitLine(t.dataOffset << 4, 0xf0, 8).slice(0, 9)} = Header Length: ${t.headerLength} bytes (${t.dataOffset})`, src, at + 12, 1, "tcp.hdr_len"));
  // Flags: 12 bit lines, expert items under the bit that raises them (spec §12.2).
  const fk: TreeNode[] = [];
  for (const [mask, name, field] of FLAG_LINES) {
    const set = (flags & mask) !== 0;
    const line = node(`${bitLine(flags, mask, 12)}${name}: ${set ? "Set" : "Not set"}`, src, at + 12, 2, field);
    if (mask === SYN && set) {
      line.children.push(ackSet
        ? expertNode(`Connection establish acknowledge (SYN+ACK): server port ${t.srcPort}`, Severity.Chat, Group.Sequence)
        : expertNode(`Connection establish request (SYN): server port ${t.dstPort}`, Severity.Chat, Group.Sequence));
    } else if (mask === RST && set) line.children.push(expertNode("Connection reset (RST)", Severity.Warning, Group.Sequence));
    else if (mask === FIN && set) line.children.push(expertNode("Connection finish (FIN)", Severity.Chat, Group.Sequence));
    fk.push(line);
  }
  const str = gen(`TCP Flags: ${tcpFlagsString(flags)}`, "tcp.flags.str");
  if ((flags & FIN) !== 0 && r !== undefined) {
    // tshark 4.0: a FIN is "active" unless the peer's initiating FIN came first (spec §12.2).
    const peer = r.fromClient ? r.serverBefore : r.clientBefore;
    const peerFinished = finPassive ?? (peer === "FIN-WAIT-1" || peer === "FIN-WAIT-2" || peer === "CLOSING" || peer === "TIME-WAIT" || peer === "LAST-ACK");
    str.children.push(peerFinished
      ? expertNode("This frame undergoes the connection closing", Severity.Note, Group.Sequence)
      : expertNode("This frame initiates the connection closing", Severity.Note, Group.Sequence));
  }
  fk.push(str);
  k.push(node(`Flags: 0x${flags.toString(16).padStart(3, "0")} (${flagNames(flags)})`, src, at + 12, 2, "tcp.flags", fk));
  k.push(node(`Window: ${t.windowRaw}`, src, at + 14, 2, "tcp.window_size_value"));
  if (r !== undefined && r.windowPresent) k.push(gen(`Calculated window size: ${r.windowSize}`, "tcp.window_size"));
  if (r !== undefined && r.scaleFactorPresent) {
    const sf = r.scaleFactor;
    k.push(gen(`Window size scaling factor: ${sf === -1 ? "-1 (unknown)" : sf === -2 ? "-2 (no window scaling used)" : sf}`, "tcp.window_size_scalefactor"));
  }
  k.push(node(`Checksum: 0x${t.checksum.toString(16).padStart(4, "0")} [unverified]`, src, at + 16, 2, "tcp.checksum"),
    gen("Checksum Status: Unverified", "tcp.checksum.status"),
    node(`Urgent Pointer: ${t.urgent}`, src, at + 18, 2, "tcp.urgent_pointer"));
  if (t.optionsLength > 0) k.push(optionsNode(t, r, src));
  if (r !== undefined && r.timePresent) {
    k.push(gen("Timestamps", undefined, [
      gen(`Time since first frame in this TCP stream: ${formatSecNs(r.timeRelativeSec, r.timeRelativeSubNs)} seconds`, "tcp.time_relative"),
      gen(`Time since previous frame in this TCP stream: ${formatSecNs(r.timeDeltaSec, r.timeDeltaSubNs)} seconds`, "tcp.time_delta"),
    ]));
  }
  if (r !== undefined && r.analysisPresent) k.push(seqAckNode(r));
  if (t.seglen > 0 && t.payloadLength > 0) {
    k.push(node(`TCP payload (${byteCount(t.seglen)})`, src, t.payloadOffset, t.payloadLength, "tcp.payload"));
    // tshark 4.0.17 (tcp.desegment): a plain retransmission's data is shown as such, not dissected
    // (a fast retransmission's is dissected; a spurious one's shows neither: payloadDissected).
    if (r !== undefined && r.analysisPresent && (r.flags & A_RETRANSMISSION) !== 0) {
      k.push(node(`Retransmitted TCP segment data (${byteCount(t.seglen)})`, src, t.payloadOffset, t.payloadLength, "tcp.segment_data"));
    }
  }
  return node(head, src, at, t.capturedLength, "tcp", k);
}

/** `[SEQ/ACK analysis]`: acked frame and RTT, iRTT, bytes in flight, then the flags with their experts. */
function seqAckNode(r: AnalysisResult): TreeNode {
  const k: TreeNode[] = [];
  if (r.acksFrame !== 0) {
    k.push(gen(`This is an ACK to the segment in frame: ${r.acksFrame}`, "tcp.analysis.acks_frame"));
    if (r.ackRttNs !== 0) k.push(gen(`The RTT to ACK the segment was: ${formatSecNs(r.ackRttSec, r.ackRttSubNs)} seconds`, "tcp.analysis.ack_rtt"));
  }
  if (r.initialRttNs !== 0) k.push(gen(`iRTT: ${formatSecNs(r.initialRttSec, r.initialRttSubNs)} seconds`, "tcp.analysis.initial_rtt"));
  if (r.bytesInFlight !== 0) {
    k.push(gen(`Bytes in flight: ${r.bytesInFlight}`, "tcp.analysis.bytes_in_flight"),
      gen(`Bytes sent since last PSH flag: ${r.pushBytesSent}`, "tcp.analysis.push_bytes_sent"));
  }
  if (r.flags !== 0) {
    const ex = new ExpertList();
    addAnalysisExperts(ex, r.flags, r.dupAckNum);
    const fk: TreeNode[] = [];
    let dupExpert: TreeNode | undefined;
    for (let i = 0; i < ex.length; i++) {
      const e = expertNode(ex.message[i]!, ex.severity[i]!, ex.group[i]!);
      // tshark 4.0 hangs the duplicate-ACK expert under "Duplicate to the ACK in frame".
      if (ex.message[i]!.startsWith("Duplicate ACK (#")) { dupExpert = e; fk.push(gen("This is a TCP duplicate ack", "tcp.analysis.duplicate_ack")); }
      else fk.push(e);
    }
    if (r.rtoNs !== 0) {
      fk.push(gen(`The RTO for this segment was: ${formatSecNs(r.rtoSec, r.rtoSubNs)} seconds`, "tcp.analysis.rto"),
        gen(`RTO based on delta from frame: ${r.rtoFrame}`, "tcp.analysis.rto_frame"));
    }
    k.push(gen("TCP Analysis Flags", "tcp.analysis.flags", fk));
    if (r.dupAckNum !== 0) {
      k.push(gen(`Duplicate ACK #: ${r.dupAckNum}`, "tcp.analysis.duplicate_ack_num"),
        gen(`Duplicate to the ACK in frame: ${r.dupAckFrame}`, "tcp.analysis.duplicate_ack_frame", dupExpert !== undefined ? [dupExpert] : []));
    }
  }
  return gen("SEQ/ACK analysis", "tcp.analysis", k);
}

/** The synack section: direction, both endpoints' states before → after, and the why of each flag. */
export function synackNode(r: AnalysisResult): TreeNode {
  const k: TreeNode[] = [
    gen(`Direction: ${r.fromClient ? "client → server" : "server → client"}`),
    gen(`Client state: ${r.clientBefore} → ${r.client}${r.clientEvent !== "none" ? ` (${r.clientEvent})` : ""}`),
    gen(`Server state: ${r.serverBefore} → ${r.server}${r.serverEvent !== "none" ? ` (${r.serverEvent})` : ""}`),
  ];
  for (let i = 0; i < r.why.count; i++) {
    const o = whyToObject(r.why.slots[i]!);
    const rule = r.why.slots[i]!.rule!;
    const values = rule.names.map((n) => `${n}=${o[n]}`).join(", ");
    k.push(gen(`Why ${rule.flag}: ${rule.rule}${values === "" ? "" : ` [${values}]`}`, rule.flag));
  }
  if (r.outputSuppressed) k.push(gen("Analysis ran, but tshark 4.0 shows none of it for this header (truncated options or bogus header length)"));
  return node("synack", 0, 0, 0, "synack", k);
}

/** "1 byte", "2 bytes" (tshark's plurality() in these labels). */
const byteCount = (n: number): string => (n === 1 ? "1 byte" : `${n} bytes`);

/** tshark 4.0.17 hands a segment's payload to the next dissector (here the data dissector, as
 *  with -d tcp.port==1-65535,data) unless the segment is a plain, spurious or out-of-order
 *  retransmission (tcp.no_subdissector_on_error, on by default). Observed on every such corpus
 *  frame: plain → "Retransmitted TCP segment data" only, spurious and out-of-order → nothing after
 *  "TCP payload", fast retransmission, keep-alive and lost-segment frames → Data. */
function payloadDissected(r: AnalysisResult | undefined): boolean {
  return r === undefined || !r.analysisPresent || (r.flags & (A_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION | A_OUT_OF_ORDER)) === 0;
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
  let tcpNext = 0;
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    if (i > 0) p.push(...(ENCAP_PROTOCOLS[l.encap] ?? []).map((x) => (x === "icmp" && f.ip[i - 1]!.version === 6 ? "icmpv6" : x)));
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

/** The whole tree of one frame: Frame, link, IP layers and TCP headers in order, payload, synack. */
export function buildDetailsTree(c: DetailsInput): TreeNode[] {
  const f = c.frame, rec = c.rec;
  const cap = f.bytes.length, wire = rec.originalLength;
  const sources = dataSources(f);
  const out: TreeNode[] = [];
  // pcapng: "on interface NAME, id N", then the section and the interface (tshark 4.0.17).
  // pcapng packet comments come first, each with its Comment expert (tshark 4.0.17).
  if (rec.comments !== undefined && rec.comments.length > 0) {
    out.push(node("Packet comments", 0, 0, 0, "frame.comment", rec.comments.map((t) =>
      node(t, 0, 0, 0, "frame.comment", [expertNode(t, Severity.Comment, Group.Comment)]))));
  }
  const ifc = c.iface, ifName = ifc?.name ?? "unknown";
  const ifLines: TreeNode[] = ifc === undefined ? [] : [
    node(`Section number: ${ifc.section}`, 0, 0, 0, "frame.section_number"),
    node(`Interface id: ${ifc.id} (${ifName})`, 0, 0, 0, "frame.interface_id", [
      node(`Interface name: ${ifName}`, 0, 0, 0, "frame.interface_name"),
      ...(ifc.description !== undefined ? [node(`Interface description: ${ifc.description}`, 0, 0, 0, "frame.interface_description")] : []),
    ]),
  ];
  out.push(node(`Frame ${rec.index}: ${wire} bytes on wire (${wire * 8} bits), ${cap} bytes captured (${cap * 8} bits)${ifc === undefined ? "" : ` on interface ${ifName}, id ${ifc.id}`}`, 0, 0, cap, "frame", [
    ...ifLines,
    node(`Encapsulation type: ${ENCAP_NAMES[rec.linkType] ?? `LINKTYPE ${rec.linkType}`}`, 0, 0, 0, "frame.encap_type"),
    node(`Arrival Time: ${arrival(rec.tsSec, rec.tsNsec)}`, 0, 0, 0, "frame.time"),
    gen("Time shift for this packet: 0.000000000 seconds", "frame.offset_shift"),
    node(`Epoch Time: ${rec.tsSec}.${String(rec.tsNsec).padStart(9, "0")} seconds`, 0, 0, 0, "frame.time_epoch"),
    gen(`Time delta from previous captured frame: ${secsBetween(rec.tsSec, rec.tsNsec, c.prevSec, c.prevNsec)} seconds`, "frame.time_delta"),
    gen(`Time delta from previous displayed frame: ${secsBetween(rec.tsSec, rec.tsNsec, c.shownSec ?? c.prevSec, c.shownNsec ?? c.prevNsec)} seconds`, "frame.time_delta_displayed"),
    gen(`Time since reference or first frame: ${secsBetween(rec.tsSec, rec.tsNsec, c.firstSec, c.firstNsec)} seconds`, "frame.time_relative"),
    node(`Frame Number: ${rec.index}`, 0, 0, 0, "frame.number"),
    node(`Frame Length: ${wire} bytes (${wire * 8} bits)`, 0, 0, 0, "frame.len"),
    node(`Capture Length: ${cap} bytes (${cap * 8} bits)`, 0, 0, 0, "frame.cap_len"),
    gen("Frame is marked: False", "frame.marked"),
    gen("Frame is ignored: False", "frame.ignored"),
    gen(`Protocols in frame: ${protocolsInFrame(f, c.results)}`, "frame.protocols"),
  ]));
  const link = linkNode(f);
  if (link !== undefined) out.push(link);
  if (f.linkType === 1 && link !== undefined) {
    const tags = vlanNodes(f.bytes);
    out.push(...tags);
    // Padding or trailer after the IP datagram: under the last Ethernet-level header.
    (tags.length > 0 ? tags[tags.length - 1]! : link).children.push(...ethTail(f));
  }
  // IP layers and TCP headers, outermost first; a reassembled layer's TCP lives in data source 1+.
  let tcpNext = 0;
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    out.push(l.version === 4 ? ipv4Node(l, 0) : ipv6Node(l, 0));
    while (tcpNext < f.tcpCount && f.tcp[tcpNext]!.ipIndex === i) {
      const t = f.tcp[tcpNext]!;
      const src = t.reassembled ? Math.max(0, sources.findIndex((s) => s.bytes === t.bytes)) : 0;
      out.push(tcpNode(f, tcpNext, c.results[tcpNext], src, c.finPassive?.[tcpNext]));
      if (!t.quoted && t.seglen > 0 && t.payloadLength > 0 && payloadDissected(c.results[tcpNext])) {
        const p = t.payload();
        let hex = "";
        for (let j = 0; j < Math.min(p.length, 36); j++) hex += p[j]!.toString(16).padStart(2, "0");
        out.push(node(`Data (${byteCount(p.length)})`, src, t.payloadOffset, p.length, "data", [
          node(`Data: ${hex}${p.length > 36 ? "…" : ""}`, src, t.payloadOffset, p.length, "data.data"),
          gen(`Length: ${p.length}`, "data.len"),
        ]));
      }
      tcpNext++;
    }
  }
  const r0 = c.results[0];
  if (r0 !== undefined && f.tcpCount > 0 && !f.tcp[0]!.quoted) out.push(synackNode(r0));
  return out;
}

/** Text of the tree as tshark -V prints it: four spaces per level, one node a line. */
export function renderDetailsTree(nodes: readonly TreeNode[], dataHex?: readonly DataSource[]): string {
  let s = "";
  const walk = (n: TreeNode, depth: number): void => {
    s += " ".repeat(4 * depth) + n.label + "\n";
    // tshark -V without -x dumps the bytes of each Data item after its line (print.c's
    // "uninterpreted data"): a blank line, then the dump with offsets from the item's first byte.
    const src = n.field === "data" ? dataHex?.[n.source] : undefined;
    if (src !== undefined) {
      s += "\n";
      for (const l of hexDumpLines(src.bytes.subarray(n.offset, n.offset + n.length))) s += l + "\n";
    }
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const n of nodes) walk(n, 0);
  return s;
}
