/** `synack read` with synack's own fields (synack.state.*, synack.phase) in -T fields, -Y, -T json
 *  and -T ndjson. Expected states are derived by hand from RFC 9293 §3.3.2 for the probe capture
 *  echo.pcap (33310 → 20000: SYN, SYN-ACK, ACK, data both ways, client FIN, server FIN-ACK that
 *  also acks the client's FIN, last ACK), not taken from our own output. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, sharedDir } from "../support/paths.js";

const ECHO = join(sharedDir(), "spec", "probes", "captures", "echo.pcap");

function read(file: string, args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, "read", "-r", file, ...args], { maxBuffer: 16 << 20 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), status: r.status };
}
const rows = (out: string): string[][] => out.split("\n").filter((l) => l !== "").map((l) => l.split("\t"));

// RFC 9293 §3.3.2, frame by frame (client = 33310, the SYN's sender):
//  1 SYN c→s              client CLOSED → SYN-SENT         server LISTEN → SYN-RECEIVED
//  2 SYN-ACK s→c          client SYN-SENT → ESTABLISHED    server stays SYN-RECEIVED
//  3 ACK c→s (acks SYN)   client ESTABLISHED               server SYN-RECEIVED → ESTABLISHED
//  4–8 data and ACKs      both ESTABLISHED
//  9 FIN c→s              client ESTABLISHED → FIN-WAIT-1  server ESTABLISHED → CLOSE-WAIT
// 10 FIN-ACK s→c, ack 4   client FIN-WAIT-1 → TIME-WAIT (its FIN acked and the peer's FIN received)
//                         server CLOSE-WAIT → LAST-ACK
// 11 ACK c→s (acks FIN)   client TIME-WAIT                 server LAST-ACK → CLOSED
const E = "ESTABLISHED";
const CLIENT = ["CLOSED → SYN-SENT", "SYN-SENT → ESTABLISHED", E, E, E, E, E, E, "ESTABLISHED → FIN-WAIT-1",
  "FIN-WAIT-1 → TIME-WAIT", "TIME-WAIT"];
const SERVER = ["LISTEN → SYN-RECEIVED", "SYN-RECEIVED", "SYN-RECEIVED → ESTABLISHED", E, E, E, E, E,
  "ESTABLISHED → CLOSE-WAIT", "CLOSE-WAIT → LAST-ACK", "LAST-ACK → CLOSED"];
const PHASE = ["handshake", "handshake", "handshake", "data", "data", "data", "data", "data", "teardown", "teardown", "teardown"];
const before = (t: string): string => t.split(" → ")[0]!;
const after = (t: string): string => t.split(" → ").at(-1)!;

test("read -T fields: synack.state.* and synack.phase follow RFC 9293 through handshake and teardown", () => {
  const got = read(ECHO, ["-T", "fields", "-e", "frame.number", "-e", "synack.state.client", "-e", "synack.state.server",
    "-e", "synack.state.client_before", "-e", "synack.state.client_after", "-e", "synack.state.server_before",
    "-e", "synack.state.server_after", "-e", "synack.phase"]);
  assert.equal(got.status, 0, got.err);
  const want = CLIENT.map((c, i) => [String(i + 1), c, SERVER[i]!, before(c), after(c), before(SERVER[i]!), after(SERVER[i]!), PHASE[i]!]);
  assert.deepEqual(rows(got.out), want);
});

test("read -Y on synack fields keeps the frames whose states match", () => {
  const frames = (filter: string): string[] => {
    const got = read(ECHO, ["-Y", filter, "-T", "fields", "-e", "frame.number"]);
    assert.equal(got.status, 0, got.err);
    return rows(got.out).map((r) => r[0]!);
  };
  // The field text is the state after the packet, or "before → after" on the packet that changed it.
  assert.deepEqual(frames('synack.state.client == "TIME-WAIT"'), ["11"]);
  assert.deepEqual(frames('synack.state.client contains "FIN-WAIT-1"'), ["9", "10"]);
  assert.deepEqual(frames('synack.state.client_after == "FIN-WAIT-1"'), ["9"]);
  assert.deepEqual(frames('synack.state.server_before == "LAST-ACK"'), ["11"]);
  assert.deepEqual(frames('synack.phase == "teardown" && tcp.flags.fin == 1'), ["9", "10"]);
});

test("read -T json / ndjson carry the synack fields", () => {
  const j = read(ECHO, ["-T", "json"]);
  assert.equal(j.status, 0, j.err);
  const arr = JSON.parse(j.out) as Array<{ _source: { layers: Record<string, Record<string, string>> } }>;
  assert.deepEqual(arr.map((p) => p._source.layers["synack"]!["synack.state.client"]), CLIENT);
  assert.deepEqual(arr.map((p) => p._source.layers["synack"]!["synack.state.server"]), SERVER);
  assert.deepEqual(arr.map((p) => p._source.layers["synack"]!["synack.phase"]), PHASE);
  const nd = read(ECHO, ["-T", "ndjson"]);
  assert.equal(nd.status, 0, nd.err);
  const objs = nd.out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(objs.map((o) => o["synack.state.client_after"]), CLIENT.map(after));
  assert.deepEqual(objs.map((o) => o["synack.state.server_before"]), SERVER.map(before));
});

test("read: a capture that starts mid-connection shows UNKNOWN until the FIN is evidence", () => {
  // echo.pcap without its first three records (24-byte pcap header, 16-byte record headers).
  const b = readFileSync(ECHO);
  let at = 24;
  for (let k = 0; k < 3; k++) at += 16 + b.readUInt32LE(at + 8);
  assert.ok([0xa1b2c3d4, 0xa1b23c4d].includes(b.readUInt32LE(0)), "little-endian pcap");
  const dir = mkdtempSync(join(tmpdir(), "synack-states-"));
  try {
    const file = join(dir, "mid.pcap");
    writeFileSync(file, Buffer.concat([b.subarray(0, 24), b.subarray(at)]));
    const got = read(file, ["-T", "fields", "-e", "synack.state.client", "-e", "synack.state.server", "-e", "synack.phase"]);
    assert.equal(got.status, 0, got.err);
    // The higher port (33310) is taken as the client; no SYN seen, so data packets tell nothing.
    const U = "UNKNOWN";
    assert.deepEqual(rows(got.out).map((r) => [r[0], r[1]]), [[U, U], [U, U], [U, U], [U, U], [U, U],
      ["UNKNOWN → FIN-WAIT-1", "UNKNOWN → CLOSE-WAIT"], ["FIN-WAIT-1 → TIME-WAIT", "CLOSE-WAIT → LAST-ACK"],
      ["TIME-WAIT", "LAST-ACK → CLOSED"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
