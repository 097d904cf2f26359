/** The Multipath TCP option (kind 30; RFC 6824 v0, RFC 8684 v1) as tshark 4.0.17 shows it: a
 *  `mptcp` protocol item inside the TCP options with one layout per subtype, the token and IDSN
 *  of a key, the relative data ACK and DSN, its expert items; and the `[MPTCP analysis]` subtree
 *  of the TCP layer (mptcp-analysis.ts tracks the connections). Facts from tshark's output on the
 *  corpus and on test/fixtures/mptcp/probe.pcap. */
import { formatIpv4, formatIpv6 } from "../decode/index.js";
import { Group, Severity } from "./expert.js";
import { expertNode, hex, hexBytes, u16, u32 } from "./expert-node.js";
import { keyHashes, type MptcpInfo } from "./mptcp-analysis.js";
import { bitLine, bytesItem, type FieldNode, gen, genAt, item, proto } from "./node.js";

/** Subtype names (the option's title and the subtype item's value name). */
const SUBTYPES: readonly string[] = ["Multipath Capable", "Join Connection", "Data Sequence Signal", "Add Address",
  "Remove Address", "Change Subflow Priority", "TCP Fallback", "Fast Close", "TCP Reset"];
/** TCPRST reasons (RFC 8684 §3.6). */
const RST_REASONS: readonly string[] = ["Unspecified error", "MPTCP-specific error", "Lack of resources",
  "Administratively prohibited", "Too much outstanding data", "Unacceptable performance", "Middlebox interference"];
/** MP_CAPABLE: tshark 4.0 wants exactly HMAC-SHA1/SHA256 (bit H) among the crypto bits. */
const CRYPTO_MASK = 0x3f, HMAC_SHA = 0x01;

const P = "tcp.options.mptcp.";
const u64 = (b: Uint8Array, at: number): bigint => (BigInt(u32(b, at)) << 32n) | BigInt(u32(b, at + 4));
const MOD64 = 1n << 64n;
/** A raw data ACK / DSN relative to `base`; a 32-bit one takes the base's upper half first. */
function relative(raw: bigint, wide: boolean, base: bigint): string {
  const full = wide ? raw : (base & 0xffffffff00000000n) | raw;
  return String(((full - base) % MOD64 + MOD64) % MOD64);
}

/** The `mptcp` item of an option of `len` bytes at `at` (`shown` captured), after its kind and
 *  length items (`head`). `overrun`: a field ran past the option (tshark: `[Malformed Packet: MPTCP]`). */
export function mptcpOption(b: Uint8Array, at: number, len: number, shown: number, src: number, head: FieldNode[],
    mp: MptcpInfo | undefined): { node: FieldNode; overrun: boolean } {
  const end = at + Math.min(len, shown);
  const k = head;
  const byte2 = b[at + 2] ?? 0, subtype = byte2 >> 4;
  const name = SUBTYPES[subtype] ?? `Unknown (${subtype})`;
  const node = proto("mptcp", `Multipath Transmission Control Protocol: ${name}`, src, at, end - at, k);
  let overrun = false;
  /** True when `n` bytes from `o` lie inside the option; else the walk stops there. */
  const has = (o: number, n: number): boolean => {
    if (o + n <= end) return true;
    overrun = true;
    return false;
  };
  const uint = (field: string, label: string, o: number, n: number): boolean => {
    if (!has(o, n)) return false;
    const v = n === 1 ? b[o]! : n === 2 ? u16(b, o) : n === 4 ? u32(b, o) : u64(b, o);
    k.push(item(P + field, String(v), `${label}: ${v}`, src, o, n));
    return true;
  };
  if (!has(at + 2, 1)) return { node, overrun };
  k.push(item(P + "subtype", String(subtype), `${bitLine(byte2, 0xf0, 8)}Multipath TCP subtype: ${SUBTYPES[subtype] !== undefined ? `${name} (${subtype})` : name}`, src, at + 2, 1));
  const o = at + 4;
  switch (subtype) {
    case 0: {
      const version = byte2 & 0x0f;
      k.push(item(P + "version", String(version), `${bitLine(byte2, 0x0f, 8)}Multipath TCP version: ${version}`, src, at + 2, 1));
      if (!has(at + 3, 1)) break;
      const fl = b[at + 3]!;
      const bit = (field: string, mask: number, label: string): FieldNode =>
        item(P + field, String((fl & mask) !== 0 ? 1 : 0), `${bitLine(fl, mask, 8)}${label}: ${(fl & mask) !== 0 ? 1 : 0}`, src, at + 3, 1);
      const fk = [bit("checksumreq.flags", 0x80, "Checksum required"), bit("extensibility.flag", 0x40, "Extensibility")];
      // v0 (RFC 6824 §3.1): bits B–G are reserved but for the crypto bit H; v1 (RFC 8684 §3.1) adds C.
      if (version === 0) fk.push(bit("sha1.flag", 0x01, "Use HMAC-SHA1"));
      else fk.push(bit("nomoresubflows.flag", 0x20, "Do not attempt to establish new subflows to this address and port"), bit("sha256.flag", 0x01, "Use HMAC-SHA256"));
      const rmask = version === 0 ? 0x3e : 0x1e, rv = (fl & rmask) >> 1;
      fk.push(item(P + "reserved.flag", hex(rv, 2), `${bitLine(fl, rmask, 8)}Reserved: ${hex(rv, version === 0 ? 2 : 1)}`, src, at + 3, 1));
      if ((fl & CRYPTO_MASK) === 0) fk.push(expertNode("No crypto algorithm specified", Severity.Warning, Group.Protocol, "mptcp.connection.missing_algorithm"));
      if ((fl & CRYPTO_MASK) !== HMAC_SHA) fk.push(expertNode("Unsupported algorithm", Severity.Warning, Group.Protocol, "mptcp.connection.unsupported_algorithm"));
      k.push(item(P + "flags", hex(fl, 2), `Multipath TCP flags: ${hex(fl, 2)}`, src, at + 3, 1, fk));
      // The length tells the handshake step: 12 SYN or SYN/ACK, 20 third ACK, 22 / 24 (v1) with data.
      if (len !== 12 && len !== 20 && len !== 22 && len !== 24) break;
      if (!uint("sendkey", "Sender's Key", o, 8)) break;
      const h = keyHashes(b, o, version);
      k.push(gen("mptcp.expected_token", String(h.token), `Subflow token generated from key: ${h.token}`),
        gen("mptcp.expected_idsn", String(h.idsn), `Subflow expected IDSN: ${h.idsn} (64bits version)`));
      if (len === 12 || !uint("recvkey", "Receiver's Key", o + 8, 8)) break;
      if (len === 20 || !uint("datalvllen", "Data-level Length", o + 16, 2)) break;
      if (len === 24 && has(o + 18, 2)) k.push(item(P + "checksum", hex(u16(b, o + 18), 4), `Checksum: ${hex(u16(b, o + 18), 4)}`, src, o + 18, 2));
      break;
    }
    case 1:
      if (len === 24) {
        if (!reserved()) break;
        if (has(o, 20)) k.push(bytesItem(P + "sendhmac", hexBytes(b, o, o + 20), `Sender's HMAC: ${hexBytes(b, o, o + 20)}`, src, o, 20));
        break;
      }
      if (len !== 12 && len !== 16) break;
      k.push(backupFlags(byte2));
      if (!uint("addrid", "Address ID", at + 3, 1)) break;
      if (len === 12) { if (uint("recvtok", "Receiver's Token", o, 4)) uint("sendrand", "Sender's Random Number", o + 4, 4); }
      else if (uint("sendtrunchmac", "Sender's Truncated HMAC", o, 8)) uint("sendrand", "Sender's Random Number", o + 8, 4);
      break;
    case 2: dss(); break;
    case 3: {
      k.push(item(P + "echo", String(byte2 & 1), `${bitLine(byte2, 0x01, 8)}Echo: ${byte2 & 1}`, src, at + 2, 1));
      if (!uint("addrid", "Address ID", at + 3, 1)) break;
      let p = o;
      if (len === 8 || len === 10 || len === 16 || len === 18) {
        if (!has(p, 4)) break;
        const a = formatIpv4(u32(b, p));
        k.push(item(P + "ipv4", a, `Advertised IPv4 Address: ${a}`, src, p, 4));
        p += 4;
      }
      if (len === 20 || len === 22 || len === 28 || len === 30) {
        if (!has(p, 16)) break;
        const a = formatIpv6(b, p);
        k.push(item(P + "ipv6", a, `Advertised IPv6 Address: ${a}`, src, p, 16));
        p += 16;
      }
      if (len === 10 || len === 18 || len === 22 || len === 30) { if (!uint("port", "Advertised port", p, 2)) break; p += 2; }
      if (len === 16 || len === 18 || len === 28 || len === 30) uint("addaddrtrunchmac", "Truncated HMAC", p, 8);
      break;
    }
    case 4:
      k.push(genAt("mptcp.rm_addr.count", String(Math.max(0, len - 3)), `Number of removed addresses: ${Math.max(0, len - 3)}`, src, at + 2, 1));
      for (let p = at + 3; p < at + len; p++) if (!uint("addrid", "Address ID", p, 1)) break;
      break;
    case 5:
      k.push(backupFlags(byte2));
      if (len === 4) uint("addrid", "Address ID", at + 3, 1);
      break;
    case 6:
      if (reserved() && has(o, 8)) k.push(item(P + "rawdataseqno", String(u64(b, o)), `Data Sequence Number: ${u64(b, o)}`, src, o, 8));
      break;
    case 7:
      if (reserved()) uint("recvkey", "Receiver's Key", o, 8);
      break;
    case 8: {
      const names: string[] = [];
      const fk: FieldNode[] = [];
      for (const [mask, field, label] of [[8, "flag_U.flag", "Flag U"], [4, "flag_V.flag", "Flag V"], [2, "flag_W.flag", "Flag W"], [1, "flag_T.flag", "Transient"]] as const) {
        const set = (byte2 & mask) !== 0;
        if (set) names.push(label);
        fk.push(item(P + field, set ? "1" : "0", `${bitLine(byte2, mask, 4)}${label}: ${set ? "Set" : "Not set"}`, src, at + 2, 1));
      }
      k.push(item(P + "flags", hex(byte2, 2), `Multipath TCP flags: ${hex(byte2, 2)}${names.map((n) => `, ${n}`).join("")}`, src, at + 2, 1, fk));
      if (!has(at + 3, 1)) break;
      const reason = b[at + 3]!;
      k.push(item(P + "rst_reason", hex(reason, 2), `TCPRST Reason: ${RST_REASONS[reason] ?? "Unknown"} (${hex(reason, 2)})`, src, at + 3, 1));
      break;
    }
    default: break;
  }
  return { node, overrun };

  /** The 12 reserved bits after the subtype (MP_JOIN's ACK, MP_FAIL, MP_FASTCLOSE). */
  function reserved(): boolean {
    if (!has(at + 2, 2)) return false;
    const v = u16(b, at + 2) & 0x0fff;
    k.push(item(P + "reserved", hex(v, 4), `${bitLine(u16(b, at + 2), 0x0fff, 16)}Reserved: ${hex(v, 3)}`, src, at + 2, 2));
    return true;
  }

  /** MP_JOIN's and MP_PRIO's flags: the backup bit. */
  function backupFlags(v: number): FieldNode {
    return item(P + "flags", hex(v, 2), `Multipath TCP flags: ${hex(v, 2)}`, src, at + 2, 1, [
      item(P + "backup.flag", String(v & 1), `${bitLine(v, 0x01, 8)}Backup flag: ${v & 1}`, src, at + 2, 1)]);
  }

  /** DSS (RFC 8684 §3.3): flags, data ACK, mapping (DSN, subflow sequence number, data-level
   *  length, checksum), with the relative data ACK and DSN where the spaces are known. */
  function dss(): void {
    if (!has(at + 3, 1)) return;
    const fl = b[at + 3]!;
    const bit = (field: string, mask: number, label: string): FieldNode =>
      item(P + field, String((fl & mask) !== 0 ? 1 : 0), `${bitLine(fl, mask, 8)}${label}: ${(fl & mask) !== 0 ? 1 : 0}`, src, at + 3, 1);
    k.push(item(P + "flags", hex(fl, 2), `Multipath TCP flags: ${hex(fl, 2)}`, src, at + 3, 1, [
      bit("datafin.flag", 0x10, "DATA_FIN"), bit("dseqn8.flag", 0x08, "Data Sequence Number is 8 octets"),
      bit("dseqnpresent.flag", 0x04, "Data Sequence Number, Subflow Sequence Number, Data-level Length, Checksum present"),
      bit("dataack8.flag", 0x02, "Data ACK is 8 octets"), bit("dataackpresent.flag", 0x01, "Data ACK is present")]));
    let p = o;
    if ((fl & 0x01) !== 0) {
      const wide = (fl & 0x02) !== 0, n = wide ? 8 : 4;
      if (!has(p, n)) return;
      const raw = wide ? u64(b, p) : BigInt(u32(b, p));
      k.push(item(P + "rawdataack", String(raw), `Original MPTCP Data ACK: ${raw}${wide ? " (64bits)" : ""}`, src, p, n));
      if (mp?.revBase !== undefined) {
        const v = relative(raw, wide, mp.revBase);
        // tshark 4.0.17 -T json -x: no bytes (no _raw).
        k.push(gen("mptcp.ack", v, `Multipath TCP Data ACK: ${v} (Relative)`));
      }
      p += n;
    }
    if ((fl & 0x04) === 0) return;
    const wide = (fl & 0x08) !== 0, n = wide ? 8 : 4;
    if (!has(p, n)) return;
    const raw = wide ? u64(b, p) : BigInt(u32(b, p));
    k.push(item(P + "rawdataseqno", String(raw), `Data Sequence Number: ${raw}  (${wide ? 64 : 32}bits version)`, src, p, n));
    p += n;
    if (!uint("subflowseqno", "Subflow Sequence Number", p, 4)) return;
    p += 4;
    if (!uint("datalvllen", "Data-level Length", p, 2)) return;
    if (u16(b, p) === 0) k.push(expertNode("Fallback to infinite mapping", Severity.Warning, Group.Protocol, "mptcp.dss.infinite_mapping"));
    p += 2;
    if (mp?.fwdBase !== undefined) {
      const v = relative(raw, wide, mp.fwdBase);
      k.push(gen("mptcp.dss.dsn", v, `DSS Data Sequence Number: ${v} (Relative)`));
    }
    // tshark 4.0.17 shows the checksum only when 4 more bytes follow the data-level length.
    if (len >= p - at + 4 && has(p, 2)) k.push(item(P + "checksum", hex(u16(b, p), 4), `Checksum: ${hex(u16(b, p), 4)}`, src, p, 2));
  }
}

/** `[MPTCP analysis]`: master subflow, connection index, subflow list. */
export function mptcpAnalysisNode(mp: MptcpInfo): FieldNode {
  return gen("mptcp.analysis", undefined, "MPTCP analysis", [
    mp.master >= 0 ? gen("mptcp.master", mp.isMaster ? "1" : "0", `Master flow: Master is tcp stream ${mp.master}`)
      : gen("mptcp.master", "0", "Master flow: False"),
    gen("mptcp.stream", String(mp.stream), `Stream index: ${mp.stream}`),
    gen("mptcp.analysis.subflows", mp.subflows, `TCP subflow stream id(s): ${mp.subflows}`),
  ]);
}
