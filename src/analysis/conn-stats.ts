/** Per-connection, per-direction statistics in the manner of tcptrace's long report (`tcptrace -l -r`):
 *  packet and byte counts, retransmitted and out-of-order data, zero-window probes, window
 *  advertisements, outstanding data, initial window, RTT samples (Karn's rule: only segments sent
 *  once), duplicate ACKs and retransmission times. A streaming collector fed after each
 *  `TcpAnalyzer.observe` with the segment and its result; connections are `tcp.stream`s, and
 *  direction "a" is the sender of a stream's first packet (tcptrace's host a).
 *
 *  State per direction only (STYLE §6): the sent ranges not yet acknowledged, merged once
 *  acknowledged, at most MAX_RANGES of them. Sequence numbers are unwrapped into exact doubles
 *  from the direction's first one, so no sequence-space quadrants are needed. Times are integer ns. */
import type { DecodedFrame } from "../decode/index.js";
import type { AnalysisResult } from "./result.js";
import { ACK, FIN, PSH, RST, SYN, URG, type TcpSegment } from "./segment.js";
import { DirectionFreezer } from "./conn-freeze.js";
import { ipv4IdOf } from "./from-decoded.js";
import { DOUBLE_FIELD } from "./result.js";

/** Ranges of sent sequence space kept per direction; beyond it the oldest is forgotten (counted). */
export const MAX_RANGES = 4096;
/** Recent (IPv4 ID, seq) pairs remembered per direction to spot a packet captured twice (tcptrace keeps 8). */
export const HW_DUP_MEMORY = 8;
/** Duplicate ACKs of one segment that make a triple duplicate ACK (the 4th ACK of it, RFC 5681 §3.2). */
export const TRIPLE_DUPACK = 4;

/** What the statistics need beyond the `TcpSegment`: read from the decoded frame. */
export interface ConnPacketInfo {
  /** IPv4 identification, −1 for IPv6. */
  ipId: number;
  /** TCP urgent pointer. */
  urgent: number;
  /** Payload bytes present in the capture (≤ seglen when the snaplen cut the frame). */
  payloadCaptured: number;
}

/** Fills `info` from `frame.tcp[index]` and its IP header. */
export function connInfoFromDecoded(frame: DecodedFrame, index: number, info: ConnPacketInfo): ConnPacketInfo {
  const t = frame.tcp[index]!;
  info.ipId = ipv4IdOf(frame, index);
  info.urgent = t.urgent;
  info.payloadCaptured = t.payloadLength;
  return info;
}

/** One range of sent sequence space [first, last] (unwrapped, inclusive), as tcptrace keeps them. */
export class SentRange {
  first = DOUBLE_FIELD; last = DOUBLE_FIELD; timeNs = DOUBLE_FIELD;
  constructor(first: number, last: number, timeNs: number) { this.first = first; this.last = last; this.timeNs = timeNs; }
  /** Times it was sent again (in part or whole). */
  retrans = 0;
  /** 0: not acknowledged; 1: acknowledged; n > 1: acknowledged and then n − 1 duplicate ACKs. */
  acked = 0;
}

/** Running sum, sum of squares, count, min and max of samples in ns (tcptrace's conventions:
 *  a min of 0 means "none yet", so a 0 sample resets it). */
export class Samples {
  count = 0;
  minNs = DOUBLE_FIELD;
  maxNs = DOUBLE_FIELD;
  sumNs = DOUBLE_FIELD;
  /** Sum of squares in µs² (keeps the doubles exact enough for the standard deviation). */
  sum2Us = DOUBLE_FIELD;
  add(ns: number): void {
    if (this.minNs === 0 || this.minNs > ns) this.minNs = ns;
    if (this.maxNs < ns) this.maxNs = ns;
    this.sumNs += ns; this.sum2Us += (ns / 1000) * (ns / 1000); this.count++;
  }
  reset(ns: number): void { this.count = 0; this.minNs = 0; this.maxNs = 0; this.sumNs = 0; this.sum2Us = 0; this.add(ns); }
  /** Mean in ns (0 without samples). */
  get avgNs(): number { return this.count === 0 ? 0 : this.sumNs / this.count; }
  /** Mean in µs as tcptrace prints it: sum in µs / (count + 0.0001), so 0 without samples. */
  get avgUs(): number { return (this.sumNs / 1000) / (this.count + 0.0001); }
  /** Standard deviation in µs (see stdevNs). */
  get stdevUs(): number {
    if (this.count <= 2) return 0;
    const s = this.sumNs / 1000, v = (this.sum2Us - (s * s) / this.count) / (this.count - 1);
    return v > 0 ? Math.sqrt(v) : 0;
  }
  /** Sample standard deviation in ns; 0 with fewer than 3 samples, as tcptrace prints it. */
  get stdevNs(): number {
    if (this.count <= 2) return 0;
    const s = this.sumNs / 1000, v = (this.sum2Us - (s * s) / this.count) / (this.count - 1);
    return v > 0 ? Math.sqrt(v) * 1000 : 0;
  }
}

/** The statistics of one direction of a connection (this side's packets; RTT and retransmission
 *  times describe this side's data and the other side's ACKs of it). */
export class DirectionStats {
  packets = 0; resets = 0; ackPkts = 0; pureAcks = 0;
  sackPkts = 0; dsackPkts = 0; maxSackBlocks = 0; sacksSent = 0;
  uniqueBytes = DOUBLE_FIELD; dataPkts = 0; dataBytes = DOUBLE_FIELD; rexmtPkts = 0; rexmtBytes = DOUBLE_FIELD;
  zwndProbePkts = 0; zwndProbeBytes = DOUBLE_FIELD; outOfOrderPkts = 0; pushedPkts = 0;
  syns = 0; fins = 0;
  /** Options seen from this side: window scale (and its shift), timestamps, SACK permitted, MSS (−1 none). */
  wsRequested = false; wsShift = 0; tsRequested = false; sackRequested = false; mss = -1;
  urgentPkts = 0; urgentBytes = DOUBLE_FIELD;
  maxSegment = 0; minSegment = 0;
  /** Scaled window advertisements (SYNs unscaled; zero when both sides did not ask for scaling). */
  maxWin = DOUBLE_FIELD; minWin = DOUBLE_FIELD; zeroWins = 0; winTotal = DOUBLE_FIELD; winScaledPkts = 0; winScaledStats = false;
  /** Outstanding data estimate: highest byte sent − the peer's last ACK + 1, per in-order new segment. */
  maxOwin = DOUBLE_FIELD; minOwin = DOUBLE_FIELD; owinTotal = DOUBLE_FIELD; owinCount = 0;
  initialWinBytes = DOUBLE_FIELD; initialWinPkts = 0;
  truncatedBytes = DOUBLE_FIELD; truncatedPkts = 0;
  /** First and last data packet, ns since the connection's first packet (−1: none). */
  firstDataNs = DOUBLE_FIELD; lastDataNs = DOUBLE_FIELD;
  idleMaxNs = DOUBLE_FIELD;
  hardwareDups = 0;
  readonly rtt = new Samples();
  /** RTT of the segments of the largest size acknowledged ("full size"). */
  readonly rttFull = new Samples();
  rttFullSize = DOUBLE_FIELD;
  /** ACKs of segments sent more than once (Karn: no sample) and their times from the last copy. */
  readonly rttAmbiguous = new Samples();
  rttFrom3whsNs = DOUBLE_FIELD;
  postLossAcks = 0; segsCumAcked = 0; dupAcks = 0; tripleDupAcks = 0;
  maxRetrans = 0;
  /** Time from a segment's previous copy to its retransmission. */
  readonly retrTime = new Samples();
  /** Ranges forgotten because of MAX_RANGES. */
  rangesForgotten = 0;

  // Sequence state, unwrapped: `abs(seqRaw)` from the highest raw number seen so far.
  /** @internal */ seqSet = false; hiRaw = DOUBLE_FIELD; hiAbs = DOUBLE_FIELD;
  /** @internal SYN / FIN sequence numbers (raw and unwrapped) and the last segment end. */ synRaw = DOUBLE_FIELD; synAbs = DOUBLE_FIELD; finAbs = DOUBLE_FIELD; latestAbs = DOUBLE_FIELD;
  /** @internal the last ACK this side sent (in the peer's space, unwrapped) and its window. */ ackSet = false; lastAck = DOUBLE_FIELD; winLast = 0;
  /** @internal this side's data was acknowledged by the peer (ends the initial window). */ dataAcked = false;
  /** @internal */ lastNs = DOUBLE_FIELD; rttLastNs = DOUBLE_FIELD;
  /** @internal */ readonly ranges: SentRange[] = [];
  /** @internal the last HW_DUP_MEMORY (seq, IPv4 ID) pairs, interleaved, filled as packets come. */ readonly hw: number[] = []; hwAt = 0;

  constructor() {
    // Double fields from the start (DOUBLE_FIELD, result.ts), then their "none" value.
    this.firstDataNs = -1; this.lastDataNs = -1; this.lastNs = -1;
  }

  /** The unwrapped number of raw sequence number `raw` of this direction. */
  abs(raw: number): number {
    if (!this.seqSet) { this.seqSet = true; this.hiRaw = raw; this.hiAbs = 2 ** 32 + raw; return this.hiAbs; }
    const v = this.hiAbs + ((raw - this.hiRaw) | 0);
    if (v > this.hiAbs) { this.hiAbs = v; this.hiRaw = raw; }
    return v;
  }
  /** Bytes from SYN to FIN (or to the last segment after a RST), −1 without a SYN and a FIN. */
  get streamLength(): number {
    if (this.syns === 0 || this.fins === 0) return -1;
    return (this.resets > 0 ? this.latestAbs : this.finAbs) - this.synAbs - 1;
  }
  /** Stream length − unique bytes (−1: no stream length). */
  get missedData(): number { const l = this.streamLength; return l < 0 ? -1 : l - this.uniqueBytes; }
  /** Data transmit time: first to last data packet, ns. */
  get dataXmitNs(): number { return this.firstDataNs < 0 ? 0 : this.lastDataNs - this.firstDataNs; }
}

/** One connection (tcp.stream): endpoints, times and both directions. */
export class ConnStats {
  family: 4 | 6 = 4;
  /** Host a (sender of the first packet) and host b: address words (IPv4 in word 0) and port. */
  readonly aAddr: number[] = [0, 0, 0, 0];
  readonly bAddr: number[] = [0, 0, 0, 0];
  aPort = 0; bPort = 0;
  /** Capture time of the first and last packet (seconds, ns). */
  firstSec = 0; firstNsec = 0; lastSec = 0; lastNsec = 0;
  /** Last packet − first packet, ns. */
  elapsedNs = DOUBLE_FIELD;
  packets = 0;
  firstFrame = 0; lastFrame = 0;
  /** The two directions (a → b, b → a). Read them through `ConnStatsCollector.get`/`all`/
   *  `connections`: inside the collector a closed connection keeps them as `frozen` bytes. */
  a2b: DirectionStats;
  b2a: DirectionStats;
  /** @internal while the connection is closed: its directions compacted (conn-freeze.ts) at
   *  this offset of the collector's arena (−1: not frozen), and their length. */
  frozenAt = -1;
  frozenLen = 0;
  /** @internal in the collector's queue of recently closed connections. */
  closedQueued = false;
  constructor(readonly stream: number, a2b = new DirectionStats(), b2a = new DirectionStats()) { this.a2b = a2b; this.b2a = b2a; }
  /** The same connection with its own copies of the directions (for a frozen one). */
  copyWith(a2b: DirectionStats, b2a: DirectionStats): ConnStats {
    const c = new ConnStats(this.stream);
    c.family = this.family; copy4(c.aAddr, this.aAddr); copy4(c.bAddr, this.bAddr); c.aPort = this.aPort; c.bPort = this.bPort;
    c.firstSec = this.firstSec; c.firstNsec = this.firstNsec; c.lastSec = this.lastSec; c.lastNsec = this.lastNsec;
    c.elapsedNs = this.elapsedNs; c.packets = this.packets; c.firstFrame = this.firstFrame; c.lastFrame = this.lastFrame;
    c.a2b = a2b; c.b2a = b2a;
    return c;
  }
  /** Bytes per second of unique data in direction `d` over the connection's elapsed time (undefined: 0 s). */
  throughput(d: DirectionStats): number | undefined {
    return this.elapsedNs === 0 ? undefined : d.uniqueBytes / (this.elapsedNs / 1000 / 1e6);
  }
  /** SYN and FIN seen both ways. */
  get complete(): boolean { return this.a2b.syns > 0 && this.b2a.syns > 0 && this.a2b.fins > 0 && this.b2a.fins > 0; }
  /** Closed as tcptrace counts it: a FIN from each side, or a RST. */
  get closed(): boolean { return (this.a2b.fins > 0 && this.b2a.fins > 0) || this.reset; }
  /** A RST was seen. */
  get reset(): boolean { return this.a2b.resets > 0 || this.b2a.resets > 0; }
  /** The average window advertisement of `d` (over scaled packets when both sides scale). */
  avgWin(d: DirectionStats): number {
    if (this.a2b.winScaledStats && this.b2a.winScaledStats) return d.winScaledPkts === 0 ? 0 : Math.floor(d.winTotal / d.winScaledPkts);
    return d.packets === 0 ? 0 : Math.floor(d.winTotal / d.packets);
  }
}

/** Closed connections kept as objects before they are compacted (the most recent ones). */
export const CLOSED_LIVE = 512;

/** Stands in for the directions of a frozen connection (never written). */
const FROZEN = new DirectionStats();

/** Streaming collector: `observe(segment, result, info)` after each `TcpAnalyzer.observe`. */
export class ConnStatsCollector {
  readonly #byStream: Array<ConnStats | undefined> = [];
  #count = 0;
  #outOfOrder = false;
  /** Keep only this stream (undefined: all). */
  constructor(readonly only?: number) {}

  /** Connections kept, in stream order. */
  all(): ConnStats[] { return [...this.connections()]; }
  /** Connections in stream order, one at a time (a closed one as a fresh copy: no memory kept). */
  *connections(): Generator<ConnStats> { for (const c of this.#byStream) if (c !== undefined) yield this.#view(c); }
  /** The statistics of one stream, if seen. */
  get(stream: number): ConnStats | undefined { const c = this.#byStream[stream]; return c === undefined ? undefined : this.#view(c); }
  /** Closed connections kept compact (conn-freeze.ts). */
  get frozenCount(): number { return this.#frozen; }

  readonly #freezer = new DirectionFreezer();
  #frozen = 0;
  #view(c: ConnStats): ConnStats {
    if (c.frozenAt < 0) return c;
    const [a, b] = this.#freezer.thaw(this.#arena.subarray(c.frozenAt, c.frozenAt + c.frozenLen));
    return c.copyWith(a, b);
  }
  /** Connections seen. */
  get size(): number { return this.#count; }

  /** The capture ended at (sec, nsec), the time of its last record: a direction of a connection
   *  still open (not a FIN from each side, no RST) was idle from its last packet until then. */
  finish(endSec: number, endNsec: number): void {
    for (const c of this.#byStream) {
      if (c === undefined || c.frozenAt >= 0 || c.closed) continue;
      const endNs = (endSec - c.firstSec) * 1e9 + (endNsec - c.firstNsec);
      for (const d of [c.a2b, c.b2a]) if (d.lastNs >= 0 && endNs - d.lastNs > d.idleMaxNs) d.idleMaxNs = endNs - d.lastNs;
    }
  }

  /** Adds one TCP header (ICMP-quoted copies and headers without a known length are skipped). */
  observe(s: TcpSegment, r: AnalysisResult, info: ConnPacketInfo): void {
    if (s.icmpQuoted || s.seglen < 0) return;
    if (this.only !== undefined && r.stream !== this.only) return;
    let c = this.#byStream[r.stream];
    if (c === undefined) {
      c = this.#pool.length >= 2 ? new ConnStats(r.stream, this.#pool.pop()!, this.#pool.pop()!) : new ConnStats(r.stream);
      c.family = s.family; copy4(c.aAddr, s.srcAddr); copy4(c.bAddr, s.dstAddr); c.aPort = s.srcPort; c.bPort = s.dstPort;
      c.firstSec = s.tsSec; c.firstNsec = s.tsNsec; c.firstFrame = s.frame;
      this.#byStream[r.stream] = c; this.#count++;
    }
    const fromA = s.srcPort === c.aPort && s.dstPort === c.bPort && sameAddr(s.srcAddr, c.aAddr);
    const nowNs = (s.tsSec - c.firstSec) * 1e9 + (s.tsNsec - c.firstNsec);
    c.packets++; c.lastSec = s.tsSec; c.lastNsec = s.tsNsec; c.lastFrame = s.frame;
    if (nowNs > c.elapsedNs) c.elapsedNs = nowNs;
    if (c.frozenAt >= 0) {
      const a = this.#pool.pop() ?? new DirectionStats(), b = this.#pool.pop() ?? new DirectionStats();
      [c.a2b, c.b2a] = this.#freezer.thaw(this.#arena.subarray(c.frozenAt, c.frozenAt + c.frozenLen), a, b);
      c.frozenAt = -1; c.frozenLen = 0; this.#frozen--;
    }
    const th = fromA ? c.a2b : c.b2a, ot = fromA ? c.b2a : c.a2b;
    this.#packet(th, ot, s, info, nowNs);
    // Closed (a FIN each way or a RST): what follows is at most an ACK or a retransmission. The last
    // CLOSED_LIVE closed connections stay objects (their last ACKs come soon); older ones are
    // kept compact.
    if (!c.closedQueued && c.closed) {
      c.closedQueued = true;
      const q = this.#closed;
      if (q.length < CLOSED_LIVE) q.push(c);
      else {
        const old = q[this.#closedAt]!;
        q[this.#closedAt] = c; this.#closedAt = (this.#closedAt + 1) % CLOSED_LIVE;
        old.closedQueued = false;
        if (old.frozenAt < 0) this.#freeze(old);
      }
    }
  }
  /** Compacts `c` into the arena (a connection frozen again after a thaw takes new room: rare). */
  #freeze(c: ConnStats): void {
    const bytes = this.#freezer.freeze(c.a2b, c.b2a);
    if (this.#arenaUsed + bytes.length > this.#arena.length) {
      const grown = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + bytes.length));
      grown.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = grown;
    }
    this.#arena.set(bytes, this.#arenaUsed);
    c.frozenAt = this.#arenaUsed; c.frozenLen = bytes.length; this.#arenaUsed += bytes.length;
    // The objects serve the next connections (no garbage per connection).
    this.#freezer.reset(c.a2b); this.#freezer.reset(c.b2a);
    if (this.#pool.length < 2 * CLOSED_LIVE) this.#pool.push(c.a2b, c.b2a);
    c.a2b = FROZEN; c.b2a = FROZEN; this.#frozen++;
  }
  readonly #pool: DirectionStats[] = [];
  #arena = new Uint8Array(1 << 16);
  #arenaUsed = 0;
  readonly #closed: ConnStats[] = [];
  #closedAt = 0;

  #packet(th: DirectionStats, ot: DirectionStats, s: TcpSegment, info: ConnPacketInfo, nowNs: number): void {
    const f = s.flags, syn = (f & SYN) !== 0, fin = (f & FIN) !== 0, rst = (f & RST) !== 0, ack = (f & ACK) !== 0;
    if (syn) th.syns++;
    if (rst) th.resets++;
    if (fin) th.fins++;
    // The window this packet advertises: scaled only once both SYNs asked for it (RFC 7323 §2.2).
    let win = 0;
    if (ack || syn) {
      win = s.windowRaw;
      if (th.wsRequested && ot.wsRequested && !syn) win *= 2 ** th.wsShift;
    }
    if (th.lastNs >= 0 && nowNs - th.lastNs > th.idleMaxNs) th.idleMaxNs = nowNs - th.lastNs;
    th.lastNs = nowNs;
    const len = s.seglen;
    const start = th.abs(s.seqRaw), end = start + len;
    if (syn) { th.synRaw = s.seqRaw; th.synAbs = start; ot.lastAck = start; ot.ackSet = true; }
    if (fin) th.finAbs = end;
    if (s.mss >= 0) th.mss = s.mss;
    if (s.wsShift >= 0) { th.wsShift = s.wsShift; th.wsRequested = true; }
    if (s.hasTimestamps) th.tsRequested = true;
    if (!syn && (!th.wsRequested || !ot.wsRequested)) { th.wsShift = 0; ot.wsShift = 0; }
    if (s.sackPerm) th.sackRequested = true;
    if (s.sackCount > 0) th.sacksSent++;
    if (len > 0) {
      th.dataPkts++; th.dataBytes += len;
      if ((f & PSH) !== 0) th.pushedPkts++;
      if ((f & URG) !== 0) { th.urgentPkts++; th.urgentBytes += info.urgent; }
      if (len > th.maxSegment) th.maxSegment = len;
      if (th.minSegment === 0 || len < th.minSegment) th.minSegment = len;
      if (th.firstDataNs < 0) th.firstDataNs = nowNs;
      th.lastDataNs = nowNs;
      const missing = len - Math.min(len, info.payloadCaptured);
      if (missing > 0) { th.truncatedBytes += missing; th.truncatedPkts++; }
    }
    th.packets++;
    if (th.winScaledStats) th.winScaledPkts++;
    th.latestAbs = end;
    if (info.ipId >= 0) hardwareDup(th, s.seqRaw, info.ipId);

    // Retransmitted, out-of-order and unique data; a segment into a zero window is a probe.
    let retransBytes = 0, probe = false;
    this.#outOfOrder = false;
    if (syn || fin || len > 0) {
      let n = len + (syn ? 1 : 0) + (fin ? 1 : 0);
      let counted = 0;
      if (ot.winLast === 0 && ot.packets > 0 && !syn) {
        probe = true; th.zwndProbePkts++; th.zwndProbeBytes += len;
      } else {
        counted = retransBytes = this.#addRange(th, start, n, nowNs);
      }
      if (this.#outOfOrder) th.outOfOrderPkts++;
      if (syn) { n--; if (th.syns > 1) counted--; }
      if (fin) { n--; if (th.fins > 1) counted--; }
      if (!probe && counted < n) th.uniqueBytes += n - counted;
    }
    // This packet's ACK, for the other side's data.
    if (ack) {
      ackIn(ot, th, ot.abs(s.ackRaw), len, win, nowNs);
      if (s.ackRaw === ((ot.synRaw + 1) >>> 0) && ot.syns === 1) ot.rttFrom3whsNs = ot.rttLastNs;
    }
    if (retransBytes > 0) { th.rexmtPkts++; th.rexmtBytes += retransBytes; }
    // tcptrace: a RST counts as an ACK packet and stops here (no window, ACK or owin figures).
    if (rst) { if (ack) th.ackPkts++; return; }
    th.winLast = win;
    if (ack || syn) {
      if (win > th.maxWin) th.maxWin = win;
      if (win > 0 && th.wsRequested && ot.wsRequested && !syn && !th.winScaledStats) {
        // Scaling is in use: the figures start again from the first scaled window.
        th.winScaledStats = true; th.minWin = th.maxWin = win; th.winTotal = 0; th.winScaledPkts = 1;
      } else if (win > 0 && (th.minWin === 0 || win < th.minWin)) th.minWin = win;
      th.winTotal += win;
    }
    if (ack) {
      if (win === 0) th.zeroWins++;
      th.ackPkts++;
      if (len === 0 && !syn && !fin) th.pureAcks++;
      if (s.sackCount > 0) sackFigures(th, s);
      th.lastAck = ot.abs(s.ackRaw); th.ackSet = true;
      if (!ot.dataAcked && s.ackRaw !== ((ot.synRaw + 1) >>> 0)) ot.dataAcked = true;
    }
    if (len > 0 && !th.dataAcked && retransBytes === 0) { th.initialWinBytes += len; th.initialWinPkts++; }
    if (!syn && !this.#outOfOrder && retransBytes === 0) {
      // No ACK from the peer yet: just this segment's bytes.
      const o = ot.ackSet ? end - (ot.lastAck - 1) : len;
      if (o > th.maxOwin) th.maxOwin = o;
      if (o > 0 && (th.minOwin === 0 || o < th.minOwin)) th.minOwin = o;
      th.owinTotal += o; th.owinCount++;
    }
  }

  /** Records sent range [start, start + n) of `d`; returns the bytes already sent before. */
  #addRange(d: DirectionStats, start: number, n: number, nowNs: number): number {
    const list = d.ranges;
    let first = start;
    const last = start + n - 1;
    let i = 0, rex = 0, split = false;
    const tail = list.length === 0 ? undefined : list[list.length - 1]!;
    if (tail !== undefined && first > tail.last) i = list.length;
    for (; i < list.length; i++) {
      const r = list[i]!;
      if (first > r.last) continue;
      if (first < r.first) {
        // Starts before a recorded range: new in front of it; ending inside it means out of order.
        if (last < r.last) this.#outOfOrder = true;
        const nr = new SentRange(first, last < r.first ? last : r.first - 1, nowNs);
        list.splice(i, 0, nr); i++;
        if (last < r.first) { capRanges(d); return rex; }
        first = r.first;
      }
      r.retrans++;
      if (!split) retransTime(d, r, nowNs);
      if (last <= r.last) { rex += last - first + 1; return rex; }
      split = true;
      rex += r.last - first + 1;
      first = r.last + 1;
    }
    list.push(new SentRange(first, last, nowNs));
    capRanges(d);
    return rex;
  }
}

function copy4(to: number[], from: ArrayLike<number>): void { to[0] = from[0]!; to[1] = from[1]!; to[2] = from[2]!; to[3] = from[3]!; }

function sameAddr(x: Uint32Array, y: number[]): boolean {
  return x[0] === y[0] && x[1] === y[1] && x[2] === y[2] && x[3] === y[3];
}

function capRanges(d: DirectionStats): void {
  if (d.ranges.length > MAX_RANGES) { d.ranges.shift(); d.rangesForgotten++; }
}

/** A copy of a packet already seen: same IPv4 ID and sequence number among the last few. */
function hardwareDup(d: DirectionStats, seq: number, id: number): void {
  const hw = d.hw;
  if (seq !== 0 && id !== 0) {
    for (let i = 0; i < hw.length; i += 2) if (hw[i] === seq && hw[i + 1] === id) { d.hardwareDups++; return; }
  }
  if (hw.length < 2 * HW_DUP_MEMORY) { hw.push(seq, id); return; }
  hw[2 * d.hwAt] = seq; hw[2 * d.hwAt + 1] = id; d.hwAt = (d.hwAt + 1) % HW_DUP_MEMORY;
}

/** A range is sent again: the time since its previous copy, if not yet acknowledged. */
function retransTime(d: DirectionStats, r: SentRange, nowNs: number): void {
  if (r.acked === 0) {
    if (r.retrans > d.maxRetrans) d.maxRetrans = r.retrans;
    const t = nowNs - r.timeNs;
    // tcptrace keeps max, min (0 = none), sum and count separately: Samples does the same.
    d.retrTime.add(t);
  }
  r.timeNs = nowNs;
}

/** SACK blocks of this ACK: count, most blocks, and D-SACKs (RFC 2883 §4: the first block below
 *  the cumulative ACK, inside the second block, or overlapping it). */
function sackFigures(d: DirectionStats, s: TcpSegment): void {
  d.sackPkts++;
  if (s.sackCount > d.maxSackBlocks) d.maxSackBlocks = s.sackCount;
  const l0 = s.sackLeft[0]!, r0 = s.sackRight[0]!;
  let dsack = r0 <= s.ackRaw;
  if (!dsack && s.sackCount > 1) {
    const l1 = s.sackLeft[1]!, r1 = s.sackRight[1]!;
    dsack = (r0 <= r1 && l0 >= l1) || (l0 <= l1 && r0 > l1) || (r0 >= r1 && l0 < r1);
  }
  if (dsack) d.dsackPkts++;
}

/** The peer (`acker`) acknowledges `ackAbs` of `d`'s data: marks ranges, takes RTT samples
 *  (segments sent once, acknowledged exactly at their end, no later copy of an earlier range in
 *  between), counts cumulatively acked segments and duplicate ACKs (BSD rules: no data, same
 *  window, same ACK as before, data outstanding). */
function ackIn(d: DirectionStats, acker: DirectionStats, ackAbs: number, len: number, win: number, nowNs: number): void {
  const list = d.ranges;
  let lastXmit = -Infinity, changed = false;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    if (ackAbs <= r.first) break;
    if (r.timeNs > lastXmit) lastXmit = r.timeNs;
    if (r.acked > 0) {
      if (ackAbs === r.last + 1 && acker.ackSet && ackAbs === acker.lastAck && len === 0 && win === acker.winLast && d.owinTotal > 0) {
        d.dupAcks++;
        if (++r.acked === TRIPLE_DUPACK) d.tripleDupAcks++;
      } else r.acked = 1;
      continue;
    }
    r.acked = 1; changed = true;
    if (ackAbs === r.last + 1) rttSample(d, r, lastXmit > r.timeNs, nowNs);
    else d.segsCumAcked++;
  }
  if (changed) collapse(list);
}

function rttSample(d: DirectionStats, r: SentRange, interveningXmits: boolean, nowNs: number): void {
  const t = nowNs - r.timeNs;
  if (interveningXmits) { d.rttLastNs = 0; d.postLossAcks++; return; }
  if (r.retrans === 0) {
    d.rttLastNs = t;
    d.rtt.add(t);
    const size = r.last - r.first + 1;
    if (d.rttFullSize === 0 || d.rttFullSize < size) { d.rttFullSize = size; d.rttFull.reset(t); }
    else if (d.rttFullSize === size) d.rttFull.add(t);
    return;
  }
  d.rttAmbiguous.add(t);
  d.rttLastNs = 0;
}

/** Acknowledged ranges at the front that touch merge into one. */
function collapse(list: SentRange[]): void {
  let i = 0;
  while (i + 1 < list.length) {
    const r = list[i]!, n = list[i + 1]!;
    if (r.acked === 0) break;
    if (n.acked !== 0 && r.last + 1 === n.first) {
      r.last = n.last; r.acked = n.acked;
      if (n.timeNs > r.timeNs) r.timeNs = n.timeNs;
      list.splice(i + 1, 1);
    } else i++;
  }
}
