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
  for (const f of CONN_FIGURES) {
    const cell = (v: string): string => `     ${(f.label + ":").padEnd(19)}${v.padStart(9)} ${f.unit.padEnd(6)}`;
    out.push((cell(f.text(c.a2b, c)) + cell(f.text(c.b2a, c))).trimEnd());
    if (f.gapAfter === true) out.push("");
  }
  return out.join("\n") + "\n";
}

/** The whole report: a count line, then the blocks separated by a rule as tcptrace does. */
export function formatConnReport(conns: ConnStats[]): string {
  const head = `${conns.length} TCP connection${conns.length === 1 ? "" : "s"}:\n`;
  return head + conns.map((c, i) => formatConnBlock(c, i + 1)).join("================================\n");
}

/** The report as data. */
export function connJson(conns: ConnStats[]): unknown {
  return {
    connections: conns.map((c) => ({
      stream: c.stream, hostA: hostText(c, "a"), hostB: hostText(c, "b"), complete: c.complete, reset: c.reset,
      firstFrame: c.firstFrame, lastFrame: c.lastFrame, firstTime: utc(c.firstSec, c.firstNsec), lastTime: utc(c.lastSec, c.lastNsec),
      elapsedNs: c.elapsedNs, packets: c.packets, a2b: directionJson(c.a2b, c), b2a: directionJson(c.b2a, c),
    })),
  };
}
