/** The demo end to end on a real capture: the file holds the article's exchange (checked on raw
 *  header fields, independently of our analysis), tshark reads it, and the walkthrough model
 *  states the facts. Invariants only: a Window Update or a merged FIN/ACK depends on timing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemo, createUnique, buildWalkthrough } from "../../src/lab/index.js";
import { readCaptureBytes } from "../../src/capture/index.js";
import { decodePacket } from "../../src/decode/index.js";
import { closeSync } from "node:fs";

const SYN = 0x002, ACK = 0x010, FIN = 0x001, RST = 0x004;

interface Seg { fromClient: boolean; flags: number; seq: number; ack: number; payload: number[] }

/** Raw TCP headers of the file, oriented by the server port. */
function segments(file: string, serverPort: number): Seg[] {
  const { records, fatal } = readCaptureBytes(new Uint8Array(readFileSync(file)));
  assert.equal(fatal, undefined);
  return records.map((r) => {
    const t = decodePacket(r.linkType, r.bytes, r.originalLength).tcp[0]!;
    return { fromClient: t.dstPort === serverPort, flags: t.flags, seq: t.seqRaw, ack: t.ackRaw, payload: Array.from(t.payload()) };
  });
}

const add = (a: number, n: number) => (a + n) >>> 0;
/** a ≥ b in sequence space (RFC 9293 §3.4). */
const seqGe = (a: number, b: number) => ((a - b) | 0) >= 0;

/** The article's invariants on raw numbers. */
function assertArticle(segs: Seg[], data: number[]): void {
  assert.ok(segs.every((s) => (s.flags & RST) === 0), "no reset");
  const syn = segs.find((s) => s.fromClient && (s.flags & (SYN | ACK)) === SYN);
  assert.ok(syn, "the client's SYN");
  const synAck = segs.find((s) => !s.fromClient && (s.flags & (SYN | ACK)) === (SYN | ACK));
  assert.ok(synAck, "the SYN-ACK");
  const cIsn = syn.seq, sIsn = synAck.seq;
  assert.equal(synAck.ack, add(cIsn, 1), "SYN-ACK acknowledges ISN + 1 (the SYN takes one number)");
  assert.ok(segs.some((s) => s.fromClient && (s.flags & (SYN | ACK)) === ACK && s.seq === add(cIsn, 1) && s.ack === add(sIsn, 1)),
    "the client's ACK of the SYN-ACK: seq ISN+1, ack server ISN+1");
  const cData = segs.find((s) => s.fromClient && s.payload.length > 0);
  assert.ok(cData);
  assert.deepEqual(cData.payload, data);
  assert.equal(cData.seq, add(cIsn, 1), "the client's first data byte is ISN + 1");
  assert.ok(segs.some((s) => !s.fromClient && (s.flags & ACK) !== 0 && seqGe(s.ack, add(cIsn, 1 + data.length))),
    "the server acknowledges the client's data: ack = ISN + 1 + len");
  const sData = segs.find((s) => !s.fromClient && s.payload.length > 0);
  assert.ok(sData);
  assert.deepEqual(sData.payload, data, "the echo");
  assert.equal(sData.seq, add(sIsn, 1));
  assert.ok(segs.some((s) => s.fromClient && (s.flags & ACK) !== 0 && seqGe(s.ack, add(sIsn, 1 + data.length))),
    "the client acknowledges the echo");
  const cFin = segs.find((s) => s.fromClient && (s.flags & FIN) !== 0);
  const sFin = segs.find((s) => !s.fromClient && (s.flags & FIN) !== 0);
  assert.ok(cFin && sFin, "a FIN from each side");
  assert.equal(cFin.seq, add(cIsn, 1 + data.length), "the client's FIN comes after its data");
  assert.equal(sFin.seq, add(sIsn, 1 + data.length), "the server's FIN comes after the echo");
  assert.ok(segs.some((s) => !s.fromClient && (s.flags & ACK) !== 0 && s.ack === add(cFin.seq, 1)), "the client's FIN is acknowledged (+1)");
  assert.ok(segs.some((s) => s.fromClient && (s.flags & ACK) !== 0 && s.ack === add(sFin.seq, 1)), "the server's FIN is acknowledged (+1)");
}

function tshark(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("tshark", args, { encoding: "utf8",
    env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("demo: a live capture of the article's exchange, written as pcapng that tshark reads", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-demo-"));
  const run = await runDemo({ port: 0, dir });
  assert.equal(run.noCapture, undefined);
  assert.equal(run.file, join(dir, "synack-demo.pcapng"));
  const segs = segments(run.file!, run.port);
  assert.equal(segs.length, run.packets.length);
  assertArticle(segs, [0x41, 0x42]);

  // tshark agrees on the file: same frame count, the two payloads, the FINs.
  const t = tshark(["-r", run.file!, "-n", "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.flags.fin", "-e", "tcp.payload"]);
  assert.equal(t.status, 0, t.stderr);
  const rows = t.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
  assert.equal(rows.length, segs.length);
  assert.deepEqual(rows.filter((r) => (r[2] ?? "") !== "").map((r) => r[2]), ["4142", "4142"]);
  assert.equal(rows.filter((r) => r[1] === "1").length, 2);

  const w = run.walkthrough!;
  assert.deepEqual(w.checks.dataFromClient, new Uint8Array([0x41, 0x42]));
  assert.deepEqual(w.checks.dataFromServer, new Uint8Array([0x41, 0x42]));
  assert.equal(w.checks.handshake, true);
  assert.equal(w.checks.clientFinAcked, true);
  assert.equal(w.checks.serverFinAcked, true);
  assert.deepEqual(w.sections.map((s) => s.phase), ["handshake", "data", "teardown"]);
  assert.equal(w.server.port, run.port);
  // The phases are the analysis's (synack.phase), the numbers its relative ones.
  const [p1, p2, p3] = w.packets;
  const f = (p: typeof p1) => p!.facts;
  assert.deepEqual([f(p1).fromClient, f(p1).flags & 0x1f, f(p1).seq, f(p1).phase], [true, SYN, 0, "handshake"]);
  assert.deepEqual([f(p1).clientBefore, f(p1).client, f(p1).serverBefore, f(p1).server], ["CLOSED", "SYN-SENT", "LISTEN", "SYN-RECEIVED"]);
  assert.deepEqual([p1!.narrative.step, p2!.narrative.step, p3!.narrative.step], [1, 2, 3]);
  assert.match(p3!.narrative.summary, /^Step 3 of the three-way handshake: the client acknowledges the server's SYN/);
  const t1 = p1!.narrative.lines.join("\n");
  assert.match(t1, /ISN\) \d+, chosen at random/);
  for (const o of [/^option: MSS 65495 — /m, /^option: SACK permitted — /m, /^option: WS shift \d+ \(×\d+\) — /m, /^option: TS val \d+ ecr 0 — /m]) assert.match(t1, o);
  assert.deepEqual([f(p2).fromClient, f(p2).flags & 0x1f, f(p2).seq, f(p2).ack], [false, SYN | ACK, 0, 1]);
  const data = w.packets.find((p) => p.facts.fromClient && p.facts.seglen > 0)!;
  assert.deepEqual([data.facts.seq, data.facts.nxtseq, data.facts.phase], [1, 3, "data"]);
  assert.match(data.narrative.lines.join("\n"), /^data: 2 bytes "AB" = 0x41 0x42$/m);
  const ackOfData = w.packets.find((p) => !p.facts.fromClient && (p.facts.flags & ACK) !== 0 && p.facts.ack === 3)!;
  assert.match(ackOfData.narrative.lines.join("\n"), /^ack: 3 \(raw \d+\) = raw − the client's ISN \d+: .*\(3 = 1 for the client's SYN \+ 2 data bytes received\)$/m);
  const sFin = w.packets.find((p) => !p.facts.fromClient && (p.facts.flags & FIN) !== 0)!;
  assert.equal(sFin.facts.phase, "teardown");
  assert.equal(sFin.facts.seq, 3);
  assert.equal(sFin.facts.server, "LAST-ACK");
  const last = w.packets[w.packets.length - 1]!;
  assert.equal(last.facts.server, "CLOSED");
  assert.equal(last.facts.client, "TIME-WAIT");
  assert.ok(w.packets.some((p) => /^state: TIME-WAIT: .*2·MSL/m.test(p.narrative.lines.join("\n"))), "TIME-WAIT's 2·MSL wait explained");
  for (const p of w.packets) for (const l of p.narrative.lines.filter((x) => x.startsWith("analysis: "))) {
    assert.match(l, /\(tcp\.analysis\.\w+\): .* \(RFC \d+/, `packet ${p.no}: ${l}`);
  }

  // The packet list's Info column is tshark's, frame by frame.
  const info = tshark(["-r", run.file!, "-n", "-T", "fields", "-e", "_ws.col.Info"]);
  assert.equal(info.status, 0, info.stderr);
  assert.deepEqual(w.packets.map((p) => p.row.info), info.stdout.split("\n").filter((l) => l !== ""));
  // Its relative numbers and ISNs are tshark's too.
  const nums = tshark(["-r", run.file!, "-n", "-T", "fields", "-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.nxtseq"]).stdout
    .split("\n").filter((l) => l !== "").map((l) => l.split("\t").map((x) => (x === "" ? 0 : Number(x))));
  assert.deepEqual(w.packets.map((p) => [p.facts.seq, (p.facts.flags & ACK) !== 0 ? p.facts.ack : 0, p.facts.nxtseq]), nums);

  // The header diagram of the first data packet holds tshark's values of the same fields.
  const [sport, dport, seqRaw, ackRaw, hdrLen, winValue, checksum, flagsHex] = tshark(["-r", run.file!, "-n", "-T", "fields",
    "-Y", `frame.number == ${data.no}`, "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq_raw", "-e", "tcp.ack_raw",
    "-e", "tcp.hdr_len", "-e", "tcp.window_size_value", "-e", "tcp.checksum", "-e", "tcp.flags"]).stdout.trim().split("\t");
  const cell = (name: string) => data.header.rows.flatMap((r) => r.cells).find((c) => c.name === name)!.value;
  assert.deepEqual([cell("Source Port"), cell("Destination Port"), cell("Sequence Number"), cell("Acknowledgment Number"),
    cell("Data Offset")! * 4, cell("Window"), cell("Checksum")],
    [sport, dport, seqRaw, ackRaw, hdrLen, winValue, checksum].map(Number));
  const flagCells = ["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"].map(cell);
  assert.equal(flagCells.reduce((n: number, b) => n * 2 + b!, 0), Number(flagsHex));
  assert.ok(data.header.options.some((l) => l.startsWith("TS (kind 8)")), "the timestamp option, decoded");
  // The bytes primer of its payload: A = 65 = 0x41 = 01000001.
  assert.deepEqual(data.primer.rows.map((r) => [r.char, r.decimal, r.hex, r.bits]),
    [["A", 65, "0x41", "01000001"], ["B", 66, "0x42", "01000010"]]);
  assert.equal(data.primer.allPrintable, true);

  // The ladder: one arrow per segment (plus members of collapsed runs), states where they change.
  const arrows = w.ladder.items.flatMap((it) => (it.kind === "segment" ? [it] : it.members));
  assert.deepEqual(arrows.map((a) => a.frame), w.packets.map((p) => p.no));
  assert.deepEqual([arrows[0]!.flags, arrows[0]!.clientState, arrows[0]!.serverState], ["SYN", "SYN-SENT", "SYN-RECEIVED"]);
  assert.deepEqual([w.ladder.client.port, w.ladder.server.port, w.ladder.client.initial, w.ladder.server.initial],
    [w.client.port, run.port, "CLOSED", "LISTEN"]);
  assert.deepEqual([w.ladder.client.final, w.ladder.server.final], ["TIME-WAIT", "CLOSED"]);
  const wu = w.packets.filter((p) => p.facts.why.some((x) => x.flag === "tcp.analysis.window_update"));
  for (const p of wu) {
    assert.ok(arrows.find((a) => a.frame === p.no)!.marks.some((m) => m.id === "window_update"), `#${p.no}: window update marked`);
    assert.ok(p.narrative.lines.some((l) => l.startsWith("analysis: window update (tcp.analysis.window_update): ")));
  }
  const wuTshark = tshark(["-r", run.file!, "-n", "-Y", "tcp.analysis.window_update", "-T", "fields", "-e", "frame.number"]);
  assert.deepEqual(wu.map((p) => String(p.no)), wuTshark.stdout.split("\n").filter((l) => l !== ""));
});

test("demo: without tcpdump the exchange still runs and says why there is no capture", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-demo-"));
  const run = await runDemo({ port: 0, dir, env: { PATH: mkdtempSync(join(tmpdir(), "synack-nopath-")) } });
  assert.match(run.noCapture!, /tcpdump not found/);
  assert.equal(run.file, undefined);
  assert.equal(run.walkthrough, undefined);
  assert.deepEqual(run.exchange.received, new TextEncoder().encode("AB"));
  assert.equal(existsSync(join(dir, "synack-demo.pcapng")), false);
});

test("demo: createUnique never overwrites: name, name-1, name-2", () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-unique-"));
  writeFileSync(join(dir, "synack-demo.pcapng"), "keep me");
  const a = createUnique(join(dir, "synack-demo.pcapng"));
  closeSync(a.fd);
  const b = createUnique(join(dir, "synack-demo.pcapng"));
  closeSync(b.fd);
  assert.deepEqual([a.path, b.path], [join(dir, "synack-demo-1.pcapng"), join(dir, "synack-demo-2.pcapng")]);
  assert.equal(readFileSync(join(dir, "synack-demo.pcapng"), "utf8"), "keep me");
});

test("demo: a walkthrough of no packets is empty, not an error", async () => {
  const w = await buildWalkthrough([]);
  assert.deepEqual(w.packets, []);
  assert.equal(w.checks.handshake, false);
});
