/** `-z io,stat,INTERVAL,COLUMN…` (filters and COUNT/SUM/MIN/MAX/AVG/LOAD/FRAMES/BYTES columns)
 *  against tshark 4.0.17 on every corpus capture, in process: the text byte-identical to the stored
 *  reference (scripts/make-tshark-refs.mjs), except the ledger rows (known-gaps.tsv, "iostat"). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import {
  compileIoFilters, formatIo, IoStatCollector, IoStatError, ioRowCount, parseIoInterval, parseIoStat, primedFields,
} from "../../src/tshark/iostat.js";
import { capturePath, checkAgainstLedger, firstDiff, publicCaptures, tshark } from "./helpers.js";

/** Column lists cycled over the corpus: every calc, filters with and without fields, empty columns. */
const SPECS = [
  "1,COUNT(tcp.analysis.retransmission)tcp.analysis.retransmission,SUM(tcp.len)tcp.len,MIN(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,"
    + "MAX(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,AVG(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt",
  "0.5,tcp,udp,FRAMES()tcp.flags.syn==1,BYTES()tcp.len>0",
  "0,SUM(frame.len)frame.len,AVG(tcp.window_size)tcp.window_size,MAX(ip.ttl)ip,MIN(tcp.srcport)tcp.srcport",
  "10,COUNT(tcp.analysis.duplicate_ack)tcp.analysis.duplicate_ack,AVG(frame.time_delta)frame.time_delta,LOAD(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt",
  "2.50,ip.src==10.0.0.1 || tcp.port==80,,AVG(tcp.len),MIN(tcp.len)tcp.len>0",
  // Not frame.time_delta_displayed: with -q tshark displays no frame, so it is the time since 1970.
  "1.0,MAX(tcp.time_delta)tcp.time_delta,SUM(tcp.analysis.bytes_in_flight)tcp.analysis.bytes_in_flight,COUNT(tcp.option_kind)tcp",
];
/** Tables longer than this are compared with interval 0 instead (tshark prints every row). */
const MAX_ROWS = 2000;

async function table(path: string, arg: string): Promise<{ text: string; rows: number }> {
  const spec = parseIoStat(arg);
  const filters = compileIoFilters(spec);
  const c = new IoStatCollector(spec, filters, primedFields(filters.filter((f) => f !== undefined)));
  for await (const rec of readCapture(openCaptureFile(path)).records()) c.add(rec);
  const t = c.table();
  return { rows: ioRowCount(t), text: ioRowCount(t) > MAX_ROWS ? "" : formatIo(t) };
}

test("io,stat with columns: byte-identical to tshark -z io,stat,… on the corpus, except the ledger", async () => {
  const diffs: string[] = [];
  const checked = new Set<string>();
  let compared = 0, k = 0;
  for (const rel of publicCaptures(["public", "malformed"])) {
    const path = capturePath(rel);
    let arg = `io,stat,${SPECS[k % SPECS.length]!}`;
    k++;
    let got: { text: string; rows: number };
    try {
      got = await table(path, arg);
      if (got.rows > MAX_ROWS) { arg = arg.replace(/^io,stat,[^,]+/, "io,stat,0"); got = await table(path, arg); }
    } catch (e) {
      if (!(e instanceof Error) || e instanceof IoStatError) throw e;
      got = { text: "", rows: 0 };  // a damaged file: tshark's reference decides below
    }
    const want = tshark(["-n", "-r", path, "-q", "-d", "tcp.port==1-65535,data", "-z", arg]);
    if (!want.includes("| IO Statistics")) continue; // tshark refuses the file (see its .tshark.err)
    const key = `iostat\t${rel}\t${arg}`;
    checked.add(key);
    compared++;
    if (want !== got.text) {
      diffs.push(key);
      if (process.env.SYNACK_EXPLAIN_REPORT) process.stderr.write(`${key}: ${firstDiff(want, got.text)}\n`);
    }
  }
  const { unexpected, vanished } = checkAgainstLedger("iostat", diffs, checked);
  assert.ok(compared > 100, `compared ${compared}`);
  assert.deepEqual(unexpected, [], "new differences (command, capture, detail)");
  assert.deepEqual(vanished, [], "ledger rows that no longer differ");
});

test("io,stat interval precision: tshark 4.0 counts the decimals up to the comma", () => {
  assert.deepEqual(parseIoInterval("1.0", true), { us: 1000000, precision: 1 });
  assert.deepEqual(parseIoInterval("1.0", false), { us: 1000000, precision: 6 });
  assert.deepEqual(parseIoInterval("2.50", true), { us: 2500000, precision: 1 });
  assert.deepEqual(parseIoInterval("1.", true), { us: 1000000, precision: 0 });
  assert.deepEqual(parseIoStat("io,stat,10, tcp.len ,,MAX(tcp.len) tcp.len").columns.map((c) => [c.text, c.calc, c.field, c.filter]), [
    ["tcp.len", "FRAMES BYTES", undefined, "tcp.len"], [undefined, "FRAMES BYTES", undefined, ""], ["MAX(tcp.len) tcp.len", "MAX", "tcp.len", " tcp.len"],
  ]);
  assert.deepEqual(parseIoStat("io,stat,1,FRAMES").columns.map((c) => [c.calc, c.filter]), [["FRAMES", ""]]);
});
