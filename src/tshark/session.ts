/** The one capture session loop: decoder + analyzer + FIN sides + times, frame by frame in capture
 *  order. `synack read -V` / `-T json` (cli/commands/read-output.ts) and the web page's worker both
 *  step it, so the details tree of a frame gets the same inputs everywhere:
 *  ```ts
 *  const s = new CaptureSession();
 *  for (const rec of records) {
 *    s.step(rec, info);                        // every frame: the analysis needs them all
 *    print(renderDetailsTree(buildDetailsTree(s)));
 *  }
 *  ```
 *  Allocates per capture, not per frame (STYLE §5): the decoded frame and the results are reused,
 *  valid until the next `step`. */
import type { CaptureInfo, CaptureRecord } from "../capture/index.js";
import { DecodedFrame, FrameDecoder, MAX_TCP_LAYERS, TcpField } from "../decode/index.js";
import { AnalysisResult, type AnalysisOptions, FIN, newSegment, TcpAnalyzer } from "../analysis/index.js";
import { segmentFromDecoded } from "../analysis/from-decoded.js";
import { FinSides, MptcpTracker, type MptcpInfo, UdpStreams, type UdpStreamInfo } from "../fields/index.js";

/** pcapng: a record's section (from 1) and interface, as -V's Frame lines show them. */
export interface FrameInterface { section: number; id: number; name?: string | undefined; description?: string | undefined }

/** pcapng: the section and interface of `rec` (its own section's IDB); undefined for pcap. */
export function frameInterface(rec: CaptureRecord, info: CaptureInfo | undefined): FrameInterface | undefined {
  if (info?.format !== "pcapng") return undefined;
  const sec = rec.section ?? 0, own = info.sections[sec - 1]?.interfaces[rec.interface] ?? info.interfaces[rec.interface];
  return { section: sec, id: rec.interface, name: own?.name, description: own?.description };
}

/** Copies an analysis result (the analyzer reuses its own) into `dst`, why slots included. */
function copyResult(dst: AnalysisResult, src: AnalysisResult): void {
  const why = dst.why;
  Object.assign(dst, src);
  (dst as { why: typeof why }).why = why;
  why.clear();
  for (let i = 0; i < src.why.count; i++) {
    const s = src.why.slots[i]!;
    why.add(s.rule!, s.values[0], s.values[1], s.values[2], s.values[3], s.values[4], s.values[5]);
  }
}

/** Decoder, TCP analyzer, FIN sides and frame times of one capture. After `step(rec)` it holds
 *  everything `buildDetailsTree` reads about that frame (it is a `DetailsInput`). */
export class CaptureSession {
  readonly decoder = new FrameDecoder();
  readonly frame = new DecodedFrame();
  readonly analyzer: TcpAnalyzer;
  /** The record of the last `step` (the caller's object: valid as long as the caller keeps it). */
  rec: CaptureRecord = undefined as unknown as CaptureRecord;
  /** Analysis result of each TCP header of `frame` (undefined when too short to look up, spec §2.1). */
  readonly results: Array<AnalysisResult | undefined> = [];
  /** Per TCP header with a FIN: it undergoes the close (the peer's FIN came first), as tshark says. */
  readonly finPassive: boolean[] = [];
  /** pcapng: the record's section and interface; undefined for pcap. */
  iface: FrameInterface | undefined = undefined;
  /** Per IP layer of `frame` carrying UDP: its conversation (udp.stream, times). */
  readonly udp: Array<UdpStreamInfo | undefined> = [];
  /** Per TCP header of `frame`: its MPTCP connection (mptcp.stream, master, subflows). */
  readonly mptcp: Array<MptcpInfo | undefined> = [];
  /** Time of the capture's first frame (frame.time_relative). */
  firstSec = 0; firstNsec = 0;
  /** Time of the previous captured frame (frame.time_delta); the first frame's own time for it. */
  prevSec = 0; prevNsec = 0;
  /** Frames stepped or timed so far. */
  frames = 0;

  readonly #seg = newSegment();
  readonly #pool: AnalysisResult[] = [];
  readonly #fins = new FinSides();
  readonly #udp = new UdpStreams();
  readonly #mptcp = new MptcpTracker();
  #lastSec = 0; #lastNsec = 0;

  /** `options`: the analysis preferences (`-o tcp.*`, spec §13); tshark 4.0 defaults otherwise. */
  constructor(options: Partial<AnalysisOptions> = {}) {
    this.analyzer = new TcpAnalyzer(options);
    for (let i = 0; i < MAX_TCP_LAYERS; i++) this.#pool.push(new AnalysisResult());
  }

  /** Moves the first / previous frame times on by `rec` without decoding it (a frame another
   *  engine decodes). `step` does this itself. */
  times(rec: CaptureRecord): void {
    if (this.frames === 0) { this.firstSec = rec.tsSec; this.firstNsec = rec.tsNsec; this.#lastSec = rec.tsSec; this.#lastNsec = rec.tsNsec; }
    this.prevSec = this.#lastSec; this.prevNsec = this.#lastNsec;
    this.#lastSec = rec.tsSec; this.#lastNsec = rec.tsNsec;
    this.frames++;
  }

  /** Decodes and analyses the next frame (capture order, every frame); `info` names its pcapng
   *  interface. Returns this session, now describing `rec`. */
  step(rec: CaptureRecord, info?: CaptureInfo): this {
    this.times(rec);
    this.rec = rec;
    this.iface = frameInterface(rec, info);
    const f = this.frame;
    this.decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, f);
    this.#udp.observe(f, rec.tsSec, rec.tsNsec, this.udp);
    this.results.length = f.tcpCount;
    this.finPassive.length = f.tcpCount;
    // The analyzer refills one result object: an earlier header's result is copied out before the
    // next header is analysed, and the last one stays the analyzer's own (most frames: no copy).
    let last = -1;
    for (let i = 0; i < f.tcpCount; i++) {
      this.finPassive[i] = false;
      if (!segmentFromDecoded(f, i, rec.tsSec, rec.tsNsec, this.#seg)) { this.results[i] = undefined; continue; }
      if (last >= 0) { copyResult(this.#pool[last]!, this.results[last]!); this.results[last] = this.#pool[last]; }
      const r = this.analyzer.observe(this.#seg);
      this.finPassive[i] = this.#finSide(i, r);
      this.results[i] = r;
      last = i;
    }
    this.#mptcp.observe(f, this.results, this.mptcp);
    return this;
  }

  /** Notes TCP header `i` (result `r`) for the FIN sides; true when it is a FIN that undergoes the
   *  close. Same headers as the rows' experts: a FIN with flags and a sane header. */
  #finSide(i: number, r: AnalysisResult): boolean {
    const f = this.frame, t = f.tcp[i]!, ip = f.ip[t.ipIndex]!;
    this.#fins.seen(r.stream, t.srcPort, ip.srcHash);
    if ((t.flags & FIN) === 0 || (t.fields & TcpField.flags) === 0 || this.#seg.headerBogus) return false;
    return this.#fins.fin(r.stream, t.srcPort, ip.srcHash);
  }
}

/** The frame's `tcp.stream` as tshark shows it: its first analysed TCP header's stream (a TCP
 *  header quoted in an ICMP error counts), or −1 without one. */
export function frameStream(s: { readonly results: ReadonlyArray<AnalysisResult | undefined> }): number {
  for (const r of s.results) if (r !== undefined) return r.stream;
  return -1;
}
