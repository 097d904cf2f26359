/** Why and why-not: the replay probe's verdicts agree with the engine on every probe capture and
 *  on random sequences; per flag, the rule id, the failing condition and the compared numbers. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  ACK, type AnalysisFlagField, derivedTraces, FIN, formatWhy, firstFailed, FrameProbe, newSegment, probeChecks,
  PSH, RST, SYN, TcpAnalyzer, type WhyTrace,
} from "../../src/analysis/index.js";
import { segmentFromDecoded } from "../../src/analysis/from-decoded.js";
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { sharedDir } from "../support/paths.js";
import { C_ISN, fill, HANDSHAKE, S_ISN, type Seg } from "./helpers.js";

const C = C_ISN, S = S_ISN;
const data = (dir: "c2s" | "s2c", seq: number, ack: number, len: number, extra: Partial<Seg> = {}): Seg =>
  ({ dir, seq, ack, flags: PSH | ACK, win: 65535, len, ...extra });
const pureAck = (dir: "c2s" | "s2c", seq: number, ack: number, extra: Partial<Seg> = {}): Seg =>
  ({ dir, seq, ack, flags: ACK, win: 65535, len: 0, ...extra });

/** Probe every frame of a hand-made sequence; returns the probe. */
function probe(segs: Seg[], opts = {}): FrameProbe {
  const p = new FrameProbe(new TcpAnalyzer(opts), segs.map((_, i) => i + 1));
  const s = newSegment();
  let ms = 0;
  segs.forEach((d, i) => { ms = d.ms ?? (i === 0 ? 0 : ms + 1); fill(s, d, i + 1, ms); p.observe(s); });
  return p;
}
const fired = (p: FrameProbe, frame: number, field: AnalysisFlagField): WhyTrace => {
  const t = p.checks(frame)!.get(field)!;
  assert.ok(t.fired, `${field} should fire on frame ${frame}: ${formatWhy(t)}`);
  return t;
};
const notFired = (p: FrameProbe, frame: number, field: AnalysisFlagField, failed: string): WhyTrace => {
  const t = p.whyNot(frame, field);
  assert.ok(t !== undefined, `${field} fired on frame ${frame}`);
  assert.equal(t.skipped ?? firstFailed(t)?.id, failed, formatWhy(t));
  return t;
};

suite("agreement with the engine", () => {
  test("probe captures: the probe's flags equal the engine's on every TCP header", async () => {
    const dir = join(sharedDir(), "spec", "probes", "captures");
    let headers = 0, withFlags = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".pcap")).sort()) {
      const decoder = new FrameDecoder(), frame = new DecodedFrame(), s = newSegment(), a = new TcpAnalyzer();
      for await (const rec of readCapture(openCaptureFile(join(dir, name))).records()) {
        decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
        for (let i = 0; i < frame.tcpCount; i++) {
          if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, s)) continue;
          const checks = probeChecks(a, s);
          const r = a.observe(s);
          headers++;
          // Output lost to a bogus header or truncated options (spec §11.1, §12.2): flags not shown.
          if (r.outputSuppressed || s.headerBogus) continue;
          assert.equal(checks.flags, r.flags, `${name} frame ${rec.index}: ${checks.fired().map(formatWhy).join("; ")}`);
          for (const t of checks.traces) assert.equal(t.fired, t.skipped === undefined && t.conditions.every((c) => c.ok));
          if (r.flags !== 0) withFlags++;
        }
      }
    }
    assert.ok(headers > 200 && withFlags > 50, `${headers} headers, ${withFlags} with flags`);
  });

  test("random segment sequences: probe and engine agree, traces format without throwing", () => {
    const segArb = fc.record({
      dir: fc.constantFrom<"c2s" | "s2c">("c2s", "s2c"),
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0xffff_ff00, max: 0xffff_ffff }),
        fc.integer({ min: 990, max: 1300 })),
      ack: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 4990, max: 5300 })),
      flags: fc.oneof(fc.constantFrom(ACK, PSH | ACK, SYN, SYN | ACK, FIN | ACK, RST), fc.integer({ min: 0, max: 0xfff })),
      win: fc.oneof(fc.constant(0), fc.constant(65535), fc.integer({ min: 0, max: 0xffff })),
      len: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 300 })),
      ms: fc.integer({ min: 0, max: 100 }),
      ws: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 15 })),
      quoted: fc.boolean(),
      cport: fc.constantFrom(1, 2),
    }, { requiredKeys: ["dir", "seq", "ack", "flags"] });
    fc.assert(fc.property(fc.array(segArb, { maxLength: 50 }), fc.boolean(), (segs, fastFirst) => {
      const a = new TcpAnalyzer({ fastRetransmissionSupersedesOoo: fastFirst });
      const s = newSegment();
      segs.forEach((d, i) => {
        fill(s, d, i + 1, d.ms ?? i);
        const checks = probeChecks(a, s);
        const r = a.observe(s);
        if (!r.outputSuppressed && !s.headerBogus) assert.equal(checks.flags, r.flags, `frame ${i + 1}`);
        for (const t of checks.traces) assert.equal(typeof formatWhy(t), "string");
        for (const t of derivedTraces(r)) assert.equal(typeof formatWhy(t), "string");
      });
    }), { numRuns: 300 });
  });
});

suite("why each flag fired, with the compared numbers", () => {
  test("duplicate ACK: number, frame, ack relative and raw, window", () => {
    // Spec §17 dupack_fastrt shape: data 1, 101 (hole at 101..201 lost), three dup ACKs of 101.
    const segs = [...HANDSHAKE, data("c2s", C + 1, S + 1, 100), data("c2s", C + 201, S + 1, 100),
      pureAck("s2c", S + 1, C + 101), pureAck("s2c", S + 1, C + 101), pureAck("s2c", S + 1, C + 101),
      pureAck("s2c", S + 1, C + 101), data("c2s", C + 101, S + 1, 100)];
    const p = probe(segs);
    const t = fired(p, 8, "tcp.analysis.duplicate_ack");
    assert.deepEqual([t.id, t.values.dupAckNum, t.values.dupAckFrame, t.values.ack, t.values.ackRaw, t.values.window],
      ["duplicate_ack", 2, 6, 101, C + 101, 65535]);
    assert.match(formatWhy(t), /^duplicate ACK #2 of frame 6: same ack 101 \(raw 1101\)/);
    const fr = fired(p, 10, "tcp.analysis.fast_retransmission");
    assert.deepEqual([fr.values.peerDupAckNum, fr.values.seq, fr.values.nextseq], [3, 101, 301]);
    // Fast retransmission wins the family: plain retransmission is not tested after it.
    assert.match(p.checks(10)!.get("tcp.analysis.retransmission")!.skipped!, /fast retransmission already matched/);
    const lost = fired(p, 5, "tcp.analysis.lost_segment");
    assert.deepEqual([lost.values.seq, lost.values.nextseq], [201, 101]);
  });
  test("zero window, probe, probe ACK, window update, keep-alive, keep-alive ACK", () => {
    const p = probe([...HANDSHAKE, data("c2s", C + 1, S + 1, 10), pureAck("s2c", S + 1, C + 11, { win: 0 }),
      data("c2s", C + 11, S + 1, 1), pureAck("s2c", S + 1, C + 11, { win: 0 }), pureAck("s2c", S + 1, C + 11, { win: 1000 }),
      pureAck("c2s", C + 10, S + 1), pureAck("s2c", S + 1, C + 11, { win: 1000 })]);
    assert.equal(fired(p, 5, "tcp.analysis.zero_window").values.window, 0);
    assert.equal(fired(p, 6, "tcp.analysis.zero_window_probe").values.seq, 11);
    assert.equal(p.checks(6)!.get("tcp.analysis.zero_window")!.skipped?.startsWith("a zero-window probe ends"), true);
    fired(p, 7, "tcp.analysis.zero_window_probe_ack");
    const wu = fired(p, 8, "tcp.analysis.window_update");
    assert.deepEqual([wu.values.window, wu.values.previousWindow], [1000, 0]);
    fired(p, 9, "tcp.analysis.keep_alive");
    fired(p, 10, "tcp.analysis.keep_alive_ack");
    assert.match(p.checks(10)!.get("tcp.analysis.duplicate_ack")!.skipped!, /keep-alive ACK ends/);
  });
  test("window full: segment end equals the peer's ack + window << shift", () => {
    // Server window 100 (no WS: shift 0); the client sends exactly 100 bytes after the ACK 1.
    const p = probe([HANDSHAKE[0]!, { ...HANDSHAKE[1]!, win: 100 }, HANDSHAKE[2]!, pureAck("s2c", S + 1, C + 1, { win: 100 }),
      data("c2s", C + 1, S + 1, 100)]);
    const t = fired(p, 5, "tcp.analysis.window_full");
    assert.deepEqual([t.values.end, t.values.edge, t.values.peerWindow, t.values.peerShift], [101, 101, 100, 0]);
  });
  test("spurious, out-of-order, retransmission, ACKed unseen, reused ports", () => {
    const p = probe([...HANDSHAKE, data("c2s", C + 1, S + 1, 100), data("c2s", C + 201, S + 1, 100),
      data("c2s", C + 101, S + 1, 100), pureAck("s2c", S + 1, C + 301), data("c2s", C + 1, S + 1, 100, { ms: 500 }),
      pureAck("s2c", S + 1, C + 901)]);
    assert.deepEqual(fired(p, 6, "tcp.analysis.out_of_order").values.thresholdNs, 2_000_000);
    const sp = fired(p, 8, "tcp.analysis.spurious_retransmission");
    assert.deepEqual([sp.values.seq, sp.values.seglen, sp.values.peerAck], [1, 100, 301]);
    assert.equal(fired(p, 9, "tcp.analysis.ack_lost_segment").values.ack, 901);
    const r = probe([...HANDSHAKE, data("c2s", C + 1, S + 1, 10), data("c2s", C + 1, S + 1, 10, { ms: 400 })]);
    fired(r, 5, "tcp.analysis.retransmission");
    const reuse = probe([...HANDSHAKE, { ...HANDSHAKE[0]!, seq: 77777, ms: 50 }]);
    assert.deepEqual(fired(reuse, 4, "tcp.analysis.reused_ports").values, { seqRaw: 77777, baseRaw: C });
  });
});

suite("why not", () => {
  test("window full on a segment short of the edge: the edge comparison fails, with both numbers", () => {
    const p = probe([HANDSHAKE[0]!, { ...HANDSHAKE[1]!, win: 100 }, HANDSHAKE[2]!, data("c2s", C + 1, S + 1, 60)]);
    const t = notFired(p, 4, "tcp.analysis.window_full", "ends_at_edge");
    assert.deepEqual([t.values.end, t.values.endRaw, t.values.edge, t.values.edgeRaw], [61, C + 61, 101, C + 101]);
    assert.match(formatWhy(t), /^not window full: segment end 61 \(raw 1061\) ≠ peer's window edge 101 \(raw 1101\)/);
  });
  test("window full without the handshake: the peer's scale is unknown", () => {
    const p = probe([pureAck("s2c", S + 1, C + 1, { win: 100 }), data("c2s", C + 1, S + 1, 100)]);
    notFired(p, 2, "tcp.analysis.window_full", "peer_scale_known");
  });
  test("duplicate ACK: the window changed; the ack changed; data carried", () => {
    const base = [...HANDSHAKE, data("c2s", C + 1, S + 1, 100), pureAck("s2c", S + 1, C + 101)];
    notFired(probe([...base, pureAck("s2c", S + 1, C + 101, { win: 1000 })]), 6, "tcp.analysis.duplicate_ack", "same_window");
    notFired(probe([...base, pureAck("s2c", S + 1, C + 51)]), 6, "tcp.analysis.duplicate_ack", "same_ack");
    notFired(probe([...base, data("s2c", S + 1, C + 101, 5)]), 6, "tcp.analysis.duplicate_ack", "no_data");
  });
  test("retransmission family on new data: below_nextseq fails; keep-alive skips it; a pure ACK is never one", () => {
    const p = probe([...HANDSHAKE, data("c2s", C + 1, S + 1, 10), pureAck("c2s", C + 10, S + 1), pureAck("s2c", S + 1, C + 11)]);
    const t = notFired(p, 4, "tcp.analysis.retransmission", "below_nextseq");
    assert.deepEqual([t.values.seq, t.values.nextseq], [1, 1]);
    assert.match(p.whyNot(5, "tcp.analysis.retransmission")!.skipped!, /no data, SYN or FIN|keep-alive/);
    assert.match(p.whyNot(6, "tcp.analysis.retransmission")!.skipped!, /no data, SYN or FIN/);
  });
  test("fast retransmission too late: the 20 ms window failed (spec §17 ooo_fin_fastrt_late)", () => {
    const segs = [...HANDSHAKE, data("c2s", C + 1, S + 1, 100), data("c2s", C + 101, S + 1, 100),
      pureAck("s2c", S + 1, C + 1), pureAck("s2c", S + 1, C + 1), pureAck("s2c", S + 1, C + 1),
      data("c2s", C + 1, S + 1, 100, { ms: 7 + 25 })];
    const t = notFired(probe(segs), 9, "tcp.analysis.fast_retransmission", "recent");
    assert.deepEqual([t.values.sincePeerNs, t.values.thresholdNs], [25_000_000, 20_000_000]);
  });
  test("a short segment has no sequence analysis: every flag is skipped with the reason", () => {
    const p = probe([...HANDSHAKE, { ...data("c2s", C + 1, S + 1, 0), quoted: true }]);
    assert.match(p.whyNot(4, "tcp.analysis.lost_segment")!.skipped!, /segment length is unknown/);
  });
});

suite("derived numbers", () => {
  test("relative seq/ack with raw, nxtseq, scaled window, acks_frame and ack_rtt, iRTT, bytes in flight", () => {
    const segs = [{ ...HANDSHAKE[0]!, ws: 7 }, { ...HANDSHAKE[1]!, ws: 7 }, HANDSHAKE[2]!, data("c2s", C + 1, S + 1, 10, { win: 512 }),
      pureAck("s2c", S + 1, C + 11, { ms: 10 })];
    const p = probe(segs);
    const seq = p.why(4, "tcp.seq")!;
    assert.deepEqual([seq.id, seq.values.seq, seq.values.seqRaw, seq.values.base], ["relative_seq", 1, C + 1, C]);
    assert.deepEqual(p.why(4, "tcp.nxtseq")!.values, { nxtseq: 11, seq: 1, seglen: 10, synFin: 0 });
    assert.equal(p.why(1, "tcp.nxtseq")!.values.synFin, 1);
    assert.deepEqual(p.why(4, "tcp.window_size")!.values, { window: 65536, windowRaw: 512, factor: 128 });
    assert.equal(p.why(1, "tcp.window_size")!.conditions[0]!.text, "a SYN's window is never scaled");
    assert.deepEqual(p.why(4, "tcp.analysis.bytes_in_flight")!.values, { bytesInFlight: 10, pushBytesSent: 10 });
    const ack = p.why(5, "tcp.analysis.ack_rtt")!;
    assert.deepEqual([ack.values.acksFrame, ack.values.ackRttNs], [4, 7_000_000]);
    assert.equal(p.why(5, "tcp.ack")!.values.ackRaw, C + 11);
    assert.equal(p.why(5, "tcp.analysis.initial_rtt")!.values.initialRttNs, 2_000_000);
    assert.equal(formatWhy(ack), "ACKs frame 4 after 7.000 ms: ack 11 equals the end of the oldest unacked segment of the other direction, frame 4 (RFC 6298 §2)");
  });
  test("seq wrap-around at 2^32: relative numbers and the lost-segment comparison wrap", () => {
    const isn = 0xffff_ffe0;
    const p = probe([{ dir: "c2s", seq: isn, ack: 0, flags: SYN, len: 0 }, { dir: "s2c", seq: S, ack: isn + 1, flags: SYN | ACK, len: 0 },
      { dir: "c2s", seq: isn + 1, ack: S + 1, flags: ACK, len: 0 }, { dir: "c2s", seq: isn + 1, ack: S + 1, flags: PSH | ACK, len: 40 },
      { dir: "c2s", seq: (isn + 81) >>> 0, ack: S + 1, flags: PSH | ACK, len: 40 }]);
    assert.deepEqual(p.why(4, "tcp.nxtseq")!.values, { nxtseq: 41, seq: 1, seglen: 40, synFin: 0 });
    const lost = fired(p, 5, "tcp.analysis.lost_segment");
    assert.deepEqual([lost.values.seq, lost.values.seqRaw, lost.values.nextseq, lost.values.nextseqRaw],
      [81, (isn + 81) >>> 0, 41, (isn + 41) >>> 0]);
  });
});
