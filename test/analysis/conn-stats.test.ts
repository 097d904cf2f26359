/** ConnStatsCollector on hand-made segments (the figures tcptrace's manual defines), and the
 *  compact form of closed connections (conn-freeze.ts) giving back every field. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ACK, AnalysisResult, ConnStatsCollector, DirectionStats, FIN, newSegment, PSH, SYN, type ConnPacketInfo, type TcpSegment,
} from "../../src/analysis/index.js";
import { DirectionFreezer } from "../../src/analysis/conn-freeze.js";
import { SentRange } from "../../src/analysis/conn-stats.js";

const CLIENT = 0x0a000001, SERVER = 0x0a000002;
const info: ConnPacketInfo = { ipId: 0, urgent: 0, payloadCaptured: 0 };

/** Feeds one segment at `ms` milliseconds. */
function feed(c: ConnStatsCollector, fromClient: boolean, ms: number, flags: number, seq: number, ack: number, len: number,
    extra: Partial<TcpSegment> = {}): void {
  const s = newSegment(), r = new AnalysisResult();
  s.tsSec = 1000 + Math.floor(ms / 1000); s.tsNsec = (ms % 1000) * 1_000_000;
  s.srcAddr[0] = fromClient ? CLIENT : SERVER; s.dstAddr[0] = fromClient ? SERVER : CLIENT;
  s.srcPort = fromClient ? 40000 : 80; s.dstPort = fromClient ? 80 : 40000;
  s.seqRaw = seq; s.ackRaw = ack; s.flags = flags; s.windowRaw = 1000; s.seglen = len;
  Object.assign(s, extra);
  info.ipId = 1 + ms; info.payloadCaptured = len;
  c.observe(s, r, info);
}

test("conn-stats: handshake, data, a retransmission and duplicate ACKs", () => {
  const c = new ConnStatsCollector();
  feed(c, true, 0, SYN, 100, 0, 0, { mss: 1460, sackPerm: true });
  feed(c, false, 10, SYN | ACK, 500, 101, 0, { mss: 1400 });
  feed(c, true, 20, ACK, 101, 501, 0);
  feed(c, true, 30, ACK | PSH, 101, 501, 100);
  feed(c, true, 31, ACK | PSH, 201, 501, 100);
  feed(c, false, 40, ACK, 501, 201, 0);       // acks the first segment: RTT 10 ms
  feed(c, false, 41, ACK, 501, 201, 0);       // duplicate ACK
  feed(c, true, 60, ACK | PSH, 201, 501, 100); // retransmission of the second segment
  feed(c, false, 70, ACK, 501, 301, 0);       // ambiguous ACK (Karn): no RTT sample
  const conn = c.get(0)!;
  const a = conn.a2b, b = conn.b2a;
  assert.equal(a.packets, 5); assert.equal(b.packets, 4);
  assert.equal(a.dataPkts, 3); assert.equal(a.dataBytes, 300); assert.equal(a.uniqueBytes, 200);
  assert.equal(a.rexmtPkts, 1); assert.equal(a.rexmtBytes, 100);
  assert.equal(a.pureAcks, 1); assert.equal(b.pureAcks, 3); assert.equal(a.pushedPkts, 3);
  assert.equal(a.mss, 1460); assert.equal(b.mss, 1400); assert.equal(a.sackRequested, true); assert.equal(b.sackRequested, false);
  assert.equal(a.dupAcks, 1);
  assert.equal(a.rtt.count, 2, "the SYN (10 ms) and the first data segment (10 ms)");
  assert.equal(a.rtt.minNs, 10_000_000); assert.equal(a.rtt.maxNs, 10_000_000);
  assert.equal(a.rttAmbiguous.count, 1); assert.equal(a.rttAmbiguous.minNs, 10_000_000);
  assert.equal(a.rttFrom3whsNs, 10_000_000);
  assert.equal(a.maxRetrans, 1); assert.equal(a.retrTime.maxNs, 29_000_000);
  assert.equal(a.maxSegment, 100); assert.equal(a.initialWinBytes, 200); assert.equal(a.initialWinPkts, 2);
  assert.equal(a.idleMaxNs, 29_000_000);
  assert.equal(conn.elapsedNs, 70_000_000);
});

test("conn-stats: a closed connection compacted and thawed reads the same", () => {
  const live = new ConnStatsCollector(), many = new ConnStatsCollector();
  for (const c of [live, many]) {
    feed(c, true, 0, SYN, 100, 0, 0, { wsShift: 7, hasTimestamps: true });
    feed(c, false, 10, SYN | ACK, 500, 101, 0, { wsShift: 2 });
    feed(c, true, 20, ACK | PSH, 101, 501, 50);
    feed(c, false, 30, ACK | FIN, 501, 151, 0);
    feed(c, true, 40, ACK | FIN, 151, 502, 0);
  }
  // 600 more closed connections push stream 0 out of the live queue of `many`.
  for (let i = 0; i < 600; i++) {
    const s = newSegment(), r = new AnalysisResult();
    r.stream = i + 1; s.srcAddr[0] = CLIENT + i + 7; s.dstAddr[0] = SERVER; s.srcPort = 1; s.dstPort = 2; s.flags = SYN | FIN | ACK;
    many.observe(s, r, info);
    s.srcAddr[0] = SERVER; s.dstAddr[0] = CLIENT + i + 7; s.srcPort = 2; s.dstPort = 1;
    many.observe(s, r, info);
  }
  assert.ok(many.frozenCount > 0);
  feed(live, false, 50, ACK, 502, 152, 0); feed(many, false, 50, ACK, 502, 152, 0); // thaws stream 0 in `many`
  assert.deepEqual(many.get(0), live.get(0));
});

test("conn-stats: freeze then thaw gives back every field of a direction", () => {
  const d = new DirectionStats(), rec = d as unknown as Record<string, unknown>;
  let n = 1;
  for (const k of Object.keys(rec)) {
    if (typeof rec[k] === "number") rec[k] = n++ * 1.5 + 2 ** 33;
    else if (typeof rec[k] === "boolean") rec[k] = true;
  }
  for (const s of [d.rtt, d.rttFull, d.rttAmbiguous, d.retrTime]) { s.count = n++; s.minNs = n++; s.maxNs = -n++; s.sumNs = n++ * 0.25; s.sum2Us = n++; }
  const r = new SentRange(2 ** 32 + 5, 2 ** 32 + 1000, 123_456_789); r.retrans = 2; r.acked = 4; d.ranges.push(r);
  d.hw.push(4_000_000_000, 65535);
  const f = new DirectionFreezer();
  const [a, b] = f.thaw(f.freeze(d, new DirectionStats()));
  assert.deepEqual(a, d);
  assert.deepEqual(b, new DirectionStats());
});
