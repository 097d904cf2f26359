/** tcp.analysis.ack_rtt, initial_rtt and rto stay exact when the two packets are further apart
 *  than 2^53 ns (~104 days): AnalysisResult.ackRttSec + ackRttSubNs, initialRttSec +
 *  initialRttSubNs, rtoSec + rtoSubNs. Expected values are hand subtractions of the timestamps
 *  (checked with BigInt) or tshark 4.0.17 run live, not our own output. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACK, FIN, newSegment, PSH, SYN, TcpAnalyzer, type TcpSegment } from "../../src/analysis/index.js";
import { segmentFromDecoded } from "../../src/analysis/from-decoded.js";
import { readCaptureBytes } from "../../src/capture/index.js";
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { pcapOf, type RawSeg, tsharkCells } from "./live-tshark.js";
import { FieldRows } from "../../src/tshark/rows.js";

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

/** Exact seconds + ns parts as tshark prints a relative time: seconds, 9 decimals, sign first. */
function exactText(sec: number, sub: number): string {
  const t = exact(sec, sub), neg = t < 0n, a = neg ? -t : t;
  return `${neg ? "-" : ""}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, "0")}`;
}

/** Our initial_rtt / rto / rto_frame cells from the exact parts, per frame ("" when absent). */
function exactCells(bytes: Uint8Array): string[][] {
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), s = newSegment(), a = new TcpAnalyzer();
  const rows: string[][] = [];
  for (const rec of readCaptureBytes(bytes).records) {
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    if (!segmentFromDecoded(frame, 0, rec.tsSec, rec.tsNsec, s)) continue;
    const r = a.observe(s);
    const show = r.analysisPresent;
    rows.push([String(rec.index),
      show && r.initialRttNs !== 0 ? exactText(r.initialRttSec, r.initialRttSubNs) : "",
      show && r.rtoNs !== 0 ? exactText(r.rtoSec, r.rtoSubNs) : "", show && r.rtoNs !== 0 ? String(r.rtoFrame) : "",
      show && r.acksFrame !== 0 && r.ackRttNs !== 0 ? exactText(r.ackRttSec, r.ackRttSubNs) : ""]);
  }
  return rows;
}

const T0 = 1_600_000_000, DAY = 86_400;
const FAR: Record<string, RawSeg[]> = {
    // SYN and the handshake ACK 150 days apart: iRTT 12960000.123456791 s, an odd ns count past 2^53.
    "irtt 150 days": [{ c2s: true, seq: 100, ack: 0, flags: SYN, sec: T0, nsec: 2 },
      { c2s: false, seq: 900, ack: 101, flags: SYN | ACK, sec: T0 + 150 * DAY, nsec: 123_456_789 },
      { c2s: true, seq: 101, ack: 901, flags: ACK, sec: T0 + 150 * DAY, nsec: 123_456_793 }],
    // The same backwards in time: negative iRTT.
    "irtt backwards": [{ c2s: true, seq: 100, ack: 0, flags: SYN, sec: T0 + 150 * DAY, nsec: 6 },
      { c2s: false, seq: 900, ack: 101, flags: SYN | ACK, sec: T0, nsec: 123_456_789 },
      { c2s: true, seq: 101, ack: 901, flags: ACK, sec: T0, nsec: 123_456_793 }],
    // A data segment retransmitted 200 days later: RTO from the oldest unacked segment (frame 4).
    "rto from unacked": [{ c2s: true, seq: 100, ack: 0, flags: SYN, sec: T0, nsec: 0 },
      { c2s: false, seq: 900, ack: 101, flags: SYN | ACK, sec: T0, nsec: 1000 },
      { c2s: true, seq: 101, ack: 901, flags: ACK, sec: T0, nsec: 2001 },
      { c2s: true, seq: 101, ack: 901, flags: PSH | ACK, len: 10, sec: T0, nsec: 3001 },
      { c2s: true, seq: 101, ack: 901, flags: PSH | ACK, len: 10, sec: T0 + 200 * DAY, nsec: 8 }],
    // An acked FIN sent again 200 days later: nothing unacked, RTO from the packet that raised nextseq.
    "rto from nextseq": [{ c2s: true, seq: 100, ack: 0, flags: SYN, sec: T0, nsec: 0 },
      { c2s: false, seq: 900, ack: 101, flags: SYN | ACK, sec: T0, nsec: 1000 },
      { c2s: true, seq: 101, ack: 901, flags: ACK, sec: T0, nsec: 2001 },
      { c2s: true, seq: 101, ack: 901, flags: FIN | ACK, sec: T0, nsec: 3001 },
      { c2s: false, seq: 901, ack: 102, flags: ACK, sec: T0, nsec: 4001 },
      { c2s: true, seq: 101, ack: 901, flags: FIN | ACK, sec: T0 + 200 * DAY, nsec: 10 }],
};

test("initial_rtt and rto more than 104 days long are exact to the ns (tshark live)", () => {
  const cols = ["frame.number", "tcp.analysis.initial_rtt", "tcp.analysis.rto", "tcp.analysis.rto_frame", "tcp.analysis.ack_rtt"];
  let far = 0;
  for (const [what, segs] of Object.entries(FAR)) {
    const bytes = pcapOf(segs);
    const want = tsharkCells(bytes, [], cols).map((r) => cols.map((_, j) => r[j] ?? ""));
    assert.deepEqual(exactCells(bytes), want, what);
    for (const row of want) for (const v of row.slice(1)) if (/^-?\d{8}\./.test(v)) far++;
  }
  // The iRTT or RTO of each capture, and the ack RTT of the SYN-ACKs in the two iRTT captures.
  assert.equal(far, 6, "values beyond 104 days");
});

test("tcp.time_relative and tcp.time_delta over 104 days, forwards and backwards: -T fields as tshark (live)", () => {
  // The rows take both from the analysis result's seconds + ns parts (AnalysisResult.timeRelativeSec …).
  const cols = ["frame.number", "tcp.stream", "tcp.time_relative", "tcp.time_delta"];
  let far = 0;
  for (const [what, segs] of Object.entries(FAR)) {
    const bytes = pcapOf(segs);
    const want = tsharkCells(bytes, [], cols).map((r) => cols.map((_, j) => r[j] ?? ""));
    const rows = new FieldRows(cols);
    const got = readCaptureBytes(bytes).records.map((rec) => rows.row(rec)!.split("\t"));
    assert.deepEqual(got, want, what);
    for (const row of want) for (const v of row.slice(2)) if (/^-?\d{8}\./.test(v)) far++;
  }
  assert.ok(far >= 8, `only ${far} times beyond 104 days`);
});
