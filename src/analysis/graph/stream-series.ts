/** One TCP stream's segments as columns of numbers (both directions, capture order): what the graph
 *  models (models.ts) and a later diagnosis read. Filled from the one analysis loop
 *  (`analyseCapture`, packets.ts): `StreamSeriesBuilder.add` per analysed segment of the stream,
 *  or `collectStreamSeries` for a whole capture. Times are integer ns since the stream's first
 *  packet (tcp.time_relative); sequence numbers are relative (tcp.seq, tcp.ack) and unwrapped
 *  past 2^32, so a long stream keeps rising instead of folding back to 0. */
import type { CaptureRecord } from "../../capture/index.js";
import type { DecodedFrame } from "../../decode/index.js";
import { analyseCapture, type AnalysedSegment } from "../packets.js";
import type { AnalysisOptions } from "../options.js";
import type { AnalysisResult } from "../result.js";
import { ACK, type TcpSegment } from "../segment.js";

/** Which way a segment travels: "a" from the endpoint that sent the stream's first captured
 *  segment (tcptrace's a2b), "b" the other way. */
export type StreamDir = "a" | "b";

/** One stream's segments as typed columns, index i = the stream's i-th segment in capture order
 *  (each column exactly `count` long; SACK edges `sackLeft[sackAt[i] + k]`, k < `sackCount[i]`). */
export interface StreamSeries {
  /** tcp.stream. */
  stream: number;
  /** Endpoint texts "address:port" of a and b (IPv6 in brackets). */
  a: string;
  b: string;
  /** Segments kept (capture order). */
  count: number;
  /** Per segment: 1 when it travels b → a, 0 for a → b. */
  dirB: Uint8Array;
  /** frame.number. */
  frame: Float64Array;
  /** tcp.time_relative in integer ns. */
  tNs: Float64Array;
  /** The 12 TCP flag bits. */
  tcpFlags: Uint16Array;
  /** tcp.len (0 when unknown). */
  len: Uint32Array;
  /** tcp.seq in its own direction's space, unwrapped (may be −1 for a keep-alive before the ISN). */
  seq: Float64Array;
  /** tcp.ack in the other direction's sequence space, unwrapped; NaN without the ACK flag. */
  ack: Float64Array;
  /** tcp.window_size (scaled as tshark scales it) and tcp.window_size_value (raw). */
  window: Float64Array;
  windowRaw: Uint16Array;
  /** tcp.window_size_scalefactor: multiplier, −1 unknown, −2 not used, 0 absent (SYN). */
  scaleFactor: Int32Array;
  /** Analysis flag bits (A_* of flags.ts), 0 without an analysis record. */
  aflags: Uint32Array;
  /** tcp.analysis.ack_rtt in ns (0 = absent). */
  ackRttNs: Float64Array;
  /** tcp.analysis.bytes_in_flight (0 = absent). */
  bytesInFlight: Float64Array;
  /** Timestamps option: 1 present; TSval / TSecr (uint32, 0 when absent). */
  hasTs: Uint8Array;
  tsVal: Uint32Array;
  tsEcr: Uint32Array;
  /** SACK blocks: first index into sackLeft/sackRight, and how many (edges in the acked direction's
   *  space, relative and unwrapped like `ack`). */
  sackAt: Uint32Array;
  sackCount: Uint8Array;
  sackLeft: Float64Array;
  sackRight: Float64Array;
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
  /** Address words and port of endpoint a, from the first segment. */
  readonly #aAddr = new Uint32Array(4);
  #aPort = -1;
  /** Last unwrapped value in each sequence space (a's data, b's data). */
  #nearA = 0; #nearB = 0;

  #cap = 0;
  #sackCap = 0;
  #sackLen = 0;
  #cols: StreamSeries;

  constructor(stream: number) {
    this.#cols = emptySeries(stream, 1024, 64);
    this.#cap = 1024; this.#sackCap = 64;
  }

  /** The series so far: each column a view of exactly `count` entries (valid until the next add). */
  get series(): StreamSeries {
    const c = this.#cols, n = c.count, m = this.#sackLen;
    return {
      stream: c.stream, a: c.a, b: c.b, count: n, dirB: c.dirB.subarray(0, n), frame: c.frame.subarray(0, n),
      tNs: c.tNs.subarray(0, n), tcpFlags: c.tcpFlags.subarray(0, n), len: c.len.subarray(0, n), seq: c.seq.subarray(0, n),
      ack: c.ack.subarray(0, n), window: c.window.subarray(0, n), windowRaw: c.windowRaw.subarray(0, n),
      scaleFactor: c.scaleFactor.subarray(0, n), aflags: c.aflags.subarray(0, n), ackRttNs: c.ackRttNs.subarray(0, n),
      bytesInFlight: c.bytesInFlight.subarray(0, n), hasTs: c.hasTs.subarray(0, n), tsVal: c.tsVal.subarray(0, n),
      tsEcr: c.tsEcr.subarray(0, n), sackAt: c.sackAt.subarray(0, n), sackCount: c.sackCount.subarray(0, n),
      sackLeft: c.sackLeft.subarray(0, m), sackRight: c.sackRight.subarray(0, m),
    };
  }

  /** Adds a segment of this stream (the caller checks `r.stream`): `seg` and its result `r`, and
   *  the frame header `frame.tcp[tcpIndex]` came from (its addresses name a and b, first call only:
   *  formatting them per packet would cost more than the rest). */
  add(seg: TcpSegment, r: AnalysisResult, frame: DecodedFrame, tcpIndex: number): void {
    const s = this.#cols;
    if (this.#aPort < 0) {
      const ip = frame.ip[frame.tcp[tcpIndex]!.ipIndex]!;
      this.#aAddr.set(seg.srcAddr); this.#aPort = seg.srcPort;
      s.a = endpointText(ip.srcText, seg.srcPort); s.b = endpointText(ip.dstText, seg.dstPort);
    }
    const a = this.#aAddr;
    const fromA = seg.srcPort === this.#aPort && seg.srcAddr[0] === a[0] && seg.srcAddr[1] === a[1]
      && seg.srcAddr[2] === a[2] && seg.srcAddr[3] === a[3];
    // Relative numbers of this segment (display bases when relative, else raw: spec §4).
    const seq = fromA ? (this.#nearA = unwrap(r.seq, this.#nearA)) : (this.#nearB = unwrap(r.seq, this.#nearB));
    const hasAck = (seg.flags & ACK) !== 0 && r.ackPresent;
    let ack = NaN;
    if (hasAck) ack = fromA ? (this.#nearB = unwrap(r.ack, this.#nearB)) : (this.#nearA = unwrap(r.ack, this.#nearA));
    const i = s.count;
    if (i === this.#cap) this.#grow();
    s.dirB[i] = fromA ? 0 : 1;
    s.frame[i] = seg.frame;
    s.tNs[i] = r.timeRelativeNs;
    s.tcpFlags[i] = seg.flags;
    s.len[i] = r.seglen < 0 ? 0 : r.seglen;
    s.seq[i] = seq;
    s.ack[i] = ack;
    s.window[i] = r.windowPresent ? r.windowSize : 0;
    s.windowRaw[i] = seg.windowRaw;
    s.scaleFactor[i] = r.scaleFactorPresent ? r.scaleFactor : 0;
    s.aflags[i] = r.analysisPresent ? r.flags : 0;
    s.ackRttNs[i] = r.ackRttNs;
    s.bytesInFlight[i] = r.bytesInFlight;
    s.hasTs[i] = seg.hasTimestamps ? 1 : 0;
    s.tsVal[i] = seg.tsVal;
    s.tsEcr[i] = seg.tsEcr;
    s.sackAt[i] = this.#sackLen;
    s.sackCount[i] = seg.sackCount;
    if (seg.sackCount > 0) {
      // SACK edges are in the acked direction's space: relative to the ack base (r.ackBase).
      const base = r.relative ? r.ackBase : 0, near = Number.isNaN(ack) ? (fromA ? this.#nearB : this.#nearA) : ack;
      for (let k = 0; k < seg.sackCount; k++) {
        if (this.#sackLen === this.#sackCap) this.#growSack();
        s.sackLeft[this.#sackLen] = unwrap((seg.sackLeft[k]! - base) >>> 0, near);
        s.sackRight[this.#sackLen] = unwrap((seg.sackRight[k]! - base) >>> 0, near);
        this.#sackLen++;
      }
    }
    s.count++;
  }

  /** Doubles every per-segment column (named stores: computed keys would turn the column
   *  record into a dictionary and every store above into a hash lookup). */
  #grow(): void {
    const c = this.#cols, n = (this.#cap *= 2);
    c.dirB = grown(c.dirB, new Uint8Array(n)); c.frame = grown(c.frame, new Float64Array(n));
    c.tNs = grown(c.tNs, new Float64Array(n)); c.tcpFlags = grown(c.tcpFlags, new Uint16Array(n));
    c.len = grown(c.len, new Uint32Array(n)); c.seq = grown(c.seq, new Float64Array(n));
    c.ack = grown(c.ack, new Float64Array(n)); c.window = grown(c.window, new Float64Array(n));
    c.windowRaw = grown(c.windowRaw, new Uint16Array(n)); c.scaleFactor = grown(c.scaleFactor, new Int32Array(n));
    c.aflags = grown(c.aflags, new Uint32Array(n)); c.ackRttNs = grown(c.ackRttNs, new Float64Array(n));
    c.bytesInFlight = grown(c.bytesInFlight, new Float64Array(n)); c.hasTs = grown(c.hasTs, new Uint8Array(n));
    c.tsVal = grown(c.tsVal, new Uint32Array(n)); c.tsEcr = grown(c.tsEcr, new Uint32Array(n));
    c.sackAt = grown(c.sackAt, new Uint32Array(n)); c.sackCount = grown(c.sackCount, new Uint8Array(n));
  }

  #growSack(): void {
    const c = this.#cols;
    this.#sackCap *= 2;
    const l = new Float64Array(this.#sackCap), r = new Float64Array(this.#sackCap);
    l.set(c.sackLeft); r.set(c.sackRight);
    c.sackLeft = l; c.sackRight = r;
  }
}

/** `to` holding `from`'s values first. */
function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

function emptySeries(stream: number, n: number, m: number): StreamSeries {
  return {
    stream, a: "", b: "", count: 0, dirB: new Uint8Array(n), frame: new Float64Array(n), tNs: new Float64Array(n),
    tcpFlags: new Uint16Array(n), len: new Uint32Array(n), seq: new Float64Array(n), ack: new Float64Array(n),
    window: new Float64Array(n), windowRaw: new Uint16Array(n), scaleFactor: new Int32Array(n), aflags: new Uint32Array(n),
    ackRttNs: new Float64Array(n), bytesInFlight: new Float64Array(n), hasTs: new Uint8Array(n), tsVal: new Uint32Array(n),
    tsEcr: new Uint32Array(n), sackAt: new Uint32Array(n), sackCount: new Uint8Array(n),
    sackLeft: new Float64Array(m), sackRight: new Float64Array(m),
  };
}

/** A capture's stream `stream` as columns, and how many TCP streams the capture has. */
export interface StreamSeriesCollection {
  series: StreamSeries;
  /** Number of TCP streams (tcp.stream values 0 … streams − 1). */
  streams: number;
}

/** The analysis options the series need: no rule traces, no endpoint states (neither changes a
 *  value the series keep; both cost time per packet). */
export const SERIES_ANALYSIS_OPTIONS: Partial<AnalysisOptions> = { traces: false, states: false };

/** Reads a capture through the analysis loop (`analyseCapture`) and keeps stream `stream`'s
 *  segments (ICMP-quoted headers left out: not part of the exchange). With `stream` undefined
 *  the capture must have exactly one stream, which is kept (else `series.count` is 0 and
 *  `streams` says how many there are). */
export async function collectStreamSeries(records: AsyncIterable<CaptureRecord>, stream?: number,
    options: Partial<AnalysisOptions> = SERIES_ANALYSIS_OPTIONS): Promise<StreamSeriesCollection> {
  let b = new StreamSeriesBuilder(stream ?? 0);
  let streams = 0;
  await analyseCapture(records, (x: AnalysedSegment) => {
    const r = x.result;
    if (r.stream + 1 > streams) streams = r.stream + 1;
    const t = x.frame.tcp[x.tcpIndex]!;
    if (t.quoted || r.stream !== (stream ?? 0)) return;
    b.add(x.seg, r, x.frame, x.tcpIndex);
  }, undefined, undefined, options);
  if (stream === undefined && streams !== 1) b = new StreamSeriesBuilder(0);
  return { series: b.series, streams };
}
