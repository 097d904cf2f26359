/** The figures of `ConnStats` as tcptrace's long report shows them (`tcptrace -l -r -W`): one row
 *  per figure with its label, unit and each direction's value as text, in tcptrace's number forms
 *  (times in ms with one decimal, data transmit time in s with three, "NA" where it has none).
 *  `key` is tcptrace's CSV column name without the `_a2b`/`_b2a` suffix, so reports compare
 *  column by column. Times are rounded from integer ns by integer arithmetic. */
import { formatIpv4, formatIpv6 } from "../decode/index.js";
import type { ConnStats, DirectionStats, Samples } from "./conn-stats.js";

/** One figure: tcptrace's CSV key and label, its unit, and how to show it for a direction. */
export interface ConnFigure {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly text: (d: DirectionStats, c: ConnStats) => string;
  /** Printed after this figure in the text report: a blank line (tcptrace's groups). */
  readonly gapAfter?: boolean;
}

/** µs → ms with one decimal ("12.3"), rounded as C's printf("%.1f", µs / 1000.0) rounds. */
export function msOfUs(us: number): string { return printfFixed(us / 1000, 1); }
/** ns → ms with one decimal (through µs, as tcptrace counts time). */
export function ms1(ns: number): string { return msOfUs(ns / 1000); }
/** ns → s with three decimals ("1.145"), as printf("%.3f", µs / 1e6). */
export function sec3(ns: number): string { return printfFixed(ns / 1000 / 1e6, 3); }

/** `x` with `digits` decimals as glibc's printf("%.Nf") prints it: rounded on the exact binary
 *  value, an exact tie to the even digit; a negative value keeps its sign ("-0.0"; −0 prints as 0). Far from a tie
 *  the double arithmetic decides; near one, the exact decimal expansion of `x` does. */
export function printfFixed(x: number, digits: number): string {
  const neg = x < 0, a = Math.abs(x), p = 10 ** digits;
  const r = a * p, fl = Math.floor(r), frac = r - fl;
  let n: number;
  if (Math.abs(frac - 0.5) > 1e-6) n = frac > 0.5 ? fl + 1 : fl;
  else {
    const s = a.toFixed(60), dot = s.indexOf(".");
    const base = Number(s.slice(0, dot) + s.slice(dot + 1, dot + 1 + digits));
    const next = s.charCodeAt(dot + 1 + digits) - 48, tail = s.slice(dot + 2 + digits);
    if (next > 5 || (next === 5 && /[1-9]/.test(tail))) n = base + 1;
    else if (next < 5) n = base;
    else n = base % 2 === 0 ? base : base + 1;
  }
  const whole = Math.floor(n / p), part = digits === 0 ? "" : "." + String(n - whole * p).padStart(digits, "0");
  return `${neg ? "-" : ""}${whole}${part}`;
}

const yn = (b: boolean): string => b ? "Y" : "N";
const int = (n: number): string => String(Math.trunc(n));
const stat = (pick: (d: DirectionStats) => Samples, what: "min" | "max" | "avg" | "stdev") => (d: DirectionStats): string => {
  const s = pick(d);
  return what === "min" ? ms1(s.minNs) : what === "max" ? ms1(s.maxNs) : msOfUs(what === "avg" ? s.avgUs : s.stdevUs);
};

/** Every figure, in tcptrace's order. */
export const CONN_FIGURES: readonly ConnFigure[] = [
  { key: "total_packets", label: "total packets", unit: "", text: (d) => int(d.packets) },
  { key: "resets_sent", label: "resets sent", unit: "", text: (d) => int(d.resets) },
  { key: "ack_pkts_sent", label: "ack pkts sent", unit: "", text: (d) => int(d.ackPkts) },
  { key: "pure_acks_sent", label: "pure acks sent", unit: "", text: (d) => int(d.pureAcks) },
  { key: "sack_pkts_sent", label: "sack pkts sent", unit: "", text: (d) => int(d.sackPkts) },
  { key: "dsack_pkts_sent", label: "dsack pkts sent", unit: "", text: (d) => int(d.dsackPkts) },
  { key: "max_sack_blks/ack", label: "max sack blks/ack", unit: "", text: (d) => int(d.maxSackBlocks) },
  { key: "unique_bytes_sent", label: "unique bytes sent", unit: "", text: (d) => int(d.uniqueBytes) },
  { key: "actual_data_pkts", label: "actual data pkts", unit: "", text: (d) => int(d.dataPkts) },
  { key: "actual_data_bytes", label: "actual data bytes", unit: "", text: (d) => int(d.dataBytes) },
  { key: "rexmt_data_pkts", label: "rexmt data pkts", unit: "", text: (d) => int(d.rexmtPkts) },
  { key: "rexmt_data_bytes", label: "rexmt data bytes", unit: "", text: (d) => int(d.rexmtBytes) },
  { key: "zwnd_probe_pkts", label: "zwnd probe pkts", unit: "", text: (d) => int(d.zwndProbePkts) },
  { key: "zwnd_probe_bytes", label: "zwnd probe bytes", unit: "", text: (d) => int(d.zwndProbeBytes) },
  { key: "outoforder_pkts", label: "outoforder pkts", unit: "", text: (d) => int(d.outOfOrderPkts) },
  { key: "pushed_data_pkts", label: "pushed data pkts", unit: "", text: (d) => int(d.pushedPkts) },
  { key: "SYN/FIN_pkts_sent", label: "SYN/FIN pkts sent", unit: "", text: (d) => `${d.syns}/${d.fins}` },
  { key: "req_1323_ws/ts", label: "req 1323 ws/ts", unit: "", text: (d) => `${yn(d.wsRequested)}/${yn(d.tsRequested)}` },
  { key: "adv_wind_scale", label: "adv wind scale", unit: "", text: (d) => int(d.wsShift) },
  { key: "req_sack", label: "req sack", unit: "", text: (d) => yn(d.sackRequested) },
  { key: "sacks_sent", label: "sacks sent", unit: "", text: (d) => int(d.sacksSent) },
  { key: "urgent_data_pkts", label: "urgent data pkts", unit: "pkts", text: (d) => int(d.urgentPkts) },
  { key: "urgent_data_bytes", label: "urgent data bytes", unit: "bytes", text: (d) => int(d.urgentBytes) },
  { key: "mss_requested", label: "mss requested", unit: "bytes", text: (d) => int(d.mss < 0 ? 0 : d.mss) },
  { key: "max_segm_size", label: "max segm size", unit: "bytes", text: (d) => int(d.maxSegment) },
  { key: "min_segm_size", label: "min segm size", unit: "bytes", text: (d) => int(d.minSegment) },
  { key: "avg_segm_size", label: "avg segm size", unit: "bytes", text: (d) => int(d.dataBytes / (d.dataPkts + 0.001)) },
  { key: "max_win_adv", label: "max win adv", unit: "bytes", text: (d) => int(d.maxWin) },
  { key: "min_win_adv", label: "min win adv", unit: "bytes", text: (d) => int(d.minWin) },
  { key: "zero_win_adv", label: "zero win adv", unit: "times", text: (d) => int(d.zeroWins) },
  { key: "avg_win_adv", label: "avg win adv", unit: "bytes", text: (d, c) => int(c.avgWin(d)) },
  { key: "max_owin", label: "max owin", unit: "bytes", text: (d) => int(d.maxOwin) },
  { key: "min_non-zero_owin", label: "min non-zero owin", unit: "bytes", text: (d) => int(d.minOwin) },
  { key: "avg_owin", label: "avg owin", unit: "bytes", text: (d) => int(d.owinCount === 0 ? 0 : Math.floor(d.owinTotal / d.owinCount)) },
  { key: "initial_window_bytes", label: "initial window", unit: "bytes", text: (d) => int(d.initialWinBytes) },
  { key: "initial_window_pkts", label: "initial window", unit: "pkts", text: (d) => int(d.initialWinPkts) },
  { key: "ttl_stream_length", label: "ttl stream length", unit: "bytes", text: (d) => d.streamLength < 0 ? "NA" : int(d.streamLength) },
  { key: "missed_data", label: "missed data", unit: "bytes", text: (d) => d.streamLength < 0 ? "NA" : int(d.missedData) },
  { key: "truncated_data", label: "truncated data", unit: "bytes", text: (d) => int(d.truncatedBytes) },
  { key: "truncated_packets", label: "truncated packets", unit: "pkts", text: (d) => int(d.truncatedPkts) },
  { key: "data_xmit_time", label: "data xmit time", unit: "secs", text: (d) => sec3(d.dataXmitNs) },
  { key: "idletime_max", label: "idletime max", unit: "ms", text: (d) => d.packets === 0 ? "NA" : ms1(d.idleMaxNs) },
  { key: "hardware_dups", label: "hardware dups", unit: "segs", text: (d) => int(d.hardwareDups) },
  { key: "throughput", label: "throughput", unit: "Bps", gapAfter: true, text: (d, c) => {
    const t = c.throughput(d);
    return t === undefined ? "NA" : printfFixed(t, 0);
  } },
  { key: "RTT_samples", label: "RTT samples", unit: "", text: (d) => int(d.rtt.count) },
  { key: "RTT_min", label: "RTT min", unit: "ms", text: stat((d) => d.rtt, "min") },
  { key: "RTT_max", label: "RTT max", unit: "ms", text: stat((d) => d.rtt, "max") },
  { key: "RTT_avg", label: "RTT avg", unit: "ms", text: stat((d) => d.rtt, "avg") },
  { key: "RTT_stdev", label: "RTT stdev", unit: "ms", gapAfter: true, text: stat((d) => d.rtt, "stdev") },
  { key: "RTT_from_3WHS", label: "RTT from 3WHS", unit: "ms", gapAfter: true, text: (d) => ms1(d.rttFrom3whsNs) },
  { key: "RTT_full_sz_smpls", label: "RTT full_sz smpls", unit: "", text: (d) => int(d.rttFull.count) },
  { key: "RTT_full_sz_min", label: "RTT full_sz min", unit: "ms", text: stat((d) => d.rttFull, "min") },
  { key: "RTT_full_sz_max", label: "RTT full_sz max", unit: "ms", text: stat((d) => d.rttFull, "max") },
  { key: "RTT_full_sz_avg", label: "RTT full_sz avg", unit: "ms", text: stat((d) => d.rttFull, "avg") },
  { key: "RTT_full_sz_stdev", label: "RTT full_sz stdev", unit: "ms", gapAfter: true, text: stat((d) => d.rttFull, "stdev") },
  { key: "post-loss_acks", label: "post-loss acks", unit: "", text: (d) => int(d.postLossAcks) },
  { key: "ambiguous_acks", label: "ambiguous acks", unit: "", text: (d) => int(d.rttAmbiguous.count) },
  { key: "RTT_min_(last)", label: "RTT min (last)", unit: "ms", text: stat((d) => d.rttAmbiguous, "min") },
  { key: "RTT_max_(last)", label: "RTT max (last)", unit: "ms", text: stat((d) => d.rttAmbiguous, "max") },
  { key: "RTT_avg_(last)", label: "RTT avg (last)", unit: "ms", text: stat((d) => d.rttAmbiguous, "avg") },
  { key: "RTT_sdv_(last)", label: "RTT sdv (last)", unit: "ms", text: stat((d) => d.rttAmbiguous, "stdev") },
  { key: "segs_cum_acked", label: "segs cum acked", unit: "", text: (d) => int(d.segsCumAcked) },
  { key: "duplicate_acks", label: "duplicate acks", unit: "", text: (d) => int(d.dupAcks) },
  { key: "triple_dupacks", label: "triple dupacks", unit: "", text: (d) => int(d.tripleDupAcks) },
  { key: "max_#_retrans", label: "max # retrans", unit: "", text: (d) => int(d.maxRetrans) },
  { key: "min_retr_time", label: "min retr time", unit: "ms", text: stat((d) => d.retrTime, "min") },
  { key: "max_retr_time", label: "max retr time", unit: "ms", text: stat((d) => d.retrTime, "max") },
  { key: "avg_retr_time", label: "avg retr time", unit: "ms", text: stat((d) => d.retrTime, "avg") },
  { key: "sdv_retr_time", label: "sdv retr time", unit: "ms", text: stat((d) => d.retrTime, "stdev") },
];

/** "address:port" of host a or b, as tshark -n prints addresses. */
export function hostText(c: ConnStats, which: "a" | "b"): string {
  const w = which === "a" ? c.aAddr : c.bAddr, port = which === "a" ? c.aPort : c.bPort;
  if (c.family === 4) return `${formatIpv4(w[0]!)}:${port}`;
  const b = new Uint8Array(16);
  for (let i = 0; i < 4; i++) { b[4 * i] = w[i]! >>> 24; b[4 * i + 1] = (w[i]! >>> 16) & 255; b[4 * i + 2] = (w[i]! >>> 8) & 255; b[4 * i + 3] = w[i]! & 255; }
  return `[${formatIpv6(b)}]:${port}`;
}

/** The numbers of one direction as data (JSON): counts, bytes, integer ns for times. */
export function directionJson(d: DirectionStats, c: ConnStats): Record<string, number | boolean | null> {
  const ns = (x: number): number => Math.round(x);
  const samples = (s: Samples) => ({ count: s.count, minNs: ns(s.minNs), maxNs: ns(s.maxNs), avgNs: ns(s.avgNs), stdevNs: ns(s.stdevNs) });
  const t = c.throughput(d);
  return {
    packets: d.packets, resets: d.resets, ackPkts: d.ackPkts, pureAcks: d.pureAcks, sackPkts: d.sackPkts, dsackPkts: d.dsackPkts,
    maxSackBlocks: d.maxSackBlocks, uniqueBytes: d.uniqueBytes, dataPkts: d.dataPkts, dataBytes: d.dataBytes,
    rexmtPkts: d.rexmtPkts, rexmtBytes: d.rexmtBytes, zwndProbePkts: d.zwndProbePkts, zwndProbeBytes: d.zwndProbeBytes,
    outOfOrderPkts: d.outOfOrderPkts, pushedPkts: d.pushedPkts, syns: d.syns, fins: d.fins,
    wsRequested: d.wsRequested, tsRequested: d.tsRequested, wsShift: d.wsShift, sackRequested: d.sackRequested, sacksSent: d.sacksSent,
    urgentPkts: d.urgentPkts, urgentBytes: d.urgentBytes, mss: d.mss < 0 ? null : d.mss,
    maxSegment: d.maxSegment, minSegment: d.minSegment, avgSegment: d.dataPkts === 0 ? 0 : Math.floor(d.dataBytes / d.dataPkts),
    maxWin: d.maxWin, minWin: d.minWin, zeroWins: d.zeroWins, avgWin: c.avgWin(d),
    maxOwin: d.maxOwin, minOwin: d.minOwin, avgOwin: d.owinCount === 0 ? 0 : Math.floor(d.owinTotal / d.owinCount),
    initialWinBytes: d.initialWinBytes, initialWinPkts: d.initialWinPkts,
    streamLength: d.streamLength < 0 ? null : d.streamLength, missedData: d.streamLength < 0 ? null : d.missedData,
    truncatedBytes: d.truncatedBytes, truncatedPkts: d.truncatedPkts, dataXmitNs: d.dataXmitNs, idleMaxNs: d.idleMaxNs,
    hardwareDups: d.hardwareDups, throughputBps: t === undefined ? null : Math.round(t),
    ...prefixed("rtt", samples(d.rtt)), rttFrom3whsNs: d.rttFrom3whsNs,
    ...prefixed("rttFull", samples(d.rttFull)), rttFullSize: d.rttFullSize,
    postLossAcks: d.postLossAcks, ...prefixed("rttAmbiguous", samples(d.rttAmbiguous)),
    segsCumAcked: d.segsCumAcked, dupAcks: d.dupAcks, tripleDupAcks: d.tripleDupAcks, maxRetrans: d.maxRetrans,
    ...prefixed("retrTime", samples(d.retrTime)), rangesForgotten: d.rangesForgotten,
  };
}

function prefixed(p: string, o: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) out[p + k[0]!.toUpperCase() + k.slice(1)] = v;
  return out;
}
