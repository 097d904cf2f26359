/** IPv6 extension headers inside the IPv6 layer of the field tree (RFC 8200 §4): hop-by-hop and
 *  destination options with their TLV options, the routing header, the fragment header. */
import { formatIpv6 } from "../decode/index.js";
import { Group, Severity } from "./expert.js";
import { expertNode, hex, hexBytes, u16, u32 } from "./expert-node.js";
import { bitLine, bytesItem, type FieldNode, gen, item, proto } from "./node.js";

/** Next-header names as tshark 4.0.17 prints them (IP protocol numbers). */
export const NEXT_HEADER_NAMES: Readonly<Record<number, string>> = {
  0: "IPv6 Hop-by-Hop Option", 1: "ICMP", 6: "TCP", 17: "UDP", 41: "IPv6", 43: "Routing Header for IPv6",
  44: "Fragment Header for IPv6", 47: "Generic Routing Encapsulation", 58: "ICMPv6", 59: "No Next Header for IPv6",
  60: "Destination Options for IPv6",
};
const nextHeader = (n: number): string => `${NEXT_HEADER_NAMES[n] ?? "Unknown"} (${n})`;

/** Option type names (RFC 8200 §4.2, RFC 2675, RFC 6275 §6.3). */
const OPTION_NAMES: Readonly<Record<number, string>> = {
  0x00: "Pad1", 0x01: "PadN", 0x04: "Tunnel Encapsulation Limit", 0x05: "Router Alert", 0xc2: "Jumbo Payload", 0xc9: "Home Address",
};
/** What a node that does not know the option does (RFC 8200 §4.2, the type's two high bits). */
const ACTIONS = ["Skip and continue", "Discard", "Discard and send ICMP", "Discard and send ICMP if not multicast"];

const OPTIONS_HEADERS: Readonly<Record<number, readonly [field: string, label: string]>> = {
  0: ["ipv6.hopopts", "IPv6 Hop-by-Hop Option"], 60: ["ipv6.dstopts", "Destination Options for IPv6"],
};
const ROUTING_TYPES: Readonly<Record<number, string>> = { 0: "Source Route", 2: "Type 2 Routing", 3: "RPL Source Route", 4: "Segment Routing" };

/** True when the hop-by-hop header at `at` holds a Jumbo Payload option (RFC 2675). */
export function hasJumbo(b: Uint8Array, at: number, len: number): boolean {
  for (let o = at + 2; o < at + len;) {
    const t = b[o]!;
    if (t === 0) { o++; continue; }
    if (t === 0xc2) return true;
    o += 2 + (b[o + 1] ?? 0);
  }
  return false;
}

/** The extension headers from `at` (right after the fixed header), first header number `nh`,
 *  up to `end` (the IPv6 layer's header end). */
export function ipv6ExtNodes(b: Uint8Array, at: number, nh: number, end: number, src: number): FieldNode[] {
  const out: FieldNode[] = [];
  let p = at;
  while (p + 2 <= end && (nh === 0 || nh === 43 || nh === 44 || nh === 60)) {
    const len = nh === 44 ? 8 : (b[p + 1]! + 1) * 8;
    if (p + len > end) break;
    const nxt = b[p]!;
    if (nh === 44) out.push(fragmentNode(b, p, src));
    else if (nh === 43) out.push(routingNode(b, p, len, src));
    else {
      const [field, label] = OPTIONS_HEADERS[nh]!;
      out.push(proto(field, label, src, p, len, [
        item(`${field}.nxt`, String(nxt), `Next Header: ${nextHeader(nxt)}`, src, p, 1),
        item(`${field}.len`, String(b[p + 1]!), `Length: ${b[p + 1]!}`, src, p + 1, 1),
        gen(`${field}.len_oct`, String(len), `Length: ${len} bytes`),
        ...optionNodes(b, p + 2, p + len, src),
      ]));
    }
    nh = nxt; p += len;
  }
  return out;
}

/** The TLV options of a hop-by-hop or destination options header. */
function optionNodes(b: Uint8Array, from: number, to: number, src: number): FieldNode[] {
  const out: FieldNode[] = [];
  for (let o = from; o < to;) {
    const t = b[o]!;
    const name = OPTION_NAMES[t] ?? "Unknown";
    const type = item("ipv6.opt.type", hex(t, 2), `Type: ${name} (${hex(t, 2)})`, src, o, 1, [
      item("ipv6.opt.type.action", String(t >> 6), `${bitLine(t, 0xc0, 8)}Action: ${ACTIONS[t >> 6]} (${t >> 6})`, src, o, 1),
      item("ipv6.opt.type.change", String((t >> 5) & 1), `${bitLine(t, 0x20, 8)}May Change: ${(t & 0x20) !== 0 ? "Yes" : "No"}`, src, o, 1),
      item("ipv6.opt.type.rest", hex(t & 0x1f, 2), `${bitLine(t, 0x1f, 8)}Low-Order Bits: ${hex(t & 0x1f, 2)}`, src, o, 1),
    ]);
    if (t === 0) { out.push(item("ipv6.opt", undefined, name, src, o, 1, [type])); o++; continue; }
    if (o + 2 > to) break;
    const len = b[o + 1]!, v = o + 2;
    if (v + len > to) break;
    const k: FieldNode[] = [type, item("ipv6.opt.length", String(len), `Length: ${len}`, src, o + 1, 1)];
    if (t === 0x01) k.push(bytesItem("ipv6.opt.padn", hexBytes(b, v, v + len), `PadN: ${hexBytes(b, v, v + len)}`, src, v, len));
    else if (t === 0xc2 && len === 4) k.push(item("ipv6.opt.jumbo", String(u32(b, v)), `Payload Length: ${u32(b, v)}`, src, v, 4));
    else if (t === 0xc9 && len === 16) {
      const a = formatIpv6(b, v);
      k.push(item("ipv6.opt.mipv6.home_address", a, `MIPv6 Home Address: ${a}`, src, v, 16));
    }
    out.push(item("ipv6.opt", undefined, name, src, o, 2 + len, k));
    o = v + len;
  }
  return out;
}

/** A routing header; type 0 (RFC 2460 source route) with its addresses and the Deprecated item (RFC 5095). */
function routingNode(b: Uint8Array, p: number, len: number, src: number): FieldNode {
  const type = b[p + 2]!, typeName = ROUTING_TYPES[type] ?? "Unknown";
  const k: FieldNode[] = [
    item("ipv6.routing.nxt", String(b[p]!), `Next Header: ${nextHeader(b[p]!)}`, src, p, 1),
    item("ipv6.routing.len", String(b[p + 1]!), `Length: ${b[p + 1]!}`, src, p + 1, 1),
    gen("ipv6.routing.len_oct", String(len), `Length: ${len} bytes`),
    item("ipv6.routing.type", String(type), `Type: ${typeName} (${type})`, src, p + 2, 1,
      type === 0 ? [expertNode("Routing header type is deprecated", Severity.Note, Group.Deprecated)] : []),
    item("ipv6.routing.segleft", String(b[p + 3]!), `Segments Left: ${b[p + 3]!}`, src, p + 3, 1),
  ];
  if (type === 0) {
    k.push(bytesItem("ipv6.routing.src.reserved", hexBytes(b, p + 4, p + 8), `Reserved: ${hexBytes(b, p + 4, p + 8)}`, src, p + 4, 4));
    for (let a = p + 8, n = 1; a + 16 <= p + len; a += 16, n++) {
      const t = formatIpv6(b, a);
      k.push(item("ipv6.routing.src.addr", t, `Address[${n}]: ${t}`, src, a, 16));
    }
  }
  return proto("ipv6.routing", `Routing Header for IPv6 (${typeName})`, src, p, len, k);
}

/** A fragment header (RFC 8200 §4.5): the offset in 8-octet units, as tshark keeps it. */
function fragmentNode(b: Uint8Array, p: number, src: number): FieldNode {
  const w = u16(b, p + 2), off = w >> 3;
  return proto("ipv6.fraghdr", "Fragment Header for IPv6", src, p, 8, [
    item("ipv6.fraghdr.nxt", String(b[p]!), `Next header: ${nextHeader(b[p]!)}`, src, p, 1),
    item("ipv6.fraghdr.reserved_octet", hex(b[p + 1]!, 2), `Reserved octet: ${hex(b[p + 1]!, 2)}`, src, p + 1, 1),
    item("ipv6.fraghdr.offset", String(off), `${bitLine(w, 0xfff8, 16)}Offset: ${off} (${off * 8} bytes)`, src, p + 2, 2),
    item("ipv6.fraghdr.reserved_bits", String((w >> 1) & 3), `${bitLine(w, 0x0006, 16)}Reserved bits: ${(w >> 1) & 3}`, src, p + 2, 2),
    item("ipv6.fraghdr.more", String(w & 1), `${bitLine(w, 0x0001, 16)}More Fragments: ${(w & 1) !== 0 ? "Yes" : "No"}`, src, p + 2, 2),
    item("ipv6.fraghdr.ident", hex(u32(b, p + 4), 8), `Identification: ${hex(u32(b, p + 4), 8)}`, src, p + 4, 4),
  ]);
}
