/** The explain layer's input: one plain, self-contained snapshot per TCP segment (decoded header +
 *  analysis result + both endpoints' states), copied out of the reusable pipeline objects so that
 *  narratives, diagrams, ladders and `follow` can look back and forth over a stream.
 *  Allocates per packet by design: explain works on the packets the user asked about, not on the
 *  hot path (STYLE §5); `collectPackets` keeps only the selected stream or frame. */
import type { CaptureRecord } from "../capture/index.js";
import { DecodedFrame, FrameDecoder, formatIpv6, type IpLayer } from "../decode/index.js";
import { TcpAnalyzer } from "./analyzer.js";
import type { AnalysisResult } from "./result.js";
import { newSegment, type TcpSegment } from "./segment.js";
import type { AnalysisOptions } from "./options.js";
import type { ConnectionPhase, EndpointEvent, EndpointState } from "./states.js";
import { whyToObject } from "./why.js";
import { type FrameChecks, probeChecks } from "./why-not.js";
import { formatWhy } from "./why-trace.js";
import { segmentFromDecoded } from "./from-decoded.js";

/** One fired analysis rule, as a plain object: `{flag, id, rule, <value names>…}`. */
export type WhyFact = Record<string, string | number>;

/** Everything explain knows about one TCP segment. Sequence numbers are uint32 numbers. */
export interface PacketFacts {
  /** frame.number. */
  frame: number;
  /** Capture time (seconds since the epoch, nanoseconds). */
  tsSec: number;
  tsNsec: number;
  /** frame.len: bytes on the wire. */
  frameLength: number;
  /** tcp.stream. */
  stream: number;
  /** 4 or 6. */
  family: 4 | 6;
  /** Source and destination addresses as tshark -n prints them. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** The segment travels from the connection's client (the side that sent the first SYN, or the
   *  first packet's sender when the capture began mid-connection). */
  fromClient: boolean;
  /** Raw header fields (RFC 9293 §3.1). */
  seqRaw: number;
  ackRaw: number;
  dataOffset: number;
  headerLength: number;
  flags: number;
  windowRaw: number;
  checksum: number;
  urgent: number;
  /** tcp.len, −1 when unknown. */
  seglen: number;
  /** Displayed (relative when `relative`) seq, ack and next seq, and the ISNs they are relative to. */
  seq: number;
  ack: number;
  nxtseq: number;
  relative: boolean;
  seqBase: number;
  ackBase: number;
  /** tcp.window_size (scaled); scale factor: multiplier, −1 unknown, −2 not used, 0 absent (SYN). */
  windowSize: number;
  scaleFactor: number;
  /** ns since the stream's first packet, and since its previous packet. */
  timeRelativeNs: number;
  timeDeltaNs: number;
  /** Analysis flag bits (A_* of src/analysis) and derived numbers (0 = absent). */
  analysisFlags: number;
  acksFrame: number;
  ackRttNs: number;
  initialRttNs: number;
  bytesInFlight: number;
  dupAckNum: number;
  dupAckFrame: number;
  rtoNs: number;
  rtoFrame: number;
  /** The rules that fired, in evaluation order, with the values they compared. */
  why: WhyFact[];
  /** Endpoint states before and after, and what the packet meant for each side. */
  clientBefore: EndpointState;
  serverBefore: EndpointState;
  client: EndpointState;
  server: EndpointState;
  clientEvent: EndpointEvent;
  serverEvent: EndpointEvent;
  /** synack.phase: the part of the connection's life the analysis puts the packet in. */
  phase: ConnectionPhase | "none";
  /** Raw option bytes (header bytes 20 … headerLength, as captured). */
  options: Uint8Array;
  /** Flags that did not fire, each with the first condition that failed (only with `whyNot`). */
  whyNot?: string[];
  /** The captured TCP header bytes (for the RFC 9293 header diagram). */
  header: Uint8Array;
  /** Captured payload bytes (≤ seglen when the capture was cut). */
  payload: Uint8Array;
}

/** Which packets `collectPackets` keeps. */
export interface CollectOptions {
  /** Keep only this tcp.stream. */
  stream?: number;
  /** Keep only this frame (its stream's earlier packets are still analysed). */
  frame?: number;
  /** Copy payload bytes (default true). */
  payload?: boolean;
  /** Also record why each flag that did not fire did not (replay probe of src/analysis, allocates). */
  whyNot?: boolean;
}

/** Copies the analysis result and the decoded header of `frame.tcp[index]` into a snapshot. */
export function packetFacts(frame: DecodedFrame, index: number, tsSec: number, tsNsec: number,
    r: AnalysisResult, keepPayload = true): PacketFacts {
  const t = frame.tcp[index]!;
  const ip = frame.ip[t.ipIndex]!;
  const why: WhyFact[] = [];
  for (let i = 0; i < r.why.count; i++) why.push(whyToObject(r.why.slots[i]!));
  return {
    frame: frame.frameNumber, tsSec, tsNsec, frameLength: frame.originalLength, stream: r.stream,
    family: ip.version, src: pinfoAddress(ip, true), dst: pinfoAddress(ip, false), srcPort: t.srcPort, dstPort: t.dstPort,
    fromClient: r.fromClient,
    seqRaw: t.seqRaw, ackRaw: t.ackRaw, dataOffset: t.dataOffset, headerLength: t.headerLength, flags: t.flags,
    windowRaw: t.windowRaw, checksum: t.checksum, urgent: t.urgent, seglen: r.seglen,
    seq: r.seq, ack: r.ack, nxtseq: r.nxtseq, relative: r.relative, seqBase: r.seqBase, ackBase: r.ackBase,
    windowSize: r.windowSize, scaleFactor: r.scaleFactorPresent ? r.scaleFactor : 0,
    timeRelativeNs: r.timeRelativeNs, timeDeltaNs: r.timeDeltaNs,
    analysisFlags: r.analysisPresent ? r.flags : 0, acksFrame: r.acksFrame, ackRttNs: r.ackRttNs,
    initialRttNs: r.initialRttNs, bytesInFlight: r.bytesInFlight, dupAckNum: r.dupAckNum, dupAckFrame: r.dupAckFrame,
    rtoNs: r.rtoNs, rtoFrame: r.rtoFrame, why,
    clientBefore: r.clientBefore, serverBefore: r.serverBefore, client: r.client, server: r.server,
    clientEvent: r.clientEvent, serverEvent: r.serverEvent, phase: r.phase,
    options: t.options().slice(),
    header: t.bytes.slice(t.offset, Math.min(t.offset + Math.max(t.headerLength, 20), t.bytes.length)),
    payload: keepPayload ? t.payload().slice() : new Uint8Array(0),
  };
}

/** The address tshark shows as the packet's source/destination: for IPv6 a home address option
 *  (RFC 6275 §6.3) replaces the source, a routing header's final hop the destination. */
function pinfoAddress(ip: IpLayer, src: boolean): string {
  const at = src ? ip.pseudoSrcAt : ip.pseudoDstAt;
  if (ip.version !== 6 || at < 0) return src ? ip.srcText : ip.dstText;
  return formatIpv6(ip.bytes.subarray(at, at + 16));
}

/** A whole capture, summarised per frame for the statistics (`stats io`, `stats conv`). */
export interface FrameTally {
  /** frame.number, capture time, frame.len. */
  frame: number;
  tsSec: number;
  tsNsec: number;
  frameLength: number;
}

/** What `analyseCapture` hands its visitor for each analysed TCP header: the reusable pipeline
 *  objects, valid only during the call (copy what you keep). */
export interface AnalysedSegment {
  /** The decoded frame and the index of this TCP header in `frame.tcp`. */
  readonly frame: DecodedFrame;
  tcpIndex: number;
  /** The analysis input (raw header facts, TSval/TSecr, SACK edges). */
  readonly seg: TcpSegment;
  /** The analysis output for `seg`. */
  result: AnalysisResult;
  /** The analyzer (streams so far, why-not probes). */
  readonly analyzer: TcpAnalyzer;
}

/** The one analysis loop of the explain commands and the graphs: records → decoder →
 *  `segmentFromDecoded` → `TcpAnalyzer`, every TCP header in capture order (ICMP-quoted ones
 *  too: `frame.tcp[tcpIndex].quoted` tells). `before` (if given) runs before `observe` (why-not
 *  probes), `onFrame` once per record. Allocates per capture, not per packet (STYLE §5). */
export async function analyseCapture(records: AsyncIterable<CaptureRecord>,
    visit: (a: AnalysedSegment) => void, onFrame?: (rec: CaptureRecord) => void,
    before?: (a: AnalysedSegment) => void, options: Partial<AnalysisOptions> = {}): Promise<TcpAnalyzer> {
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), seg = newSegment();
  const analyzer = new TcpAnalyzer(options);
  const a: AnalysedSegment = { frame, tcpIndex: 0, seg, result: analyzer.result, analyzer };
  for await (const rec of records) {
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    if (onFrame !== undefined) onFrame(rec);
    for (let i = 0; i < frame.tcpCount; i++) {
      if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) continue;
      a.tcpIndex = i;
      if (before !== undefined) before(a);
      a.result = analyzer.observe(seg);
      visit(a);
    }
  }
  return analyzer;
}

/** Runs records → decoder → analysis (`analyseCapture`) and calls `onPacket` for each TCP
 *  segment that passes the filter (ICMP-quoted headers excluded) and `onFrame` (if given) for
 *  every frame. */
export async function walkCapture(records: AsyncIterable<CaptureRecord>, opts: CollectOptions,
    onPacket: (p: PacketFacts) => void, onFrame?: (f: FrameTally) => void): Promise<void> {
  const keep = opts.payload ?? true;
  let checks: FrameChecks | undefined;
  await analyseCapture(records, (a) => {
    const { frame, tcpIndex: i, result: r } = a;
    if (frame.tcp[i]!.quoted) return;
    if (opts.stream !== undefined && r.stream !== opts.stream) return;
    if (opts.frame !== undefined && frame.frameNumber !== opts.frame) return;
    const facts = packetFacts(frame, i, a.seg.tsSec, a.seg.tsNsec, r, keep);
    if (checks !== undefined) facts.whyNot = checks.traces.filter((t) => !t.fired).map(formatWhy);
    onPacket(facts);
  }, onFrame === undefined ? undefined : (rec) => {
    onFrame({ frame: rec.index, tsSec: rec.tsSec, tsNsec: rec.tsNsec, frameLength: rec.originalLength });
  }, opts.whyNot === true ? (a) => { checks = probeChecks(a.analyzer, a.seg); } : undefined);
}

/** All TCP segments of the capture that pass the filter, as snapshots. */
export async function collectPackets(records: AsyncIterable<CaptureRecord>, opts: CollectOptions = {}): Promise<PacketFacts[]> {
  const out: PacketFacts[] = [];
  await walkCapture(records, opts, (p) => { out.push(p); });
  return out;
}
