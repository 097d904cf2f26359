import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { once } from "node:events";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEchoServer } from "../../src/lab/index.js";
import { CLI } from "../support/paths.js";
import { freePort } from "../support/net.js";

/** Runs the CLI to completion (async, so servers in this process keep serving). */
function runCli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c) => { stdout += c; });
    child.stderr.on("data", (c) => { stderr += c; });
    child.stdin.end(input ?? "");
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running child and resolves with the first stdout line matching `re`. */
async function waitLine(child: ChildProcess, re: RegExp, ms = 5000): Promise<RegExpMatchArray> {
  let buf = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} in: ${buf}`)), ms);
    child.stdout!.on("data", (c) => {
      buf += c;
      const m = buf.match(re);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before ${re}: ${buf}`)); });
  });
}


const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;

test("cli server: --port 0 prints the port, logs connections, SIGINT exits 0", async () => {
  const child = spawn(process.execPath, [CLI, "server", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const [, port] = await waitLine(child, /listening on 127\.0\.0\.1:(\d+)/);
    const seen = waitLine(child, /Closed 127\.0\.0\.1:\d+: echoed 2 bytes/);
    const r = await runCli(["client", "--host", "127.0.0.1", "--port", port!]);
    assert.equal(r.code, 0, r.stderr);
    await seen;
    const exited = once(child, "exit");
    child.kill("SIGINT");
    const [code] = await exited;
    assert.equal(code, 0);
  } finally {
    child.kill("SIGKILL");
  }
});

test("cli server: SIGTERM also exits 0", async () => {
  const child = spawn(process.execPath, [CLI, "server", "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
  await waitLine(child, /listening on/);
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  assert.deepEqual(await exited, [0, null]);
});

test("cli server: a busy port is one line on stderr and exit 1", async () => {
  const busy = await startEchoServer({ host: "127.0.0.1", port: 0 });
  try {
    const r = await runCli(["server", "--port", String(busy.address.port)]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `synack server: 127.0.0.1:${busy.address.port} is already in use\n`);
  } finally {
    await busy.close();
  }
});

test("cli server: a bad option value is a one-line usage error, exit 2", async () => {
  const r = await runCli(["server", "--port", "70000"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "synack server: --port must be a number from 0 to 65535, not '70000'\n");
  const u = await runCli(["server", "--bogus"]);
  assert.equal(u.code, 2);
  assert.equal(u.stderr.split("\n").length, 2, u.stderr);
});

test("cli client: prints text and hex, exit 0 on a matching echo", async () => {
  const server = await startEchoServer({ host: "127.0.0.1", port: 0 });
  try {
    const r = await runCli(["client", "--host", "127.0.0.1", "--port", String(server.address.port)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sent {5}2 byte\(s\): "AB" {2}hex 41 42/);
    assert.match(r.stdout, /Received 2 byte\(s\): "AB" {2}hex 41 42/);
    assert.match(r.stdout, /Echo matches/);
    const file = join(mkdtempSync(join(tmpdir(), "synack-")), "data.bin");
    writeFileSync(file, Buffer.from([0, 1, 2, 0x41, 0x0a]));
    const f = await runCli(["client", "--host", "127.0.0.1", "--port", String(server.address.port), "--file", file]);
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stdout, /Received 5 byte\(s\): "\\x00\\x01\\x02A\\n" {2}hex 00 01 02 41 0a/);
    const s = await runCli(["client", "--host", "127.0.0.1", "--port", String(server.address.port), "-"], "from stdin");
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /Received 10 byte\(s\): "from stdin"/);
    const rst = await runCli(["client", "--host", "127.0.0.1", "--port", String(server.address.port), "--close", "reset"]);
    assert.equal(rst.code, 0, rst.stderr);
    assert.match(rst.stdout, /reset \(RST\)/);
  } finally {
    await server.close();
  }
});

test("cli client: exit 1 when the echo differs", async () => {
  const liar = createServer({ allowHalfOpen: true }, (s) => {
    s.on("data", (d: Buffer) => s.write(Buffer.from(d.toString().toLowerCase())));
    s.on("end", () => s.end());
    s.on("error", () => {});
  }).listen(0, "127.0.0.1");
  await once(liar, "listening");
  try {
    const r = await runCli(["client", "--host", "127.0.0.1", "--port", String((liar.address() as AddressInfo).port)]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Received 2 byte\(s\): "ab"/);
    assert.match(r.stdout, /Echo differs at byte 0/);
  } finally {
    liar.close();
  }
});

test("cli client: refused connection is one line and exit 2", async () => {
  const port = await freePort();
  const r = await runCli(["client", "--host", "127.0.0.1", "--port", String(port)]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `synack client: connection refused by 127.0.0.1:${port}\n`);
  assert.equal(r.stdout, "");
});

test("cli client: a server that never answers times out with exit 2", async () => {
  const held = new Set<import("node:net").Socket>();
  const mute = createServer((s) => { held.add(s); s.on("error", () => {}); }).listen(0, "127.0.0.1");
  await once(mute, "listening");
  try {
    const port = (mute.address() as AddressInfo).port;
    const r = await runCli(["client", "--host", "127.0.0.1", "--port", String(port), "--timeout", "300"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `synack client: timed out after 300 ms waiting for the echo from 127.0.0.1:${port}\n`);
  } finally {
    for (const s of held) s.destroy();
    mute.close();
  }
});

test("interop: the article-style Python client against our server", { skip: !hasPython && "python3 missing" }, async () => {
  const server = await startEchoServer({ host: "127.0.0.1", port: 0 });
  try {
    const py = [
      "import socket, sys",
      "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
      `s.connect(('127.0.0.1', ${server.address.port}))`,
      "s.send(b'AB')",
      "got = b''",
      "while len(got) < 2:",
      "    chunk = s.recv(8192)",
      "    if not chunk: break",
      "    got += chunk",
      "s.shutdown(socket.SHUT_RDWR)",
      "print(got.decode())",
    ].join("\n");
    const child = spawn("python3", ["-c", py], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => { out += c; });
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
    assert.equal(out, "AB\n");
  } finally {
    await server.close();
  }
});

test("interop: our client against a Python socketserver echo server", { skip: !hasPython && "python3 missing" }, async () => {
  const py = [
    "from socketserver import BaseRequestHandler, TCPServer",
    "import sys",
    "class H(BaseRequestHandler):",
    "    def handle(self):",
    "        while True:",
    "            m = self.request.recv(8192)",
    "            if not m: break",
    "            self.request.sendall(m)",
    "srv = TCPServer(('127.0.0.1', 0), H)",
    "print(srv.server_address[1], flush=True)",
    "srv.serve_forever()",
  ].join("\n");
  const child = spawn("python3", ["-c", py], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const [, port] = await waitLine(child, /^(\d+)\n/);
    const r = await runCli(["client", "--host", "127.0.0.1", "--port", port!, "--data", "hello from synack"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Received 17 byte\(s\): "hello from synack"/);
  } finally {
    child.kill("SIGKILL");
  }
});

test("cli demo: server and client on port 20000 (or a free port) and exit 0", async () => {
  const r = await runCli(["demo"]);
  assert.equal(r.code, 0, r.stderr);
  const port = r.stdout.match(/listening on 127\.0\.0\.1:(\d+)/)?.[1];
  assert.ok(port, r.stdout);
  if (port !== "20000") assert.match(r.stdout, /port 20000 is busy/);
  assert.match(r.stdout, /Got connection from 127\.0\.0\.1:\d+/);
  assert.match(r.stdout, /received "AB" = 41 42/);
});

test("cli: unknown command is one line and exit 2", async () => {
  const r = await runCli(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "synack: unknown command 'frobnicate' (try synack --help)\n");
});
