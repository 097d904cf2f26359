/** Connection summaries: phases and frame ranges, bytes and counts each way, ending, bounded
 *  collector; and frame/byte counts per direction against `tshark -z conv,tcp` on the probes. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  ACK, ConversationSummaries, type ConversationSummary, FIN, newSegment, PSH, RST, SYN, TcpAnalyzer,
} from "../../src/analysis/index.js";
import { segmentFromDecoded } from "../../src/analysis/from-decoded.js";
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { sharedDir } from "../support/paths.js";
import { C_ISN, fill, HANDSHAKE, S_ISN, type Seg, SYN_SEG } from "./helpers.js";

const C = C_ISN, S = S_ISN;
const seg = (dir: "c2s" | "s2c", seq: number, ack: number, flags: number, len = 0, extra: Partial<Seg> = {}): Seg =>
  ({ dir, seq, ack, flags, win: 65535, len, ...extra });

function summarise(segs: Seg[], maxKept?: number): ConversationSummaries {
  const a = new TcpAnalyzer(), s = newSegment();
  const col = new ConversationSummaries(maxKept === undefined ? {} : { maxKept });
  let ms = 0;
  segs.forEach((d, i) => { ms = d.ms ?? (i === 0 ? 0 : ms + 1); fill(s, d, i + 1, ms); col.observe(s, a.observe(s), 60 + (d.len ?? 0)); });
  return col;
}
const ranges = (x: ConversationSummary) => (["handshake", "data", "teardown", "reset"] as const)
  .map((p) => [x.phase(p).firstFrame, x.phase(p).lastFrame, x.phase(p).packets]);

suite("a normal connection", () => {
  // 1-3 handshake (2 ms iRTT); 4 data 100 B; 5 its retransmission 30 ms later; 6 ack; 7 server data 50 B;
  // 8 client ack; 9 client FIN; 10 server FIN-ACK; 11 last ACK.
  const segs: Seg[] = [...HANDSHAKE, seg("c2s", C + 1, S + 1, PSH | ACK, 100), seg("c2s", C + 1, S + 1, PSH | ACK, 100, { ms: 33 }),
    seg("s2c", S + 1, C + 101, ACK), seg("s2c", S + 1, C + 101, PSH | ACK, 50), seg("c2s", C + 101, S + 51, ACK),
    seg("c2s", C + 101, S + 51, FIN | ACK), seg("s2c", S + 51, C + 102, FIN | ACK), seg("c2s", C + 102, S + 52, ACK)];
  const x = summarise(segs).get(0)!;
  test("phases with their frame ranges", () => {
    assert.deepEqual(ranges(x), [[1, 3, 3], [4, 8, 5], [9, 11, 3], [0, 0, 0]]);
  });
  test("bytes each way, with and without the retransmission; counts; iRTT; duration", () => {
    assert.deepEqual([x.clientToServer.packets, x.clientToServer.payloadBytes, x.clientToServer.payloadBytesNoRetrans,
      x.clientToServer.retransmissions], [7, 200, 100, 1]);
    assert.deepEqual([x.serverToClient.packets, x.serverToClient.payloadBytes, x.serverToClient.payloadBytesNoRetrans], [4, 50, 50]);
    assert.equal(x.clientToServer.frameBytes, 7 * 60 + 200);
    assert.equal(x.initialRttNs, 2_000_000);
    assert.equal(x.durationNs, 39_000_000); // frame 5 at 33 ms, frames 6–11 1 ms apart
    assert.deepEqual([x.firstFrame, x.lastFrame, x.packets], [1, 11, 11]);
  });
  test("who opened, who closed first, how it ended", () => {
    assert.deepEqual([x.opener, x.closedFirstBy, x.end, x.closed], ["client", "client", "fin", true]);
    assert.deepEqual([x.clientPort, x.serverPort, x.clientAddr[0], x.serverAddr[0]], [33310, 20000, 0x0a000001, 0x0a000002]);
    assert.deepEqual([x.clientState, x.serverState], ["TIME-WAIT", "CLOSED"]);
  });
});

suite("endings", () => {
  test("RST by the server during data; packets after it are in the reset phase", () => {
    const x = summarise([...HANDSHAKE, seg("c2s", C + 1, S + 1, PSH | ACK, 10), seg("s2c", S + 1, C + 11, RST | ACK),
      seg("c2s", C + 11, S + 1, ACK)]).get(0)!;
    assert.deepEqual([x.end, x.closedFirstBy, x.reset.firstFrame, x.reset.lastFrame], ["reset-by-server", "server", 5, 6]);
  });
  test("a refused connection: SYN then RST-ACK from the server", () => {
    const x = summarise([SYN_SEG, seg("s2c", 0, C + 1, RST | ACK)]).get(0)!;
    assert.deepEqual([x.end, x.opener, x.initialRttNs], ["reset-by-server", "client", 1_000_000]);
  });
  test("an unanswered SYN is incomplete; one FIN is half-closed; no FIN is open", () => {
    assert.equal(summarise([SYN_SEG, { ...SYN_SEG, ms: 1000 }]).get(0)!.end, "incomplete");
    assert.equal(summarise([...HANDSHAKE, seg("c2s", C + 1, S + 1, FIN | ACK)]).get(0)!.end, "half-closed");
    const mid = summarise([seg("c2s", C + 1, S + 1, PSH | ACK, 10)]).get(0)!;
    assert.deepEqual([mid.end, mid.opener, mid.closedFirstBy], ["open", "unknown", undefined]);
  });
  test("a RST after both FINs keeps the ending fin", () => {
    const x = summarise([...HANDSHAKE, seg("c2s", C + 1, S + 1, FIN | ACK), seg("s2c", S + 1, C + 2, FIN | ACK),
      seg("c2s", C + 2, S + 2, RST)]).get(0)!;
    assert.equal(x.end, "fin");
  });
  test("simultaneous open: opener both", () => {
    const x = summarise([SYN_SEG, seg("s2c", S, 0, SYN), seg("c2s", C, S + 1, SYN | ACK), seg("s2c", S, C + 1, SYN | ACK)]).get(0)!;
    assert.equal(x.opener, "both");
  });
});

suite("bounded collector", () => {
  const conn = (cport: number, t: number): Seg[] => [
    { ...SYN_SEG, cport, ms: t }, { ...HANDSHAKE[1]!, cport, ms: t + 1 }, { ...HANDSHAKE[2]!, cport, ms: t + 2 },
    seg("c2s", C + 1, S + 1, RST, 0, { cport, ms: t + 3 })];
  test("the oldest closed summary is evicted first and counted; late packets of it are counted", () => {
    const evicted: number[] = [];
    const a = new TcpAnalyzer(), s = newSegment();
    const col = new ConversationSummaries({ maxKept: 2, onEvict: (x) => evicted.push(x.stream) });
    // Stream 0 stays open; streams 1 and 2 close with a RST.
    const segs = [...HANDSHAKE.map((d) => ({ ...d, cport: 1 })), ...conn(2, 10), ...conn(3, 20),
      seg("c2s", C + 1, S + 1, ACK, 0, { cport: 2, ms: 30 })];
    segs.forEach((d, i) => { fill(s, d, i + 1, d.ms ?? i); col.observe(s, a.observe(s)); });
    assert.deepEqual(evicted, [1]);
    assert.deepEqual([col.evictedClosed, col.evictedOpen, col.size], [1, 0, 2]);
    assert.deepEqual(col.all().map((x) => x.stream), [0, 2]);
    // The last ACK on port 2 after its RST: the analyzer still knows stream 1; its summary is gone.
    assert.equal(col.packetsAfterEviction, 1);
  });
  test("with only open connections the oldest open one goes", () => {
    const col = summarise([{ ...SYN_SEG, cport: 1 }, { ...SYN_SEG, cport: 2 }, { ...SYN_SEG, cport: 3 }], 2);
    assert.deepEqual([col.evictedOpen, col.all().map((x) => x.stream)], [1, [1, 2]]);
  });
});

/** One row of `tshark -z conv,tcp`: ports, frames/bytes each way, relative start, duration. */
interface ConvRow { a: string; b: string; framesBA: number; bytesBA: number; framesAB: number; bytesAB: number; start: string; duration: string }

function tsharkConv(path: string): ConvRow[] {
  const out = spawnSync("tshark", ["-n", "-q", "-r", path, "-z", "conv,tcp"], {
    encoding: "utf8", env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" },
  });
  assert.equal(out.status, 0, out.stderr);
  const rows: ConvRow[] = [];
  const re = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+) bytes\s+(\d+)\s+(\d+) bytes\s+\d+\s+\d+ bytes\s+(\S+)\s+(\S+)$/;
  for (const line of out.stdout.split("\n")) {
    const m = re.exec(line.trim());
    if (m) rows.push({ a: m[1]!, b: m[2]!, framesBA: +m[3]!, bytesBA: +m[4]!, framesAB: +m[5]!, bytesAB: +m[6]!, start: m[7]!, duration: m[8]! });
  }
  return rows;
}

const port = (ep: string) => Number(ep.slice(ep.lastIndexOf(":") + 1));
/** ns → seconds with `d` decimals, rounded half up like tshark's printf. */
const secs = (ns: number, d: number) => (ns / 1e9).toFixed(d);

test("probe captures: frames and frame bytes each way, start and duration match tshark -z conv,tcp", async () => {
  const dir = join(sharedDir(), "spec", "probes", "captures");
  let compared = 0;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".pcap")).sort()) {
    const decoder = new FrameDecoder(), frame = new DecodedFrame(), s = newSegment(), a = new TcpAnalyzer();
    const col = new ConversationSummaries();
    let t0: number | undefined;
    const startNs = new Map<number, number>();
    for await (const rec of readCapture(openCaptureFile(join(dir, name))).records()) {
      t0 ??= rec.tsSec * 1e9 + rec.tsNsec;
      decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
      for (let i = 0; i < frame.tcpCount; i++) {
        if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, s)) continue;
        const r = a.observe(s);
        // tshark's conversation tap runs at the end of the TCP dissection, which stops early on a
        // bogus header length and throws on a short segment (spec §12.2), and on options cut by
        // the capture (spec §11.1): such frames are in our summary, not in its table.
        if (s.headerBogus || s.optionsTruncated || s.seglen < 0) continue;
        const x = col.observe(s, r, rec.originalLength);
        if (x !== undefined && !startNs.has(x.stream) && x.packets > 0) startNs.set(x.stream, (rec.tsSec * 1e9 + rec.tsNsec) - t0);
      }
    }
    const rows = tsharkConv(join(dir, name));
    const ours = col.all().filter((x) => x.packets > 0);
    assert.equal(ours.length, rows.length, `${name}: conversations`);
    for (const row of rows) {
      const x = ours.find((o) => secs(startNs.get(o.stream)!, 9) === row.start
        && [o.clientPort, o.serverPort].sort().join() === [port(row.a), port(row.b)].sort().join());
      assert.ok(x !== undefined, `${name}: no summary for ${row.a} <-> ${row.b} at ${row.start}`);
      // tshark's A is the first packet's source.
      const aIsClient = x.firstFrame !== 0 && port(row.a) === x.clientPort && (port(row.a) !== port(row.b));
      const ab = aIsClient ? x.clientToServer : x.serverToClient, ba = aIsClient ? x.serverToClient : x.clientToServer;
      assert.deepEqual([ab.packets, ab.frameBytes, ba.packets, ba.frameBytes], [row.framesAB, row.bytesAB, row.framesBA, row.bytesBA],
        `${name} stream ${x.stream}`);
      assert.equal(secs(x.durationNs, 4), row.duration, `${name} stream ${x.stream} duration`);
      compared++;
    }
  }
  assert.ok(compared >= 25, `compared ${compared} conversations`);
});
