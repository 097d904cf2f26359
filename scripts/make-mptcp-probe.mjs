#!/usr/bin/env node
// make-mptcp-probe.mjs — writes test/fixtures/mptcp/probe.pcap, hand-made frames with every
// MPTCP subtype (RFC 6824 v0, RFC 8684 v1) the corpus captures lack, and tshark 4.0.17's
// references of it: probe.json (`-T json`), probe.x.json.gz (`-T json -x`), probe.V (`-V`),
// probe.fields.tsv (`-T fields`) and probe.filters.tsv (`-Y`); tshark runs as make-refs.sh runs
// it (payloads to the data dissector, the reference preferences, no profile, UTC).
// It also writes gaps.pcap and gaps.fields.tsv: frames where synack knowingly differs (gaps.tsv).
// test/fields/mptcp.test.ts compares synack's output with them. Run once; the output is checked in.
//
//   node scripts/make-mptcp-probe.mjs
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "test", "fixtures", "mptcp");

const hex = (s) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => parseInt(b, 16));
const be = (n, bytes) => { let s = ""; for (let i = bytes - 1; i >= 0; i--) s += ((Number(BigInt(n) >> BigInt(8 * i)) & 0xff)).toString(16).padStart(2, "0"); return s; };

/** One IPv4/TCP frame on Ethernet: `opt` is the options' hex (padded with NOPs to 32 bits). Each
 *  frame's window differs from the one before, so that no ACK is a duplicate: tshark 4.0.17 lets
 *  some MPTCP signals excuse a duplicate ACK (RFC 8684 §4), which synack does not model. */
let windowNext = 0xff00, windowFixed = -1;
function frame(src, dst, sport, dport, seq, ack, flags, opt, payloadLen = 0) {
  const window = windowFixed >= 0 ? windowFixed : windowNext++;
  let o = opt.replace(/\s+/g, "");
  while ((o.length / 2) % 4 !== 0) o = "01" + o;
  const tcpLen = 20 + o.length / 2, total = 20 + tcpLen + payloadLen;
  const ip = `4500${be(total, 2)}00014000 4006 0000 ${src.split(".").map((x) => be(x, 1)).join("")} ${dst.split(".").map((x) => be(x, 1)).join("")}`;
  const tcp = `${be(sport, 2)}${be(dport, 2)}${be(seq, 4)}${be(ack, 4)}${be(((tcpLen / 4) << 12) | flags, 2)}${be(window, 2)}00000000${o}`;
  const data = "61".repeat(payloadLen);
  return hex(`020000000002 020000000001 0800 ${ip} ${tcp} ${data}`);
}

const SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01, RST = 0x04;
const C = "10.0.0.1", S = "10.0.0.2", S2 = "10.0.0.3";
const K5 = "4142434445464748", K6 = "5152535455565758", K7 = "6162636465666768", K8 = "7172737475767778";
const K1 = "0102030405060708", K2 = "1112131415161718", K3 = "2122232425262728", K4 = "3132333435363738";
// The join SYN carries the server's token: the most significant 32 bits of SHA-1(K2) (v0).
const TOKEN2 = createHash("sha1").update(hex(K2)).digest().subarray(0, 4).toString("hex");
const frames = [
  // Stream 0: v0 handshake with keys in the SYN (checksums required, HMAC-SHA1).
  frame(C, S, 40000, 80, 1000, 0, SYN, `1e0c0081${K1}`),
  frame(S, C, 80, 40000, 5000, 1001, SYN | ACK, `1e0c0081${K2}`),
  frame(C, S, 40000, 80, 1001, 5001, ACK, `1e140081${K1}${K2}`),
  // DSS: 4-byte mapping with checksum, 10 bytes of data; then a 4-byte data ACK.
  frame(C, S, 40000, 80, 1001, 5001, ACK | PSH, `1e102004 11223344 00000001 000a abcd`, 10),
  frame(S, C, 80, 40000, 5001, 1011, ACK, `1e082001 1122334e`),
  // ADD_ADDR: IPv4, IPv4 + port, IPv6, IPv6 + port + HMAC, echo set on one.
  frame(S, C, 80, 40000, 5001, 1011, ACK, `1e083102 0a000003`),
  frame(S, C, 80, 40000, 5001, 1011, ACK, `1e0a3003 0a000004 1f90`),
  frame(S, C, 80, 40000, 5001, 1011, ACK, `1e143004 20010db8000000000000000000000001`),
  frame(S, C, 80, 40000, 5001, 1011, ACK, `1e1e3005 20010db8000000000000000000000002 0050 0102030405060708`),
  // REMOVE_ADDR of two ids; MP_PRIO with and without an address id; MP_FAIL; MP_FASTCLOSE.
  frame(C, S, 40000, 80, 1011, 5001, ACK, `1e054002 03`),
  frame(C, S, 40000, 80, 1011, 5001, ACK, `1e035001`),
  frame(C, S, 40000, 80, 1011, 5001, ACK, `1e045101`),
  frame(C, S, 40000, 80, 1011, 5001, ACK, `1e0c6000 0000000011223345`),
  frame(S, C, 80, 40000, 5001, 1011, ACK, `1e0c7000 ${K1}`),
  // DSS: 8-byte ack and mapping, DATA_FIN, checksum.
  frame(C, S, 40000, 80, 1011, 5001, ACK | FIN, `1e1c201f 0000000000000005 0000000000000007 0000000b 0001 1234`),
  // Stream 1: MP_JOIN SYN (token of the server's key), SYN/ACK, ACK; then data on the subflow.
  frame(C, S2, 40001, 80, 7000, 0, SYN, `1e0c1101 ${TOKEN2} a1a2a3a4`),
  frame(S2, C, 80, 40001, 9000, 7001, SYN | ACK, `1e101001 b1b2b3b4b5b6b7b8 c1c2c3c4`),
  frame(C, S2, 40001, 80, 7001, 9001, ACK, `1e181000 ${"d1".repeat(20)}`),
  frame(C, S2, 40001, 80, 7001, 9001, ACK | PSH, `1e122005 11223350 11223350 00000001 0005`, 5),
  // Stream 2: v1 handshake, key-less SYN, ACK with data-level length and checksum (v1 only).
  frame(C, S, 40002, 443, 100, 0, SYN, `1e040181`),
  frame(S, C, 443, 40002, 200, 101, SYN | ACK, `1e0c0181${K3}`),
  frame(C, S, 40002, 443, 101, 201, ACK | PSH, `1e180181${K4}${K3} 0005 beef`, 5),
  frame(S, C, 443, 40002, 201, 106, ACK, `1e0c2003 ${"0".repeat(16)}`),
  // Stream 3: DSS without a handshake (no key): 8-byte ack and mapping, infinite mapping.
  frame(C, S, 40003, 80, 300, 400, ACK | PSH, `1e1a200f 00000000000003e8 0000000000000064 00000001 0000`, 4),
  // Stream 4: MP_CAPABLE without a crypto bit, and with an unknown one.
  frame(C, S, 40004, 80, 500, 0, SYN, `1e0c0000${K7}`),
  frame(S, C, 80, 40004, 600, 501, SYN | ACK, `1e0c0002${K8}`),
  // Stream 5: MP_JOIN with an unknown token; an unknown subtype; a TCPRST with all flags.
  frame(C, S2, 40005, 80, 800, 0, SYN, `1e0c1000 99999999 01020304`),
  frame(S2, C, 80, 40005, 900, 801, SYN | ACK | RST, `1e04f000`),
  frame(S2, C, 80, 40005, 900, 801, ACK | RST, `1e048f06`),
  ...[2, 3, 4, 5, 7].map((r) => frame(S2, C, 80, 40005, 900, 801, ACK | RST, `1e0480${be(r, 1)}`)),
  // Stream 6: no SYN/ACK seen: the server's key only as the receiver's key of the ACK.
  frame(C, S, 40006, 80, 1000, 0, SYN, `1e0c0081${K5}`),
  frame(C, S, 40006, 80, 1001, 2001, ACK, `1e140081${K5}${K6}`),
  frame(S, C, 80, 40006, 2001, 1001, ACK | PSH, `1e1a200f 0000000000000001 0000000000000009 00000001 0003 0000`, 3),
  frame(C, S, 40006, 80, 1001, 2004, ACK, `1e0c2003 000000000000000c`),
  // Stream 7: a DSS with a 32-bit mapping and no key, then one whose 8-byte data ACK runs past it.
  frame(C, S, 40007, 80, 1, 1, ACK | PSH, `1e0e2004 00000010 00000001 0002`, 2),
  frame(C, S, 40007, 80, 3, 1, ACK, `1e082003 00000000`),
];

mkdirSync(OUT, { recursive: true });
/** Writes `frames` as a pcap (Ethernet, µs), one second apart. */
function writePcap(path, list) {
  const recs = [];
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16); head.writeUInt32LE(1, 20);
  recs.push(head);
  list.forEach((b, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1700000000 + i, 0); h.writeUInt32LE(1000 * i, 4); h.writeUInt32LE(b.length, 8); h.writeUInt32LE(b.length, 12);
    recs.push(h, Buffer.from(b));
  });
  writeFileSync(path, Buffer.concat(recs));
}
const pcap = join(OUT, "probe.pcap");
writePcap(pcap, frames);

// gaps.pcap: what synack knowingly does not show as tshark does (test/fixtures/mptcp/gaps.tsv).
windowFixed = 0x4000;
const gaps = [
  // Stream 0: handshake, data, its data ACK, then three ADD_ADDRs that are duplicate ACKs: tshark
  // 4.0.17 lets the first MPTCP signal excuse the next duplicate ACK (RFC 8684 §4).
  frame(C, S, 41000, 80, 1000, 0, SYN, `1e0c0081${K7}`),
  frame(S, C, 80, 41000, 5000, 1001, SYN | ACK, `1e0c0081${K8}`),
  frame(C, S, 41000, 80, 1001, 5001, ACK, `1e140081${K7}${K8}`),
  frame(C, S, 41000, 80, 1001, 5001, ACK | PSH, `1e102004 11223344 00000001 000a abcd`, 10),
  frame(S, C, 80, 41000, 5001, 1011, ACK, `1e082001 1122334e`),
  frame(S, C, 80, 41000, 5001, 1011, ACK, `1e083002 0a000003`),
  frame(S, C, 80, 41000, 5001, 1011, ACK, `1e083002 0a000003`),
  frame(S, C, 80, 41000, 5001, 1011, ACK, `1e083002 0a000003`),
  // Stream 1: MP_CAPABLE without a crypto bit (its expert items), then a DSS whose data ACK runs
  // past the option, with EOLs after it.
  frame(C, S, 41001, 80, 500, 0, SYN, `1e0c0000${K5}`),
  frame(C, S, 41001, 80, 501, 1, ACK, `1e062003 00000000`),
];
windowFixed = -1;
const gapsPcap = join(OUT, "gaps.pcap");
writePcap(gapsPcap, gaps);
const built = frames.length;

const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const OPTS = ["-n", "-d", "tcp.port==1-65535,data",
  "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
  "-o", "tcp.track_bytes_in_flight:TRUE", "-o", "tcp.calculate_timestamps:TRUE", "-o", "tcp.check_checksum:FALSE", "-Y", "tcp"];
const FIELDS = ["frame.number", "frame.protocols", "mptcp.stream", "mptcp.master", "mptcp.analysis.subflows", "mptcp.ack", "mptcp.dss.dsn",
  "mptcp.expected_token", "mptcp.expected_idsn", "mptcp.rm_addr.count", "tcp.option_kind", "tcp.options.mptcp.subtype",
  "tcp.options.mptcp.version", "tcp.options.mptcp.flags", "tcp.options.mptcp.sendkey", "tcp.options.mptcp.recvkey",
  "tcp.options.mptcp.recvtok", "tcp.options.mptcp.sendrand", "tcp.options.mptcp.sendtrunchmac", "tcp.options.mptcp.sendhmac",
  "tcp.options.mptcp.rawdataack", "tcp.options.mptcp.rawdataseqno", "tcp.options.mptcp.subflowseqno", "tcp.options.mptcp.datalvllen",
  "tcp.options.mptcp.checksum", "tcp.options.mptcp.ipv4", "tcp.options.mptcp.ipv6", "tcp.options.mptcp.port",
  "tcp.options.mptcp.addaddrtrunchmac", "tcp.options.mptcp.addrid", "tcp.options.mptcp.reserved", "tcp.options.mptcp.rst_reason",
  "tcp.options.mptcp.flag_T.flag", "tcp.options.mptcp.backup.flag", "tcp.options.mptcp.echo"];
const FILTERS = ["mptcp", "mptcp.ack > 10", "mptcp.dss.dsn", "mptcp.stream == 1", "mptcp.master == 0", "mptcp.analysis.subflows contains \"1\"",
  "tcp.options.mptcp.subtype == 2", "tcp.options.mptcp.ipv6 == 2001:db8::1", "tcp.options.mptcp.sendhmac[0:2] == d1:d1",
  "tcp.options.mptcp.flag_U.flag", "mptcp.expected_idsn > 1000", "mptcp.dss.infinite_mapping", "tcp.options.mptcp.port in {80, 8080}"];
const tsharkOn = (file, ...a) => execFileSync("tshark", ["-r", file, ...OPTS, ...a], { env: ENV, encoding: "utf8", maxBuffer: 1 << 28 });
const tshark = (...a) => tsharkOn(pcap, ...a);
writeFileSync(join(OUT, "probe.json"), tshark("-T", "json"));
writeFileSync(join(OUT, "probe.V"), tshark("-V"));
// `-T json -x`: every item's bytes (offset, length, bitmask), gzipped.
writeFileSync(join(OUT, "probe.x.json.gz"), gzipSync(tshark("-T", "json", "-x")));
// `-T fields` of the MPTCP fields, and the frames some -Y filters keep (filter TAB frame numbers).
writeFileSync(join(OUT, "probe.fields.tsv"), tshark("-T", "fields", "-E", "header=y", "-E", "occurrence=a", ...FIELDS.flatMap((f) => ["-e", f])));
writeFileSync(join(OUT, "probe.filters.tsv"), FILTERS.map((y) => `${y}\t${tshark("-Y", y, "-T", "fields", "-e", "frame.number").trim().split("\n").join(",")}\n`).join(""));
const GAP_FIELDS = ["frame.number", "tcp.analysis.duplicate_ack_num", "tcp.option_kind", "_ws.expert.message", "mptcp.stream"];
writeFileSync(join(OUT, "gaps.fields.tsv"), tsharkOn(gapsPcap, "-T", "fields", "-E", "header=y", "-E", "occurrence=a", ...GAP_FIELDS.flatMap((f) => ["-e", f])));
process.stderr.write(`make-mptcp-probe: ${built} frames, references written to ${OUT}\n`);
