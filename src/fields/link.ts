/** Link layers of the field tree: Ethernet II (+ 802.1Q, padding, trailer, FCS), NULL/loopback,
 *  raw IP, PPP, Cisco HDLC (the others: link-other.ts). */
import type { DecodedFrame } from "../decode/index.js";
import { Group, Severity } from "./expert.js";
import { bytesItem, type FieldNode, gen, hidden, item, proto, treeBuild, wants } from "./node.js";
import { bitLine } from "./node.js";
import { expertNode, hex, hexBytes, mac, u16, u32 } from "./expert-node.js";
import { vlanTags } from "./frame.js";
import { ouiName } from "./oui.js";

/** The bytes of an Ethernet frame after its IP datagram: where the datagram ends and whether
 *  everything after it up to the 60-byte minimum is zeros (padding); undefined when the frame
 *  has none (under 60 bytes, not an Ethernet-carried datagram). Shared by the expert (FieldRows)
 *  and the tree. */
export function ethernetTail(frame: DecodedFrame): { end: number; zeros: boolean } | undefined {
  if (frame.ipCount === 0) return undefined;
  const ip = frame.ip[0]!;
  if (ip.encap !== "link" || ip.bytes !== frame.bytes || ip.fragment || ip.reassembled) return undefined;
  const b = frame.bytes;
  const total = ip.version === 4 ? ((b[ip.offset + 2]! << 8) | b[ip.offset + 3]!) : 40 + ((b[ip.offset + 4]! << 8) | b[ip.offset + 5]!);
  if (total === 0 || (ip.version === 6 && total === 40) || b.length < 60) return undefined;
  const end = ip.offset + total;
  let zeros = true;
  for (let i = end; i < 60; i++) if (b[i] !== 0) { zeros = false; break; }
  return { end, zeros };
}

const ETHERTYPES: Readonly<Record<number, string>> = { 0x0800: "IPv4", 0x86dd: "IPv6", 0x0806: "ARP", 0x8100: "802.1Q Virtual LAN",
  0x6558: "Transparent Ethernet bridging" };
export const ethertype = (t: number): string => `${ETHERTYPES[t] ?? "Unknown"} (${hex(t, 4)})`;

/** The hidden items of one MAC address (`eth.dst_resolved`, `.oui`, `.oui_resolved`) under `side`. */
function macHidden(side: string, a: string, oui: number, at: number): FieldNode[] {
  const name = ouiName(oui);
  const k = [hidden(`${side}_resolved`, a, 0, at, 6), hidden(`${side}.oui`, String(oui), 0, at, 3)];
  if (name !== undefined) k.push(hidden(`${side}.oui_resolved`, name, 0, at, 6));
  return k;
}

function macNode(which: "dst" | "src", b: Uint8Array, at: number): FieldNode {
  const first = b[at] ?? 0, a = mac(b, at), L = treeBuild.labels;
  const label = L ? `${which === "dst" ? "Destination" : "Source"}: ${a}` : "";
  // A field list that reads no item under the address leaves them out.
  if (!wants("eth.addr") && !wants("eth.lg") && !wants("eth.ig") && !wants(which === "dst" ? "eth.dst_" : "eth.src_")
    && !wants(which === "dst" ? "eth.dst." : "eth.src.")) return item(`eth.${which}`, a, label, 0, at, 6);
  const oui = ((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0);
  const lg = (first & 2) !== 0 ? 1 : 0, ig = first & 1;
  return item(`eth.${which}`, a, label, 0, at, 6, [
    ...macHidden(`eth.${which}`, a, oui, at),
    item("eth.addr", a, L ? `Address: ${a}` : "", 0, at, 6),
    ...macHidden("eth.addr", a, oui, at),
    item(`eth.${which}.lg`, String(lg), L ? `.... ..${lg}. .... .... .... .... = LG bit: ${lg !== 0 ? "Locally administered address (this is NOT the factory default)" : "Globally unique address (factory default)"}` : "", 0, at, 3),
    hidden("eth.lg", String(lg), 0, at, 3),
    item(`eth.${which}.ig`, String(ig), L ? `.... ...${ig} .... .... .... .... = IG bit: ${ig !== 0 ? "Group address (multicast/broadcast)" : "Individual address (unicast)"}` : "", 0, at, 3),
    hidden("eth.ig", String(ig), 0, at, 3),
  ]);
}

/** An Ethernet II header at `at` of the frame (undefined when cut short). */
export function ethNode(b: Uint8Array, at: number): FieldNode | undefined {
  if (b.length < at + 14) return undefined;
  return proto("eth", `Ethernet II, Src: ${mac(b, at + 6)}, Dst: ${mac(b, at)}`, 0, at, 14, [
    macNode("dst", b, at), macNode("src", b, at + 6),
    item("eth.type", hex(u16(b, at + 12), 4), treeBuild.labels ? `Type: ${ethertype(u16(b, at + 12))}` : "", 0, at + 12, 2),
  ]);
}

/** The link-layer subtree (bytes before the first IP header), when we know how to name it. */
export function linkNode(f: DecodedFrame): FieldNode | undefined {
  const b = f.bytes;
  const end = f.ipCount > 0 ? f.ip[0]!.offset : b.length;
  switch (f.linkType) {
    case 1: return ethNode(b, 0);
    case 101: case 12: case 14: {
      // tshark 4.0.17 -T json writes this childless protocol with its text as the value.
      const raw = proto("raw", "Raw packet data", 0, 0, b.length, []);
      raw.value = "Raw packet data";
      return raw;
    }
    case 0: {
      if (b.length < 4) return undefined;
      let fam = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      if ((fam & 0xffff0000) !== 0) fam = u32(b, 0);
      const name = fam === 2 ? "IP" : fam === 24 || fam === 28 || fam === 30 ? "IPv6" : "Unknown";
      return proto("null", "Null/Loopback", 0, 0, 4, [item("null.family", String(fam), `Family: ${name} (${fam})`, 0, 0, 4)]);
    }
    case 104: return b.length >= 4 ? chdlcNode(b) : undefined;
    case 9: {
      if (b.length < 4) return undefined;
      // PPP in HDLC-like framing, or Cisco HDLC (address 0x0f / 0x8f) under LINKTYPE_PPP.
      if (b[0] === 0x0f || b[0] === 0x8f) return chdlcNode(b);
      const p = u16(b, 2);
      return proto("ppp", "Point-to-Point Protocol", 0, 0, 4, [
        item("ppp.address", hex(b[0]!, 2), `Address: ${hex(b[0]!, 2)}`, 0, 0, 1),
        item("ppp.control", hex(b[1]!, 2), `Control: ${hex(b[1]!, 2)}`, 0, 1, 1),
        item("ppp.protocol", hex(p, 4), `Protocol: ${p === 0x21 ? "Internet Protocol version 4" : "Unknown"} (${hex(p, 4)})`, 0, 2, 2),
      ]);
    }
    case 228: case 229:
      return undefined;
    default:
      return end > 0 ? { label: `Link layer (LINKTYPE ${f.linkType}), ${end} bytes`, source: 0, offset: 0, length: end, children: [] } : undefined;
  }
}

/** Where the MPLS label stack before the frame's first IP header starts (Cisco HDLC, Ethernet),
 *  or −1 when that header is not reached through MPLS at the link layer. */
export function linkMplsAt(f: DecodedFrame): number {
  if (f.ipCount === 0 || f.ip[0]!.encap !== "mpls" || f.ip[0]!.bytes !== f.bytes) return -1;
  if (f.linkType === 104) return 4;
  if (f.linkType === 1) return 14 + 4 * vlanTags(f.bytes);
  return -1;
}

/** The MPLS label stack entries (RFC 3032) from `at` up to `end`, one layer each. */
export function mplsNodes(b: Uint8Array, at: number, end: number): FieldNode[] {
  const out: FieldNode[] = [];
  for (let p = at; p + 4 <= end; p += 4) {
    const e = u32(b, p), label = Math.floor(e / 4096), exp = (e >>> 9) & 7, s = (e >>> 8) & 1, ttl = e & 255;
    out.push(proto("mpls", `MultiProtocol Label Switching Header, Label: ${label}, Exp: ${exp}, S: ${s}, TTL: ${ttl}`, 0, p, 4, [
      item("mpls.label", String(label), `${bitLine(e, 0xfffff000, 32)}MPLS Label: ${label} (${hex(label, 5)})`, 0, p, 4),
      item("mpls.exp", String(exp), `${bitLine(e, 0xe00, 32)}MPLS Experimental Bits: ${exp}`, 0, p, 4),
      item("mpls.bottom", String(s), `${bitLine(e, 0x100, 32)}MPLS Bottom Of Label Stack: ${s}`, 0, p, 4),
      item("mpls.ttl", String(ttl), `${bitLine(e, 0xff, 32)}MPLS TTL: ${ttl}`, 0, p, 4),
    ]));
    if (s === 1) break;
  }
  return out;
}

/** Cisco HDLC's 4 bytes, as tshark 4.0.17 shows them. */
function chdlcNode(b: Uint8Array): FieldNode {
  const p = u16(b, 2);
  const name = p === 0x0800 ? "IP" : p === 0x86dd ? "IPv6" : p === 0x8847 ? "MPLS unicast" : "Unknown";
  return proto("chdlc", "Cisco HDLC", 0, 0, 4, [
    item("chdlc.address", hex(b[0]!, 2), `Address: ${b[0] === 0x8f ? "Multicast" : b[0] === 0x0f ? "Unicast" : "Unknown"} (${hex(b[0]!, 2)})`, 0, 0, 1),
    item("chdlc.control", hex(b[1]!, 2), `Control: ${hex(b[1]!, 2)}`, 0, 1, 1),
    item("chdlc.protocol", hex(p, 4), `Protocol: ${name} (${hex(p, 4)})`, 0, 2, 2),
  ]);
}

/** 802.1Q priority code point names (tshark 4.0.17). */
const PCP_NAMES = ["Best Effort (default)", "Background", "Excellent Effort", "Critical Applications",
  "Video, < 100ms latency and jitter", "Voice, < 10ms latency and jitter", "Internetwork Control", "Network Control"];

/** The 802.1Q tags after an Ethernet header, one subtree each. */
export function vlanNodes(b: Uint8Array): FieldNode[] {
  const out: FieldNode[] = [];
  for (let k = 0, n = vlanTags(b); k < n; k++) {
    const at = 12 + 4 * k;
    const tci = u16(b, at + 2), pcp = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0xfff;
    out.push(proto("vlan", `802.1Q Virtual LAN, PRI: ${pcp}, DEI: ${dei}, ID: ${id}`, 0, at + 2, 4, [
      item("vlan.priority", String(pcp), `${bitLine(tci, 0xe000, 16)}Priority: ${PCP_NAMES[pcp]} (${pcp})`, 0, at + 2, 2),
      item("vlan.dei", String(dei), `${bitLine(tci, 0x1000, 16)}DEI: ${dei === 1 ? "Eligible" : "Ineligible"}`, 0, at + 2, 2),
      item("vlan.id", String(id), `${bitLine(tci, 0x0fff, 16)}ID: ${id}`, 0, at + 2, 2),
      item("vlan.etype", hex(u16(b, at + 4), 4), `Type: ${ethertype(u16(b, at + 4))}`, 0, at + 4, 2),
    ]));
  }
  return out;
}

/** The bytes of an Ethernet frame after its IP datagram, as tshark 4.0.17 shows them: zeros up to
 *  the 60-byte minimum as "Padding"; anything else there as a "Trailer" with its Note (the same
 *  test as the rows' expert: ethernetTail). */
export function ethTail(f: DecodedFrame): FieldNode[] {
  const tail = ethernetTail(f), b = f.bytes;
  if (tail === undefined || tail.end >= b.length) return [];
  const { end, zeros } = tail;
  // A frame of 64 bytes or more on the wire (802.1Q tags not counted: the trailer is judged inside
  // the last tag) with 4 trailing bytes or more: tshark takes the last 4 as the frame check
  // sequence (not verified).
  const tags = vlanTags(b);
  const from = zeros ? Math.max(end, 60) : end;
  const fcs = f.originalLength - 4 * tags >= 64 && b.length - from >= 4 ? b.length - 4 : b.length;
  // Under an 802.1Q tag the trailer is the vlan layer's field (padding stays eth.padding).
  const tr = tags > 0 ? "vlan.trailer" : "eth.trailer";
  const out: FieldNode[] = [];
  if (zeros) {
    // Zeros up to the 60-byte minimum are padding; bytes past it a trailer, without the Note.
    const pad = Math.min(60, b.length);
    if (end < pad) out.push(bytesItem("eth.padding", hexBytes(b, end, pad), `Padding: ${hexBytes(b, end, pad)}`, 0, end, pad - end));
    if (from < fcs) out.push(bytesItem(tr, hexBytes(b, from, fcs), `Trailer: ${hexBytes(b, from, fcs)}`, 0, from, fcs - from));
  } else {
    out.push(bytesItem(tr, hexBytes(b, end, fcs), `Trailer: ${hexBytes(b, end, fcs)}`, 0, end, fcs - end, [
      expertNode("Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", Severity.Note, Group.Protocol),
    ]));
  }
  if (fcs < b.length) {
    out.push(item("eth.fcs", hex(u32(b, fcs), 8), `Frame check sequence: 0x${hexBytes(b, fcs, b.length)} [unverified]`, 0, fcs, 4),
      gen("eth.fcs.status", "2", "FCS Status: Unverified"));
  }
  return out;
}
