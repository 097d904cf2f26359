/** Link layers of the field tree beyond Ethernet: Linux cooked capture (v1 and v2), IP over
 *  InfiniBand, Linux NFLOG (with its TLVs), FDDI, ARCNET. Only the forms seen on the corpus are
 *  named (checked against tshark 4.0.17); an unknown form keeps what its fixed header says. */
import type { DecodedFrame } from "../decode/index.js";
import { formatIpv6 } from "../decode/index.js";
import { hex, hexBytes, mac, u16, u32 } from "./expert-node.js";
import { bitLine, bytesItem, type FieldNode, item, hidden, proto } from "./node.js";
import { ethertype } from "./link.js";
import { llcNode } from "./tunnel.js";

/** SLL link-layer address types (Linux ARPHRD_*) as tshark 4.0.17 names them (asked of tshark;
 *  others: "Unknown"). */
const SLL_HATYPES: Readonly<Record<number, string>> = {
  0: "NET/ROM pseudo", 1: "Ethernet", 2: "Experimental Ethernet", 3: "AX.25", 4: "ProNET", 5: "Chaos", 6: "IEEE 802",
  7: "ARCNET", 8: "Hyperchannel", 15: "Frame Relay DLCI", 19: "ATM (RFC 2225)", 23: "Metricom STRIP", 24: "IEEE 1394.1995",
  27: "EUI-64", 32: "InfiniBand", 37: "HFI", 256: "Experimental 2", 257: "AEthernet", 260: "Notional KISS type", 264: "ADAPT",
  270: "ROSE", 271: "CCITT X.25", 272: "Boards with X.25 in firmware", 280: "Controller Area Network", 512: "PPP",
  513: "Cisco HDLC", 516: "LAPB", 768: "IPIP tunnel", 769: "IP6IP6 tunnel", 770: "Frame Relay Access Device", 771: "SKIP vif",
  772: "Loopback", 774: "Fiber Distributed Data Interface", 776: "sit0 device - IPv6-in-IPv4", 777: "IP over DDP tunneller",
  778: "GRE over IP", 800: "Magic type ident for TR", 801: "IEEE 802.11", 802: "IEEE 802.11 + Prism2 header",
  803: "IEEE 802.11 + radiotap header", 804: "IEEE 802.15.4", 805: "IEEE 802.15.4 network monitor", 820: "PhoNet media type",
  821: "PhoNet pipe header", 822: "CAIF media type", 823: "GRE over IPv6", 824: "Netlink", 825: "IPv6 over LoWPAN",
  826: "Vsock monitor header", 65534: "zero header length", 65535: "Void type, nothing is known",
};
const SLL_PKTTYPES = ["Unicast to us", "Broadcast", "Multicast", "Unicast to another host", "Sent by us"];

/** The 8-byte address field of a cooked header at `at`: a 6-byte address as a MAC, a sit0 4-byte
 *  one as IPv4, else hex; the rest "Unused" (tshark 4.0.17). */
function sllAddress(b: Uint8Array, at: number, ha: number, alen: number): FieldNode[] {
  const shown = Math.min(alen, 8), k: FieldNode[] = [];
  if (shown === 6) k.push(item("sll.src.eth", mac(b, at), `Source: ${mac(b, at)}`, 0, at, 6));
  else if (shown === 4 && ha === 776) {
    const a = Array.from(b.subarray(at, at + 4)).join(".");
    k.push(item("sll.src.ipv4", a, `Source: ${a}`, 0, at, 4));
  } else if (shown > 0) k.push(bytesItem("sll.src.other", hexBytes(b, at, at + shown), `Source: ${hexBytes(b, at, at + shown)}`, 0, at, shown));
  if (shown < 8) k.push(bytesItem("sll.unused", hexBytes(b, at + shown, at + 8), `Unused: ${hexBytes(b, at + shown, at + 8)}`, 0, at + shown, 8 - shown));
  return k;
}

const pkttype = (pt: number, at: number, len: number): FieldNode =>
  item("sll.pkttype", String(pt), `Packet type: ${SLL_PKTTYPES[pt] ?? "Unknown"} (${pt})`, 0, at, len);
const hatype = (ha: number, at: number): FieldNode =>
  item("sll.hatype", String(ha), `Link-layer address type: ${SLL_HATYPES[ha] ?? "Unknown"} (${ha})`, 0, at, 2);

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): packet type, address type, length, address, protocol. */
export function sllNode(b: Uint8Array): FieldNode | undefined {
  if (b.length < 16) return undefined;
  const ha = u16(b, 2), alen = u16(b, 4);
  return proto("sll", "Linux cooked capture v1", 0, 0, 16, [
    pkttype(u16(b, 0), 0, 2), hatype(ha, 2),
    item("sll.halen", String(alen), `Link-layer address length: ${alen}`, 0, 4, 2),
    ...sllAddress(b, 6, ha, alen),
    item("sll.etype", hex(u16(b, 14), 4), `Protocol: ${ethertype(u16(b, 14))}`, 0, 14, 2),
  ]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol, 2 reserved bytes (not shown), interface
 *  index, address type, packet type, address length, address. */
export function sll2Node(b: Uint8Array): FieldNode | undefined {
  if (b.length < 20) return undefined;
  const ha = u16(b, 8), alen = b[11]!, ifx = u32(b, 4);
  return proto("sll", "Linux cooked capture v2", 0, 0, 20, [
    item("sll.etype", hex(u16(b, 0), 4), `Protocol: ${ethertype(u16(b, 0))}`, 0, 0, 2),
    item("sll.ifindex", String(ifx), `Interface index: ${ifx}`, 0, 4, 4),
    hatype(ha, 8), pkttype(b[10]!, 10, 1),
    item("sll.halen", String(alen), `Link-layer address length: ${alen}`, 0, 11, 1),
    ...sllAddress(b, 12, ha, alen),
  ]);
}

/** IP over InfiniBand (LINKTYPE_IPOIB): 20 bytes tshark does not show, the 20-byte destination
 *  address (flags, QPN, GID), the ethertype and 2 reserved bytes. */
export function ipoibNode(b: Uint8Array): FieldNode | undefined {
  if (b.length < 44) return undefined;
  const qpn = (b[21]! << 16) | (b[22]! << 8) | b[23]!, gid = formatIpv6(b, 24), t = u16(b, 40);
  return proto("ipoib", "IP over Infiniband", 0, 0, 44, [
    item("ipoib.daddr", undefined, "Destination address", 0, 20, 20, [
      item("ipoib.daddr.qpn", hex(qpn, 6), `Destination QPN: ${hex(qpn, 6)}`, 0, 21, 3),
      item("ipoib.dgid", gid, `Destination GID: ${gid}`, 0, 24, 16),
    ]),
    item("ipoib.type", hex(t, 4), `Type: ${ethertype(t)}`, 0, 40, 2),
    item("ipoib.reserved", hex(u16(b, 42), 4), `Reserved: ${hex(u16(b, 42), 4)}`, 0, 42, 2),
  ]);
}

/** NFLOG attribute types (Linux nfnetlink_log.h, NFULA_*). */
const NFULA = ["UNSPEC", "PACKET_HDR", "MARK", "TIMESTAMP", "IFINDEX_INDEV", "IFINDEX_OUTDEV", "IFINDEX_PHYSINDEV",
  "IFINDEX_PHYSOUTDEV", "HWADDR", "PAYLOAD", "PREFIX", "UID", "SEQ", "SEQ_GLOBAL", "GID", "HWTYPE", "HWHEADER", "HWLEN", "CT", "CT_INFO"];
/** Netfilter hooks tshark 4.0.17 named on the corpus. */
const NF_HOOKS: Readonly<Record<number, string>> = { 1: "Local in", 3: "Local out", 4: "Post-routing" };

/** The value fields of one NFLOG TLV (`at`: its start, `len`: its length field). */
function nflogValue(b: Uint8Array, type: number, at: number, len: number): FieldNode[] {
  const v = at + 4, vlen = len - 4;
  switch (type) {
    case 1: {
      if (vlen < 3) break;
      const p = u16(b, v), hook = b[v + 2]!;
      return [item("nflog.protocol", hex(p, 4), `HW protocol: ${ethertype(p)}`, 0, v, 2),
        item("nflog.hook", String(hook), `Netfilter hook: ${NF_HOOKS[hook] ?? "Unknown"} (${hook})`, 0, v + 2, 1)];
    }
    case 4: case 5: case 6: case 7: {
      if (vlen < 4) break;
      const name = NFULA[type]!, x = u32(b, v);
      return [item(`nflog.${name.toLowerCase()}`, String(x), `${name}: ${x}`, 0, v, 4)];
    }
    case 11: case 14: {
      if (vlen < 4) break;
      const x = u32(b, v) | 0, name = type === 11 ? "UID" : "GID";
      return [item(`nflog.${name.toLowerCase()}`, String(x), `${name}: ${x}`, 0, v, 4)];
    }
    case 10: {
      let e = v;
      while (e < v + vlen && b[e] !== 0) e++;
      const s = String.fromCharCode(...b.subarray(v, e));
      return [item("nflog.prefix", s, `Prefix: ${s}`, 0, v, vlen)];
    }
    case 9: return [];
    default:
  }
  return vlen > 0 ? [bytesItem("nflog.tlv_value", hexBytes(b, v, v + vlen), `Value: ${hexBytes(b, v, v + vlen)}`, 0, v, vlen)] : [];
}

/** Linux NFLOG (LINKTYPE_NFLOG): family, version, resource id (big-endian), then TLVs whose length
 *  and type are in host (here little-endian) order, each padded to 4 bytes. */
export function nflogNode(b: Uint8Array): FieldNode | undefined {
  if (b.length < 4) return undefined;
  const fam = b[0]!, res = u16(b, 2);
  const k: FieldNode[] = [
    item("nflog.family", String(fam), `Family: ${fam === 2 ? "IPv4" : fam === 10 ? "IPv6" : "Unknown"} (${fam})`, 0, 0, 1),
    item("nflog.version", String(b[1]!), `Version: ${b[1]!}`, 0, 1, 1),
    item("nflog.res_id", String(res), `Resource id: ${res}`, 0, 2, 2),
  ];
  for (let at = 4; at + 4 <= b.length;) {
    const len = b[at]! | (b[at + 1]! << 8), raw = b[at + 2]! | (b[at + 3]! << 8), type = raw & 0x7fff;
    if (len < 4 || at + len > b.length) break;
    const name = `NFULA_${NFULA[type] ?? "Unknown"}`;
    k.push(bytesItem("nflog.tlv", hexBytes(b, at, at + len), `TLV Type: ${name} (${type}), Length: ${len}`, 0, at, len, [
      item("nflog.tlv_length", String(len), `Length: ${len}`, 0, at, 2),
      item("nflog.tlv_type", String(type), `${bitLine(raw, 0x7fff, 16)}Type: ${name} (${type})`, 0, at + 2, 2),
      ...nflogValue(b, type, at, len),
    ]));
    at += (len + 3) & ~3;
  }
  return proto("nflog", "Linux Netfilter NFLOG", 0, 0, b.length, k);
}

/** An FDDI address as tshark shows LINKTYPE_FDDI's bit-swapped ones: each byte's bits reversed. */
function fddiMac(b: Uint8Array, at: number): string {
  const s = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    let x = b[at + i]!, r = 0;
    for (let j = 0; j < 8; j++) { r = (r << 1) | (x & 1); x >>= 1; }
    s[i] = r;
  }
  return mac(s, 0);
}

/** FDDI (LINKTYPE_FDDI): frame control, destination, source; an async LLC frame's LLC header
 *  follows as its own layer. Other frame classes: not named yet. */
export function fddiNodes(b: Uint8Array): FieldNode[] {
  if (b.length < 13) return [];
  const fc = b[0]!;
  if ((fc & 0xf8) !== 0x50) return [];
  const prio = fc & 7, what = `Async LLC frame, priority ${prio}`;
  const addr = (field: string, label: string, at: number): FieldNode[] => {
    const a = fddiMac(b, at);
    return [item(field, a, `${label}: ${a}`, 0, at, 6), hidden("fddi.addr", a, 0, at, 6), hidden(field, a, 0, at, 6), hidden("fddi.addr", a, 0, at, 6)];
  };
  const f = proto("fddi", `Fiber Distributed Data Interface, ${what}`, 0, 0, 13, [
    item("fddi.fc", hex(fc, 2), `Frame Control: ${hex(fc, 2)} (${what})`, 0, 0, 1, [
      item("fddi.fc.clf", hex(fc >> 4, 2), `${bitLine(fc, 0xf0, 8)}Class/Length/Format: Async LLC (${hex(fc >> 4, 1)})`, 0, 0, 1),
      item("fddi.fc.prio", String(prio), `${bitLine(fc, 0x07, 8)}Priority: ${prio}`, 0, 0, 1),
    ]),
    ...addr("fddi.dst", "Destination", 1), ...addr("fddi.src", "Source", 7),
  ]);
  const l = llcNode(b, 13);
  return l === undefined ? [f] : [f, l];
}

/** ARCNET protocol ids tshark 4.0.17 named on the corpus. */
const ARCNET_PROTOS: Readonly<Record<number, string>> = { 0xf0: "RFC 1051 IP", 0xd4: "RFC 1201 IP" };

/** ARCNET from `at` (after the source, destination and, for Linux ARCNET, the 2-byte offset): the
 *  protocol id, and for RFC 1201 IP the split flag and sequence. */
export function arcnetNode(b: Uint8Array, linux: boolean): FieldNode | undefined {
  const at = linux ? 4 : 2;
  if (b.length < at + 1) return undefined;
  const pid = b[at]!, rfc1201 = pid === 0xd4 && b.length >= at + 4;
  const k: FieldNode[] = [
    item("arcnet.src", hex(b[0]!, 2), `Source: ${hex(b[0]!, 2)}`, 0, 0, 1),
    item("arcnet.dst", hex(b[1]!, 2), `Dest: ${hex(b[1]!, 2)}`, 0, 1, 1),
  ];
  if (linux) k.push(bytesItem("arcnet.offset", hexBytes(b, 2, 4), `Offset: ${hexBytes(b, 2, 4)}`, 0, 2, 2));
  k.push(item("arcnet.protID", hex(pid, 2), `Protocol ID: ${ARCNET_PROTOS[pid] ?? "Unknown"} (${hex(pid, 2)})`, 0, at, 1));
  if (rfc1201) {
    k.push(item("arcnet.split_flag", String(b[at + 1]!), `Split Flag: ${b[at + 1]!}`, 0, at + 1, 1),
      item("arcnet.sequence", String(u16(b, at + 2)), `Sequence: ${u16(b, at + 2)}`, 0, at + 2, 2));
  }
  return proto("arcnet", "ARCNET", 0, 0, rfc1201 ? at + 4 : at + 1, k);
}

/** The link-layer subtrees of these link types, or undefined for another link type. */
export function otherLinkNodes(f: DecodedFrame): FieldNode[] | undefined {
  const b = f.bytes, one = (n: FieldNode | undefined): FieldNode[] => (n === undefined ? [] : [n]);
  switch (f.linkType) {
    case 113: return one(sllNode(b));
    case 276: return one(sll2Node(b));
    case 242: return one(ipoibNode(b));
    case 239: return one(nflogNode(b));
    case 10: return fddiNodes(b);
    case 129: return one(arcnetNode(b, true));
    default: return undefined;
  }
}
