// The fast -T fields path (FieldRows) against the field tree (TreeValues + fieldText) for every
// registry field on every corpus frame (public captures and probes): the two must print the same
// text. Where they legitimately differ, tree-rows-ledger.tsv says why (field, reason); a field that
// differs without a ledger row fails, and so does a ledger row whose difference vanished.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { newRecord, readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { ReadPipeline } from "../../src/cli/commands/read-output.js";
import { FIELD_NAMES } from "../../src/fields/registry.js";
import { FieldRows } from "../../src/tshark/rows.js";
import { fieldText, TreeValues } from "../../src/tshark/tree-rows.js";
import { REPO_ROOT } from "../support/paths.js";
import { capturePath, publicCaptures } from "./helpers.js";

/** Registry fields compared: all but the columns (not tree items in tshark either). */
const NAMES = FIELD_NAMES.filter((n) => !n.startsWith("_ws.col."));
const SEP = "\u0001";

/** field → reason, from the ledger. */
function ledger(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(join(REPO_ROOT, "test", "tshark", "tree-rows-ledger.tsv"), "utf8").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [field, reason] = line.split("\t");
    m.set(field!, reason ?? "");
  }
  return m;
}

/** Per field: frames compared and the first differing frames (capture, frame, fast, tree). */
async function compareFile(rel: string, diffs: Map<string, string[]>, counts: { frames: number; values: number }): Promise<void> {
  const rows = new FieldRows(NAMES, { separator: SEP }, {}, false);
  const pipe = new ReadPipeline(false, true, { analysis: { traces: false } });
  const tree = new TreeValues(NAMES);
  const reader = readCapture(openCaptureFile(capturePath(rel)));
  const rec = newRecord();
  try {
    for await (const batch of reader.batches()) {
      while (batch.next(rec)) {
        const c = pipe.step(rec, reader.info);
        tree.point(c);
        const fast = rows.row(rec)!.split(SEP);
        counts.frames++;
        for (let i = 0; i < NAMES.length; i++) {
          const name = NAMES[i]!;
          const t = tree.nodes(name).map((n) => fieldText(n, tree.sources)).join(",");
          counts.values++;
          if (t === fast[i]) continue;
          let l = diffs.get(name);
          if (l === undefined) diffs.set(name, l = []);
          if (l.length < 3) l.push(`${rel}#${rec.index}: fast [${fast[i]!.slice(0, 60)}] tree [${t.slice(0, 60)}]`);
          else if (l.length === 3) l.push("…");
        }
      }
    }
  } catch { /* a damaged file: the frames before the damage were compared */ }
}

test("tree rows: every registry field's fast value equals the field tree's on every corpus frame", async () => {
  const files = publicCaptures(["public", "../spec/probes/captures"]);
  const diffs = new Map<string, string[]>();
  const counts = { frames: 0, values: 0 };
  for (const rel of files) await compareFile(rel, diffs, counts);
  const known = ledger();
  const unexpected = [...diffs].filter(([f]) => !known.has(f)).map(([f, l]) => `${f}:\n  ${l.join("\n  ")}`);
  const vanished = [...known.keys()].filter((f) => !diffs.has(f));
  if (process.env.SYNACK_TREE_ROWS_REPORT) process.stderr.write([...diffs].map(([f, l]) => `${f}:\n  ${l.join("\n  ")}`).join("\n") + "\n");
  assert.ok(counts.frames > 10_000, `only ${counts.frames} frames compared`);
  assert.deepEqual(unexpected, [], "fields whose fast value differs from the tree's (no ledger row)");
  assert.deepEqual(vanished, [], "ledger rows whose difference is gone");
});
