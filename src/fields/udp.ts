/** UDP where it carries a tunnel (VXLAN, Geneve, GTP-U) between two IP headers, with tshark's
 *  UDP conversations (`udp.stream`, per-stream times), as tshark 4.0.17 shows them. Only the forms
 *  seen on the corpus are named; a tunnel header we do not know ends the nodes after UDP. */
import type { DecodedFrame, IpLayer } from "../decode/index.js";
import { hex, hexBytes, secsBetween, u16, u32 } from "./expert-node.js";
import { bitLine, bytesItem, type FieldNode, gen, hidden, item, proto, text } from "./node.js";
import { ethertype, ethNode } from "./link.js";

/** One UDP header's conversation: tshark's udp.stream and its times (udp.time_relative / _delta). */
export interface UdpStreamInfo {
  readonly stream: number;
  readonly rel: string;
  readonly delta: string;
}

/** Where the UDP header after IP layer `l` starts, or −1 when that layer carries no UDP header
 *  tshark dissects (not UDP, an unreassembled fragment, quoted in an ICMP error, cut short). */
export function udpAt(l: IpLayer): number {
  if (l.protocol !== 17 || l.fragment || l.quoted || l.reassembled) return -1;
  const at = l.offset + l.headerLength;
  return at + 8 <= l.bytes.length ? at : -1;
}

/** UDP conversations in capture order: both directions of an address and port pair are one
 *  stream, numbered from 0 as first seen. Sees every frame, shown or not. */
export class UdpStreams {
  readonly #streams = new Map<string, { index: number; firstSec: number; firstNsec: number; prevSec: number; prevNsec: number }>();

  /** Fills `out` (indexed like `f.ip`) with the stream of each UDP header after an IP layer of `f`. */
  observe(f: DecodedFrame, sec: number, nsec: number, out: Array<UdpStreamInfo | undefined>): void {
    out.length = f.ipCount;
    for (let i = 0; i < f.ipCount; i++) {
      const l = f.ip[i]!, at = udpAt(l);
      if (at < 0) { out[i] = undefined; continue; }
      const a = `${l.srcText}/${u16(l.bytes, at)}`, b = `${l.dstText}/${u16(l.bytes, at + 2)}`;
      const key = a < b ? `${a} ${b}` : `${b} ${a}`;
      let s = this.#streams.get(key);
      if (s === undefined) {
        s = { index: this.#streams.size, firstSec: sec, firstNsec: nsec, prevSec: sec, prevNsec: nsec };
        this.#streams.set(key, s);
      }
      out[i] = { stream: s.index, rel: secsBetween(sec, nsec, s.firstSec, s.firstNsec), delta: secsBetween(sec, nsec, s.prevSec, s.prevNsec) };
      s.prevSec = sec; s.prevNsec = nsec;
    }
  }
}

/** The UDP header at `at` (its datagram ends by `end`, the frame's bytes permitting). */
export function udpNode(b: Uint8Array, at: number, info: UdpStreamInfo | undefined): FieldNode {
  const sp = u16(b, at), dp = u16(b, at + 2), len = u16(b, at + 4), ck = u16(b, at + 6);
  const k: FieldNode[] = [
    item("udp.srcport", String(sp), `Source Port: ${sp}`, 0, at, 2),
    item("udp.dstport", String(dp), `Destination Port: ${dp}`, 0, at + 2, 2),
    hidden("udp.port", String(sp), 0, at, 2), hidden("udp.port", String(dp), 0, at + 2, 2),
    item("udp.length", String(len), `Length: ${len}`, 0, at + 4, 2),
  ];
  // tshark 4.0.17 does not verify UDP checksums by default; a zero one is "not present".
  if (ck === 0) {
    k.push(item("udp.checksum", "0x0000", "Checksum: 0x0000 [zero-value ignored]", 0, at + 6, 2, [
      item("udp.checksum.status", "3", "[Checksum Status: Not present]", 0, at + 6, 2)]));
  } else {
    k.push(item("udp.checksum", hex(ck, 4), `Checksum: ${hex(ck, 4)} [unverified]`, 0, at + 6, 2),
      gen("udp.checksum.status", "2", "Checksum Status: Unverified"));
  }
  if (info !== undefined) {
    k.push(gen("udp.stream", String(info.stream), `Stream index: ${info.stream}`),
      text("[Timestamps]", 0, 0, 0, [
        gen("udp.time_relative", info.rel, `Time since first frame: ${info.rel} seconds`),
        gen("udp.time_delta", info.delta, `Time since previous frame: ${info.delta} seconds`),
      ]));
  }
  const n = Math.max(0, Math.min(len - 8, b.length - at - 8));
  if (n > 0) k.push(bytesItem("udp.payload", hexBytes(b, at + 8, at + 8 + n), `UDP payload (${n} bytes)`, 0, at + 8, n));
  return proto("udp", `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`, 0, at, 8, k);
}

const flag = (field: string, v: number, m: number, w: number, name: string, yes: string, no: string, at: number, len: number): FieldNode =>
  item(field, (v & m) !== 0 ? "1" : "0", `${bitLine(v, m, w)}${name}: ${(v & m) !== 0 ? yes : no}`, 0, at, len);

/** VXLAN (RFC 7348, with the group-policy bits tshark shows). */
function vxlanNode(b: Uint8Array, at: number): FieldNode {
  const fl = u16(b, at), gbp = u16(b, at + 2), vni = (u32(b, at + 4) >>> 8), r = b[at + 7]!;
  const res = fl & 0x77b7;
  return proto("vxlan", "Virtual eXtensible Local Area Network", 0, at, 8, [
    item("vxlan.flags", hex(fl, 4), `Flags: ${hex(fl, 4)}${(fl & 0x0800) !== 0 ? ", VXLAN Network ID (VNI)" : ""}`, 0, at, 2, [
      item("vxlan.flag_g", (fl & 0x8000) !== 0 ? "1" : "0", `${bitLine(fl, 0x8000, 16)}GBP Extension: ${(fl & 0x8000) !== 0 ? "Defined" : "Not defined"}`, 0, at, 2),
      flag("vxlan.flag_i", fl, 0x0800, 16, "VXLAN Network ID (VNI)", "True", "False", at, 2),
      flag("vxlan.flag_d", fl, 0x0040, 16, "Don't Learn", "True", "False", at, 2),
      flag("vxlan.flag_a", fl, 0x0008, 16, "Policy Applied", "True", "False", at, 2),
      item("vxlan.flags_reserved", hex(res, 4), `${bitLine(fl, 0x77b7, 16)}Reserved(R): ${hex(res, 4)}`, 0, at, 2),
    ]),
    item("vxlan.gbp", String(gbp), `Group Policy ID: ${gbp}`, 0, at + 2, 2),
    item("vxlan.vni", String(vni), `VXLAN Network Identifier (VNI): ${vni}`, 0, at + 4, 3),
    item("vxlan.reserved8", String(r), `Reserved: ${r}`, 0, at + 7, 1),
  ]);
}

/** Geneve options of the standard class (0x0000), which tshark 4.0.17 shows as unknown ones;
 *  undefined when one is of another class or overruns the options. */
function geneveOptions(b: Uint8Array, at: number, len: number): FieldNode[] | undefined {
  const out: FieldNode[] = [];
  for (let p = at; p < at + len;) {
    const cls = u16(b, p), type = b[p + 2]!, fl = b[p + 3]!, olen = (fl & 0x1f) * 4 + 4;
    if (cls !== 0 || p + olen > at + len) return undefined;
    const crit = (type & 0x80) !== 0 ? "Critical" : "Non-critical", data = hexBytes(b, p + 4, p + olen);
    out.push(bytesItem("geneve.option", hexBytes(b, p, p + olen), `Unknown, Class: Standard (0x0000) Type: ${hex(type, 2)} (${crit})`, 0, p, olen, [
      item("geneve.option.class", "0x0000", "Class: Standard (0x0000)", 0, p, 2),
      item("geneve.option.type", hex(type, 2), `Type: ${hex(type, 2)} (${crit})`, 0, p + 2, 1),
      hidden("geneve.option.type.critical", (type & 0x80) !== 0 ? "1" : "0", 0, p + 2, 1),
      { ...hidden("geneve.option.flags", hex(fl & 0xe0, 2), 0, p + 3, 1),
        children: [flag("geneve.option.flags.reserved", fl, 0xe0, 8, "Reserved", "True", "False", p + 3, 1)] },
      item("geneve.option.length", String(olen), `Length: ${olen} bytes`, 0, p + 3, 1),
      ...(olen > 4 ? [bytesItem("geneve.option.unknown.data", data, `Unknown Option Data: ${data}`, 0, p + 4, olen - 4)] : []),
    ]));
    p += olen;
  }
  return out;
}

/** Geneve (RFC 8926), with options of the standard class. */
function geneveNode(b: Uint8Array, at: number): FieldNode {
  const v = b[at]! >> 6, optLen = (b[at]! & 0x3f) * 4, fl = b[at + 1]!, pt = u16(b, at + 2), vni = u32(b, at + 4) >>> 8;
  const opts = optLen > 0 && at + 8 + optLen <= b.length ? geneveOptions(b, at + 8, optLen) : undefined;
  return proto("geneve", `Generic Network Virtualization Encapsulation, VNI: ${hex(vni, 6)}`, 0, at, 8 + optLen, [
    item("geneve.version", String(v), `Version: ${v}`, 0, at, 1),
    item("geneve.option.length", String(optLen), `Length: ${optLen} bytes`, 0, at, 1),
    item("geneve.flags", hex(fl, 2), `Flags: ${hex(fl, 2)}${(fl & 0x40) !== 0 ? ", Critical Options Present" : ""}`, 0, at + 1, 1, [
      flag("geneve.flags.oam", fl, 0x80, 8, "Operations, Administration and Management Frame", "True", "False", at + 1, 1),
      flag("geneve.flags.critical", fl, 0x40, 8, "Critical Options Present", "True", "False", at + 1, 1),
      flag("geneve.flags.reserved", fl, 0x3f, 8, "Reserved", "True", "False", at + 1, 1),
    ]),
    item("geneve.proto_type", hex(pt, 4), `Protocol Type: ${ethertype(pt)}`, 0, at + 2, 2),
    item("geneve.vni", hex(vni, 6), `Virtual Network Identifier (VNI): ${hex(vni, 6)} (${vni})`, 0, at + 4, 3),
    hidden("geneve.reserved", hex(b[at + 7]!, 2), 0, at + 7, 1),
    ...(opts === undefined ? [] : [bytesItem("geneve.options", hexBytes(b, at + 8, at + 8 + optLen), `Options: (${optLen} bytes)`, 0, at + 8, optLen, opts)]),
  ]);
}

/** GTP-U extension header types tshark 4.0.17 named on the corpus. */
const GTP_EXT: Readonly<Record<number, string>> = { 0x00: "No more extension headers", 0xc0: "PDCP PDU number" };

/** GTP-U version 1 (3GPP TS 29.281): flags, message type, length, TEID, then the sequence number
 *  and PDCP extension headers when present; undefined for a form not named yet. */
function gtpNode(b: Uint8Array, at: number, end: number): FieldNode | undefined {
  const fl = b[at]!, msg = b[at + 1]!, len = u16(b, at + 2), teid = u32(b, at + 4);
  if (fl >> 5 !== 1 || msg !== 0xff || (fl & 1) !== 0) return undefined;
  const yn = (m: number, field: string, name: string): FieldNode => flag(`gtp.flags.${field}`, fl, m, 8, name, "Yes", "No", at, 1);
  const k: FieldNode[] = [
    item("gtp.flags", hex(fl, 2), `Flags: ${hex(fl, 2)}`, 0, at, 1, [
      item("gtp.flags.version", "1", `${bitLine(fl, 0xe0, 8)}Version: GTP release 99 version (1)`, 0, at, 1),
      item("gtp.flags.payload", String((fl >> 4) & 1), `${bitLine(fl, 0x10, 8)}Protocol type: ${(fl & 0x10) !== 0 ? "GTP" : "GTP'"} (${(fl >> 4) & 1})`, 0, at, 1),
      item("gtp.flags.reserved", String((fl >> 3) & 1), `${bitLine(fl, 0x08, 8)}Reserved: ${(fl >> 3) & 1}`, 0, at, 1),
      yn(0x04, "e", "Is Next Extension Header present?"), yn(0x02, "s", "Is Sequence Number present?"), yn(0x01, "pn", "Is N-PDU number present?"),
    ]),
    item("gtp.message", hex(msg, 2), `Message Type: T-PDU (${hex(msg, 2)})`, 0, at + 1, 1),
    item("gtp.length", String(len), `Length: ${len}`, 0, at + 2, 2),
    item("gtp.teid", hex(teid, 8), `TEID: ${hex(teid, 8)} (${teid})`, 0, at + 4, 4),
  ];
  let p = at + 8;
  if ((fl & 7) !== 0) {
    if (p + 4 > end) return undefined;
    if ((fl & 2) !== 0) { const sn = u16(b, p); k.push(item("gtp.seq_number", hex(sn, 4), `Sequence number: ${hex(sn, 4)} (${sn})`, 0, p, 2)); }
    let next = b[p + 3]!;
    if ((fl & 4) !== 0) k.push(item("gtp.ext_hdr.next", hex(next, 2), `Next extension header type: ${GTP_EXT[next] ?? "Unknown"} (${hex(next, 2)})`, 0, p + 3, 1));
    p += 4;
    while ((fl & 4) !== 0 && next !== 0) {
      const elen = b[p]! * 4;
      if (next !== 0xc0 || elen !== 4 || p + elen > end) return undefined;
      const sn = u16(b, p + 1), nn = b[p + 3]!;
      k.push(item("gtp.ext_hdr", undefined, `Extension header (${GTP_EXT[next]})`, 0, p, elen, [
        item("gtp.ext_hdr.length", String(b[p]!), `Extension Header Length: ${b[p]!}`, 0, p, 1),
        item("gtp.ext_hdr.pdcp_sn", String(sn), `PDCP Sequence Number: ${sn}`, 0, p + 1, 2),
        item("gtp.ext_hdr.next", hex(nn, 2), `Next extension header type: ${GTP_EXT[nn] ?? "Unknown"} (${hex(nn, 2)})`, 0, p + 3, 1),
      ]));
      next = nn; p += elen;
    }
  }
  return proto("gtp", "GPRS Tunneling Protocol", 0, at, p - at, k);
}

/** The UDP header after IP layer `i - 1` and the tunnel in it that carries IP layer `i`, with the
 *  protocol names frame.protocols lists for them; undefined when that layer carries no tunnel. */
export function udpTunnel(f: DecodedFrame, i: number, info: UdpStreamInfo | undefined): { nodes: FieldNode[]; protocols: string[] } | undefined {
  const outer = f.ip[i - 1]!, inner = f.ip[i]!, at = udpAt(outer);
  if (at < 0 || outer.bytes !== f.bytes || inner.bytes !== f.bytes) return undefined;
  const b = f.bytes, sp = u16(b, at), dp = u16(b, at + 2), p = at + 8, end = inner.offset;
  const udp = udpNode(b, at, info);
  if (dp === 4789 || sp === 4789) {
    if (p + 22 > end) return undefined;
    const eth = ethNode(b, p + 8);
    return { nodes: eth === undefined ? [udp, vxlanNode(b, p)] : [udp, vxlanNode(b, p), eth], protocols: ["udp", "vxlan", "eth", "ethertype"] };
  }
  if (dp === 6081 || sp === 6081) {
    if (p + 8 > end) return undefined;
    const g = geneveNode(b, p), pt = u16(b, p + 2);
    if (pt !== 0x6558) return { nodes: [udp, g], protocols: ["udp", "geneve"] };
    const eth = ethNode(b, p + 8 + (b[p]! & 0x3f) * 4);
    return { nodes: eth === undefined ? [udp, g] : [udp, g, eth], protocols: ["udp", "geneve", "eth", "ethertype"] };
  }
  if (dp === 2152 || sp === 2152) {
    if (p + 8 > end) return undefined;
    const g = gtpNode(b, p, end);
    return { nodes: g === undefined ? [udp] : [udp, g], protocols: ["udp", "gtp"] };
  }
  return undefined;
}
