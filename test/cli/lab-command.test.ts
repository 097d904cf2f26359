/** `synack lab`: list, show (a recorded capture, also without privileges), run (as root), and the
 *  one-line errors: bad names and options, no privileges, a missing tool. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, symlinkSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { labNamespaces, SCENARIOS } from "../../src/lab/index.js";
import { readCaptureBytes } from "../../src/capture/index.js";
import { CLI } from "../support/paths.js";

const root = process.getuid?.() === 0;
const cli = (args: string[], opts: { uid?: number; env?: NodeJS.ProcessEnv } = {}) => spawnSync(process.execPath, [CLI, ...args],
  { encoding: "utf8", ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}), ...(opts.env ? { env: opts.env } : {}) });
const NOBODY = 65534;
const oneLine = (s: string) => s.split("\n").filter((l) => l !== "").length === 1;

test("cli lab list: every scenario with its title", () => {
  const r = cli(["lab", "list"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, SCENARIOS.length);
  for (const s of SCENARIOS) assert.ok(lines.some((l) => l.startsWith(s.name + " ") && l.includes(s.title)), s.name);
  assert.doesNotMatch(r.stdout, /no recorded capture/, "every scenario has a recorded capture");
});

test("cli lab: bad subcommand, name or option is one line and exit 2", () => {
  for (const args of [["lab"], ["lab", "frob"], ["lab", "run"], ["lab", "run", "no-such"], ["lab", "show", "no-such"],
    ["lab", "run", "sack-loss", "--seed", "x"], ["lab", "show", "sack-loss", "--ipv6"], ["lab", "list", "extra"], ["lab", "run", "sack-loss", "--bogus"]]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(oneLine(r.stderr), `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^synack lab: /);
    assert.equal(r.stdout, "");
  }
  assert.equal(cli(["lab", "run", "no-such"]).stderr, "synack lab: unknown scenario 'no-such' (synack lab list shows them)\n");
});

test("cli lab show: the recorded capture's list, ladder, key packets and verdict, exit 0", () => {
  const r = cli(["lab", "show", "sack-loss"]);
  assert.equal(r.status, 0, r.stderr);
  for (const h of ["== sack-loss:", "== Setup ==", "== Packet list ==", "== Ladder (TCP stream 0) ==", "== Key packets ==", "== Verdict =="]) assert.ok(r.stdout.includes(h), h);
  assert.match(r.stdout, /ok {3}present fast-retransmission: .*\(frames? \d+/);
  assert.match(r.stdout, /retransmits at once after duplicate ACKs/);
  assert.match(r.stdout, /all 4 expected phenomena seen\n$/);
});

test("cli lab show duplicate: the copy is not called a timeout, and the D-SACK names the bytes received twice", () => {
  const r = cli(["lab", "show", "duplicate"]);
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.replace(/\n +/g, " ");
  // Hand-checked on captures/lab/duplicate.pcapng: frame 9 = frame 8 (seq 2897, 1448 bytes) 0.7 µs
  // later; frame 11 repeats frame 10's ACK 4345 with SACK 2897–4345.
  assert.match(text, /frame 9 repeats frame 8 0\.000 ms later, before any ACK could come back \(iRTT 0\.\d{3} ms\): a copy made on the way/);
  assert.doesNotMatch(text, /frame 9 retransmits/);
  assert.match(text, /frame 11 repeats the ACK of frame 10 \(duplicate ACK #1\) with a D-SACK: the server got bytes 2897–4345 twice/);
  assert.match(text, /option: SACK 2897–4345 — a D-SACK: the first block, 2897–4345, ends at or below the ack 4345: those bytes arrived twice/);
});

test("cli lab show works without privileges; lab run says what it needs, exit 2", { skip: !root && "needs root to switch to nobody" }, (t) => {
  // A checkout under a private folder (mode 700) cannot be read by nobody at all: nothing to test there.
  const probe = spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(CLI)})`], { uid: NOBODY, gid: NOBODY });
  if (probe.status !== 0) { t.skip("user nobody cannot read this checkout"); return; }
  const show = cli(["lab", "show", "data-lost"], { uid: NOBODY });
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /retransmits frame \d+: no ACK came for \d+\.\d+ ms, the retransmission timeout/);
  const run = cli(["lab", "run", "data-lost"], { uid: NOBODY });
  assert.equal(run.status, 2);
  assert.ok(oneLine(run.stderr), run.stderr);
  assert.match(run.stderr, /needs root, or CAP_NET_ADMIN and CAP_NET_RAW .*synack lab show NAME/);
});

test("cli lab run: a missing tool names its Debian package, exit 2", { skip: !root && "needs root" }, () => {
  const bin = mkdtempSync(join(tmpdir(), "synack-path-"));
  try {
    for (const t of ["ip", "tc", "tcpdump", "ethtool", "sysctl", "sh"]) {
      const where = spawnSync("sh", ["-c", `command -v ${t}`], { encoding: "utf8" }).stdout.trim();
      if (where !== "") symlinkSync(where, join(bin, t));
    }
    chmodSync(bin, 0o755);
    const r = cli(["lab", "run", "handshake-echo"], { env: { PATH: `${bin}:${dirname(process.execPath)}` } });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, "synack lab: nft not found: install nftables (Debian/Ubuntu: sudo apt-get install nftables)\n");
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test("cli lab run -w: runs for real, writes the capture, exit 0 when all phenomena are present", { skip: !root && "needs root" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-labrun-"));
  try {
    const file = join(dir, "closed.pcapng");
    const r = cli(["lab", "run", "closed-port", "-w", file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /capture \(2 packets\) written to /);
    assert.match(r.stdout, /program: ECONNREFUSED/);
    assert.equal(readCaptureBytes(new Uint8Array(readFileSync(file))).records.length, 2);
    const again = cli(["lab", "run", "closed-port", "-w", file]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists; add --force/);
    const v6 = cli(["lab", "run", "handshake-echo", "--ipv6"]);
    assert.equal(v6.status, 0, v6.stderr);
    assert.match(v6.stdout, /fd53:796e:6163::1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cli lab run killed with SIGKILL mid-scenario: the next lab run sweeps its namespaces", { skip: !root && "needs root" }, async () => {
  const child = spawn(process.execPath, [CLI, "lab", "run", "keep-alive"], { stdio: "ignore" });
  const pid = child.pid!;
  const mine = () => labNamespaces().filter((n) => n.startsWith(`synack-${pid}-`));
  try {
    const end = Date.now() + 10_000;
    while (mine().length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.equal(mine().length, 2, "the run's namespaces appeared");
    await new Promise((r) => setTimeout(r, 1000)); // programs and tcpdump are running inside
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    assert.equal(mine().length, 2, "SIGKILL leaves them");
    const next = cli(["lab", "run", "closed-port"]);
    assert.equal(next.status, 0, next.stderr);
    assert.deepEqual(mine(), []);
  } finally {
    child.kill("SIGKILL");
  }
});
