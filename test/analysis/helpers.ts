/** Synthetic segments for unit tests: templates spread into variants, e.g.
 *  `{ ...SYN_SEG, dir: "s2c", flags: SYN | ACK }`, fed through one TcpAnalyzer. */
import {
  ACK, type AnalysisOptions, type AnalysisResult, newSegment, SYN, TcpAnalyzer, type TcpSegment, whyToObject,
} from "../../src/analysis/index.js";

/** A segment description: direction, raw numbers, time in ms (ns exact: ms × 1e6). */
export interface Seg {
  dir: "c2s" | "s2c";
  seq: number;
  ack: number;
  flags: number;
  win?: number;
  len?: number;
  /** Absolute time in ms since 1000 s (defaults to previous + 1 ms). */
  ms?: number;
  ws?: number;
  sack?: Array<[number, number]>;
  bogus?: boolean;
  truncated?: boolean;
  quoted?: boolean;
  /** Other client port (a second conversation). */
  cport?: number;
}

/** Client 10.0.0.1:33310, server 10.0.0.2:20000; client ISN 1000, server ISN 5000. */
export const C_ISN = 1000;
export const S_ISN = 5000;
export const SYN_SEG: Seg = { dir: "c2s", seq: C_ISN, ack: 0, flags: SYN, win: 65535, len: 0 };
export const SYNACK_SEG: Seg = { dir: "s2c", seq: S_ISN, ack: C_ISN + 1, flags: SYN | ACK, win: 65535, len: 0 };
export const ACK_SEG: Seg = { dir: "c2s", seq: C_ISN + 1, ack: S_ISN + 1, flags: ACK, win: 65535, len: 0 };
/** The three-way handshake without window scaling. */
export const HANDSHAKE: Seg[] = [SYN_SEG, SYNACK_SEG, ACK_SEG];

/** The fields tests look at, copied out of the reusable result. */
export interface Row {
  frame: number; stream: number; completeness: number; seglen: number; seq: number; ack: number;
  nxtseq: number | undefined; win: number | undefined; scale: number | undefined;
  analysis: boolean; flags: number; acksFrame: number; ackRttNs: number; irttNs: number;
  bif: number; push: number; dupNum: number; dupFrame: number; rtoNs: number; rtoFrame: number;
  phase: string;
  relNs: number; deltaNs: number;
  why: Array<Record<string, string | number>>;
  client: string; server: string; clientBefore: string; serverBefore: string;
  clientEvent: string; serverEvent: string;
}

function snapshot(r: AnalysisResult): Row {
  const why: Array<Record<string, string | number>> = [];
  for (let i = 0; i < r.why.count; i++) why.push(whyToObject(r.why.slots[i]!));
  return {
    frame: r.frame, stream: r.stream, completeness: r.completeness, seglen: r.seglen, seq: r.seq, ack: r.ack,
    nxtseq: r.nxtseqPresent ? r.nxtseq : undefined, win: r.windowPresent ? r.windowSize : undefined,
    scale: r.scaleFactorPresent ? r.scaleFactor : undefined, analysis: r.analysisPresent, flags: r.flags,
    acksFrame: r.acksFrame, ackRttNs: r.ackRttNs, irttNs: r.initialRttNs, bif: r.bytesInFlight, push: r.pushBytesSent,
    dupNum: r.dupAckNum, dupFrame: r.dupAckFrame, rtoNs: r.rtoNs, rtoFrame: r.rtoFrame,
    relNs: r.timeRelativeNs, deltaNs: r.timeDeltaNs, why, phase: r.phase,
    client: r.client, server: r.server, clientBefore: r.clientBefore, serverBefore: r.serverBefore,
    clientEvent: r.clientEvent, serverEvent: r.serverEvent,
  };
}

/** Fill a TcpSegment from a description. */
export function fill(seg: TcpSegment, d: Seg, frame: number, ms: number): void {
  const cport = d.cport ?? 33310;
  const c = 0x0a000001, s = 0x0a000002;
  const c2s = d.dir === "c2s";
  seg.frame = frame;
  seg.tsSec = 1000 + Math.floor(ms / 1000);
  seg.tsNsec = Math.round((ms % 1000) * 1e6);
  seg.family = 4;
  seg.srcAddr.fill(0); seg.dstAddr.fill(0);
  seg.srcAddr[0] = c2s ? c : s; seg.dstAddr[0] = c2s ? s : c;
  seg.srcPort = c2s ? cport : 20000; seg.dstPort = c2s ? 20000 : cport;
  seg.seqRaw = d.seq >>> 0; seg.ackRaw = d.ack >>> 0; seg.flags = d.flags; seg.windowRaw = d.win ?? 65535;
  seg.seglen = d.quoted ? -1 : d.len ?? 0;
  seg.headerBogus = d.bogus ?? false; seg.optionsTruncated = d.truncated ?? false; seg.icmpQuoted = d.quoted ?? false;
  seg.mss = -1; seg.wsShift = d.ws ?? -1; seg.sackPerm = false; seg.hasTimestamps = false;
  seg.sackCount = 0;
  for (const [l, r] of d.sack ?? []) {
    if (seg.sackCount >= seg.sackLeft.length) break;
    seg.sackLeft[seg.sackCount] = l >>> 0; seg.sackRight[seg.sackCount] = r >>> 0; seg.sackCount++;
  }
}

/** Run segments (frames 1…n, 1 ms apart unless `ms` is given) and return one Row per segment. */
export function run(segs: Seg[], opts: Partial<AnalysisOptions> = {}): Row[] {
  const a = new TcpAnalyzer(opts);
  const seg = newSegment();
  const rows: Row[] = [];
  let ms = 0;
  segs.forEach((d, i) => {
    ms = d.ms ?? (i === 0 ? 0 : ms + 1);
    fill(seg, d, i + 1, ms);
    rows.push(snapshot(a.observe(seg)));
  });
  return rows;
}

/** The ids of the rules that fired on a row. */
export const ids = (r: Row): unknown[] => r.why.map((w) => w.id);
