/** Endpoint-state transitions beyond the one-suite-per-state tests: a RST in every state from
 *  either side, mid-connection starts, half-close, the client rule, the field text and the
 *  per-packet phase label. Segments are hand-made; expectations follow RFC 9293 §3.3.2/§3.5. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import {
  ACK, endpointState, endpointStateText, FIN, newSegment, PSH, RST, SYN, TcpAnalyzer,
} from "../../src/analysis/index.js";
import { C_ISN, fill, HANDSHAKE, run, S_ISN, type Seg, SYN_SEG } from "./helpers.js";

const C = C_ISN, S = S_ISN;
const seg = (dir: "c2s" | "s2c", seq: number, ack: number, flags: number, len = 0, extra: Partial<Seg> = {}): Seg =>
  ({ dir, seq, ack, flags, win: 65535, len, ...extra });
const last = (segs: Seg[]) => { const r = run(segs); return r[r.length - 1]!; };

const C_FIN = seg("c2s", C + 1, S + 1, FIN | ACK);
const S_ACK_C_FIN = seg("s2c", S + 1, C + 2, ACK);
const S_FIN = seg("s2c", S + 1, C + 2, FIN | ACK);
const C_ACK_S_FIN = seg("c2s", C + 2, S + 2, ACK);

/** Sequences that leave (client, server) in the named states. */
const REACH: Array<[name: string, segs: Seg[], client: string, server: string]> = [
  ["SYN-SENT / SYN-RECEIVED", [SYN_SEG], "SYN-SENT", "SYN-RECEIVED"],
  ["ESTABLISHED / SYN-RECEIVED", HANDSHAKE.slice(0, 2), "ESTABLISHED", "SYN-RECEIVED"],
  ["ESTABLISHED / ESTABLISHED", HANDSHAKE, "ESTABLISHED", "ESTABLISHED"],
  ["FIN-WAIT-1 / CLOSE-WAIT", [...HANDSHAKE, C_FIN], "FIN-WAIT-1", "CLOSE-WAIT"],
  ["FIN-WAIT-2 / CLOSE-WAIT", [...HANDSHAKE, C_FIN, S_ACK_C_FIN], "FIN-WAIT-2", "CLOSE-WAIT"],
  ["TIME-WAIT / LAST-ACK", [...HANDSHAKE, C_FIN, S_ACK_C_FIN, S_FIN], "TIME-WAIT", "LAST-ACK"],
  ["CLOSING / CLOSING", [...HANDSHAKE, C_FIN, seg("s2c", S + 1, C + 1, FIN | ACK)], "CLOSING", "CLOSING"],
  ["PARTIAL / PARTIAL", [seg("c2s", C + 1, S + 1, PSH | ACK, 10)], "PARTIAL", "PARTIAL"],
];

suite("RST in every state", () => {
  for (const [name, segs, wantC, wantS] of REACH) {
    test(`${name}: reached, then a RST from either side resets both`, () => {
      const r = last(segs);
      assert.deepEqual([r.client, r.server], [wantC, wantS]);
      for (const dir of ["c2s", "s2c"] as const) {
        const rst = last([...segs, seg(dir, dir === "c2s" ? C + 2 : S + 2, 0, RST)]);
        assert.deepEqual([rst.clientBefore, rst.serverBefore], [wantC, wantS]);
        // A TIME-WAIT receiver closes early (RFC 9293 §3.10.7.4); a TIME-WAIT sender had finished.
        const expect = wantC === "TIME-WAIT" ? ["CLOSED", dir === "c2s" ? "CLOSED" : "RESET"] : ["RESET", "RESET"];
        assert.deepEqual([rst.client, rst.server], expect, `${name} RST ${dir}`);
        assert.equal(dir === "c2s" ? rst.clientEvent : rst.serverEvent, "send RST");
        assert.equal(dir === "c2s" ? rst.serverEvent : rst.clientEvent, "receive RST");
      }
    });
  }
  test("after a full close (TIME-WAIT / CLOSED) a RST from the closed server ends nothing", () => {
    const r = last([...HANDSHAKE, C_FIN, S_ACK_C_FIN, S_FIN, C_ACK_S_FIN, seg("s2c", S + 2, 0, RST)]);
    assert.deepEqual([r.clientBefore, r.serverBefore, r.client, r.server], ["TIME-WAIT", "CLOSED", "CLOSED", "CLOSED"]);
  });
});

suite("simultaneous open and close", () => {
  test("crossing SYNs: both SYN-RECEIVED, each SYN-ACK establishes its receiver", () => {
    const rows = run([SYN_SEG, seg("s2c", S, 0, SYN), seg("c2s", C, S + 1, SYN | ACK), seg("s2c", S, C + 1, SYN | ACK)]);
    assert.deepEqual(rows.map((r) => [r.client, r.server]), [["SYN-SENT", "SYN-RECEIVED"],
      ["SYN-RECEIVED", "SYN-RECEIVED"], ["SYN-RECEIVED", "ESTABLISHED"], ["ESTABLISHED", "ESTABLISHED"]]);
    assert.deepEqual([rows[1]!.clientEvent, rows[1]!.serverEvent], ["receive SYN", "send SYN"]);
  });
  test("crossing FINs: FIN-WAIT-1 → CLOSING on the peer's FIN, CLOSING → TIME-WAIT on the ACK", () => {
    const rows = run([...HANDSHAKE, seg("c2s", C + 1, S + 1, FIN | ACK), seg("s2c", S + 1, C + 1, FIN | ACK),
      seg("s2c", S + 2, C + 2, ACK), seg("c2s", C + 2, S + 2, ACK)]);
    // The server's FIN acks 1001, not the client's FIN (1002): it left from ESTABLISHED, so the
    // server was in FIN-WAIT-1 and both are CLOSING (RFC 9293 figure 13), then TIME-WAIT.
    assert.deepEqual(rows.slice(3).map((r) => [r.client, r.server]), [["FIN-WAIT-1", "CLOSE-WAIT"],
      ["CLOSING", "CLOSING"], ["TIME-WAIT", "CLOSING"], ["TIME-WAIT", "TIME-WAIT"]]);
  });
});

suite("half-close", () => {
  test("the closed side keeps receiving data in FIN-WAIT-2 while the peer stays CLOSE-WAIT", () => {
    const rows = run([...HANDSHAKE, C_FIN, S_ACK_C_FIN, seg("s2c", S + 1, C + 2, PSH | ACK, 100),
      seg("c2s", C + 2, S + 101, ACK), seg("s2c", S + 101, C + 2, FIN | ACK), seg("c2s", C + 2, S + 102, ACK)]);
    assert.deepEqual(rows.slice(4).map((r) => [r.client, r.server]), [["FIN-WAIT-2", "CLOSE-WAIT"],
      ["FIN-WAIT-2", "CLOSE-WAIT"], ["FIN-WAIT-2", "CLOSE-WAIT"], ["TIME-WAIT", "LAST-ACK"], ["TIME-WAIT", "CLOSED"]]);
  });
});

suite("mid-connection start and the client rule", () => {
  test("unknown (PARTIAL) until evidence; the higher port is the client even when it speaks second", () => {
    // First packet from the server side (port 20000 → 33310): the client is still 33310.
    const rows = run([seg("s2c", S + 1, C + 1, PSH | ACK, 10), seg("c2s", C + 1, S + 11, ACK),
      seg("c2s", C + 1, S + 11, FIN | ACK)]);
    assert.deepEqual(rows.map((r) => [r.client, r.server]), [["PARTIAL", "PARTIAL"], ["PARTIAL", "PARTIAL"],
      ["FIN-WAIT-1", "CLOSE-WAIT"]]);
    const a = new TcpAnalyzer(), s = newSegment();
    fill(s, seg("s2c", S + 1, C + 1, PSH | ACK, 10), 1, 0);
    const r = a.observe(s);
    assert.equal(r.fromClient, false);
    assert.equal(endpointStateText(r, "client"), "UNKNOWN");
  });
  test("a capture that starts with the SYN-ACK: its receiver is the client", () => {
    const r = run([HANDSHAKE[1]!])[0]!;
    assert.deepEqual([r.clientBefore, r.client, r.serverBefore, r.server], ["SYN-SENT", "ESTABLISHED", "LISTEN", "SYN-RECEIVED"]);
  });
});

suite("field text and view", () => {
  test("before → after when the packet changes the state, plain state otherwise", () => {
    const a = new TcpAnalyzer(), s = newSegment();
    fill(s, SYN_SEG, 1, 0);
    let r = a.observe(s);
    assert.equal(endpointStateText(r, "client"), "CLOSED → SYN-SENT");
    assert.equal(endpointStateText(r, "server"), "LISTEN → SYN-RECEIVED");
    const v = endpointState(r, "client")!;
    assert.deepEqual([v.before, v.after, v.event, v.sender, v.changed], ["CLOSED", "SYN-SENT", "send SYN", true, true]);
    fill(s, HANDSHAKE[1]!, 2, 1); a.observe(s);
    fill(s, HANDSHAKE[2]!, 3, 2); a.observe(s);
    fill(s, seg("c2s", C + 1, S + 1, PSH | ACK, 5), 4, 3);
    r = a.observe(s);
    assert.equal(endpointStateText(r, "server"), "ESTABLISHED");
  });
  test("an ICMP-quoted header has no states: empty text, no view, phase none", () => {
    const a = new TcpAnalyzer(), s = newSegment();
    fill(s, { ...SYN_SEG, quoted: true }, 1, 0);
    const r = a.observe(s);
    assert.equal(endpointStateText(r, "client"), "");
    assert.equal(endpointState(r, "server"), undefined);
    assert.equal(r.phase, "none");
  });
});

suite("per-packet phase label", () => {
  test("handshake, data, teardown in a normal connection", () => {
    const rows = run([...HANDSHAKE, seg("c2s", C + 1, S + 1, PSH | ACK, 10), seg("s2c", S + 1, C + 11, ACK),
      seg("c2s", C + 11, S + 1, FIN | ACK), seg("s2c", S + 1, C + 12, FIN | ACK), seg("c2s", C + 12, S + 2, ACK)]);
    assert.deepEqual(rows.map((r) => r.phase), ["handshake", "handshake", "handshake", "data", "data",
      "teardown", "teardown", "teardown"]);
  });
  test("data in the third handshake packet starts the data phase; a RST labels itself and what follows", () => {
    const rows = run([SYN_SEG, HANDSHAKE[1]!, seg("c2s", C + 1, S + 1, PSH | ACK, 10),
      seg("s2c", S + 1, C + 11, RST | ACK), seg("c2s", C + 11, S + 1, ACK)]);
    assert.deepEqual(rows.map((r) => r.phase), ["handshake", "handshake", "data", "reset", "reset"]);
  });
  test("a mid-connection start is in the data phase; a SYN-ACK retransmitted after data stays data", () => {
    assert.deepEqual(run([seg("c2s", C + 1, S + 1, ACK)]).map((r) => r.phase), ["data"]);
    const rows = run([...HANDSHAKE, seg("c2s", C + 1, S + 1, PSH | ACK, 10), HANDSHAKE[1]!]);
    assert.equal(rows[4]!.phase, "data");
  });
});

suite("properties", () => {
  test("random segment sequences: states are always members of the union, phases only move forward", async () => {
    const fc = (await import("fast-check")).default;
    const { ENDPOINT_STATES } = await import("../../src/analysis/index.js");
    const valid = new Set<string>(ENDPOINT_STATES);
    const order = { handshake: 0, data: 1, teardown: 2, reset: 3 } as const;
    const segArb = fc.record({
      dir: fc.constantFrom<"c2s" | "s2c">("c2s", "s2c"),
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0xffff_ff00, max: 0xffff_ffff })),
      ack: fc.integer({ min: 0, max: 0xffff_ffff }),
      flags: fc.integer({ min: 0, max: 0xfff }),
      len: fc.integer({ min: 0, max: 3 }),
      quoted: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(segArb, { maxLength: 40 }), (segs) => {
      const a = new TcpAnalyzer(), s = newSegment();
      const last = new Map<number, number>();
      segs.forEach((d, i) => {
        fill(s, d, i + 1, i);
        const r = a.observe(s);
        for (const st of [r.client, r.server, r.clientBefore, r.serverBefore]) assert.ok(valid.has(st), st);
        if (!r.statesPresent) { assert.equal(r.phase, "none"); return; }
        assert.notEqual(r.phase, "none");
        const p = order[r.phase as keyof typeof order];
        // A phase never goes back within a stream (a new generation is a new stream).
        assert.ok(p >= (last.get(r.stream) ?? 0) , `phase back on frame ${i + 1}`);
        last.set(r.stream, p);
      });
    }), { numRuns: 300 });
  });
});
