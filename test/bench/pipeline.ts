/**
 * In-process driver of the `synack read` pipeline for `bench:read` (not a test, not the CLI):
 *   node dist/test/bench/pipeline.js MODE FILE   > /dev/null
 * MODE:
 *   parse            src/capture only (records counted; RecordBatch.nextInPlace, no view per record)
 *   print-floor      parse, then a summary-shaped line per record from fixed offsets, nothing decoded
 *                    (floorLine): what printing alone costs
 *   decode           reader → FrameDecoder (the "decode only" figure; nextInPlace + FrameDecoder.decodeAt)
 *   analysis         reader → FrameDecoder → segmentFromDecoded → TcpAnalyzer (traces off), no output
 *   analysis-traces  the same with rule traces on (the analyzer's default: -V, JSON), no output
 *   fields-decode    decode, then `-T fields` rows of DECODE_FIELDS on stdout
 *   fields-analysis  analysis, then `-T fields` rows of ANALYSIS_FIELDS on stdout
 *   copy-floor FILE SAMPLE N   parse, then per record SAMPLE's bytes per packet (its size / N, N the
 *                    packets SAMPLE holds: a real `synack read` output) copied out, cycling through
 *                    SAMPLE: what the output's bytes alone cost (issue 15's floors of -V, JSON, -e)
 *   lines-floor FILE SAMPLE N  the same with SAMPLE's lines as strings: its lines per packet joined
 *                    and encoded at once, as the CLI writes -V: what that text costs from strings
 * Rows are tshark-shaped (tab separator, "," aggregator, occurrence=all) and written through one
 * reused byte buffer; they are for timing, not a conformance claim (test/diff checks the real CLI).
 * On exit prints one JSON line on stderr: {mode, records, tcp, seconds, cpuSeconds, maxRssKiB}.
 */
import { readFileSync, writeSync } from "node:fs";
import { readCapture, type CaptureRecord, newRecord } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { DecodedFrame, FrameDecoder, formatIpv6, type TcpLayer } from "../../src/decode/index.js";
import type { AnalysisResult } from "../../src/analysis/index.js";
import { putUint } from "../../src/tshark/bytes-out.js";
// src/analysis is imported by the analysis modes only: parse and decode do not pay its ~12 ms load.
type Analysis = typeof import("../../src/analysis/index.js");
type FromDecoded = typeof import("../../src/analysis/from-decoded.js");

/** Issue 4's decode fields (the `-e` list bench:read gives tshark too). */
export const DECODE_FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
  "tcp.srcport", "tcp.dstport", "tcp.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.str",
  "tcp.window_size_value", "tcp.checksum.status", "tcp.urgent_pointer", "tcp.option_kind", "tcp.options.mss_val",
  "tcp.options.wscale.shift", "tcp.options.wscale.multiplier", "tcp.options.sack_perm", "tcp.options.sack.count",
  "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr"] as const;

/** A representative set of issue 5's analysis fields. */
export const ANALYSIS_FIELDS = ["frame.number", "tcp.stream", "tcp.len", "tcp.seq", "tcp.nxtseq", "tcp.ack",
  "tcp.window_size", "tcp.time_relative", "tcp.time_delta", "tcp.analysis.flags", "tcp.analysis.acks_frame",
  "tcp.analysis.ack_rtt", "tcp.analysis.bytes_in_flight", "tcp.analysis.push_bytes_sent",
  "tcp.analysis.retransmission", "tcp.analysis.lost_segment", "tcp.analysis.zero_window",
  "tcp.analysis.duplicate_ack_num"] as const;

export const MODES = ["parse", "print-floor", "decode", "analysis", "analysis-traces", "fields-decode", "fields-analysis",
  "copy-floor", "lines-floor"] as const;
export type Mode = (typeof MODES)[number];

// ---- output: one reused byte buffer, ASCII written byte by byte -------------------------------------

const OUT = new Uint8Array(1 << 20);
const OUT_FLUSH = OUT.length - 4096;
let o = 0;
function flush(): void {
  for (let off = 0; off < o;) off += writeSync(1, OUT, off, o - off);
  o = 0;
}
function ch(c: number): void { OUT[o++] = c; }
const TAB = 9, NL = 10, COMMA = 44, DOT = 46;
function str(s: string): void { for (let i = 0; i < s.length; i++) OUT[o++] = s.charCodeAt(i); }
/** A non-negative integer < 2^53 in decimal. */
function uint(n: number): void {
  if (n < 10) { OUT[o++] = 48 + n; return; }
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  for (let i = o + digits - 1; i >= o; i--) { const q = Math.floor(n / 10); OUT[i] = 48 + (n - q * 10); n = q; }
  o += digits;
}
/** Integer ns as seconds with 9 decimals (negative allowed), integer arithmetic only. */
function ns9(ns: number): void {
  if (ns < 0) { ch(45); ns = -ns; }
  const s = Math.floor(ns / 1e9);
  uint(s); ch(DOT); frac9(ns - s * 1e9);
}
function frac9(f: number): void {
  for (let i = o + 8; i >= o; i--) { const q = Math.floor(f / 10); OUT[i] = 48 + (f - q * 10); f = q; }
  o += 9;
}
function ipv4(a: number): void {
  uint(a >>> 24); ch(DOT); uint((a >>> 16) & 255); ch(DOT); uint((a >>> 8) & 255); ch(DOT); uint(a & 255);
}
const HEX = "0123456789abcdef";
const FLAG_STR = new Array<Uint8Array | undefined>(4096);
function flagsStr(f: number): void {
  let b = FLAG_STR[f];
  if (b === undefined) {
    const letters = "RRRACEUAPRSF";
    const bytes: number[] = [];
    for (let i = 0; i < 12; i++) {
      if ((f & (0x800 >> i)) !== 0) bytes.push(letters.charCodeAt(i)); else bytes.push(0xc2, 0xb7); // "·"
    }
    b = FLAG_STR[f] = Uint8Array.from(bytes);
  }
  OUT.set(b, o); o += b.length;
}

// ---- rows --------------------------------------------------------------------------------------

/** The options of one TCP header, walked without allocation (tshark 4.0 rules, simplified). */
const opt = { kinds: new Uint8Array(40), nKinds: 0, mss: -1, wsShift: -1, sackPerm: false, sackCount: -1, tsval: -1, tsecr: -1 };
function walkOptions(t: TcpLayer): void {
  opt.nKinds = 0; opt.mss = -1; opt.wsShift = -1; opt.sackPerm = false; opt.sackCount = -1; opt.tsval = -1; opt.tsecr = -1;
  const b = t.source, start = t.sourceBase + t.optionsOffset, end = start + t.optionsCaptured;
  for (let i = start; i < end;) {
    const kind = b[i]!;
    opt.kinds[opt.nKinds++] = kind;
    if (kind === 0) break;
    if (kind === 1) { i++; continue; }
    if (i + 1 >= end) break;
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) break;
    if (kind === 2 && len === 4) opt.mss = (b[i + 2]! << 8) | b[i + 3]!;
    else if (kind === 3 && len === 3) opt.wsShift = b[i + 2]!;
    else if (kind === 4 && len === 2) opt.sackPerm = true;
    else if (kind === 5) opt.sackCount = (len - 2) >> 3;
    else if (kind === 8 && len === 10) {
      opt.tsval = ((b[i + 2]! << 24) | (b[i + 3]! << 16) | (b[i + 4]! << 8) | b[i + 5]!) >>> 0;
      opt.tsecr = ((b[i + 6]! << 24) | (b[i + 7]! << 16) | (b[i + 8]! << 8) | b[i + 9]!) >>> 0;
    }
    i += len;
  }
}

function decodeRow(rec: CaptureRecord, f: DecodedFrame): void {
  const t = f.tcp[0]!, ip = f.ip[t.ipIndex]!;
  uint(rec.index); ch(TAB);
  uint(rec.tsSec); ch(DOT); frac9(rec.tsNsec); ch(TAB);
  if (ip.version === 4) { ipv4(ip.src4); ch(TAB); ipv4(ip.dst4); ch(TAB); ch(TAB); ch(TAB); }
  else { ch(TAB); ch(TAB); str(formatIpv6(ip.src)); ch(TAB); str(formatIpv6(ip.dst)); ch(TAB); }
  uint(t.srcPort); ch(TAB); uint(t.dstPort); ch(TAB);
  if (t.seglen >= 0) uint(t.seglen);
  ch(TAB); uint(t.seqRaw); ch(TAB); uint(t.ackRaw); ch(TAB); uint(t.headerLength); ch(TAB);
  ch(48); ch(120); ch(48);
  const fl = t.flags;
  ch(HEX.charCodeAt(fl >> 8)); ch(HEX.charCodeAt((fl >> 4) & 15)); ch(HEX.charCodeAt(fl & 15)); ch(TAB);
  flagsStr(fl); ch(TAB);
  uint(t.windowRaw); ch(TAB); ch(50); ch(TAB); uint(t.urgent); ch(TAB);
  walkOptions(t);
  for (let i = 0; i < opt.nKinds; i++) { if (i > 0) ch(COMMA); uint(opt.kinds[i]!); }
  ch(TAB);
  if (opt.mss >= 0) uint(opt.mss);
  ch(TAB);
  if (opt.wsShift >= 0) { uint(opt.wsShift); ch(TAB); uint(2 ** Math.min(opt.wsShift, 14)); } else ch(TAB);
  ch(TAB);
  if (opt.sackPerm) str("0402");
  ch(TAB);
  if (opt.sackCount >= 0) uint(opt.sackCount);
  ch(TAB);
  if (opt.tsval >= 0) { uint(opt.tsval); ch(TAB); uint(opt.tsecr); } else ch(TAB);
  ch(NL);
}

/** print-floor: a summary-shaped line per record with nothing decoded or analysed: the numbers a
 *  summary line shows (frame number, relative time, addresses, ports, flags, seq, ack, window,
 *  length, TSval/TSecr) read at the fixed offsets of Ethernet + IPv4/IPv6 + TCP and printed raw
 *  (no relative numbers, IPv6 groups without "::" compression). What the output alone costs: a
 *  lower bound for any summary, for the 10× tshark budget in bench:read. */
let floorFirst = -1;
const FLOOR_FLAGS = new Array<Uint8Array | undefined>(4096);
const FLOOR_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];
const ascii = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));
const T_ARROW = Uint8Array.of(32, 0xe2, 0x86, 0x92, 32), T_TCP = ascii(" TCP "), T_SEQ = ascii(" Seq="), T_ACK = ascii(" Ack=");
const T_WIN = ascii(" Win="), T_LEN = ascii(" Len="), T_TSVAL = ascii(" TSval="), T_TSECR = ascii(" TSecr=");
/** The CLI's number printer (two digits per division). */
function num(n: number): void { o = putUint(OUT, o, n); }
function bytes(b: Uint8Array): void { for (let i = 0; i < b.length; i++) OUT[o++] = b[i]!; }
function pad(width: number, start: number): void {
  const n = o - start;
  if (n >= width) return;
  OUT.copyWithin(start + width - n, start, o); OUT.fill(32, start, start + width - n); o = start + width;
}
function floorLine(rec: CaptureRecord, b: Uint8Array, at: number): void {
  const type = (b[at + 12]! << 8) | b[at + 13]!;
  if (rec.capturedLength < 74 || (type !== 0x0800 && type !== 0x86dd)) return;
  const v4 = type === 0x0800, ipAt = at + 14;
  const tcpAt = v4 ? ipAt + (b[ipAt]! & 15) * 4 : ipAt + 40;
  if (floorFirst < 0) floorFirst = rec.tsSec;
  let start = o;
  num(rec.index); pad(5, start); ch(32);
  start = o; num(rec.tsSec - floorFirst); ch(DOT); const us = Math.floor(rec.tsNsec / 1000);
  for (let p = 100000; p >= 1; p = p / 10) ch(48 + (Math.floor(us / p) % 10));
  pad(10, start); ch(32);
  for (let side = 0; side < 2; side++) {
    start = o;
    if (v4) { const a = ipAt + 12 + 4 * side; num(b[a]!); ch(DOT); num(b[a + 1]!); ch(DOT); num(b[a + 2]!); ch(DOT); num(b[a + 3]!); }
    else {
      const a = ipAt + 8 + 16 * side;
      for (let g = 0; g < 8; g++) {
        if (g > 0) ch(58);
        const v = (b[a + 2 * g]! << 8) | b[a + 2 * g + 1]!;
        let started = false;
        for (let sh = 12; sh >= 0; sh -= 4) { const d = (v >> sh) & 15; if (d !== 0 || started || sh === 0) { ch(HEX.charCodeAt(d)); started = true; } }
      }
    }
    if (side === 0) { pad(12, start); bytes(T_ARROW); }
    else for (let n = 12 - (o - start); n > 0; n--) ch(32);
  }
  const ipLen = v4 ? (b[ipAt + 2]! << 8) | b[ipAt + 3]! : ((b[ipAt + 4]! << 8) | b[ipAt + 5]!) + 40;
  const hdr = (b[tcpAt + 12]! >> 4) * 4, ipHdr = tcpAt - ipAt;
  bytes(T_TCP); num(rec.originalLength); ch(32);
  num((b[tcpAt]! << 8) | b[tcpAt + 1]!); bytes(T_ARROW); num((b[tcpAt + 2]! << 8) | b[tcpAt + 3]!);
  const fl = ((b[tcpAt + 12]! & 1) << 8) | b[tcpAt + 13]!;
  let ft = FLOOR_FLAGS[fl];
  if (ft === undefined) ft = FLOOR_FLAGS[fl] = ascii(` [${FLOOR_NAMES.filter((_, i) => (fl & (1 << i)) !== 0).join(", ")}]`);
  bytes(ft);
  const u32 = (p: number): number => ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  bytes(T_SEQ); num(u32(tcpAt + 4));
  if ((fl & 0x10) !== 0) { bytes(T_ACK); num(u32(tcpAt + 8)); }
  bytes(T_WIN); num((b[tcpAt + 14]! << 8) | b[tcpAt + 15]!);
  bytes(T_LEN); num(Math.max(0, ipLen - ipHdr - hdr));
  if (hdr >= 32 && b[tcpAt + 20] === 1 && b[tcpAt + 21] === 1 && b[tcpAt + 22] === 8) {
    bytes(T_TSVAL); num(u32(tcpAt + 24)); bytes(T_TSECR); num(u32(tcpAt + 28));
  }
  ch(NL);
}

let A_ANY_RETRANSMISSION = 0, A_LOST_SEGMENT = 0, A_ZERO_WINDOW = 0;

function analysisRow(r: AnalysisResult): void {
  const a = r.analysisPresent;
  uint(r.frame); ch(TAB); uint(r.stream); ch(TAB);
  if (r.seglen >= 0) uint(r.seglen);
  ch(TAB); uint(r.seq); ch(TAB);
  if (r.nxtseqPresent) uint(r.nxtseq);
  ch(TAB);
  if (r.ackPresent) uint(r.ack);
  ch(TAB);
  if (r.windowPresent) uint(r.windowSize);
  ch(TAB);
  if (r.timePresent) { ns9(r.timeRelativeNs); ch(TAB); ns9(r.timeDeltaNs); } else ch(TAB);
  ch(TAB);
  if (a && r.flags !== 0) ch(49);
  ch(TAB);
  if (a && r.acksFrame !== 0) { uint(r.acksFrame); ch(TAB); if (r.ackRttNs !== 0) ns9(r.ackRttNs); } else ch(TAB);
  ch(TAB);
  if (a && r.bytesInFlight !== 0) { uint(r.bytesInFlight); ch(TAB); uint(r.pushBytesSent); } else ch(TAB);
  ch(TAB);
  if (a && (r.flags & A_ANY_RETRANSMISSION) !== 0) ch(49);
  ch(TAB);
  if (a && (r.flags & A_LOST_SEGMENT) !== 0) ch(49);
  ch(TAB);
  if (a && (r.flags & A_ZERO_WINDOW) !== 0) ch(49);
  ch(TAB);
  if (a && r.dupAckNum !== 0) uint(r.dupAckNum);
  ch(NL);
}

// ---- the run -------------------------------------------------------------------------------------

export interface RunStats { mode: Mode; records: number; tcp: number; seconds: number; cpuSeconds: number; maxRssKiB: number }

/** The floors' sample: a real output of `packets` packets, as bytes and as lines. */
export interface FloorSample { bytes: Uint8Array; lines: string[]; packets: number }

/** copy-floor: `per` bytes of the sample a record, from a rolling offset. */
function copyFloor(s: FloorSample, per: number, at: number): number {
  const b = s.bytes;
  if (o + per > OUT.length) flush();
  for (let left = per; left > 0;) {
    const n = Math.min(left, b.length - at);
    OUT.set(b.subarray(at, at + n), o);
    o += n; left -= n; at += n;
    if (at >= b.length) at = 0;
  }
  return at;
}

/** lines-floor: the sample's next `count` lines joined into one string a packet and encoded at once
 *  by Node (as the CLI writes -V: writeDetailsTree), nothing built. */
const OUT_BUFFER = Buffer.from(OUT.buffer, OUT.byteOffset, OUT.byteLength);
function linesFloor(s: FloorSample, count: number, at: number): number {
  const lines = s.lines;
  let text = "";
  for (let k = 0; k < count; k++) {
    text += lines[at]! + "\n";
    if (++at >= lines.length) at = 0;
  }
  if (o + text.length * 3 > OUT.length) flush();
  o += OUT_BUFFER.write(text, o, "utf8");
  return at;
}

export async function run(mode: Mode, path: string, sample?: FloorSample): Promise<RunStats> {
  const analyse = mode === "analysis" || mode === "analysis-traces" || mode === "fields-analysis";
  let analysis: Analysis | undefined, fromDecoded: FromDecoded | undefined;
  if (analyse) { // before t0, as when it was a static import
    [analysis, fromDecoded] = await Promise.all([import("../../src/analysis/index.js"), import("../../src/analysis/from-decoded.js")]);
    ({ A_ANY_RETRANSMISSION, A_LOST_SEGMENT, A_ZERO_WINDOW } = analysis);
  }
  const t0 = process.hrtime.bigint(), cpu0 = process.cpuUsage();
  const reader = readCapture(openCaptureFile(path));
  const decoder = new FrameDecoder(), frame = new DecodedFrame();
  const rec = newRecord();
  // The analysis mode measures the engine as the fast paths run it: no rule traces (nothing reads them).
  const seg = analysis?.newSegment(), analyzer = analysis === undefined ? undefined
    : new analysis.TcpAnalyzer(mode === "analysis" ? { traces: false } : {});
  const segmentFromDecoded = fromDecoded?.segmentFromDecoded;
  const fieldsD = mode === "fields-decode", fieldsA = mode === "fields-analysis";
  let records = 0, tcp = 0, carry = 0, at = 0;
  for await (const batch of reader.batches()) {
    if (mode === "parse") {
      while (batch.nextInPlace(rec)) records++;
      continue;
    }
    if (mode === "decode") {
      // Records taken in place and decoded where they lie: no view of the bytes per record.
      while (batch.nextInPlace(rec)) {
        records++;
        decoder.decodeAt(rec.linkType, batch.source, batch.sourceOffset, rec.capturedLength, rec.originalLength, rec.index, frame);
        if (frame.tcpCount !== 0) tcp++;
      }
      continue;
    }
    if (mode === "copy-floor" || mode === "lines-floor") {
      // Whole bytes / lines per packet, the remainder carried so the total matches the sample's rate.
      const smp = sample!;
      const rate = mode === "copy-floor" ? smp.bytes.length / smp.packets : smp.lines.length / smp.packets;
      while (batch.nextInPlace(rec)) {
        records++;
        carry += rate;
        const k = Math.floor(carry);
        carry -= k;
        at = mode === "copy-floor" ? copyFloor(smp, k, at) : linesFloor(smp, k, at);
      }
      continue;
    }
    if (mode === "print-floor") {
      while (batch.nextInPlace(rec)) { records++; floorLine(rec, batch.source, batch.sourceOffset); if (o > OUT_FLUSH) flush(); }
      continue;
    }
    // In place, as the CLI reads: no view of the bytes per record.
    while (batch.nextInPlace(rec)) {
      records++;
      decoder.decodeAt(rec.linkType, batch.source, batch.sourceOffset, rec.capturedLength, rec.originalLength, rec.index, frame);
      if (frame.tcpCount === 0) continue;
      tcp++;
      if (fieldsD) { decodeRow(rec, frame); if (o > OUT_FLUSH) flush(); continue; }
      if (analyzer === undefined || seg === undefined || segmentFromDecoded === undefined) continue;
      for (let i = 0; i < frame.tcpCount; i++) {
        if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) continue;
        const r = analyzer.observe(seg);
        if (fieldsA) { analysisRow(r); if (o > OUT_FLUSH) flush(); }
      }
    }
  }
  flush();
  if (reader.fatal !== undefined) throw new Error(reader.fatal.message);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { mode, records, tcp, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKiB: process.resourceUsage().maxRSS };
}

/** A floor's sample file: `packets` packets of real output. */
function readSample(file: string, packets: number): FloorSample {
  const bytes = new Uint8Array(readFileSync(file));
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return { bytes, lines, packets };
}

const [modeArg, pathArg, sampleArg, sampleN] = process.argv.slice(2);
if (import.meta.url.endsWith("/pipeline.js") && process.argv[1]?.endsWith("pipeline.js")) {
  const floor = modeArg === "copy-floor" || modeArg === "lines-floor";
  if (!MODES.includes(modeArg as Mode) || pathArg === undefined || (floor && (sampleArg === undefined || !(Number(sampleN) > 0)))) {
    process.stderr.write(`usage: pipeline.js ${MODES.join("|")} FILE  (copy-floor, lines-floor: FILE SAMPLE PACKETS)\n`);
    process.exit(2);
  }
  run(modeArg as Mode, pathArg, floor ? readSample(sampleArg!, Number(sampleN)) : undefined).then(
    (s) => { process.stderr.write(JSON.stringify(s) + "\n"); },
    (err: unknown) => { process.stderr.write(`pipeline: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); },
  );
}
