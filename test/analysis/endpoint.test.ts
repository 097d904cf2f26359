/** Endpoint states (STYLE §7): one suite per RFC 9293 §3.3.2 state (plus PARTIAL and RESET), each
 *  reaching the state from synthetic segments and checking the transitions out of it. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { ACK, FIN, PSH, RST, SYN } from "../../src/analysis/index.js";
import { ACK_SEG, C_ISN, HANDSHAKE, run, S_ISN, type Seg, SYN_SEG, SYNACK_SEG } from "./helpers.js";

const C = C_ISN, S = S_ISN;
const seg = (dir: "c2s" | "s2c", seq: number, ack: number, flags: number, len = 0): Seg =>
  ({ dir, seq, ack, flags, win: 65535, len });
const states = (segs: Seg[]) => run(segs).map((r) => [r.client, r.server]);
const last = (segs: Seg[]) => { const r = run(segs); return r[r.length - 1]!; };

const C_FIN = seg("c2s", C + 1, S + 1, FIN | ACK);
const S_ACK_C_FIN = seg("s2c", S + 1, C + 2, ACK);
const S_FIN = seg("s2c", S + 1, C + 2, FIN | ACK);
const C_ACK_S_FIN = seg("c2s", C + 2, S + 2, ACK);

suite("CLOSED / LISTEN", () => {
  test("before the first SYN the client is CLOSED and the server assumed LISTEN", () => {
    const r = last([SYN_SEG]);
    assert.deepEqual([r.clientBefore, r.serverBefore], ["CLOSED", "LISTEN"]);
  });
  test("LAST-ACK → CLOSED when the last FIN is acked", () => {
    const r = last([...HANDSHAKE, C_FIN, S_FIN, C_ACK_S_FIN]);
    assert.deepEqual([r.serverBefore, r.server, r.serverEvent], ["LAST-ACK", "CLOSED", "receive ACK of FIN"]);
  });
});

suite("SYN-SENT", () => {
  test("a pure SYN puts the client in SYN-SENT; a SYN retransmission keeps it there", () => {
    assert.deepEqual(states([SYN_SEG, { ...SYN_SEG, ms: 1000 }]).map((x) => x[0]), ["SYN-SENT", "SYN-SENT"]);
  });
  test("SYN-SENT → ESTABLISHED on the SYN-ACK", () => {
    const r = run(HANDSHAKE)[1]!;
    assert.deepEqual([r.clientBefore, r.client, r.clientEvent], ["SYN-SENT", "ESTABLISHED", "receive SYN-ACK"]);
  });
  test("SYN-SENT → RESET on a RST-ACK (connection refused)", () => {
    const r = last([SYN_SEG, seg("s2c", 0, C + 1, RST | ACK)]);
    assert.deepEqual([r.client, r.server], ["RESET", "RESET"]);
  });
});

suite("SYN-RECEIVED", () => {
  test("the server is SYN-RECEIVED from the SYN until the ACK of its SYN-ACK", () => {
    assert.deepEqual(states(HANDSHAKE).map((x) => x[1]), ["SYN-RECEIVED", "SYN-RECEIVED", "ESTABLISHED"]);
  });
  test("simultaneous open: both SYN-RECEIVED after crossing SYNs, ESTABLISHED after both SYN-ACKs", () => {
    const rows = states([SYN_SEG, seg("s2c", S, 0, SYN), seg("c2s", C, S + 1, SYN | ACK), seg("s2c", S, C + 1, SYN | ACK)]);
    assert.deepEqual(rows, [["SYN-SENT", "SYN-RECEIVED"], ["SYN-RECEIVED", "SYN-RECEIVED"],
      ["SYN-RECEIVED", "ESTABLISHED"], ["ESTABLISHED", "ESTABLISHED"]]);
  });
});

suite("ESTABLISHED", () => {
  test("both sides ESTABLISHED after the handshake and during data", () => {
    const rows = states([...HANDSHAKE, seg("c2s", C + 1, S + 1, PSH | ACK, 10)]);
    assert.deepEqual(rows.slice(2), [["ESTABLISHED", "ESTABLISHED"], ["ESTABLISHED", "ESTABLISHED"]]);
  });
  test("a capture starting at the SYN-ACK: client ESTABLISHED on it, server after the ACK", () => {
    assert.deepEqual(states([SYNACK_SEG, ACK_SEG]), [["ESTABLISHED", "SYN-RECEIVED"], ["ESTABLISHED", "ESTABLISHED"]]);
  });
});

suite("FIN-WAIT-1 / CLOSE-WAIT", () => {
  test("the first FIN: sender FIN-WAIT-1, receiver CLOSE-WAIT", () => {
    const r = last([...HANDSHAKE, C_FIN]);
    assert.deepEqual([r.client, r.server, r.clientEvent, r.serverEvent], ["FIN-WAIT-1", "CLOSE-WAIT", "send FIN", "receive FIN"]);
  });
});

suite("FIN-WAIT-2", () => {
  test("FIN-WAIT-1 → FIN-WAIT-2 when the FIN is acked; half-close keeps data flowing", () => {
    const rows = states([...HANDSHAKE, C_FIN, S_ACK_C_FIN, seg("s2c", S + 1, C + 2, PSH | ACK, 20)]);
    assert.deepEqual(rows.slice(4), [["FIN-WAIT-2", "CLOSE-WAIT"], ["FIN-WAIT-2", "CLOSE-WAIT"]]);
  });
});

suite("LAST-ACK / TIME-WAIT", () => {
  test("CLOSE-WAIT → LAST-ACK on its FIN; FIN-WAIT-2 → TIME-WAIT on receiving it", () => {
    const r = last([...HANDSHAKE, C_FIN, S_ACK_C_FIN, S_FIN]);
    assert.deepEqual([r.client, r.server], ["TIME-WAIT", "LAST-ACK"]);
  });
  test("FIN-ACK acking the first FIN: FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT in one segment", () => {
    const r = last([...HANDSHAKE, C_FIN, S_FIN]);
    assert.deepEqual([r.clientBefore, r.client, r.server], ["FIN-WAIT-1", "TIME-WAIT", "LAST-ACK"]);
  });
});

suite("CLOSING", () => {
  test("simultaneous close: crossing FINs that do not ack each other → CLOSING, then TIME-WAIT", () => {
    const rows = states([...HANDSHAKE, C_FIN, seg("s2c", S + 1, C + 1, FIN | ACK),
      seg("c2s", C + 2, S + 2, ACK), seg("s2c", S + 2, C + 2, ACK)]);
    // Both FINs left from ESTABLISHED (neither acks the other): both CLOSING, then TIME-WAIT.
    assert.deepEqual(rows.slice(3), [["FIN-WAIT-1", "CLOSE-WAIT"], ["CLOSING", "CLOSING"],
      ["CLOSING", "TIME-WAIT"], ["TIME-WAIT", "TIME-WAIT"]]);
  });
});

suite("PARTIAL", () => {
  test("a capture starting mid-connection shows PARTIAL until a FIN is evidence", () => {
    const rows = states([seg("c2s", C + 1, S + 1, PSH | ACK, 10), seg("s2c", S + 1, C + 11, ACK),
      seg("s2c", S + 1, C + 11, FIN | ACK), seg("c2s", C + 11, S + 2, FIN | ACK)]);
    assert.deepEqual(rows, [["PARTIAL", "PARTIAL"], ["PARTIAL", "PARTIAL"], ["CLOSE-WAIT", "FIN-WAIT-1"],
      ["LAST-ACK", "TIME-WAIT"]]);
  });
});

suite("RESET", () => {
  test("a RST in ESTABLISHED resets both sides, from either direction", () => {
    assert.deepEqual(states([...HANDSHAKE, seg("s2c", S + 1, C + 1, RST | ACK)])[3], ["RESET", "RESET"]);
    assert.deepEqual(states([...HANDSHAKE, seg("c2s", C + 1, 0, RST)])[3], ["RESET", "RESET"]);
  });
  test("a RST mid-close resets both; states before are kept for the explain layer", () => {
    const r = last([...HANDSHAKE, C_FIN, seg("s2c", S + 1, C + 2, RST)]);
    assert.deepEqual([r.clientBefore, r.serverBefore, r.client, r.server], ["FIN-WAIT-1", "CLOSE-WAIT", "RESET", "RESET"]);
  });
});
