/** Capture statistics in the layouts of tshark 4.0's `-q -z conv,tcp`, `-z io,stat,INTERVAL` and
 *  `-z expert`: the collectors (one pass over the records, allocation per conversation, per interval
 *  or per distinct expert item, not per packet) and the text renderers. Times are kept as whole
 *  seconds + nanoseconds; where tshark prints a C double (conversation start and duration) the same
 *  double is built and rounded from its exact decimal expansion, as printf does. */
import type { CaptureRecord } from "../capture/index.js";
import { DecodedFrame, FrameDecoder, formatIpv6, type IpLayer } from "../decode/index.js";
import { newSegment, TcpAnalyzer } from "../analysis/index.js";
import { segmentFromDecoded } from "../analysis/from-decoded.js";

// ---------------------------------------------------------------------------------------------
// Number formatting shared by the tables.

/** `x` printed like C's `%.{digits}f` (glibc: exact binary value, ties to even). */
export function printfFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const neg = x < 0 || Object.is(x, -0);
  // toFixed(100) is the exact decimal expansion of the double for |x| < 1e21.
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf(".");
  const intPart = exact.slice(0, dot), frac = exact.slice(dot + 1);
  let kept = intPart + frac.slice(0, digits);
  const rest = frac.slice(digits);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  const lastKept = kept.charCodeAt(kept.length - 1) - 48;
  if (first > 5 || (first === 5 && (tail || lastKept % 2 === 1))) kept = incrementDigits(kept);
  const ip = kept.slice(0, kept.length - digits) || "0", fp = kept.slice(kept.length - digits);
  const body = digits > 0 ? `${ip}.${fp}` : ip;
  return neg ? "-" + body : body;
}

function incrementDigits(s: string): string {
  const d = s.split("");
  let i = d.length - 1;
  for (; i >= 0; i--) {
    if (d[i] === "9") { d[i] = "0"; continue; }
    d[i] = String.fromCharCode(d[i]!.charCodeAt(0) + 1);
    break;
  }
  return i < 0 ? "1" + d.join("") : d.join("");
}

/** A byte count as tshark 4.0's conversation table prints it (SI prefixes, integer division,
 *  "bytes" when no prefix applies). */
export function formatSize(bytes: number): string {
  const p = 1000;
  if (Math.floor(bytes / p / p / p / p) >= 10) return `${Math.floor(bytes / p / p / p / p)} TB`;
  if (Math.floor(bytes / p / p / p) >= 10) return `${Math.floor(bytes / p / p / p)} GB`;
  if (Math.floor(bytes / p / p) >= 10) return `${Math.floor(bytes / p / p)} MB`;
  if (Math.floor(bytes / p) >= 10) return `${Math.floor(bytes / p)} kB`;
  return `${bytes} bytes`;
}

/** An nstime (whole seconds and nanoseconds of the same sign) as the C double tshark computes. */
function nstimeToSec(sec: number, nsec: number): number { return sec + nsec / 1e9; }

/** b − a as tshark's nstime_delta computes it: seconds and nanoseconds of the same sign. */
function nstimeDelta(bSec: number, bNsec: number, aSec: number, aNsec: number, out: Float64Array): void {
  let s = bSec - aSec, n = bNsec - aNsec;
  if (s > 0 && n < 0) { n += 1e9; s--; } else if (s < 0 && n > 0) { n -= 1e9; s++; }
  out[0] = s; out[1] = n;
}

const cmpNstime = (aS: number, aN: number, bS: number, bN: number): number => aS !== bS ? aS - bS : aN - bN;

function padLeft(s: string, w: number): string { return s.length >= w ? s : " ".repeat(w - s.length) + s; }
function padRight(s: string, w: number): string { return s.length >= w ? s : s + " ".repeat(w - s.length); }

// ---------------------------------------------------------------------------------------------
// Conversations (-z conv,tcp).

/** One TCP conversation (tcp.stream) as `-z conv,tcp` shows it. A is the first packet's source. */
export interface ConvRow {
  stream: number;
  /** "address:port" of A and B (tshark -n). */
  a: string;
  b: string;
  /** Frames and bytes (frame.len) B → A ("<-") and A → B ("->"). */
  framesToA: number;
  bytesToA: number;
  framesFromA: number;
  bytesFromA: number;
  /** Earliest and latest packet time relative to the capture's first frame (s + ns, same sign). */
  startSec: number;
  startNsec: number;
  stopSec: number;
  stopNsec: number;
}

/** The table of `-z conv,tcp`: conversations in creation order, plus the sort tshark applies. */
export interface ConvTable { rows: ConvRow[] }

interface ConvState { row: ConvRow; aAddr: Uint32Array; aPort: number; bPort: number }

/** Collects `-z conv,tcp` from capture records (ICMP-quoted headers are not counted, as in tshark). */
export class ConvCollector {
  readonly #decoder = new FrameDecoder();
  readonly #frame = new DecodedFrame();
  readonly #seg = newSegment();
  readonly #analyzer = new TcpAnalyzer();
  readonly #byStream: Array<ConvState | undefined> = [];
  readonly #rows: ConvRow[] = [];
  readonly #rel = new Float64Array(2);
  #first = false;
  #sec0 = 0;
  #nsec0 = 0;

  /** Adds one record (every record, in order). */
  add(rec: CaptureRecord): void {
    const frame = this.#frame, seg = this.#seg;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    if (!this.#first) { this.#first = true; this.#sec0 = rec.tsSec; this.#nsec0 = rec.tsNsec; }
    for (let i = 0; i < frame.tcpCount; i++) {
      if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) continue;
      const r = this.#analyzer.observe(seg);
      // tshark 4.0 never reaches its TCP tap for a bogus header length or a header cut inside its
      // options (the dissector returns or throws first, spec §11.1, §12.2).
      if (frame.tcp[i]!.quoted || seg.headerBogus || seg.optionsTruncated) continue;
      nstimeDelta(rec.tsSec, rec.tsNsec, this.#sec0, this.#nsec0, this.#rel);
      const relS = this.#rel[0]!, relN = this.#rel[1]!;
      let st = this.#byStream[r.stream];
      if (st === undefined) {
        const ip = frame.ip[frame.tcp[i]!.ipIndex]!;
        const row: ConvRow = {
          stream: r.stream, a: `${pinfoAddress(ip, true)}:${seg.srcPort}`, b: `${pinfoAddress(ip, false)}:${seg.dstPort}`,
          framesToA: 0, bytesToA: 0, framesFromA: 0, bytesFromA: 0,
          startSec: relS, startNsec: relN, stopSec: relS, stopNsec: relN,
        };
        st = { row, aAddr: Uint32Array.from(seg.srcAddr), aPort: seg.srcPort, bPort: seg.dstPort };
        this.#byStream[r.stream] = st;
        this.#rows.push(row);
      } else {
        const row = st.row;
        if (cmpNstime(relS, relN, row.stopSec, row.stopNsec) > 0) { row.stopSec = relS; row.stopNsec = relN; }
        else if (cmpNstime(relS, relN, row.startSec, row.startNsec) < 0) { row.startSec = relS; row.startNsec = relN; }
      }
      const row = st.row;
      let fromA = seg.srcPort === st.aPort;
      if (st.aPort === st.bPort || seg.srcPort === seg.dstPort) {
        const a = st.aAddr, s = seg.srcAddr;
        fromA = fromA && a[0] === s[0] && a[1] === s[1] && a[2] === s[2] && a[3] === s[3];
      }
      if (fromA) { row.framesFromA++; row.bytesFromA += rec.originalLength; }
      else { row.framesToA++; row.bytesToA += rec.originalLength; }
    }
  }

  /** The table so far. */
  table(): ConvTable { return { rows: this.#rows }; }
}

/** The address tshark shows as the packet's source/destination (IPv6 home address / routing
 *  header final hop take the place of the header's addresses, as in packets.ts). */
function pinfoAddress(ip: IpLayer, src: boolean): string {
  const at = src ? ip.pseudoSrcAt : ip.pseudoDstAt;
  if (ip.version !== 6 || at < 0) return src ? ip.srcText : ip.dstText;
  return formatIpv6(ip.bytes.subarray(at, at + 16));
}

/** Rows by total frames, most first; equal totals keep creation order (tshark 4.0's draw loop). */
export function sortedConversations(t: ConvTable): ConvRow[] {
  return t.rows.map((r, i) => [r, i] as const)
    .sort((x, y) => (y[0].framesToA + y[0].framesFromA) - (x[0].framesToA + x[0].framesFromA) || x[1] - y[1])
    .map((x) => x[0]);
}

/** Relative start (s, 9 decimals) and duration (s, 4 decimals) as tshark prints them. */
export function convTimes(r: ConvRow): { start: string; duration: string } {
  const start = nstimeToSec(r.startSec, r.startNsec), stop = nstimeToSec(r.stopSec, r.stopNsec);
  return { start: printfFixed(start, 9), duration: printfFixed(stop - start, 4) };
}

const RULE80 = "=".repeat(80);

/** The text of `tshark -q -z conv,tcp`. */
export function formatConv(t: ConvTable): string {
  const lines = [RULE80, "TCP Conversations", "Filter:<No Filter>",
    "                                                           |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |",
    "                                                           | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |"];
  for (const r of sortedConversations(t)) {
    const { start, duration } = convTimes(r);
    lines.push(`${padRight(r.a, 26)} <-> ${padRight(r.b, 26)}  ${padLeft(String(r.framesToA), 6)} ${padRight(formatSize(r.bytesToA), 9)}` +
      `  ${padLeft(String(r.framesFromA), 6)} ${padRight(formatSize(r.bytesFromA), 9)}` +
      `  ${padLeft(String(r.framesToA + r.framesFromA), 6)} ${padRight(formatSize(r.bytesToA + r.bytesFromA), 9)}` +
      `  ${padLeft(start, 14)}   ${padLeft(duration, 12)}`);
  }
  lines.push(RULE80);
  return lines.join("\n") + "\n";
}

/** `-z conv,tcp` as data (`--json`). */
export function convJson(t: ConvTable): object {
  return sortedConversations(t).map((r) => {
    const { start, duration } = convTimes(r);
    return { stream: r.stream, a: r.a, b: r.b, framesToA: r.framesToA, bytesToA: r.bytesToA,
      framesFromA: r.framesFromA, bytesFromA: r.bytesFromA, frames: r.framesToA + r.framesFromA,
      bytes: r.bytesToA + r.bytesFromA, relativeStart: start, duration };
  });
}
