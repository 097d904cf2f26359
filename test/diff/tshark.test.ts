/** The tshark differential test: every capture of shared/captures (public + malformed) and of the
 *  spec probes, every frame × field of the 62 reference fields, against tshark 4.0.17's
 *  `.tshark.tsv`. Known gaps live in known-diffs.tsv (capture, frame, field, reason, issue): a new
 *  mismatch fails, and so does a listed gap that vanished. Agreement per field group is printed.
 *  A few captures also run end to end through `node dist/cli/main.js read` with make-refs.sh's
 *  exact options, comparing stdout bytes and the exit status. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, REPO_ROOT, sharedDir } from "../support/paths.js";
import { compareAll, fieldGroup } from "./compare.js";

const LEDGER = join(REPO_ROOT, "test", "diff", "known-diffs.tsv");

/** The reference command's options (shared/captures/make-refs.sh), fields included. */
export function makeRefsArgs(): string[] {
  const script = readFileSync(join(sharedDir(), "captures", "make-refs.sh"), "utf8");
  const fields = /FIELDS=\(([\s\S]*?)\)/.exec(script)![1]!.split(/\s+/).filter((f) => f !== "");
  const args = ["-n", "-d", "tcp.port==1-65535,data",
    "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
    "-o", "tcp.track_bytes_in_flight:TRUE", "-o", "tcp.calculate_timestamps:TRUE", "-o", "tcp.check_checksum:FALSE",
    "-Y", "tcp", "-T", "fields", "-E", "header=y", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,",
    "-E", "quote=n"];
  for (const f of fields) args.push("-e", f);
  return args;
}

function ledger(): Map<string, { reason: string; issue: string }> {
  const out = new Map<string, { reason: string; issue: string }>();
  for (const line of readFileSync(LEDGER, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#") || line.startsWith("capture\t")) continue;
    const [capture, frame, field, reason, issue] = line.split("\t");
    assert.ok(reason !== undefined && reason.trim() !== "" && !/^unknown$/i.test(reason.trim()), `ledger line without a reason: ${line}`);
    out.set(`${capture}\t${frame}\t${field}`, { reason: reason!, issue: issue ?? "" });
  }
  return out;
}

test("tshark diff: every corpus and probe cell equals tshark 4.0.17 except the ledger", async () => {
  const { diffs, tally } = await compareAll();
  const known = ledger();
  const seen = new Set<string>();
  const fresh: string[] = [];
  for (const d of diffs) {
    const key = `${d.capture}\t${d.frame}\t${d.field}`;
    seen.add(key);
    if (!known.has(key)) fresh.push(`${d.capture} frame ${d.frame} ${d.field}: want ${JSON.stringify(d.want)} got ${JSON.stringify(d.got)}`);
  }
  const vanished = [...known.keys()].filter((k) => !seen.has(k)).map((k) => `gap vanished (remove from known-diffs.tsv): ${k.replaceAll("\t", " ")}`);
  const groups = new Map<string, { total: number; equal: number }>();
  let total = 0, equal = 0;
  for (const [f, c] of tally) {
    const g = groups.get(fieldGroup(f)) ?? { total: 0, equal: 0 };
    g.total += c.total; g.equal += c.equal; groups.set(fieldGroup(f), g);
    total += c.total; equal += c.equal;
  }
  const pct = (e: number, t: number): string => `${(100 * e / t).toFixed(3)} % (${e}/${t})`;
  for (const [g, c] of groups) console.log(`# tshark diff ${g}: ${pct(c.equal, c.total)}`);
  console.log(`# tshark diff total: ${pct(equal, total)}; ledger ${known.size} cells`);
  assert.deepEqual(fresh.slice(0, 20), [], `${fresh.length} new mismatches; first: ${fresh[0] ?? ""}`);
  assert.deepEqual(vanished.slice(0, 20), []);
  assert.ok(equal / total >= 0.999, `agreement ${pct(equal, total)} is below 99.9 %`);
});

/** Runs `synack read -r <capture> <make-refs options>` in the captures folder, as make-refs.sh does. */
function runRead(rel: string): { stdout: Buffer; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, "read", "-r", rel, ...makeRefsArgs()],
    { cwd: join(sharedDir(), "captures"), maxBuffer: 64 << 20 });
  return { stdout: r.stdout, stderr: r.stderr.toString(), status: r.status };
}

for (const rel of ["public/tcpdump/mptcp-aa-v1.pcap", "public/ndpi/weibo.pcap", "malformed/ndpi/ajp.pcap",
  "public/zeek/tunnels__gre-aruba.pcap"]) {
  test(`tshark diff, CLI end to end: ${rel} prints the reference bytes`, () => {
    assert.ok(existsSync(CLI), `${CLI} missing: build first`);
    const r = runRead(rel);
    assert.equal(r.status, 0, r.stderr);
    const want = readFileSync(join(sharedDir(), "captures", rel + ".tshark.tsv"));
    assert.ok(r.stdout.equals(want), "stdout differs from the .tshark.tsv");
  });
}

test("tshark diff, CLI: a file cut mid-packet prints the rows before and exits 2 like tshark", () => {
  const rel = "malformed/ndpi/fuzz-2021-10-13.pcap";
  const r = runRead(rel);
  const err = readFileSync(join(sharedDir(), "captures", rel + ".tshark.err"), "utf8");
  assert.equal(r.status, Number(/# tshark exit status: (\d+)/.exec(err)![1]));
  assert.ok(r.stdout.equals(readFileSync(join(sharedDir(), "captures", rel + ".tshark.tsv"))));
  assert.match(r.stderr, /appears to have been cut short in the middle of a packet/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

test("tshark diff, CLI: a refused file exits 2 with one line and no rows", () => {
  const r = runRead("malformed/libpcap/pcapng-invalid-vers-1.pcapng");
  assert.equal(r.status, 2);
  assert.equal(r.stdout.length, 0);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
