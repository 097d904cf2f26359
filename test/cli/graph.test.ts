/** `synack graph`: SVG on stdout or -o (never overwriting without --force), --json is the model,
 *  --stream may be left out on a one-stream capture, one-line errors with a non-zero exit for a
 *  bad stream, type, direction or window. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, sharedDir } from "../support/paths.js";
import { xmlProblem } from "../explain/diagrams/xml.js";

const dir = mkdtempSync(join(tmpdir(), "synack-graph-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const TWO = () => join(sharedDir(), "captures", "public", "zeek", "http__206_example_a.pcap");
const ONE = () => join(sharedDir(), "captures", "public", "zeek", "tcp__ssh-dups.pcap");

function synack(args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, "graph", ...args]);
  return { out: r.stdout.toString(), err: r.stderr.toString(), status: r.status };
}

test("graph: SVG on stdout, every type", () => {
  for (const type of ["tseq", "stevens", "throughput", "rtt", "inflight", "window"]) {
    const r = synack(["-r", TWO(), "--stream", "1", "--dir", "b", "--type", type]);
    assert.equal(r.status, 0, r.err);
    assert.equal(xmlProblem(r.out), undefined, type);
    assert.match(r.out, new RegExp(`<svg [^>]*data-type="${type}" data-stream="1" data-dir="b"`));
  }
});

test("graph: --stream may be left out on a one-stream capture, not on a two-stream one", () => {
  const r = synack(["-r", ONE(), "--type", "stevens"]);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /data-stream="0" data-dir="a"/);
  const two = synack(["-r", TWO(), "--type", "tseq"]);
  assert.equal(two.status, 2);
  assert.match(two.err, /^synack graph: '.*' has 2 TCP streams \(0-1\): say which with --stream N\n$/);
});

test("graph: --json is the model, every point", () => {
  const r = synack(["-r", TWO(), "--stream", "1", "--dir", "b", "--type", "tseq", "--json"]);
  assert.equal(r.status, 0, r.err);
  const m = JSON.parse(r.out);
  assert.equal(m.type, "tseq"); assert.equal(m.stream, 1); assert.equal(m.dir, "b");
  assert.equal(m.from, "129.174.93.161:80");
  const ids = m.series.map((s: { id: string }) => s.id);
  for (const id of ["data", "retransmission", "out-of-order", "ack", "window-edge", "sack"]) assert.ok(ids.includes(id), id);
  for (const s of m.series) assert.equal(s.agg, undefined);
  const w = JSON.parse(synack(["-r", TWO(), "--stream", "1", "--dir", "b", "--type", "throughput", "--window", "250", "--json"]).out);
  assert.equal(w.windowNs, 250_000_000);
});

test("graph: -o writes the file and never overwrites it without --force", () => {
  const out = join(dir, "g.svg");
  const r = synack(["-r", TWO(), "--stream", "1", "--type", "rtt", "-o", out]);
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, "");
  assert.equal(xmlProblem(readFileSync(out, "utf8")), undefined);
  writeFileSync(out, "keep me");
  const again = synack(["-r", TWO(), "--stream", "1", "--type", "rtt", "-o", out]);
  assert.equal(again.status, 1);
  assert.match(again.err, /^synack graph: '.*g\.svg' exists; add --force to overwrite it\n$/);
  assert.equal(readFileSync(out, "utf8"), "keep me");
  assert.equal(synack(["-r", TWO(), "--stream", "1", "--type", "rtt", "-o", out, "--force"]).status, 0);
  assert.match(readFileSync(out, "utf8"), /^<\?xml/);
});

test("graph: bad input is one line and a non-zero exit", () => {
  const cases: Array<[string[], RegExp, number]> = [
    [["-r", TWO(), "--stream", "7", "--type", "tseq"], /^synack graph: no stream 7: '.*' has 2 TCP streams \(0-1\)\n$/, 1],
    [["-r", TWO(), "--stream", "x", "--type", "tseq"], /^synack graph: --stream must be an integer ≥ 0, not 'x'\n$/, 2],
    [["-r", TWO(), "--stream", "0", "--type", "pie"], /^synack graph: --type must be one of tseq, stevens, throughput, rtt, inflight, window, not 'pie'\n$/, 2],
    [["-r", TWO(), "--stream", "0"], /^synack graph: --type is required/, 2],
    [["-r", TWO(), "--stream", "0", "--type", "tseq", "--dir", "c"], /^synack graph: --dir must be a or b, not 'c'\n$/, 2],
    [["-r", TWO(), "--stream", "0", "--type", "throughput", "--window", "0"], /^synack graph: --window must be milliseconds > 0/, 2],
    [["-r", join(dir, "missing.pcap"), "--type", "tseq"], /^synack graph: cannot read '.*missing\.pcap': no such file\n$/, 1],
    [["--type", "tseq"], /^synack graph: -r FILE is required/, 2],
  ];
  for (const [args, err, status] of cases) {
    const r = synack(args);
    assert.equal(r.status, status, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, err);
    assert.equal(r.err.split("\n").length, 2, "one line");
  }
});

test("graph: --help lists the types and options; synack --help lists graph", () => {
  const r = synack(["--help"]);
  assert.equal(r.status, 0);
  for (const w of ["--type tseq", "--type stevens", "--type throughput", "--type rtt", "--type inflight", "--type window", "--dir a|b", "--force", "--json"]) assert.ok(r.out.includes(w), w);
  const top = spawnSync(process.execPath, [CLI, "--help"]).stdout.toString();
  assert.match(top, /^ {2}graph {4}/m);
});
