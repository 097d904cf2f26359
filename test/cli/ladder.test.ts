/** `synack ladder`: ASCII and SVG on a hand-made capture, -o never overwrites without --force,
 *  one-line errors (missing stream says how many exist), --json, colour rules. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../support/paths.js";
import { ARTICLE, bulk, pcapOf } from "../explain/diagrams/streams.js";
import { xmlProblem } from "../explain/diagrams/xml.js";

const dir = mkdtempSync(join(tmpdir(), "synack-ladder-"));
const FILE = join(dir, "article.pcap");
writeFileSync(FILE, pcapOf(ARTICLE));
const BULK = join(dir, "bulk.pcap");
writeFileSync(BULK, pcapOf(bulk(20)));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function synack(args: string[], env: NodeJS.ProcessEnv = {}): { out: string; err: string; status: number | null } {
  const base = { ...process.env };
  delete base.NO_COLOR; delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, "ladder", ...args], { env: { ...base, ...env } });
  return { out: r.stdout.toString(), err: r.stderr.toString(), status: r.status };
}

test("ladder: ASCII on stdout, 10 arrows, no colour into a pipe", () => {
  const r = synack(["-r", FILE, "--stream", "0"]);
  assert.equal(r.status, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines.filter((l) => /->\||\|<-/.test(l)).length, 10);
  for (const l of lines) assert.ok(l.length <= 80, l);
  assert.ok(!r.out.includes("\x1b["));
});

test("ladder: --color colours, NO_COLOR wins", () => {
  assert.ok(synack(["-r", FILE, "--stream", "0", "--color"]).out.includes("\x1b["));
  assert.ok(!synack(["-r", FILE, "--stream", "0", "--color"], { NO_COLOR: "1" }).out.includes("\x1b["));
});

test("ladder: --format svg -o writes a well-formed file and refuses to overwrite it", () => {
  const out = join(dir, "ladder.svg");
  const r = synack(["-r", BULK, "--stream", "0", "--format", "svg", "-o", out]);
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, "");
  const svg = readFileSync(out, "utf8");
  assert.equal(xmlProblem(svg), undefined);
  assert.equal((svg.match(/<line class="arrow/g) ?? []).length, 6);
  assert.equal((svg.match(/<g class="run" data-frames="4-43"/g) ?? []).length, 1);

  writeFileSync(out, "keep me");
  const again = synack(["-r", BULK, "--stream", "0", "--format", "svg", "-o", out]);
  assert.notEqual(again.status, 0);
  assert.match(again.err, /^synack ladder: '.*ladder\.svg' exists; add --force to overwrite it\n$/);
  assert.equal(readFileSync(out, "utf8"), "keep me");
  const forced = synack(["-r", BULK, "--stream", "0", "--format", "svg", "-o", out, "--force", "--collapse", "0"]);
  assert.equal(forced.status, 0, forced.err);
  assert.equal((readFileSync(out, "utf8").match(/<line class="arrow/g) ?? []).length, 46);
});

test("ladder: --json gives the model", () => {
  const r = synack(["-r", FILE, "--stream", "0", "--json"]);
  assert.equal(r.status, 0, r.err);
  const m = JSON.parse(r.out) as { segments: number; items: Array<{ kind: string; frame: number; seq: number }> };
  assert.equal(m.segments, 10);
  assert.deepEqual(m.items.map((i) => i.frame), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test("ladder: one-line errors", () => {
  const cases: Array<[string[], RegExp, number]> = [
    [["-r", FILE, "--stream", "4"], /no stream 4: '.*' has 1 TCP stream \(0\)/, 1],
    [["-r", FILE], /--stream N is required/, 2],
    [["--stream", "0"], /-r FILE is required/, 2],
    [["-r", FILE, "--stream", "x"], /--stream must be an integer/, 2],
    // parseArgs calls a value starting with a dash "ambiguous": the error says how to write it.
    [["-r", FILE, "--stream", "-1"], /^synack ladder: --stream -1: a value starting with '-' is written --stream=-1$/m, 2],
    [["-r", FILE, "--stream=-1"], /--stream must be an integer ≥ 0, not '-1'/, 2],
    [["-r", FILE, "--stream", "0", "--format", "png"], /--format must be ascii or svg/, 2],
    [["-r", join(dir, "missing.pcap"), "--stream", "0"], /no such file/, 1],
    [["-r", join(dir, "ladder-dir"), "--stream", "0", "--bogus"], /bogus/, 2],
  ];
  for (const [args, re, status] of cases) {
    const r = synack(args);
    assert.equal(r.status, status, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
  }
  writeFileSync(join(dir, "junk.pcap"), "not a capture at all");
  const junk = synack(["-r", join(dir, "junk.pcap"), "--stream", "0"]);
  assert.equal(junk.status, 1);
  assert.equal(junk.err.trimEnd().split("\n").length, 1, junk.err);
});
