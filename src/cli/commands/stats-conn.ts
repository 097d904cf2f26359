/** `synack stats -r FILE conn [--stream N] [--json]`: tcptrace-grade statistics per connection and
 *  direction (src/analysis/conn-stats.ts), one block per tcp.stream with both directions side by
 *  side as `tcptrace -l -r` prints them, or the same numbers as JSON. */
import type { CaptureRecord } from "../../capture/index.js";
import { DecodedFrame, FrameDecoder } from "../../decode/index.js";
import {
  CONN_FIGURES, ConnStatsCollector, type ConnStats, connInfoFromDecoded, directionJson, hostText, newSegment, TcpAnalyzer,
  type ConnPacketInfo,
} from "../../analysis/index.js";
import { segmentFromDecoded } from "../../analysis/from-decoded.js";

/** Runs the capture through decoder → analyzer → statistics (the pipeline every command uses). */
export async function collectConnStats(records: AsyncIterable<CaptureRecord>, stream?: number): Promise<ConnStatsCollector> {
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), seg = newSegment(), analyzer = new TcpAnalyzer();
  const stats = new ConnStatsCollector(stream);
  const info: ConnPacketInfo = { ipId: -1, urgent: 0, payloadCaptured: 0 };
  let endSec = 0, endNsec = 0;
  for await (const rec of records) {
    endSec = rec.tsSec; endNsec = rec.tsNsec;
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    for (let i = 0; i < frame.tcpCount; i++) {
      if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) continue;
      const r = analyzer.observe(seg);
      if (frame.tcp[i]!.quoted) continue;
      stats.observe(seg, r, connInfoFromDecoded(frame, i, info));
    }
  }
  stats.finish(endSec, endNsec);
  return stats;
}

/** Capture time as UTC "YYYY-MM-DD hh:mm:ss.nnnnnnnnn". */
function utc(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(nsec, 9)}`;
}

/** ns → "s.nnnnnnnnn" by integer arithmetic. */
function seconds9(ns: number): string {
  return `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, "0")}`;
}

/** Each figure's label cell and unit cell, padded once. */
const LABELS = CONN_FIGURES.map((f) => `     ${(f.label + ":").padEnd(19)}`);
const UNITS = CONN_FIGURES.map((f) => ` ${f.unit.padEnd(6)}`);

/** The text block of one connection. */
export function formatConnBlock(c: ConnStats, index: number): string {
  const out: string[] = [];
  const complete = c.reset ? "RESET" : c.complete ? "yes" : "no";
  out.push(`TCP connection ${index} (tcp.stream ${c.stream}):`);
  out.push(`\thost a:        ${hostText(c, "a")}`);
  out.push(`\thost b:        ${hostText(c, "b")}`);
  out.push(`\tcomplete conn: ${complete}${c.complete ? "" : `\t(SYNs: ${c.a2b.syns + c.b2a.syns})  (FINs: ${c.a2b.fins + c.b2a.fins})`}`);
  out.push(`\tfirst packet:  ${utc(c.firstSec, c.firstNsec)} (frame ${c.firstFrame})`);
  out.push(`\tlast packet:   ${utc(c.lastSec, c.lastNsec)} (frame ${c.lastFrame})`);
  out.push(`\telapsed time:  ${seconds9(c.elapsedNs)} s`);
  out.push(`\ttotal packets: ${c.packets}`);
  out.push(`   a->b:${" ".repeat(36)}b->a:`);
  for (let i = 0; i < CONN_FIGURES.length; i++) {
    const f = CONN_FIGURES[i]!, label = LABELS[i]!;
    const unit = f.unit === "" ? "" : " " + f.unit;
    out.push(label + f.text(c.a2b, c).padStart(9) + UNITS[i]! + label + f.text(c.b2a, c).padStart(9) + unit);
    if (f.gapAfter === true) out.push("");
  }
  return out.join("\n") + "\n";
}

/** The whole report in pieces (a count line, then the blocks separated by a rule as tcptrace
 *  does), so that a capture of many connections is written without one string of all of it. */
export function* connReportChunks(conns: Iterable<ConnStats>, count: number, paint: (heading: string) => string = (h) => h): Generator<string> {
  yield `${count} TCP connection${count === 1 ? "" : "s"}:\n`;
  let i = 0;
  for (const c of conns) {
    const block = formatConnBlock(c, ++i), nl = block.indexOf("\n");
    yield (i > 1 ? "================================\n" : "") + paint(block.slice(0, nl)) + block.slice(nl);
  }
}

/** One connection as data. */
export function connJson(c: ConnStats): unknown {
  return {
    stream: c.stream, hostA: hostText(c, "a"), hostB: hostText(c, "b"), complete: c.complete, reset: c.reset,
    firstFrame: c.firstFrame, lastFrame: c.lastFrame, firstTime: utc(c.firstSec, c.firstNsec), lastTime: utc(c.lastSec, c.lastNsec),
    elapsedNs: c.elapsedNs, packets: c.packets, a2b: directionJson(c.a2b, c), b2a: directionJson(c.b2a, c),
  };
}

/** `{"connections": […]}` in pieces, indented as JSON.stringify(…, null, 2) would. */
export function* connJsonChunks(conns: Iterable<ConnStats>): Generator<string> {
  yield "{\n  \"connections\": [";
  let n = 0;
  for (const c of conns) yield (n++ > 0 ? "," : "") + "\n    " + JSON.stringify(connJson(c), null, 2).replace(/\n/g, "\n    ");
  yield n === 0 ? "]\n}\n" : "\n  ]\n}\n";
}
