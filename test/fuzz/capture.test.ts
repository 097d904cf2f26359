import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { CaptureFileError } from "../../src/capture/index.js";
import { CAPTURES, corpusFiles, readChunked, summary } from "../capture/helpers.js";

// Bounded: a few runs per corpus file, a few seconds in all. Seeded so a failure reproduces.
const FILES = corpusFiles().map((f) => ({ file: f, bytes: new Uint8Array(readFileSync(join(CAPTURES, f))) }));
const RUNS_PER_FILE = 3;

/** Reads and checks the one thing that must always hold: no exception other than a file-level refusal. */
function survive(bytes: Uint8Array, chunk: number): ReturnType<typeof readChunked> {
  const r = readChunked(bytes, chunk);
  assert.ok(r.refused === undefined || r.refused instanceof CaptureFileError);
  assert.ok(!r.problems.some((p) => p.code === "internal_error"), r.problems.map((p) => p.message).join("; "));
  for (const rec of r.records) {
    assert.equal(rec.bytes.length, rec.capturedLength);
    assert.ok(Number.isInteger(rec.tsSec) && rec.tsNsec >= 0 && rec.tsNsec < 1e9, `time ${rec.tsSec}.${rec.tsNsec}`);
  }
  return r;
}

test("fuzz: a truncated corpus file yields a prefix of the full file's records, then at most a cut problem", () => {
  for (const [i, { file, bytes }] of FILES.entries()) {
    const full = readChunked(bytes);
    const want = full.records.map(summary);
    fc.assert(fc.property(fc.nat({ max: bytes.length }), fc.constantFrom(0, 7, 4096), (cut, chunk) => {
      const r = survive(bytes.subarray(0, cut), chunk);
      if (r.refused !== undefined) return;
      const got = r.records.map(summary);
      assert.deepEqual(got, want.slice(0, got.length), `${file} cut at ${cut}`);
      if (r.fatal !== undefined && full.fatal?.code !== r.fatal.code) {
        assert.match(r.fatal.code, /truncated/, `${file} cut at ${cut}: ${r.fatal.message}`);
      }
    }), { numRuns: RUNS_PER_FILE, seed: 4000 + i });
  }
});

test("fuzz: bit flips anywhere (often in headers) never throw, and chunking does not change the result", () => {
  for (const [i, { file, bytes }] of FILES.entries()) {
    if (bytes.length === 0) continue;
    const flip = fc.tuple(fc.oneof(fc.nat({ max: Math.min(bytes.length - 1, 255) }), fc.nat({ max: bytes.length - 1 })),
      fc.integer({ min: 0, max: 7 }));
    fc.assert(fc.property(fc.array(flip, { minLength: 1, maxLength: 8 }), fc.constantFrom(1, 7, 4096), (flips, chunk) => {
      const damaged = bytes.slice();
      for (const [at, bit] of flips) damaged[at]! ^= 1 << bit;
      const whole = survive(damaged, 0);
      if (damaged.length > 200_000 && chunk === 1) return; // 1-byte feeding of big files: covered in corpus tests
      const parts = survive(damaged, chunk);
      assert.deepEqual(parts.records.map(summary), whole.records.map(summary), `${file} flips ${JSON.stringify(flips)}`);
      assert.equal(parts.fatal?.message, whole.fatal?.message);
      assert.equal(parts.refused?.code, whole.refused?.code);
    }), { numRuns: RUNS_PER_FILE, seed: 9000 + i });
  }
});

test("fuzz: arbitrary bytes behind a valid pcap or pcapng magic never throw anything but a refusal", () => {
  const heads = [
    Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0),
    Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0, 1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0),
  ];
  fc.assert(fc.property(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 512 }), fc.constantFrom(1, 7, 0), (head, tail, chunk) => {
    const bytes = new Uint8Array(head.length + tail.length);
    bytes.set(head); bytes.set(tail, head.length);
    survive(bytes, chunk);
  }), { numRuns: 300, seed: 77 });
});
