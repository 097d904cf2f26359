/** MPTCP (TCP option 30) in the field tree: every subtype, the key's token and IDSN, the relative
 *  data ACK / DSN and `[MPTCP analysis]`, against tshark 4.0.17's output on a hand-made capture
 *  (test/fixtures/mptcp/probe.pcap and its references, written by scripts/make-mptcp-probe.mjs).
 *  The corpus captures with MPTCP are scored by test/diff/json-*.test.ts. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { REPO_ROOT } from "../support/paths.js";
import { detailBlocks, runCli, synackDetails, synackFilter, synackJson } from "../support/synack-out.js";
import { jsonFrames } from "../support/tshark-json.js";
import { keyHashes } from "../../src/fields/mptcp-analysis.js";

const DIR = join(REPO_ROOT, "test", "fixtures", "mptcp");
const PROBE = join(DIR, "probe.pcap");
const ref = (name: string): string => readFileSync(join(DIR, name), "utf8");

test("mptcp: -V of every probe frame equals tshark's (all subtypes, experts, analysis, Malformed: MPTCP)", async () => {
  const want = detailBlocks(ref("probe.V"));
  const got = await synackDetails(PROBE);
  assert.equal(want.size, 40);
  for (const [n, w] of want) assert.equal(got.get(n), w, `frame ${n}`);
});

test("mptcp: -T json of every probe frame equals tshark's", async () => {
  const want = jsonFrames(ref("probe.json"));
  const got = new Map(jsonFrames(await synackJson(PROBE), ["synack"]).map((f) => [f.number, f.text] as const));
  assert.equal(want.length, 40);
  for (const w of want) assert.equal(got.get(w.number), w.text, `frame ${w.number}`);
});

test("mptcp: -T fields of the MPTCP fields (occurrence=a) equals tshark's", async () => {
  const header = ref("probe.fields.tsv").split("\n")[0]!.split("\t");
  const r = await runCli(["read", "-r", PROBE, "-T", "fields", "-E", "header=y", "-E", "occurrence=a", ...header.flatMap((f) => ["-e", f])]);
  assert.equal(r.status, 0, r.stderr);
  const want = ref("probe.fields.tsv").split("\n"), got = r.stdout.split("\n");
  for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `line ${i}`);
});

test("mptcp: -Y on MPTCP fields keeps the frames tshark keeps", async () => {
  for (const line of ref("probe.filters.tsv").trim().split("\n")) {
    const [filter, frames] = line.split("\t") as [string, string];
    const got = await synackFilter(PROBE, filter);
    assert.deepEqual(got, { frames: frames === "" ? [] : frames.split(",").map(Number) }, filter);
  }
});

test("mptcp: a key's token and IDSN (SHA-1 for v0, SHA-256 for v1) as tshark shows them", () => {
  const key = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));
  // probe.V frame 1 (v0) and frame 21 (v1); mptcp-aa-v1.pcap frame 4 (v1, key 8339282239122616011).
  assert.deepEqual(keyHashes(key("0102030405060708"), 0, 0), { token: 3713500092, idsn: 4221541283752790741n });
  assert.deepEqual(keyHashes(key("2122232425262728"), 0, 1), { token: 2898368150, idsn: 14487373617612820154n });
  assert.deepEqual(keyHashes(key(8339282239122616011n.toString(16).padStart(16, "0")), 0, 1), { token: 1597986193, idsn: 12148165319181844525n });
});

test("mptcp: -T json -x (every item's bytes, offset, length and bitmask) equals tshark's on every probe frame", async () => {
  const want = jsonFrames(gunzipSync(readFileSync(join(DIR, "probe.x.json.gz"))).toString("utf8"));
  const r = await runCli(["read", "-r", PROBE, "-T", "json", "-x"]);
  assert.equal(r.status, 0, r.stderr);
  const got = new Map(jsonFrames(r.stdout, ["synack"]).map((f) => [f.number, f.text] as const));
  assert.equal(want.length, 40);
  for (const w of want) assert.equal(got.get(w.number), w.text, `frame ${w.number}`);
});

test("mptcp: -T fields on gaps.pcap differs from tshark's exactly where gaps.tsv says", async () => {
  const want = ref("gaps.fields.tsv").trimEnd().split("\n").map((l) => l.split("\t"));
  const header = want[0]!;
  const r = await runCli(["read", "-r", join(DIR, "gaps.pcap"), "-T", "fields", "-E", "header=y", "-E", "occurrence=a", ...header.flatMap((f) => ["-e", f])]);
  assert.equal(r.status, 0, r.stderr);
  const got = r.stdout.trimEnd().split("\n").map((l) => l.split("\t"));
  assert.equal(got.length, want.length);
  const differs: string[] = [];
  for (let i = 1; i < want.length; i++) {
    for (let j = 1; j < header.length; j++) if (got[i]![j] !== want[i]![j]) differs.push(`${want[i]![0]}\t${header[j]}`);
  }
  const ledger = ref("gaps.tsv").trimEnd().split("\n").filter((l) => !l.startsWith("#")).slice(1).map((l) => l.split("\t").slice(0, 2).join("\t"));
  assert.deepEqual(differs, ledger);
});
