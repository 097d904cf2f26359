/** Property (fast-check): an in-order connection whose ISNs sit anywhere, near 2^32 included,
 *  shows relative numbers that are the running byte count, raises no loss/retransmission flag,
 *  and its summary counts every byte once. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { A_ANY_RETRANSMISSION, A_LOST_SEGMENT, ACK, ConversationSummaries, newSegment, PSH, SYN, TcpAnalyzer } from "../../src/analysis/index.js";
import { fill } from "./helpers.js";

test("property: seq wrap-around at 2^32 keeps relative numbers, flags and byte counts right", () => {
  const isnArb = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0xffff_f000, max: 0xffff_ffff }));
  fc.assert(fc.property(isnArb, isnArb, fc.array(fc.integer({ min: 1, max: 1460 }), { minLength: 1, maxLength: 40 }), (ci, si, sizes) => {
    const a = new TcpAnalyzer(), s = newSegment(), col = new ConversationSummaries();
    let frame = 0;
    const feed = (d: Parameters<typeof fill>[1]) => { fill(s, d, ++frame, frame); const r = a.observe(s); col.observe(s, r); return r; };
    feed({ dir: "c2s", seq: ci, ack: 0, flags: SYN, len: 0 });
    feed({ dir: "s2c", seq: si, ack: (ci + 1) >>> 0, flags: SYN | ACK, len: 0 });
    feed({ dir: "c2s", seq: (ci + 1) >>> 0, ack: (si + 1) >>> 0, flags: ACK, len: 0 });
    let sent = 0;
    for (const n of sizes) {
      const r = feed({ dir: "c2s", seq: (ci + 1 + sent) >>> 0, ack: (si + 1) >>> 0, flags: PSH | ACK, len: n });
      assert.equal(r.seq, 1 + sent);
      assert.equal(r.nxtseq, 1 + sent + n);
      assert.equal(r.flags & (A_ANY_RETRANSMISSION | A_LOST_SEGMENT), 0);
      assert.equal(r.bytesInFlight, n); // everything earlier was acked
      sent += n;
      // Each segment is acked exactly: the ACK names its frame and shows the running count.
      const ack = feed({ dir: "s2c", seq: (si + 1) >>> 0, ack: (ci + 1 + sent) >>> 0, flags: ACK, len: 0 });
      assert.equal(ack.ack, 1 + sent);
      assert.equal(ack.acksFrame, frame - 1);
      assert.equal(ack.flags, 0);
    }
    const x = col.get(0)!;
    assert.deepEqual([x.clientToServer.payloadBytes, x.clientToServer.payloadBytesNoRetrans, x.end], [sent, sent, "open"]);
  }), { numRuns: 500 });
});
