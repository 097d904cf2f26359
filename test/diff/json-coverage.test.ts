/** Issue 15's scoreboard, JSON part: synack's `read -T json -Y tcp` against tshark 4.0.17's (the
 *  references of scripts/make-json-refs.mjs) on every corpus capture and probe.
 *  - Field coverage: the share of tshark's (frame, field, occurrence) values synack's JSON has with the
 *    same value, per field name; json-coverage-ledger.tsv holds each field not fully covered with
 *    today's count. A field that drops, or a new difference, fails; one that gained (or left the
 *    ledger) asks for the ledger to be raised: `node dist/test/diff/json-report.js --write-ledgers`.
 *  - Byte identity: frames whose whole JSON object (synack's own `synack` layer cut out) is tshark's
 *    text, per capture in json-identity.tsv, a count that may only go up. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readLedgers } from "./json-ledgers.js";
import { jsonTotals, pct, scoreJson, type JsonScore } from "./json-score.js";

const HINT = "run `node dist/test/diff/json-report.js --write-ledgers` and commit the ledgers (read their diff)";
let score: JsonScore | undefined;
const scored = async (): Promise<JsonScore> => (score ??= await scoreJson());

test("-T json: field coverage against tshark 4.0.17 may only go up (json-coverage-ledger.tsv)", async (t) => {
  const s = await scored();
  const { core, all, missing } = jsonTotals(s);
  t.diagnostic(`field coverage, issue-15 layers: ${core[0]}/${core[1]} = ${pct(core[0], core[1])}; all layers: ${all[0]}/${all[1]} = ${pct(all[0], all[1])}`);
  t.diagnostic(`field names tshark uses there that synack's JSON never has: ${missing.length}; most items: ${missing.slice(0, 12).map(([f, fs]) => `${f} ${fs.coreTotal}`).join(", ")}`);
  const ledger = readLedgers().coverage;
  const problems: string[] = [];
  for (const [f, fs] of s.fields) {
    const l = ledger.get(f);
    if (l === undefined) { if (fs.matched < fs.total) problems.push(`new difference: ${f} ${fs.matched}/${fs.total}`); continue; }
    if (l.total !== fs.total) problems.push(`reference changed: ${f} has ${fs.total} items, the ledger says ${l.total}`);
    else if (fs.matched < l.matched) problems.push(`coverage dropped: ${f} ${fs.matched}/${fs.total}, was ${l.matched}`);
    else if (fs.matched === fs.total) problems.push(`now complete: remove ${f} from the ledger`);
    else if (fs.matched > l.matched) problems.push(`coverage rose: ${f} ${fs.matched}/${fs.total} (ledger ${l.matched}): raise it`);
  }
  for (const f of ledger.keys()) if (!s.fields.has(f)) problems.push(`ledger names ${f}, which tshark's references do not have`);
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} changes: ${HINT}`);
});

test("-T json: frames byte-identical to tshark 4.0.17's may only go up (json-identity.tsv)", async (t) => {
  const s = await scored();
  const { frames } = jsonTotals(s);
  t.diagnostic(`-T json frames identical to tshark's: ${frames[0]}/${frames[1]} = ${pct(frames[0], frames[1])}`);
  const ledger = readLedgers().identity;
  const problems: string[] = [];
  for (const [cap, c] of s.captures) {
    const l = ledger.get(cap);
    if (l === undefined || l.frames !== c.frames) { problems.push(`${cap}: ${c.frames} frames, ledger ${l?.frames ?? "none"}`); continue; }
    if (c.jsonIdentical < l.json) problems.push(`${cap}: ${c.jsonIdentical} identical, was ${l.json}; first: ${c.firstDiff ?? ""}`);
    else if (c.jsonIdentical > l.json) problems.push(`${cap}: ${c.jsonIdentical} identical (ledger ${l.json}): raise it`);
  }
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} changes: ${HINT}`);
  assert.deepEqual(s.extraFrames.slice(0, 10), [], "frames synack prints that tshark's -Y tcp does not");
});
