/** FrameDecoder on hand-made frames: seglen rules, bogus and short headers, ICMP-quoted TCP,
 *  fragment reassembly and its caps, GSO lengths, never throwing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodePacket, DecodedFrame, FrameDecoder, IpReassembler, FRAG_MAX_DATAGRAMS, TcpField,
  verifyTcpChecksum } from "../../src/decode/index.js";
import { hex } from "../support/hex.js";

const ETH = "0200 0000 0002 0200 0000 0001 0800";   // dst, src, IPv4
const tcpSyn = "9c40 0007 0102 0304 0000 0005 5002 03e8 0000 0000";
const ip4 = (total: string, id = "0001", ff = "0000", proto = "06") =>
  `4500 ${total} ${id} ${ff} 40${proto} 0000 0a00 0001 0a00 0002`;

test("frame: Ethernet/IPv4/TCP gives every field and seglen from the IP length, not the padding", () => {
  const f = decodePacket(1, hex`${ETH} ${ip4("002a")} ${"9c40 0007 0102 0304 0000 0005 5018 03e8 1234 0000"} 6162 0000 0000`);
  assert.equal(f.ipCount, 1); assert.equal(f.tcpCount, 1);
  const ip = f.ip[0]!, t = f.tcp[0]!;
  assert.equal(ip.srcText, "10.0.0.1"); assert.equal(ip.dstText, "10.0.0.2");
  assert.deepEqual([t.srcPort, t.dstPort, t.seqRaw, t.ackRaw, t.headerLength, t.flags, t.windowRaw, t.checksum, t.seglen,
    t.payloadLength], [40000, 7, 0x01020304, 5, 20, 0x18, 1000, 0x1234, 2, 2]);
  assert.deepEqual(t.payload(), hex`6162`);
});

test("frame: bogus data offset keeps ports, seq_raw, hdr_len, len (spec §12.2)", () => {
  const f = decodePacket(1, hex`${ETH} ${ip4("0028")} ${"9c40 0007 0102 0304 0000 0005 4010 03e8 0000 0000"}`);
  const t = f.tcp[0]!;
  assert.deepEqual(t.problems, ["tcp.bogus_header_length"]);
  assert.equal(t.headerLength, 16); assert.equal(t.seglen, 4);
  assert.equal(t.fields, TcpField.ports | TcpField.seqRaw | TcpField.hdrLen | TcpField.len);
});

test("frame: short segment has no len; cut options are flagged", () => {
  const f = decodePacket(1, hex`${ETH} ${ip4("0028")} ${"9c40 0007 0102 0304 0000 0005 8010 03e8 0000 0000"}`);
  const t = f.tcp[0]!;
  assert.deepEqual(t.problems, ["tcp.short_segment", "tcp.options_truncated"]);
  assert.equal(t.seglen, -1); assert.equal(t.fields & TcpField.len, 0); assert.notEqual(t.fields & TcpField.ackRaw, 0);
});

test("frame: TCP quoted in an ICMP error is a second TCP header, flagged, without seq_raw or len", () => {
  const icmp = `0300 0000 0000 0000 ${ip4("0028", "0009")} ${tcpSyn}`;
  const f = decodePacket(1, hex`${ETH} ${ip4("0044", "0002", "0000", "01")} ${icmp}`);
  assert.equal(f.ipCount, 2); assert.equal(f.tcpCount, 1);
  assert.ok(f.ip[1]!.quoted); assert.equal(f.ip[1]!.encap, "icmp-quoted");
  const t = f.tcp[0]!;
  assert.ok(t.quoted); assert.equal(t.seglen, -1);
  assert.equal(t.fields & (TcpField.seqRaw | TcpField.len), 0);
  // An 8-byte quote gives the ports only.
  const g = decodePacket(1, hex`${ETH} ${ip4("0038", "0002", "0000", "01")} 0400 0000 0000 0000 ${ip4("001c")} 9c40 0007 0102 0304`);
  assert.equal(g.tcp[0]!.fields, TcpField.ports);
});

test("frame: IPv4 fragments are reassembled on the frame that completes the datagram", () => {
  const dec = new FrameDecoder(), f = new DecodedFrame();
  // 28 bytes of TCP (20 header + 8 data) split 16 + 12; second fragment first.
  const seg = hex`${"9c40 0007 0102 0304 0000 0005 5018 03e8 0000 0000"} 0102 0304 0506 0708`;
  const frag1 = hex`${ETH} ${ip4("0024", "0042", "2000")}`;
  const frag2 = hex`${ETH} ${ip4("0020", "0042", "0002")}`;
  const a = new Uint8Array([...frag2, ...seg.subarray(16)]), b = new Uint8Array([...frag1, ...seg.subarray(0, 16)]);
  dec.decode(1, a, a.length, 1, f);
  assert.equal(f.tcpCount, 0); assert.ok(f.ip[0]!.fragment);
  dec.decode(1, b, b.length, 2, f);
  assert.equal(f.tcpCount, 1); assert.ok(f.ip[0]!.reassembled);
  assert.equal(f.tcp[0]!.seglen, 8); assert.ok(f.tcp[0]!.reassembled);
  assert.deepEqual(f.tcp[0]!.payload(), hex`0102 0304 0506 0708`);
  assert.equal(dec.reassembler.heldBytes, 0);
});

test("frame: a first fragment cut by the snaplen is dissected as is, without len", () => {
  const bytes = hex`${ETH} ${ip4("0040", "0042", "2000")} ${tcpSyn}`;
  const f = decodePacket(1, bytes, bytes.length + 20);
  assert.equal(f.tcpCount, 1); assert.equal(f.tcp[0]!.seglen, -1);
});

test("reassembly: held datagrams are capped, the oldest dropped", () => {
  const r = new IpReassembler();
  for (let i = 0; i < FRAG_MAX_DATAGRAMS + 10; i++) r.add(`k${i}`, 0, new Uint8Array(8), false);
  assert.ok(r.heldDatagrams <= FRAG_MAX_DATAGRAMS + 1);
});

test("frame: GSO total length 0 runs to the end of the frame (original length)", () => {
  const bytes = hex`${ETH} ${ip4("0000")} ${"9c40 0007 0102 0304 0000 0005 5018 03e8 0000 0000"} 6162`;
  const f = decodePacket(1, bytes, bytes.length + 1000);
  assert.equal(f.tcp[0]!.seglen, 1002);
});

test("frame: checksum verification over the IPv4 pseudo-header", () => {
  // 10.0.0.1 → 10.0.0.2, SYN 40000 → 7 (checksum computed by hand with a Python one-liner: 0xf7a5).
  const f = decodePacket(1, hex`${ETH} ${ip4("0028")} ${"9c40 0007 0102 0304 0000 0005 5002 03e8 f7a5 0000"}`);
  assert.equal(verifyTcpChecksum(f, 0), 1);
  const g = decodePacket(1, hex`${ETH} ${ip4("0028")} ${"9c40 0007 0102 0304 0000 0005 5002 03e8 f7a6 0000"}`);
  assert.equal(verifyTcpChecksum(g, 0), 0);
});

test("frame: unknown link type and garbage are problems, never throws", () => {
  assert.deepEqual(decodePacket(4242, hex`00`).problems, ["frame.unknown_link_type"]);
  assert.deepEqual(decodePacket(1, hex`0000`).problems, ["frame.truncated"]);
});

test("frame: a reused DecodedFrame gets each frame's own address bytes and hashes (IPv4, IPv6, IPv4 again)", () => {
  const eth6 = "0200 0000 0002 0200 0000 0001 86dd";
  const src6 = "2001 0db8 0000 0000 0000 0000 0000 00a1", dst6 = "fe80 0000 0000 0000 0211 22ff fe33 4455";
  const v6 = hex`${eth6} 6000 0000 0014 0640 ${src6} ${dst6} ${tcpSyn}`;
  const v4 = (a: string, b: string) => hex`${ETH} 4500 0028 0001 0000 4006 0000 ${a} ${b} ${tcpSyn}`;
  const fnv = (u: Uint8Array): number => {
    let h = 0x811c9dc5;
    for (const x of u) h = Math.imul(h ^ x, 0x01000193);
    return h >>> 0;
  };
  const dec = new FrameDecoder(), f = new DecodedFrame();
  dec.decode(1, v4("c0a8 0102", "0a00 00ff"), 54, 1, f);
  let ip = f.ip[0]!;
  assert.deepEqual([...ip.src.subarray(0, 4)], [192, 168, 1, 2]); assert.deepEqual([...ip.dst.subarray(0, 4)], [10, 0, 0, 255]);
  assert.deepEqual([ip.src4, ip.dst4, ip.srcHash, ip.dstHash], [0xc0a80102, 0x0a0000ff, 0xc0a80102, 0x0a0000ff]);
  dec.decode(1, v6, v6.length, 2, f);
  ip = f.ip[0]!;
  assert.equal(ip.version, 6); assert.equal(f.tcpCount, 1);
  assert.deepEqual(ip.src, hex`${src6}`); assert.deepEqual(ip.dst, hex`${dst6}`);
  assert.equal(ip.srcText, "2001:db8::a1"); assert.equal(ip.dstText, "fe80::211:22ff:fe33:4455");
  assert.deepEqual([ip.srcHash, ip.dstHash], [fnv(hex`${src6}`), fnv(hex`${dst6}`)]);
  const other = hex`${eth6} 6000 0000 0014 0640 ${dst6} ${src6} ${tcpSyn}`;
  dec.decode(1, other, other.length, 3, f);
  assert.deepEqual([ip.srcHash, ip.dstHash], [fnv(hex`${dst6}`), fnv(hex`${src6}`)]);
  dec.decode(1, v4("0102 0304", "0506 0708"), 54, 4, f);
  assert.deepEqual([...ip.src.subarray(0, 4)], [1, 2, 3, 4]);
  assert.deepEqual([ip.srcHash, ip.dstHash, ip.srcText], [0x01020304, 0x05060708, "1.2.3.4"]);
});
