/** tcp.analysis.ack_rtt stays exact when segment and ACK are further apart than 2^53 ns (~104
 *  days): AnalysisResult.ackRttSec + ackRttSubNs. Expected values are hand subtractions of the
 *  timestamps (checked with BigInt), not our own output. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACK, newSegment, PSH, SYN, TcpAnalyzer, type TcpSegment } from "../../src/analysis/index.js";

const C = 0x0a000001, S = 0x0a000002;

function seg(s: TcpSegment, frame: number, c2s: boolean, sec: number, ns: number, seq: number, ack: number, flags: number, len = 0): TcpSegment {
  s.frame = frame; s.tsSec = sec; s.tsNsec = ns; s.family = 4;
  s.srcAddr.fill(0); s.dstAddr.fill(0);
  s.srcAddr[0] = c2s ? C : S; s.dstAddr[0] = c2s ? S : C;
  s.srcPort = c2s ? 40000 : 80; s.dstPort = c2s ? 80 : 40000;
  s.seqRaw = seq >>> 0; s.ackRaw = ack >>> 0; s.flags = flags; s.windowRaw = 65535; s.seglen = len;
  s.headerBogus = false; s.optionsTruncated = false; s.icmpQuoted = false;
  s.mss = -1; s.wsShift = -1; s.sackPerm = false; s.hasTimestamps = false; s.sackCount = 0;
  return s;
}
const exact = (sec: number, ns: number): bigint => BigInt(sec) * 1_000_000_000n + BigInt(ns);

test("ack RTT across 46 years, forwards and backwards (the pcapng-example timestamps)", () => {
  const a = new TcpAnalyzer(), s = newSegment();
  a.observe(seg(s, 1, true, 1422527998, 578402281, 100, 0, SYN));
  let r = a.observe(seg(s, 2, false, 2894531997, 938836488, 900, 101, SYN | ACK));
  assert.equal(r.acksFrame, 1);
  // 2894531997.938836488 − 1422527998.578402281
  assert.equal(exact(r.ackRttSec, r.ackRttSubNs), 1_472_003_999_360_434_207n);
  r = a.observe(seg(s, 3, true, 1422527998, 578455857, 101, 901, ACK));
  assert.equal(r.acksFrame, 2);
  // 1422527998.578455857 − 2894531997.938836488
  assert.equal(exact(r.ackRttSec, r.ackRttSubNs), -1_472_003_999_360_380_631n);
  assert.equal(r.initialRttNs, 53_576);
});

test("a far segment keeps its exact time when earlier entries are acked and the list compacts", () => {
  const a = new TcpAnalyzer(), s = newSegment();
  const t0 = 1_700_000_000, far = t0 + 300 * 86_400;
  a.observe(seg(s, 1, true, t0, 0, 100, 0, SYN));
  a.observe(seg(s, 2, false, t0, 1_000_000, 900, 101, SYN | ACK));
  a.observe(seg(s, 3, true, t0, 2_000_000, 101, 901, ACK));
  a.observe(seg(s, 4, true, t0, 3_000_000, 101, 901, PSH | ACK, 10));
  a.observe(seg(s, 5, true, far, 123_456_789, 111, 901, PSH | ACK, 10));
  let r = a.observe(seg(s, 6, false, far, 123_456_790, 901, 111, ACK));
  assert.equal(r.acksFrame, 4);
  // (t0 + 300 d).123456790 − t0.003000000
  assert.equal(exact(r.ackRttSec, r.ackRttSubNs), 25_920_000_120_456_790n);
  // 1 ns after frame 5: a double of ns since the epoch (≈ 2.6e16) cannot tell 1 ns apart.
  r = a.observe(seg(s, 7, false, far, 123_456_790, 901, 121, ACK));
  assert.equal(r.acksFrame, 5);
  assert.equal(exact(r.ackRttSec, r.ackRttSubNs), 1n);
});

test("near the epoch the parts equal ackRttNs", () => {
  const a = new TcpAnalyzer(), s = newSegment();
  a.observe(seg(s, 1, true, 5000, 999_999_999, 100, 0, SYN));
  const r = a.observe(seg(s, 2, false, 5001, 250, 900, 101, SYN | ACK));
  assert.equal(r.ackRttNs, 251);
  assert.equal(exact(r.ackRttSec, r.ackRttSubNs), 251n);
});
