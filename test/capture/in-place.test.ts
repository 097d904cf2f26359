import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CaptureFileError, CaptureParser, newRecord } from "../../src/capture/index.js";
import { CAPTURES, corpusFiles, readChunked, summary } from "./helpers.js";

/** Every record read with nextInPlace(), its bytes taken from source/sourceOffset, as summary lines. */
function inPlace(bytes: Uint8Array, size: number): { lines: string[]; empty: boolean; fatal: string | undefined } {
  const p = new CaptureParser();
  const rec = newRecord();
  const lines: string[] = [];
  let empty = true;
  const take = (): void => {
    empty &&= rec.bytes.length === 0;
    const b = p.source.subarray(p.sourceOffset, p.sourceOffset + rec.capturedLength);
    lines.push(summary({ ...rec, bytes: b }));
  };
  try {
    for (let i = 0; i < bytes.length && !p.done; i += size) {
      p.push(bytes.subarray(i, i + size));
      while (p.nextInPlace(rec)) take();
    }
    p.end();
    while (p.nextInPlace(rec)) take();
  } catch (err) {
    if (!(err instanceof CaptureFileError)) throw err;
  }
  return { lines, empty, fatal: p.fatal?.message };
}

test("nextInPlace: source/sourceOffset give every record's bytes, in the chunk or the carry buffer; no view is made", () => {
  const wrong: string[] = [];
  let records = 0;
  for (const file of corpusFiles()) {
    const bytes = readFileSync(join(CAPTURES, file));
    const whole = readChunked(bytes);
    const want = whole.records.map(summary).join("\n");
    for (const size of [61, 1 << 20]) {
      const got = inPlace(bytes, size);
      records += got.lines.length;
      if (got.lines.join("\n") !== want) wrong.push(`${file} @${size}: records differ`);
      if (!got.empty) wrong.push(`${file} @${size}: rec.bytes was set`);
      if (got.fatal !== whole.fatal?.message) wrong.push(`${file} @${size}: fatal ${got.fatal} / ${whole.fatal?.message}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(records > 1000);
});

test("nextInPlace and next() can be mixed: next() still gives a view of the record", () => {
  const file = corpusFiles().find((f) => !f.startsWith("malformed/") && f.endsWith(".pcap"))!;
  const bytes = readFileSync(join(CAPTURES, file));
  const whole = readChunked(bytes).records;
  const p = new CaptureParser();
  const rec = newRecord();
  p.push(bytes);
  p.end();
  for (let i = 0; i < whole.length; i++) {
    assert.ok(i % 2 === 0 ? p.next(rec) : p.nextInPlace(rec));
    const b = i % 2 === 0 ? rec.bytes : p.source.subarray(p.sourceOffset, p.sourceOffset + rec.capturedLength);
    assert.deepEqual(b, whole[i]!.bytes);
  }
  assert.equal(p.next(rec), false);
});
