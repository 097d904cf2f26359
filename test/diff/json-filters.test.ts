/** Issue 15's scoreboard, -Y part: generated display filters (one per field type and operator over
 *  fields tshark shows in the corpus, plus combinations; scripts/make-json-refs.mjs) run by synack as
 *  `read -Y F -T fields -e frame.number` does, against the frames tshark 4.0.17 keeps on four corpus
 *  captures; and broken filters, whose message (caret line included) must be tshark's.
 *  json-filter-ledger.tsv lists each filter that does not compile, keeps other frames or gets
 *  another message: a new one fails, and so does a listed one that now agrees. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { sharedDir } from "../support/paths.js";
import { runCli, synackFilterError } from "../support/synack-out.js";
import { badFilterOutcomes, readLedgers } from "./json-ledgers.js";
import { pct, refBadFilters, refFilters, scoreFilters } from "./json-score.js";

test("-Y: generated filters keep the frames tshark 4.0.17 keeps, except the ledger", async (t) => {
  const s = await scoreFilters();
  const n = { agree: 0, compile: 0, differs: 0 };
  for (const o of s.values()) n[o.status]++;
  t.diagnostic(`-Y filters agreeing with tshark: ${n.agree}/${s.size} = ${pct(n.agree, s.size)}; ${n.compile} do not compile, ${n.differs} keep other frames`);
  const ledger = readLedgers().filters;
  const problems: string[] = [];
  for (const [f, o] of s) {
    const l = ledger.get(f);
    if (o.status === "agree") { if (l !== undefined) problems.push(`now agrees: remove ${JSON.stringify(f)} from the ledger`); continue; }
    if (l === undefined) problems.push(`new: ${JSON.stringify(f)} ${o.status}: ${o.detail}`);
    else if (l.status !== o.status) problems.push(`${JSON.stringify(f)}: ${o.status} (ledger: ${l.status}): ${o.detail}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(s.size > 200, `${s.size} filters`);
});

test("-Y: a broken filter gets tshark 4.0.17's message and caret, except the ledger", async (t) => {
  const bad = badFilterOutcomes();
  const ledger = readLedgers().filters;
  t.diagnostic(`broken filters with tshark's message: ${bad.filter((b) => b.same).length}/${bad.length}`);
  const problems: string[] = [];
  for (const b of bad) {
    const listed = ledger.get(b.filter)?.status === "message";
    if (b.same && listed) problems.push(`now tshark's message: remove ${JSON.stringify(b.filter)} from the ledger`);
    if (!b.same && !listed) problems.push(`${JSON.stringify(b.filter)}: want ${JSON.stringify(b.want)} got ${JSON.stringify(b.got)}`);
  }
  assert.deepEqual(problems, []);
});

test("-Y: the CLI prints a broken filter's message as measured, exit status 2", async () => {
  const [filter] = refBadFilters().find(([f]) => f.includes("prot")) ?? ["tcp.prot == 1"];
  const cap = join(sharedDir(), "captures", refFilters().captures[0]!);
  const r = await runCli(["read", "-n", "-r", cap, "-Y", filter, "-T", "fields", "-e", "frame.number"]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `synack read: ${synackFilterError(filter)}\n`);
});
