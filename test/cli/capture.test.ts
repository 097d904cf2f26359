/** `synack capture` as a user runs it: live lines, a file that our reader and tshark read back
 *  after -c, -a and Ctrl-C, and one-line errors with exit 2. Captures are filtered to a port the
 *  test chose, so parallel tests do not see each other's packets. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEchoServer, runEchoClient } from "../../src/lab/index.js";
import { readCaptureBytes } from "../../src/capture/index.js";
import { CLI } from "../support/paths.js";

const AB = new TextEncoder().encode("AB");

interface Run { code: number | null; stdout: string; stderr: string }

function spawnCli(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; result: Promise<Run>; stderrHas: (re: RegExp) => Promise<void>; stdoutLines: (n: number) => Promise<void> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "", stderr = "";
  const waiters: Array<() => void> = [];
  child.stdout!.on("data", (c) => { stdout += c; for (const w of waiters) w(); });
  child.stderr!.on("data", (c) => { stderr += c; for (const w of waiters) w(); });
  const result = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  const until = (ok: () => boolean, what: string) => new Promise<void>((resolve, reject) => {
    const check = () => { if (ok()) resolve(); };
    waiters.push(check);
    check();
    void result.then(() => { if (!ok()) reject(new Error(`exited before ${what}: ${stdout} ${stderr}`)); });
  });
  return {
    child, result,
    stderrHas: (re) => until(() => re.test(stderr), String(re)),
    stdoutLines: (n) => until(() => stdout.split("\n").filter((l) => l !== "").length >= n, `${n} lines`),
  };
}

function tsharkFrames(file: string): number {
  const r = spawnSync("tshark", ["-r", file, "-n", "-T", "fields", "-e", "frame.number"], { encoding: "utf8",
    env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" } });
  assert.equal(r.status, 0, `tshark: ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "").length;
}

function ourFrames(file: string, format: "pcap" | "pcapng"): number {
  const c = readCaptureBytes(new Uint8Array(readFileSync(file)));
  assert.equal(c.fatal, undefined);
  assert.equal(c.info?.format, format);
  return c.records.length;
}

const tmp = () => mkdtempSync(join(tmpdir(), "synack-capture-"));

test("cli capture: -c N stops after N packets, prints a line each, and the file reads back", async () => {
  const server = await startEchoServer({ port: 0 });
  const port = server.address.port;
  const file = join(tmp(), "out.pcapng");
  try {
    const cli = spawnCli(["capture", "-i", "lo", "-f", `tcp port ${port}`, "-c", "4", "-w", file]);
    await cli.stderrHas(/Capturing on 'lo'/);
    await runEchoClient({ host: "127.0.0.1", port, data: AB });
    const r = await cli.result;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^\s+1 +0\.000000000 +127\.0\.0\.1 → 127\.0\.0\.1 +TCP +\d+ \d+ → \d+ \[SYN\] Seq=0 Win=\d+ Len=0/);
    assert.match(lines[1]!, /\[SYN, ACK\] Seq=0 Ack=1 /);
    assert.match(r.stderr, new RegExp(`4 packets captured, written to ${file.replace(/[.]/g, "\\.")}`));
    assert.equal(ourFrames(file, "pcapng"), 4);
    assert.equal(tsharkFrames(file), 4);
  } finally { await server.close(); }
});

test("cli capture: -a duration:1 stops by itself and writes a valid .pcap", async () => {
  const server = await startEchoServer({ port: 0 });
  const port = server.address.port;
  const file = join(tmp(), "out.pcap");
  try {
    const cli = spawnCli(["capture", "-f", `tcp port ${port}`, "-a", "duration:1", "-w", file]);
    await cli.stderrHas(/Capturing on/);
    await runEchoClient({ host: "127.0.0.1", port, data: AB });
    const r = await cli.result;
    assert.equal(r.code, 0, r.stderr);
    const n = ourFrames(file, "pcap");
    assert.ok(n >= 7, `the whole exchange is in the file (${n} packets)`);
    assert.equal(tsharkFrames(file), n);
    assert.equal(r.stdout.split("\n").filter((l) => l !== "").length, n);
  } finally { await server.close(); }
});

test("cli capture: Ctrl-C (SIGINT) leaves a complete, valid file", async () => {
  const server = await startEchoServer({ port: 0 });
  const port = server.address.port;
  const file = join(tmp(), "int.pcapng");
  try {
    const cli = spawnCli(["capture", "-f", `tcp port ${port}`, "-w", file]);
    await cli.stderrHas(/Capturing on/);
    await runEchoClient({ host: "127.0.0.1", port, data: AB });
    await cli.stdoutLines(3);
    cli.child.kill("SIGINT");
    const r = await cli.result;
    assert.equal(r.code, 0, r.stderr);
    const n = ourFrames(file, "pcapng");
    assert.ok(n >= 3);
    assert.equal(tsharkFrames(file), n);
    assert.match(r.stderr, new RegExp(`${n} packets captured`));
  } finally { await server.close(); }
});

test("cli capture: an existing file is refused without --force, replaced with it", async () => {
  const dir = tmp();
  const file = join(dir, "keep.pcapng");
  writeFileSync(file, "mine");
  const r1 = await spawnCli(["capture", "-c", "1", "-w", file]).result;
  assert.equal(r1.code, 2);
  assert.equal(r1.stderr, `synack capture: ${file} exists; choose another name or add --force to overwrite it\n`);
  assert.equal(readFileSync(file, "utf8"), "mine");
  // --force with a capture that cannot start keeps the old file too.
  const r2 = await spawnCli(["capture", "--force", "-f", "tcp and and", "-w", file]).result;
  assert.equal(r2.code, 2);
  assert.equal(readFileSync(file, "utf8"), "mine");
  assert.deepEqual(readdirSync(dir), ["keep.pcapng"], "no partial file left behind");
  const server = await startEchoServer({ port: 0 });
  try {
    const cli = spawnCli(["capture", "--force", "-f", `tcp port ${server.address.port}`, "-c", "1", "-w", file]);
    await cli.stderrHas(/Capturing on/);
    await runEchoClient({ host: "127.0.0.1", port: server.address.port, data: AB });
    const r3 = await cli.result;
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(ourFrames(file, "pcapng"), 1);
  } finally { await server.close(); }
});

function assertOneLineError(r: Run, re: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^synack capture: [^\n]+\n$/);
  assert.match(r.stderr, re);
}

test("cli capture: bad BPF gives tcpdump's reason on one line, exit 2", async () => {
  assertOneLineError(await spawnCli(["capture", "-f", "tcp and and"]).result, /bad capture filter 'tcp and and': can't parse filter expression: syntax error/);
  assertOneLineError(await spawnCli(["capture", "tcp", "port", "nosuchservice"]).result, /bad capture filter 'tcp port nosuchservice'.*nosuchservice/);
});

test("cli capture: unknown interface, exit 2", async () => {
  assertOneLineError(await spawnCli(["capture", "-i", "synack-nope0"]).result, /unknown interface 'synack-nope0'/);
});

test("cli capture: missing tcpdump names the install command, exit 2", async () => {
  const empty = tmp();
  assertOneLineError(await spawnCli(["capture"], { ...process.env, PATH: empty }).result, /tcpdump not found on PATH; install it \(Debian\/Ubuntu: sudo apt-get install tcpdump/);
});

test("cli capture: without permission (unprivileged user) it says how to get it, exit 2", async () => {
  // As root, drop to nobody (uid 65534) for tcpdump; CI runs as root (.ci/run).
  assert.equal(process.getuid?.(), 0, "this test runs as root, like .ci/run");
  const dir = tmp();
  chmodSync(dir, 0o755);
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, "capture", "-c", "1"],
    { encoding: "utf8", cwd: dir });
  assertOneLineError({ code: r.status, stdout: r.stdout, stderr: r.stderr },
    /no permission to capture on lo: run as root, or grant the capability once: sudo setcap cap_net_raw,cap_net_admin=eip/);
});

test("cli capture: usage errors", async () => {
  assertOneLineError(await spawnCli(["capture", "-a", "packets:3"]).result, /-a must be duration:SECONDS/);
  assertOneLineError(await spawnCli(["capture", "-c", "0"]).result, /-c must be a positive integer/);
  assert.equal(existsSync(CLI), true);
});
