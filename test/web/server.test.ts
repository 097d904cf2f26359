/** The `synack ui` server's guards, over plain HTTP and WebSocket (no browser needed). */
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { WebSocket } from "ws";
import { startUiServer, type UiServer } from "../../src/web/server.js";
import { sharedDir, CLI } from "../support/paths.js";

const FILE = join(sharedDir(), "captures", "public", "zeek", "tcp__ssh-dups.pcap");

/** A GET with an explicit Host header; resolves status and body. */
function get(port: number, path: string, host = `127.0.0.1:${port}`, method = "GET"): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (c: string) => { body += c; });
      res.on("end", () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", fail);
    req.end();
  });
}

suite("web/server guards", () => {
  let server: UiServer;
  before(async () => { server = await startUiServer({ file: FILE, port: 0 }); });
  after(async () => { await server.close(); });

  test("listens on 127.0.0.1 and prints a URL with a 32-hex-digit token", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
  });

  test("the API needs the token", async () => {
    assert.equal((await get(server.port, "/api/session")).status, 403);
    assert.equal((await get(server.port, "/api/capture?token=nope")).status, 403);
    assert.equal((await get(server.port, `/api/capture?token=${server.token}x`)).status, 403);
    const ok = await get(server.port, `/api/capture?token=${server.token}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.length, (await import("node:fs")).statSync(FILE).size);
  });

  test("a foreign Host header is refused (DNS rebinding)", async () => {
    assert.equal((await get(server.port, `/api/session?token=${server.token}`, `evil.example:${server.port}`)).status, 403);
    assert.equal((await get(server.port, "/", `evil.example:${server.port}`)).status, 403);
    assert.equal((await get(server.port, "/", `127.0.0.1:${server.port + 1}`)).status, 403);
    assert.equal((await get(server.port, "/", `localhost:${server.port}`)).status, 200);
  });

  test("the page is served with a CSP that forbids inline script", async () => {
    const r = await get(server.port, "/");
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-security-policy"]), /script-src 'self'(;|$)/);
    assert.equal((await get(server.port, "/../../package.json")).status, 404);
    assert.equal((await get(server.port, "/%2e%2e/%2e%2e/package.json")).status, 404);
  });

  test("the WebSocket needs the token, the Host and a matching Origin", async () => {
    const live = await startUiServer({ port: 0, token: "t0ken", live: { iface: "nonexistent-iface0" } });
    try {
      const tryWs = (url: string, headers: Record<string, string> = {}): Promise<string> => new Promise((ok) => {
        const ws = new WebSocket(url, { headers });
        ws.on("open", () => { ws.close(); ok("open"); });
        ws.on("error", () => ok("refused"));
      });
      const base = `ws://127.0.0.1:${live.port}/ws`;
      assert.equal(await tryWs(base), "refused");
      assert.equal(await tryWs(`${base}?token=wrong`), "refused");
      assert.equal(await tryWs(`${base}?token=t0ken`, { origin: "http://evil.example" }), "refused");
      assert.equal(await tryWs(`${base}?token=t0ken`, { host: `evil.example:${live.port}` }), "refused");
      assert.equal(await tryWs(`${base}?token=t0ken`), "open");
      const s = await get(live.port, "/api/session?token=t0ken");
      assert.match(JSON.parse(s.body).liveError, /nonexistent-iface0/, "a capture that cannot start is reported to the page");
    } finally {
      await live.close();
    }
  });

  test("synack ui: bad input is one line and a non-zero exit", async () => {
    const run = (args: string[]): Promise<{ code: number | null; err: string }> => new Promise((ok) => {
      const c = spawn(process.execPath, [CLI, "ui", ...args], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      c.stderr.on("data", (d: Buffer) => { err += d.toString(); });
      c.on("close", (code) => ok({ code, err }));
    });
    const missing = await run(["-r", "/nonexistent/x.pcap"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.err, "synack ui: /nonexistent/x.pcap: no such file\n");
    const port = await run(["--port", "70000"]);
    assert.equal(port.code, 2);
    assert.equal(port.err.split("\n").length, 2);
  });
});
