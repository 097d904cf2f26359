import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { startEchoServer, runEchoClient, EchoServerError, type EchoServerHandle } from "../../src/lab/index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function withServer<T>(fn: (s: EchoServerHandle, lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const server = await startEchoServer({ host: "127.0.0.1", port: 0, log: (l) => lines.push(l) });
  try {
    return await fn(server, lines);
  } finally {
    await server.close(200);
  }
}

/** Opens a raw socket that allows half-open, for the tests that drive TCP by hand. */
async function rawConnect(port: number): Promise<Socket> {
  const s = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  await once(s, "connect");
  return s;
}

function collect(s: Socket): Promise<{ data: Buffer; sawEnd: boolean }> {
  const chunks: Buffer[] = [];
  let sawEnd = false;
  s.on("data", (c: Buffer) => chunks.push(c));
  s.on("end", () => { sawEnd = true; });
  return new Promise((resolve, reject) => {
    s.on("error", reject);
    s.on("close", () => resolve({ data: Buffer.concat(chunks), sawEnd }));
  });
}

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

test("server: the article's exchange (AB in, AB out) with connection and close lines", async () => {
  await withServer(async (server, lines) => {
    const r = await runEchoClient({ host: "127.0.0.1", port: server.address.port });
    assert.equal(Buffer.from(r.received).toString("latin1"), "AB");
    assert.equal(Buffer.from(r.sent).toString("latin1"), "AB");
    assert.ok(r.durationNs > 0);
    await waitFor(() => lines.length >= 2);
    assert.equal(lines[0], `Got connection from 127.0.0.1:${r.local.port}`);
    assert.equal(lines[1], `Closed 127.0.0.1:${r.local.port}: echoed 2 bytes`);
    assert.equal(server.stats().accepted, 1);
    // Node 20's accepted sockets can be moved onto the shared read buffer (the fast path
    // bench:echo measures); if a Node release moves that internal, this says so.
    assert.equal(server.stats().sharedBufferConnections, 1);
    assert.equal(server.address.family, "IPv4");
    assert.ok(server.address.port > 0);
  });
});

test("server: 10 MiB of random bytes come back exactly (sha256)", async () => {
  await withServer(async (server) => {
    const data = randomBytes(10 * 1024 * 1024);
    const r = await runEchoClient({ host: "127.0.0.1", port: server.address.port, data, timeoutMs: 20000 });
    assert.equal(r.received.length, data.length);
    assert.equal(sha(r.received), sha(data));
  });
});

test("server: half-close — after our FIN the server sends all remaining echo, then its FIN", async () => {
  await withServer(async (server) => {
    const s = await rawConnect(server.address.port);
    const done = collect(s);
    const data = randomBytes(4 * 1024 * 1024);
    s.end(data); // data then FIN at once: the server must still echo every byte after our FIN
    const { data: got, sawEnd } = await done;
    assert.equal(sawEnd, true, "server sent its FIN");
    assert.equal(got.length, data.length);
    assert.equal(sha(got), sha(data));
  });
});

test("server: 1,000 concurrent clients are all echoed", async () => {
  await withServer(async (server) => {
    const n = 1000;
    const results = await Promise.all(Array.from({ length: n }, (_, i) =>
      runEchoClient({ host: "127.0.0.1", port: server.address.port,
        data: Buffer.from(`client ${i} says hello`), timeoutMs: 20000 })));
    for (let i = 0; i < n; i++) {
      assert.equal(Buffer.from(results[i]!.received).toString(), `client ${i} says hello`);
    }
    assert.equal(server.stats().accepted, n);
  });
});

test("server: a client that resets mid-stream does not disturb the others", async () => {
  await withServer(async (server, lines) => {
    const victim = await rawConnect(server.address.port);
    victim.on("error", () => {});
    victim.write(randomBytes(256 * 1024));
    await new Promise((r) => setTimeout(r, 20));
    victim.resetAndDestroy();
    const others = await Promise.all(Array.from({ length: 20 }, () =>
      runEchoClient({ host: "127.0.0.1", port: server.address.port, data: randomBytes(64 * 1024) })));
    for (const r of others) assert.equal(sha(r.received), sha(r.sent));
    await waitFor(() => server.connections === 0);
    assert.equal(server.connections, 0);
    assert.ok(lines.some((l) => /^Closed 127\.0\.0\.1:\d+: echoed \d+ bytes? \((ECONNRESET|EPIPE)\)$/.test(l)),
      `a close line names the reset: ${lines.filter((l) => l.includes("(")).join(" | ")}`);
    const after = await runEchoClient({ host: "127.0.0.1", port: server.address.port });
    assert.equal(Buffer.from(after.received).toString(), "AB");
  });
});

test("server: a slow reader cannot grow server memory (backpressure), and still gets every byte", async () => {
  await withServer(async (server) => {
    const total = 64 * 1024 * 1024;
    const s = await rawConnect(server.address.port);
    s.pause(); // do not read the echo yet
    const data = randomBytes(1024 * 1024);
    let queued = 0;
    const writeMore = () => {
      while (queued < total) {
        queued += data.length;
        if (!s.write(data)) { s.once("drain", writeMore); return; }
      }
      s.end();
    };
    writeMore();
    // Let every buffer between us and the server fill up and stay full.
    await new Promise((r) => setTimeout(r, 800));
    const stalled = server.stats();
    assert.ok(queued < total, "the client cannot push all 64 MiB while nobody reads the echo");
    assert.ok(stalled.maxBufferedBytes < 1024 * 1024,
      `server held at most ${stalled.maxBufferedBytes} bytes for one peer`);
    // Now read: everything arrives, in order.
    let got = 0, bad = false;
    s.on("data", (c: Buffer) => {
      for (let i = 0; i < c.length; i += 4093) if (c[i] !== data[(got + i) % data.length]) bad = true;
      got += c.length;
    });
    s.resume();
    await once(s, "end");
    assert.equal(got, total);
    assert.equal(bad, false);
    assert.ok(server.stats().maxBufferedBytes < 1024 * 1024);
    s.destroy();
  });
});

test("server: a busy port is an EchoServerError with code EADDRINUSE", async () => {
  await withServer(async (server) => {
    await assert.rejects(startEchoServer({ host: "127.0.0.1", port: server.address.port }),
      (err: unknown) => err instanceof EchoServerError && err.code === "EADDRINUSE"
        && err.message === `127.0.0.1:${server.address.port} is already in use`);
  });
});

test("server: IPv6 loopback works and peers print in brackets", async () => {
  const lines: string[] = [];
  let server: EchoServerHandle;
  try {
    server = await startEchoServer({ host: "::1", port: 0, log: (l) => lines.push(l) });
  } catch (err) {
    assert.ok(err instanceof EchoServerError && err.code === "EADDRNOTAVAIL", String(err));
    return; // no IPv6 loopback on this machine
  }
  try {
    const r = await runEchoClient({ host: "::1", port: server.address.port });
    assert.equal(Buffer.from(r.received).toString(), "AB");
    assert.equal(server.address.family, "IPv6");
    await waitFor(() => lines.length >= 1);
    assert.equal(lines[0], `Got connection from [::1]:${r.local.port}`);
  } finally {
    await server.close();
  }
});

test("server: close() ends open connections and resolves", async () => {
  const server = await startEchoServer({ host: "127.0.0.1", port: 0 });
  const s = await rawConnect(server.address.port);
  const done = collect(s);
  s.on("end", () => s.end());
  await waitFor(() => server.connections === 1);
  await server.close(500);
  const { sawEnd } = await done;
  assert.equal(sawEnd, true);
  assert.equal(server.connections, 0);
});
