/** Property tests (fast-check): random segment sequences never throw, relative seq is raw seq
 *  minus a fixed per-flow base mod 2^32, and derived numbers stay in range. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { newSegment, TcpAnalyzer } from "../../src/analysis/index.js";
import { fill, type Seg } from "./helpers.js";

const segArb: fc.Arbitrary<Seg> = fc.record({
  dir: fc.constantFrom<"c2s" | "s2c">("c2s", "s2c"),
  seq: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0xffff_ff00, max: 0xffff_ffff }),
    fc.integer({ min: 0, max: 3000 })),
  ack: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 3000 })),
  flags: fc.integer({ min: 0, max: 0xfff }),
  win: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })),
  len: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 1500 })),
  ms: fc.integer({ min: 0, max: 100_000 }),
  ws: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 20 })),
  bogus: fc.boolean(), truncated: fc.boolean(), quoted: fc.boolean(),
  cport: fc.constantFrom(1, 2),
}, { requiredKeys: ["dir", "seq", "ack", "flags"] });

test("property: random sequences never throw; relative seq = raw − stable base; BiF in range", () => {
  fc.assert(fc.property(fc.array(segArb, { maxLength: 60 }), (segs) => {
    const a = new TcpAnalyzer();
    const s = newSegment();
    const bases = new Map<string, number>();
    segs.forEach((d, i) => {
      fill(s, d, i + 1, d.ms ?? i);
      const r = a.observe(s);
      // The base only changes through a SYN-ACK with another ISN (spec §2.3), quoted ones included.
      if ((s.flags & 0x12) === 0x12) bases.delete(`${r.stream}/${s.srcPort}`);
      if (r.relative) {
        const key = `${r.stream}/${s.srcPort}`;
        const base = (s.seqRaw - r.seq) >>> 0;
        assert.equal(r.seqBase, base);
        const prev = bases.get(key);
        if (prev !== undefined) assert.equal(base, prev, "base moved without a SYN-ACK");
        bases.set(key, base);
      }
      assert.ok(r.bytesInFlight >= 0 && r.bytesInFlight < 2_000_000_000);
      assert.ok(Number.isInteger(r.timeRelativeNs) && Number.isInteger(r.ackRttNs));
    });
  }), { numRuns: 300 });
});

test("property: memory follows connections — unacked lists stay within the cap", () => {
  const a = new TcpAnalyzer({}, { maxUnackedPerFlow: 50 });
  const s = newSegment();
  for (let i = 0; i < 500; i++) {
    fill(s, { dir: "c2s", seq: 1000 + i * 10, ack: 1, flags: 0x10, len: 10 }, i + 1, i);
    a.observe(s);
  }
  assert.equal(a.anomalies.unackedDropped, 450);
  assert.equal(a.conversationCount, 1);
});
