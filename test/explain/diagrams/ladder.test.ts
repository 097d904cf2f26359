/** Ladder diagrams on hand-made streams: one arrow per segment in the right direction with the
 *  right relative seq/ack (the seed article's table), state labels where RFC 9293 §3.3.2 says
 *  the states change, marks from the analysis flags, collapsed runs, well-formed SVG. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readCaptureBytes, type CaptureRecord } from "../../../src/capture/index.js";
import { collectLadderPackets, ladderModel, renderLadderAscii, renderLadderSvg, xmlEscape, type LadderArrow, type LadderModel, type LadderPacket } from "../../../src/explain/index.js";
import { ARTICLE, bulk, CLIENT, pcapOf, REFUSED, RETRANSMISSION, SIMULTANEOUS, type Seg } from "./streams.js";
import { xmlProblem } from "./xml.js";

async function* records(bytes: Uint8Array): AsyncGenerator<CaptureRecord> {
  for (const r of readCaptureBytes(bytes).records) yield r;
}
async function modelOf(segs: Seg[], stream = 0, collapse?: number): Promise<LadderModel> {
  const { packets } = await collectLadderPackets(records(pcapOf(segs)), stream);
  return ladderModel(packets, collapse === undefined ? {} : { collapse });
}
const arrows = (m: LadderModel): LadderArrow[] => m.items.filter((i): i is LadderArrow => i.kind === "segment");
const byFrame = (m: LadderModel, n: number): LadderArrow => arrows(m).find((a) => a.frame === n)!;

test("ladder: the article's exchange, one arrow per segment with the table's seq/ack/len", async () => {
  const m = await modelOf(ARTICLE);
  assert.equal(m.segments, 10);
  assert.equal(arrows(m).length, 10);
  assert.deepEqual(arrows(m).map((a) => a.fromClient), ARTICLE.map((s) => s.c2s));
  // shared/seed/README.md: relative seq / ack and len of each packet.
  assert.deepEqual(arrows(m).map((a) => [a.flags, a.seq, a.ack, a.len]), [
    ["SYN", 0, undefined, 0], ["SYN,ACK", 0, 1, 0], ["ACK", 1, 1, 0], ["PSH,ACK", 1, 1, 2], ["ACK", 1, 3, 0],
    ["PSH,ACK", 1, 3, 2], ["ACK", 3, 3, 0], ["FIN,ACK", 3, 3, 0], ["FIN,ACK", 3, 4, 0], ["ACK", 4, 4, 0]]);
  assert.deepEqual([m.client.address, m.client.port, m.server.address, m.server.port], ["10.0.0.1", CLIENT.port, "10.0.0.2", 20000]);
  assert.equal(byFrame(m, 4).timeNs, 300_000);
});

test("ladder: states are written where they change (RFC 9293 §3.3.2)", async () => {
  const m = await modelOf(ARTICLE);
  const changes = arrows(m).map((a) => [a.frame, a.clientState ?? "", a.serverState ?? ""]);
  assert.deepEqual(changes.filter(([, c, s]) => c !== "" || s !== ""), [
    [1, "SYN-SENT", "SYN-RECEIVED"], // the server received a SYN
    [2, "ESTABLISHED", ""], // the client received the SYN,ACK
    [3, "", "ESTABLISHED"], // the server received the ACK of its SYN
    [8, "FIN-WAIT-1", "CLOSE-WAIT"], // shutdown: FIN sent / received
    [9, "TIME-WAIT", "LAST-ACK"], // FIN,ACK acks the client's FIN and brings the server's
    [10, "", "CLOSED"], // the last ACK acknowledges the server's FIN
  ]);
  assert.equal(m.client.final, "TIME-WAIT");
  assert.equal(m.server.final, "CLOSED");
});

test("ladder: ASCII fits 80 columns, arrows point the right way, states on the right side", async () => {
  const m = await modelOf(ARTICLE);
  const lines = renderLadderAscii(m);
  for (const l of lines) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
  const drawn = lines.filter((l) => /\|-.*->\||\|<-.*-\|/.test(l));
  assert.equal(drawn.length, 10);
  drawn.forEach((l, i) => {
    assert.match(l, new RegExp(`^\\s*${i + 1} `));
    assert.match(l, ARTICLE[i]!.c2s ? /->\|/ : /\|<-/);
  });
  assert.match(drawn[3]!, /PSH,ACK seq=1 ack=1 len=2/);
  assert.match(drawn[0]!, /SYN-SENT \|.*\| SYN-RECEIVED$/);
  assert.match(drawn[7]!, /FIN-WAIT-1 \|.*\| CLOSE-WAIT$/);
  assert.match(lines[0]!, /client 10\.0\.0\.1:54321 +server 10\.0\.0\.2:20000/);
});

test("ladder: retransmission, a segment not captured and out-of-order data are marked", async () => {
  const m = await modelOf(RETRANSMISSION);
  const ids = (n: number) => byFrame(m, n).marks.map((k) => k.id);
  assert.deepEqual(ids(4), []);
  assert.ok(ids(5).includes("retransmission"), "same 100 bytes 300 ms later");
  assert.ok(ids(7).includes("lost_segment"), "seq 201 while 101 was expected");
  assert.ok(ids(8).includes("out_of_order"), "the missing bytes 50 µs later, within the iRTT");
  const text = renderLadderAscii(m).join("\n");
  assert.match(text, /\[retransmission\]/);
  assert.match(text, /x +not captured/);
  assert.match(text, /\[out of order\]/);
});

test("ladder: simultaneous open and a refused connection", async () => {
  const m = await modelOf(SIMULTANEOUS);
  assert.equal(arrows(m).length, 5);
  assert.equal(byFrame(m, 1).clientState, "SYN-SENT");
  assert.equal(byFrame(m, 2).clientState, "SYN-RECEIVED", "a SYN received in SYN-SENT (RFC 9293 §3.5)");
  assert.equal(m.client.final, "ESTABLISHED");
  assert.equal(m.server.final, "ESTABLISHED");
  const r = await modelOf(REFUSED);
  assert.deepEqual(arrows(r).map((a) => [a.fromClient, a.flags]), [[true, "SYN"], [false, "RST,ACK"]]);
  assert.equal(byFrame(r, 2).clientState, "RESET");
  assert.equal(byFrame(r, 2).serverState, "RESET");
});

test("ladder: a long data run is one band, its segments kept for expanding", async () => {
  const m = await modelOf(bulk(20));
  assert.equal(m.segments, 46);
  const runs = m.items.filter((i) => i.kind === "run");
  assert.equal(runs.length, 1);
  const run = runs[0]!;
  assert.ok(run.kind === "run");
  assert.deepEqual([run.firstFrame, run.lastFrame, run.count, run.members.length], [4, 43, 40, 40]);
  assert.deepEqual([run.bytesFromClient, run.segmentsFromClient, run.bytesFromServer, run.segmentsFromServer], [20000, 20, 0, 20]);
  assert.equal(arrows(m).length, 6);
  const ascii = renderLadderAscii(m);
  assert.equal(ascii.filter((l) => /40 segments, frames 4-43/.test(l)).length, 1);
  for (const l of ascii) assert.ok(l.length <= 80, l);
  assert.equal(arrows(await modelOf(bulk(20), 0, 0)).length, 46, "collapse 0 draws every segment");
  assert.equal(arrows(await modelOf(ARTICLE)).length, 10, "4 plain segments stay drawn");
});

test("ladder: only the asked stream; the stream count", async () => {
  const two: Seg[] = [];
  ARTICLE.forEach((s, i) => { two.push(s); if (i < REFUSED.length) two.push({ ...REFUSED[i]!, cport: 40000 }); });
  const col = await collectLadderPackets(records(pcapOf(two)), 1);
  assert.equal(col.streams, 2);
  assert.deepEqual(col.packets.map((p) => p.frame), [2, 4]);
  assert.ok(col.packets.every((p) => p.stream === 1 && (p.srcPort === 40000 || p.dstPort === 40000)));
});

const svgArrows = (svg: string): string[] => [...svg.matchAll(/<line class="arrow[^"]*" data-frame="(\d+)"/g)].map((x) => x[1]!);

test("ladder svg: well-formed, one arrow per segment in order, direction classes", async () => {
  const m = await modelOf(ARTICLE);
  const svg = renderLadderSvg(m);
  assert.equal(xmlProblem(svg), undefined);
  assert.deepEqual(svgArrows(svg), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  const dirs = [...svg.matchAll(/<line class="arrow (c2s|s2c)/g)].map((x) => x[1] === "c2s");
  assert.deepEqual(dirs, ARTICLE.map((s) => s.c2s));
  assert.match(svg, />SYN-SENT</);
  assert.match(svg, />TIME-WAIT</);
  assert.equal((svg.match(/<line class="lifeline"/g) ?? []).length, 2);
});

test("ladder svg: marks, collapsed runs and expanded runs", async () => {
  const r = renderLadderSvg(await modelOf(RETRANSMISSION));
  assert.equal(xmlProblem(r), undefined);
  assert.equal(svgArrows(r).length, 9);
  assert.match(r, /<line class="arrow c2s problem retransmission" data-frame="5"/);
  assert.match(r, /<g class="ghost-segment" data-before-frame="7">/);
  const m = await modelOf(bulk(20));
  const svg = renderLadderSvg(m);
  assert.equal(xmlProblem(svg), undefined);
  assert.equal(svgArrows(svg).length, 6);
  assert.equal((svg.match(/<g class="run" data-frames="4-43"/g) ?? []).length, 1);
  const open = renderLadderSvg(m, { expand: new Set([4]) });
  assert.equal(xmlProblem(open), undefined);
  assert.equal(svgArrows(open).length, 46);
  assert.match(open, /<g class="run expanded" data-frames="4-43"/);
});

test("ladder svg: text is escaped", () => {
  const p: LadderPacket = { frame: 1, stream: 0, src: "a<b&c\"d'", dst: "x>y", srcPort: 1, dstPort: 2, fromClient: true,
    flags: 0x002, seq: 0, ack: 0, seglen: 0, windowSize: 0, timeRelativeNs: 0, analysisFlags: 0,
    clientBefore: "CLOSED", serverBefore: "CLOSED", client: "SYN-SENT", server: "CLOSED" };
  const svg = renderLadderSvg(ladderModel([p]), { title: "</title><script>&" });
  assert.equal(xmlProblem(svg), undefined);
  assert.match(svg, /a&lt;b&amp;c&quot;d&apos;:1/);
  assert.ok(!svg.includes("<script>"));
  assert.equal(xmlEscape("\u0001<"), "\uFFFD&lt;");
  assert.equal(xmlProblem("<a><b></a></b>") !== undefined, true, "the checker catches bad nesting");
  assert.equal(xmlProblem('<a x="1" x="2"/>') !== undefined, true, "and repeated attributes");
  assert.equal(xmlProblem("<a>&nbsp;</a>") !== undefined, true, "and unknown entities");
});

test("ladder: long IPv6 endpoint names still fit 80 columns", () => {
  const p: LadderPacket = { frame: 1, stream: 0, src: "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", dst: "2001:db8:aaaa:bbbb:cccc:dddd:eeee:2",
    srcPort: 54321, dstPort: 443, fromClient: true, flags: 0x002, seq: 0, ack: 0, seglen: 0, windowSize: 0, timeRelativeNs: 0,
    analysisFlags: 0, clientBefore: "CLOSED", serverBefore: "CLOSED", client: "SYN-SENT", server: "SYN-RECEIVED" };
  const lines = renderLadderAscii(ladderModel([p]));
  for (const l of lines) assert.ok(l.length <= 80, `${l.length}: ${l}`);
  assert.match(lines.join("\n"), /client 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1:54321/);
  assert.match(lines.join("\n"), /server 2001:db8:aaaa:bbbb:cccc:dddd:eeee:2:443/);
});
