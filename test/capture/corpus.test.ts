import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readCapture, type CaptureRecord } from "../../src/capture/index.js";
import { CAPTURES, chunksOf, corpusFiles, epoch, readChunked, summary, type ReadResult } from "./helpers.js";
import { EXPECTED_FRAMES } from "./expected-frames.js";

const files = corpusFiles();
const cache = new Map<string, ReadResult>();
function read(file: string): ReadResult {
  let r = cache.get(file);
  if (r === undefined) { r = readChunked(readFileSync(join(CAPTURES, file))); cache.set(file, r); }
  return r;
}

/** tshark 4.0 prints an out-of-range sub-second field as it is, as a signed 32-bit nanosecond count
 *  (µs × 1000, wrapped), with a leading '-' when it is negative: the two such frames in the corpus
 *  (timestamp_invalid_nano.pcap frames 2 and 3) read "1418145370.1000000000" and "-1418145370.2147483648". */
function tsharkRawEpoch(sec: number, rawNs: number): string {
  const ns = rawNs | 0;
  return ns < 0 ? `-${sec}.${String(-ns).padStart(9, "0")}` : `${sec}.${String(ns).padStart(9, "0")}`;
}

test("corpus: the expected-frames table covers every capture of MANIFEST.tsv", () => {
  assert.deepEqual(EXPECTED_FRAMES.map((e) => e.file).sort(), [...files].sort());
});

test("corpus: we read the frames tshark 4.0.17 reads, stop where it stops, refuse what it refuses", () => {
  const wrong: string[] = [];
  let frames = 0, refused = 0, stopped = 0;
  for (const e of EXPECTED_FRAMES) {
    const r = read(e.file);
    const last = r.records.at(-1)?.index ?? 0;
    frames += r.records.length;
    if (e.status === 2 && e.frames === 0) {
      refused++;
      if (r.refused === undefined) wrong.push(`${e.file}: tshark refuses it, we read ${r.records.length} records`);
      else if (!/^[A-Z_]+$/.test(r.refused.code) || r.refused.message.includes("\n")) wrong.push(`${e.file}: ${r.refused.code}`);
      continue;
    }
    if (r.refused !== undefined) { wrong.push(`${e.file}: refused (${r.refused.message}), tshark reads ${e.frames}`); continue; }
    if (last !== e.frames) wrong.push(`${e.file}: last frame ${last}, tshark ${e.frames}`);
    if ((e.status !== 0) !== (r.fatal !== undefined)) {
      wrong.push(`${e.file}: tshark status ${e.status}, our fatal problem: ${r.fatal?.message ?? "none"}`);
    }
    if (r.fatal !== undefined) stopped++;
    if (r.problems.some((p) => p.code === "internal_error")) wrong.push(`${e.file}: internal error`);
  }
  assert.deepEqual(wrong, []);
  assert.equal(refused, 4);
  assert.equal(stopped, 2);
  assert.ok(frames > 13_000, `${frames} frames`);
});

test("corpus: frame.time_epoch of every frame in every .tshark.tsv equals our tsSec.tsNsec", () => {
  const wrong: string[] = [];
  let checked = 0, raw = 0;
  for (const file of files) {
    const tsv = readFileSync(join(CAPTURES, `${file}.tshark.tsv`), "utf8").split("\n").slice(1).filter((l) => l.length > 0);
    if (tsv.length === 0) continue;
    const r = read(file);
    const byIndex = new Map<number, CaptureRecord>(r.records.map((x) => [x.index, x]));
    for (const line of tsv) {
      const [num, want] = line.split("\t");
      const rec = byIndex.get(Number(num));
      checked++;
      if (rec === undefined) { wrong.push(`${file} frame ${num}: missing`); continue; }
      const bad = r.problems.find((p) => p.code === "pcap.bad_subsec" && p.record === rec.index);
      if (bad !== undefined) {
        // Our time is normalised; tshark prints the raw field. Check that the problem carries it.
        raw++;
        const rawNs = r.parser.info?.pcap?.nanos ? bad.value : bad.value * 1000;
        const sec = rec.tsSec - Math.floor(bad.value * (r.parser.info?.pcap?.nanos ? 1 : 1000) / 1e9);
        if (tsharkRawEpoch(sec, rawNs) !== want) wrong.push(`${file} frame ${num}: want ${want} raw ${tsharkRawEpoch(sec, rawNs)}`);
        continue;
      }
      if (epoch(rec) !== want) wrong.push(`${file} frame ${num}: want ${want} got ${epoch(rec)}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 10), []);
  assert.equal(raw, 2);
  assert.ok(checked >= 11_646, `${checked} timestamps checked`);
});

test("corpus: 1-byte, 7-byte and whole-file chunks give identical output for every capture", () => {
  for (const file of files) {
    const bytes = readFileSync(join(CAPTURES, file));
    const whole = read(file);
    const want = whole.records.map(summary).join("\n") + `\n${whole.fatal?.message}\n${whole.refused?.code}`;
    for (const size of bytes.length <= 40_000 ? [1, 7, 4096] : [7, 4096]) {
      const r = readChunked(bytes, size);
      assert.equal(r.records.map(summary).join("\n") + `\n${r.fatal?.message}\n${r.refused?.code}`, want, `${file} in ${size}-byte chunks`);
    }
  }
});

test("corpus: the async API (records and batches) agrees with the sync parser", async () => {
  for (const file of files) {
    const bytes = readFileSync(join(CAPTURES, file));
    const want = read(file);
    const got: string[] = [];
    const reader = readCapture(chunksOf(bytes, 65_536));
    try {
      for await (const rec of reader.records()) got.push(summary(rec));
    } catch (err) {
      assert.equal((err as { code?: string }).code, want.refused?.code, file);
      continue;
    }
    assert.deepEqual(got, want.records.map(summary), file);
    assert.equal(reader.fatal?.message, want.fatal?.message, file);
  }
});
