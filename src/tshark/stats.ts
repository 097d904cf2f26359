/** Capture statistics in the layouts of tshark 4.0's `-q -z conv,tcp`, `-z conv,ip`, `-z endpoints,tcp` and
 *  `-z expert`: the collectors (one pass over the records, allocation per conversation, per interval
 *  or per distinct expert item, not per packet) and the text renderers. Times are kept as whole
 *  seconds + nanoseconds; where tshark prints a C double (conversation start and duration) the same
 *  double is built and rounded from its exact decimal expansion, as printf does. */
import type { CaptureRecord } from "../capture/index.js";
import { DecodedFrame, FrameDecoder, formatIpv6, type IpLayer } from "../decode/index.js";
import { newSegment, TcpAnalyzer } from "../analysis/index.js";
import { segmentFromDecoded } from "../analysis/from-decoded.js";
import { addAnalysisExperts, ExpertList, Group, Severity, TcpExpert } from "../fields/expert.js";
import { FieldRows } from "./rows.js";

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
export function nstimeDelta(bSec: number, bNsec: number, aSec: number, aNsec: number, out: Float64Array): void {
  let s = bSec - aSec, n = bNsec - aNsec;
  if (s > 0 && n < 0) { n += 1e9; s--; } else if (s < 0 && n > 0) { n -= 1e9; s++; }
  out[0] = s; out[1] = n;
}

export const cmpNstime = (aS: number, aN: number, bS: number, bN: number): number => aS !== bS ? aS - bS : aN - bN;

export function padLeft(s: string, w: number): string { return s.length >= w ? s : " ".repeat(w - s.length) + s; }
export function padRight(s: string, w: number): string { return s.length >= w ? s : s + " ".repeat(w - s.length); }

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

  /** A record `-2 -R` drops: it still makes the capture's first frame (the zero of the times). */
  origin(rec: CaptureRecord): void {
    if (!this.#first) { this.#first = true; this.#sec0 = rec.tsSec; this.#nsec0 = rec.tsNsec; }
  }

  /** Adds one record (every record, in order). */
  add(rec: CaptureRecord): void {
    const frame = this.#frame, seg = this.#seg;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    this.origin(rec);
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

/** The text of `tshark -q -z conv,tcp` (or, with `title` and the address column's `width`,
 *  `conv,ip` / `conv,ipv6`: addresses without ports in 20 columns). */
export function formatConv(t: ConvTable, title = "TCP Conversations", width = 26): string {
  const lead = " ".repeat(2 * width + 7);
  const lines = [RULE80, title, "Filter:<No Filter>",
    `${lead}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |`,
    `${lead}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |`];
  for (const r of sortedConversations(t)) {
    const { start, duration } = convTimes(r);
    lines.push(`${padRight(r.a, width)} <-> ${padRight(r.b, width)}  ${padLeft(String(r.framesToA), 6)} ${padRight(formatSize(r.bytesToA), 9)}` +
      `  ${padLeft(String(r.framesFromA), 6)} ${padRight(formatSize(r.bytesFromA), 9)}` +
      `  ${padLeft(String(r.framesToA + r.framesFromA), 6)} ${padRight(formatSize(r.bytesToA + r.bytesFromA), 9)}` +
      `  ${padLeft(start, 14)}   ${padLeft(duration, 12)}`);
  }
  lines.push(RULE80);
  return lines.join("\n") + "\n";
}

/** Collects `-z conv,ip` (version 4) or `conv,ipv6` (6): one conversation per address pair, every
 *  IP header of that version counted (tunnels' inner headers too), except those quoted in an ICMP
 *  error. A is the first packet's source. */
export class IpConvCollector {
  readonly #decoder = new FrameDecoder();
  readonly #frame = new DecodedFrame();
  readonly #byPair = new Map<string, ConvRow>();
  readonly #rows: ConvRow[] = [];
  readonly #rel = new Float64Array(2);
  #first = false;
  #sec0 = 0;
  #nsec0 = 0;
  constructor(readonly version: 4 | 6) {}

  /** A record `-2 -R` drops: it still makes the capture's first frame (the zero of the times). */
  origin(rec: CaptureRecord): void {
    if (!this.#first) { this.#first = true; this.#sec0 = rec.tsSec; this.#nsec0 = rec.tsNsec; }
  }

  /** Adds one record (every record, in order). */
  add(rec: CaptureRecord): void {
    const frame = this.#frame;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    this.origin(rec);
    for (let i = 0; i < frame.ipCount; i++) {
      const ip = frame.ip[i]!;
      if (ip.version !== this.version || ip.quoted) continue;
      const src = ip.srcText, dst = ip.dstText;
      const key = src < dst ? `${src} ${dst}` : `${dst} ${src}`;
      nstimeDelta(rec.tsSec, rec.tsNsec, this.#sec0, this.#nsec0, this.#rel);
      const relS = this.#rel[0]!, relN = this.#rel[1]!;
      let row = this.#byPair.get(key);
      if (row === undefined) {
        row = { stream: this.#rows.length, a: src, b: dst, framesToA: 0, bytesToA: 0, framesFromA: 0, bytesFromA: 0,
          startSec: relS, startNsec: relN, stopSec: relS, stopNsec: relN };
        this.#byPair.set(key, row);
        this.#rows.push(row);
      } else if (cmpNstime(relS, relN, row.stopSec, row.stopNsec) > 0) { row.stopSec = relS; row.stopNsec = relN; }
      else if (cmpNstime(relS, relN, row.startSec, row.startNsec) < 0) { row.startSec = relS; row.startNsec = relN; }
      if (src === row.a && (dst === row.b || src !== dst)) { row.framesFromA++; row.bytesFromA += rec.originalLength; }
      else { row.framesToA++; row.bytesToA += rec.originalLength; }
    }
  }

  /** The table so far. */
  table(): ConvTable { return { rows: this.#rows }; }
}

/** One TCP endpoint (address and port) of `-z endpoints,tcp`: what it sent (Tx) and received (Rx). */
export interface EndpointRow { address: string; port: string; txFrames: number; txBytes: number; rxFrames: number; rxBytes: number }

/** The endpoints of the conversations, most packets first; equal counts keep the order in which
 *  tshark first met them (a conversation's first packet names A, the source, then B). */
export function endpointRows(t: ConvTable): EndpointRow[] {
  const byKey = new Map<string, EndpointRow>();
  const split = (ap: string): [string, string] => { const i = ap.lastIndexOf(":"); return [ap.slice(0, i), ap.slice(i + 1)]; };
  const get = (ap: string): EndpointRow => {
    let e = byKey.get(ap);
    if (e === undefined) { const [address, port] = split(ap); byKey.set(ap, e = { address, port, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 }); }
    return e;
  };
  for (const r of t.rows) {
    const a = get(r.a), b = get(r.b);
    a.txFrames += r.framesFromA; a.txBytes += r.bytesFromA; a.rxFrames += r.framesToA; a.rxBytes += r.bytesToA;
    b.txFrames += r.framesToA; b.txBytes += r.bytesToA; b.rxFrames += r.framesFromA; b.rxBytes += r.bytesFromA;
  }
  return [...byKey.values()].map((e, i) => [e, i] as const)
    .sort((x, y) => (y[0].txFrames + y[0].rxFrames) - (x[0].txFrames + x[0].rxFrames) || x[1] - y[1]).map((x) => x[0]);
}

/** The text of `tshark -q -z endpoints,tcp`. */
export function formatEndpoints(t: ConvTable): string {
  const lines = [RULE80, "TCP Endpoints", "Filter:<No Filter>",
    "                       |  Port  ||  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |"];
  for (const e of endpointRows(t)) {
    lines.push(`${padRight(e.address, 20)}${padLeft(e.port, 11)}${padLeft(String(e.txFrames + e.rxFrames), 11)}`
      + `${padLeft(String(e.txBytes + e.rxBytes), 14)}${padLeft(String(e.txFrames), 11)}${padLeft(String(e.txBytes), 16)}`
      + `${padLeft(String(e.rxFrames), 12)}${padLeft(String(e.rxBytes), 16)}   `);
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

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// Expert summary (-z expert): items by severity, counted per (protocol, summary).

/** One line of `-z expert`: how often the (protocol, summary) pair was raised, its group. */
export interface ExpertRow { frequency: number; group: string; protocol: string; summary: string }

/** Severities in the order tshark 4.0 prints them, with its section titles. */
export const EXPERT_SECTIONS = [
  { title: "Errors", severity: Severity.Error }, { title: "Warns", severity: Severity.Warning },
  { title: "Notes", severity: Severity.Note }, { title: "Chats", severity: Severity.Chat },
  { title: "Comments", severity: Severity.Comment },
] as const;

/** The table of `-z expert`: rows per section title, in first-seen order. */
export type ExpertTable = Record<(typeof EXPERT_SECTIONS)[number]["title"], ExpertRow[]>;

const GROUP_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(Group).map(([k, v]) => [v, k]));

/** Exact TCP expert texts (analysis flags and fixed items). */
const TCP_TEXTS: ReadonlySet<string> = (() => {
  const l = new ExpertList();
  addAnalysisExperts(l, 0xffffffff, 0);
  return new Set<string>([...l.message, ...Object.values(TcpExpert).map((x) => x[0])]);
})();
/** TCP expert texts with numbers in them. */
const TCP_PATTERNS: readonly RegExp[] = [
  /^Connection establish (request \(SYN\)|acknowledge \(SYN\+ACK\)): server port \d+$/, /^Duplicate ACK \(#\d+\)$/,
  /^Bogus TCP header length \(/, /^Bad checksum \[should be 0x[0-9a-f]+\]$/, / \(length byte past end of options\)$/,
  / \(with too-short option length = \d+ bytes?\)$/, / \(option length = \d+ bytes says option goes past end of options\)$/,
  /^option length should be \d+$/,
];

/** The protocol tshark 4.0 names for an expert item we raise (its summary decides; our decoder
 *  raises items for Frame, Ethernet, IPv4, IPv6, 802.11 (and its radio information) and TCP only). */
export function expertProtocol(summary: string, group: number): string {
  if (TCP_TEXTS.has(summary) || TCP_PATTERNS.some((p) => p.test(summary))) return "TCP";
  if (group === Group.Comment || summary.startsWith("Arrival Time: ")) return "Frame";
  if (summary.startsWith("IPv4 ") || summary.startsWith("\"Time To Live\"")) return "IPv4";
  if (summary === "Routing header type is deprecated") return "IPv6 Routing";
  if (summary.startsWith("Source MAC must not be")) return "Ethernet";
  if (summary.startsWith("Didn't find padding of zeros")) return "Ethertype";
  if (summary === "Retransmission (retry)") return "IEEE 802.11";
  if (group === Group.Assumption && summary.startsWith("No ") && summary.includes(" information was available, assuming ")) return "802.11 Radio";
  return "Frame";
}

/** TCP items tshark 4.0 raises only while it builds a protocol tree, which `-q -z expert` does not. */
const TREE_ONLY: readonly RegExp[] = [/^4 NOP in a row - /, /^Bogus TCP header length \(/];

/** Collects `-z expert` from every record through the tshark-style row builder's expert items. */
export class ExpertCollector {
  readonly #rows = new FieldRows(["_ws.expert.message", "_ws.expert.severity", "_ws.expert.group"],
    { separator: "\u0002", aggregator: "\u0001", occurrence: "a", quote: "n" }, {}, false);
  readonly #index = new Map<string, ExpertRow>();
  readonly #table: ExpertTable = { Errors: [], Warns: [], Notes: [], Chats: [], Comments: [] };

  /** Adds one record (every record, in order). */
  add(rec: CaptureRecord): void {
    const line = this.#rows.row(rec);
    if (line === undefined || line.length <= 2) return;
    const [m = "", sv = "", g = ""] = line.split("\u0002");
    if (m === "") return;
    const msgs = m.split("\u0001"), sevs = sv.split("\u0001"), groups = g.split("\u0001");
    // tshark 4.0's expert tap gets nothing from a TCP header quoted in an ICMP error (no tree).
    const f = this.#rows.frame;
    let quotedOnly = f.tcpCount > 0;
    for (let i = 0; i < f.tcpCount; i++) if (!f.tcp[i]!.quoted) quotedOnly = false;
    for (let i = 0; i < msgs.length; i++) {
      const sev = Number(sevs[i]), group = Number(groups[i]), summary = msgs[i]!;
      const section = EXPERT_SECTIONS.find((x) => x.severity === sev)?.title;
      if (section === undefined) continue;
      if (TREE_ONLY.some((p) => p.test(summary))) continue;
      const protocol = expertProtocol(summary, group);
      if (quotedOnly && protocol === "TCP") continue;
      const key = `${section}\u0000${protocol}\u0000${summary}`;
      const row = this.#index.get(key);
      if (row !== undefined) { row.frequency++; continue; }
      const fresh: ExpertRow = { frequency: 1, group: GROUP_NAMES.get(group) ?? `Unknown (${group})`, protocol, summary };
      this.#index.set(key, fresh);
      this.#table[section].push(fresh);
    }
  }

  /** The table so far. */
  table(): ExpertTable { return this.#table; }
}

/** The text of `tshark -q -z expert`. */
export function formatExpert(t: ExpertTable): string {
  let out = "";
  for (const { title } of EXPERT_SECTIONS) {
    const rows = t[title];
    if (rows.length === 0) continue;
    let total = 0;
    for (const r of rows) total += r.frequency;
    out += `\n${title} (${total})\n=============\n   Frequency      Group           Protocol  Summary\n`;
    for (const r of rows) out += `${padLeft(String(r.frequency), 12)} ${padLeft(r.group, 10)} ${padLeft(r.protocol, 18)}  ${r.summary}\n`;
  }
  return out;
}
