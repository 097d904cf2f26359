/** One TCP stream's segments as columns of numbers (both directions, capture order): what the graph
 *  models (models.ts) and a later diagnosis read. Filled from the one analysis loop
 *  (`analyseCapture`, packets.ts): `StreamSeriesBuilder.add` per analysed segment of the stream,
 *  or `collectStreamSeries` for a whole capture. Times are integer ns since the stream's first
 *  packet (tcp.time_relative); sequence numbers are relative (tcp.seq, tcp.ack) and unwrapped
 *  past 2^32, so a long stream keeps rising instead of folding back to 0. */
import type { CaptureRecord } from "../../capture/index.js";
import { analyseCapture, type AnalysedSegment } from "../packets.js";
import type { AnalysisResult } from "../result.js";
import { ACK, type TcpSegment } from "../segment.js";

/** Which way a segment travels: "a" from the endpoint that sent the stream's first captured
 *  segment (tcptrace's a2b), "b" the other way. */
export type StreamDir = "a" | "b";

/** Where SACK block `k` of segment `i` is: `sackLeft[sackAt[i] + k]`, k < `sackCount[i]`. */
export interface StreamSeries {
  /** tcp.stream. */
  stream: number;
  /** Endpoint texts "address:port" of a and b (IPv6 in brackets). */
  a: string;
  b: string;
  /** Segments kept (capture order). */
  count: number;
  /** Per segment: 1 when it travels b → a, 0 for a → b. */
  dirB: number[];
  /** frame.number. */
  frame: number[];
  /** tcp.time_relative in integer ns. */
  tNs: number[];
  /** The 12 TCP flag bits. */
  tcpFlags: number[];
  /** tcp.len (0 when unknown). */
  len: number[];
  /** tcp.seq in its own direction's space, unwrapped (may be −1 for a keep-alive before the ISN). */
  seq: number[];
  /** tcp.ack in the other direction's sequence space, unwrapped; NaN without the ACK flag. */
  ack: number[];
  /** tcp.window_size (scaled as tshark scales it) and tcp.window_size_value (raw). */
  window: number[];
  windowRaw: number[];
  /** tcp.window_size_scalefactor: multiplier, −1 unknown, −2 not used, 0 absent (SYN). */
  scaleFactor: number[];
  /** Analysis flag bits (A_* of flags.ts), 0 without an analysis record. */
  aflags: number[];
  /** tcp.analysis.ack_rtt in ns (0 = absent). */
  ackRttNs: number[];
  /** tcp.analysis.bytes_in_flight (0 = absent). */
  bytesInFlight: number[];
  /** Timestamps option: 1 present; TSval / TSecr (uint32, 0 when absent). */
  hasTs: number[];
  tsVal: number[];
  tsEcr: number[];
  /** SACK blocks: first index into sackLeft/sackRight, and how many (edges in the acked direction's
   *  space, relative and unwrapped like `ack`). */
  sackAt: number[];
  sackCount: number[];
  sackLeft: number[];
  sackRight: number[];
}

const TWO32 = 4294967296;

/** The unwrapped value of uint32 `rel` nearest to `near` (RFC 9293 §3.4: sequence space is mod 2^32). */
function unwrap(rel: number, near: number): number {
  return rel + Math.round((near - rel) / TWO32) * TWO32;
}

function endpointText(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Collects one stream's segments from the analysis loop. Allocates per kept segment only. */
export class StreamSeriesBuilder {
  readonly series: StreamSeries;
  /** Address words and port of endpoint a, from the first segment. */
  readonly #aAddr = new Uint32Array(4);
  #aPort = -1;
  /** Last unwrapped value in each sequence space (a's data, b's data). */
  #nearA = 0; #nearB = 0;

  constructor(stream: number) {
    this.series = {
      stream, a: "", b: "", count: 0, dirB: [], frame: [], tNs: [], tcpFlags: [], len: [], seq: [], ack: [],
      window: [], windowRaw: [], scaleFactor: [], aflags: [], ackRttNs: [], bytesInFlight: [], hasTs: [],
      tsVal: [], tsEcr: [], sackAt: [], sackCount: [], sackLeft: [], sackRight: [],
    };
  }

  /** Adds a segment of this stream (the caller checks `r.stream`); `srcText`/`dstText` name the
   *  addresses on the first call. */
  add(seg: TcpSegment, r: AnalysisResult, srcText: string, dstText: string): void {
    const s = this.series;
    if (this.#aPort < 0) {
      this.#aAddr.set(seg.srcAddr); this.#aPort = seg.srcPort;
      s.a = endpointText(srcText, seg.srcPort); s.b = endpointText(dstText, seg.dstPort);
    }
    const a = this.#aAddr;
    const fromA = seg.srcPort === this.#aPort && seg.srcAddr[0] === a[0] && seg.srcAddr[1] === a[1]
      && seg.srcAddr[2] === a[2] && seg.srcAddr[3] === a[3];
    // Relative numbers of this segment (display bases when relative, else raw: spec §4).
    const seq = fromA ? (this.#nearA = unwrap(r.seq, this.#nearA)) : (this.#nearB = unwrap(r.seq, this.#nearB));
    const hasAck = (seg.flags & ACK) !== 0 && r.ackPresent;
    let ack = NaN;
    if (hasAck) ack = fromA ? (this.#nearB = unwrap(r.ack, this.#nearB)) : (this.#nearA = unwrap(r.ack, this.#nearA));
    s.dirB.push(fromA ? 0 : 1);
    s.frame.push(seg.frame);
    s.tNs.push(r.timeRelativeNs);
    s.tcpFlags.push(seg.flags);
    s.len.push(r.seglen < 0 ? 0 : r.seglen);
    s.seq.push(seq);
    s.ack.push(ack);
    s.window.push(r.windowPresent ? r.windowSize : 0);
    s.windowRaw.push(seg.windowRaw);
    s.scaleFactor.push(r.scaleFactorPresent ? r.scaleFactor : 0);
    s.aflags.push(r.analysisPresent ? r.flags : 0);
    s.ackRttNs.push(r.ackRttNs);
    s.bytesInFlight.push(r.bytesInFlight);
    s.hasTs.push(seg.hasTimestamps ? 1 : 0);
    s.tsVal.push(seg.tsVal);
    s.tsEcr.push(seg.tsEcr);
    s.sackAt.push(s.sackLeft.length);
    s.sackCount.push(seg.sackCount);
    if (seg.sackCount > 0) {
      // SACK edges are in the acked direction's space: relative to the ack base (r.ackBase).
      const base = r.relative ? r.ackBase : 0, near = Number.isNaN(ack) ? (fromA ? this.#nearB : this.#nearA) : ack;
      for (let k = 0; k < seg.sackCount; k++) {
        s.sackLeft.push(unwrap((seg.sackLeft[k]! - base) >>> 0, near));
        s.sackRight.push(unwrap((seg.sackRight[k]! - base) >>> 0, near));
      }
    }
    s.count++;
  }
}

/** A capture's stream `stream` as columns, and how many TCP streams the capture has. */
export interface StreamSeriesCollection {
  series: StreamSeries;
  /** Number of TCP streams (tcp.stream values 0 … streams − 1). */
  streams: number;
}

/** Reads a capture through the analysis loop (`analyseCapture`) and keeps stream `stream`'s
 *  segments (ICMP-quoted headers left out: not part of the exchange). With `stream` undefined
 *  the capture must have exactly one stream, which is kept (else `series.count` is 0 and
 *  `streams` says how many there are). */
export async function collectStreamSeries(records: AsyncIterable<CaptureRecord>, stream?: number): Promise<StreamSeriesCollection> {
  let b = new StreamSeriesBuilder(stream ?? 0);
  let streams = 0;
  await analyseCapture(records, (x: AnalysedSegment) => {
    const r = x.result;
    if (r.stream + 1 > streams) streams = r.stream + 1;
    const t = x.frame.tcp[x.tcpIndex]!;
    if (t.quoted || r.stream !== (stream ?? 0)) return;
    const ip = x.frame.ip[t.ipIndex]!;
    b.add(x.seg, r, ip.srcText, ip.dstText);
  });
  if (stream === undefined && streams !== 1) b = new StreamSeriesBuilder(0);
  return { series: b.series, streams };
}
