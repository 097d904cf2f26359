/** Corpus-wide decode test: on every frame of every capture in shared/captures, TCP is found on exactly
 *  the frames tshark 4.0.17 lists, with the same addresses, ports, raw seq/ack, len, hdr_len, flags and
 *  window. Remaining gaps live in known-gaps.tsv (file, frame, field, reason): a new mismatch fails, and so
 *  does a listed gap that vanished. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, sharedDir } from "../support/paths.js";
import { compareCapture, referenceCaptures, type Mismatch, type Tally } from "./corpus-compare.js";

const LEDGER = join(REPO_ROOT, "test", "decode", "known-gaps.tsv");

function ledger(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(LEDGER, "utf8").split("\n")) {
    if (line.length === 0 || line.startsWith("#") || line.startsWith("file\t")) continue;
    const [file, frame, field, reason] = line.split("\t");
    out.set(`${file}\t${frame}\t${field}`, reason ?? "");
  }
  return out;
}

test("decode corpus: TCP frames and decode fields agree with tshark 4.0.17", () => {
  const dir = join(sharedDir(), "captures");
  const mismatches: Mismatch[] = [];
  const tally: Tally = { frames: 0, framesEqual: 0, cells: {} };
  for (const file of referenceCaptures(dir)) compareCapture(dir, file, mismatches, tally);
  const known = ledger();
  const found = new Set<string>();
  const fresh: string[] = [];
  for (const m of mismatches) {
    const key = `${m.file}\t${m.frame}\t${m.field}`;
    found.add(key);
    if (!known.has(key)) fresh.push(`${m.file} frame ${m.frame} ${m.field}: want ${JSON.stringify(m.want)} got ${JSON.stringify(m.got)}`);
  }
  const vanished = [...known.keys()].filter((k) => !found.has(k)).map((k) => `gap vanished: ${k.replaceAll("\t", " ")}`);
  const cells = Object.entries(tally.cells).map(([f, c]) => `${f} ${c.equal}/${c.total}`).join(", ");
  process.stdout.write(`# decode corpus: frames equal ${tally.framesEqual}/${tally.frames}; ${cells}; ledger ${known.size}\n`);
  assert.deepEqual(fresh.slice(0, 40), [], `${fresh.length} new mismatches`);
  assert.deepEqual(vanished, []);
});
