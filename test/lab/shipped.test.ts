/** The captures shipped for `synack lab show` (captures/lab, written by scripts/record-lab.mjs):
 *  one per scenario, each showing every expected phenomenon by the same check as a live run
 *  (synack's analysis; the live runs in lab/scenarios are the ones cross-checked by tshark). */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { labCapturePath, SCENARIOS, verdictOf } from "../../src/lab/index.js";

suite("lab show captures", () => {
  for (const s of SCENARIOS) {
    test(`lab show ${s.name}: the recorded capture shows every expected phenomenon`, async () => {
      const file = labCapturePath(s.name);
      assert.ok(existsSync(file), `${file} missing: node scripts/record-lab.mjs ${s.name}`);
      const v = await verdictOf(s, new Uint8Array(readFileSync(file)));
      assert.deepEqual(v.phenomena.filter((p) => !p.ok).map((p) => `${p.id}: ${p.why}`), []);
    });
  }
});
