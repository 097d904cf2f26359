/** Issue 15's scoreboard, -V part: whole `-V -Y tcp` frames of every corpus capture and probe (synack's
 *  own subtree left out) against the hashes of tshark 4.0.17's frames (scripts/make-json-refs.mjs).
 *  json-identity.tsv holds the identical frames per capture, a count that may only go up; when it
 *  rises, `node dist/test/diff/json-report.js --write-ledgers` raises the ledger. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readLedgers } from "./json-ledgers.js";
import { pct, scoreDetails } from "./json-score.js";

test("-V: frames identical to tshark 4.0.17's may only go up (json-identity.tsv)", async (t) => {
  const s = await scoreDetails();
  let same = 0, total = 0;
  for (const c of s.values()) { same += c.jsonIdentical; total += c.frames; }
  t.diagnostic(`-V frames identical to tshark's: ${same}/${total} = ${pct(same, total)}`);
  const ledger = readLedgers().identity;
  const problems: string[] = [];
  for (const [cap, c] of s) {
    const l = ledger.get(cap);
    if (l === undefined || l.frames !== c.frames) { problems.push(`${cap}: ${c.frames} frames, ledger ${l?.frames ?? "none"}`); continue; }
    if (c.jsonIdentical < l.v) problems.push(`${cap}: ${c.jsonIdentical} identical, was ${l.v}; first: ${c.firstDiff ?? ""}`);
    else if (c.jsonIdentical > l.v) problems.push(`${cap}: ${c.jsonIdentical} identical (ledger ${l.v}): raise it`);
  }
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} changes: run \`node dist/test/diff/json-report.js --write-ledgers\``);
  assert.ok(total > 11000, `${total} frames compared`);
});
