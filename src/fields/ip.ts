/** IPv4 and IPv6 headers of the field tree. */
import type { IpLayer } from "../decode/index.js";
import { Group, LNCB_TTL, Severity } from "./expert.js";
import { expertNode, hex, hexBytes, u16, u32 } from "./expert-node.js";
import { hasJumbo, ipv6ExtNodes, NEXT_HEADER_NAMES } from "./ipv6-ext.js";
import { bitLine, type FieldNode, gen, hidden, item, proto, treeBuild, wants } from "./node.js";

export const IP_PROTO_NAMES: Readonly<Record<number, string>> = { 1: "ICMP", 6: "TCP", 17: "UDP", 41: "IPv6", 47: "Generic Routing Encapsulation", 58: "ICMPv6" };

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

/** An address field followed by tshark's hidden `addr`, `*_host` and `host` items. */
function addressItems(v: "ip" | "ipv6", side: "src" | "dst", a: string, src: number, at: number, len: number): FieldNode[] {
  return [
    item(`${v}.${side}`, a, treeBuild.labels ? `${side === "src" ? "Source" : "Destination"} Address: ${a}` : "", src, at, len),
    hidden(`${v}.addr`, a, src, at, len), hidden(`${v}.${side}_host`, a, src, at, len), hidden(`${v}.host`, a, src, at, len),
  ];
}

/** The TTL's expert items (also of a header quoted in an ICMP error, tshark 4.0.17 on IcmpPackets.pcap):
 *  to the Local Network Control Block (224.0.0.0/24, RFC 3171) only TTL 1 is right; else under 5 hops
 *  to a unicast address is a Note. The same rule as the rows' (#ipExperts). */
export function ttlExperts(ttl: number, d0: number, d1: number, d2: number): FieldNode[] {
  if (d0 === 224 && d1 === 0 && d2 === 0) {
    return ttl !== 1 ? [expertNode(LNCB_TTL, Severity.Note, Group.Sequence)] : [];
  }
  return ttl < 5 && !(d0 >= 224 && d0 < 240) ? [expertNode(`"Time To Live" only ${ttl}`, Severity.Note, Group.Sequence)] : [];
}

/** The IPv4 layer; `payload`: the datagram's payload when it was reassembled on this frame. */
export function ipv4Node(l: IpLayer, src: number, payload?: Uint8Array): FieldNode {
  const b = l.bytes, at = l.offset, L = treeBuild.labels;
  const hl = l.headerLength, tos = b[at + 1] ?? 0, tl = u16(b, at + 2), id = u16(b, at + 4), ff = u16(b, at + 6);
  const fl = ff >> 13;
  const flagNames = L ? [(fl & 2) !== 0 ? "Don't fragment" : "", (fl & 1) !== 0 ? "More fragments" : ""].filter((x) => x !== "") : [];
  const p = l.protocol, cks = u16(b, at + 10);
  const bit = (m: number): string => ((fl & m) !== 0 ? "1" : "0");
  const ttlNotes = ttlExperts(l.ttl, b[at + 16] ?? 0, b[at + 17] ?? 0, b[at + 18] ?? 0);
  return proto("ip", `Internet Protocol Version 4, Src: ${l.srcText}, Dst: ${l.dstText}`, src, at, hl, [
    item("ip.version", "4", "0100 .... = Version: 4", src, at, 1),
    item("ip.hdr_len", String(hl), L ? `.... ${bitLine(hl / 4, 15, 4).slice(0, 4)} = Header Length: ${hl} bytes (${hl / 4})` : "", src, at, 1),
    item("ip.dsfield", hex(tos, 2), L ? `Differentiated Services Field: ${hex(tos, 2)} (${dsSummary(tos)})` : "", src, at + 1, 1, !wants("ip.dsfield.") ? [] : [
      item("ip.dsfield.dscp", String(tos >> 2), L ? `${bitLine(tos, 0xfc, 8)}Differentiated Services Codepoint: ${dscpLong(tos >> 2)}` : "", src, at + 1, 1),
      item("ip.dsfield.ecn", String(tos & 3), L ? `${bitLine(tos, 0x03, 8)}Explicit Congestion Notification: ${ECN_LONG[tos & 3]}` : "", src, at + 1, 1),
    ]),
    item("ip.len", String(tl), L ? `Total Length: ${tl}` : "", src, at + 2, 2, tl !== 0 && tl > l.payloadLength + hl && !l.quoted
      ? [expertNode(`IPv4 total length exceeds packet length (${l.payloadLength + hl} bytes)`, Severity.Error, Group.Protocol)] : []),
    item("ip.id", hex(id, 4), L ? `Identification: ${hex(id, 4)} (${id})` : "", src, at + 4, 2),
    item("ip.flags", hex(fl, 2), L ? `${bitLine(fl << 5, 0xe0, 8).slice(0, 9)} = Flags: 0x${fl}${flagNames.length > 0 ? ", " + flagNames.join(", ") : ""}` : "", src, at + 6, 1, !wants("ip.flags.") ? [] : [
      item("ip.flags.rb", bit(4), L ? `${bit(4)}... .... = Reserved bit: ${(fl & 4) !== 0 ? "Set" : "Not set"}` : "", src, at + 6, 1),
      item("ip.flags.df", bit(2), L ? `.${bit(2)}.. .... = Don't fragment: ${(fl & 2) !== 0 ? "Set" : "Not set"}` : "", src, at + 6, 1),
      item("ip.flags.mf", bit(1), L ? `..${bit(1)}. .... = More fragments: ${(fl & 1) !== 0 ? "Set" : "Not set"}` : "", src, at + 6, 1),
    ]),
    // tshark 4.0.17: the value is the 13-bit field (JSON, -T fields, filters); only the label shows bytes.
    item("ip.frag_offset", String(ff & 0x1fff), L ? `${bitLine(ff & 0x1fff, 0x1fff, 16)}Fragment Offset: ${(ff & 0x1fff) * 8}` : "", src, at + 6, 2),
    item("ip.ttl", String(l.ttl), L ? `Time to Live: ${l.ttl}` : "", src, at + 8, 1,
      ttlNotes),
    item("ip.proto", String(p), L ? `Protocol: ${IP_PROTO_NAMES[p] ?? "Unknown"} (${p})` : "", src, at + 9, 1),
    item("ip.checksum", hex(cks, 4), L ? `Header Checksum: ${hex(cks, 4)} [validation disabled]` : "", src, at + 10, 2),
    gen("ip.checksum.status", "2", "Header checksum status: Unverified"),
    ...addressItems("ip", "src", l.srcText, src, at + 12, 4),
    ...addressItems("ip", "dst", l.dstText, src, at + 16, 4),
    ...fragmentsNodes(l, payload),
  ]);
}

/** The `[N IPv4 Fragments …]` subtree of a layer reassembled on this frame: each fragment's frame
 *  and payload range, the count, the reassembled length and data (tshark 4.0.17's generated items). */
function fragmentsNodes(l: IpLayer, payload: Uint8Array | undefined): FieldNode[] {
  const fr = l.fragments;
  if (!l.reassembled || fr.length === 0 || payload === undefined) return [];
  const last = fr[fr.length - 1]!, total = last.offset + last.length;
  const data = hexBytes(payload, 0, payload.length);
  const k: FieldNode[] = fr.map((f) => gen("ip.fragment", String(f.frame),
    `Frame: ${f.frame}, payload: ${f.offset}-${f.offset + f.length - 1} (${f.length} bytes)`));
  k.push(gen("ip.fragment.count", String(fr.length), `Fragment count: ${fr.length}`),
    gen("ip.reassembled.length", String(total), `Reassembled IPv4 length: ${total}`));
  const head = `${fr.length} IPv4 Fragments (${total} bytes): ${fr.map((f) => `#${f.frame}(${f.length})`).join(", ")}`.slice(0, 239);
  const dk = gen("ip.reassembled.data", data, `Reassembled IPv4 data: ${data.slice(0, 72)}${data.length > 72 ? "…" : ""}`);
  dk.bytes = true;
  k.push(dk);
  const n = gen("ip.fragments", data, head, k);
  n.bytes = true;
  return [n];
}

export function ipv6Node(l: IpLayer, src: number): FieldNode {
  const b = l.bytes, at = l.offset, L = treeBuild.labels;
  const w = u32(b, at);
  const tc = (w >>> 20) & 0xff, flow = w & 0xfffff, nxt = b[at + 6] ?? 0, plen = u16(b, at + 4);
  // The header's own addresses (the Source/Destination columns follow a home address or routing header).
  return proto("ipv6", `Internet Protocol Version 6, Src: ${l.srcText}, Dst: ${l.dstText}`, src, at, l.headerLength, [
    item("ipv6.version", "6", "0110 .... = Version: 6", src, at, 1),
    hidden("ip.version", "6", src, at, 1),
    item("ipv6.tclass", hex(tc, 8), L ? `${bitLine(w, 0x0ff00000, 32)}Traffic Class: ${hex(tc, 2)} (${dsSummary(tc)})` : "", src, at, 4, !wants("ipv6.tclass.") ? [] : [
      item("ipv6.tclass.dscp", String(tc >> 2), L ? `${bitLine(w, 0x0fc00000, 32)}Differentiated Services Codepoint: ${dscpLong(tc >> 2)}` : "", src, at, 4),
      item("ipv6.tclass.ecn", String(tc & 3), L ? `${bitLine(w, 0x00300000, 32)}Explicit Congestion Notification: ${ECN_LONG[tc & 3]}` : "", src, at, 4),
    ]),
    item("ipv6.flow", hex(flow, 6), L ? `${bitLine(w & 0xffffff, 0x0fffff, 24)}Flow Label: ${hex(flow, 5)}` : "", src, at + 1, 3),
    item("ipv6.plen", String(plen), L ? `Payload Length: ${plen}${plen === 0 && nxt === 0 && hasJumbo(b, at + 40, l.headerLength - 40) ? " (Jumbogram)" : ""}` : "", src, at + 4, 2),
    item("ipv6.nxt", String(nxt), L ? `Next Header: ${NEXT_HEADER_NAMES[nxt] ?? "Unknown"} (${nxt})` : "", src, at + 6, 1),
    item("ipv6.hlim", String(l.ttl), L ? `Hop Limit: ${l.ttl}` : "", src, at + 7, 1),
    ...addressItems("ipv6", "src", l.srcText, src, at + 8, 16),
    ...addressItems("ipv6", "dst", l.dstText, src, at + 24, 16),
    ...slaac(b, at + 8, "Source", "ipv6.src_slaac_mac"),
    ...slaac(b, at + 24, "Destination", "ipv6.dst_slaac_mac"),
    ...ipv6ExtNodes(b, at + 40, nxt, at + l.headerLength, src),
  ]);
}

/** The MAC inside a modified EUI-64 interface identifier (…:xxff:fexx:…), as tshark shows it. */
function slaac(b: Uint8Array, at: number, side: string, field: string): FieldNode[] {
  if (b[at + 11] !== 0xff || b[at + 12] !== 0xfe) return [];
  const m = [b[at + 8]! ^ 2, b[at + 9]!, b[at + 10]!, b[at + 13]!, b[at + 14]!, b[at + 15]!];
  const a = m.map((x) => x.toString(16).padStart(2, "0")).join(":");
  return [gen(field, a, `${side} SLAAC MAC: ${a}`), hidden("ipv6.slaac_mac", a, 0, 0, 0)];
}
