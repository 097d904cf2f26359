/** `synack stats` against tshark 4.0.17's `-q -z conv,tcp`, `-z io,stat,INTERVAL` and `-z expert`
 *  on the corpus (tshark runs here, with the spec §14.1 `-n -d tcp.port==1-65535,data`). Known
 *  differences are in known-gaps.tsv ("stats-conv" / "stats-io" / "stats-expert", capture, detail). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import {
  ConvCollector, ExpertCollector, formatConv, formatExpert, formatSize, printfFixed,
} from "../../src/tshark/stats.js";
import { formatIo, IoCollector, ioRowCount, parseIoInterval } from "../../src/tshark/iostat.js";
import { capturePath, checkAgainstLedger, firstDiff, publicCaptures, tshark } from "./helpers.js";

/** Every corpus capture (public/ and malformed/), relative to shared/captures. */
const allCaptures = (): string[] => publicCaptures(["public", "malformed"]);

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

/** Intervals cycled over the corpus: whole seconds, decimals, 0 (whole capture), a "1.0". */
const INTERVALS = ["1", "0.5", "0.25", "0", "10", "0.010", "1.0", "3.4", "0.1"];
/** Its frames without a timestamp put the others 1340954905 s after the first: tshark 4.0 would
 *  print 10^10 rows for a 0.1 s interval, so this file is compared with interval 0 (ledger). */
const SLOW_IN_TSHARK = new Set(["public/pcapng-test-generator/output_le__difficult__test202.pcapng"]);
/** Tables longer than this are compared with interval 0 instead (tshark prints every row). */
const MAX_ROWS = 2000;

test("stats io: byte-identical to tshark -z io,stat,INTERVAL on the corpus, except the ledger", async () => {
  const diffs: string[] = [];
  const checked = new Set<string>();
  let compared = 0, k = 0;
  for (const rel of allCaptures()) {
    const path = capturePath(rel);
    let arg = SLOW_IN_TSHARK.has(rel) ? "0" : INTERVALS[k % INTERVALS.length]!;
    k++;
    let io = new IoCollector(parseIoInterval(arg)!);
    let got = "";
    try {
      for await (const rec of readCapture(openCaptureFile(path)).records()) io.add(rec);
      if (ioRowCount(io.table()) > MAX_ROWS) {
        arg = "0"; io = new IoCollector(parseIoInterval(arg)!);
        for await (const rec of readCapture(openCaptureFile(path)).records()) io.add(rec);
      }
      got = formatIo(io.table());
    } catch { got = ""; }
    const want = tshark(["-n", "-r", path, "-q", "-d", "tcp.port==1-65535,data", "-z", `io,stat,${arg}`]);
    if (!want.includes("| IO Statistics")) continue; // tshark refuses the file (see its .tshark.err)
    const key = `stats-io\t${rel}\tio,${arg}`;
    checked.add(key);
    compared++;
    if (want !== got) {
      diffs.push(key);
      if (process.env.SYNACK_EXPLAIN_REPORT) process.stderr.write(`${key}: ${firstDiff(want, got)}\n`);
    }
  }
  const { unexpected, vanished } = checkAgainstLedger("stats-io", diffs, checked);
  assert.ok(compared > 100, `compared ${compared} tables`);
  assert.deepEqual(unexpected, [], "new differences (command, capture, detail)");
  assert.deepEqual(vanished, [], "ledger rows that no longer differ");
});

/** The TCP rows of a `-z expert` text, each prefixed with its section title. */
function tcpExpertLines(text: string): string[] {
  const out: string[] = [];
  let section = "";
  for (const line of text.split("\n")) {
    const m = /^(Errors|Warns|Notes|Chats|Comments) \(\d+\)$/.exec(line);
    if (m) { section = m[1]!; continue; }
    if (/^ {0,11}\d+ /.test(line) && line.slice(23, 42).trim() === "TCP") out.push(`${section}: ${line}`);
  }
  return out;
}

test("stats expert: tshark -z expert on the corpus, TCP rows and whole text, except the ledger", async () => {
  const diffs: string[] = [];
  const checked = new Set<string>();
  let compared = 0, tcpRows = 0;
  for (const rel of allCaptures()) {
    const path = capturePath(rel);
    const want = tshark(["-n", "-r", path, "-q", "-d", "tcp.port==1-65535,data", "-z", "expert", "-z", "conv,tcp"]);
    // The conversation table (printed first: tshark draws the last -z first) marks a file tshark read.
    const rule = "=".repeat(80) + "\n";
    const c0 = want.indexOf(rule + "TCP Conversations\n");
    if (c0 < 0) continue; // tshark refuses the file (see its .tshark.err)
    const c1 = want.indexOf(rule, c0 + rule.length) + rule.length;
    const wantExpert = want.slice(0, c0) + want.slice(c1);
    const c = new ExpertCollector();
    let got = "";
    try {
      for await (const rec of readCapture(openCaptureFile(path)).records()) c.add(rec);
      got = formatExpert(c.table());
    } catch { got = ""; }
    const w = tcpExpertLines(wantExpert), g = tcpExpertLines(got);
    tcpRows += w.length;
    for (const [detail, same] of [["tcp", w.join("\n") === g.join("\n")], ["all", wantExpert === got]] as const) {
      const key = `stats-expert\t${rel}\t${detail}`;
      checked.add(key);
      compared++;
      if (!same) {
        diffs.push(key);
        if (process.env.SYNACK_EXPLAIN_REPORT) {
          process.stderr.write(`${key}: ${detail === "tcp" ? firstDiff(w.join("\n"), g.join("\n")) : firstDiff(wantExpert, got)}\n`);
        }
      }
    }
  }
  const { unexpected, vanished } = checkAgainstLedger("stats-expert", diffs, checked);
  assert.ok(compared > 200 && tcpRows > 300, `compared ${compared} tables, ${tcpRows} TCP rows`);
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

test("stats io: interval parsing follows tshark 4.0", () => {
  assert.deepEqual(parseIoInterval("1"), { us: 1000000, precision: 0 });
  assert.deepEqual(parseIoInterval("0.5"), { us: 500000, precision: 1 });
  assert.deepEqual(parseIoInterval("0.010"), { us: 10000, precision: 2 });
  assert.deepEqual(parseIoInterval("1.0"), { us: 1000000, precision: 6 });
  assert.deepEqual(parseIoInterval("0"), { us: 0, precision: 0 });
  assert.equal(parseIoInterval("0.0000001"), undefined);
  assert.equal(parseIoInterval("-1"), undefined);
  assert.equal(parseIoInterval("x"), undefined);
});
