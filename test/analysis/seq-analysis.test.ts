/** One test per rule of spec §2–§9, built from synthetic segments. Expected values are derived by
 *  hand from the spec; the reasoning is in the comments. Client ISN 1000, server ISN 5000. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  A_ACK_LOST_SEGMENT, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK,
  A_LOST_SEGMENT, A_OUT_OF_ORDER, A_RETRANSMISSION, A_REUSED_PORTS, A_SPURIOUS_RETRANSMISSION,
  A_WINDOW_FULL, A_WINDOW_UPDATE, A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK,
  ACK, FIN, PSH, RST, SYN, seqAdd, seqGt, seqLt,
} from "../../src/analysis/index.js";
import { ACK_SEG, C_ISN, HANDSHAKE, ids, run, S_ISN, type Seg, SYN_SEG, SYNACK_SEG } from "./helpers.js";

const MS = 1_000_000;
const C = C_ISN, S = S_ISN;
const data = (dir: "c2s" | "s2c", seq: number, ack: number, len: number, extra: Partial<Seg> = {}): Seg =>
  ({ dir, seq, ack, flags: PSH | ACK, win: 65535, len, ...extra });
const pureAck = (dir: "c2s" | "s2c", seq: number, ack: number, extra: Partial<Seg> = {}): Seg =>
  ({ dir, seq, ack, flags: ACK, win: 65535, len: 0, ...extra });

test("seq helpers: order and addition wrap at 2^32", () => {
  assert.equal(seqLt(0xffff_fff0, 5), true);   // 5 − 0xFFFFFFF0 = 21 > 0 in int32
  assert.equal(seqGt(5, 0xffff_fff0), true);
  assert.equal(seqLt(5, 5), false);
  assert.equal(seqAdd(0xffff_ffff, 1), 0);
});

test("handshake: relative numbers, nxtseq, completeness, scale −2, acks and iRTT (§4, §5, §7, §9)", () => {
  const r = run(HANDSHAKE);
  // SYN: base = ISN, so Seq=0, nxtseq = 0 + 0 + 1 (SYN). Pure SYN: raw ack (0) shown.
  assert.deepEqual([r[0]!.seq, r[0]!.nxtseq, r[0]!.ack, r[0]!.scale], [0, 1, 0, undefined]);
  // SYN-ACK: Seq=0, Ack = 1001 − 1000 = 1, acks the SYN (frame 1) after 1 ms.
  assert.deepEqual([r[1]!.seq, r[1]!.ack, r[1]!.acksFrame, r[1]!.ackRttNs], [0, 1, 1, 1 * MS]);
  // ACK: Seq=1 Ack=1, nxtseq = seq for a pure ACK; neither SYN had WS → both flows −2;
  // iRTT = 2 ms − 0 (most recent pure SYN) and shown because it acks the SYN-ACK.
  assert.deepEqual([r[2]!.seq, r[2]!.ack, r[2]!.nxtseq, r[2]!.scale, r[2]!.acksFrame, r[2]!.irttNs], [1, 1, 1, -2, 2, 2 * MS]);
  // Completeness is shown before the update: 0, then SYN (1), then +SYN-ACK (3).
  assert.deepEqual(r.map((x) => x.completeness), [0, 1, 3]);
  assert.deepEqual(r.map((x) => x.deltaNs), [0, 1 * MS, 1 * MS]);
});

test("window scale: WS on both SYNs scales later packets; WS on the SYN only means −2 (§5.2)", () => {
  // SYN WS=7, SYN-ACK WS=7: client flow 7, so the ACK's raw 512 shows 512 << 7 = 65536, factor 128.
  const both = run([{ ...SYN_SEG, ws: 7 }, { ...SYNACK_SEG, ws: 7 }, { ...ACK_SEG, win: 512 }]);
  assert.deepEqual([both[0]!.win, both[2]!.win, both[2]!.scale], [65535, 65536, 128]);
  // SYN-ACK without WS after a SYN with WS: the SYN-ACK sets itself −2 because its rev (client)
  // is… still 7, so only the "fwd still −1" rule fires: both −2.
  const one = run([{ ...SYN_SEG, ws: 7 }, SYNACK_SEG, { ...ACK_SEG, win: 512 }]);
  assert.deepEqual([one[2]!.win, one[2]!.scale], [512, -2]);
  // Mid-stream: unknown (−1), raw window; with the default-scaling pref 7 the factor shows 128.
  const mid = run([pureAck("c2s", C + 1, S + 1, { win: 100 })]);
  assert.deepEqual([mid[0]!.win, mid[0]!.scale], [100, -1]);
  const pref = run([pureAck("c2s", C + 1, S + 1, { win: 100 })], { defaultWindowScaling: 7 });
  assert.deepEqual([pref[0]!.win, pref[0]!.scale], [12800, 128]);
});

test("retransmission: seq below nextseq with data, RTO from the oldest unacked segment (§6 H6, §7.5)", () => {
  const r = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 100, { ms: 3 }), data("c2s", C + 1, S + 1, 100, { ms: 203 })]);
  const x = r[4]!;
  // seq 1001 < nextseq 1101, not within OOO threshold (200 ms ≥ iRTT 2 ms), no dup ACKs → RETRANS.
  assert.equal(x.flags, A_RETRANSMISSION);
  // RTO: oldest unacked entry of the flow is frame 4 (sent at 3 ms): 200 ms.
  assert.deepEqual([x.rtoNs, x.rtoFrame], [200 * MS, 4]);
  assert.deepEqual(x.why, [{ flag: "tcp.analysis.retransmission", id: "retransmission",
    rule: x.why[0]!.rule, seq: 1, nextseq: 101 }]);
  // Bytes in flight: both copies are in the list, span 1001…1101 = 100.
  assert.equal(x.bif, 100);
});

test("spurious retransmission: data ending at or below the peer's last ack (§6 H4)", () => {
  const r = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 100, { ms: 3 }), pureAck("s2c", S + 1, C + 101, { ms: 10 }),
    data("c2s", C + 1, S + 1, 100, { ms: 300 })]);
  // 1001 + 100 = 1101 ≤ rev.lastack 1101 → SPURIOUS (and only that).
  assert.equal(r[5]!.flags, A_SPURIOUS_RETRANSMISSION);
  assert.deepEqual(ids(r[5]!), ["spurious_retransmission"]);
});

test("lost segment, dup ACKs, fast retransmission and bytes-in-flight suppression (§6 D, E, H5a, §7.3)", () => {
  const r = run([...HANDSHAKE,
    data("c2s", C + 1, S + 1, 100),          // 4
    data("c2s", C + 201, S + 1, 100),        // 5: 1201 > nextseq 1101 → LOST; BiF off for the client
    pureAck("s2c", S + 1, C + 101),          // 6: ack changes → lastnondupack = 6
    data("c2s", C + 301, S + 1, 100),        // 7: BiF back on (frame 6 had ACK): span 1001…1401 minus acked 1001…1101 = 300? see below
    pureAck("s2c", S + 1, C + 101),          // 8: dup #1 of 6
    pureAck("s2c", S + 1, C + 101),          // 9: dup #2
    pureAck("s2c", S + 1, C + 101),          // 10: dup #3
    data("c2s", C + 101, S + 1, 100),        // 11: fast retransmission (≥2 dup ACKs, ack = seq, 1 ms later)
  ]);
  assert.equal(r[4]!.flags, A_LOST_SEGMENT);
  assert.equal(r[4]!.bif, 0);   // suppressed on the lost packet itself
  // Frame 6 acked frame 4 (exact end 1101) and removed it; list = {5: 1201–1301, 7: 1301–1401} → 200.
  assert.equal(r[6]!.bif, 200);
  assert.deepEqual(r.slice(7, 10).map((x) => [x.flags, x.dupNum, x.dupFrame]),
    [[A_DUPLICATE_ACK, 1, 6], [A_DUPLICATE_ACK, 2, 6], [A_DUPLICATE_ACK, 3, 6]]);
  assert.equal(r[10]!.flags, A_FAST_RETRANSMISSION);
  assert.deepEqual(r[10]!.why[0], { flag: "tcp.analysis.fast_retransmission", id: "fast_retransmission",
    rule: r[10]!.why[0]!.rule, seq: 101, nextseq: 401, peerDupAckNum: 3, sincePeerAckNs: 1 * MS, thresholdNs: 20 * MS });
  // List {11: 1101–1201, 5, 7}: span 1101…1401 = 300.
  assert.equal(r[10]!.bif, 300);
});

test("fast retransmission too late degrades to retransmission (§6.2: 20 ms window)", () => {
  const base = [...HANDSHAKE, data("c2s", C + 1, S + 1, 100), data("c2s", C + 101, S + 1, 100),
    pureAck("s2c", S + 1, C + 1), pureAck("s2c", S + 1, C + 1), pureAck("s2c", S + 1, C + 1)];
  const late = run([...base, data("c2s", C + 1, S + 1, 100, { ms: 7 + 25 })]);
  assert.equal(late[8]!.flags, A_RETRANSMISSION);
});

test("out-of-order: below nextseq within the iRTT of the segment that raised it (§6 H5b)", () => {
  // iRTT = 2 ms. Frame 5 raises nextseq at 4 ms; frame 6 at 5 ms fills the hole: 1 ms < 2 ms, and
  // nextseq 1301 ≠ 1101 + 100 → OOO. With pref fastrt_supersedes_ooo the order changes nothing here.
  const segs = [...HANDSHAKE, data("c2s", C + 1, S + 1, 100), data("c2s", C + 201, S + 1, 100),
    data("c2s", C + 101, S + 1, 100)];
  const r = run(segs);
  assert.equal(r[5]!.flags, A_OUT_OF_ORDER);
  // An exact re-send of the last segment is never OOO: seq + len = nextseq → RETRANS.
  const resend = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 100), data("c2s", C + 1, S + 1, 100)]);
  assert.equal(resend[4]!.flags, A_RETRANSMISSION);
});

test("precedence pref: fast retransmission vs out-of-order (§13 tcp.fastrt_supersedes_ooo)", () => {
  // Two dup ACKs asking for 1101 and the retransmission within both 20 ms and the 3 ms default OOO
  // threshold (no handshake → no iRTT): TRUE → fast, FALSE → OOO.
  const segs: Seg[] = [data("c2s", C + 1, S + 1, 100, { ms: 0 }), data("c2s", C + 201, S + 1, 100, { ms: 1 }),
    pureAck("s2c", S + 1, C + 101, { ms: 1.2 }), pureAck("s2c", S + 1, C + 101, { ms: 1.4 }),
    pureAck("s2c", S + 1, C + 101, { ms: 1.6 }), data("c2s", C + 101, S + 1, 100, { ms: 2 })];
  assert.equal(run(segs)[5]!.flags, A_FAST_RETRANSMISSION);
  assert.equal(run(segs, { fastRetransmissionSupersedesOoo: false })[5]!.flags, A_OUT_OF_ORDER);
});

test("keep-alive, keep-alive ACK, and a repeated keep-alive ACK instead of a dup ACK (§6 D2, D5)", () => {
  const r = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 10), pureAck("s2c", S + 1, C + 11),
    pureAck("c2s", C + 10, S + 1),   // 6: seq = nextseq − 1, len 0 → KA
    pureAck("s2c", S + 1, C + 11),   // 7: same ack and window, peer's last was KA → KA_ACK
    pureAck("s2c", S + 1, C + 11),   // 8: still KA_ACK (peer's lastsegmentflags unchanged)
    data("c2s", C + 10, S + 1, 1),   // 9: 1-byte keep-alive: KA, never a retransmission
  ]);
  assert.deepEqual([r[5]!.flags, r[6]!.flags, r[7]!.flags, r[8]!.flags],
    [A_KEEP_ALIVE, A_KEEP_ALIVE_ACK, A_KEEP_ALIVE_ACK, A_KEEP_ALIVE]);
  // The 1-byte keep-alive is stored: bytes in flight 1.
  assert.equal(r[8]!.bif, 1);
});

test("zero window, zero-window probe and probe ACK, window update from 0 (§6 B, C, D6, D3)", () => {
  const r = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 10),
    pureAck("s2c", S + 1, C + 11, { win: 0 }),   // 5: ZERO_WINDOW
    data("c2s", C + 11, S + 1, 1),               // 6: 1 byte at nextseq, peer window 0 → ZWP only
    pureAck("s2c", S + 1, C + 11, { win: 0 }),   // 7: ZERO_WINDOW + ZWP_ACK
    pureAck("s2c", S + 1, C + 11, { win: 1000 }), // 8: WINDOW_UPDATE
  ]);
  assert.equal(r[4]!.flags, A_ZERO_WINDOW);
  assert.equal(r[5]!.flags, A_ZERO_WINDOW_PROBE);
  assert.equal(r[6]!.flags, A_ZERO_WINDOW | A_ZERO_WINDOW_PROBE_ACK);
  assert.equal(r[7]!.flags, A_WINDOW_UPDATE);
  // The probe did not advance nextseq (still 1011): data at 1011 is neither lost nor a retransmission,
  // and the stored probe byte still counts in flight: span 1011…1021 = 10.
  const after = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 10), pureAck("s2c", S + 1, C + 11, { win: 0 }),
    data("c2s", C + 11, S + 1, 1), pureAck("s2c", S + 1, C + 11, { win: 1000 }), data("c2s", C + 11, S + 1, 10)]);
  assert.deepEqual([after[7]!.flags, after[7]!.bif], [0, 10]);
});

test("window full: exact right edge with a known peer scale; not when it overshoots (§6 D4)", () => {
  // Server's first non-SYN ACK repeats ack 1001 with window 100: a window update (winfull frame 4),
  // and clears the server's is_first_ack. Client data 1001 + 100 = 1101 = 1001 + (100 << 0) → FULL.
  const r = run([...HANDSHAKE, pureAck("s2c", S + 1, C + 1, { win: 100 }), data("c2s", C + 1, S + 1, 100)]);
  assert.equal(r[3]!.flags, A_WINDOW_UPDATE);
  assert.equal(r[4]!.flags, A_WINDOW_FULL);
  assert.deepEqual(r[4]!.why[0], { flag: "tcp.analysis.window_full", id: "window_full", rule: r[4]!.why[0]!.rule,
    seq: 1, seglen: 100, peerAck: 1, peerWindow: 100, peerShift: 0 });
  const over = run([...HANDSHAKE, pureAck("s2c", S + 1, C + 1, { win: 100 }), data("c2s", C + 1, S + 1, 101)]);
  assert.equal(over[4]!.flags, 0);
  // Mid-stream (peer scale unknown): never flagged.
  const mid = run([pureAck("s2c", S + 1, C + 1, { win: 100 }), data("c2s", C + 1, S + 1, 100)]);
  assert.equal(mid[1]!.flags & A_WINDOW_FULL, 0);
});

test("dup ACK counter survives a window update and data with the same ack; reset by an ack change (§6.2)", () => {
  const r = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 10), pureAck("s2c", S + 1, C + 11),
    pureAck("s2c", S + 1, C + 11),                 // 6: dup #1 of 5
    pureAck("s2c", S + 1, C + 11, { win: 1000 }),  // 7: window update, counter stays 1
    pureAck("s2c", S + 1, C + 11, { win: 1000 }),  // 8: dup #2 of 5
    data("s2c", S + 1, C + 11, 5, { win: 1000 }),  // 9: data, same ack: no reset
    pureAck("s2c", S + 6, C + 11, { win: 1000 }),  // 10: dup #3 of 5
  ]);
  assert.deepEqual([r[5], r[6], r[7], r[9]].map((x) => [x!.flags, x!.dupNum, x!.dupFrame]),
    [[A_DUPLICATE_ACK, 1, 5], [A_WINDOW_UPDATE, 0, 0], [A_DUPLICATE_ACK, 2, 5], [A_DUPLICATE_ACK, 3, 5]]);
});

test("ACKed unseen segment with the peer's dup-ACK counter suppression (§6 G)", () => {
  // Mid-stream: client data 1001–1101, server ACKs 1201 (beyond): maxseqtobeacked 1101 = nextseq → flag
  // only if the client's dupacknum is 0 (it is), then it becomes all-ones; the next such ACK is silent.
  const r = run([data("c2s", C + 1, S + 1, 100), pureAck("s2c", S + 1, C + 201), pureAck("s2c", S + 1, C + 201)]);
  assert.equal(r[1]!.flags, A_ACK_LOST_SEGMENT);
  assert.equal(r[2]!.flags & A_ACK_LOST_SEGMENT, 0);
  assert.ok(r[2]!.analysis, "record created by step G even without a flag");
  // Mid-stream bases: first data shows Seq=1 (base = seq − 1), the server's ack shows 201.
  assert.deepEqual([r[0]!.seq, r[1]!.ack], [1, 201]);
});

test("port reuse: a new ISN starts a new stream with completeness 1; the same ISN is a retransmission (§2.2)", () => {
  const r = run([...HANDSHAKE,
    { dir: "c2s", seq: C + 1, ack: S + 1, flags: FIN | ACK, win: 65535, len: 0 },
    { dir: "s2c", seq: S + 1, ack: C + 2, flags: FIN | ACK, win: 65535, len: 0 },
    pureAck("c2s", C + 2, S + 2),
    { ...SYN_SEG, seq: 77777, ms: 100 },  // 7: new stream 1, REUSED, shown completeness 1
    { ...SYN_SEG, seq: 77777, ms: 1100 }, // 8: same ISN → RETRANS, rto 1 s from frame 7
  ]);
  assert.deepEqual([r[6]!.stream, r[6]!.completeness, r[6]!.flags, r[6]!.relNs], [1, 1, A_REUSED_PORTS, 0]);
  assert.deepEqual([r[7]!.stream, r[7]!.flags, r[7]!.rtoNs, r[7]!.rtoFrame], [1, A_RETRANSMISSION, 1000 * MS, 7]);
  // Completeness of stream 0 before its last ACK: 1|2|4|16 = 23.
  assert.equal(r[5]!.completeness, 23);
});

test("SYN-ACK with another ISN: same stream, base reset, REUSED (+LOST) (§2.3)", () => {
  const r = run([...HANDSHAKE, { ...SYNACK_SEG, seq: S + 100 }]);
  assert.equal(r[3]!.stream, 0);
  assert.equal(r[3]!.seq, 0);
  assert.equal(r[3]!.flags, A_REUSED_PORTS | A_LOST_SEGMENT);
});

test("streams number in order of first appearance; FIN/RST never split (§2.1)", () => {
  const r = run([{ ...SYN_SEG, cport: 40000 }, { ...SYN_SEG, cport: 40001 },
    { ...SYNACK_SEG, cport: 40000 }, { dir: "s2c", seq: S, ack: C + 1, flags: RST | ACK, win: 0, len: 0, cport: 40001 },
    pureAck("c2s", C + 1, S + 1, { cport: 40001 })]);
  assert.deepEqual(r.map((x) => x.stream), [0, 1, 0, 1, 1]);
});

test("wrap-around: relative numbers across 2^32 and the ISN 0xFFFFFFFF dup-ACK artefact (§3, §4.2)", () => {
  const cIsn = 0xffff_ffe0, sIsn = 0xffff_ffff;
  const r = run([{ ...SYN_SEG, seq: cIsn }, { ...SYNACK_SEG, seq: sIsn, ack: cIsn + 1 },
    pureAck("c2s", cIsn + 1, 0), data("c2s", cIsn + 1, 0, 64)]);
  // Handshake ACK carries ack 0 = the SYN's zero ack field with the same window and seq = nextseq
  // → "Dup ACK 0#1" (0 means unknown, spec §3).
  assert.deepEqual([r[2]!.flags, r[2]!.dupNum, r[2]!.dupFrame], [A_DUPLICATE_ACK, 1, 0]);
  // Data 0xFFFFFFE1 + 64 crosses 2^32: Seq=1, nxtseq=65, no flags.
  assert.deepEqual([r[3]!.seq, r[3]!.nxtseq, r[3]!.flags, r[3]!.bif], [1, 65, 0, 64]);
});

test("bytes in flight minus the peer's first three SACK blocks; push bytes (§7.3, §7.4)", () => {
  const r = run([...HANDSHAKE,
    data("c2s", C + 1, S + 1, 100, { flags: ACK }),   // 4: 100, push 100
    data("c2s", C + 101, S + 1, 100, { flags: ACK }), // 5: 200, push 200
    data("c2s", C + 201, S + 1, 100),                 // 6: 300, PSH → push 300
    pureAck("s2c", S + 1, C + 1, { sack: [[C + 101, C + 201], [C + 301, C + 302], [C + 401, C + 402], [C + 501, C + 601]] }),
    data("c2s", C + 301, S + 1, 100, { flags: ACK }), // 8: span 400 − (100 + 1 + 1), 4th block ignored; push restarts: 100
  ]);
  assert.deepEqual(r.slice(3, 6).map((x) => [x.bif, x.push]), [[100, 100], [200, 200], [300, 300]]);
  assert.deepEqual([r[7]!.bif, r[7]!.push], [298, 100]);
});

test("bogus header: state updated, output lost; truncated options: same (§11.1, §12.2)", () => {
  const r = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 50, { bogus: true }), data("c2s", C + 1, S + 1, 50)]);
  assert.deepEqual([r[3]!.analysis, r[3]!.win, r[3]!.nxtseq, r[3]!.seq, r[3]!.seglen], [false, undefined, undefined, 1, 50]);
  // The phantom bytes entered nextseq: the next copy is a retransmission.
  assert.equal(r[4]!.flags, A_RETRANSMISSION);
  const t = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 50), data("c2s", C + 1, S + 1, 50, { truncated: true, ms: 300 }),
    pureAck("s2c", S + 1, C + 51)]);
  assert.equal(t[4]!.analysis, false);
  assert.equal(t[4]!.flags, 0);
  // The later ACK still acks the original (frame 4): state was updated, the oldest match wins.
  assert.equal(t[5]!.acksFrame, 4);
});

test("ICMP-quoted header: consumes a stream and sets completeness bit 1, no analysis (§2.1, §9)", () => {
  const r = run([{ ...SYN_SEG, quoted: true }, { ...SYN_SEG, ms: 1001 }]);
  assert.deepEqual([r[0]!.stream, r[0]!.seglen, r[0]!.nxtseq, r[0]!.seq], [0, -1, undefined, C]);
  // Not a port reuse: the quoted header set no base.
  assert.deepEqual([r[1]!.stream, r[1]!.completeness, r[1]!.flags, r[1]!.seq], [0, 1, 0, 0]);
});

test("prefs: no analysis → raw numbers and no analysis; no BiF tracking → fewer records (§13)", () => {
  const off = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 10)], { analyzeSequenceNumbers: false });
  assert.deepEqual([off[3]!.seq, off[3]!.ack, off[3]!.nxtseq, off[3]!.analysis, off[3]!.scale], [C + 1, S + 1, C + 11, false, -2]);
  const nobif = run([...HANDSHAKE, data("c2s", C + 1, S + 1, 10)], { trackBytesInFlight: false });
  assert.equal(nobif[3]!.analysis, false);
  const raw = run([...HANDSHAKE], { relativeSequenceNumbers: false });
  assert.deepEqual([raw[2]!.seq, raw[2]!.ack, raw[2]!.acksFrame], [C + 1, S + 1, 2]);
});
