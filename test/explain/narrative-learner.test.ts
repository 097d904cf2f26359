/** What a learner reads in the one narrative (issue 15 item 4), each on hand-made streams through
 *  the real pipeline: the payload named as text and hex, the handshake steps, the teardown states
 *  and TIME-WAIT, options without NOP noise, sections by the analysis's phase, UNKNOWN states,
 *  the ACK time of a FIN, rules in words with RFCs (in -V's synack subtree too), and one time
 *  format (ms, 3 decimals). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACK, FIN, PSH, RST, SYN } from "../../src/analysis/index.js";
import { readCaptureBytes } from "../../src/capture/index.js";
import { collectPackets, type PacketFacts } from "../../src/analysis/index.js";
import { ladderModel, ladderTime, narratePacket, narrateStream, renderLadderAscii, renderNarrative } from "../../src/explain/index.js";
import { handPackets, pcapOf, type HandSeg } from "../support/hand-streams.js";
import { CLI } from "../support/paths.js";

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

const lines = (p: PacketFacts): string => narratePacket(p).lines.join("\n");

test("narrative: the payload is named as text and hex of its first bytes", async () => {
  const ps = await handPackets([...ARTICLE.slice(0, 3),
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB" },
    { dir: "c2s", seq: 3, ack: 1, flags: PSH | ACK, data: "GET /\r\n" },
    { dir: "c2s", seq: 10, ack: 1, flags: PSH | ACK, data: "0123456789abcdefXYZ" }]);
  assert.match(lines(ps[3]!), /^data: 2 bytes "AB" = 0x41 0x42$/m);
  assert.match(narratePacket(ps[3]!).summary, /^The client sends 2 bytes "AB" to the server\.$/);
  assert.match(lines(ps[4]!), /^data: 7 bytes "GET \/\\r\\n" = 0x47 0x45 0x54 0x20 0x2f 0x0d 0x0a$/m);
  assert.match(lines(ps[5]!), /^data: 19 bytes, the first 16: "0123456789abcdef…" = 0x30 0x31 .* 0x66 …$/m);
});

test("narrative: the handshake steps are numbered 1, 2, 3 and step 3 is named", async () => {
  const ps = await handPackets(ARTICLE);
  const ns = ps.map((p) => narratePacket(p));
  assert.deepEqual(ns.map((n) => n.step), [1, 2, 3, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.equal(ns[0]!.summary, "Step 1 of the three-way handshake: the client asks to open a connection.");
  assert.equal(ns[1]!.summary, "Step 2 of the three-way handshake: the server accepts and opens its own direction.");
  assert.equal(ns[2]!.summary, "Step 3 of the three-way handshake: the client acknowledges the server's SYN; both sides are now ESTABLISHED.");
  assert.match(ns[2]!.lines.join("\n"), /^iRTT: 2\.000 ms from the SYN to this ACK/m);
  const text = renderNarrative(narrateStream(ps));
  assert.match(text, /== handshake ==\n {2}The three-way handshake \(RFC 9293 §3\.5\): 1\. the client's SYN, 2\. the server's SYN-ACK, 3\. the client's ACK\./);
});

test("narrative: the teardown names FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT and TIME-WAIT's 2·MSL wait", async () => {
  const ps = await handPackets([...ARTICLE.slice(0, 3),
    { dir: "c2s", seq: 1, ack: 1, flags: FIN | ACK }, { dir: "s2c", seq: 1, ack: 2, flags: ACK },
    { dir: "s2c", seq: 1, ack: 2, flags: FIN | ACK }, { dir: "c2s", seq: 2, ack: 2, flags: ACK }]);
  const text = renderNarrative(narrateStream(ps));
  assert.match(text, /== teardown ==\n {2}Teardown: .*The side that closes first goes FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT \(FIN-WAIT-1 → CLOSING → TIME-WAIT when both close at once\), the other CLOSE-WAIT → LAST-ACK → CLOSED \(RFC 9293 §3\.6\)\./);
  for (const st of ["FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "LAST-ACK", "TIME-WAIT", "CLOSED"]) {
    assert.equal(text.split("\n").filter((l) => new RegExp(`^ +state +${st}: `).test(l)).length, 1, `${st} explained once`);
  }
  assert.match(text, /state +TIME-WAIT: both FINs are acknowledged\. The client closed first, so it waits 2·MSL \(twice the maximum segment lifetime; RFC 9293 §3\.3\.2 and §3\.6; Linux waits 60 s\)/);
  assert.match(text, /a lost last ACK|if the last ACK is lost/);
});

test("narrative: options are summarised, each explained once, NOP padding said at most once", async () => {
  const ts = (v: number) => [8, 10, 0, 0, 0, v, 0, 0, 0, 0];
  const synOpts = [2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, ...ts(1)]; // MSS 1460 | NOP WS 7 | SACK_PERM TS
  const dataOpts = [1, 1, ...ts(2)]; // NOP NOP TS
  const ps = await handPackets([
    { dir: "c2s", seq: 0, ack: 0, flags: SYN, options: synOpts },
    { dir: "s2c", seq: 0, ack: 1, flags: SYN | ACK, options: synOpts },
    { dir: "c2s", seq: 1, ack: 1, flags: ACK, options: dataOpts },
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB", options: dataOpts },
    { dir: "s2c", seq: 1, ack: 3, flags: ACK, options: dataOpts },
  ]);
  const text = renderNarrative(narrateStream(ps));
  assert.equal(text.match(/NOP/g)?.length, 1, text);
  assert.equal(text.match(/MSS 1460 — maximum segment size/g)?.length, 1);
  assert.equal(text.match(/option +MSS 1460$/gm)?.length, 1, "the server's MSS without the explanation again");
  assert.equal(text.match(/WS shift 7 \(×128\) — window scale/g)?.length, 1);
  assert.equal(text.match(/SACK permitted — the sender understands selective acknowledgments \(RFC 2018 §2\)/g)?.length, 1);
  assert.equal(text.match(/option +TS val \d+ ecr \d+/g)?.length, 5, "every packet's timestamps, explained once");
  assert.equal(text.match(/timestamps: TSval is the sender's clock/g)?.length, 1);
});

test("narrative: sections follow synack.phase: an ACK after a RST is under reset, not handshake", async () => {
  const ps = await handPackets([...ARTICLE.slice(0, 4),
    { dir: "s2c", seq: 1, ack: 3, flags: RST | ACK },
    { dir: "c2s", seq: 3, ack: 1, flags: ACK }]);
  assert.deepEqual(ps.map((p) => p.phase), ["handshake", "handshake", "handshake", "data", "reset", "reset"]);
  assert.deepEqual(ps.map((p) => narratePacket(p).phase), ps.map((p) => p.phase));
  const sections = narrateStream(ps);
  assert.deepEqual(sections.map((s) => [s.phase, s.items.map((i) => (i.kind === "packet" ? i.frame : i.firstFrame))]),
    [["handshake", [1, 2, 3]], ["data", [4]], ["reset", [5, 6]]]);
  assert.match(narratePacket(ps[5]!).headline, /\[ACK\] 0 bytes \(reset\)$/);
});

test("narrative: a capture begun mid-connection says UNKNOWN, as synack.state.* does, never PARTIAL", async () => {
  const ps = await handPackets([
    { dir: "c2s", seq: 100, ack: 200, flags: PSH | ACK, data: "hello" },
    { dir: "s2c", seq: 200, ack: 105, flags: ACK },
    { dir: "c2s", seq: 105, ack: 200, flags: FIN | ACK }]);
  assert.equal(ps[0]!.client, "PARTIAL", "the analysis has no evidence yet");
  const text = renderNarrative(narrateStream(ps));
  assert.doesNotMatch(text, /PARTIAL/);
  assert.match(text, /client stays UNKNOWN; server stays UNKNOWN/);
  assert.match(text, /state +UNKNOWN: the capture began mid-connection; nothing seen yet shows the client's state/);
  assert.match(text, /client UNKNOWN → FIN-WAIT-1 \(send FIN\)/);
  assert.match(text, /seq +1 \(raw \d+\) = raw − \d+, one before the client's first seq seen \(its SYN was not captured\)/);
});

test("narrative: the ACK time of a FIN that waited for the application is called its delay, not an RTT", async () => {
  const segs = ARTICLE.map((s) => ({ ...s }));
  segs[8]!.ms = 208; // the server's application closes 200 ms after the client's FIN (frame 8 at 8 ms)
  segs[9]!.ms = 209;
  const ps = await handPackets(segs);
  assert.equal(ps[8]!.acksFrame, 8);
  assert.equal(ps[8]!.ackRttNs, 200_000_000);
  const fin = lines(ps[8]!);
  assert.match(fin, /^acks: frame 8, 200\.000 ms later\. Not a round-trip time: this ACK rode on the server's FIN, sent when the server's application was ready, so the time is mostly the application's delay/m);
  assert.doesNotMatch(fin, /RTT sample/);
  assert.match(lines(ps[4]!), /^acks: frame 4, 1\.000 ms after it was sent: a round-trip time \(RTT\) sample \(RFC 6298 §2\)/m);
  assert.match(lines(ps[9]!), /^acks: frame 9, 1\.000 ms after it was sent: a round-trip time \(RTT\) sample/m);
});

async function* iter<T>(xs: T[]): AsyncGenerator<T> { for (const x of xs) yield x; }

test("narrative --why: rules that did not fire are said in words with RFCs, never our spec's sections", async () => {
  const segs: HandSeg[] = [...ARTICLE.slice(0, 4), { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB", ms: 300 }];
  const ps = await collectPackets(iter(readCaptureBytes(pcapOf(segs)).records), { whyNot: true });
  const text = renderNarrative(narrateStream(ps));
  const not = text.split("\n").filter((l) => /^ +not flagged /.test(l));
  assert.ok(not.length > 20, `${not.length} not-flagged lines`);
  for (const l of not) {
    assert.doesNotMatch(l, /spec §/, l);
    assert.doesNotMatch(l, /\d+ ms\b(?<!\.\d{3} ms)/, `times with 3 decimals: ${l}`);
  }
  assert.ok(not.some((l) => /not flagged +fast retransmission: .*peer's dup-ACK count 0 < 2.* \(RFC 5681 §3\.2\)$/.test(l)), not.join("\n"));
  assert.ok(not.some((l) => /not flagged +duplicate ACK: .* \(RFC 5681 §2, §4\.2\)$/.test(l)));
  assert.doesNotMatch(text, /spec §|thresholdNs|peerDupAckNum/);
});

test("times: explain, the ladder and its SVG print ms with 3 decimals (µs resolution)", async () => {
  assert.equal(ladderTime(1_234_567), "1.234");
  assert.equal(ladderTime(0), "0.000");
  assert.equal(ladderTime(12_345_678_999), "12345.678");
  const ps = await handPackets(ARTICLE);
  assert.match(narratePacket(ps[3]!).headline, /^frame 4 at 3\.000 ms: /);
  const ascii = renderLadderAscii(ladderModel(ps));
  assert.match(ascii[0]!, /^ *# +ms +client 10\.0\.0\.1:33310/);
  assert.match(ascii.find((l) => /^ *4 /.test(l))!, /^ *4 +3\.000 /);
});

test("-V's synack subtree says the same: UNKNOWN states and the rules in words with RFCs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-why-"));
  const file = join(dir, "mid.pcap");
  writeFileSync(file, pcapOf([
    { dir: "c2s", seq: 100, ack: 200, flags: PSH | ACK, data: "hello" },
    { dir: "c2s", seq: 100, ack: 200, flags: PSH | ACK, data: "hello", ms: 300 }]));
  const r = spawnSync(process.execPath, [CLI, "read", "-r", file, "-V"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[Client state: UNKNOWN → UNKNOWN \(send ACK\)\]/);
  assert.doesNotMatch(r.stdout, /PARTIAL|spec §|\w=\d/);
  assert.match(r.stdout, /\[Why: retransmission \(tcp\.analysis\.retransmission\): seq 1 is below the client's next expected seq 6: .* \(RFC 6298 §5, RFC 9293 §3\.8\.1\)\]/);
});
