/** Narratives of hand-made streams (real pcap bytes through the pipeline), asserted on the facts
 *  they must state: numbers, states, phases and rule names, not whole paragraphs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACK, FIN, PSH, RST, SYN } from "../../src/analysis/index.js";
import { narratePacket, narrateStream, renderNarrative } from "../../src/explain/index.js";
import { type PacketFacts } from "../../src/analysis/index.js";
import { C_ISN, handPackets, S_ISN, type HandSeg } from "../support/hand-streams.js";

const phaseOf = (p: PacketFacts): string => p.phase;

const ARTICLE: HandSeg[] = [
  { dir: "c2s", seq: 0, ack: 0, flags: SYN },
  { dir: "s2c", seq: 0, ack: 1, flags: SYN | ACK },
  { dir: "c2s", seq: 1, ack: 1, flags: ACK },
  { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB" },
  { dir: "s2c", seq: 1, ack: 3, flags: ACK },
  { dir: "s2c", seq: 1, ack: 3, flags: PSH | ACK, data: "AB" },
  { dir: "c2s", seq: 3, ack: 3, flags: ACK },
  { dir: "c2s", seq: 3, ack: 3, flags: FIN | ACK },
  { dir: "s2c", seq: 3, ack: 4, flags: FIN | ACK },
  { dir: "c2s", seq: 4, ack: 4, flags: ACK },
];

test("narrative: the article's exchange states ISNs, +1 for SYN/FIN, + payload, and states", async () => {
  const ps = await handPackets(ARTICLE);
  assert.deepEqual(ps.map(phaseOf), ["handshake", "handshake", "handshake", "data", "data", "data", "data", "teardown", "teardown", "teardown"]);
  const syn = narratePacket(ps[0]!).lines.join("\n");
  assert.match(syn, new RegExp(`initial sequence number \\(ISN\\) ${C_ISN}, chosen at random`));
  assert.match(syn, /next seq: 1 = 0 \+ 1 for the SYN/);
  assert.match(syn, /client CLOSED → SYN-SENT/);
  const synack = narratePacket(ps[1]!).lines.join("\n");
  assert.match(synack, new RegExp(`its own initial sequence number \\(ISN\\) ${S_ISN}`));
  assert.match(synack, new RegExp(`ack: 1 \\(raw ${C_ISN + 1}\\) = raw − the client's ISN ${C_ISN}`));
  const data = narratePacket(ps[3]!);
  assert.match(data.headline, /client 10\.0\.0\.1:33310 → server 10\.0\.0\.2:20000 \[PSH,ACK\] 2 bytes/);
  assert.match(data.lines.join("\n"), /next seq: 3 = 1 \+ 2 payload bytes/);
  const fin = narratePacket(ps[7]!).lines.join("\n");
  assert.match(fin, /next seq: 4 = 3 \+ 1 for the FIN/);
  assert.match(fin, /client ESTABLISHED → FIN-WAIT-1/);
  assert.match(narratePacket(ps[8]!).lines.join("\n"), /server CLOSE-WAIT → LAST-ACK/);
  assert.match(narratePacket(ps[9]!).lines.join("\n"), /server LAST-ACK → CLOSED|server LAST-ACK → /);
  const sections = narrateStream(ps);
  assert.deepEqual(sections.map((s) => s.phase), ["handshake", "data", "teardown"]);
});

test("narrative: a retransmission names its rule; a RST resets both sides", async () => {
  const ps = await handPackets([
    ...ARTICLE.slice(0, 4),
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB", ms: 300 },
    { dir: "s2c", seq: 1, ack: 3, flags: RST | ACK },
  ]);
  const rtx = narratePacket(ps[4]!);
  assert.ok(rtx.why.some((w) => w.flag === "tcp.analysis.retransmission"), JSON.stringify(rtx.why));
  assert.match(rtx.lines.join("\n"), /analysis: retransmission \(tcp\.analysis\.retransmission\): seq 1 is below the client's next expected seq 3/);
  const rst = narratePacket(ps[5]!);
  assert.equal(rst.phase, "reset");
  assert.match(rst.lines.join("\n"), /RST: reset: the server aborts/);
  assert.match(rst.lines.join("\n"), /client ESTABLISHED → RESET/);
});

test("narrative: a long data run is summarised in one line with bytes and retransmissions", async () => {
  const segs: HandSeg[] = [...ARTICLE.slice(0, 3)];
  for (let i = 0; i < 20; i++) segs.push({ dir: "c2s", seq: 1 + i * 100, ack: 1, flags: ACK, data: "x".repeat(100) });
  const sections = narrateStream(await handPackets(segs));
  const run = sections[1]!.items[0]!;
  assert.equal(run.kind, "run");
  if (run.kind !== "run") return;
  assert.equal(run.firstFrame, 4); assert.equal(run.lastFrame, 23);
  assert.equal(run.bytesC2S, 2000); assert.equal(run.dataSegments, 20); assert.equal(run.retransmissions, 0);
  assert.match(run.text, /frames 4–23: 20 segments, 20 with data, 2,000 bytes client→server, 0 retransmissions/);
});

const text = (ps: PacketFacts[], frame: number): string => {
  const n = narratePacket(ps[frame - 1]!);
  return `${n.headline}\n${n.lines.join("\n")}`;
};
const HANDSHAKE = ARTICLE.slice(0, 3);

test("narrative: simultaneous open (RFC 9293 §3.5 figure 7): SYN-SENT → SYN-RECEIVED on the crossing SYN, ESTABLISHED on each SYN,ACK", async () => {
  const ps = await handPackets([
    { dir: "c2s", seq: 0, ack: 0, flags: SYN },
    { dir: "s2c", seq: 0, ack: 0, flags: SYN },
    { dir: "c2s", seq: 0, ack: 1, flags: SYN | ACK },
    { dir: "s2c", seq: 0, ack: 1, flags: SYN | ACK },
    { dir: "c2s", seq: 1, ack: 1, flags: ACK },
  ]);
  assert.deepEqual(ps.slice(0, 4).map(phaseOf), ["handshake", "handshake", "handshake", "handshake"]);
  const f1 = text(ps, 1), f2 = text(ps, 2), f3 = text(ps, 3), f4 = text(ps, 4);
  assert.match(f1, new RegExp(`SYN: synchronize: the client asks to open a connection and announces its initial sequence number \\(ISN\\) ${C_ISN}`));
  assert.match(f1, /next seq: 1 = 0 \+ 1 for the SYN/);
  assert.match(f1, /client CLOSED → SYN-SENT \(send SYN\)/);
  // The server's own SYN (no ACK): it opens too, with its ISN; its SYN uses one number as well.
  assert.match(f2, /server 10\.0\.0\.2:20000 → client 10\.0\.0\.1:33310 \[SYN\] 0 bytes \(handshake\)/);
  assert.match(f2, new RegExp(`SYN: synchronize: the server asks to open a connection and announces its initial sequence number \\(ISN\\) ${S_ISN}`));
  assert.match(f2, /both SYNs cross, a simultaneous open \(RFC 9293 §3\.5\)/);
  assert.match(f2, new RegExp(`seq: 0 \\(raw ${S_ISN}\\)`));
  assert.match(f2, /next seq: 1 = 0 \+ 1 for the SYN/);
  assert.match(f2, /client SYN-SENT → SYN-RECEIVED \(receive SYN\)/);
  assert.equal(ps[1]!.server, "SYN-RECEIVED", "both sides SYN-RECEIVED once the SYNs have crossed");
  assert.equal(ps[1]!.serverEvent, "send SYN");
  // Each SYN,ACK repeats the sender's ISN (seq 0) and acks the peer's SYN: ack 1 = ISN + 1.
  assert.match(f3, new RegExp(`seq: 0 \\(raw ${C_ISN}\\)`));
  assert.match(f3, new RegExp(`ack: 1 \\(raw ${S_ISN + 1}\\)`));
  assert.match(f3, /client stays SYN-RECEIVED; server SYN-RECEIVED → ESTABLISHED \(receive SYN-ACK\)/);
  assert.match(f4, new RegExp(`ack: 1 \\(raw ${C_ISN + 1}\\)`));
  assert.match(f4, /client SYN-RECEIVED → ESTABLISHED \(receive SYN-ACK\); server stays ESTABLISHED/);
  // tshark 4.0.17 flags each SYN,ACK as a retransmission of its side's SYN (seq 0 below next seq 1).
  assert.match(f3, /analysis: retransmission \(tcp\.analysis\.retransmission\): seq 0 is below the client's next expected seq 1/);
  assert.deepEqual([ps[4]!.client, ps[4]!.server], ["ESTABLISHED", "ESTABLISHED"]);
});

test("narrative: simultaneous close (RFC 9293 §3.6 figure 13): crossing FINs, FIN-WAIT-1 → CLOSING → TIME-WAIT", async () => {
  const ps = await handPackets([
    ...HANDSHAKE,
    { dir: "c2s", seq: 1, ack: 1, flags: FIN | ACK },
    { dir: "s2c", seq: 1, ack: 1, flags: FIN | ACK }, // sent before the client's FIN arrived: acks only 1
    { dir: "c2s", seq: 2, ack: 2, flags: ACK },
    { dir: "s2c", seq: 2, ack: 2, flags: ACK },
  ]);
  assert.deepEqual(ps.slice(3).map(phaseOf), ["teardown", "teardown", "teardown", "teardown"]);
  const cfin = text(ps, 4), sfin = text(ps, 5), cack = text(ps, 6), sack = text(ps, 7);
  assert.match(cfin, new RegExp(`seq: 1 \\(raw ${C_ISN + 1}\\)`));
  assert.match(cfin, /next seq: 2 = 1 \+ 1 for the FIN/);
  assert.match(cfin, /FIN: finish: the client has no more data to send/);
  assert.match(cfin, /client ESTABLISHED → FIN-WAIT-1 \(send FIN\)/);
  // The server's FIN does not cover the client's FIN (ack 1, not 2): the FINs crossed.
  assert.match(sfin, /FIN: finish: the server has no more data to send/);
  assert.match(sfin, new RegExp(`seq: 1 \\(raw ${S_ISN + 1}\\)`));
  assert.match(sfin, /next seq: 2 = 1 \+ 1 for the FIN/);
  assert.match(sfin, new RegExp(`ack: 1 \\(raw ${C_ISN + 1}\\)`));
  assert.match(sfin, /client FIN-WAIT-1 → CLOSING \(receive FIN\)/);
  assert.equal(ps[4]!.serverEvent, "send FIN");
  // Each side then acks the other's FIN: ack 2 = FIN's seq 1 + 1.
  assert.match(cack, new RegExp(`ack: 2 \\(raw ${S_ISN + 2}\\)`));
  assert.match(cack, /client stays CLOSING/);
  assert.match(cack, /acks: frame 5/);
  assert.match(sack, new RegExp(`ack: 2 \\(raw ${C_ISN + 2}\\)`));
  assert.match(sack, /client CLOSING → TIME-WAIT \(receive ACK of FIN\)/);
  assert.match(sack, /acks: frame 4/);
  assert.equal(ps[6]!.client, "TIME-WAIT");
  // RFC 9293 figure 13 puts the server through FIN-WAIT-1 → CLOSING → TIME-WAIT too: its FIN's
  // ack (1) does not cover the client's FIN, so it left before that FIN arrived.
  assert.equal(ps[4]!.server, "CLOSING");
  assert.match(cack, /server CLOSING → TIME-WAIT \(receive ACK of FIN\)/);
  assert.equal(ps[6]!.server, "TIME-WAIT");
  const sections = narrateStream(ps);
  assert.deepEqual(sections.map((s) => s.phase), ["handshake", "teardown"]);
});

test("narrative: half-close: FIN-WAIT-2 / CLOSE-WAIT while the server still sends, then LAST-ACK and TIME-WAIT", async () => {
  const ps = await handPackets([
    ...HANDSHAKE,
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "GET" },
    { dir: "c2s", seq: 4, ack: 1, flags: FIN | ACK },
    { dir: "s2c", seq: 1, ack: 5, flags: ACK },
    { dir: "s2c", seq: 1, ack: 5, flags: PSH | ACK, data: "hello" },
    { dir: "c2s", seq: 5, ack: 6, flags: ACK },
    { dir: "s2c", seq: 6, ack: 5, flags: FIN | ACK },
    { dir: "c2s", seq: 5, ack: 7, flags: ACK },
  ]);
  const fin = text(ps, 5);
  assert.match(fin, /next seq: 5 = 4 \+ 1 for the FIN/);
  assert.match(fin, /client ESTABLISHED → FIN-WAIT-1 \(send FIN\); server ESTABLISHED → CLOSE-WAIT \(receive FIN\)/);
  const ackFin = text(ps, 6);
  assert.match(ackFin, new RegExp(`ack: 5 \\(raw ${C_ISN + 5}\\)`));
  assert.match(ackFin, /client FIN-WAIT-1 → FIN-WAIT-2 \(receive ACK of FIN\); server stays CLOSE-WAIT/);
  assert.match(ackFin, /acks: frame 5/);
  // Data after the half-close: from the server, the direction still open. The analysis's phases
  // only move forward, so it is part of the teardown (synack.phase), not a new data section.
  const data = narratePacket(ps[6]!);
  assert.equal(data.phase, "teardown");
  assert.equal(ps[6]!.fromClient, false);
  assert.match(data.headline, /server 10\.0\.0\.2:20000 → client 10\.0\.0\.1:33310 \[PSH,ACK\] 5 bytes \(teardown\)/);
  const d = data.lines.join("\n");
  assert.match(d, new RegExp(`seq: 1 \\(raw ${S_ISN + 1}\\)`));
  assert.match(d, /next seq: 6 = 1 \+ 5 payload bytes/);
  assert.match(d, /data: 5 bytes "hello" = 0x68 0x65 0x6c 0x6c 0x6f/);
  assert.match(d, /client stays FIN-WAIT-2; server stays CLOSE-WAIT/);
  assert.match(d, /in flight: 5 bytes sent by the server and not yet acknowledged by the client/);
  // The client, in FIN-WAIT-2, still acknowledges it; its own seq stays past its FIN.
  const cack = text(ps, 8);
  assert.match(cack, new RegExp(`seq: 5 \\(raw ${C_ISN + 5}\\)`));
  assert.match(cack, new RegExp(`ack: 6 \\(raw ${S_ISN + 6}\\)`));
  assert.match(cack, /client stays FIN-WAIT-2; server stays CLOSE-WAIT/);
  assert.match(cack, /acks: frame 7/);
  const sfin = text(ps, 9);
  assert.match(sfin, /next seq: 7 = 6 \+ 1 for the FIN/);
  assert.match(sfin, /client FIN-WAIT-2 → TIME-WAIT \(receive FIN\); server CLOSE-WAIT → LAST-ACK \(send FIN\)/);
  const last = text(ps, 10);
  assert.match(last, new RegExp(`ack: 7 \\(raw ${S_ISN + 7}\\)`));
  assert.match(last, /client stays TIME-WAIT; server LAST-ACK → CLOSED \(receive ACK of FIN\)/);
  assert.deepEqual(ps.map(phaseOf), ["handshake", "handshake", "handshake", "data", "teardown", "teardown", "teardown",
    "teardown", "teardown", "teardown"]);
  assert.deepEqual(narrateStream(ps).map((s) => s.phase), ["handshake", "data", "teardown"]);
  // In a stream, FIN-WAIT-2 and CLOSE-WAIT are explained where they are entered, the half-close named.
  const stream = renderNarrative(narrateStream(ps));
  assert.match(stream, /FIN-WAIT-2: the client's FIN is acknowledged; it waits for the server's FIN, and the server may still send data \(a half-close\)/);
});

test("narrative: after a full close, a re-sent FIN and the ACK that answers it are teardown, not handshake", async () => {
  const ps = await handPackets([
    ...HANDSHAKE,
    { dir: "c2s", seq: 1, ack: 1, flags: FIN | ACK },
    { dir: "s2c", seq: 1, ack: 2, flags: FIN | ACK },
    { dir: "c2s", seq: 2, ack: 2, flags: ACK },
    { dir: "s2c", seq: 1, ack: 2, flags: FIN | ACK, ms: 300 },
    { dir: "c2s", seq: 2, ack: 2, flags: ACK },
  ]);
  assert.deepEqual([ps[7]!.clientBefore, ps[7]!.serverBefore], ["TIME-WAIT", "CLOSED"]);
  assert.deepEqual(ps.slice(3).map(phaseOf), ["teardown", "teardown", "teardown", "teardown", "teardown"]);
  assert.match(text(ps, 7), /analysis: retransmission \(tcp\.analysis\.retransmission\): seq 1 is below the server's next expected seq 2/);
  assert.deepEqual(narrateStream(ps).map((s) => s.phase), ["handshake", "teardown"]);
});

/** Asserts that the narrative of `frame` says the rule of `tcp.analysis.<flag>` in words (`words`),
 *  with an RFC and without internal names, and that its `why` data keeps rule `id` and the values. */
function assertFired(ps: PacketFacts[], frame: number, flag: string, id: string, values: Record<string, number>, words: RegExp): void {
  const n = narratePacket(ps[frame - 1]!);
  const line = n.lines.find((l) => l.startsWith("analysis: ") && l.includes(`(tcp.analysis.${flag}): `));
  assert.ok(line !== undefined, `frame ${frame}: no ${flag} line in\n${n.lines.join("\n")}`);
  assert.match(line, words);
  assert.match(line, /\(RFC \d+ §[\d.]+(, (RFC \d+ )?§[\d.]+)*\)$/, "the rule cites an RFC");
  assert.doesNotMatch(line, /spec §|[a-zA-Z]+=\d|Ns\b/, "no internal names a user cannot look up");
  const w = n.why.find((x) => x.id === id);
  assert.ok(w !== undefined && w.flag === `tcp.analysis.${flag}`);
  for (const [k, v] of Object.entries(values)) assert.equal(w[k], v, `frame ${frame}: why.${k}`);
}

const data = (dir: "c2s" | "s2c", seq: number, ack: number, n: number, extra: Partial<HandSeg> = {}): HandSeg =>
  ({ dir, seq, ack, flags: PSH | ACK, data: "x".repeat(n), ...extra });
const pureAck = (dir: "c2s" | "s2c", seq: number, ack: number, extra: Partial<HandSeg> = {}): HandSeg =>
  ({ dir, seq, ack, flags: ACK, ...extra });

type Fired = [frame: number, flag: string, id: string, values: Record<string, number>, words: RegExp];

/** One case per analysis flag. Expected frames and values derived by hand from spec §6 (relative
 *  numbers; ISNs 1000/5000; handshake at 0, 1, 2 ms so the iRTT is 2 ms; 1 ms between packets),
 *  and the frames checked against tshark 4.0.17's expert info on the same bytes. `fired` lists
 *  every rule that fires in the case, so nothing is missing and nothing extra. */
const FLAG_CASES: Array<{ name: string; segs: HandSeg[]; fired: Fired[] }> = [
  { name: "retransmission: the same 100 bytes 296 ms later, seq 1 below next seq 101",
    segs: [...HANDSHAKE, data("c2s", 1, 1, 100), data("c2s", 1, 1, 100, { ms: 300 })],
    fired: [[5, "retransmission", "retransmission", { seq: 1, nextseq: 101 },
      /seq 1 is below the client's next expected seq 101: bytes sent before are sent again/]] },
  { name: "duplicate ACKs then a fast retransmission of seq 101 within 20 ms",
    segs: [...HANDSHAKE, data("c2s", 1, 1, 100), data("c2s", 101, 1, 100), data("c2s", 201, 1, 100),
      pureAck("s2c", 1, 101), pureAck("s2c", 1, 101), pureAck("s2c", 1, 101), data("c2s", 101, 1, 100)],
    fired: [
      [8, "duplicate_ack", "duplicate_ack", { dupAckNum: 1, dupAckFrame: 7, ack: 101, window: 65535, seq: 1 },
        /^analysis: duplicate ACK #1 of frame 7 \(tcp\.analysis\.duplicate_ack\): no data, the same ack 101 and window \(raw 65535\) as frame 7/],
      [9, "duplicate_ack", "duplicate_ack", { dupAckNum: 2, dupAckFrame: 7, ack: 101, window: 65535, seq: 1 }, /duplicate ACK #2 of frame 7/],
      [10, "fast_retransmission", "fast_retransmission",
        { seq: 101, nextseq: 301, peerDupAckNum: 2, sincePeerAckNs: 1_000_000, thresholdNs: 20_000_000 },
        /seq 101 is below the next expected seq 301, and the server sent 2 duplicate ACKs asking for it, the last 1\.000 ms before \(Wireshark calls it fast under 20\.000 ms\)/]] },
  { name: "spurious retransmission: bytes 1–100 again after the server acked 101",
    segs: [...HANDSHAKE, data("c2s", 1, 1, 100), pureAck("s2c", 1, 101), data("c2s", 1, 1, 100)],
    fired: [[6, "spurious_retransmission", "spurious_retransmission", { seq: 1, seglen: 100, peerAck: 101 },
      /the data ends at seq 101, at or before the server's last ack 101: it had arrived already/]] },
  { name: "lost segment (seq 101, next seq 1), then out-of-order 1 ms later (< iRTT 2 ms)",
    segs: [...HANDSHAKE, data("c2s", 101, 1, 100), data("c2s", 1, 1, 100), pureAck("s2c", 1, 201)],
    fired: [
      [4, "lost_segment", "lost_segment", { seq: 101, nextseq: 1 }, /seq 101 is beyond the next expected seq 1: 100 bytes in between were not captured/],
      [5, "out_of_order", "out_of_order", { seq: 1, nextseq: 201, sinceNextseqNs: 1_000_000, thresholdNs: 2_000_000 },
        /seq 1 is below the next expected seq 201, only 1\.000 ms after the segment that raised it \(under 2\.000 ms, the initial RTT\)/]] },
  { name: "ACKed unseen: ack 201 while only bytes up to 101 were seen",
    segs: [...HANDSHAKE, data("c2s", 1, 1, 100), pureAck("s2c", 1, 201)],
    fired: [[5, "ack_lost_segment", "ack_lost_segment", { ack: 201, peerMaxSeqToBeAcked: 101, peerNextseq: 101, peerDupAckNum: 0 },
      /the ack 201 is beyond seq 101, the end of what was seen from the client/]] },
  { name: "zero window, zero-window probe, probe ACK, window update",
    segs: [...HANDSHAKE, data("c2s", 1, 1, 100), pureAck("s2c", 1, 101, { win: 0 }), data("c2s", 101, 1, 1),
      pureAck("s2c", 1, 101, { win: 0 }), pureAck("s2c", 1, 101, { win: 65535 })],
    fired: [
      [5, "zero_window", "zero_window", { window: 0 }, /the server announces a window of 0 bytes: its receive buffer is full/],
      [6, "zero_window_probe", "zero_window_probe", { seglen: 1, seq: 101, nextseq: 101, peerWindow: 0 },
        /1 byte at the next expected seq 101 while the server's window is 0/],
      [7, "zero_window", "zero_window", { window: 0 }, /window of 0 bytes/],
      [7, "zero_window_probe_ack", "zero_window_probe_ack", { window: 0, seq: 1, ack: 101 }, /no data, the window still 0, the same ack 101/],
      [8, "window_update", "window_update", { window: 65535, previousWindow: 0, seq: 1, ack: 101 },
        /nothing newly acknowledged \(the same ack 101\), only the window changed, raw 0 → 65535/]] },
  { name: "keep-alive at seq 100 = next seq 101 − 1, and its ACK",
    segs: [...HANDSHAKE, data("c2s", 1, 1, 100), pureAck("s2c", 1, 101), pureAck("c2s", 100, 1), pureAck("s2c", 1, 101)],
    fired: [
      [6, "keep_alive", "keep_alive", { seglen: 0, seq: 100, nextseq: 101 }, /0 bytes at seq 100, one below the next expected 101/],
      [7, "keep_alive_ack", "keep_alive_ack", { window: 65535, seq: 1, ack: 101 },
        /the same window \(raw 65535\) and the same ack 101: the server answers the keep-alive/]] },
  { name: "window full: 100 bytes at seq 1 reach the server's ack 1 + window 100",
    segs: [HANDSHAKE[0]!, { ...HANDSHAKE[1]!, win: 100 }, HANDSHAKE[2]!, data("c2s", 1, 1, 100)],
    fired: [[4, "window_full", "window_full", { seq: 1, seglen: 100, peerAck: 1, peerWindow: 100, peerShift: 0 },
      /the segment ends at seq 101, exactly the server's last ack 1 \+ its window 100 bytes \(raw 100 × 2\^0\)/]] },
  { name: "reused ports: a new SYN with another ISN after a full close starts stream 1",
    segs: [...HANDSHAKE, { dir: "c2s", seq: 1, ack: 1, flags: FIN | ACK }, { dir: "s2c", seq: 1, ack: 2, flags: FIN | ACK },
      pureAck("c2s", 2, 2), { dir: "c2s", seq: 100_000, ack: 0, flags: SYN }],
    fired: [[7, "reused_ports", "reused_ports.syn", { seqRaw: C_ISN + 100_000, baseRaw: C_ISN, oldStream: 0, newStream: 1 },
      new RegExp(`a SYN with ISN ${C_ISN + 100_000}, not ${C_ISN} as in the earlier connection on these ports: a new connection, stream 1 \\(the earlier one is stream 0\\)`)]] },
];

for (const c of FLAG_CASES) {
  test(`narrative flag: ${c.name}`, async () => {
    const ps = await handPackets(c.segs);
    for (const [frame, flag, id, values, words] of c.fired) assertFired(ps, frame, flag, id, values, words);
    const all = ps.flatMap((p) => p.why.map((w) => `${p.frame} ${w.id}`));
    assert.deepEqual(all, c.fired.map(([frame, , id]) => `${frame} ${id}`));
  });
}
