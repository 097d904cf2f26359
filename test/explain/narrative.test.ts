/** Narratives of hand-made streams (real pcap bytes through the pipeline), asserted on the facts
 *  they must state: numbers, states, phases and rule names, not whole paragraphs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACK, FIN, PSH, RST, SYN } from "../../src/analysis/index.js";
import { narratePacket, narrateStream, phaseOf } from "../../src/explain/index.js";
import { C_ISN, handPackets, S_ISN, type HandSeg } from "./streams.js";

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
  assert.match(syn, new RegExp(`ISN\\) is ${C_ISN}`));
  assert.match(syn, /next seq 1 = 0 \+ 1 for the SYN/);
  assert.match(syn, /client CLOSED → SYN-SENT/);
  const synack = narratePacket(ps[1]!).lines.join("\n");
  assert.match(synack, new RegExp(`ISN\\) ${S_ISN}`));
  assert.match(synack, new RegExp(`ack 1 \\(raw ${C_ISN + 1}\\)`));
  const data = narratePacket(ps[3]!);
  assert.match(data.headline, /client 10\.0\.0\.1:33310 → server 10\.0\.0\.2:20000 \[PSH,ACK\] 2 bytes/);
  assert.match(data.lines.join("\n"), /next seq 3 = 1 \+ 2 payload bytes/);
  const fin = narratePacket(ps[7]!).lines.join("\n");
  assert.match(fin, /next seq 4 = 3 \+ 1 for the FIN/);
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
  assert.match(rtx.lines.join("\n"), /analysis: tcp\.analysis\.retransmission/);
  const rst = narratePacket(ps[5]!);
  assert.equal(rst.phase, "reset");
  assert.match(rst.lines.join("\n"), /RST: the server aborts/);
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
