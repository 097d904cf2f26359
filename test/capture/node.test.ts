import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaptureFileError, readCapture, type CaptureRecord } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { CAPTURES, corpusFiles, readChunked, summary } from "./helpers.js";

/** Every record of `path` read through openCaptureFile in chunks of `size`, as summary lines
 *  (taken when each record is returned, before the next one may reuse its chunk). */
async function streamed(path: string, size: number): Promise<{ lines: string[]; fatal: string | undefined; refused: string | undefined }> {
  const lines: string[] = [];
  const reader = readCapture(openCaptureFile(path, size));
  try {
    for await (const rec of reader.records()) lines.push(summary(rec));
  } catch (err) {
    if (err instanceof CaptureFileError) return { lines, fatal: undefined, refused: err.code };
    throw err;
  }
  return { lines, fatal: reader.fatal?.message, refused: undefined };
}

test("openCaptureFile: every corpus capture read from disk in small chunks gives the records of the whole file", async () => {
  const wrong: string[] = [];
  let records = 0;
  for (const file of corpusFiles()) {
    const path = join(CAPTURES, file);
    const whole = readChunked(readFileSync(path));
    const want = whole.records.map((r: CaptureRecord) => summary(r));
    // 61: records and blocks straddle chunk ends everywhere; 4096: several records per chunk.
    for (const size of [61, 4096]) {
      const got = await streamed(path, size);
      records += got.lines.length;
      if (got.refused !== whole.refused?.code) wrong.push(`${file} @${size}: refused ${got.refused} / ${whole.refused?.code}`);
      else if (got.lines.join("\n") !== want.join("\n")) wrong.push(`${file} @${size}: records differ`);
      else if (got.fatal !== whole.fatal?.message) wrong.push(`${file} @${size}: fatal ${got.fatal} / ${whole.fatal?.message}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(records > 0);
});

test("openCaptureFile: a chunk stays intact while the next one is used, and chunks cover the file in order", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-node-"));
  try {
    const bytes = new Uint8Array(10_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 255;
    const path = join(dir, "x.bin");
    writeFileSync(path, bytes);
    let at = 0;
    let prev: Uint8Array | undefined, prevAt = 0;
    for await (const chunk of openCaptureFile(path, 1000)) {
      assert.ok(chunk.length <= 1000 && chunk.length > 0);
      assert.deepEqual(chunk, bytes.subarray(at, at + chunk.length));
      if (prev !== undefined) assert.deepEqual(prev, bytes.subarray(prevAt, prevAt + prev.length));
      prev = chunk; prevAt = at;
      at += chunk.length;
    }
    assert.equal(at, bytes.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("openCaptureFile: open errors reject the first iteration; stopping early closes the file", async () => {
  await assert.rejects(async () => { for await (const _ of openCaptureFile("/nonexistent/synack.pcap")) { /* none */ } },
    (err: NodeJS.ErrnoException) => err.code === "ENOENT");
  await assert.rejects(async () => { for await (const _ of openCaptureFile(tmpdir())) { /* none */ } },
    (err: NodeJS.ErrnoException) => err.code === "EISDIR");
  const file = corpusFiles().find((f) => !f.startsWith("malformed/"))!;
  const fds = (): number => (existsSync("/proc/self/fd") ? readdirSync("/proc/self/fd").length : 0);
  const before = fds();
  for (let i = 0; i < 5; i++) {
    for await (const chunk of openCaptureFile(join(CAPTURES, file), 16)) { assert.ok(chunk.length > 0); break; }
  }
  assert.equal(fds(), before);
});
