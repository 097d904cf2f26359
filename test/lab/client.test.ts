import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { once } from "node:events";
import { runEchoClient, EchoClientError, sameBytes } from "../../src/lab/index.js";

/** A plain node:net echo peer (not our server) that records how each connection ended. */
async function peer(): Promise<{ port: number; ends: string[]; close: () => void }> {
  const ends: string[] = [];
  const socks = new Set<Socket>();
  const srv = createServer({ allowHalfOpen: true }, (s) => {
    socks.add(s);
    s.on("data", (d) => s.write(d));
    s.on("end", () => { ends.push("fin"); s.end(); });
    s.on("error", (e: NodeJS.ErrnoException) => ends.push(e.code ?? "error"));
  }).listen(0, "127.0.0.1");
  await once(srv, "listening");
  return { port: (srv.address() as AddressInfo).port, ends,
    close: () => { for (const s of socks) s.destroy(); srv.close(); } };
}

test("client: shutdown sends FIN after the echo and waits for the peer's FIN", async () => {
  const p = await peer();
  try {
    const r = await runEchoClient({ host: "127.0.0.1", port: p.port, data: new TextEncoder().encode("AB") });
    assert.ok(sameBytes(r.received, r.sent));
    assert.deepEqual(p.ends, ["fin"]);
    assert.equal(r.remote.port, p.port);
    assert.equal(r.local.host, "127.0.0.1");
  } finally { p.close(); }
});

test("client: reset aborts with RST once the echo arrived", async () => {
  const p = await peer();
  try {
    const r = await runEchoClient({ host: "127.0.0.1", port: p.port, close: "reset" });
    assert.equal(new TextDecoder().decode(r.received), "AB");
    const end = Date.now() + 2000;
    while (p.ends.length === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 10));
    assert.deepEqual(p.ends, ["ECONNRESET"]);
  } finally { p.close(); }
});

test("client: empty data still connects and shuts down cleanly", async () => {
  const p = await peer();
  try {
    const r = await runEchoClient({ host: "127.0.0.1", port: p.port, data: new Uint8Array(0) });
    assert.equal(r.received.length, 0);
  } finally { p.close(); }
});

test("client: refused connection rejects with EchoClientError ECONNREFUSED", async () => {
  const p = await peer();
  p.close();
  await assert.rejects(runEchoClient({ host: "127.0.0.1", port: p.port }),
    (e: unknown) => e instanceof EchoClientError && e.code === "ECONNREFUSED");
});

test("client: sameBytes compares length and content", () => {
  assert.equal(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  assert.equal(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  assert.equal(sameBytes(new Uint8Array([1]), new Uint8Array([1, 2])), false);
});
