/** `synack stats` against tshark 4.0.17's `-q -z conv,tcp`, `-z io,stat,INTERVAL` and `-z expert`
 *  on the corpus (tshark runs here, with the spec §14.1 `-n -d tcp.port==1-65535,data`). Known
 *  differences are in known-gaps.tsv ("stats-conv" / "stats-io" / "stats-expert", capture, detail). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { ConvCollector, formatConv, formatSize, printfFixed } from "../../src/explain/stats.js";
import { capturePath, checkAgainstLedger, firstDiff, tshark } from "./helpers.js";
import { sharedDir } from "../support/paths.js";

/** Every corpus capture (public/ and malformed/), relative to shared/captures. */
function allCaptures(): string[] {
  const root = join(sharedDir(), "captures");
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!n.endsWith(".tsv") && !n.endsWith(".err")) out.push(relative(root, p));
    }
  };
  walk(join(root, "public"));
  walk(join(root, "malformed"));
  return out;
}

test("stats conv: byte-identical to tshark -z conv,tcp on the corpus, except the ledger", async () => {
  const diffs: string[] = [];
  const checked = new Set<string>();
  let compared = 0;
  for (const rel of allCaptures()) {
    const path = capturePath(rel);
    const want = tshark(["-n", "-r", path, "-q", "-d", "tcp.port==1-65535,data", "-z", "conv,tcp"]);
    if (!want.includes("TCP Conversations")) continue; // tshark refuses the file (see its .tshark.err)
    const conv = new ConvCollector();
    let got = "";
    try {
      for await (const rec of readCapture(openCaptureFile(path)).records()) conv.add(rec);
      got = formatConv(conv.table());
    } catch { got = ""; }
    const key = `stats-conv\t${rel}\tconv`;
    checked.add(key);
    compared++;
    if (want !== got) {
      diffs.push(key);
      if (process.env.SYNACK_EXPLAIN_REPORT) process.stderr.write(`${key}: ${firstDiff(want, got)}\n`);
    }
  }
  const { unexpected, vanished } = checkAgainstLedger("stats-conv", diffs, checked);
  assert.ok(compared > 100, `compared ${compared} tables`);
  assert.deepEqual(unexpected, [], "new differences (command, capture, detail)");
  assert.deepEqual(vanished, [], "ledger rows that no longer differ");
});

test("stats: printf-style rounding and sizes", () => {
  // Hand-checked against C printf: exact binary value, ties to even.
  assert.equal(printfFixed(0.03125, 4), "0.0312");
  assert.equal(printfFixed(0.03135, 4), "0.0314");
  assert.equal(printfFixed(1 / 1024, 9), "0.000976562");
  assert.equal(printfFixed(132075356 + 160504000 / 1e9, 9), "132075356.160503998");
  assert.equal(printfFixed(-0.00001, 4), "-0.0000");
  assert.equal(printfFixed(9.99995, 4), "10.0000");
  assert.equal(printfFixed(0, 9), "0.000000000");
  assert.equal(formatSize(9999), "9999 bytes");
  assert.equal(formatSize(10000), "10 kB");
  assert.equal(formatSize(10999999), "10 MB");
  assert.equal(formatSize(9999999), "9999 kB");
});
