/** `synack doctor`'s model on corpus captures, checked against tshark 4.0.17's own flags and numbers
 *  for the same frames (the stored references `<capture>.tshark.tsv` of the shared corpus), and the
 *  CLI's one-line verdict, JSON and errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { diagnose, type DoctorCollector, type DoctorDirection } from "../../src/analysis/index.js";
import { collectDoctor } from "../../src/analysis/index.js";
import { spawnSync } from "node:child_process";
import { CLI, REPO_ROOT, sharedDir } from "../support/paths.js";
import { runCli } from "../support/synack-out.js";

const PUB = join(sharedDir(), "captures", "public");

/** The stored tshark rows of a corpus capture, by column name. */
function tsharkRows(rel: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(join(PUB, rel + ".tshark.tsv"), "latin1").split("\n").filter((l) => l !== "");
  const names = head!.split("\t");
  return lines.map((l) => { const c = l.split("\t"); return Object.fromEntries(names.map((n, i) => [n, c[i] ?? ""])); });
}

/** tshark's frames the ledger (doctor-ledger.tsv) says we differ on, with a reason. */
function ledgered(rel: string, check: string): number[] {
  const text = readFileSync(join(REPO_ROOT, "test", "analysis", "doctor-ledger.tsv"), "utf8");
  const row = text.split("\n").map((l) => l.split("\t")).find((c) => c[0] === rel && c[1]!.startsWith(check));
  assert.ok(row !== undefined && row[3]!.length > 20, `no ledger row for ${rel} ${check}`);
  return row[2]!.split(",").map(Number);
}

async function model(rel: string): Promise<DoctorCollector> {
  return collectDoctor(readCapture(openCaptureFile(join(PUB, rel))).records());
}

/** The direction of stream `s` whose packets leave `srcPort`. */
function dirFrom(col: DoctorCollector, s: number, srcPort: number): DoctorDirection {
  const c = col.conns[s]!;
  return c.a.from.endsWith(`:${srcPort}`) ? c.a : c.b;
}

test("doctor: the 83 'retransmissions' of http m57 are packets captured twice", async () => {
  const rel = "zeek/http__m57-long-49583-80.pcap";
  const rows = tsharkRows(rel);
  const flagged = rows.filter((r) => r["tcp.analysis.retransmission"] !== "").map((r) => Number(r["frame.number"]));
  assert.equal(flagged.length, 83, "tshark's count");
  const col = await model(rel);
  const dups = [...(col.conns[0]!.a.dups.frames ?? []), ...(col.conns[0]!.b.dups.frames ?? [])];
  // Every frame tshark calls a retransmission is a copy of the frame before it (same IP ID, ≤ 1 ms).
  for (const f of flagged) {
    assert.ok(dups.includes(f), `frame ${f} not found captured twice`);
    const me = rows[f - 1]!, prev = rows[f - 2]!;
    assert.equal(me["tcp.seq_raw"], prev["tcp.seq_raw"], `frame ${f}`);
  }
  const d = diagnose(col);
  const claim = d.artefacts.find((x) => x.id === "captured-twice")!;
  assert.equal(claim.values.flaggedRetransmission, 83);
  assert.match(claim.text, /tshark takes 83 of them for retransmissions/);
  // Left out, the copies are no losses: no loss claim, no problem.
  assert.equal(d.connections[0]!.ok, true);
  assert.ok(!d.connections[0]!.directions.some((x) => x.retransmissions.packets > 0));
});

test("doctor: ipp.pcap client → printer: zero window, RTO stall, receiver-limited, as tshark flags them", async () => {
  const rel = "ndpi/ipp.pcap";
  const rows = tsharkRows(rel).filter((r) => r["tcp.stream"] === "1");
  const col = await model(rel);
  const up = dirFrom(col, 1, 55342);
  // Zero-window stalls open at tshark's first tcp.analysis.zero_window of each run from the printer.
  const zw = rows.filter((r) => r["tcp.analysis.zero_window"] !== "" && r["tcp.srcport"] === "631").map((r) => Number(r["frame.number"]));
  assert.ok(zw.length > 0);
  assert.equal(up.zeroWin.first, zw[0]);
  // Retransmissions of the client's data: tshark's flagged data segments.
  const rex = rows.filter((r) => r["tcp.srcport"] === "55342" && r["tcp.analysis.retransmission"] !== "" && r["tcp.len"] !== "0")
    .map((r) => Number(r["frame.number"]));
  assert.deepEqual(up.rexmt.frames, rex);
  // The RTO stall ends with a retransmission that is not fast, after ≥ 200 ms of silence (tshark's tcp.analysis.rto).
  const stallEnd = rows.find((r) => Number(r["frame.number"]) === up.rto.first)!;
  assert.equal(stallEnd["tcp.analysis.fast_retransmission"], "");
  assert.ok(Number(stallEnd["tcp.analysis.rto"]) >= 0.2, `rto ${stallEnd["tcp.analysis.rto"]}`);
  // tshark's window_full flags lie inside the receiver-limited frames.
  const full = rows.filter((r) => r["tcp.analysis.window_full"] !== "" && r["tcp.srcport"] === "55342").map((r) => Number(r["frame.number"]));
  const span = up.classFrames[1]!;
  for (const f of full) assert.ok(f >= span.first && f <= span.last, `window_full ${f} outside ${span.first}–${span.last}`);
  const dd = diagnose(col).connections.find((c) => c.stream === 1)!;
  assert.equal(dd.ok, false);
  const dir = dd.directions.find((x) => x.from.endsWith(":55342"))!;
  assert.equal(dir.limitedBy, "receiver");
  assert.ok(dir.claims.some((x) => x.id === "receiver-limited" && x.kind === "problem" && /zero-window stall/.test(x.text)));
  assert.ok(dir.claims.some((x) => x.id === "rto-stall"));
  // The worst connection comes first.
  assert.equal(diagnose(col).connections[0]!.stream, 1);
});

test("doctor: tls-appdata's data ACKed but never captured = tshark's ack_lost_segment frames", async () => {
  const rel = "ndpi/tls-appdata.pcap";
  const rows = tsharkRows(rel);
  const lost = rows.filter((r) => r["tcp.analysis.ack_lost_segment"] !== "").map((r) => Number(r["frame.number"]));
  const col = await model(rel);
  const mine = col.conns.flatMap((c) => [...(c.a.missed.frames ?? []), ...(c.b.missed.frames ?? [])]).sort((x, y) => x - y);
  // Each of ours is one of tshark's; tshark's others are in the ledger, with the reason.
  for (const f of mine) assert.ok(lost.includes(f), `frame ${f}: tshark does not flag it`);
  assert.deepEqual(lost.filter((f) => !mine.includes(f)), ledgered(rel, "missing-data"));
  assert.ok(diagnose(col).artefacts.some((x) => x.id === "missing-data"));
});

test("doctor: TSO super-segments are the segments longer than the peer's MSS (tshark's tcp.len, MSS option)", async () => {
  for (const rel of ["ndpi/ipp.pcap", "zeek/tls__openjdk-25.0.2-zeek.org.pcap"]) {
    const rows = tsharkRows(rel);
    // The MSS each SYN announces is the limit of the other side's segments.
    const mss = new Map<string, number>();
    for (const r of rows) if (r["tcp.options.mss_val"] !== "") mss.set(`${r["tcp.stream"]}:${r["tcp.dstport"]}`, Number(r["tcp.options.mss_val"]));
    const big = rows.filter((r) => { const m = mss.get(`${r["tcp.stream"]}:${r["tcp.srcport"]}`); return m !== undefined && Number(r["tcp.len"]) > m; });
    const col = await model(rel);
    const tso = col.conns.reduce((n, c) => n + c.a.tso.count + c.b.tso.count, 0);
    assert.ok(big.length > 0, rel);
    assert.equal(tso, big.length, rel);
    assert.ok(diagnose(col).artefacts.some((x) => x.id === "tso"), rel);
  }
});

test("doctor: a capture with nothing wrong says so in one line", async () => {
  const r = await runCli(["doctor", "-r", join(PUB, "zeek", "redis__client-skip-while-off.pcap")]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split("\n").filter((l) => l !== "").length, 1, r.stdout);
  assert.match(r.stdout, /^nothing wrong: 1 TCP connection/);
});

test("doctor CLI: --json holds the same claims; --stream; bad input is one line, non-zero", async () => {
  const file = join(PUB, "ndpi", "ipp.pcap");
  const j = await runCli(["doctor", "-r", file, "--json"]);
  assert.equal(j.status, 0, j.stderr);
  const d = JSON.parse(j.stdout) as ReturnType<typeof diagnose>;
  assert.equal(d.connections[0]!.stream, 1);
  const t = await runCli(["doctor", "-r", file, "--stream", "1"]);
  for (const x of d.connections[0]!.directions.flatMap((y) => y.claims)) assert.ok(t.stdout.includes(x.text), x.text);
  assert.ok(!t.stdout.includes("\x1b["), "no colour on a pipe");
  const c = await runCli(["doctor", "-r", file, "--stream", "1", "--color"]);
  assert.ok(c.stdout.includes("\x1b["), "--color");
  const env = { ...process.env, NO_COLOR: "1" };
  const n = spawnSync(process.execPath, [CLI, "doctor", "-r", file, "--stream", "1", "--color"], { env, encoding: "utf8" });
  assert.ok(n.status === 0 && !n.stdout.includes("\x1b["), "NO_COLOR wins over --color");
  for (const args of [["doctor"], ["doctor", "-r", "/nonexistent.pcap"], ["doctor", "-r", file, "--stream", "9"], ["doctor", "-r", file, "--stream", "x"]]) {
    const e = await runCli(args);
    assert.notEqual(e.status, 0, args.join(" "));
    assert.equal(e.stderr.trim().split("\n").length, 1, e.stderr);
    assert.ok(!/\n\s+at /.test(e.stderr), "no stack trace");
  }
  const h = await runCli(["doctor", "--help"]);
  assert.match(h.stdout, /^synack doctor -r FILE/);
});
