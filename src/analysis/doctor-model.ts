/** The diagnosis model of `synack doctor` (issue 17 item 6): a streaming collector fed after each
 *  `TcpAnalyzer.observe`, which splits every direction's time into stretches limited by the
 *  application, the receiver or the network, and notes where the time went (handshake, RTO waits,
 *  zero-window stalls, idle) and where the capture itself misleads (packets captured twice, TSO
 *  super-segments, data ACKed but never captured, snaplen-cut payloads). Definitions and
 *  thresholds are here and in docs/doctor.md; doctor-report.ts turns the state into claims.
 *
 *  Time model: the connection's time runs from packet to packet. The stretch between packet i and
 *  packet i+1 is charged, for each direction, to the class the direction was in after packet i:
 *  - application: nothing of its data in flight (its sender is idle or waiting on the peer), or
 *    data in flight, the window open, and its last segment shorter than the MSS (it sent all it had);
 *  - receiver: the peer's window is 0, or what is in flight leaves less than one MSS of the window;
 *  - network: data in flight, the window open, full-sized segments (the congestion window or the
 *    path sets the pace), and every wait that ends in a timeout retransmission (an RTO stall).
 *  Before the handshake completes the time is "handshake" for both directions.
 *  State per direction is bounded (STYLE §6): 8 recent packets, 64 holes, 1024 rate samples. */
import type { DecodedFrame } from "../decode/index.js";
import { A_ANY_RETRANSMISSION, A_FAST_RETRANSMISSION } from "./flags.js";
import { ipv4IdOf } from "./from-decoded.js";
import type { AnalysisResult } from "./result.js";
import { ACK, FIN, RST, SYN, type TcpSegment } from "./segment.js";

/** A wait of at least this long before a timeout (not fast) retransmission is an RTO stall: Linux's
 *  TCP_RTO_MIN is 200 ms (RFC 6298 §2.4 asks for 1 s; Linux goes lower). */
export const RTO_STALL_MIN_NS = 200_000_000;
/** Two packets of one direction with the same IPv4 ID, TCP header and checksum at most this far
 *  apart are one packet captured twice (seen: 1 µs apart on a host capturing on two interfaces). */
export const DUP_CAPTURE_NS = 1_000_000;
/** Recent packets kept per direction for the duplicate check. */
export const DUP_MEMORY = 8;
/** Holes in a direction's sequence space kept to spot data ACKed but never captured. */
export const MAX_HOLES = 64;
/** Points (time, bytes acknowledged) kept per direction for the rate over time; beyond it every
 *  other point is dropped and the spacing doubles. */
export const RATE_SAMPLES = 1024;
/** The MSS assumed when neither SYN carried one (RFC 9293 §3.7.1: 536 for IPv4). */
export const DEFAULT_MSS = 536;

/** The classes of a direction's time. */
export type LimitClass = "application" | "receiver" | "network";
/** Index of each class in the per-class arrays, and the handshake's. */
export const C_APP = 0, C_RECV = 1, C_NET = 2, C_HANDSHAKE = 3;
/** Class names by index. */
export const LIMIT_CLASSES: readonly LimitClass[] = ["application", "receiver", "network"];

/** What the model needs beyond the `TcpSegment`, read from the decoded frame. */
export interface DoctorPacketInfo {
  /** IPv4 identification, −1 for IPv6. */
  ipId: number;
  /** TCP checksum as found. */
  checksum: number;
  /** Payload bytes present in the capture (< seglen when the snaplen cut the frame). */
  payloadCaptured: number;
  /** frame.len: bytes on the wire. */
  frameLength: number;
  /** Address texts (tshark -n). */
  src: string;
  dst: string;
}

/** Fills `info` from `frame.tcp[index]`. */
export function doctorInfoFromDecoded(frame: DecodedFrame, index: number, info: DoctorPacketInfo): DoctorPacketInfo {
  const t = frame.tcp[index]!, ip = frame.ip[t.ipIndex]!;
  info.ipId = ipv4IdOf(frame, index);
  info.checksum = t.checksum;
  info.payloadCaptured = t.payloadLength;
  info.frameLength = frame.originalLength;
  info.src = ip.srcText; info.dst = ip.dstText;
  return info;
}

/** Frames listed per event kind and direction (beyond it only first, last and count are kept). */
export const MAX_LISTED_FRAMES = 1024;

/** A first and last frame of something that happened more than once (0: never); with `listed`
 *  also the frames themselves, up to MAX_LISTED_FRAMES. */
export class FrameSpan {
  first = 0; last = 0; count = 0;
  readonly frames: number[] | undefined;
  constructor(listed = false) { this.frames = listed ? [] : undefined; }
  /** Counts `frame` once (a frame added again right after itself is not counted twice). */
  add(frame: number): void {
    if (this.count > 0 && this.last === frame) return;
    if (this.count++ === 0) this.first = frame;
    if (this.frames !== undefined && this.frames.length < MAX_LISTED_FRAMES) this.frames.push(frame);
    this.last = frame;
  }
}

/** The model's state of one direction: its data, the peer's ACKs and windows of it. */
export class DoctorDirection {
  /** Endpoint texts of sender and receiver, and whether the sender is the connection's client. */
  from = ""; to = ""; fromClient = true;
  packets = 0; dataPkts = 0; dataBytes = 0; wireBytes = 0;
  /** Retransmitted data segments (tshark's flags, captured twice excluded), fast ones, bytes. */
  readonly rexmt = new FrameSpan(true); rexmtFast = 0; rexmtBytes = 0;
  /** Time charged to each class (C_APP, C_RECV, C_NET) in ns, and the frames that began it. */
  readonly classNs = [0, 0, 0];
  readonly classFrames = [new FrameSpan(), new FrameSpan(), new FrameSpan()];
  /** Receiver-limited: window-full moments, and the smallest and largest window then. */
  windowFullMoments = 0; recvWinMin = -1; recvWinMax = 0;
  /** RTO stalls: how many, their total wait, the retransmissions that ended them. */
  readonly rto = new FrameSpan(true); rtoNs = 0; rtoMaxNs = 0;
  /** Zero-window stalls: the peer's window at 0 (count, total ns, frames that closed it). */
  readonly zeroWin = new FrameSpan(true); zeroWinNs = 0; zeroWinMaxNs = 0; zeroSinceNs = -1;
  /** Largest in flight (own estimate) and the peer's largest window. */
  maxInFlight = 0; maxWindow = 0;
  /** Capture artefacts in this direction. */
  readonly dups = new FrameSpan(true); dupsFlaggedRexmt = 0;
  readonly tso = new FrameSpan(true); tsoMax = 0;
  readonly truncated = new FrameSpan(true); truncatedBytes = 0;
  readonly missed = new FrameSpan(true); missedBytes = 0;
  /** MSS the peer announced (−1: none), and the largest segment sent. */
  peerMss = -1; maxSeg = 0;
  /** First data sent and last new byte acknowledged, ns since the connection's first packet. */
  firstDataNs = -1; lastAckAdvanceNs = -1; ackedBytes = 0;
  /** Rate over time: (t, bytes acknowledged so far), decimated (RATE_SAMPLES). */
  readonly rateT: number[] = []; readonly rateB: number[] = []; rateStepNs = 1_000_000;

  // Sequence state, unwrapped from the direction's first number (as conn-stats does).
  /** @internal */ seqSet = false; hiRaw = 0; hiAbs = 0;
  /** @internal next sequence number to send (highest end seen) and highest acknowledged. */ nxt = 0; una = 0; unaSet = false;
  /** @internal the peer's last window (scaled), −1 unknown. */ win = -1;
  /** @internal the last data segment was shorter than the MSS. */ lastShort = false;
  /** @internal the sender sent a FIN / it is acknowledged. */ finSent = false; finAcked = false;
  /** @internal time charged per class since this direction last sent data (moved on an RTO). */ readonly pend = [0, 0, 0];
  /** @internal time of the last data sent. */ lastSendNs = -1;
  /** @internal class after the last packet, and the frame of that packet. */ cls = C_APP; clsFrame = 0;
  /** @internal recent packets for the duplicate check: t, ipId, seq, ack, len|flags<<20, window, checksum. */
  readonly recent = new Float64Array(DUP_MEMORY * 7); recentAt = 0; recentCount = 0;
  /** @internal holes [left, right) in unwrapped sequence space not (yet) captured. */
  readonly holeL: number[] = []; readonly holeR: number[] = [];

  /** The unwrapped number of raw sequence number `raw` (updates the highest with `grow`). */
  abs(raw: number, grow: boolean): number {
    if (!this.seqSet) { this.seqSet = true; this.hiRaw = raw; this.hiAbs = 2 ** 32 + raw; return this.hiAbs; }
    const v = this.hiAbs + ((raw - this.hiRaw) | 0);
    if (grow && v > this.hiAbs) { this.hiAbs = v; this.hiRaw = raw; }
    return v;
  }
  /** Bytes of this direction's data in flight (sent, not acknowledged), own estimate. */
  get inFlight(): number { return this.unaSet && this.nxt > this.una ? this.nxt - this.una : 0; }
  /** The segment size this sender may use: the peer's MSS, else the largest seen, else 536. */
  get smss(): number { return this.peerMss > 0 ? this.peerMss : this.maxSeg > 0 ? this.maxSeg : DEFAULT_MSS; }
  /** The ns of the last packet's whole time (for the shares: all three classes). */
  get activeNs(): number { return this.classNs[0]! + this.classNs[1]! + this.classNs[2]!; }
}

/** One connection (tcp.stream). */
export class DoctorConn {
  stream = 0; packets = 0; firstFrame = 0; lastFrame = 0;
  /** ns since the connection's first packet of the last packet. */
  lastNs = 0;
  /** Handshake: first SYN seen, SYN-ACK seen, done (the ACK of the SYN-ACK), its ns and SYN copies. */
  sawSyn = false; sawSynAck = false; handshakeDone = false; handshakeNs = 0; handshakeEndFrame = 0; synRexmt = 0;
  /** Both directions idle (nothing in flight either way, after the handshake). */
  idleNs = 0; idleMaxNs = 0; idleMaxFrom = 0; idleMaxTo = 0; resets = 0;
  /** Direction a: from the sender of the stream's first packet; b the other way. */
  readonly a = new DoctorDirection(); readonly b = new DoctorDirection();
  /** @internal endpoint a's address words and port. */ readonly aAddr = new Uint32Array(4); aPort = -1;
  /** @internal frame of the last packet. */ prevFrame = 0;
}

/** Collects the model for every connection of a capture (or one stream). */
export class DoctorCollector {
  readonly conns: DoctorConn[] = [];
  readonly #only: number | undefined;
  /** Streams seen (tcp.stream + 1 of the highest). */
  streams = 0;
  constructor(stream?: number) { this.#only = stream; }

  /** Feeds one analysed, non-quoted segment. */
  observe(seg: TcpSegment, r: AnalysisResult, info: DoctorPacketInfo): void {
    if (r.stream + 1 > this.streams) this.streams = r.stream + 1;
    if (this.#only !== undefined && r.stream !== this.#only) return;
    let c = this.conns[r.stream];
    if (c === undefined) { c = new DoctorConn(); c.stream = r.stream; c.firstFrame = seg.frame; this.conns[r.stream] = c; }
    const t = r.timeRelativeNs;
    if (c.aPort < 0) {
      c.aAddr.set(seg.srcAddr); c.aPort = seg.srcPort;
      c.a.from = c.b.to = endpoint(info.src, seg.srcPort); c.a.to = c.b.from = endpoint(info.dst, seg.dstPort);
    }
    const fromA = seg.srcPort === c.aPort && seg.srcAddr[0] === c.aAddr[0] && seg.srcAddr[1] === c.aAddr[1]
      && seg.srcAddr[2] === c.aAddr[2] && seg.srcAddr[3] === c.aAddr[3];
    const d = fromA ? c.a : c.b, p = fromA ? c.b : c.a;
    if (d.packets === 0) d.fromClient = r.fromClient;
    // Close the stretch since the previous packet with each direction's class then.
    if (c.packets > 0 && t > c.lastNs) closeStretch(c, t - c.lastNs, seg.frame);
    c.packets++; c.lastFrame = seg.frame; c.prevFrame = seg.frame;
    if (c.packets === 1) c.firstFrame = seg.frame;
    if (t > c.lastNs) c.lastNs = t;
    d.packets++;
    if (isCapturedTwice(d, seg, r, info, t)) {
      d.dups.add(seg.frame);
      if (r.analysisPresent && (r.flags & A_ANY_RETRANSMISSION) !== 0) d.dupsFlaggedRexmt++;
      return;
    }
    const flags = seg.flags, len = seg.seglen > 0 ? seg.seglen : 0;
    if ((flags & RST) !== 0) c.resets++;
    // Handshake (RFC 9293 §3.5): SYN, SYN-ACK, then the first ACK from the SYN's sender.
    if ((flags & SYN) !== 0) {
      if (seg.mss > 0) p.peerMss = seg.mss;
      if ((flags & ACK) === 0) { if (c.sawSyn) c.synRexmt++; c.sawSyn = true; } else c.sawSynAck = true;
    } else if (!c.handshakeDone && (c.sawSynAck || !c.sawSyn) && (flags & ACK) !== 0) {
      c.handshakeDone = true; c.handshakeNs = c.sawSyn ? t : 0; c.handshakeEndFrame = seg.frame;
    }
    // This direction's data.
    const start = d.abs(seg.seqRaw, true);
    const end = start + len + ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0);
    if ((flags & FIN) !== 0) d.finSent = true;
    if (len > 0) {
      d.dataPkts++; d.dataBytes += len; d.wireBytes += info.frameLength;
      if (len > d.maxSeg) d.maxSeg = len;
      if (d.firstDataNs < 0) d.firstDataNs = t;
      if (d.peerMss > 0 && len > d.peerMss) { d.tso.add(seg.frame); if (len > d.tsoMax) d.tsoMax = len; }
      if (info.payloadCaptured < len) { d.truncated.add(seg.frame); d.truncatedBytes += len - info.payloadCaptured; }
      const rex = r.analysisPresent && (r.flags & A_ANY_RETRANSMISSION) !== 0;
      if (rex) {
        d.rexmt.add(seg.frame); d.rexmtBytes += len;
        if ((r.flags & A_FAST_RETRANSMISSION) !== 0) d.rexmtFast++;
        else if (d.lastSendNs >= 0 && t - d.lastSendNs >= RTO_STALL_MIN_NS) rtoStall(d, seg.frame, t - d.lastSendNs);
      }
      // Shorter than the MSS less the room options may take (40 bytes, RFC 9293 §3.1): the sender
      // had no more data queued. (A retransmission says nothing about the queue.)
      if (!rex) d.lastShort = len < d.smss - 40 && (flags & FIN) === 0;
      d.lastSendNs = t; d.pend[0] = d.pend[1] = d.pend[2] = 0;
      fillHoles(d, start, end);
    }
    if (d.nxt === 0 || end > d.nxt) {
      if (d.nxt !== 0 && start > d.nxt) addHole(d, d.nxt, start);
      d.nxt = end;
    }
    if (!d.unaSet && d.seqSet) { d.una = start; d.unaSet = true; }
    // The peer's data acknowledged by this packet, and this side's window for it.
    if ((flags & ACK) !== 0 && p.seqSet) ackOf(p, p.abs(seg.ackRaw, false), t, seg.frame);
    if (r.windowPresent && (flags & (SYN | RST)) === 0) windowOf(p, r.windowSize, t, seg.frame);
    else if (r.windowPresent && (flags & SYN) !== 0 && p.win < 0) p.win = r.windowSize;
    c.a.cls = classify(c.a); c.a.clsFrame = seg.frame;
    c.b.cls = classify(c.b); c.b.clsFrame = seg.frame;
  }
}

function endpoint(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Charges `dt` ns to each direction's class, or to the handshake, and to both-idle time. */
function closeStretch(c: DoctorConn, dt: number, frame: number): void {
  if (!c.handshakeDone && c.sawSyn) return; // handshake time: c.handshakeNs
  charge(c.a, dt); charge(c.b, dt);
  if (c.a.inFlight === 0 && c.b.inFlight === 0) {
    c.idleNs += dt;
    if (dt > c.idleMaxNs) { c.idleMaxNs = dt; c.idleMaxFrom = c.prevFrame; c.idleMaxTo = frame; }
  }
}

function charge(d: DoctorDirection, dt: number): void {
  d.classNs[d.cls]! += dt; d.pend[d.cls]! += dt; d.classFrames[d.cls]!.add(d.clsFrame);
}

/** The class of a direction after a packet (see the file comment). */
function classify(d: DoctorDirection): number {
  if (d.win === 0) return C_RECV;
  const fl = d.inFlight;
  if (fl === 0) return C_APP;
  if (d.win > 0 && d.win - fl < d.smss) {
    d.windowFullMoments++;
    if (d.recvWinMin < 0 || d.win < d.recvWinMin) d.recvWinMin = d.win;
    if (d.win > d.recvWinMax) d.recvWinMax = d.win;
    return C_RECV;
  }
  return d.lastShort ? C_APP : C_NET;
}

/** A timeout retransmission after `waitNs` of silence: the wait since the last send was the network's. */
function rtoStall(d: DoctorDirection, frame: number, waitNs: number): void {
  d.rto.add(frame); d.rtoNs += waitNs; if (waitNs > d.rtoMaxNs) d.rtoMaxNs = waitNs;
  for (let k = 0; k < 3; k++) { d.classNs[k]! -= d.pend[k]!; d.classNs[C_NET]! += d.pend[k]!; }
  d.classFrames[C_NET]!.add(frame);
}

/** An ACK (unwrapped in the acked direction's space) from the peer. */
function ackOf(d: DoctorDirection, ack: number, t: number, frame: number): void {
  if (!d.unaSet) { d.una = ack; d.unaSet = true; return; }
  if (ack <= d.una) return;
  if (ack > d.nxt) {
    // Acknowledged beyond anything captured: data the capture never saw.
    d.missed.add(frame); d.missedBytes += ack - d.nxt; d.nxt = ack;
  }
  for (let i = 0; i < d.holeL.length; i++) {
    const l = d.holeL[i]!, rr = d.holeR[i]!;
    if (l >= ack) continue;
    const cut = Math.min(rr, ack);
    d.missed.add(frame); d.missedBytes += cut - l;
    if (cut >= rr) { d.holeL.splice(i, 1); d.holeR.splice(i, 1); i--; } else d.holeL[i] = cut;
  }
  const fresh = ack - d.una;
  d.una = ack;
  if (d.finSent && ack >= d.nxt) d.finAcked = true;
  d.ackedBytes += fresh; d.lastAckAdvanceNs = t;
  if (d.firstDataNs >= 0) rateSample(d, t);
}

/** Keeps (t, acked) at least `rateStepNs` apart; halves the points when full. */
function rateSample(d: DoctorDirection, t: number): void {
  const n = d.rateT.length;
  if (n > 0 && t - d.rateT[n - 1]! < d.rateStepNs) { d.rateB[n - 1] = d.ackedBytes; return; }
  if (n >= RATE_SAMPLES) {
    let w = 0;
    for (let i = 0; i < n; i += 2) { d.rateT[w] = d.rateT[i]!; d.rateB[w] = d.rateB[i + 1] ?? d.rateB[i]!; w++; }
    d.rateT.length = w; d.rateB.length = w; d.rateStepNs *= 2;
  }
  d.rateT.push(t); d.rateB.push(d.ackedBytes);
}

/** The peer's window for `d`'s data changes (zero-window stalls open and close here). */
function windowOf(d: DoctorDirection, win: number, t: number, frame: number): void {
  if (win > d.maxWindow) d.maxWindow = win;
  if (win === 0 && d.zeroSinceNs < 0) { d.zeroSinceNs = t; d.zeroWin.add(frame); }
  else if (win > 0 && d.zeroSinceNs >= 0) {
    const w = t - d.zeroSinceNs;
    d.zeroWinNs += w; if (w > d.zeroWinMaxNs) d.zeroWinMaxNs = w; d.zeroSinceNs = -1;
  }
  d.win = win;
  const fl = d.inFlight;
  if (fl > d.maxInFlight) d.maxInFlight = fl;
}

/** Same IPv4 ID, header fields and checksum as a packet of this direction a moment ago. */
function isCapturedTwice(d: DoctorDirection, seg: TcpSegment, r: AnalysisResult, info: DoctorPacketInfo, t: number): boolean {
  if (info.ipId < 0) return false;
  const lf = (seg.seglen > 0 ? seg.seglen : 0) + seg.flags * 1048576;
  const m = d.recent;
  for (let k = 0; k < d.recentCount; k++) {
    const o = k * 7;
    if (m[o + 1] === info.ipId && m[o + 2] === seg.seqRaw && m[o + 3] === seg.ackRaw && m[o + 4] === lf
      && m[o + 5] === seg.windowRaw && m[o + 6] === info.checksum && t - m[o]! <= DUP_CAPTURE_NS) return true;
  }
  const o = d.recentAt * 7;
  m[o] = t; m[o + 1] = info.ipId; m[o + 2] = seg.seqRaw; m[o + 3] = seg.ackRaw; m[o + 4] = lf; m[o + 5] = seg.windowRaw; m[o + 6] = info.checksum;
  d.recentAt = (d.recentAt + 1) % DUP_MEMORY;
  if (d.recentCount < DUP_MEMORY) d.recentCount++;
  void r;
  return false;
}

function addHole(d: DoctorDirection, l: number, r: number): void {
  if (d.holeL.length >= MAX_HOLES) { d.holeL.shift(); d.holeR.shift(); }
  d.holeL.push(l); d.holeR.push(r);
}

/** Data [l, r) captured: removes it from the holes. */
function fillHoles(d: DoctorDirection, l: number, r: number): void {
  for (let i = 0; i < d.holeL.length; i++) {
    const hl = d.holeL[i]!, hr = d.holeR[i]!;
    if (r <= hl || l >= hr) continue;
    if (l <= hl && r >= hr) { d.holeL.splice(i, 1); d.holeR.splice(i, 1); i--; }
    else if (l <= hl) d.holeL[i] = r;
    else if (r >= hr) d.holeR[i] = l;
    else { d.holeR[i] = l; if (d.holeL.length < MAX_HOLES) { d.holeL.push(r); d.holeR.push(hr); } }
  }
}
