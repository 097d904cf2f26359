/** For every corpus capture tshark 4.0.17 reads: our default summary lines (`-n -Y tcp`, payloads to the data
 *  dissector) and `-x` hex dumps equal tshark's, run live. Known gaps are in known-summary-diffs.tsv
 *  (capture, frame or `*` for every frame of the capture, line|hex, reason): a new mismatch fails, and
 *  so does a listed gap that no longer differs. Prints the agreement. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareCapture, corpus, type Diff, pool, readLedger } from "./summary-compare.js";

test("summary lines and -x hex dumps equal tshark 4.0.17 on the corpus, except the ledger", async () => {
  const counts: Record<"line" | "hex", [number, number]> = { line: [0, 0], hex: [0, 0] };
  const all = (await pool(corpus(), 6, (c) => compareCapture(c, counts))).flat();
  const ledger = readLedger();
  const listed = (d: Diff): string | undefined => {
    const exact = `${d.capture}\t${d.frame}\t${d.kind}`;
    if (ledger.has(exact)) return exact;
    const any = `${d.capture}\t*\t${d.kind}`;
    return ledger.has(any) ? any : undefined;
  };
  const unexpected = all.filter((d) => listed(d) === undefined);
  const used = new Set(all.map(listed).filter((k): k is string => k !== undefined));
  const vanished = [...ledger.keys()].filter((k) => !used.has(k));
  const pct = (k: "line" | "hex") => `${counts[k][0]}/${counts[k][1]} (${(100 * counts[k][0] / Math.max(1, counts[k][1])).toFixed(2)}%)`;
  process.stderr.write(`summary agreement: lines ${pct("line")}, hex ${pct("hex")}\n`);
  if (process.env.SYNACK_SUMMARY_REPORT) {
    for (const d of unexpected) process.stderr.write(`${d.capture}\t${d.frame}\t${d.kind}\t${d.detail}\n`);
  }
  assert.deepEqual(unexpected.map((d) => `${d.capture}\t${d.frame}\t${d.kind}\t${d.detail}`).slice(0, 20), [],
    `${unexpected.length} new mismatches (capture, frame, kind)`);
  assert.deepEqual(vanished, [], "known gaps that no longer differ: remove them from known-summary-diffs.tsv");
});
