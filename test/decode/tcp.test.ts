/** TCP header: annotated fixtures, round trip, malformed table, option rules (spec §11.1, §12.2). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { emitTcp, parseTcp, tcpFlagsHex, tcpFlagsString, tcpLength, tcpOptions, TcpView,
  type TcpProblem } from "../../src/decode/index.js";
import { hex } from "../support/hex.js";

// SYN 40000 → 7 with MSS 1460, WS 7, SACK_PERM.
export const SYN_OPTS = hex`
  9c40 0007  0102 0304  0000 0000   # ports, seq, ack
  8002 ffff  0000 0000              # offset 8 (32 B), SYN, window, checksum, urgent
  0204 05b4  0303 0701  0402 0000   # MSS 1460 | WS 7 + NOP | SACK_PERM + EOL + pad
`;
// ACK+PSH with timestamps and 3 bytes of payload, from the pattern of corpus frames.
const DATA_TS = hex`
  d431 0050  4a3b 2c1d  0000 1000   # 54321 → 80, seq, ack
  8018 01f5  abcd 0000              # offset 8, ACK|PSH, window 501, checksum
  0101 080a  0000 0064  0000 00c8   # NOP NOP TS 100 200
  616263                            # "abc"
`;
// Every flag bit set, reserved included, nonzero urgent pointer.
const ALL_FLAGS = hex`0001 0002 ffff ffff ffff ffff 5fff 0000 1234 0005`;
const FIXTURES: Array<[string, Uint8Array]> = [["syn-opts", SYN_OPTS], ["data-ts", DATA_TS], ["all-flags", ALL_FLAGS]];

test("tcp: view reads every fixed field of an annotated SYN", () => {
  const v = new TcpView().point(SYN_OPTS, 0, SYN_OPTS.length);
  assert.equal(v.check(), undefined);
  assert.deepEqual([v.srcPort, v.dstPort, v.seqRaw, v.ackRaw, v.dataOffset, v.headerLength, v.flags, v.windowRaw,
    v.checksum, v.urgent], [40000, 7, 0x01020304, 0, 8, 32, 0x002, 0xffff, 0, 0]);
  const all = new TcpView().point(ALL_FLAGS, 0, ALL_FLAGS.length);
  assert.equal(all.seqRaw, 0xffffffff);
  assert.equal(all.flags, 0xfff);
});

test("tcp: emit(parse(bytes)) is byte-identical", () => {
  for (const [name, bytes] of FIXTURES) {
    const got = parseTcp(bytes);
    assert.ok(got.ok, `${name}: ${got.ok ? "" : got.problem}`);
    const out = new Uint8Array(tcpLength(got.value));
    emitTcp(got.value, out);
    assert.deepEqual(out, bytes, name);
  }
});

test("tcp: malformed headers are problem values", () => {
  const MALFORMED: Array<[name: string, bytes: Uint8Array, problem: TcpProblem]> = [
    ["19 bytes", hex`9c40 0007 0102 0304 0000 0000 5002 ffff 0000 00`, "truncated"],
    ["offset 4", hex`9c40 0007 0102 0304 0000 0000 4002 ffff 0000 0000`, "tcp.bogus_header_length"],
    ["offset 0", hex`9c40 0007 0102 0304 0000 0000 0002 ffff 0000 0000`, "tcp.bogus_header_length"],
    ["offset 6, 20 B", hex`9c40 0007 0102 0304 0000 0000 6002 ffff 0000 0000`, "tcp.options_truncated"],
  ];
  for (const [name, bytes, problem] of MALFORMED) {
    const got = parseTcp(bytes);
    assert.equal(got.ok, false, name);
    if (!got.ok) assert.equal(got.problem, problem, name);
  }
});

test("tcp: flags print as tshark 4.0 does (spec §14.2)", () => {
  assert.equal(tcpFlagsHex(0x0c2), "0x00c2");
  assert.equal(tcpFlagsString(0x0c2), "····CE····S·");
  assert.equal(tcpFlagsString(0x012), "·······A··S·");
  assert.equal(tcpFlagsString(0xfff), "RRRACEUAPRSF");
});

test("tcp options: values of MSS, WS, SACK_PERM, EOL", () => {
  const r = tcpOptions(SYN_OPTS.subarray(20));
  assert.deepEqual(r.options.map((o) => o.kind), [2, 3, 1, 4, 0]);
  assert.deepEqual(r.options[0], { type: "mss", kind: 2, len: 4, at: 0, value: 1460 });
  assert.deepEqual(r.options[1], { type: "wscale", kind: 3, len: 3, at: 4, shift: 7, multiplier: 128 });
  assert.deepEqual(r.problems, []);
  assert.equal(r.stopped, false);
});

// Option areas of spec/probes options_bad.pcap; expected kinds and experts from its tshark 4.0.17 reference.
const OPTION_CASES: Array<[name: string, bytes: Uint8Array, kinds: number[], problems: string[]]> = [
  ["4 NOPs, SACK_PERM, EOL, garbage", hex`01010101 0402 00 0500`, [1, 1, 1, 1, 4, 0], ["tcp.nop", "tcp.non_zero_bytes_after_eol"]],
  ["length 1 stops", hex`020405b4 08010000`, [2], ["tcp.option.len.invalid"]],
  ["past the end stops", hex`080c 000000000000`, [], ["tcp.option.len.invalid"]],
  ["MSS with length 3, then MSS", hex`020305 01 020404b0`, [2, 1, 2], ["tcp.option.len.invalid"]],
  ["SACK with a dangling edge", hex`0101 050e 00000000 00000000 00000000`, [1, 1, 5], ["tcp.suboption_malformed"]],
  ["unknown kind 99, timestamps", hex`6304aabb 0101 080a 00000005 00000006`, [99, 1, 1, 8], []],
  ["kind as last byte", hex`010101 02`, [1, 1, 1], ["tcp.option.len.invalid"]],
];

test("tcp options: tshark 4.0 walking rules (spec §11.1, probes options_bad)", () => {
  for (const [name, bytes, kinds, problems] of OPTION_CASES) {
    const r = tcpOptions(bytes);
    assert.deepEqual(r.options.map((o) => o.kind), kinds, name);
    assert.deepEqual(r.problems, problems, name);
  }
  const mss3 = tcpOptions(hex`020305 01 020404b0`).options[0];
  assert.deepEqual(mss3, { type: "mss", kind: 2, len: 3, at: 0, problem: "tcp.option.len.invalid" });
  const sack = tcpOptions(hex`0101 050e 00000000 00000000 00000000`).options[2];
  assert.ok(sack?.type === "sack");
  if (sack?.type === "sack") { assert.equal(sack.count, 1); assert.deepEqual(sack.edges, [0, 0, 0]); }
  const four = tcpOptions(hex`0101 0522 0000000a 00000014 0000001e 00000028 00000032 0000003c 00000046 00000050`).options[2];
  if (four?.type === "sack") assert.equal(four.count, 4); else assert.fail("sack expected");
});

test("tcp options: timestamps, shift > 14, MPTCP, TFO, truncated capture", () => {
  const ts = tcpOptions(hex`0101 080a 00000064 000000c8`).options[2];
  assert.deepEqual(ts, { type: "timestamp", kind: 8, len: 10, at: 2, tsval: 100, tsecr: 200 });
  const ws = tcpOptions(hex`030310`);
  assert.deepEqual(ws.options[0], { type: "wscale", kind: 3, len: 3, at: 0, shift: 16, multiplier: 16384,
    problem: "tcp.options.wscale.shift.invalid" });
  const mp = tcpOptions(hex`1e0c 0081 0102030405060708`).options[0];
  assert.ok(mp?.type === "mptcp" && mp.subtype === 0 && mp.data.length === 10);
  const tfo = tcpOptions(hex`2202`).options[0];
  assert.ok(tfo?.type === "tfo" && tfo.cookie.length === 0);
  const cut = tcpOptions(hex`0101 080a 0000`, 12);
  assert.deepEqual(cut.options.map((o) => o.kind), [1, 1]);
  assert.deepEqual(cut.problems, ["tcp.options_truncated"]);
  assert.equal(cut.stopped, true);
});
