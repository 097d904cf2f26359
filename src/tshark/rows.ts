/** tshark-style `-T fields` rows: capture record → FrameDecoder → segment → TcpAnalyzer → one
 *  text line with the chosen fields (spec §14). One `FieldRows` per capture; everything it needs
 *  is made once and refilled per frame (STYLE §5): per packet it allocates the value strings and
 *  the output line. */
import type { CaptureRecord } from "../capture/index.js";
import {
  DecodedFrame, FrameDecoder, type IpLayer, TcpField, type TcpLayer, tcpChecksumIpv4, tcpChecksumIpv6, tcpFlagsHex,
  tcpFlagsString, verifyTcpChecksum,
} from "../decode/index.js";
import {
  ACK, A_ANY_RETRANSMISSION, A_DUPLICATE_ACK, ANALYSIS_FLAGS, type AnalysisOptions, type AnalysisResult,
  endpointStateText, FIN, RST, SYN, seqLe, seqLt, stateLabel, TcpAnalyzer, type TcpSegment, URG, newSegment,
} from "../analysis/index.js";
import { addAnalysisExperts, addExpert, ExpertList, Group, LNCB_TTL, optionName, Severity, TcpExpert } from "../fields/expert.js";
import { FIELD_NAMES, FIELDS, fieldId, type FieldName } from "../fields/registry.js";
import { asciiBytes, ByteOut, putBytes, putDigits, putIpv4, putIpv6, putUint } from "./bytes-out.js";
import { analysisTagsTo, icmpInfo, infoFlagsBytes } from "./info.js";
import { FinSides } from "../fields/fin-sides.js";
import { ethernetTail, formatNs, formatSecNs, hexBytes } from "../fields/index.js";
export { formatNs, formatSecNs };
import { compileFilter, type CompileResult, type DisplayFilter, type FilterFieldInfo, type FilterFields,
  type FilterFrame, type FilterKind, type FilterValue, FILTER_ALIASES } from "../filter/index.js";
import { fieldInfo } from "../fields/catalogue.js";
import { textFilterFields } from "../filter/adapter.js";
import { tokenize } from "../filter/parse.js";
import { parseByteString } from "../filter/literals.js";

/** `-E` output options of tshark `-T fields`. */
export interface FieldsFormat {
  /** `header=y`: first line lists the field names. */
  header: boolean;
  /** `separator=`: between fields (tab by default). */
  separator: string;
  /** `occurrence=f|l|a`: first, last or all occurrences of a repeated field. */
  occurrence: "f" | "l" | "a";
  /** `aggregator=`: between occurrences (`,` by default). */
  aggregator: string;
  /** `quote=n|d|s`: none, double or single quotes around each non-empty value. */
  quote: "n" | "d" | "s";
}

/** tshark 4.0 defaults for `-E`. */
export const DEFAULT_FIELDS_FORMAT: FieldsFormat = Object.freeze({
  header: false, separator: "\t", occurrence: "a", aggregator: ",", quote: "n",
});

/** Preferences that change what the rows show (spec §13). */
export interface ReadPreferences {
  /** Analysis preferences handed to `TcpAnalyzer`. */
  analysis: Partial<AnalysisOptions>;
  /** `tcp.check_checksum`: verify checksums (status 0/1, expert and Info note on a bad one). */
  checkChecksum: boolean;
  /** `tcp.ignore_tcp_timestamps`: no TSval/TSecr tokens in Info. */
  ignoreTcpTimestamps: boolean;
}

/** tshark 4.0 defaults. */
export const DEFAULT_READ_PREFERENCES: ReadPreferences = Object.freeze({
  analysis: {}, checkChecksum: false, ignoreTcpTimestamps: false,
});

/** Raised for a field name that is not in the registry. */
export class UnknownFieldError extends Error {
  constructor(readonly fields: readonly string[]) { super(`Some fields aren't valid: ${fields.join(", ")}`); }
}

// Field ids used in the switch below (indices in FIELD_NAMES).
const id = (n: FieldName): number => fieldId(n);
const F = {
  number: id("frame.number"), epoch: id("frame.time_epoch"), ipSrc: id("ip.src"), ipDst: id("ip.dst"),
  ip6Src: id("ipv6.src"), ip6Dst: id("ipv6.dst"), srcport: id("tcp.srcport"), dstport: id("tcp.dstport"),
  stream: id("tcp.stream"), completeness: id("tcp.completeness"), len: id("tcp.len"), seq: id("tcp.seq"),
  seqRaw: id("tcp.seq_raw"), nxtseq: id("tcp.nxtseq"), ack: id("tcp.ack"), ackRaw: id("tcp.ack_raw"),
  hdrLen: id("tcp.hdr_len"), flags: id("tcp.flags"), flagsStr: id("tcp.flags.str"),
  winValue: id("tcp.window_size_value"), win: id("tcp.window_size"), scale: id("tcp.window_size_scalefactor"),
  checksum: id("tcp.checksum.status"), urgent: id("tcp.urgent_pointer"), optKind: id("tcp.option_kind"),
  mss: id("tcp.options.mss_val"), wsShift: id("tcp.options.wscale.shift"), wsMult: id("tcp.options.wscale.multiplier"),
  sackPerm: id("tcp.options.sack_perm"), sackLe: id("tcp.options.sack_le"), sackRe: id("tcp.options.sack_re"),
  sackCount: id("tcp.options.sack.count"), tsval: id("tcp.options.timestamp.tsval"), tsecr: id("tcp.options.timestamp.tsecr"),
  timeRel: id("tcp.time_relative"), timeDelta: id("tcp.time_delta"), analysis: id("tcp.analysis"),
  aFlags: id("tcp.analysis.flags"), acksFrame: id("tcp.analysis.acks_frame"), ackRtt: id("tcp.analysis.ack_rtt"),
  irtt: id("tcp.analysis.initial_rtt"), bif: id("tcp.analysis.bytes_in_flight"), push: id("tcp.analysis.push_bytes_sent"),
  dupNum: id("tcp.analysis.duplicate_ack_num"), dupFrame: id("tcp.analysis.duplicate_ack_frame"),
  rto: id("tcp.analysis.rto"), rtoFrame: id("tcp.analysis.rto_frame"),
  exMsg: id("_ws.expert.message"), exSev: id("_ws.expert.severity"), exGroup: id("_ws.expert.group"), info: id("_ws.col.Info"),
  stClient: id("synack.state.client"), stServer: id("synack.state.server"),
  stClientBefore: id("synack.state.client_before"), stClientAfter: id("synack.state.client_after"),
  stServerBefore: id("synack.state.server_before"), stServerAfter: id("synack.state.server_after"), phase: id("synack.phase"),
} as const;

/** Flag-presence fields: field id → analysis flag bit. */
const FLAG_FIELD_BIT = new Map<number, number>(ANALYSIS_FLAGS.map((f) => [fieldId(f.field), f.bit]));
FLAG_FIELD_BIT.set(fieldId("tcp.analysis.retransmission"), A_ANY_RETRANSMISSION);
/** The same pairs as two arrays (walked per flagged packet without iterator allocation). */
const FLAG_FIELD_IDS = [...FLAG_FIELD_BIT.keys()], FLAG_FIELD_BITS = [...FLAG_FIELD_BIT.values()];
/** `tcp.flags.str` texts per 12-bit flag value, made on first use. */
const FLAGS_STR: Array<string | undefined> = new Array<string | undefined>(4096);
const flagsStr = (f: number): string => FLAGS_STR[f & 0xfff] ??= tcpFlagsString(f & 0xfff);

function pad9(n: number): string {
  const s = String(n);
  return s.length >= 9 ? s : "000000000".slice(s.length) + s;
}

const HEX = "0123456789abcdef";
/** Fields whose number values are integer ns, printed as seconds with 9 decimals (formatNs). */
const NS_FIELD = new Uint8Array(FIELD_NAMES.length);
for (const n of ["tcp.time_relative", "tcp.time_delta", "tcp.analysis.ack_rtt", "tcp.analysis.initial_rtt", "tcp.analysis.rto"] as const) {
  NS_FIELD[fieldId(n)] = 1;
}

/** Info tokens as bytes. */
const T_SEQ = asciiBytes(" Seq="),
  T_ACK = asciiBytes(" Ack="),
  T_WIN = asciiBytes(" Win="),
  T_URG = asciiBytes(" Urg="),
  T_LEN = asciiBytes(" Len="),
  T_MSS = asciiBytes(" MSS="),
  T_WS = asciiBytes(" WS="),
  T_SACKPERM = asciiBytes(" SACK_PERM"),
  T_SLE = asciiBytes(" SLE="),
  T_SRE = asciiBytes(" SRE="),
  T_TSVAL = asciiBytes(" TSval="),
  T_TSECR = asciiBytes(" TSecr="),
  T_MD5 = asciiBytes(" MD5");

/** Fields the option walk fills (besides Info and expert items). */
const OPTION_FIELDS: readonly number[] = [F.optKind, F.mss, F.wsShift, F.wsMult, F.sackPerm, F.sackLe, F.sackRe, F.sackCount,
  F.tsval, F.tsecr];

/** How `#write` prints a field's number values (strings are always printed as they are). */
const W_NUM = 0, W_FLAGS = 1, W_NS = 2, W_EPOCH = 3, W_IPV4 = 4, W_INFO = 5, W_IPV6_SRC = 6, W_IPV6_DST = 7;
const WRITE_KIND = new Uint8Array(FIELD_NAMES.length);
for (let i = 0; i < FIELD_NAMES.length; i++) if (NS_FIELD[i] === 1) WRITE_KIND[i] = W_NS;
WRITE_KIND[fieldId("tcp.flags")] = W_FLAGS;
WRITE_KIND[fieldId("frame.time_epoch")] = W_EPOCH;
WRITE_KIND[fieldId("ip.src")] = W_IPV4;
WRITE_KIND[fieldId("ip.dst")] = W_IPV4;
WRITE_KIND[fieldId("_ws.col.Info")] = W_INFO;
WRITE_KIND[fieldId("ipv6.src")] = W_IPV6_SRC;
WRITE_KIND[fieldId("ipv6.dst")] = W_IPV6_DST;

/** Fields that are pure functions of the packet's bytes and capture record: a row made only of
 *  these (and a filter reading only these) needs no TCP analysis at all. */
const PACKET_ONLY_FIELD = new Uint8Array(FIELD_NAMES.length);
for (const n of ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
  "tcp.dstport", "tcp.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.str",
  "tcp.window_size_value", "tcp.checksum.status", "tcp.urgent_pointer", "tcp.option_kind", "tcp.options.mss_val",
  "tcp.options.wscale.shift", "tcp.options.wscale.multiplier", "tcp.options.sack_perm", "tcp.options.sack.count",
  "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr"] as const) PACKET_ONLY_FIELD[fieldId(n)] = 1;

/** Packet fields that `#write` takes straight from the decoded frame and record, with no value
 *  list (kind per registry id, 0 for the rest): most of a packet-field row is these. A field the
 *  display filter reads keeps its list (the filter reads lists), as does tcp.checksum.status with
 *  `tcp.check_checksum` on (its value comes from the verification #tcpLayer runs). */
const D_NUMBER = 1, D_EPOCH = 2, D_IP4_SRC = 3, D_IP4_DST = 4, D_IP6_SRC = 5, D_IP6_DST = 6, D_SRCPORT = 7,
  D_DSTPORT = 8, D_LEN = 9, D_SEQRAW = 10, D_ACKRAW = 11, D_HDRLEN = 12, D_FLAGS = 13, D_FLAGSSTR = 14, D_WIN = 15,
  D_CHECKSUM = 16, D_URGENT = 17, D_INFO = 18;
const DIRECT_KIND = new Uint8Array(FIELD_NAMES.length);
for (const [n, k] of [["frame.number", D_NUMBER], ["frame.time_epoch", D_EPOCH], ["ip.src", D_IP4_SRC],
  ["ip.dst", D_IP4_DST], ["ipv6.src", D_IP6_SRC], ["ipv6.dst", D_IP6_DST], ["tcp.srcport", D_SRCPORT],
  ["tcp.dstport", D_DSTPORT], ["tcp.len", D_LEN], ["tcp.seq_raw", D_SEQRAW], ["tcp.ack_raw", D_ACKRAW],
  ["tcp.hdr_len", D_HDRLEN], ["tcp.flags", D_FLAGS], ["tcp.flags.str", D_FLAGSSTR], ["tcp.window_size_value", D_WIN],
  ["tcp.checksum.status", D_CHECKSUM], ["tcp.urgent_pointer", D_URGENT], ["_ws.col.Info", D_INFO]] as const) DIRECT_KIND[fieldId(n)] = k;
/** synack's endpoint-state fields: the analyzer infers the states only for a reader of these
 *  (AnalysisOptions.states). */
const STATE_FIELDS: readonly number[] = ["synack.state.client", "synack.state.server", "synack.state.client_before",
  "synack.state.client_after", "synack.state.server_before", "synack.state.server_after", "synack.phase"].map((n) => fieldId(n));

/** Whether rows of `fields`, filtered by `filter`, read the endpoint states: when false, the CLI
 *  runs the analyzer with `states: false`. (Readers of `FieldRows.analyzer.result` — the demo —
 *  keep the default.) */
export function rowsReadStates(fields: readonly string[], filter?: DisplayFilter<RowFilterField>): boolean {
  return fields.some((f) => STATE_FIELDS.includes(fieldId(f))) || (filter?.fields.some((f) => STATE_FIELDS.includes(f.id)) ?? false);
}

/** Analysis fields that #writeOneLayer takes straight from the frame's one AnalysisResult (and the
 *  stream times #times computes), with no value list, in frames of at most one IP and one carried
 *  TCP header; other frames fill their lists as before (#wantOne / #want). Same exclusions as the
 *  packet kinds: a field the display filter reads keeps its list. */
const AD_FIRST = 32, AD_STREAM = 32, AD_COMPLETENESS = 33, AD_SEQ = 34, AD_NXTSEQ = 35, AD_ACK = 36, AD_WIN = 37,
  AD_ACKS_FRAME = 38, AD_ACK_RTT = 39, AD_BIF = 40, AD_PUSH = 41, AD_DUP_NUM = 42, AD_DUP_FRAME = 43, AD_TIME_REL = 44,
  AD_TIME_DELTA = 45;
for (const [n, k] of [["tcp.stream", AD_STREAM], ["tcp.completeness", AD_COMPLETENESS], ["tcp.seq", AD_SEQ],
  ["tcp.nxtseq", AD_NXTSEQ], ["tcp.ack", AD_ACK], ["tcp.window_size", AD_WIN], ["tcp.analysis.acks_frame", AD_ACKS_FRAME],
  ["tcp.analysis.ack_rtt", AD_ACK_RTT], ["tcp.analysis.bytes_in_flight", AD_BIF], ["tcp.analysis.push_bytes_sent", AD_PUSH],
  ["tcp.analysis.duplicate_ack_num", AD_DUP_NUM], ["tcp.analysis.duplicate_ack_frame", AD_DUP_FRAME],
  ["tcp.time_relative", AD_TIME_REL], ["tcp.time_delta", AD_TIME_DELTA]] as const) DIRECT_KIND[fieldId(n)] = k;
/** The TcpLayer.fields bit under which #tcpLayer puts each TCP kind's value (one occurrence per header). */
const D_TCP_BIT = new Uint16Array(D_URGENT + 1);
D_TCP_BIT[D_SRCPORT] = TcpField.ports; D_TCP_BIT[D_DSTPORT] = TcpField.ports; D_TCP_BIT[D_LEN] = TcpField.len;
D_TCP_BIT[D_SEQRAW] = TcpField.seqRaw; D_TCP_BIT[D_ACKRAW] = TcpField.ackRaw; D_TCP_BIT[D_HDRLEN] = TcpField.hdrLen;
D_TCP_BIT[D_FLAGS] = TcpField.flags; D_TCP_BIT[D_FLAGSSTR] = TcpField.flags; D_TCP_BIT[D_WIN] = TcpField.window;
D_TCP_BIT[D_CHECKSUM] = TcpField.checksumStatus; D_TCP_BIT[D_URGENT] = TcpField.urgent;
/** `tcp.flags.str` as UTF-8 bytes per 12-bit flag value, made on first use. */
const FLAGS_STR_BYTES: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(4096);
function flagsStrBytes(f: number): Uint8Array {
  let b = FLAGS_STR_BYTES[f & 0xfff];
  if (b === undefined) {
    const o = new ByteOut(64);
    o.str(flagsStr(f));
    b = FLAGS_STR_BYTES[f & 0xfff] = o.buf.slice(0, o.len);
  }
  return b;
}
const HEX_BYTES = asciiBytes(HEX);
/** `tcp.flags` as 0x and 4 lowercase hex digits of its 12 bits, at `o` of `b` (6 bytes). */
function putFlagsHex(b: Uint8Array, o: number, flags: number): number {
  const f = flags & 0xfff;
  b[o] = 48; b[o + 1] = 120; b[o + 2] = 48;
  b[o + 3] = HEX_BYTES[f >> 8]!; b[o + 4] = HEX_BYTES[(f >> 4) & 15]!; b[o + 5] = HEX_BYTES[f & 15]!;
  return o + 6;
}

/** One TCP header's value of direct kind `d` (D_SRCPORT…D_URGENT) at `o` of `b` (≤ 36 bytes). */
function putTcpDirect(b: Uint8Array, o: number, t: TcpLayer, d: number): number {
  switch (d) {
    case D_SRCPORT: return putUint(b, o, t.srcPort);
    case D_DSTPORT: return putUint(b, o, t.dstPort);
    case D_LEN: if (t.seglen >= 0) return putUint(b, o, t.seglen); b[o] = 45; return putUint(b, o + 1, -t.seglen);
    case D_SEQRAW: return putUint(b, o, t.seqRaw);
    case D_ACKRAW: return putUint(b, o, t.ackRaw);
    case D_HDRLEN: return putUint(b, o, t.headerLength);
    case D_FLAGS: return putFlagsHex(b, o, t.flags);
    case D_FLAGSSTR: { const s = flagsStrBytes(t.flags); for (let x = 0; x < s.length; x++) b[o++] = s[x]!; return o; }
    case D_WIN: return putUint(b, o, t.windowRaw);
    // Unverified (2): direct only with tcp.check_checksum off.
    case D_CHECKSUM: b[o] = 50; return o + 1;
    default: return putUint(b, o, t.urgent);
  }
}

/** Analysis kind `d` (a plain unsigned number: not ack_rtt nor the times) of `r` at `o` of `b`,
 *  or −1 when the list path (#tcpLayer) would have listed nothing for it. */
function putAnalysisDirect(b: Uint8Array, o: number, r: AnalysisResult, d: number): number {
  switch (d) {
    case AD_STREAM: return putUint(b, o, r.stream);
    case AD_COMPLETENESS: return putUint(b, o, r.completeness);
    case AD_SEQ: return putUint(b, o, r.seq);
    case AD_NXTSEQ: return r.nxtseqPresent ? putUint(b, o, r.nxtseq) : -1;
    case AD_ACK: return r.ackPresent ? putUint(b, o, r.ack) : -1;
    case AD_WIN: return r.windowPresent ? putUint(b, o, r.windowSize) : -1;
    case AD_ACKS_FRAME: return r.analysisPresent && r.acksFrame !== 0 ? putUint(b, o, r.acksFrame) : -1;
    case AD_BIF: return r.analysisPresent && r.bytesInFlight !== 0 ? putUint(b, o, r.bytesInFlight) : -1;
    case AD_PUSH: return r.analysisPresent && r.bytesInFlight !== 0 ? putUint(b, o, r.pushBytesSent) : -1;
    case AD_DUP_NUM: return r.analysisPresent && r.dupAckNum !== 0 ? putUint(b, o, r.dupAckNum) : -1;
    default: return r.analysisPresent && r.dupAckNum !== 0 ? putUint(b, o, r.dupAckFrame) : -1;
  }
}
/** formatNs(ns) at `o` of `b` (≤ 27 bytes): seconds, a dot, 9 digits; a minus sign when negative. */
function putSignedNs(b: Uint8Array, o: number, ns: number): number {
  if (ns < 0) { b[o++] = 45; ns = -ns; }
  const sec = Math.floor(ns / 1e9);
  o = putUint(b, o, sec); b[o++] = 46;
  return putDigits(b, o, ns - sec * 1e9, 9);
}

/** formatNs(ns) written into `out`. */
function writeNs(out: ByteOut, ns: number): void {
  if (ns < 0) { out.byte(45); ns = -ns; }
  const sec = Math.floor(ns / 1e9);
  out.uint(sec); out.byte(46); out.digits(ns - sec * 1e9, 9);
}

/** `tcp.flags` as tcpFlagsHex prints it: 0x and 4 lowercase hex digits of the 12 bits. */
function flagsHex(out: ByteOut, flags: number): void {
  const f = flags & 0xfff;
  out.byte(48); out.byte(120); out.byte(48);
  out.byte(HEX.charCodeAt(f >> 8)); out.byte(HEX.charCodeAt((f >> 4) & 15)); out.byte(HEX.charCodeAt(f & 15));
}
const OPT_OK = 0, OPT_STOPPED = 1, OPT_LIMITED = 2, OPT_MALFORMED = 3, OPT_CONTAINED = 4;

/** Info's "sport → dport", then with `withFlags` " [FLAGS] Seq=… Ack=… Win=…" (the shown numbers:
 *  relative with the analysis, else raw), through one cursor (≤ 160 bytes; the flag text ≤ 64). */
function infoHeader(ib: ByteOut, t: TcpLayer, r: AnalysisResult | undefined, withFlags: boolean, winShown: number): void {
  if (ib.len + 160 > ib.buf.length) ib.ensure(160);
  const b = ib.buf, flags = t.flags;
  let o = putUint(b, ib.len, t.srcPort);
  b[o] = 32; b[o + 1] = 0xe2; b[o + 2] = 0x86; b[o + 3] = 0x92; b[o + 4] = 32; o += 5;
  o = putUint(b, o, t.dstPort);
  if (withFlags) {
    o = putBytes(b, o, infoFlagsBytes(flags));
    o = putBytes(b, o, T_SEQ); o = putUint(b, o, r !== undefined ? r.seq : t.seqRaw);
    if ((flags & ACK) !== 0) { o = putBytes(b, o, T_ACK); o = putUint(b, o, r !== undefined ? r.ack : t.ackRaw); }
    o = putBytes(b, o, T_WIN); o = putUint(b, o, winShown);
  }
  ib.len = o;
}

/** Info's " Len=…". */
function infoLen(ib: ByteOut, seglen: number): void {
  if (ib.len + 24 > ib.buf.length) ib.ensure(24);
  ib.len = putUint(ib.buf, putBytes(ib.buf, ib.len, T_LEN), seglen);
}



/** The PHY a PPI header (LINKTYPE 192) describes, as tshark infers it: "ht" with an 802.11n
 *  MAC+PHY field (type 4), "dsss" when its 802.11-Common field (type 2) gives a DSSS/CCK rate
 *  (1, 2, 5.5 or 11 Mb/s; the rate is in 500 kb/s units after TSFT and flags), else undefined. */
function ppiPhy(b: Uint8Array): "ht" | "dsss" | undefined {
  const len = b[2]! | (b[3]! << 8);
  let rate = -1;
  for (let at = 8; at + 4 <= len && at + 4 <= b.length;) {
    const type = b[at]! | (b[at + 1]! << 8), flen = b[at + 2]! | (b[at + 3]! << 8);
    if (type === 4) return "ht";
    if (type === 2 && flen >= 12 && at + 16 <= b.length) rate = b[at + 14]! | (b[at + 15]! << 8);
    at += 4 + flen;
  }
  return rate === 2 || rate === 4 || rate === 11 || rate === 22 ? "dsss" : undefined;
}

/** Where a FieldRows takes its analysis results from instead of its own analyzer: another
 *  FieldRows's `analyse` of the same records, in the same order (e.g. on another thread). */
export interface AnalysisSource {
  /** The result of the next TCP header the analyzer saw; it belongs to frame `frame`. */
  next(frame: number): AnalysisResult;
}

/** Turns capture records into `-T fields` lines for a list of fields. */
export class FieldRows {
  readonly columns: readonly number[];
  readonly format: FieldsFormat;
  readonly prefs: ReadPreferences;
  readonly analyzer: TcpAnalyzer;
  /** Only frames with a TCP header produce a row (`-Y tcp`). */
  readonly tcpOnly: boolean;
  readonly #decoder = new FrameDecoder();
  readonly #frame = new DecodedFrame();
  readonly #seg: TcpSegment = newSegment();
  /** Occurrences per registry field id for the current frame (only requested ids are filled). */
  readonly #vals: Array<Array<string | number>> = FIELD_NAMES.map(() => []);
  readonly #want: Uint8Array = new Uint8Array(FIELD_NAMES.length);
  readonly #experts = new ExpertList();
  readonly #streams = new FinSides();
  /** Field ids cleared per frame: the output columns plus the filter's. */
  #used: number[];
  #filter: DisplayFilter<RowFilterField> | undefined;
  readonly #filterFrame: RowFilterFrame;
  /** The Info column as UTF-8 bytes: analysis tags (`#infoTags`) then the rest (`#infoBody`),
   *  written token by token; text only when someone asks (`info`). */
  readonly #infoBody = new ByteOut(512);
  readonly #infoTags = new ByteOut(256);
  #infoText: string | undefined = "";
  /** Info text and expert items are only built when a column or the filter reads them. */
  #infoOn = false;
  /** False when every wanted field is packet-only (PACKET_ONLY_FIELD): the analyzer is not run. */
  #analyseOn = true;
  /** Field ids the display filter reads from the value lists: those get their text values
   *  (times, epoch, IPv4 addresses); otherwise numbers are kept and formatted while writing. */
  readonly #filterReads = new Uint8Array(FIELD_NAMES.length);
  /** Sub-second part of frame.time_epoch when its value is kept as the seconds number. */
  #epochNs = 0;
  /** Reused line buffer of `row()`. */
  readonly #line = new ByteOut(4096);
  /** Frame-level experts (comments, arrival time) at the head of the current frame's list. */
  #comments = 0;
  /** Per registry field id: its DIRECT_KIND when #write takes it straight from the frame (no list), else 0. */
  readonly #direct = new Uint8Array(FIELD_NAMES.length);
  /** #want for a frame whose analysis columns #writeOneLayer writes from #oneR: 0 for those. */
  readonly #wantOne = new Uint8Array(FIELD_NAMES.length);
  /** The current frame goes through #writeOneLayer (≤ 1 IP, ≤ 1 TCP header, not ICMP-quoted). */
  #oneLayer = false;
  /** The separator is one ASCII byte (what #writeOneLayer writes). */
  #sepOk = false;
  /** That frame's analysis result (undefined: none, e.g. a header too short to look up), and its
   *  stream times when #times shows them (sec + ns parts, as #nsValue takes them). */
  #oneR: AnalysisResult | undefined;
  #timesShown = false;
  #relSec = 0; #relNs = 0; #deltaSec = 0; #deltaNs = 0;
  /** Field ids whose value lists are emptied per frame: #used without the direct ones. */
  #clear: number[] = [];
  /** The record of the current frame (direct frame fields read it in #write). */
  #rec: CaptureRecord | undefined;

  /** Throws `UnknownFieldError` listing every unknown name. */
  constructor(fields: readonly string[], format: Partial<FieldsFormat> = {}, prefs: Partial<ReadPreferences> = {},
      tcpOnly = true) {
    const bad = fields.filter((f) => fieldId(f) < 0);
    if (bad.length > 0) throw new UnknownFieldError(bad);
    this.columns = fields.map(fieldId);
    for (const c of this.columns) this.#want[c] = 1;
    this.#used = [...new Set(this.columns)];
    this.format = { ...DEFAULT_FIELDS_FORMAT, ...format };
    this.prefs = { ...DEFAULT_READ_PREFERENCES, ...prefs };
    this.#textNeeds();
    this.#filterFrame = new RowFilterFrame(this.#vals, this.#frame);
    this.analyzer = new TcpAnalyzer(this.prefs.analysis);
    this.tcpOnly = tcpOnly;
  }

  /** The header line (`-E header=y`), without newline. */
  headerLine(): string {
    return this.columns.map((c) => FIELD_NAMES[c]!).join(this.format.separator);
  }

  /** Keeps only the frames `filter` (compiled by `compileRowFilter`) accepts; the values it reads
   *  are computed from then on. */
  useFilter(filter: DisplayFilter<RowFilterField>): void {
    this.#filter = filter;
    for (const f of filter.fields) {
      if (f.id < 0 || this.#used.includes(f.id)) continue;
      this.#want[f.id] = 1;
      this.#used.push(f.id);
    }
    for (const f of filter.fields) if (f.id >= 0) this.#filterReads[f.id] = 1;
    this.#textNeeds();
  }

  /** Reads the filter's SRC_TREE fields from `source` (pointed at each frame before `matches`). */
  useTree(source: TreeFilterSource): void { this.#filterFrame.tree = source; }

  /** Appends column `i` of the frame that `matches`/`rowTo` last computed, as `#write` writes it
   *  (occurrence, aggregator, quotes). Only for rows whose separator is not one ASCII byte (the
   *  per-layer fast writer is then off and every column has its list): TreeRows. */
  columnTo(out: ByteOut, i: number): void {
    const { occurrence, aggregator, quote } = this.format;
    const q = quote === "d" ? 34 : quote === "s" ? 39 : 0;
    const agg = aggregator.length === 1 && aggregator.charCodeAt(0) < 0x80 ? aggregator.charCodeAt(0) : -1;
    const c = this.columns[i]!, d = this.#direct[c]!;
    if (d !== 0 && d < AD_FIRST) this.#writeDirect(out, d, q, occurrence, agg, aggregator);
    else this.#writeList(out, c, q, occurrence, agg, aggregator);
  }

  /** Turns Info and expert texts on when a wanted field reads them. */
  #textNeeds(): void {
    const w = this.#want, direct = this.#direct;
    // Direct columns: no list (want 0, so #put skips them), unless the filter reads the field.
    // Analysis kinds are direct only in #writeOneLayer's frames (a one-byte separator, at most
    // one IP and one TCP header): their lists stay wanted (#want) and are skipped there (#wantOne).
    const sep = this.format.separator;
    const oneLayer = this.#sepOk = sep.length === 1 && sep.charCodeAt(0) < 0x80;
    for (const id of this.#used) {
      let d = this.#filterReads[id] === 0 && !(id === F.checksum && this.prefs.checkChecksum) ? DIRECT_KIND[id]! : 0;
      if (d >= AD_FIRST && !oneLayer) d = 0;
      direct[id] = d;
      w[id] = d !== 0 && d < AD_FIRST ? 0 : 1;
    }
    this.#wantOne.set(w);
    for (const id of this.#used) if (direct[id]! >= AD_FIRST) this.#wantOne[id] = 0;
    this.#clear = this.#used.filter((id) => direct[id] === 0 || direct[id]! >= AD_FIRST);
    this.#infoOn = w[F.info] === 1 || direct[F.info] === D_INFO;
    this.#experts.on = w[F.exMsg] === 1 || w[F.exSev] === 1 || w[F.exGroup] === 1;
    this.#analyseOn = this.#used.some((id) => PACKET_ONLY_FIELD[id] !== 1);
    this.#optionsOn = this.#infoOn || this.#experts.on || OPTION_FIELDS.some((id) => w[id] === 1);
    this.#streamsOn = this.#experts.on;
    this.#earlyTokens = this.#infoOn && !this.#experts.on && !OPTION_FIELDS.some((id) => w[id] === 1);
    this.#infoOnly = this.#infoOn && !this.#experts.on && this.#used.every((id) => id === F.info) && !this.prefs.checkChecksum;
  }

  /** Nothing but the Info column is read, with unverified checksums: the usual TCP headers take
   *  #tcpInfo instead of #tcpLayer. */
  #infoOnly = false;

  /** The per-stream table (A side, FIN order) has a reader: the experts ("initiates"/"undergoes"
   *  the close). Fixed once rows are made (a filter added later only adds fields it reads, and
   *  enables them before the first frame). */
  #streamsOn = true;
  /** The second option walk would only write Info tokens (no expert, no option field is read):
   *  the first one (#fillSegment, for the analysis) writes them into #optTokens instead, and the
   *  second is skipped unless that walk met SACK blocks (#optTokensOk false). Both walks take the
   *  same path through the options, so #optEnd and #sawMss are the same too. */
  #earlyTokens = false;
  readonly #optTokens = new ByteOut(256);
  #optTokensOk = false;
  /** #optTokens is just " TSval=… TSecr=…" (the NOP NOP TS area), kept as these two numbers and
   *  written straight into the Info body (no copy of the token buffer). */
  #tsTokens = false;
  #tsval = -0;
  #tsecr = -0;
  /** The second option walk (values, Info tokens, experts) has a reader. */
  #optionsOn = true;

  #source: AnalysisSource | undefined;

  /** From now on the analysis results come from `source` (see `analyse`), not from `analyzer`. */
  useAnalysisFrom(source: AnalysisSource): void { this.#source = source; }

  /** Only the analysis of one record: hands each TCP header's result, in order, to `emit`. A
   *  FieldRows reading these through `useAnalysisFrom` prints what it would print with its own
   *  analyzer (same headers, same segments: both go through #fillSegment). */
  analyse(rec: CaptureRecord, emit: (r: AnalysisResult) => void): void {
    const frame = this.#frame;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    this.#analyseFrame(rec, emit);
  }

  /** As analyse for a record read with RecordBatch.nextInPlace (its bytes are `source` from `offset`). */
  analyseAt(rec: CaptureRecord, source: Uint8Array, offset: number, emit: (r: AnalysisResult) => void): void {
    this.#decoder.decodeAt(rec.linkType, source, offset, rec.capturedLength, rec.originalLength, rec.index, this.#frame);
    this.#analyseFrame(rec, emit);
  }

  /** Carries a record whose row another thread writes *and analyses* (the balanced pipeline,
   *  parallel-read.ts) through this side's remaining state: the decoder's (IP reassembly). Only
   *  for rows that keep no per-stream table (`keepsStreams` false): its FIN sides would miss it. */
  passOverAt(rec: CaptureRecord, source: Uint8Array, offset: number): void {
    this.#decoder.decodeAt(rec.linkType, source, offset, rec.capturedLength, rec.originalLength, rec.index, this.#frame);
  }

  /** Rows keep a per-stream table of their own (the FIN-side experts read it), filled only by the
   *  frames they render or skip: a frame passed over (`passOverAt`) would be missing from it. */
  get keepsStreams(): boolean { return this.#analyseOn && this.#streamsOn; }

  #analyseFrame(rec: CaptureRecord, emit: (r: AnalysisResult) => void): void {
    const frame = this.#frame;
    if (!this.#analyseOn) return;
    for (let i = 0; i < frame.tcpCount; i++) {
      if (this.#fillSegment(frame, frame.tcp[i]!, rec, true)) emit(this.analyzer.observe(this.#seg));
    }
  }

  /** The TCP analyzer runs (some wanted field depends on it); false when every field is a packet field. */
  get analyses(): boolean { return this.#analyseOn; }

  /** The Info column of the last frame passed to `row`/`rowTo`/`matches` ("" unless `_ws.col.Info` is a column). */
  get info(): string {
    return this.#infoText ??= this.#infoTags.len === 0 ? this.#infoBody.text() : this.#infoTags.text() + this.#infoBody.text();
  }
  /** Appends the Info column of the last frame (as `info`, UTF-8) to `out`, making no string. */
  infoTo(out: ByteOut): void { out.append(this.#infoTags); out.append(this.#infoBody); }
  /** Room `putInfo` needs: the capacity of the two Info buffers (it copies them whole). */
  get infoRoom(): number { return this.#infoTags.buf.length + this.#infoBody.buf.length; }
  /** infoTo at `o` of `b`, where the caller made `infoRoom` bytes of room; returns the new end.
   *  Each buffer is copied whole by one set() (a native copy of ~0.5 KiB costs less than a
   *  byte loop over the ~60 bytes used); the bytes past the Info are left for the caller to
   *  overwrite. */
  putInfo(b: Uint8Array, o: number): number {
    const t = this.#infoTags, m = this.#infoBody;
    if (t.len !== 0) { b.set(t.buf, o); o += t.len; }
    b.set(m.buf, o);
    return o + m.len;
  }
  /** The Info column of the last frame is empty. */
  get infoEmpty(): boolean { return this.#infoTags.len === 0 && this.#infoBody.len === 0; }
  /** Replaces the Info column with `text`. */
  #setInfo(text: string): void {
    this.#infoTags.reset(); this.#infoBody.reset(); this.#infoBody.str(text); this.#infoText = undefined;
  }
  /** The decoded frame of the last record passed to `row`/`rowTo`/`matches` (reused per record). */
  get frame(): DecodedFrame { return this.#frame; }

  /** Analyses one record (every record must pass through here or `row`, in order) and tells
   *  whether the display filter keeps it (true without a filter). */
  matches(rec: CaptureRecord): boolean {
    return this.#compute(rec) && (this.#filter === undefined || this.#filter.matches(this.#filterFrame));
  }

  /** As matches for a record read with RecordBatch.nextInPlace (its bytes are `source` from `offset`). */
  matchesAt(rec: CaptureRecord, source: Uint8Array, offset: number): boolean {
    this.#at = source; this.#atOffset = offset;
    const ok = this.#compute(rec);
    this.#at = undefined;
    return ok && (this.#filter === undefined || this.#filter.matches(this.#filterFrame));
  }

  /** The row of one record (without newline), or undefined when the frame is filtered out. */
  row(rec: CaptureRecord): string | undefined {
    if (!this.#compute(rec)) return undefined;
    if (this.#filter !== undefined && !this.#filter.matches(this.#filterFrame)) return undefined;
    const out = this.#line;
    out.reset();
    this.#write(out);
    return out.text();
  }

  /** Appends the row of one record (without newline) to `out`; false (nothing written) when the
   *  frame is filtered out. Same bytes as `row`, without making strings. */
  rowTo(rec: CaptureRecord, out: ByteOut): boolean {
    if (!this.#compute(rec)) return false;
    if (this.#filter !== undefined && !this.#filter.matches(this.#filterFrame)) return false;
    this.#write(out);
    return true;
  }

  /** As rowTo for a record read with RecordBatch.nextInPlace: its bytes are `source` from
   *  `offset` (no view is made for the usual frame, see FrameDecoder.decodeAt). */
  rowToAt(rec: CaptureRecord, source: Uint8Array, offset: number, out: ByteOut): boolean {
    this.#at = source; this.#atOffset = offset;
    const ok = this.#compute(rec);
    this.#at = undefined;
    if (!ok) return false;
    if (this.#filter !== undefined && !this.#filter.matches(this.#filterFrame)) return false;
    this.#write(out);
    return true;
  }
  /** rowToAt's record source while #compute runs (undefined: the record's `bytes`). */
  #at: Uint8Array | undefined;
  #atOffset = 0;

  /** Carries one record through the state that later frames depend on — IP reassembly, TCP
   *  analysis, per-stream times and FIN order — without computing its values, Info or experts.
   *  A frame passed here instead of `matches`/`row`/`rowTo` leaves every later frame's output as
   *  it would have been (used when another thread writes this frame's row). */
  skip(rec: CaptureRecord): void {
    const frame = this.#frame;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    if (!this.#analyseOn) return;
    for (let i = 0; i < frame.tcpCount; i++) {
      const t = frame.tcp[i]!;
      if (!this.#fillSegment(frame, t, rec, true)) continue;
      const r = this.analyzer.observe(this.#seg);
      this.#streamSeen(r.stream, t.srcPort, frame.ip[t.ipIndex]!);
      // #tcpLayer records a FIN's side (for "initiates"/"undergoes" the close) on this path only.
      if (!this.#seg.headerBogus && (t.fields & TcpField.flags) !== 0 && (t.flags & FIN) !== 0) this.#finPassive(frame, t, r);
    }
  }

  /** Decodes and analyses one record and fills the wanted values; false when `-Y tcp` drops it. */
  #compute(rec: CaptureRecord): boolean {
    const frame = this.#frame, at = this.#at;
    if (at === undefined) this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    else this.#decoder.decodeAt(rec.linkType, at, this.#atOffset, rec.capturedLength, rec.originalLength, rec.index, frame);
    const vals = this.#vals, want = this.#want;
    const used = this.#clear;
    this.#rec = rec;
    // pop() is inlined; `length = 0` is a runtime call even on an empty array (a few items per field).
    for (let k = 0; k < used.length; k++) { const a = vals[used[k]!]!; while (a.length !== 0) a.pop(); }
    this.#experts.clear();
    this.#infoTags.reset(); this.#infoBody.reset(); this.#infoText = "";
    this.#threw = false;
    this.#oneLayer = this.#sepOk && frame.ipCount <= 1 && frame.tcpCount <= 1 && (frame.tcpCount === 0 || !frame.tcp[0]!.quoted);
    this.#oneR = undefined; this.#timesShown = false;
    // pcapng packet comments: tshark 4.0 raises each as a Comment expert before any layer's.
    const notes = rec.comments;
    this.#comments = 0;
    if (notes !== undefined) {
      for (let k = 0; k < notes.length; k++) this.#experts.add(notes[k]!, Severity.Comment, Group.Comment);
      this.#comments = notes.length;
    }
    if (rec.rawTime !== undefined) {
      this.#experts.add(`Arrival Time: Fractional second ${rec.rawTime.nsec} is invalid, the valid range is 0-1000000000`,
        Severity.Note, Group.Sequence);
      this.#comments++;
    }
    // Link, IP and trailer checks only make expert items: skipped when nobody reads them.
    const exOn = this.#experts.on;
    if (exOn) this.#linkExperts(frame);
    let ipDone = 0;
    for (let i = 0; i < frame.tcpCount; i++) {
      const t = frame.tcp[i]!;
      if (exOn) for (; ipDone <= t.ipIndex && ipDone < frame.ipCount; ipDone++) this.#ipExperts(frame.ip[ipDone]!);
      if (this.#infoOnly && !t.quoted && t.problems.length === 0 && (t.fields & TcpField.flags) !== 0) this.#tcpInfo(frame, t, rec);
      else this.#tcpLayer(frame, i, rec);
    }
    if (exOn) for (; ipDone < frame.ipCount; ipDone++) this.#ipExperts(frame.ip[ipDone]!);
    if (exOn && frame.linkType === 1) this.#ethTrailer(frame);
    if (this.tcpOnly && frame.tcpCount === 0) return false;

    // Frame-level fields.
    if (want[F.number] === 1) vals[F.number]!.push(rec.index);
    if (want[F.epoch] === 1) {
      const raw = rec.rawTime;
      // An out-of-range pcap sub-second field: tshark 4.0 prints the raw pair, unnormalised.
      if (raw === undefined && this.#filterReads[F.epoch] === 0) { vals[F.epoch]!.push(rec.tsSec); this.#epochNs = rec.tsNsec; }
      else {
        vals[F.epoch]!.push(raw === undefined ? `${rec.tsSec}.${pad9(rec.tsNsec)}`
          : `${raw.nsec < 0 ? "-" : ""}${raw.sec}.${pad9(Math.abs(raw.nsec))}`);
      }
    }
    // Only the wanted lists: a list nobody clears (#clear) must not be filled either.
    const w4s = want[F.ipSrc] === 1, w4d = want[F.ipDst] === 1, w6s = want[F.ip6Src] === 1, w6d = want[F.ip6Dst] === 1;
    if (w4s || w4d || w6s || w6d) {
      for (let k = 0; k < frame.ipCount; k++) {
        const l = frame.ip[k]!;
        // IPv4 addresses stay uint32 numbers (written as dotted quads) unless the filter reads them.
        if (l.version === 4) {
          if (w4s) vals[F.ipSrc]!.push(this.#filterReads[F.ipSrc] === 0 ? l.src4 : l.srcText);
          if (w4d) vals[F.ipDst]!.push(this.#filterReads[F.ipDst] === 0 ? l.dst4 : l.dstText);
        } else {
          // The layer's index: its 16 address bytes are written as text (#write).
          if (w6s) vals[F.ip6Src]!.push(this.#filterReads[F.ip6Src] === 0 ? k : l.srcText);
          if (w6d) vals[F.ip6Dst]!.push(this.#filterReads[F.ip6Dst] === 0 ? k : l.dstText);
        }
      }
    }
    const ex = this.#experts;
    if (want[F.exMsg] === 1) for (let k = 0; k < ex.length; k++) vals[F.exMsg]!.push(ex.message[k]!);
    if (want[F.exSev] === 1) for (let k = 0; k < ex.length; k++) vals[F.exSev]!.push(ex.severity[k]!);
    if (want[F.exGroup] === 1) for (let k = 0; k < ex.length; k++) vals[F.exGroup]!.push(ex.group[k]!);
    // The Info column is written from its bytes (#write); the value is a placeholder.
    if (want[F.info] === 1) vals[F.info]!.push(0);
    return true;
  }

  /** Writes the current frame's columns (tshark -T fields text) into `out`. */
  #write(out: ByteOut): void {
    const { separator, occurrence, aggregator, quote } = this.format;
    const q = quote === "d" ? 34 : quote === "s" ? 39 : 0;
    const cols = this.columns, frame = this.#frame;
    // One ASCII byte (the usual tab and comma) is written as a byte, anything else as text.
    const sep = separator.length === 1 && separator.charCodeAt(0) < 0x80 ? separator.charCodeAt(0) : -1;
    const agg = aggregator.length === 1 && aggregator.charCodeAt(0) < 0x80 ? aggregator.charCodeAt(0) : -1;
    if (this.#oneLayer) { this.#writeOneLayer(out, q, sep, occurrence, agg, aggregator); return; }
    for (let i = 0; i < cols.length; i++) {
      if (i > 0) { if (sep >= 0) out.byte(sep); else out.str(separator); }
      const c = cols[i]!;
      const d = this.#direct[c]!;
      if (d !== 0 && d < AD_FIRST) this.#writeDirect(out, d, q, occurrence, agg, aggregator);
      else this.#writeList(out, c, q, occurrence, agg, aggregator);
    }
  }

  /** #write for the usual frame — at most one IP and one TCP header, a one-byte separator: every
   *  direct field has at most one occurrence, so it is written in place, through one cursor kept
   *  across the columns (the room for them reserved once). */
  #writeOneLayer(out: ByteOut, q: number, sep: number, occurrence: "f" | "l" | "a", agg: number, aggregator: string): void {
    const cols = this.columns, direct = this.#direct, frame = this.#frame, rec = this.#rec!, vals = this.#vals;
    const t = frame.tcp[0]!, l = frame.ip[0]!;
    const tf = frame.tcpCount === 1 ? t.fields : 0, v = frame.ipCount === 1 ? l.version : 0;
    const n = cols.length;
    if (out.len + n * 50 + 2 > out.buf.length) out.ensure(n * 50 + 2);
    let b = out.buf, o = out.len;
    for (let i = 0; i < n; i++) {
      if (i > 0) b[o++] = sep;
      const c = cols[i]!, d = direct[c]!;
      if (d >= AD_FIRST) {
        const r = this.#oneR;
        let sec: number, ns: number;
        if (d < AD_ACK_RTT || (d > AD_ACK_RTT && d < AD_TIME_REL)) {
          // A plain number: written where it goes, or nothing (and no quotes) when absent.
          if (r === undefined) continue;
          const start = o;
          if (q !== 0) b[o++] = q;
          const e = putAnalysisDirect(b, o, r, d);
          if (e < 0) { o = start; continue; }
          o = e;
          if (q !== 0) b[o++] = q;
          continue;
        }
        if (d === AD_ACK_RTT) {
          if (r === undefined || !r.analysisPresent || r.acksFrame === 0 || r.ackRttNs === 0) continue;
          sec = r.ackRttSec; ns = r.ackRttSubNs;
        } else {
          if (!this.#timesShown) continue;
          if (d === AD_TIME_REL) { sec = this.#relSec; ns = this.#relNs; } else { sec = this.#deltaSec; ns = this.#deltaNs; }
        }
        if (q !== 0) b[o++] = q;
        // #nsValue's number for a duration within ±9e6 s (exact ns), else its exact text.
        if (sec > -9e6 && sec < 9e6) o = putSignedNs(b, o, sec * 1e9 + ns);
        else { out.len = o; out.str(formatSecNs(sec, ns)); out.ensure((n - i) * 50 + 2); b = out.buf; o = out.len; }
        if (q !== 0) b[o++] = q;
        continue;
      }
      if (d === 0) {
        const v = vals[c]!, k = v.length;
        if (k === 0) continue;
        // Plain numbers (option values, stream numbers, …) and ns durations (times, RTTs) with a
        // one-byte aggregator: in place too.
        const wk = WRITE_KIND[c]!;
        if ((wk === W_NUM || wk === W_NS) && agg >= 0 && occurrence === "a" && k <= 64) {
          let plain = true;
          for (let x = 0; x < k; x++) {
            const y = v[x];
            if (typeof y !== "number" || !(y >= 0 && y <= (wk === W_NUM ? 0xffffffff : 0x1fffffffffffff)) || Math.floor(y) !== y) { plain = false; break; }
          }
          if (plain) {
            // Room for these values and, as before every column, for the columns after them.
            if (o + k * 24 + 2 + (n - i) * 50 > b.length) { out.len = o; out.ensure(k * 24 + 2 + (n - i) * 50); b = out.buf; }
            if (q !== 0) b[o++] = q;
            for (let x = 0; x < k; x++) {
              if (x > 0) b[o++] = agg;
              const y = v[x] as number;
              if (wk === W_NUM) o = putUint(b, o, y);
              else { const sec = Math.floor(y / 1e9); o = putUint(b, o, sec); b[o++] = 46; o = putDigits(b, o, y - sec * 1e9, 9); }
            }
            if (q !== 0) b[o++] = q;
            continue;
          }
        }
        out.len = o;
        this.#writeList(out, c, q, occurrence, agg, aggregator);
        if (out.len + (n - i) * 50 + 2 > out.buf.length) out.ensure((n - i) * 50 + 2);
        b = out.buf; o = out.len;
        continue;
      }
      if (d === D_INFO) {
        // The Info column: every frame has one, empty or not (as its list had one item).
        if (q !== 0) b[o++] = q;
        out.len = o; this.infoTo(out);
        if (q !== 0) out.byte(q);
        out.ensure((n - i) * 50 + 2); b = out.buf; o = out.len;
        continue;
      }
      if (d >= D_SRCPORT) { if ((tf & D_TCP_BIT[d]!) === 0) continue; }
      else if (d >= D_IP4_SRC && v !== (d <= D_IP4_DST ? 4 : 6)) continue;
      if (q !== 0) b[o++] = q;
      switch (d) {
        case D_NUMBER: o = putUint(b, o, rec.index); break;
        case D_EPOCH:
          // An out-of-range pcap sub-second field: tshark 4.0 prints the raw pair, unnormalised.
          if (rec.rawTime === undefined && rec.tsSec >= 0) { o = putUint(b, o, rec.tsSec); b[o++] = 46; o = putDigits(b, o, rec.tsNsec, 9); }
          else {
            const raw = rec.rawTime;
            out.len = o;
            if (raw === undefined) { out.num(rec.tsSec); out.byte(46); out.digits(rec.tsNsec, 9); }
            else out.str(`${raw.nsec < 0 ? "-" : ""}${raw.sec}.${pad9(Math.abs(raw.nsec))}`);
            out.ensure((n - i) * 50 + 2); b = out.buf; o = out.len;
          }
          break;
        case D_IP4_SRC: o = putIpv4(b, o, l.src4); break;
        case D_IP4_DST: o = putIpv4(b, o, l.dst4); break;
        case D_IP6_SRC: o = putIpv6(b, o, l.src, 0); break;
        case D_IP6_DST: o = putIpv6(b, o, l.dst, 0); break;
        default: o = putTcpDirect(b, o, t, d);
      }
      if (q !== 0) b[o++] = q;
    }
    out.len = o;
  }

  /** A column from its value list, as tshark -T fields writes it. */
  #writeList(out: ByteOut, c: number, q: number, occurrence: "f" | "l" | "a", agg: number, aggregator: string): void {
    const v = this.#vals[c]!;
    const n = v.length;
    if (n === 0) return;
    if (q !== 0) out.byte(q);
    let from = 0, to = n;
    if (occurrence === "f") to = 1; else if (occurrence === "l") from = n - 1;
    const kind = WRITE_KIND[c]!;
    for (let k = from; k < to; k++) {
      if (k > from) { if (agg >= 0) out.byte(agg); else out.str(aggregator); }
      const x = v[k]!;
      if (typeof x !== "number") { out.str(x); continue; }
      switch (kind) {
        case W_NUM: if (x >= 0 && x <= 0x1fffffffffffff && Math.floor(x) === x) out.uint(x); else out.num(x); break;
        // tcp.flags is kept as a number (filters read it): printed as 0x and 4 hex digits.
        case W_FLAGS: flagsHex(out, x); break;
        case W_NS: writeNs(out, x); break;
        case W_EPOCH: out.num(x); out.byte(46); out.digits(this.#epochNs, 9); break;
        case W_IPV4: out.ipv4(x); break;
        case W_INFO: this.infoTo(out); break;
        case W_IPV6_SRC: case W_IPV6_DST: {
          const l = this.#frame.ip[x]!;
          out.ipv6(kind === W_IPV6_SRC ? l.src : l.dst, 0);
          break;
        }
        default: out.num(x);
      }
    }
    if (q !== 0) out.byte(q);
  }

  /** A direct column (DIRECT_KIND `d`): the values #compute/#tcpLayer would have listed, in the same
   *  order (IP layers outermost first, one per TCP header carrying the field), written as #write
   *  writes a list. */
  #writeDirect(out: ByteOut, d: number, q: number, occurrence: "f" | "l" | "a", agg: number, aggregator: string): void {
    const frame = this.#frame;
    if (d === D_INFO) { if (q !== 0) out.byte(q); this.infoTo(out); if (q !== 0) out.byte(q); return; }
    let n = 1;
    if (d >= D_SRCPORT) {
      n = 0;
      const bit = D_TCP_BIT[d]!;
      for (let k = 0; k < frame.tcpCount; k++) if ((frame.tcp[k]!.fields & bit) !== 0) n++;
    } else if (d >= D_IP4_SRC) {
      n = 0;
      const v = d <= D_IP4_DST ? 4 : 6;
      for (let k = 0; k < frame.ipCount; k++) if (frame.ip[k]!.version === v) n++;
    }
    if (n === 0) return;
    const from = occurrence === "l" ? n - 1 : 0, to = occurrence === "f" ? 1 : n;
    // Room for every item (≤ 48 bytes each: an IPv6 address, 12 three-byte flag characters), the
    // quotes and one-byte aggregators; written through a local cursor.
    if (out.len + (to - from) * 50 + 2 > out.buf.length) out.ensure((to - from) * 50 + 2);
    let b = out.buf, o = out.len;
    if (q !== 0) b[o++] = q;
    if (d === D_NUMBER) o = putUint(b, o, this.#rec!.index);
    else if (d === D_EPOCH) {
      const rec = this.#rec!, raw = rec.rawTime;
      // An out-of-range pcap sub-second field: tshark 4.0 prints the raw pair, unnormalised.
      if (raw === undefined && rec.tsSec >= 0) { o = putUint(b, o, rec.tsSec); b[o++] = 46; o = putDigits(b, o, rec.tsNsec, 9); }
      else {
        out.len = o;
        if (raw === undefined) { out.num(rec.tsSec); out.byte(46); out.digits(rec.tsNsec, 9); }
        else out.str(`${raw.nsec < 0 ? "-" : ""}${raw.sec}.${pad9(Math.abs(raw.nsec))}`);
        out.ensure(1); b = out.buf; o = out.len;
      }
    } else if (d >= D_SRCPORT) {
      const bit = D_TCP_BIT[d]!;
      for (let k = 0, j = 0; k < frame.tcpCount && j < to; k++) {
        const t = frame.tcp[k]!;
        if ((t.fields & bit) === 0) continue;
        if (j >= from) {
          if (j > from) {
            if (agg >= 0) b[o++] = agg;
            else { out.len = o; out.str(aggregator); out.ensure((to - j) * 50 + 2); b = out.buf; o = out.len; }
          }
          o = putTcpDirect(b, o, t, d);
        }
        j++;
      }
    } else {
      const v = d <= D_IP4_DST ? 4 : 6, src = d === D_IP4_SRC || d === D_IP6_SRC;
      for (let k = 0, j = 0; k < frame.ipCount && j < to; k++) {
        const l = frame.ip[k]!;
        if (l.version !== v) continue;
        if (j >= from) {
          if (j > from) {
            if (agg >= 0) b[o++] = agg;
            else { out.len = o; out.str(aggregator); out.ensure((to - j) * 50 + 2); b = out.buf; o = out.len; }
          }
          o = v === 4 ? putIpv4(b, o, src ? l.src4 : l.dst4) : putIpv6(b, o, src ? l.src : l.dst, 0);
        }
        j++;
      }
    }
    if (q !== 0) b[o++] = q;
    out.len = o;
  }

  /** Experts of the link layer (before IP). */
  #linkExperts(frame: DecodedFrame): void {
    const b = frame.bytes, lt = frame.linkType;
    if (lt === 105) this.#wlanRetry(b, 0);
    else if (lt === 127 && b.length >= 4) this.#wlanRetry(b, b[2]! | (b[3]! << 8));
    else if (lt === 192 && b.length >= 8 && (b[4]! | (b[5]! << 8)) === 105) {
      // tshark 4.0.17's 802.11 radio information, computing the frame's duration: an HT (802.11n)
      // PHY described by PPI's MAC+PHY field has no STBC nor FEC information; an 802.11b one (PPI
      // 802.11-Common rate 1, 2, 5.5 or 11 Mb/s) no preamble length. Each assumption is a Warning.
      const phy = ppiPhy(b);
      if (phy === "ht") {
        this.#experts.add("No stbc information was available, assuming no stbc.", Severity.Warning, Group.Assumption);
        this.#experts.add("No fec type information was available, assuming bcc fec.", Severity.Warning, Group.Assumption);
      } else if (phy === "dsss") {
        this.#experts.add("No preamble length information was available, assuming short preamble.", Severity.Warning, Group.Assumption);
      }
      this.#wlanRetry(b, b[2]! | (b[3]! << 8));
    }
    if (frame.linkType === 1 && frame.bytes.length >= 14) {
      // IEEE 802.3 §3.2.3(b): the source address is never a group address.
      if ((frame.bytes[6]! & 1) !== 0) {
        this.#experts.add("Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)", Severity.Warning, Group.Protocol);
      }
    }
  }

  /** tshark 4.0: Ethernet pads frames to 60 bytes (FCS excluded) with zeros; padding that is not
   *  all zeros is reported. Bytes past 60 are a trailer and not checked. */
  #ethTrailer(frame: DecodedFrame): void {
    const tail = ethernetTail(frame);
    if (tail !== undefined && !tail.zeros) {
      const c = this.#comments;
      const at = this.#experts.length > c && this.#experts.message[c]!.startsWith("Source MAC") ? c + 1 : c;
      this.#experts.insert(at, "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", Severity.Note, Group.Protocol);
    }
  }

  /** IEEE 802.11 data frame with the Retry bit of its frame control set. */
  #wlanRetry(b: Uint8Array, at: number): void {
    if (at + 2 > b.length || ((b[at]! >> 2) & 3) !== 2) return;
    if ((b[at + 1]! & 0x08) !== 0) this.#experts.add("Retransmission (retry)", Severity.Note, Group.Sequence);
  }

  /** Experts of an IP header. */
  #ipExperts(l: IpLayer): void {
    const b = l.bytes, at = l.offset;
    if (l.protocol === 47 && !l.quoted && !l.fragment) {
      // GRE carrying 802.11 (Aruba 0x8200/0x9000): the wireless header's Retry bit.
      const g = at + l.headerLength;
      if (g + 4 <= b.length) {
        const fv = (b[g]! << 8) | b[g + 1]!, proto = (b[g + 2]! << 8) | b[g + 3]!;
        let p = g + 4;
        if ((fv & 0xc000) !== 0) p += 4;
        if ((fv & 0x2000) !== 0) p += 4;
        if ((fv & 0x1000) !== 0) p += 4;
        if (proto === 0x8200 || proto === 0x9000) this.#wlanRetry(b, p);
      }
    }
    if (l.version === 4) {
      const tl = (b[at + 2]! << 8) | b[at + 3]!;
      const have = l.payloadLength + l.headerLength;
      if (tl !== 0 && tl > have && !l.quoted) {
        this.#experts.add(`IPv4 total length exceeds packet length (${have} bytes)`, Severity.Error, Group.Protocol);
      }
      // The tree's rule (fields/ip.ts ttlExperts), quoted headers included.
      const d0 = b[at + 16]!;
      if (d0 === 224 && b[at + 17] === 0 && b[at + 18] === 0) {
        if (l.ttl !== 1) this.#experts.add(LNCB_TTL, Severity.Note, Group.Sequence);
      } else if (l.ttl < 5 && !(d0 >= 224 && d0 < 240)) {
        this.#experts.add(`"Time To Live" only ${l.ttl}`, Severity.Note, Group.Sequence);
      }
    } else if (!l.quoted) {
      // Walk the extension headers for a type-0 routing header (RFC 5095 deprecates it).
      let nh = b[at + 6]!, p = at + 40;
      const end = at + l.headerLength;
      while (p + 2 <= end && (nh === 0 || nh === 43 || nh === 60)) {
        if (nh === 43 && b[p + 2] === 0) { this.#experts.add("Routing header type is deprecated", Severity.Note, Group.Deprecated); break; }
        const len = (b[p + 1]! + 1) * 8;
        nh = b[p]!; p += len;
      }
    }
  }

  /** Fill the analysis segment from a decoded TCP header; false when too short to look up (spec §2.1). */
  #fillSegment(frame: DecodedFrame, t: TcpLayer, rec: CaptureRecord, options: boolean, tokens = false): boolean {
    this.#optTokensOk = false;
    if (t.capturedLength < 16) return false;
    const s = this.#seg, ip = frame.ip[t.ipIndex]!;
    s.frame = rec.index; s.tsSec = rec.tsSec; s.tsNsec = rec.tsNsec; s.family = ip.version;
    if (ip.version === 4) {
      s.srcAddr[0] = ip.src4; s.dstAddr[0] = ip.dst4;
      s.srcAddr[1] = s.srcAddr[2] = s.srcAddr[3] = s.dstAddr[1] = s.dstAddr[2] = s.dstAddr[3] = 0;
    } else {
      const a = ip.src, d = ip.dst;
      for (let w = 0; w < 4; w++) {
        const o = w * 4;
        s.srcAddr[w] = ((a[o]! << 24) | (a[o + 1]! << 16) | (a[o + 2]! << 8) | a[o + 3]!) >>> 0;
        s.dstAddr[w] = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
      }
    }
    s.srcPort = t.srcPort; s.dstPort = t.dstPort; s.seqRaw = t.seqRaw; s.ackRaw = t.ackRaw;
    s.flags = t.flags; s.windowRaw = t.windowRaw; s.seglen = t.seglen; s.icmpQuoted = t.quoted;
    s.headerBogus = false; s.optionsTruncated = false;
    for (let k = 0; k < t.problems.length; k++) {
      const p = t.problems[k];
      if (p === "tcp.bogus_header_length") s.headerBogus = true;
      else if (p === "truncated" || p === "tcp.options_truncated") s.optionsTruncated = true;
    }
    s.mss = -1; s.wsShift = -1; s.sackPerm = false; s.sackCount = 0; s.hasTimestamps = false;
    if (options && t.optionsLength > 0 && !s.headerBogus) {
      if (tokens) {
        // The Info tokens of the options are written by this walk already (see #earlyTokens).
        this.#optTokens.reset(); this.#tsTokens = false;
        this.#optTokensOk = true;
        this.#options(t, undefined, false, this.#optTokens);
      } else this.#options(t, undefined, false, null);
    }
    return true;
  }

  /** One TCP header: analysis, then its fields, experts and (for a carried header) the Info text. */
  #tcpLayer(frame: DecodedFrame, index: number, rec: CaptureRecord): void {
    const t = frame.tcp[index]!;
    const vals = this.#vals, want = this.#oneLayer ? this.#wantOne : this.#want, ex = this.#experts;
    const infoOn = this.#infoOn;
    if (t.quoted && infoOn && this.infoEmpty) this.#setInfo(this.#icmpText(frame, t));
    // With a source the segment is still filled (its problem markers are read below), not its options.
    const src = this.#source;
    const r = this.#analyseOn && this.#fillSegment(frame, t, rec, src === undefined, this.#earlyTokens)
      ? (src === undefined ? this.analyzer.observe(this.#seg) : src.next(rec.index)) : undefined;
    if (r !== undefined) this.#streamSeen(r.stream, t.srcPort, frame.ip[t.ipIndex]!);
    if (this.#oneLayer) this.#oneR = r;
    const fl = t.fields, flags = t.flags;
    const problems = t.problems.length !== 0;
    const bogus = r !== undefined ? this.#seg.headerBogus : problems && t.problems.includes("tcp.bogus_header_length");
    // Values are pushed only when wanted (#put, written out here: this function is past V8's inlining budget).

    if ((fl & TcpField.ports) !== 0) {
      if (want[F.srcport] === 1) vals[F.srcport]!.push(t.srcPort);
      if (want[F.dstport] === 1) vals[F.dstport]!.push(t.dstPort);
    }
    if (r !== undefined) {
      if (want[F.stream] === 1) vals[F.stream]!.push(r.stream);
      if (want[F.completeness] === 1) vals[F.completeness]!.push(r.completeness);
      if (r.statesPresent) this.#states(r);
    }
    if ((fl & TcpField.len) !== 0 && want[F.len] === 1) vals[F.len]!.push(t.seglen);
    if (want[F.seq] === 1) {
      if (r !== undefined) vals[F.seq]!.push(r.seq);
      else if (t.quoted && t.capturedLength >= 8) vals[F.seq]!.push(t.seqRaw);
    }
    if ((fl & TcpField.seqRaw) !== 0 && want[F.seqRaw] === 1) vals[F.seqRaw]!.push(t.seqRaw);
    if (r !== undefined && r.nxtseqPresent && want[F.nxtseq] === 1) vals[F.nxtseq]!.push(r.nxtseq);
    if (r !== undefined && r.ackPresent && want[F.ack] === 1) vals[F.ack]!.push(r.ack);
    if ((fl & TcpField.ackRaw) !== 0 && want[F.ackRaw] === 1) vals[F.ackRaw]!.push(t.ackRaw);
    if ((fl & TcpField.hdrLen) !== 0 && want[F.hdrLen] === 1) vals[F.hdrLen]!.push(t.headerLength);
    if ((fl & TcpField.flags) !== 0) {
      if (want[F.flags] === 1) vals[F.flags]!.push(flags);
      if (want[F.flagsStr] === 1) vals[F.flagsStr]!.push(flagsStr(flags));
    }
    if ((fl & TcpField.window) !== 0 && want[F.winValue] === 1) vals[F.winValue]!.push(t.windowRaw);
    if (r !== undefined && r.windowPresent && want[F.win] === 1) vals[F.win]!.push(r.windowSize);
    if (r !== undefined && r.scaleFactorPresent && want[F.scale] === 1) vals[F.scale]!.push(r.scaleFactor);
    let checksum = 2;
    if ((fl & TcpField.checksumStatus) !== 0) {
      if (this.prefs.checkChecksum) checksum = verifyTcpChecksum(frame, index);
      if (want[F.checksum] === 1) vals[F.checksum]!.push(checksum);
    }
    if ((fl & TcpField.urgent) !== 0 && want[F.urgent] === 1) vals[F.urgent]!.push(t.urgent);

    // Experts and Info, in tshark 4.0's order (spec §1). A carried header's Info replaces what an
    // earlier header wrote; `ib` is null when no Info is written for this header.
    const carried = !t.quoted;
    const shortSeg = problems && t.problems.includes("tcp.short_segment");
    if (shortSeg) addExpert(ex, TcpExpert.shortSegment);
    const ib = carried && infoOn ? this.#infoBody : null;
    if (ib !== null) { ib.reset(); this.#infoTags.reset(); this.#infoText = undefined; }
    const winShown = r !== undefined && r.windowPresent ? r.windowSize : t.windowRaw;
    if (ib !== null && t.capturedLength >= 4) infoHeader(ib, t, r, (fl & TcpField.flags) !== 0 || bogus, winShown);
    if (bogus) {
      ex.add(`Bogus TCP header length (${t.headerLength}, must be at least 20)`, Severity.Error, Group.Protocol);
      if (ib !== null) ib.str(`, bogus TCP header length (${t.headerLength}, must be at least 20)`);
      return;
    }
    if ((fl & TcpField.flags) === 0) {
      // Fewer than 20 bytes: tshark stops after the ports.
      if (ib !== null) ib.str(t.capturedLength < (t.reportedLength < 0 ? 1e9 : t.reportedLength) ? "[Packet size limited during capture]" : "[Malformed Packet]");
      if (!(t.capturedLength < (t.reportedLength < 0 ? 1e9 : t.reportedLength))) addExpert(ex, TcpExpert.malformed);
      this.#threw = true;
      return;
    }
    if ((flags & ACK) === 0 && t.ackRaw !== 0) addExpert(ex, TcpExpert.ackNonzero);
    // tshark 4.0 tests the shown ack (relative when it can be) and only with relative numbers on.
    if ((flags & (SYN | ACK)) === (SYN | ACK) && r !== undefined && r.ack > 1
        && this.prefs.analysis.analyzeSequenceNumbers !== false && this.prefs.analysis.relativeSequenceNumbers !== false) {
      addExpert(ex, TcpExpert.tfoAccept);
    }
    if ((flags & RST) !== 0) addExpert(ex, TcpExpert.rst);
    if ((flags & SYN) !== 0 && ex.on) {
      if ((flags & ACK) === 0) ex.add(`Connection establish request (SYN): server port ${t.dstPort}`, Severity.Chat, Group.Sequence);
      else ex.add(`Connection establish acknowledge (SYN+ACK): server port ${t.srcPort}`, Severity.Chat, Group.Sequence);
    }
    if ((flags & FIN) !== 0) {
      addExpert(ex, TcpExpert.fin);
      addExpert(ex, this.#finPassive(frame, t, r) ? TcpExpert.finPassive : TcpExpert.finActive);
    }
    if (checksum === 0) {
      if (ib !== null) ib.str(" [TCP CHECKSUM INCORRECT]");
      ex.add(`Bad checksum [should be 0x${expectedChecksum(frame, t).toString(16).padStart(4, "0")}]`, Severity.Error, Group.Checksum);
    }
    if ((flags & URG) !== 0) { if (ib !== null) { ib.ascii(T_URG); ib.uint(t.urgent); } }
    else if (t.urgent !== 0) addExpert(ex, TcpExpert.urgentNonzero);
    if (ib !== null && t.seglen >= 0 && (fl & TcpField.len) !== 0) infoLen(ib, t.seglen);

    // Options (spec §11).
    let optEnd = OPT_OK;
    if (t.optionsLength > 0 && this.#optionsOn) optEnd = this.#optionsInfo(t, r, ib);
    else if (shortSeg) optEnd = OPT_MALFORMED;
    if (shortSeg && t.optionsLength === 0) optEnd = OPT_OK;
    if (optEnd === OPT_OK && (flags & SYN) !== 0 && t.optionsLength > 0 && !this.#sawMss) addExpert(ex, TcpExpert.mssAbsent);

    // Analysis (spec §8): lost when the options threw.
    if (r !== undefined && r.analysisPresent) {
      const a = r.flags;
      if (want[F.analysis] === 1) vals[F.analysis]!.push("1");
      if (a !== 0 && want[F.aFlags] === 1) vals[F.aFlags]!.push("1");
      if (r.acksFrame !== 0) {
        if (want[F.acksFrame] === 1) vals[F.acksFrame]!.push(r.acksFrame);
        if (r.ackRttNs !== 0 && want[F.ackRtt] === 1) vals[F.ackRtt]!.push(this.#nsValue(F.ackRtt, r.ackRttSec, r.ackRttSubNs));
      }
      if (r.initialRttNs !== 0 && want[F.irtt] === 1) vals[F.irtt]!.push(this.#nsValue(F.irtt, r.initialRttSec, r.initialRttSubNs));
      if (r.bytesInFlight !== 0) {
        if (want[F.bif] === 1) vals[F.bif]!.push(r.bytesInFlight);
        if (want[F.push] === 1) vals[F.push]!.push(r.pushBytesSent);
      }
      if (a !== 0) {
        for (let k = 0; k < FLAG_FIELD_IDS.length; k++) {
          const fid = FLAG_FIELD_IDS[k]!, bit = FLAG_FIELD_BITS[k]!;
          if (want[fid] !== 1 || (a & bit) === 0) continue;
          vals[fid]!.push("1");
          if (bit === A_DUPLICATE_ACK) vals[fid]!.push("1");
        }
      }
      if (r.dupAckNum !== 0) {
        if (want[F.dupNum] === 1) vals[F.dupNum]!.push(r.dupAckNum);
        if (want[F.dupFrame] === 1) vals[F.dupFrame]!.push(r.dupAckFrame);
      }
      if (r.rtoNs !== 0) {
        if (want[F.rto] === 1) vals[F.rto]!.push(this.#nsValue(F.rto, r.rtoSec, r.rtoSubNs));
        if (want[F.rtoFrame] === 1) vals[F.rtoFrame]!.push(r.rtoFrame);
      }
      if (a !== 0) {
        addAnalysisExperts(ex, a, r.dupAckNum);
        if (ib !== null) analysisTagsTo(this.#infoTags, a, r.dupAckFrame, r.dupAckNum);
      }
    }
    if (r !== undefined && r.timePresent && (this.#want[F.timeRel] === 1 || this.#want[F.timeDelta] === 1)) this.#times(r);
    this.#optionsEnd(optEnd, ib);
  }

  /** The options' Info tokens into `ib` (null: no Info) and, when read, their values and experts:
   *  from the walk #fillSegment made (#optTokensOk) or a second walk. Returns how the walk ended. */
  #optionsInfo(t: TcpLayer, r: AnalysisResult | undefined, ib: ByteOut | null): number {
    // The walk in #fillSegment left #optEnd / #sawMss and, without SACK blocks, the Info tokens.
    if (!this.#optTokensOk) this.#options(t, r, true, ib);
    else if (ib === null) { /* no Info */ }
    else if (this.#tsTokens) {
      if (ib.len + 40 > ib.buf.length) ib.ensure(40);
      const ob = ib.buf;
      let o = putBytes(ob, ib.len, T_TSVAL); o = putUint(ob, o, this.#tsval);
      o = putBytes(ob, o, T_TSECR); ib.len = putUint(ob, o, this.#tsecr);
    } else ib.append(this.#optTokens);
    return this.#optEnd;
  }

  /** An option area that threw ends the TCP layer: its text in Info, a Malformed expert. */
  #optionsEnd(optEnd: number, ib: ByteOut | null): void {
    if (optEnd === OPT_MALFORMED) { ib?.str("[Malformed Packet]"); addExpert(this.#experts, TcpExpert.malformed); this.#threw = true; }
    else if (optEnd === OPT_CONTAINED) {
      ib?.str("[Malformed Packet: length of contained item exceeds length of containing item]");
      addExpert(this.#experts, TcpExpert.malformed); this.#threw = true;
    }
    else if (optEnd === OPT_LIMITED) { ib?.str("[Packet size limited during capture]"); this.#threw = true; }
  }

  /** #tcpLayer for rows that read nothing but the Info column (summary lines), on a carried TCP
   *  header of 20 bytes or more without problems and with the checksum not verified: the analysis
   *  and the Info text, in #tcpLayer's order, without its field lists and experts (none is read).
   *  A function a fraction of #tcpLayer's size: that one is past what V8 optimizes well. */
  #tcpInfo(frame: DecodedFrame, t: TcpLayer, rec: CaptureRecord): void {
    const src = this.#source;
    const r = this.#analyseOn && this.#fillSegment(frame, t, rec, src === undefined, this.#earlyTokens)
      ? (src === undefined ? this.analyzer.observe(this.#seg) : src.next(rec.index)) : undefined;
    if (this.#oneLayer) this.#oneR = r;
    const ib = this.#infoBody, flags = t.flags;
    ib.reset(); this.#infoTags.reset(); this.#infoText = undefined;
    infoHeader(ib, t, r, true, r !== undefined && r.windowPresent ? r.windowSize : t.windowRaw);
    if ((flags & URG) !== 0) { ib.ascii(T_URG); ib.uint(t.urgent); }
    if (t.seglen >= 0 && (t.fields & TcpField.len) !== 0) infoLen(ib, t.seglen);
    const optEnd = t.optionsLength > 0 ? this.#optionsInfo(t, r, ib) : OPT_OK;
    if (r !== undefined && r.analysisPresent && r.flags !== 0) analysisTagsTo(this.#infoTags, r.flags, r.dupAckFrame, r.dupAckNum);
    this.#optionsEnd(optEnd, ib);
  }

  /** synack's own fields: both endpoints' states and the phase (analysis computes them for every
   *  header it sees, whatever tshark would show). */
  #states(r: AnalysisResult): void {
    const vals = this.#vals, want = this.#want;
    if (want[F.stClient] === 1) vals[F.stClient]!.push(endpointStateText(r, "client"));
    if (want[F.stServer] === 1) vals[F.stServer]!.push(endpointStateText(r, "server"));
    if (want[F.stClientBefore] === 1) vals[F.stClientBefore]!.push(stateLabel(r.clientBefore));
    if (want[F.stClientAfter] === 1) vals[F.stClientAfter]!.push(stateLabel(r.client));
    if (want[F.stServerBefore] === 1) vals[F.stServerBefore]!.push(stateLabel(r.serverBefore));
    if (want[F.stServerAfter] === 1) vals[F.stServerAfter]!.push(stateLabel(r.server));
    if (want[F.phase] === 1 && r.phase !== "none") vals[F.phase]!.push(r.phase);
  }

  /** Adds an occurrence of field `f` when it is wanted. */
  #put(f: number, v: string | number): void { if (this.#want[f] === 1) this.#vals[f]!.push(v); }
  /** #put when `emit` (the option walk also runs silently to fill the analysis segment). */
  #putIf(emit: boolean, f: number, v: string | number): void { if (emit && this.#want[f] === 1) this.#vals[f]!.push(v); }

  /** First sight of a stream: its A side (streams are numbered in order). */
  #streamSeen(k: number, srcPort: number, ip: IpLayer): void {
    if (this.#streamsOn) this.#streams.seen(k, srcPort, ip.srcHash);
  }

  /** tcp.time_relative / tcp.time_delta, shown: the analysis's seconds + ns parts (exact over any
   *  span; its conversation epoch is the stream's first packet). */
  #times(r: AnalysisResult): void {
    const rs = r.timeRelativeSec, rn = r.timeRelativeSubNs, ds = r.timeDeltaSec, dn = r.timeDeltaSubNs;
    if (this.#oneLayer) {
      // Written by #writeOneLayer (AD_TIME_REL / AD_TIME_DELTA) when they are its columns.
      this.#relSec = rs; this.#relNs = rn; this.#deltaSec = ds; this.#deltaNs = dn;
      this.#timesShown = true;
    }
    const want = this.#oneLayer ? this.#wantOne : this.#want;
    if (want[F.timeRel] === 1) this.#vals[F.timeRel]!.push(this.#nsValue(F.timeRel, rs, rn));
    if (want[F.timeDelta] === 1) this.#vals[F.timeDelta]!.push(this.#nsValue(F.timeDelta, ds, dn));
  }

  /** A duration value of field `f`: integer ns (formatted when written) where formatSecNs would take
   *  that path and the filter does not read the field, else formatSecNs's text. */
  #nsValue(f: number, sec: number, ns: number): string | number {
    if (sec > -9e6 && sec < 9e6 && this.#filterReads[f] === 0) return sec * 1e9 + ns;
    return formatSecNs(sec, ns);
  }

  /** A FIN after the other side's FIN "undergoes" the close; otherwise it "initiates" it. */
  #finPassive(frame: DecodedFrame, t: TcpLayer, r: AnalysisResult | undefined): boolean {
    if (r === undefined || !this.#streamsOn) return false;
    return this.#streams.fin(r.stream, t.srcPort, frame.ip[t.ipIndex]!.srcHash);
  }

  #icmpText(frame: DecodedFrame, t: TcpLayer): string {
    const ip = frame.ip[t.ipIndex]!;
    const at = ip.offset - 8;
    if (at < 0) return "";
    return icmpInfo(ip.version, ip.bytes[at]!, ip.bytes[at + 1]!);
  }

  #optEnd = OPT_OK;
  #sawMss = false;
  /** A dissection exception ended the frame early (tshark then skips the Ethernet trailer). */
  #threw = false;

  /** Walks the option area by tshark 4.0's rules (spec §11.1). With `emit` false it only fills the
   *  analysis segment; with `emit` true it pushes field values and experts, and writes Info tokens
   *  into `ib` when not null. */
  #options(t: TcpLayer, r: AnalysisResult | undefined, emit: boolean, ib: ByteOut | null): void {
    // The header's array without a view (decodeAt): offsets are relative to `base` only.
    const b = t.source, base = t.sourceBase + t.optionsOffset, declared = t.optionsLength;
    const repAvail = t.reportedLength < 0 ? declared : Math.max(0, Math.min(declared, t.reportedLength - 20));
    const capAvail = t.optionsCaptured;
    const lim = repAvail < capAvail ? repAvail : capAvail;
    const throwKind = repAvail <= capAvail ? OPT_MALFORMED : OPT_LIMITED;
    const s = this.#seg, vals = this.#vals, want = this.#want, ex = this.#experts;
    // Info tokens only when the Info column is shown.
    // Info tokens: with emit, or from the silent walk when it is handed the token buffer.
    const txt = ib !== null;
    const syn = (t.flags & SYN) !== 0;
    const rel = r !== undefined && r.relative;
    const ackBase = rel ? r.ackBase : 0;
    let nops = 0, eol = false;
    this.#optEnd = OPT_OK; this.#sawMss = false;
    // The usual option area of a data segment, NOP NOP TS (RFC 7323 appendix A), all there: what
    // the walk below finds (no expert: three NOPs are not four), without walking.
    if (!emit && lim === 12 && declared === 12 && b[base] === 1 && b[base + 1] === 1 && b[base + 2] === 8 && b[base + 3] === 10) {
      s.hasTimestamps = true;
      if (txt && !this.prefs.ignoreTcpTimestamps) {
        // The early walk's tokens (#fillSegment): kept as numbers, written by #tcpLayer.
        if (ib === this.#optTokens) { this.#tsTokens = true; this.#tsval = u32(b, base + 4); this.#tsecr = u32(b, base + 8); return; }
        if (ib.len + 40 > ib.buf.length) ib.ensure(40);
        const ob = ib.buf;
        let o = putBytes(ob, ib.len, T_TSVAL); o = putUint(ob, o, u32(b, base + 4));
        o = putBytes(ob, o, T_TSECR); ib.len = putUint(ob, o, u32(b, base + 8));
      }
      return;
    }
    let i = 0;
    // No closure per call: values go through #put, only when emitting.
    while (i < declared) {
      if (i >= lim) { this.#optEnd = throwKind; return; }
      const kind = b[base + i]!;
      if (kind === 0) {
        // tshark 4.0: each zero byte from an EOL on is another EOL; a non-zero one ends the walk.
        this.#putIf(emit, F.optKind, 0);
        // The padding after the first EOL is read at once: a capture cut inside it throws.
        if (!eol && declared > lim) {
          for (let j = i + 1; j < lim; j++) if (b[base + j] !== 0) { if (emit) addExpert(ex, TcpExpert.nonZeroAfterEol); break; }
          this.#optEnd = throwKind; return;
        }
        eol = true;
        i++;
        continue;
      }
      if (eol) {
        if (emit) addExpert(ex, TcpExpert.nonZeroAfterEol);
        this.#optEnd = OPT_STOPPED; return;
      }
      if (kind === 1) {
        this.#putIf(emit, F.optKind, 1);
        // tshark 4.0 (corpus): NOPs are counted over the whole area; the item is raised when the
        // fourth one ends an aligned 32-bit word, and only for the fourth.
        if (++nops === 4 && (i & 3) === 3 && emit) addExpert(ex, TcpExpert.nop);
        i++;
        continue;
      }
      if (i + 1 >= declared) {
        if (emit) ex.add(`${optionName(kind)} (length byte past end of options)`, Severity.Note, Group.Sequence);
        this.#optEnd = OPT_STOPPED; return;
      }
      if (i + 1 >= lim) { this.#optEnd = throwKind; return; }
      const len = b[base + i + 1]!;
      if (len < 2) {
        if (emit) ex.add(`${optionName(kind)} (with too-short option length = ${len} byte${len === 1 ? "" : "s"})`, Severity.Note, Group.Sequence);
        this.#optEnd = OPT_STOPPED; return;
      }
      if (i + len > declared) {
        if (emit) ex.add(`${optionName(kind)} (option length = ${len} bytes says option goes past end of options)`, Severity.Note, Group.Sequence);
        this.#optEnd = OPT_STOPPED; return;
      }
      this.#putIf(emit, F.optKind, kind);
      // tshark 4.0 writes the TCP-AO token before reading the option's value.
      if (kind === 29 && txt) ib.str("TCP AO");
      if (i + len > lim) {
        // tshark 4.0 reads a timestamp option field by field: TSval can show before the throw.
        if (kind === 8 && len === 10 && i + 6 <= lim) this.#putIf(emit, F.tsval, u32(b, base + i + 2));
        this.#optEnd = throwKind === OPT_MALFORMED ? OPT_CONTAINED : throwKind; return;
      }
      const o = base + i + 2;
      const fixed = FIXED_LEN[kind];
      const bad = fixed !== undefined && fixed !== len;
      // tshark 4.0 checks "MSS on a non-SYN" before the option's length.
      if (kind === 2 && !syn && emit) addExpert(ex, TcpExpert.mssPresent);
      if (bad && emit) ex.add(`option length should be ${fixed}`, Severity.Note, Group.Sequence);
      switch (kind) {
        case 2:
          this.#sawMss = true;
          if (!bad) {
            const v = (b[o]! << 8) | b[o + 1]!;
            s.mss = v; this.#putIf(emit, F.mss, v); if (txt) { ib.ascii(T_MSS); ib.uint(v); }
          }
          break;
        case 3:
          if (!bad) {
            const shift = b[o]!, mult = 1 << (shift > 14 ? 14 : shift);
            s.wsShift = shift; this.#putIf(emit, F.wsShift, shift); this.#putIf(emit, F.wsMult, mult);
            if (txt) { ib.ascii(T_WS); ib.uint(mult); }
            if (emit && shift > 14) addExpert(ex, TcpExpert.wscaleInvalid);
          }
          break;
        case 4:
          s.sackPerm = true;
          if (emit && want[F.sackPerm] === 1) this.#putIf(emit, F.sackPerm, hexBytes(b, base + i, base + i + len));
          if (txt) ib.ascii(T_SACKPERM);
          break;
        case 5: {
          // SACK edges are shown relative to the peer's base, known only after the analysis.
          if (!emit) this.#optTokensOk = false;
          let k = o, count = 0, malformed = false;
          const end = base + i + len;
          let re1 = 0, le2 = 0, re2 = 0;
          while (k < end) {
            if (end - k < 4) { malformed = true; break; }
            const le = u32(b, k); k += 4;
            this.#putIf(emit, F.sackLe, ((le - ackBase) >>> 0));
            if (end - k < 4) { malformed = true; break; }
            const re = u32(b, k); k += 4;
            this.#putIf(emit, F.sackRe, ((re - ackBase) >>> 0));
            if (count === 0) re1 = re;
            else if (count === 1) { le2 = le; re2 = re; }
            if (s.sackCount < s.sackLeft.length && !emit) { s.sackLeft[s.sackCount] = le; s.sackRight[s.sackCount] = re; s.sackCount++; }
            if (txt) { ib.ascii(T_SLE); ib.uint((le - ackBase) >>> 0); ib.ascii(T_SRE); ib.uint((re - ackBase) >>> 0); }
            count++;
          }
          if (emit) {
            if (malformed) addExpert(ex, TcpExpert.suboptionMalformed);
            this.#putIf(emit, F.sackCount, count);
            if (count > 0 && (seqLe(re1, t.ackRaw) || (count >= 2 && seqLt(le2, re1) && seqLe(re1, re2)))) addExpert(ex, TcpExpert.dsack);
          }
          break;
        }
        case 8:
          if (!bad) {
            s.hasTimestamps = true;
            const tsval = u32(b, o), tsecr = u32(b, o + 4);
            this.#putIf(emit, F.tsval, tsval); this.#putIf(emit, F.tsecr, tsecr);
            if (txt && !this.prefs.ignoreTcpTimestamps) { ib.ascii(T_TSVAL); ib.uint(tsval); ib.ascii(T_TSECR); ib.uint(tsecr); }
          }
          break;
        case 34:
          if (txt) ib.str(len === 2 ? " TFO=R" : " TFO=C");
          break;
        case 19:
          if (txt && !bad) ib.ascii(T_MD5);
          break;
        default:
      }
      i += len;
    }
  }
}

/** Fixed option lengths tshark 4.0 checks ("option length should be N"). */
const FIXED_LEN: ReadonlyArray<number | undefined> = (() => {
  const a: Array<number | undefined> = new Array<number | undefined>(256);
  a[2] = 4; a[3] = 3; a[4] = 2; a[6] = 6; a[7] = 6; a[8] = 10; a[11] = 6; a[12] = 6; a[13] = 6; a[19] = 18; a[27] = 8; a[28] = 4;
  return a;
})();

/** The checksum a verified-bad TCP header should carry (same inputs as `verifyTcpChecksum`). */
function expectedChecksum(frame: DecodedFrame, t: TcpLayer): number {
  const ip = frame.ip[t.ipIndex]!;
  const seg = t.bytes.subarray(t.offset, t.offset + t.checksumLength);
  return ip.version === 4 ? tcpChecksumIpv4(ip.src4, ip.dst4, seg)
    : tcpChecksumIpv6(ip.pseudoSrcAt < 0 ? ip.src : ip.bytes.subarray(ip.pseudoSrcAt, ip.pseudoSrcAt + 16),
      ip.pseudoDstAt < 0 ? ip.dst : ip.bytes.subarray(ip.pseudoDstAt, ip.pseudoDstAt + 16), seg);
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

// Display filters over the rows' own values (docs/filters.md). Registry fields are read from the
// per-frame occurrence lists by numeric id (numbers stay numbers); addresses, protocols and the
// payload are read straight from the decoded frame.

/** Where a filter field's values come from. */
const SRC_VALS = 0, SRC_IP4_SRC = 1, SRC_IP4_DST = 2, SRC_IP6_SRC = 3, SRC_IP6_DST = 4, SRC_FRAME = 5, SRC_ETH = 6,
  SRC_IP = 7, SRC_IPV6 = 8, SRC_TCP = 9, SRC_UDP = 10, SRC_ICMP = 11, SRC_ARP = 12, SRC_PAYLOAD = 13, SRC_EXPERT = 14;
/** A field outside the fast adapter: its values come from the frame's field tree (tree-rows.ts). */
export const SRC_TREE = 15;

/** Where the values of SRC_TREE fields come from for the current frame (TreeValues). */
export interface TreeFilterSource {
  values(f: RowFilterField, out: FilterValue[], at: number): number;
}

/** A filter field as FieldRows serves it. */
export interface RowFilterField extends FilterFieldInfo {
  readonly name: string;
  /** Registry field id whose values are read (SRC_VALS, SRC_EXPERT), else −1. */
  readonly id: number;
  /** Non-zero: one bit of a numeric field (tcp.flags.syn …). */
  readonly bit: number;
  /** One of the SRC_* sources. */
  readonly src: number;
  /** Protocols: the filter compares the layer's bytes (else only its presence counts). */
  readonly bytesNeeded: boolean;
  /** SRC_TREE fields: tshark's type (`FT_UINT8`, `FT_ETHER`, …) from the catalogue. */
  readonly ftype?: string;
}

const PROTOCOL_SRC: ReadonlyMap<string, number> = new Map([
  ["frame", SRC_FRAME], ["eth", SRC_ETH], ["ip", SRC_IP], ["ipv6", SRC_IPV6], ["tcp", SRC_TCP], ["udp", SRC_UDP],
  ["icmp", SRC_ICMP], ["arp", SRC_ARP],
]);
const ADDRESS_SRC: ReadonlyMap<string, number> = new Map([
  ["ip.src", SRC_IP4_SRC], ["ip.dst", SRC_IP4_DST], ["ipv6.src", SRC_IP6_SRC], ["ipv6.dst", SRC_IP6_DST],
]);
const TEXT_FIELDS = textFilterFields(FIELDS);

/** The names `-Y` knows: the registry (but not `_ws.col.*`, which tshark 4.0 cannot filter on),
 *  the protocols frame eth ip ipv6 tcp udp icmp arp and _ws.expert, the tcp.flags bits and tcp.payload. `text` is the filter (protocols it compares get their bytes).
 *  `tree`: any other field of the catalogue too, read from the field tree (SRC_TREE, FieldRows.useTree). */
export function rowFilterFields(text: string, tree = false): FilterFields<RowFilterField> {
  const compared = new Set<string>();
  try {
    const toks = tokenize(text);
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.kind !== "word" || !PROTOCOL_SRC.has(t.text)) continue;
      const near = [toks[i - 1], toks[i + 1]];
      if (near.some((n) => n !== undefined && (n.kind === "op" ? /^(==|!=|===|!==|~=|<|>|<=|>=|&)$/.test(n.text)
        : n.kind === "word" && /^(eq|ne|lt|gt|le|ge|contains|any_eq|all_ne|all_eq|any_ne)$/.test(n.text)))) compared.add(t.text);
    }
  } catch { /* compileFilter reports it */ }
  const cache = new Map<string, RowFilterField | undefined>();
  const make = (name: string): RowFilterField | undefined => {
    const p = PROTOCOL_SRC.get(name);
    if (p !== undefined) return { name, kind: "protocol", id: -1, bit: 0, src: p, bytesNeeded: compared.has(name) };
    if (name === "tcp.payload") return { name, kind: "bytes", id: -1, bit: 0, src: SRC_PAYLOAD, bytesNeeded: true };
    // One _ws.expert per expert item; columns are not fields in tshark 4.0 filters.
    if (name === "_ws.expert") return { name, kind: "protocol", id: fieldId("_ws.expert.severity"), bit: 0, src: SRC_EXPERT, bytesNeeded: false };
    if (name.startsWith("_ws.col.")) return undefined;
    const t = TEXT_FIELDS.lookup(name);
    if (t === undefined) {
      // An alias of two fast fields (tcp.port) stays fast: the compiler expands it.
      const alias = FILTER_ALIASES.get(name);
      if (!tree || (alias !== undefined && TEXT_FIELDS.lookup(alias[0]) !== undefined && TEXT_FIELDS.lookup(alias[1]) !== undefined)) return undefined;
      return treeFilterField(name);
    }
    const src = ADDRESS_SRC.get(name) ?? SRC_VALS;
    const base = { name, kind: t.kind, id: fieldId(t.source), bit: t.bit, src, bytesNeeded: false };
    return t.bytes === undefined ? base : { ...base, bytes: t.bytes };
  };
  return {
    lookup(name: string): RowFilterField | undefined {
      if (!cache.has(name)) cache.set(name, make(name));
      return cache.get(name);
    },
  };
}

/** Compiles a `-Y` filter for `FieldRows.useFilter`; `tree`: fields outside the fast adapter are
 *  read from the field tree (the rows then need `useTree`). */
export function compileRowFilter(text: string, tree = false): CompileResult<RowFilterField> {
  return compileFilter(text, rowFilterFields(text, tree));
}

/** The filter reads some field from the field tree. */
export function filterReadsTree(filter: DisplayFilter<RowFilterField>): boolean {
  return filter.fields.some((f) => f.src === SRC_TREE);
}

/** FT_* integer widths in bytes. */
const FT_WIDTH: Readonly<Record<string, number>> = {
  FT_UINT8: 1, FT_UINT16: 2, FT_UINT24: 3, FT_UINT32: 4, FT_UINT40: 5, FT_UINT48: 6, FT_UINT56: 7, FT_UINT64: 8,
  FT_INT8: 1, FT_INT16: 2, FT_INT24: 3, FT_INT32: 4, FT_INT40: 5, FT_INT48: 6, FT_INT56: 7, FT_INT64: 8,
  FT_FRAMENUM: 4, FT_CHAR: 1,
};

/** The filter kind of a tshark field type. */
export function filterKindOf(ftype: string): FilterKind {
  if (ftype.startsWith("FT_UINT") && ftype !== "FT_UINT_BYTES" && ftype !== "FT_UINT_STRING") return "uint";
  if (ftype === "FT_FRAMENUM" || ftype === "FT_CHAR") return "uint";
  if (ftype.startsWith("FT_INT")) return "int";
  switch (ftype) {
    case "FT_BOOLEAN": return "bool";
    case "FT_NONE": return "flag";
    case "FT_PROTOCOL": return "protocol";
    case "FT_IPv4": return "ipv4";
    case "FT_IPv6": return "ipv6";
    case "FT_RELATIVE_TIME": return "time";
    case "FT_ABSOLUTE_TIME": return "abstime";
    case "FT_FLOAT": case "FT_DOUBLE": return "float";
    case "FT_STRING": case "FT_STRINGZ": case "FT_STRINGZPAD": case "FT_STRINGZTRUNC": case "FT_UINT_STRING": return "string";
    case "FT_ETHER": return "ether";
    default: return "bytes";
  }
}

/** A catalogue field as a SRC_TREE filter field, or undefined for a name synack does not know. */
function treeFilterField(name: string): RowFilterField | undefined {
  const info = fieldInfo(name);
  if (info === undefined || name.startsWith("_ws.col.")) return undefined;
  const kind = filterKindOf(info.type);
  const base = { name, kind, id: -1, bit: 0, src: SRC_TREE, bytesNeeded: true, ftype: info.type };
  const w = FT_WIDTH[info.type];
  return w === undefined ? base : { ...base, bytes: w };
}

const NO_BYTES = new Uint8Array(0);

/** The current frame of a FieldRows, as the filter engine reads it. */
class RowFilterFrame implements FilterFrame<RowFilterField> {
  /** The field tree's values of the current frame (SRC_TREE fields), set by FieldRows.useTree. */
  tree: TreeFilterSource | undefined;
  constructor(private readonly vals: ReadonlyArray<ReadonlyArray<string | number>>, private readonly frame: DecodedFrame) {}

  values(f: RowFilterField, out: FilterValue[], at: number): number {
    const fr = this.frame;
    switch (f.src) {
      case SRC_TREE: return this.tree === undefined ? 0 : this.tree.values(f, out, at);
      case SRC_VALS: {
        const v = this.vals[f.id]!;
        const n = v.length;
        for (let i = 0; i < n; i++) {
          const x = v[i]!;
          out[at + i] = typeof x === "number" ? (f.bit !== 0 ? ((x & f.bit) !== 0 ? 1 : 0) : x) : textValue(f, x);
        }
        return n;
      }
      case SRC_IP4_SRC: case SRC_IP4_DST: case SRC_IP6_SRC: case SRC_IP6_DST: {
        const v4 = f.src === SRC_IP4_SRC || f.src === SRC_IP4_DST, src = f.src === SRC_IP4_SRC || f.src === SRC_IP6_SRC;
        let n = 0;
        for (let k = 0; k < fr.ipCount; k++) {
          const l = fr.ip[k]!;
          if ((l.version === 4) !== v4) continue;
          out[at + n++] = v4 ? (src ? l.src4 : l.dst4) : (src ? l.src : l.dst);
        }
        return n;
      }
      case SRC_FRAME: out[at] = fr.bytes; return 1;
      case SRC_EXPERT: {
        const n = this.vals[f.id]!.length;
        for (let i = 0; i < n; i++) out[at + i] = NO_BYTES;
        return n;
      }
      case SRC_ETH: if (fr.linkType !== 1) return 0; out[at] = fr.bytes; return 1;
      case SRC_ARP: return arpAt(fr) < 0 ? 0 : (out[at] = f.bytesNeeded ? fr.bytes.subarray(arpAt(fr)) : NO_BYTES, 1);
      case SRC_IP: case SRC_IPV6: case SRC_UDP: case SRC_ICMP: {
        let n = 0;
        for (let k = 0; k < fr.ipCount; k++) {
          const l = fr.ip[k]!;
          let from: number;
          if (f.src === SRC_IP || f.src === SRC_IPV6) {
            if (l.version !== (f.src === SRC_IP ? 4 : 6)) continue;
            from = l.offset;
          } else {
            if (l.fragment || l.protocol !== (f.src === SRC_UDP ? 17 : 1) || (f.src === SRC_ICMP && l.version !== 4)) continue;
            from = l.offset + l.headerLength;
          }
          const end = Math.min(l.bytes.length, l.offset + l.headerLength + l.payloadLength);
          out[at + n++] = f.bytesNeeded ? l.bytes.subarray(Math.min(from, end), end) : NO_BYTES;
        }
        return n;
      }
      case SRC_TCP: {
        for (let k = 0; k < fr.tcpCount; k++) {
          const t = fr.tcp[k]!;
          out[at + k] = f.bytesNeeded ? t.bytes.subarray(t.offset, t.offset + t.capturedLength) : NO_BYTES;
        }
        return fr.tcpCount;
      }
      case SRC_PAYLOAD: {
        let n = 0;
        for (let k = 0; k < fr.tcpCount; k++) {
          const t = fr.tcp[k]!;
          if (t.quoted || t.payloadLength <= 0) continue;
          out[at + n++] = t.payload();
        }
        return n;
      }
      default: return 0;
    }
  }
}

/** A text occurrence (times, strings, byte fields) as the filter value of its kind. */
function textValue(f: RowFilterField, s: string): FilterValue {
  switch (f.kind) {
    case "uint": case "int": case "time": case "float": case "bool": return Number(s);
    case "bytes": return parseByteString(s) ?? NO_BYTES;
    case "flag": return NO_BYTES;
    default: return s;
  }
}

/** Offset of an ARP header in an Ethernet (optionally 802.1Q-tagged), Linux cooked or ARCNET frame, or −1. */
function arpAt(fr: DecodedFrame): number {
  const b = fr.bytes;
  if (fr.linkType === 1 && b.length >= 14) {
    let at = 12;
    while (at + 4 <= b.length && ((b[at]! << 8) | b[at + 1]!) === 0x8100) at += 4;
    return at + 2 <= b.length && ((b[at]! << 8) | b[at + 1]!) === 0x0806 ? at + 2 : -1;
  }
  if (fr.linkType === 113 && b.length >= 16) return ((b[14]! << 8) | b[15]!) === 0x0806 ? 16 : -1;
  if (fr.linkType === 7 || fr.linkType === 129) {
    // ARCNET: protocol byte 0xF1 (RFC 1051 ARP, header follows) or 0xD5 (RFC 1201 ARP, after 3 more bytes).
    const at = fr.linkType === 7 ? 2 : 4;
    if (b.length <= at) return -1;
    return b[at] === 0xf1 ? at + 1 : b[at] === 0xd5 ? Math.min(b.length, at + 4) : -1;
  }
  return -1;
}
