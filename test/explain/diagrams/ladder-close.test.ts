/** Ladders of the closes and the open that the article's exchange does not show: half-close,
 *  simultaneous close and both sides of a simultaneous open. Each side's state is asserted where
 *  RFC 9293 §3.3.2 (figure 6), §3.5 (figure 7), §3.5.2 and §3.6 (figure 13) say it changes, in
 *  the model, the ASCII drawing and the SVG; and a RST in the middle of a data exchange. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readCaptureBytes, type CaptureRecord } from "../../../src/capture/index.js";
import { collectLadderPackets, ladderModel, renderLadderAscii, renderLadderSvg, type LadderArrow, type LadderModel } from "../../../src/explain/index.js";
import { ACK, ARTICLE, C_ISN, FIN, pcapOf, PSH, RST, S_ISN, SIMULTANEOUS, type Seg } from "./streams.js";
import { xmlProblem } from "./xml.js";

async function* records(bytes: Uint8Array): AsyncGenerator<CaptureRecord> {
  for (const r of readCaptureBytes(bytes).records) yield r;
}
async function modelOf(segs: Seg[]): Promise<LadderModel> {
  const { packets } = await collectLadderPackets(records(pcapOf(segs)), 0);
  return ladderModel(packets);
}
const arrows = (m: LadderModel): LadderArrow[] => m.items.filter((i): i is LadderArrow => i.kind === "segment");
/** [frame, client state written, server state written] for the arrows that change a state. */
const changes = (m: LadderModel): Array<[number, string, string]> => arrows(m)
  .filter((a) => a.clientState !== undefined || a.serverState !== undefined)
  .map((a) => [a.frame, a.clientState ?? "", a.serverState ?? ""]);
/** The state of a side after `frame`: the last label written at or before it, else the initial one. */
function stateAfter(m: LadderModel, frame: number, side: "client" | "server"): string {
  let s = m[side].initial;
  for (const a of arrows(m)) {
    if (a.frame > frame) break;
    const w = side === "client" ? a.clientState : a.serverState;
    if (w !== undefined) s = w;
  }
  return s;
}
/** The SVG's state labels as [side, text]: client labels are right-aligned against its lifeline. */
const svgStates = (svg: string): Array<[string, string]> => [...svg.matchAll(/<text class="state"([^>]*)>([^<]*)<\/text>/g)]
  .map((x) => [x[1]!.includes('text-anchor="end"') ? "client" : "server", x[2]!]);

const c = C_ISN, s = S_ISN;
const HANDSHAKE = ARTICLE.slice(0, 3);

/** The client sends 3 bytes and closes its side; the server acks the FIN, sends 5 more bytes,
 *  which the client (FIN-WAIT-2) acks, then closes too. */
const HALF_CLOSE: Seg[] = [
  ...HANDSHAKE,
  { c2s: true, flags: PSH | ACK, seq: c + 1, ack: s + 1, data: "GET" },
  { c2s: true, flags: FIN | ACK, seq: c + 4, ack: s + 1 },
  { c2s: false, flags: ACK, seq: s + 1, ack: c + 5 },
  { c2s: false, flags: PSH | ACK, seq: s + 1, ack: c + 5, data: "hello" },
  { c2s: true, flags: ACK, seq: c + 5, ack: s + 6 },
  { c2s: false, flags: FIN | ACK, seq: s + 6, ack: c + 5 },
  { c2s: true, flags: ACK, seq: c + 5, ack: s + 7 },
];

/** Both FINs sent before either arrives (each acks only up to the peer's FIN), then both ACKs. */
const SIMULTANEOUS_CLOSE: Seg[] = [
  ...HANDSHAKE,
  { c2s: true, flags: FIN | ACK, seq: c + 1, ack: s + 1 },
  { c2s: false, flags: FIN | ACK, seq: s + 1, ack: c + 1 },
  { c2s: true, flags: ACK, seq: c + 2, ack: s + 2 },
  { c2s: false, flags: ACK, seq: s + 2, ack: c + 2 },
];

test("ladder: half-close shows both sides' states: FIN-WAIT-2 / CLOSE-WAIT while the server still sends", async () => {
  const m = await modelOf(HALF_CLOSE);
  assert.equal(arrows(m).length, 10);
  assert.deepEqual(changes(m).slice(3), [
    [5, "FIN-WAIT-1", "CLOSE-WAIT"], // the client's FIN sent / received
    [6, "FIN-WAIT-2", ""], // the server acks it (ack 5 = FIN's seq 4 + 1)
    [9, "TIME-WAIT", "LAST-ACK"], // the server's FIN
    [10, "", "CLOSED"], // the ACK of the server's FIN
  ]);
  // The server's data and the client's ACK of it travel between FIN-WAIT-2 and CLOSE-WAIT.
  for (const f of [7, 8]) assert.deepEqual([stateAfter(m, f, "client"), stateAfter(m, f, "server")], ["FIN-WAIT-2", "CLOSE-WAIT"]);
  const byFrame = (n: number) => arrows(m).find((a) => a.frame === n)!;
  assert.deepEqual([byFrame(7).fromClient, byFrame(7).flags, byFrame(7).seq, byFrame(7).ack, byFrame(7).len], [false, "PSH,ACK", 1, 5, 5]);
  assert.deepEqual([byFrame(8).fromClient, byFrame(8).seq, byFrame(8).ack, byFrame(8).len], [true, 5, 6, 0]);
  assert.deepEqual([byFrame(5).seq, byFrame(6).ack, byFrame(9).seq, byFrame(10).ack], [4, 5, 6, 7]);
  assert.deepEqual([m.client.final, m.server.final], ["TIME-WAIT", "CLOSED"]);
  const ascii = renderLadderAscii(m);
  for (const l of ascii) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
  const drawn = ascii.filter((l) => /\|-.*->\||\|<-.*-\|/.test(l));
  assert.equal(drawn.length, 10);
  assert.match(drawn[5]!, /FIN-WAIT-2 \|<-.* ACK seq=1 ack=5 len=0 .*-\|$/);
  assert.match(drawn[6]!, /^\s*7 .*\|<-.* PSH,ACK seq=1 ack=5 len=5 .*-\|$/);
  assert.match(drawn[8]!, /TIME-WAIT \|<-.*-\| LAST-ACK$/);
  const svg = renderLadderSvg(m);
  assert.equal(xmlProblem(svg), undefined);
  assert.equal([...svg.matchAll(/<line class="arrow[^"]*" data-frame="\d+"/g)].length, 10);
  const labels = svgStates(svg);
  for (const want of [["client", "FIN-WAIT-1"], ["client", "FIN-WAIT-2"], ["client", "TIME-WAIT"],
    ["server", "CLOSE-WAIT"], ["server", "LAST-ACK"], ["server", "CLOSED"]]) {
    assert.ok(labels.some(([side, t]) => side === want[0] && t === want[1]), `${want.join(" ")} in ${JSON.stringify(labels)}`);
  }
});

test("ladder: simultaneous close: the client goes FIN-WAIT-1 → CLOSING → TIME-WAIT on crossing FINs", async () => {
  const m = await modelOf(SIMULTANEOUS_CLOSE);
  assert.equal(arrows(m).length, 7);
  const byFrame = (n: number) => arrows(m).find((a) => a.frame === n)!;
  // Both FINs carry seq 1 and ack 1: neither acks the other's FIN, so they crossed.
  assert.deepEqual([4, 5].map((f) => [byFrame(f).flags, byFrame(f).seq, byFrame(f).ack]), [["FIN,ACK", 1, 1], ["FIN,ACK", 1, 1]]);
  assert.deepEqual([6, 7].map((f) => [byFrame(f).flags, byFrame(f).seq, byFrame(f).ack]), [["ACK", 2, 2], ["ACK", 2, 2]]);
  assert.deepEqual(changes(m).filter(([, cs]) => cs !== "").map(([f, cs]) => [f, cs]).slice(2),
    [[4, "FIN-WAIT-1"], [5, "CLOSING"], [7, "TIME-WAIT"]]);
  assert.equal(m.client.final, "TIME-WAIT");
  // RFC 9293 figure 13 takes the server through FIN-WAIT-1 → CLOSING → TIME-WAIT as well.
  assert.equal(stateAfter(m, 5, "server"), "CLOSING");
  assert.equal(stateAfter(m, 6, "server"), "TIME-WAIT");
  assert.equal(m.server.final, "TIME-WAIT");
  const ascii = renderLadderAscii(m);
  for (const l of ascii) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
  const drawn = ascii.filter((l) => /\|-.*->\||\|<-.*-\|/.test(l));
  assert.match(drawn[4]!, /CLOSING \|<-.* FIN,ACK seq=1 ack=1 len=0 .*-\|/);
  assert.match(drawn[6]!, /TIME-WAIT \|<-.* ACK seq=2 ack=2 len=0 .*-\|/);
  const svg = renderLadderSvg(m);
  assert.equal(xmlProblem(svg), undefined);
  assert.equal([...svg.matchAll(/<line class="arrow[^"]*" data-frame="\d+"/g)].length, 7);
  assert.ok(svgStates(svg).some(([side, t]) => side === "client" && t === "CLOSING"));
});

test("ladder: simultaneous open shows both sides SYN-RECEIVED after the crossing SYNs, each ESTABLISHED on the other's SYN,ACK", async () => {
  const m = await modelOf(SIMULTANEOUS);
  const both = (f: number) => [stateAfter(m, f, "client"), stateAfter(m, f, "server")];
  assert.deepEqual(both(1)[0], "SYN-SENT");
  assert.deepEqual(both(2), ["SYN-RECEIVED", "SYN-RECEIVED"]);
  // RFC 9293 figure 7 lines 5–7: a SYN,ACK received in SYN-RECEIVED establishes its receiver.
  const byFrame = (n: number) => arrows(m).find((a) => a.frame === n)!;
  assert.deepEqual([byFrame(3).fromClient, byFrame(3).flags, byFrame(3).ack, byFrame(3).serverState], [true, "SYN,ACK", 1, "ESTABLISHED"]);
  assert.deepEqual(both(3), ["SYN-RECEIVED", "ESTABLISHED"]);
  assert.deepEqual([byFrame(4).fromClient, byFrame(4).flags, byFrame(4).ack, byFrame(4).clientState], [false, "SYN,ACK", 1, "ESTABLISHED"]);
  assert.deepEqual(both(4), ["ESTABLISHED", "ESTABLISHED"]);
  const labels = svgStates(renderLadderSvg(m));
  assert.ok(labels.some(([side, t]) => side === "client" && t === "SYN-RECEIVED"));
  assert.ok(labels.some(([side, t]) => side === "server" && t === "SYN-RECEIVED"));
  assert.ok(labels.some(([side, t]) => side === "client" && t === "ESTABLISHED"));
  assert.ok(labels.some(([side, t]) => side === "server" && t === "ESTABLISHED"));
});

test("ladder: a RST from the server during data resets both sides (RFC 9293 §3.5.2)", async () => {
  const m = await modelOf([
    ...HANDSHAKE,
    { c2s: true, flags: PSH | ACK, seq: c + 1, ack: s + 1, data: "AB" },
    { c2s: false, flags: RST | ACK, seq: s + 1, ack: c + 3, win: 0 },
  ]);
  const rst = arrows(m).find((a) => a.frame === 5)!;
  assert.deepEqual([rst.fromClient, rst.flags, rst.seq, rst.ack, rst.clientState, rst.serverState],
    [false, "RST,ACK", 1, 3, "RESET", "RESET"]);
  assert.deepEqual([stateAfter(m, 4, "client"), stateAfter(m, 4, "server")], ["ESTABLISHED", "ESTABLISHED"]);
  assert.match(renderLadderAscii(m).find((l) => /RST,ACK/.test(l))!, /RESET \|<-.* RST,ACK seq=1 ack=3 len=0 .*-\| RESET$/);
});
