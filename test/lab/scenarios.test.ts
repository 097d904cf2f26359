/** Every lab scenario for real (CI runs as root): namespaces, faults, programs, tcpdump. Each
 *  expected phenomenon is judged from synack's analysis, and its display filter is run through
 *  `tshark -Y` on the same capture: the frames must be the same. Scenarios whose outcome depends on
 *  timing are retried once. Several run at a time (each in its own namespaces). */
import { suite, test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labNamespaces, runScenario, SCENARIOS, verdictOf, type LabRun, type Scenario, type Verdict } from "../../src/lab/index.js";

const root = process.getuid?.() === 0;
const hasTshark = spawnSync("tshark", ["-v"], { stdio: "ignore" }).status === 0;
const dir = mkdtempSync(join(tmpdir(), "synack-lab-"));
after(() => { if (process.env.SYNACK_KEEP_LAB === undefined) rmSync(dir, { recursive: true, force: true }); });

/** Frame numbers tshark -Y `filter` keeps in `file`. */
export function tsharkFrames(file: string, filter: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile("tshark", ["-n", "-r", file, "-Y", filter, "-T", "fields", "-e", "frame.number"], { maxBuffer: 64 << 20 }, (err, out, errText) => {
      if (err) { reject(new Error(`tshark -Y '${filter}': ${errText.trim().split("\n")[0]}`)); return; }
      resolve(out.split("\n").filter((l) => l !== "").map(Number));
    });
  });
}

/** Runs a scenario, judges it, writes the capture; a second try for every scenario (a loaded host
 *  once took sack-loss over IPv6 past its dup-ACK window), a third for timing-dependent ones. */
async function attempt(s: Scenario, family: 4 | 6): Promise<{ run: LabRun; verdict: Verdict; file: string; tries: number }> {
  let last: { run: LabRun; verdict: Verdict; file: string; tries: number } | undefined;
  for (let tries = 1; tries <= (s.timing ? 3 : 2); tries++) {
    const run = await runScenario(s, { family });
    const verdict = await verdictOf(s, run.pcapng);
    const file = join(dir, `${s.name}-v${family}-${tries}.pcapng`);
    writeFileSync(file, run.pcapng);
    last = { run, verdict, file, tries };
    if (verdict.ok) break;
  }
  return last!;
}

const timings: string[] = [];
after(() => { if (timings.length > 0) process.stdout.write(`# lab scenario times: ${timings.join(", ")}\n`); });

function scenarioTest(s: Scenario, family: 4 | 6): void {
  test(`lab ${s.name}${family === 6 ? " (IPv6)" : ""}: every phenomenon present, synack's frames = tshark's`, async () => {
    const { run, verdict, file, tries } = await attempt(s, family);
    timings.push(`${s.name}${family === 6 ? "/v6" : ""} ${(run.durationMs / 1000).toFixed(1)} s${tries > 1 ? " (2nd try)" : ""}`);
    const bad = verdict.phenomena.filter((p) => !p.ok).map((p) => `${p.id}: ${p.why}`);
    assert.deepEqual(bad, [], `${s.name}: ${run.packets.length} packets, ${file}`);
    assert.ok(run.durationMs < 15_000, `${s.name} took ${run.durationMs} ms`);
    if (family === 4) done.push({ s, verdict, file });
  });
}

/** IPv4 captures judged by synack, cross-checked by tshark after all runs (tshark takes ~1.5 s to
 *  start: beside the scenarios it would slow their timing; the IPv6 runs are judged by synack only). */
const done: Array<{ s: Scenario; verdict: Verdict; file: string }> = [];

/** Runs `jobs` with at most `n` at a time. */
async function pool<T>(jobs: Array<() => Promise<T>>, n: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < jobs.length) { const i = next++; out[i] = await jobs[i]!(); } }));
  return out;
}

suite("lab scenarios", { concurrency: 2, skip: !root && "needs root (network namespaces)" }, () => {
  for (const s of SCENARIOS) scenarioTest(s, 4);
  for (const name of ["handshake-echo", "sack-loss", "reordering", "zero-window", "simultaneous-open"]) {
    scenarioTest(SCENARIOS.find((s) => s.name === name)!, 6);
  }
});

test("lab: tshark -Y keeps the same frames as synack for every phenomenon of every capture", { skip: (!root && "needs root") || (!hasTshark && "tshark missing") }, async () => {
  assert.ok(done.length >= SCENARIOS.length, `only ${done.length} captures`);
  const jobs = done.flatMap(({ s, verdict, file }) => verdict.phenomena.filter((p) => !p.filter.includes("synack.")).map((p) => async () => {
    const t = await tsharkFrames(file, p.filter);
    return t.join(",") === p.frames.join(",") ? "" : `${file} ${p.id} '${p.filter}': synack ${p.frames.join(",")} tshark ${t.join(",")}`;
  }));
  assert.deepEqual((await pool(jobs, 6)).filter((x) => x !== ""), []);
});

test("lab: after the scenarios no namespace, veth, nft table or qdisc of this run remains", { skip: !root && "needs root" }, () => {
  assert.deepEqual(labNamespaces().filter((n) => n.startsWith(`synack-${process.pid}-`)), []);
  const links = spawnSync("ip", ["-o", "link"], { encoding: "utf8" }).stdout;
  assert.doesNotMatch(links, /synack/, "no synack veth in the host");
  const tables = spawnSync("nft", ["list", "tables"], { encoding: "utf8" }).stdout ?? "";
  assert.doesNotMatch(tables, /synack/, "no synack nft table in the host");
  const qdiscs = spawnSync("tc", ["qdisc", "show"], { encoding: "utf8" }).stdout;
  assert.doesNotMatch(qdiscs, /synack|htb|tbf/, "no lab qdisc in the host");
});
