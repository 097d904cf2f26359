/** ConversationTable (bucket array, generations chained per bucket) against a plain Map model:
 *  thousands of endpoint pairs, IPv4 and IPv6, created, replaced (port reuse), closed and
 *  forgotten past a small closed cap, in random order; after every batch of operations every
 *  pair is looked up in both directions. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConversationTable } from "../../src/analysis/conversation.js";
import { newSegment, type TcpSegment } from "../../src/analysis/index.js";

const PAIRS = 6000;

/** Fills `s` with endpoint pair `p`, sent by its first endpoint (or by the second, `reverse`). */
function pair(s: TcpSegment, p: number, reverse: boolean): void {
  const v6 = p % 4 === 3;
  s.family = v6 ? 6 : 4;
  s.srcAddr.fill(0); s.dstAddr.fill(0);
  const a = s.srcAddr, b = s.dstAddr;
  const client = 0x0a000000 + (p % 97), server = 0xc0a80001 + (p % 5);
  if (v6) { a[0] = 0x20010db8; a[3] = client; b[0] = 0x20010db8; b[3] = server; } else { a[0] = client; b[0] = server; }
  s.srcPort = 1024 + Math.floor(p / 97); s.dstPort = 80 + (p % 3);
  if (reverse) {
    const t = Uint32Array.from(a); a.set(b); b.set(t);
    const port = s.srcPort; s.srcPort = s.dstPort; s.dstPort = port;
  }
}

/** A tiny deterministic generator (the seed comes from fast-check). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

function check(table: ConversationTable, model: Map<number, number>, s: TcpSegment): void {
  for (let p = 0; p < PAIRS; p++) {
    for (const reverse of [false, true]) {
      pair(s, p, reverse);
      const c = table.find(s);
      assert.equal(c?.stream, model.get(p), `pair ${p} reverse ${reverse}`);
      if (c !== undefined) assert.equal(table.foundFromA, !reverse, `pair ${p} direction`);
    }
  }
  assert.equal(table.size, model.size);
}

test("conversation table: finds what a Map model holds through creates, port reuse, closes and forgetting", () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 0x7fff_ffff }), (seed) => {
    const random = rng(seed);
    const maxClosed = 300;
    const table = new ConversationTable(maxClosed);
    const model = new Map<number, number>();
    const closedQueue: Array<[number, number]> = [];
    const s = newSegment();
    for (let batch = 0; batch < 6; batch++) {
      for (let op = 0; op < 2500; op++) {
        const p = Math.floor(random() * PAIRS);
        pair(s, p, false);
        const c = table.find(s);
        if (c === undefined || random() < 0.1) {
          // New pair, or port reuse: a new generation replaces the current one.
          const n = table.create(s, table.foundHash, 1000, 0);
          model.set(p, n.stream);
        } else if (!c.closed && random() < 0.5) {
          table.markClosed(c);
          closedQueue.push([p, c.stream]);
          while (closedQueue.length > maxClosed) {
            const [q, stream] = closedQueue.shift()!;
            if (model.get(q) === stream) model.delete(q);
          }
        }
      }
      check(table, model, s);
    }
  }), { numRuns: 4 });
});
