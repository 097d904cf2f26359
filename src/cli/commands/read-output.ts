/** Output formats of `synack read`: tshark 4.0's default one-line summary, `-V` details tree, `-x` hex
 *  dump, `-T json` / `-T ndjson`, plus `-c N`, `-w FILE` and the progress line on a TTY.
 *
 *  `read.ts` owns option parsing and the display filter; it drives this module per frame:
 *  ```ts
 *  const pipe = new ReadPipeline();                  // decoder + analyzer, one per capture
 *  const out = new PacketPrinter({ details, hex, format }, (s) => process.stdout.write(s));
 *  out.begin();
 *  for await (const rec of reader.records()) {
 *    const ctx = pipe.step(rec, reader.info);        // every frame: analysis needs them all
 *    if (!filter(ctx)) continue;
 *    out.packet(ctx); writer?.add(rec);              // displayed frames only
 *  }
 *  out.end();
 *  ```
 *  `runReadOutput` is that loop for a path, with `-Y tcp`, `-c`, `-w` and the progress line. */
import { once } from "node:events";
import { closeSync, fstatSync, openSync, statSync, writeSync } from "node:fs";
import { type CaptureInfo, type CaptureProblem, type CaptureRecord, newRecord, PcapngWriter, PcapWriter, readCapture } from "../../capture/index.js";
import { openCaptureFile } from "../../capture/node.js";
import type { DecodedFrame, FrameDecoder } from "../../decode/index.js";
import type { AnalysisResult, TcpAnalyzer } from "../../analysis/index.js";
import { timeDigits } from "../../tshark/summary.js";
// The -V tree, -x dump and JSON renderers are loaded when asked for (loadRenderers): plain summary
// lines and -T fields start without them.
type Renderers = typeof import("../../tshark/tree.js") & typeof import("../../tshark/json.js")
  & typeof import("../../tshark/hexdump.js") & typeof import("../../tshark/ek.js");
let renderers: Renderers | undefined;
/** Loads the -V / -x / JSON renderers (once); PacketPrinter needs them for those formats. `oui`: also
 *  the vendor names, which only hidden items carry (`eth.*.oui_resolved`): JSON prints them and a
 *  filter may read them, -V and -x never show them. */
export async function loadRenderers(oui = true): Promise<void> {
  if (oui) loadOuiNames();
  if (renderers !== undefined) return;
  const [tree, json, hex, ek] = await Promise.all([import("../../tshark/tree.js"), import("../../tshark/json.js"),
    import("../../tshark/hexdump.js"), import("../../tshark/ek.js")]);
  renderers = { ...tree, ...json, ...hex, ...ek };
}
function need(): Renderers {
  if (renderers === undefined) throw new Error("loadRenderers() first");
  return renderers;
}
import { FieldRows, type ReadPreferences } from "../../tshark/rows.js";
import { CaptureSession, frameInterface, type FrameInterface } from "../../tshark/session.js";
import { ByteOut, setUtf8Encoder } from "../../tshark/bytes-out.js";
import { CliError } from "../errors.js";
import { loadOuiNames } from "../oui.js";
import type { JsonOptions } from "../../tshark/json.js";
import { layerFilter, type LayerFilter } from "../../tshark/json-options.js";
import type { DetailsInput, MptcpInfo, UdpStreamInfo } from "../../fields/index.js";
import { parseTimeFormat, summaryLine, type TimeFormat, writeSummaryLine } from "./summary-line.js";
import { flushToStdout, type FrameRenderer, runParallel, threadPlan, writeStdout } from "./parallel-read.js";

// Long strings (a -V tree, a JSON packet) go into the output buffer through Node's UTF-8 encoder:
// the same bytes as ByteOut's loop (lone surrogates become U+FFFD), several times faster.
let utf8View: Buffer | undefined;
setUtf8Encoder((s, buf, at) => {
  if (utf8View === undefined || utf8View.buffer !== buf.buffer || utf8View.byteOffset !== buf.byteOffset || utf8View.length !== buf.length) {
    utf8View = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return utf8View.write(s, at, "utf8");
});

/** Everything known about one frame after decoding and analysis. Reused: valid until the next `step`. */
/** One frame as the printers see it: what the field tree needs (DetailsInput) and more. */
export interface FrameContext extends DetailsInput {
  rec: CaptureRecord;
  /** Analysis result of each TCP header of `frame` (undefined when too short to look up, spec §2.1). */
  results: Array<AnalysisResult | undefined>;
  /** Decimals of the time column (the file's timestamp resolution). */
  timeDigits: number;
  /** `-t`: what the time column shows (default `r`, relative to the first frame). */
  timeFormat?: TimeFormat;
  /** The Info column of a TCP frame (from explain/rows.ts), "" when not computed. */
  readonly info: string;
  /** Where the Info column comes from, to write it as bytes (`infoTo`) without a string. */
  readonly rows: FieldRows | undefined;
}

/** A FrameContext whose Info text is made only when read. */
class PipelineContext implements FrameContext {
  rec: CaptureRecord = undefined as unknown as CaptureRecord;
  /** The session's arrays (CaptureSession.results / finPassive): refilled by each step. */
  results: Array<AnalysisResult | undefined> = [];
  finPassive: boolean[] = [];
  /** The session's per-IP-layer UDP conversations (CaptureSession.udp). */
  udp: ReadonlyArray<UdpStreamInfo | undefined> = [];
  /** The session's per-TCP-header MPTCP connections (CaptureSession.mptcp). */
  mptcp: ReadonlyArray<MptcpInfo | undefined> = [];
  /** pcapng: the record's section and interface (step sets it). */
  iface: FrameInterface | undefined = undefined;
  /** Time of the previous frame shown (runReadOutput sets it before printing). */
  shownSec = 0; shownNsec = 0;
  firstSec = 0; firstNsec = 0; prevSec = 0; prevNsec = 0; timeDigits = 6;
  timeFormat: TimeFormat = "r";
  constructor(readonly frame: DecodedFrame, readonly rows: FieldRows | undefined) {}
  get info(): string { return this.rows !== undefined ? this.rows.info : ""; }
}

/** Decoder + analyzer for one capture (the one CaptureSession loop) plus the Info column's engine:
 *  `step(rec)` decodes a frame and analyses each TCP header. */
export class ReadPipeline {
  /** Decoder, analyzer, FIN sides and times: the loop the web page's worker runs too. */
  readonly session: CaptureSession;
  get decoder(): FrameDecoder { return this.session.decoder; }
  get frame(): DecodedFrame { return this.session.frame; }
  get analyzer(): TcpAnalyzer { return this.session.analyzer; }
  readonly ctx: PipelineContext;
  /** The Info column comes from the field-rows engine, which must see every frame in order. */
  readonly #rows: FieldRows | undefined;
  /** The field-rows engine of the Info column (undefined without it). */
  get rows(): FieldRows | undefined { return this.#rows; }

  /** False: only the Info column's own pass runs (its decoded frame is `ctx.frame`, `ctx.results`
   *  stays empty): enough for summary lines and the hex dump, and half the work. */
  readonly #analyse: boolean;

  /** `info`: compute the Info column (summary lines, JSON). `results`: decode and analyse each frame
   *  here too, for `ctx.results` (-V, JSON); without it `info` must be true. */
  constructor(info = true, results = true, prefs: Partial<ReadPreferences> = {}) {
    // The Info pass never reads rule traces nor endpoint states; -V and JSON (this analyzer's results) do.
    this.#rows = info ? new FieldRows(["_ws.col.Info"], {}, { ...prefs, analysis: { ...prefs.analysis, traces: false, states: false } }, false) : undefined;
    this.session = new CaptureSession(prefs.analysis ?? {});
    this.#analyse = results || this.#rows === undefined;
    this.ctx = new PipelineContext(this.#analyse ? this.session.frame : this.#rows!.frame, this.#rows);
    this.ctx.results = this.session.results;
    this.ctx.finPassive = this.session.finPassive;
    this.ctx.udp = this.session.udp;
    this.ctx.mptcp = this.session.mptcp;
  }

  /** First and previous frame times for the frame `rec` (every frame, displayed or not). */
  #times(rec: CaptureRecord, step: boolean, info?: CaptureInfo): void {
    const c = this.ctx, s = this.session;
    if (step) { s.step(rec, info); c.iface = s.iface; } else s.times(rec);
    c.firstSec = s.firstSec; c.firstNsec = s.firstNsec; c.prevSec = s.prevSec; c.prevNsec = s.prevNsec;
  }

  /** Carries a frame whose line another thread writes through the state later frames need
   *  (times, IP reassembly, TCP analysis): see FieldRows.skip. */
  skip(rec: CaptureRecord): void {
    this.#times(rec, this.#analyse);
    if (this.#rows !== undefined) this.#rows.skip(rec);
  }

  /** The balanced pipeline's analysis thread, for a frame whose line the other thread writes:
   *  the times and the analysis (results to `emit`), no line. */
  analyseAt(rec: CaptureRecord, source: Uint8Array, offset: number, emit: (r: AnalysisResult) => void): void {
    this.#times(rec, false);
    this.#rows!.analyseAt(rec, source, offset, emit);
  }

  /** The balanced pipeline's rendering thread, for a frame the other thread analyses and writes:
   *  the times and the decoder's state only (FieldRows.passOverAt). */
  passAt(rec: CaptureRecord, source: Uint8Array, offset: number): void {
    this.#times(rec, false);
    this.#rows!.passOverAt(rec, source, offset);
  }

  /** Needs the record's bytes (-V, JSON: a decoder of its own); false: `stepAt` will do. */
  get needsBytes(): boolean { return this.#analyse; }

  /** As step for a record read with RecordBatch.nextInPlace (bytes: `source` from `offset`), when
   *  `needsBytes` is false: the Info pass decodes it where it lies. */
  stepAt(rec: CaptureRecord, info: CaptureInfo | undefined, source: Uint8Array, offset: number): FrameContext {
    const c = this.ctx;
    this.#times(rec, false);
    c.rec = rec;
    const iface = info?.interfaces[rec.interface];
    c.timeDigits = timeDigits(iface?.tsresol ?? 6);
    this.#rows!.matchesAt(rec, source, offset);
    return c;
  }

  /** Decodes and analyses the next frame (in capture order); `info` gives the timestamp resolution. */
  step(rec: CaptureRecord, info?: CaptureInfo): FrameContext {
    const c = this.ctx;
    c.rec = rec;
    c.timeDigits = timeDigits(info?.interfaces[rec.interface]?.tsresol ?? 6);
    if (this.#rows !== undefined) this.#rows.matches(rec);
    if (!this.#analyse) {
      this.#times(rec, false);
      c.iface = frameInterface(rec, info);
      return c;
    }
    this.#times(rec, true, info);
    return c;
  }
}

/** Output format of `synack read`. */
export type ReadFormat = "text" | "json" | "ndjson" | "ek";

/** What to print per displayed frame. */
export interface PrintOptions {
  /** -V: the details tree (instead of the summary line). */
  details?: boolean;
  /** -x: the hex dump (after the tree with -V; alone without it, as tshark does). */
  hex?: boolean;
  /** -T json / ndjson; default text. */
  format?: ReadFormat;
  /** -O PROTOS: with the details tree, only these protocols' items are expanded. */
  only?: ReadonlySet<string> | undefined;
  /** -j / -J: the JSON layer filter. */
  layers?: LayerFilter | undefined;
}

/** Prints displayed frames in one format through `write`. */
export class PacketPrinter {
  readonly #opts: PrintOptions;
  readonly #write: (s: string) => void;
  /** Where summary lines go as bytes (`write` must append to the same buffer), if given. */
  readonly #sink: ByteOut | undefined;
  #count = 0;

  constructor(opts: PrintOptions, write: (s: string) => void, sink?: ByteOut) {
    this.#opts = opts; this.#write = write; this.#sink = sink;
  }

  /** Frames printed so far. */
  get count(): number { return this.#count; }

  /** Opens the output (`[` for -T json). */
  begin(): void { /* "[" is written with the first packet: an empty -T json output is "[]" */ }

  /** Prints one displayed frame. */
  packet(c: FrameContext): void {
    const o = this.#opts;
    if (o.format === "json") {
      const r = need();
      const jo: JsonOptions = {};
      if (o.hex === true) jo.raw = r.jsonRawSources(c);
      if (o.layers !== undefined) jo.layers = o.layers;
      const sink = this.#sink;
      const tree = r.jsonTree(c, o.hex === true);
      if (sink === undefined) this.#write((this.#count === 0 ? "[\n  " : ",\n  ") + r.formatJsonPairs(r.toJsonPacket(c, tree, jo), 1));
      else { sink.str(this.#count === 0 ? "[\n  " : ",\n  "); r.writeJsonPacket(sink, c, tree, jo); }
    } else if (o.format === "ek") {
      const r = need();
      this.#write(r.ekPacket(c, r.jsonTree(c)));
    } else if (o.format === "ndjson") {
      this.#write(JSON.stringify(need().toNdjsonPacket(c)) + "\n");
    } else if (o.details) {
      const r = need();
      // Without -x, tshark dumps each Data item's bytes inside the tree instead.
      const tree = r.buildDetailsTree(c), data = o.hex ? undefined : r.dataSources(c.frame);
      if (this.#sink === undefined) this.#write(r.renderDetailsTree(tree, data, o.only)); else r.writeDetailsTree(this.#sink, tree, data, o.only);
      this.#write(o.hex ? "\n" + r.formatHexDump(c.frame) : "\n");
    } else if (o.hex) {
      this.#write(need().formatHexDump(c.frame));
    } else if (this.#sink !== undefined) {
      writeSummaryLine(this.#sink, c);
    } else {
      this.#write(summaryLine(c) + "\n");
    }
    this.#count++;
  }

  /** Closes the output (`]` for -T json). */
  end(): void {
    if (this.#opts.format === "json") this.#write(this.#count === 0 ? "[]\n" : "\n]\n");
  }
}

/** A `-w` target: pcapng (one interface per link type seen, ns timestamps) unless the name ends in
 *  `.pcap` (then pcap, µs timestamps if the input had them, one link type only). Writes in ~1 MiB blocks. */
export class FrameFileWriter {
  readonly #path: string;
  readonly #pcap: boolean;
  #fd = -1;
  #pcapWriter: PcapWriter | undefined;
  #ngWriter: PcapngWriter | undefined;
  readonly #ifaceOf = new Map<number, number>();
  #linkType = -1;

  constructor(path: string) {
    this.#path = path;
    this.#pcap = /\.pcap$/i.test(path);
  }

  /** Appends a record (copied). */
  add(rec: CaptureRecord, nanos = true): void {
    if (this.#fd < 0) {
      try { this.#fd = openSync(this.#path, "w"); } catch (err) {
        throw new CliError(`cannot write ${this.#path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 2);
      }
    }
    if (this.#pcap) {
      if (this.#pcapWriter === undefined) {
        this.#linkType = rec.linkType;
        this.#pcapWriter = new PcapWriter({ linkType: rec.linkType, nanos });
        this.#pcapWriter.header();
      } else if (rec.linkType !== this.#linkType) {
        throw new CliError(`frame ${rec.index} has link type ${rec.linkType}, but ${this.#path} is a pcap of link type ${this.#linkType}: write a .pcapng`, 2);
      }
      this.#pcapWriter.add(rec);
      if (this.#pcapWriter.buffered >= 1 << 20) this.#flush(this.#pcapWriter.take());
      return;
    }
    if (this.#ngWriter === undefined) { this.#ngWriter = new PcapngWriter(); this.#ngWriter.header(); }
    let id = this.#ifaceOf.get(rec.linkType);
    if (id === undefined) { id = this.#ngWriter.addInterface({ linkType: rec.linkType, tsresol: 9 }); this.#ifaceOf.set(rec.linkType, id); }
    this.#ngWriter.add(rec, id);
    if (this.#ngWriter.buffered >= 1 << 20) this.#flush(this.#ngWriter.take());
  }

  #flush(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
  }

  /** Writes what is buffered and closes the file; an empty capture still gets a valid header. */
  close(linkType = 1): void {
    if (this.#fd < 0) {
      try { this.#fd = openSync(this.#path, "w"); } catch (err) {
        throw new CliError(`cannot write ${this.#path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 2);
      }
      if (this.#pcap) { this.#pcapWriter = new PcapWriter({ linkType }); this.#pcapWriter.header(); }
      else { this.#ngWriter = new PcapngWriter(); this.#ngWriter.header(); }
    }
    const w = this.#pcapWriter ?? this.#ngWriter;
    if (w !== undefined && w.buffered > 0) this.#flush(w.take());
    closeSync(this.#fd);
    this.#fd = -1;
  }
}

/** Files at least this big get a progress line when stderr is a terminal. */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;
/** Progress is redrawn at most this often (ms). */
const PROGRESS_EVERY_MS = 250;

/** The progress line on stderr: only when stderr is a TTY and the input a large regular file. */
export class Progress {
  readonly #total: number;
  readonly #stream: { isTTY?: boolean; write(s: string): boolean };
  readonly #on: boolean;
  #last = 0;
  #shown = false;

  constructor(total: number, stream: { isTTY?: boolean; write(s: string): boolean } = process.stderr,
      minBytes = PROGRESS_MIN_BYTES) {
    this.#total = total; this.#stream = stream;
    this.#on = stream.isTTY === true && total >= minBytes;
  }

  /** Whether a progress line will be drawn. */
  get enabled(): boolean { return this.#on; }

  /** Redraws `\r<percent> <frames> frames` now and then. */
  update(bytesRead: number, frames: number, now = Date.now()): void {
    if (!this.#on || now - this.#last < PROGRESS_EVERY_MS) return;
    this.#last = now;
    const pct = this.#total > 0 ? Math.min(100, Math.floor((bytesRead * 100) / this.#total)) : 0;
    this.#stream.write(`\r${String(pct).padStart(3, " ")}% ${frames} frames`);
    this.#shown = true;
  }

  /** Clears the line. */
  done(): void { if (this.#shown) this.#stream.write("\r\x1b[K"); }
}

/** Options of `runReadOutput`. */
export interface RunReadOptions extends PrintOptions {
  /** "-" for stdin. */
  path: string;
  /** -c: stop after this many frames read (tshark 4.0 counts read frames, not displayed ones). */
  count?: number | undefined;
  /** -w: write displayed frames there. */
  writePath?: string | undefined;
  /** Display filter; default: every frame. `tcpOnly` is `-Y tcp`. */
  filter?: ((c: FrameContext) => boolean) | undefined;
  /** The filter reads the field tree: every frame is analysed into `ctx.results`, whatever is printed. */
  analyse?: boolean;
  /** `-t`: the summary line's time format (default `r`). */
  timeFormat?: TimeFormat | undefined;
  /** Where text goes; default stdout. */
  write?: (s: string) => void;
  /** A byte buffer that `write` appends to: summary lines are written into it directly, and
   *  `drain` is awaited whenever it holds 64 KiB or more. */
  sink?: ByteOut;
  drain?: () => Promise<void>;
  /** Where the one-line "file stopped early" note goes; default stderr. */
  warn?: (s: string) => void;
  /** `-o` preferences (spec §13): what the Info column and the analysis show. */
  prefs?: Partial<ReadPreferences>;
  /** Progress stream; default stderr. */
  progressStream?: { isTTY?: boolean; write(s: string): boolean };
  /** Size from which progress is shown (tests lower it). */
  progressMinBytes?: number;
}

/** `-Y tcp`: frames with a TCP header. */
export const tcpOnly = (c: FrameContext): boolean => c.frame.tcpCount > 0;

/** Reads a capture and prints it; resolves 0, or 2 when the file stopped early (tshark's status). */
export async function runReadOutput(o: RunReadOptions): Promise<number> {
  const write = o.write ?? ((s: string) => { process.stdout.write(s); });
  let total = 0;
  if (o.path !== "-") {
    try { total = statSync(o.path).size; } catch (err) {
      throw new CliError(`cannot read ${o.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 2);
    }
  } else {
    try { const st = fstatSync(0); if (st.isFile()) total = st.size; } catch { /* a pipe: no size */ }
  }
  const progress = new Progress(total, o.progressStream ?? process.stderr, o.progressMinBytes);
  let bytesRead = 0;
  const counted = async function* (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const c of chunks) { bytesRead += c.length; yield c; }
  };
  if (o.details === true || o.hex === true || (o.format !== undefined && o.format !== "text")) {
    await loadRenderers(o.format === "json" || o.format === "ek" || o.analyse === true);
  }
  const reader = readCapture(counted(openCaptureFile(o.path)));
  // Summary lines and the hex dump need only the Info pass's decoded frame; -V and JSON read the results.
  // -V and -T json print no Info column: their pipeline runs without the Info pass (ndjson and ek have Info).
  const noInfo = o.details === true || o.format === "json";
  const pipe = new ReadPipeline(!noInfo, o.analyse === true || noInfo || (o.format !== undefined && o.format !== "text"), o.prefs);
  if (o.timeFormat !== undefined) pipe.ctx.timeFormat = o.timeFormat;
  const printer = new PacketPrinter(o, write, o.sink);
  const sink = o.sink, drain = o.drain;
  const out = o.writePath !== undefined ? new FrameFileWriter(o.writePath) : undefined;
  const nanos = (): boolean => reader.info?.pcap?.nanos ?? true;
  const limit = o.count ?? Infinity;
  printer.begin();
  let frames = 0;
  let shown = false, shownSec = 0, shownNsec = 0;
  try {
    if (limit > 0) {
      // Batches, not records(): no promise per frame.
      const rec = newRecord();
      let stop = false;
      // Summary lines and the hex dump need no record bytes of their own: records are read in place
      // (no view each) unless -w, -V / JSON or a compiled filter reads them.
      const inPlace = !pipe.needsBytes && out === undefined && !o.hex && (o.filter === undefined || o.filter === tcpOnly);
      for await (const batch of reader.batches()) {
        while (inPlace ? batch.nextInPlace(rec) : batch.next(rec)) {
          frames++;
          const c = inPlace ? pipe.stepAt(rec, reader.info, batch.source, batch.sourceOffset) : pipe.step(rec, reader.info);
          if (progress.enabled) progress.update(bytesRead, frames);
          if (o.filter === undefined || o.filter(c)) {
            // -V's "Time delta from previous displayed frame": the first shown frame is its own.
            if (shown) { c.shownSec = shownSec; c.shownNsec = shownNsec; } else { c.shownSec = rec.tsSec; c.shownNsec = rec.tsNsec; }
            shown = true; shownSec = rec.tsSec; shownNsec = rec.tsNsec;
            printer.packet(c);
            out?.add(rec, nanos());
            if (sink !== undefined && drain !== undefined && sink.len >= 1 << 16) await drain();
          }
          if (frames >= limit) { stop = true; break; }
        }
        if (stop) break;
      }
    }
  } catch (err) {
    throw readOutputError(o.path, err);
  } finally {
    progress.done();
  }
  printer.end();
  out?.close();
  if (reader.fatal !== undefined && frames < limit) {
    (o.warn ?? ((s: string) => { process.stderr.write(s); }))(`synack read: ${reader.fatal.message}\n`);
    return 2;
  }
  return 0;
}

/** The options of `synack read` this module serves (parsed by read.ts). */
export interface ReadOutputValues {
  Y?: string | undefined; T?: string | undefined; V?: boolean | undefined; x?: boolean | undefined;
  c?: string | undefined; w?: string | undefined; d?: string[] | undefined; t?: string | undefined;
  /** -O PROTOS (comma-separated; implies -V), -j / -J NAMES (space-separated; read.ts keeps the last given). */
  O?: string | undefined; j?: string | undefined; J?: string | undefined;
}

/** Summary lines for the two-thread reader (parallel-read.ts); `tcp` is `-Y tcp`. */
export function summaryRenderer(tcp: boolean, prefs: Partial<ReadPreferences> = {}): FrameRenderer {
  const pipe = new ReadPipeline(true, false, prefs);
  return {
    rows: pipe.rows!,
    render(rec, info, out): void {
      const c = pipe.step(rec, info);
      if (!tcp || c.frame.tcpCount > 0) writeSummaryLine(out, c);
    },
    renderAt(rec, info, source, offset, out): void {
      const c = pipe.stepAt(rec, info, source, offset);
      if (!tcp || c.frame.tcpCount > 0) writeSummaryLine(out, c);
    },
    skip(rec): void { pipe.skip(rec); },
    analyseAt(rec, source, offset, emit): void { pipe.analyseAt(rec, source, offset, emit); },
    passAt(rec, source, offset): void { pipe.passAt(rec, source, offset); },
  };
}

/** A reader error as runReadOutput reports it. */
function readOutputError(path: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("E_")) return new CliError(`${path}: ${(err as Error).message}`, 2);
  if (typeof code === "string" && (code === "ENOENT" || code === "EACCES" || code === "EISDIR")) {
    return new CliError(`cannot read ${path}: ${code}`, 2);
  }
  return err;
}

/** `synack read` without `-T fields`: the default summary, `-V`, `-x`, `-T json|ndjson`, `-c`, `-w`.
 *  `args` (the command's arguments) lets plain summary lines of a large file use two threads.
 *  `rowFilter` is a compiled `-Y` other than `tcp` (read.ts); it sees every frame, in order. */
export async function readOutputCommand(file: string, v: ReadOutputValues, args?: string[],
    rowFilter?: (c: FrameContext) => boolean, prefs: Partial<ReadPreferences> = {}, filterNeedsResults = false): Promise<number> {
  if (v.T !== undefined && v.T !== "json" && v.T !== "ndjson" && v.T !== "ek" && v.T !== "text") {
    throw new CliError(`-T ${v.T} is not supported (fields, json, ek, ndjson, text)`, 2);
  }
  const filter = v.Y?.trim();
  if (rowFilter === undefined && filter !== undefined && filter !== "" && filter !== "tcp") {
    throw new CliError(`display filter '${filter}' is not supported yet (only -Y tcp)`, 2);
  }
  for (const d of v.d ?? []) {
    if (!/^tcp\.port\s*==\s*\d+(-\d+)?\s*,\s*data$/.test(d)) throw new CliError(`-d '${d}' is not supported (only tcp.port==LO-HI,data)`, 2);
  }
  let count: number | undefined;
  if (v.c !== undefined) {
    if (!/^\d+$/.test(v.c) || Number(v.c) < 1) throw new CliError(`-c must be a positive integer, not '${v.c}'`, 2);
    count = Number(v.c);
  }
  const timeFormat = v.t === undefined ? undefined : parseTimeFormat(v.t);
  const details = v.V === true || v.O !== undefined;
  const plan = args !== undefined && rowFilter === undefined && count === undefined && v.w === undefined && !details
    && (timeFormat === undefined || timeFormat === "r")
    && v.x !== true && (v.T === undefined || v.T === "text") ? threadPlan(file, true) : "one";
  if (plan !== "one") {
    const progress = new Progress(statSync(file).size, process.stderr);
    let fatal: CaptureProblem | undefined;
    try {
      fatal = await runParallel(plan, file, { kind: "summary", args: args! }, summaryRenderer(filter === "tcp", prefs), writeStdout,
        progress.enabled ? (bytes, frames) => progress.update(bytes, frames) : undefined);
    } catch (err) { throw readOutputError(file, err); } finally { progress.done(); }
    if (fatal !== undefined) { process.stderr.write(`synack read: ${fatal.message}\n`); return 2; }
    return 0;
  }
  const out = process.stdout;
  // One reused byte buffer for all output, handed to stdout in copies; "drain" is awaited when
  // stdout is behind, so memory stays flat whatever reads the output.
  const sink = new ByteOut(1 << 17);
  const drain = (): Promise<void> => flushToStdout(sink);
  const code = await runReadOutput({
    path: file, count, writePath: v.w, filter: rowFilter ?? (filter === "tcp" ? tcpOnly : undefined), analyse: filterNeedsResults,
    write: (s) => sink.str(s), sink, drain, prefs, timeFormat,
    details, hex: v.x === true, format: v.T === "json" || v.T === "ndjson" || v.T === "ek" ? v.T : "text",
    only: v.O === undefined ? undefined : new Set(v.O.split(",")),
    layers: v.j !== undefined ? layerFilter("match", v.j) : v.J !== undefined ? layerFilter("top", v.J) : undefined,
  });
  await drain();
  return code;
}
