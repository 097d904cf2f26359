/** Live capture through tcpdump on lo (the tests run as root with tcpdump installed, see .ci/run).
 *  Every capture is filtered to a port this test chose, so parallel tests do not see each other. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCapture, CaptureError, classifyTcpdumpError, startEchoServer, runEchoClient,
  type KeptPacket } from "../../src/lab/index.js";
import { decodePacket } from "../../src/decode/index.js";

const AB = new TextEncoder().encode("AB");

async function collect(handle: AsyncIterable<{ linkType: number; tsSec: number; tsNsec: number; originalLength: number; bytes: Uint8Array }>): Promise<KeptPacket[]> {
  const out: KeptPacket[] = [];
  for await (const r of handle) out.push({ linkType: r.linkType, tsSec: r.tsSec, tsNsec: r.tsNsec, originalLength: r.originalLength, bytes: r.bytes.slice() });
  return out;
}

test("capture: ready, then an echo exchange arrives as records; stop() delivers everything", async () => {
  const server = await startEchoServer({ port: 0 });
  const port = server.address.port;
  const cap = startCapture({ iface: "lo", filter: `tcp port ${port}` });
  try {
    await cap.ready;
    const got = collect(cap);
    const ex = await runEchoClient({ host: "127.0.0.1", port, data: AB });
    const summary = await cap.stop();
    const packets = await got;
    assert.equal(summary.packets, packets.length);
    assert.ok(packets.length > 0);
    for (const p of packets) {
      assert.equal(p.linkType, 1, "lo is captured as Ethernet (LINKTYPE_ETHERNET)");
      const f = decodePacket(p.linkType, p.bytes, p.originalLength);
      assert.equal(f.tcpCount, 1);
      const t = f.tcp[0]!;
      assert.ok(t.srcPort === port || t.dstPort === port, "only our port passes the filter");
    }
    const first = decodePacket(packets[0]!.linkType, packets[0]!.bytes).tcp[0]!;
    assert.equal(first.flags & 0x012, 0x002, "the first packet is the client's SYN (ready came before it)");
    assert.equal(first.srcPort, ex.local.port);
    // stop() drains tcpdump first: the teardown that happened before it is all there.
    const fins = packets.map((p) => decodePacket(p.linkType, p.bytes).tcp[0]!).filter((t) => (t.flags & 0x001) !== 0);
    assert.deepEqual(fins.map((t) => t.dstPort === port ? "client" : "server").sort(), ["client", "server"]);
  } finally {
    await cap.stop();
    await server.close();
  }
});

test("capture: count stops after N records and tcpdump exits", async () => {
  const server = await startEchoServer({ port: 0 });
  const port = server.address.port;
  const cap = startCapture({ iface: "lo", filter: `tcp port ${port}`, count: 3 });
  try {
    await cap.ready;
    const got = collect(cap);
    await runEchoClient({ host: "127.0.0.1", port, data: AB });
    const packets = await got;
    const summary = await cap.done;
    assert.equal(packets.length, 3);
    assert.equal(summary.reason, "count");
  } finally {
    await cap.stop();
    await server.close();
  }
});

test("capture: durationMs ends the capture by itself", async () => {
  const server = await startEchoServer({ port: 0 });
  const cap = startCapture({ iface: "lo", filter: `tcp port ${server.address.port}`, durationMs: 300 });
  try {
    await cap.ready;
    const packets = await collect(cap);
    const summary = await cap.done;
    assert.equal(packets.length, 0);
    assert.equal(summary.reason, "duration");
  } finally {
    await cap.stop();
    await server.close();
  }
});

async function startFailure(options: Parameters<typeof startCapture>[0]): Promise<CaptureError> {
  const cap = startCapture(options);
  const err = await cap.ready.then(() => undefined, (e: unknown) => e);
  await cap.stop();
  assert.ok(err instanceof CaptureError, `expected a CaptureError, got ${String(err)}`);
  assert.doesNotMatch(err.message, /\n/, "one line");
  return err;
}

test("capture: a bad BPF filter fails with tcpdump's reason", async () => {
  const err = await startFailure({ iface: "lo", filter: "tcp and and" });
  assert.equal(err.code, "BAD_FILTER");
  assert.match(err.message, /tcp and and/);
  assert.match(err.message, /syntax error/);
  const port = await startFailure({ iface: "lo", filter: "tcp port nosuchservice" });
  assert.equal(port.code, "BAD_FILTER");
  assert.match(port.message, /nosuchservice/);
});

test("capture: an unknown interface is reported as such", async () => {
  const err = await startFailure({ iface: "synack-no-such-if0" });
  assert.equal(err.code, "NO_INTERFACE");
  assert.match(err.message, /synack-no-such-if0/);
});

test("capture: missing tcpdump names the install command, and iterating rejects too", async () => {
  const empty = mkdtempSync(join(tmpdir(), "synack-nopath-"));
  const cap = startCapture({ iface: "lo", env: { PATH: empty } });
  const err = await cap.ready.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CaptureError);
  assert.equal(err.code, "TCPDUMP_MISSING");
  assert.match(err.message, /apt-get install tcpdump/);
  await assert.rejects(collect(cap), (e: unknown) => e instanceof CaptureError && e.code === "TCPDUMP_MISSING");
  const summary = await cap.stop();
  assert.equal(summary.packets, 0);
});

test("capture: tcpdump's failure texts map to one-line errors with a code", () => {
  // Hand-written from tcpdump 4.99.3's messages on Linux.
  const perm = classifyTcpdumpError("tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n", "lo", undefined);
  assert.equal(perm.code, "PERMISSION");
  assert.match(perm.message, /run as root/);
  assert.match(perm.message, /cap_net_raw,cap_net_admin/);
  const dev = classifyTcpdumpError("tcpdump: eth9: No such device exists\n(No such device exists)\n", "eth9", "tcp");
  assert.equal(dev.code, "NO_INTERFACE");
  const bpf = classifyTcpdumpError("tcpdump: can't parse filter expression: syntax error\n", "lo", "tcp and and");
  assert.equal(bpf.code, "BAD_FILTER");
  assert.equal(bpf.message, "bad capture filter 'tcp and and': can't parse filter expression: syntax error");
  const other = classifyTcpdumpError("tcpdump: something odd\n", "lo", undefined);
  assert.equal(other.code, "TCPDUMP_FAILED");
  assert.equal(other.message, "tcpdump failed: something odd");
});
