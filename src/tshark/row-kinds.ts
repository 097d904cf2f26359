/** The `-T fields` rows' per-field tables (FieldRows): field ids by name, how each field is written
 *  (WRITE_KIND), which come straight from the frame or its one analysis result (DIRECT_KIND), which
 *  need no analysis (PACKET_ONLY_FIELD), and how an option walk ended (OPT_*). */
import { A_ANY_RETRANSMISSION, ANALYSIS_FLAGS } from "../analysis/index.js";
import { TcpField } from "../decode/index.js";
import { FIELD_NAMES, fieldId, type FieldName } from "../fields/registry.js";
import type { DisplayFilter } from "../filter/index.js";
import type { RowFilterField } from "./row-filter.js";

// Field ids used in the switch below (indices in FIELD_NAMES).
const id = (n: FieldName): number => fieldId(n);
export const F = {
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
export const FLAG_FIELD_IDS = [...FLAG_FIELD_BIT.keys()], FLAG_FIELD_BITS = [...FLAG_FIELD_BIT.values()];
/** Fields whose number values are integer ns, printed as seconds with 9 decimals (formatNs). */
export const NS_FIELD = new Uint8Array(FIELD_NAMES.length);
for (const n of ["tcp.time_relative", "tcp.time_delta", "tcp.analysis.ack_rtt", "tcp.analysis.initial_rtt", "tcp.analysis.rto"] as const) {
  NS_FIELD[fieldId(n)] = 1;
}
/** Fields the option walk fills (besides Info and expert items). */
export const OPTION_FIELDS: readonly number[] = [F.optKind, F.mss, F.wsShift, F.wsMult, F.sackPerm, F.sackLe, F.sackRe, F.sackCount,
  F.tsval, F.tsecr];

/** How `#write` prints a field's number values (strings are always printed as they are). */
export const W_NUM = 0, W_FLAGS = 1, W_NS = 2, W_EPOCH = 3, W_IPV4 = 4, W_INFO = 5, W_IPV6_SRC = 6, W_IPV6_DST = 7;
export const WRITE_KIND = new Uint8Array(FIELD_NAMES.length);
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
export const PACKET_ONLY_FIELD = new Uint8Array(FIELD_NAMES.length);
for (const n of ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
  "tcp.dstport", "tcp.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.str",
  "tcp.window_size_value", "tcp.checksum.status", "tcp.urgent_pointer", "tcp.option_kind", "tcp.options.mss_val",
  "tcp.options.wscale.shift", "tcp.options.wscale.multiplier", "tcp.options.sack_perm", "tcp.options.sack.count",
  "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr"] as const) PACKET_ONLY_FIELD[fieldId(n)] = 1;

/** Packet fields that `#write` takes straight from the decoded frame and record, with no value
 *  list (kind per registry id, 0 for the rest): most of a packet-field row is these. A field the
 *  display filter reads keeps its list (the filter reads lists), as does tcp.checksum.status with
 *  `tcp.check_checksum` on (its value comes from the verification #tcpLayer runs). */
export const D_NUMBER = 1, D_EPOCH = 2, D_IP4_SRC = 3, D_IP4_DST = 4, D_IP6_SRC = 5, D_IP6_DST = 6, D_SRCPORT = 7,
  D_DSTPORT = 8, D_LEN = 9, D_SEQRAW = 10, D_ACKRAW = 11, D_HDRLEN = 12, D_FLAGS = 13, D_FLAGSSTR = 14, D_WIN = 15,
  D_CHECKSUM = 16, D_URGENT = 17, D_INFO = 18;
export const DIRECT_KIND = new Uint8Array(FIELD_NAMES.length);
for (const [n, k] of [["frame.number", D_NUMBER], ["frame.time_epoch", D_EPOCH], ["ip.src", D_IP4_SRC],
  ["ip.dst", D_IP4_DST], ["ipv6.src", D_IP6_SRC], ["ipv6.dst", D_IP6_DST], ["tcp.srcport", D_SRCPORT],
  ["tcp.dstport", D_DSTPORT], ["tcp.len", D_LEN], ["tcp.seq_raw", D_SEQRAW], ["tcp.ack_raw", D_ACKRAW],
  ["tcp.hdr_len", D_HDRLEN], ["tcp.flags", D_FLAGS], ["tcp.flags.str", D_FLAGSSTR], ["tcp.window_size_value", D_WIN],
  ["tcp.checksum.status", D_CHECKSUM], ["tcp.urgent_pointer", D_URGENT], ["_ws.col.Info", D_INFO]] as const) DIRECT_KIND[fieldId(n)] = k;
/** synack's endpoint-state fields: the analyzer infers the states only for a reader of these
 *  (AnalysisOptions.states). */
export const STATE_FIELDS: readonly number[] = ["synack.state.client", "synack.state.server", "synack.state.client_before",
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
export const AD_FIRST = 32, AD_STREAM = 32, AD_COMPLETENESS = 33, AD_SEQ = 34, AD_NXTSEQ = 35, AD_ACK = 36, AD_WIN = 37,
  AD_ACKS_FRAME = 38, AD_ACK_RTT = 39, AD_BIF = 40, AD_PUSH = 41, AD_DUP_NUM = 42, AD_DUP_FRAME = 43, AD_TIME_REL = 44,
  AD_TIME_DELTA = 45;
for (const [n, k] of [["tcp.stream", AD_STREAM], ["tcp.completeness", AD_COMPLETENESS], ["tcp.seq", AD_SEQ],
  ["tcp.nxtseq", AD_NXTSEQ], ["tcp.ack", AD_ACK], ["tcp.window_size", AD_WIN], ["tcp.analysis.acks_frame", AD_ACKS_FRAME],
  ["tcp.analysis.ack_rtt", AD_ACK_RTT], ["tcp.analysis.bytes_in_flight", AD_BIF], ["tcp.analysis.push_bytes_sent", AD_PUSH],
  ["tcp.analysis.duplicate_ack_num", AD_DUP_NUM], ["tcp.analysis.duplicate_ack_frame", AD_DUP_FRAME],
  ["tcp.time_relative", AD_TIME_REL], ["tcp.time_delta", AD_TIME_DELTA]] as const) DIRECT_KIND[fieldId(n)] = k;
/** The TcpLayer.fields bit under which #tcpLayer puts each TCP kind's value (one occurrence per header). */
export const D_TCP_BIT = new Uint16Array(D_URGENT + 1);
D_TCP_BIT[D_SRCPORT] = TcpField.ports; D_TCP_BIT[D_DSTPORT] = TcpField.ports; D_TCP_BIT[D_LEN] = TcpField.len;
D_TCP_BIT[D_SEQRAW] = TcpField.seqRaw; D_TCP_BIT[D_ACKRAW] = TcpField.ackRaw; D_TCP_BIT[D_HDRLEN] = TcpField.hdrLen;
D_TCP_BIT[D_FLAGS] = TcpField.flags; D_TCP_BIT[D_FLAGSSTR] = TcpField.flags; D_TCP_BIT[D_WIN] = TcpField.window;
D_TCP_BIT[D_CHECKSUM] = TcpField.checksumStatus; D_TCP_BIT[D_URGENT] = TcpField.urgent;
export const OPT_OK = 0, OPT_STOPPED = 1, OPT_LIMITED = 2, OPT_MALFORMED = 3, OPT_CONTAINED = 4;
