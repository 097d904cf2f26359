/** What lies between two IP headers of a frame (GRE, and Aruba's 802.11 inside GRE with its LLC;
 *  UDP tunnels: udp.ts),
 *  and the 802.11 data frame and LLC/SNAP headers themselves, as tshark 4.0.17 shows them. Only
 *  the forms seen on the corpus are named (checked against tshark); others add no nodes. */
import type { DecodedFrame } from "../decode/index.js";
import { Group, Severity } from "./expert.js";
import { expertNode, hex, mac, u16 } from "./expert-node.js";
import { bitLine, bytesItem, type FieldNode, gen, hidden, item, proto } from "./node.js";
import { ethertype } from "./link.js";
import { udpTunnel, type UdpStreamInfo } from "./udp.js";

const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

/** The headers between the end of IP header `i - 1` and the start of IP header `i`, and the
 *  protocol names frame.protocols lists for them. */
export function betweenIp(f: DecodedFrame, i: number, udp?: UdpStreamInfo): { nodes: FieldNode[]; protocols: string[] } | undefined {
  const outer = f.ip[i - 1]!, inner = f.ip[i]!;
  if (outer.protocol === 17) return udpTunnel(f, i, udp);
  if (inner.encap !== "gre" && !(inner.encap === "link" && outer.protocol === 47)) return undefined;
  if (outer.bytes !== inner.bytes && outer.bytes !== f.bytes) return undefined;
  const b = inner.bytes, at = outer.offset + outer.headerLength;
  if (at + 4 > b.length) return undefined;
  const fv = u16(b, at), p = u16(b, at + 2);
  if ((fv & 0xf007) !== 0) return undefined; // optional fields or version 1: not named yet
  const aruba = p === 0x8200 || p === 0x9000;
  const g = greNode(b, at, aruba);
  if (!aruba) return { nodes: [g], protocols: ["gre"] };
  const w = wlanDataNode(b, at + 4, inner.offset);
  if (w === undefined) return { nodes: [g], protocols: ["gre", "wlan", "llc"] };
  const l = llcNode(b, w.end);
  return { nodes: l === undefined ? [g, w.node] : [g, w.node, l], protocols: ["gre", "wlan", "llc"] };
}

function greNode(b: Uint8Array, at: number, aruba: boolean): FieldNode {
  const fv = u16(b, at), p = u16(b, at + 2);
  const bit = (m: number, name: string, field: string): FieldNode => {
    const v = (fv & m) !== 0 ? 1 : 0;
    return item(field, String(v), `${bitLine(fv, m, 16)}${name}: ${v === 1 ? "Yes" : "No"}`, 0, at, 2);
  };
  const pname = aruba ? "ARUBA WLAN" : p === 0x0800 ? "IP" : p === 0x86dd ? "IPv6" : "Unknown";
  return proto("gre", `Generic Routing Encapsulation (${pname})`, 0, at, 4, [
    item("gre.flags_and_version", hex(fv, 4), `Flags and Version: ${hex(fv, 4)}`, 0, at, 2, [
      bit(0x8000, "Checksum Bit", "gre.flags.checksum"), bit(0x4000, "Routing Bit", "gre.flags.routing"),
      bit(0x2000, "Key Bit", "gre.flags.key"), bit(0x1000, "Sequence Number Bit", "gre.flags.sequence_number"),
      bit(0x0800, "Strict Source Route Bit", "gre.flags.strict_source_route"),
      item("gre.flags.recursion_control", String((fv >> 8) & 7), `${bitLine(fv, 0x0700, 16)}Recursion control: ${(fv >> 8) & 7}`, 0, at, 2),
      item("gre.flags.reserved", String((fv >> 3) & 0x1f), `${bitLine(fv, 0x00f8, 16)}Flags (Reserved): ${(fv >> 3) & 0x1f}`, 0, at, 2),
      item("gre.flags.version", String(fv & 7), `${bitLine(fv, 0x0007, 16)}Version: GRE (${fv & 7})`, 0, at, 2),
    ]),
    item("gre.proto", hex(p, 4), `Protocol Type: ${pname} (${hex(p, 4)})`, 0, at + 2, 2),
  ]);
}

/** 802.11 flag characters, most significant bit first (order, protected, more data, power
 *  management, retry, more fragments, from DS, to DS). */
const WLAN_FLAG_CHARS = "opmPRMFT";

/** An 802.11 QoS Data frame sent from a station to the distribution system (To DS 1, From DS 0),
 *  the only form on the corpus; `end` bounds it (the next header's start). */
export function wlanDataNode(b: Uint8Array, at: number, end: number): { node: FieldNode; end: number } | undefined {
  if (at + 26 > end) return undefined;
  const fc0 = b[at]!, fc1 = b[at + 1]!;
  const type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
  if (type !== 2 || subtype !== 8 || (fc1 & 3) !== 1 || (fc1 & 0x80) !== 0) return undefined;
  let flagStr = "";
  for (let k = 7; k >= 0; k--) flagStr += (fc1 & (1 << k)) !== 0 ? WLAN_FLAG_CHARS[7 - k]! : ".";
  const fl = (m: number): string => ((fc1 & m) !== 0 ? "1" : "0");
  const retry = (fc1 & 8) !== 0;
  const dur = u16le(b, at + 2), seqctl = u16le(b, at + 22), qos = u16le(b, at + 24);
  const addr = (field: string, label: string, off: number, withAddr: boolean): FieldNode[] => {
    const a = mac(b, at + off);
    const k = [item(field, a, `${label}: ${a}`, 0, at + off, 6), hidden(`${field}_resolved`, a, 0, at + off, 6)];
    if (withAddr) k.push(hidden("wlan.addr", a, 0, at + off, 6), hidden("wlan.addr_resolved", a, 0, at + off, 6));
    return k;
  };
  const da = mac(b, at + 16);
  const node = proto("wlan", `IEEE 802.11 QoS Data, Flags: ${flagStr}`, 0, at, 26, [
    item("wlan.fc.type_subtype", hex(0x28, 4), "Type/Subtype: QoS Data (0x0028)", 0, at, 2),
    item("wlan.fc", hex((fc0 << 8) | fc1, 4), `Frame Control Field: ${hex((fc0 << 8) | fc1, 4)}`, 0, at, 2, [
      item("wlan.fc.version", String(fc0 & 3), `${bitLine(fc0, 0x03, 8)}Version: ${fc0 & 3}`, 0, at, 1),
      item("wlan.fc.type", String(type), `${bitLine(fc0, 0x0c, 8)}Type: Data frame (${type})`, 0, at, 1),
      item("wlan.fc.subtype", String(subtype), `${bitLine(fc0, 0xf0, 8)}Subtype: ${subtype}`, 0, at, 1),
      item("wlan.flags", hex(fc1, 2), `Flags: ${hex(fc1, 2)}`, 0, at + 1, 1, [
        item("wlan.fc.ds", hex(fc1 & 3, 2), `${bitLine(fc1, 0x03, 8)}DS status: Frame from STA to DS via an AP (To DS: 1 From DS: 0) (0x1)`, 0, at + 1, 1),
        hidden("wlan.fc.tods", fl(1), 0, at + 1, 1), hidden("wlan.fc.fromds", fl(2), 0, at + 1, 1),
        item("wlan.fc.frag", fl(4), `${bitLine(fc1, 0x04, 8)}More Fragments: ${(fc1 & 4) !== 0 ? "More fragments follow" : "This is the last fragment"}`, 0, at + 1, 1),
        item("wlan.fc.retry", fl(8), `${bitLine(fc1, 0x08, 8)}Retry: ${retry ? "Frame is being retransmitted" : "Frame is not being retransmitted"}`, 0, at + 1, 1,
          retry ? [expertNode("Retransmission (retry)", Severity.Note, Group.Sequence)] : []),
        item("wlan.fc.pwrmgt", fl(16), `${bitLine(fc1, 0x10, 8)}PWR MGT: ${(fc1 & 16) !== 0 ? "STA will go to sleep" : "STA will stay up"}`, 0, at + 1, 1),
        item("wlan.fc.moredata", fl(32), `${bitLine(fc1, 0x20, 8)}More Data: ${(fc1 & 32) !== 0 ? "Data is buffered for STA at AP" : "No data buffered"}`, 0, at + 1, 1),
        item("wlan.fc.protected", fl(64), `${bitLine(fc1, 0x40, 8)}Protected flag: ${(fc1 & 64) !== 0 ? "Data is protected" : "Data is not protected"}`, 0, at + 1, 1),
        item("wlan.fc.order", fl(128), `${bitLine(fc1, 0x80, 8)}+HTC/Order flag: Not strictly ordered`, 0, at + 1, 1),
      ]),
    ]),
    item("wlan.duration", String(dur & 0x7fff), `${bitLine(dur, 0x7fff, 16)}Duration: ${dur & 0x7fff} microseconds`, 0, at + 2, 2),
    // To DS: address 1 is the receiver and BSS, 2 the transmitter and source, 3 the destination.
    ...addr("wlan.ra", "Receiver address", 4, true), ...addr("wlan.ta", "Transmitter address", 10, true),
    item("wlan.da", da, `Destination address: ${da}`, 0, at + 16, 6), hidden("wlan.da_resolved", da, 0, at + 16, 6),
    ...addr("wlan.sa", "Source address", 10, false), ...addr("wlan.bssid", "BSS Id", 4, false),
    ...addr("wlan.staa", "STA address", 10, false),
    item("wlan.frag", String(seqctl & 15), `${bitLine(seqctl, 0x000f, 16)}Fragment number: ${seqctl & 15}`, 0, at + 22, 2),
    item("wlan.seq", String(seqctl >> 4), `${bitLine(seqctl, 0xfff0, 16)}Sequence number: ${seqctl >> 4}`, 0, at + 22, 2),
    hidden("wlan.addr", da, 0, at + 16, 6), hidden("wlan.addr_resolved", da, 0, at + 16, 6),
    ...(qos === 0 ? [item("wlan.qos", hex(qos, 4), `Qos Control: ${hex(qos, 4)}`, 0, at + 24, 2, [
      item("wlan.qos.tid", "0", `${bitLine(qos, 0x000f, 16)}TID: 0`, 0, at + 24, 2),
      gen("wlan.qos.priority", "0", `${bitLine(qos, 0x0007, 16)}Priority: Best Effort (Best Effort) (0)`),
      item("wlan.qos.bit4", "0", `${bitLine(qos, 0x0010, 16)}QoS bit 4: Bits 8-15 of QoS Control field are TXOP Duration Requested`, 0, at + 24, 2),
      item("wlan.qos.ack", hex(0, 4), `${bitLine(qos, 0x0060, 16)}Ack Policy: Normal Ack (0x0)`, 0, at + 24, 2),
      item("wlan.qos.amsdupresent", "0", `${bitLine(qos, 0x0080, 16)}Payload Type: MSDU`, 0, at + 24, 2),
      item("wlan.qos.txop_dur_req", "0", `${bitLine(qos, 0xff00, 16)}TXOP Duration Requested: 0 (no TXOP requested)`, 0, at + 24, 2),
    ])] : []),
  ]);
  return { node, end: at + 26 };
}

/** An LLC header with SNAP (DSAP/SSAP 0xaa, UI, OUI 0): the form carrying IP on the corpus. */
export function llcNode(b: Uint8Array, at: number): FieldNode | undefined {
  if (at + 8 > b.length || b[at] !== 0xaa || b[at + 1] !== 0xaa || b[at + 2] !== 0x03) return undefined;
  const oui = ((b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!);
  if (oui !== 0) return undefined;
  const t = u16(b, at + 6);
  return proto("llc", "Logical-Link Control", 0, at, 8, [
    item("llc.dsap", "0xaa", "DSAP: SNAP (0xaa)", 0, at, 1, [
      item("llc.dsap.sap", "85", "1010 101. = SAP: SNAP", 0, at, 1), item("llc.dsap.ig", "0", ".... ...0 = IG Bit: Individual", 0, at, 1),
    ]),
    item("llc.ssap", "0xaa", "SSAP: SNAP (0xaa)", 0, at + 1, 1, [
      item("llc.ssap.sap", "85", "1010 101. = SAP: SNAP", 0, at + 1, 1), item("llc.ssap.cr", "0", ".... ...0 = CR Bit: Command", 0, at + 1, 1),
    ]),
    item("llc.control", "0x0003", "Control field: U, func=UI (0x03)", 0, at + 2, 1, [
      item("llc.control.u_modifier_cmd", "0x00", "000. 00.. = Command: Unnumbered Information (0x00)", 0, at + 2, 1),
      item("llc.control.ftype", "0x03", ".... ..11 = Frame type: Unnumbered frame (0x3)", 0, at + 2, 1),
    ]),
    item("llc.oui", "0", "Organization Code: 00:00:00 (Officially Xerox, but", 0, at + 3, 3),
    item("llc.type", hex(t, 4), `Type: ${ethertype(t)}`, 0, at + 6, 2),
  ]);
}

const ICMP_TYPES: Readonly<Record<number, string>> = {
  3: "Destination unreachable", 4: "Source quench (flow control)", 5: "Redirect", 11: "Time-to-live exceeded", 12: "Parameter problem",
};
const ICMP_UNREACH_CODES: Readonly<Record<number, string>> = {
  0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable", 3: "Port unreachable",
};

/** The ICMP error header (type, code, checksum verified as tshark does, unused word) that quotes
 *  the IP header `f.ip[i]`; its children are added by the caller (the quoted IP and TCP headers). */
export function icmpNode(f: DecodedFrame, i: number): FieldNode | undefined {
  const outer = f.ip[i - 1]!, quoted = f.ip[i]!;
  if (outer.version !== 4 || outer.bytes !== quoted.bytes) return undefined;
  const b = quoted.bytes, at = outer.offset + outer.headerLength;
  if (at + 8 > quoted.offset) return undefined;
  const type = b[at]!, code = b[at + 1]!, cks = u16(b, at + 2);
  // The checksum covers the whole ICMP message: verifiable when all of it was captured.
  const end = outer.offset + u16(b, outer.offset + 2);
  let status = 2, label = `Checksum: ${hex(cks, 4)} [unverified]`, statusText = "Unverified";
  if (end <= b.length && end > at) {
    let s = 0;
    for (let k = at; k < end; k += 2) s += k === at + 2 ? 0 : ((b[k]! << 8) | (k + 1 < end ? b[k + 1]! : 0));
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    const want = (~s) & 0xffff;
    if (want === cks) { status = 1; label = `Checksum: ${hex(cks, 4)} [correct]`; statusText = "Good"; }
    else { status = 0; label = `Checksum: ${hex(cks, 4)} [incorrect, should be ${hex(want, 4)}]`; statusText = "Bad"; }
  }
  const codeName = type === 3 ? ICMP_UNREACH_CODES[code] : undefined;
  const k: FieldNode[] = [
    item("icmp.type", String(type), `Type: ${type} (${ICMP_TYPES[type] ?? "Unknown"})`, 0, at, 1),
    item("icmp.code", String(code), codeName === undefined ? `Code: ${code}` : `Code: ${code} (${codeName})`, 0, at + 1, 1),
    item("icmp.checksum", hex(cks, 4), label, 0, at + 2, 2),
    gen("icmp.checksum.status", String(status), `Checksum Status: ${statusText}`),
  ];
  if (type === 3 || type === 11) k.push(bytesItem("icmp.unused", hexBytesOf(b, at + 4, at + 8), `Unused: ${hexBytesOf(b, at + 4, at + 8)}`, 0, at + 4, 4));
  return proto("icmp", "Internet Control Message Protocol", 0, at, end - at, k);
}
const hexBytesOf = (b: Uint8Array, from: number, to: number): string =>
  Array.from(b.subarray(from, to), (x) => x.toString(16).padStart(2, "0")).join("");
