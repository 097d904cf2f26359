/** tshark-style `-T fields` rows: capture record → FrameDecoder → segment → TcpAnalyzer → one
 *  text line with the chosen fields (spec §14). One `FieldRows` per capture; everything it needs
 *  is made once and refilled per frame (STYLE §5): per packet it allocates the value strings and
 *  the output line. */
import type { CaptureRecord } from "../capture/index.js";
import {
  DecodedFrame, FrameDecoder, type IpLayer, TcpField, type TcpLayer, tcpChecksumIpv4, tcpChecksumIpv6,
  verifyTcpChecksum,
} from "../decode/index.js";
import {
  ACK, A_DUPLICATE_ACK, type AnalysisResult,
  endpointStateText, FIN, RST, SYN, stateLabel, TcpAnalyzer, type TcpSegment, URG, newSegment,
} from "../analysis/index.js";
import { addAnalysisExperts, addExpert, ExpertList, Group, Severity, TcpExpert } from "../fields/expert.js";
import { FIELD_NAMES, fieldId } from "../fields/registry.js";
import { ByteOut, putBytes, putUint } from "./bytes-out.js";
import { analysisTagsTo, icmpInfo } from "./info.js";
import { FinSides } from "../fields/fin-sides.js";
import { formatNs, formatSecNs } from "../fields/index.js";
export { formatNs, formatSecNs };
import type { DisplayFilter } from "../filter/index.js";
import { ethTrailer, ipExperts, linkExperts } from "./row-experts.js";
import { OptionWalk } from "./row-options.js";
import { RowWriter } from "./row-writer.js";
import { RowFilterFrame, type RowFilterField, type TreeFilterSource } from "./row-filter.js";
import * as K from "./row-kinds.js";
const { AD_FIRST, AD_TIME_DELTA, AD_TIME_REL, D_INFO, DIRECT_KIND, F, FLAG_FIELD_BITS, FLAG_FIELD_IDS,
  OPT_CONTAINED, OPT_LIMITED, OPT_MALFORMED, OPT_OK, OPTION_FIELDS, PACKET_ONLY_FIELD } = K;
import * as RB from "./row-bytes.js";
const { flagsStr, infoHeader, infoLen, pad9, T_TSECR, T_TSVAL, T_URG } = RB;
export { compileRowFilter, filterKindOf, filterReadsTree, rowFilterFields, SRC_TREE, type RowFilterField,
  type TreeFilterSource } from "./row-filter.js";
export { rowsReadStates } from "./row-kinds.js";
import { type AnalysisSource, DEFAULT_FIELDS_FORMAT, DEFAULT_READ_PREFERENCES, type FieldsFormat, type ReadPreferences,
  UnknownFieldError } from "./row-format.js";
export { type AnalysisSource, DEFAULT_FIELDS_FORMAT, DEFAULT_READ_PREFERENCES, type FieldsFormat, type ReadPreferences,
  UnknownFieldError };

/** Turns capture records into `-T fields` lines for a list of fields. */
export class FieldRows {
  readonly columns: readonly number[];
  readonly format: FieldsFormat;
  readonly prefs: ReadPreferences;
  readonly analyzer: TcpAnalyzer;
  /** Only frames with a TCP header produce a row (`-Y tcp`). */
  readonly tcpOnly: boolean;
  readonly #decoder = new FrameDecoder();
  readonly #frame = new DecodedFrame();
  readonly #seg: TcpSegment = newSegment();
  /** Occurrences per registry field id for the current frame (only requested ids are filled). */
  readonly #vals: Array<Array<string | number>> = FIELD_NAMES.map(() => []);
  readonly #want: Uint8Array = new Uint8Array(FIELD_NAMES.length);
  readonly #experts = new ExpertList();
  readonly #streams = new FinSides();
  /** Field ids cleared per frame: the output columns plus the filter's. */
  #used: number[];
  #filter: DisplayFilter<RowFilterField> | undefined;
  readonly #filterFrame: RowFilterFrame;
  /** The Info column as UTF-8 bytes: analysis tags (`#infoTags`) then the rest (`#infoBody`),
   *  written token by token; text only when someone asks (`info`). */
  readonly #infoBody = new ByteOut(512);
  readonly #infoTags = new ByteOut(256);
  #infoText: string | undefined = "";
  /** Info text and expert items are only built when a column or the filter reads them. */
  #infoOn = false;
  /** False when every wanted field is packet-only (PACKET_ONLY_FIELD): the analyzer is not run. */
  #analyseOn = true;
  /** Field ids the display filter reads from the value lists: those get their text values
   *  (times, epoch, IPv4 addresses); otherwise numbers are kept and formatted while writing. */
  readonly #filterReads = new Uint8Array(FIELD_NAMES.length);
  /** Reused line buffer of `row()`. */
  readonly #line = new ByteOut(4096);
  /** Frame-level experts (comments, arrival time) at the head of the current frame's list. */
  #comments = 0;
  /** Per registry field id: its DIRECT_KIND when #write takes it straight from the frame (no list), else 0. */
  readonly #direct = new Uint8Array(FIELD_NAMES.length);
  /** #want for a frame whose analysis columns #writeOneLayer writes from #oneR: 0 for those. */
  readonly #wantOne = new Uint8Array(FIELD_NAMES.length);
  /** The current frame goes through #writeOneLayer (≤ 1 IP, ≤ 1 TCP header, not ICMP-quoted). */
  #oneLayer = false;
  /** The separator is one ASCII byte (what #writeOneLayer writes). */
  #sepOk = false;
  /** Field ids whose value lists are emptied per frame: #used without the direct ones. */
  #clear: number[] = [];
  /** Writes the rows (and holds the per-frame state it reads: record, one-layer result, times). */
  readonly #w: RowWriter;

  /** Throws `UnknownFieldError` listing every unknown name. */
  constructor(fields: readonly string[], format: Partial<FieldsFormat> = {}, prefs: Partial<ReadPreferences> = {},
      tcpOnly = true) {
    const bad = fields.filter((f) => fieldId(f) < 0);
    if (bad.length > 0) throw new UnknownFieldError(bad);
    this.columns = fields.map(fieldId);
    for (const c of this.columns) this.#want[c] = 1;
    this.#used = [...new Set(this.columns)];
    this.format = { ...DEFAULT_FIELDS_FORMAT, ...format };
    this.prefs = { ...DEFAULT_READ_PREFERENCES, ...prefs };
    this.#w = new RowWriter(this.columns, this.format, this.#vals, this.#direct, this.#frame, this.#infoTags, this.#infoBody);
    this.#ow = new OptionWalk(this.#seg, this.#vals, this.#want, this.#experts, this.prefs);
    this.#textNeeds();
    this.#filterFrame = new RowFilterFrame(this.#vals, this.#frame);
    this.analyzer = new TcpAnalyzer(this.prefs.analysis);
    this.tcpOnly = tcpOnly;
  }

  /** The header line (`-E header=y`), without newline. */
  headerLine(): string {
    return this.columns.map((c) => FIELD_NAMES[c]!).join(this.format.separator);
  }

  /** Keeps only the frames `filter` (compiled by `compileRowFilter`) accepts; the values it reads
   *  are computed from then on. */
  useFilter(filter: DisplayFilter<RowFilterField>): void {
    this.#filter = filter;
    for (const f of filter.fields) {
      if (f.id < 0 || this.#used.includes(f.id)) continue;
      this.#want[f.id] = 1;
      this.#used.push(f.id);
    }
    for (const f of filter.fields) if (f.id >= 0) this.#filterReads[f.id] = 1;
    this.#textNeeds();
  }

  /** Reads the filter's SRC_TREE fields from `source` (pointed at each frame before `matches`). */
  useTree(source: TreeFilterSource): void { this.#filterFrame.tree = source; }

  /** Appends column `i` of the frame that `matches`/`rowTo` last computed, as `#write` writes it
   *  (occurrence, aggregator, quotes). Only for rows whose separator is not one ASCII byte (the
   *  per-layer fast writer is then off and every column has its list): TreeRows. */
  columnTo(out: ByteOut, i: number): void { this.#w.column(out, i); }

  /** Turns Info and expert texts on when a wanted field reads them. */
  #textNeeds(): void {
    const w = this.#want, direct = this.#direct;
    // Direct columns: no list (want 0, so #put skips them), unless the filter reads the field.
    // Analysis kinds are direct only in #writeOneLayer's frames (a one-byte separator, at most
    // one IP and one TCP header): their lists stay wanted (#want) and are skipped there (#wantOne).
    const sep = this.format.separator;
    const oneLayer = this.#sepOk = sep.length === 1 && sep.charCodeAt(0) < 0x80;
    for (const id of this.#used) {
      let d = this.#filterReads[id] === 0 && !(id === F.checksum && this.prefs.checkChecksum) ? DIRECT_KIND[id]! : 0;
      if (d >= AD_FIRST && !oneLayer) d = 0;
      direct[id] = d;
      w[id] = d !== 0 && d < AD_FIRST ? 0 : 1;
    }
    this.#wantOne.set(w);
    for (const id of this.#used) if (direct[id]! >= AD_FIRST) this.#wantOne[id] = 0;
    this.#clear = this.#used.filter((id) => direct[id] === 0 || direct[id]! >= AD_FIRST);
    this.#infoOn = w[F.info] === 1 || direct[F.info] === D_INFO;
    this.#experts.on = w[F.exMsg] === 1 || w[F.exSev] === 1 || w[F.exGroup] === 1;
    this.#analyseOn = this.#used.some((id) => PACKET_ONLY_FIELD[id] !== 1);
    this.#optionsOn = this.#infoOn || this.#experts.on || OPTION_FIELDS.some((id) => w[id] === 1);
    this.#streamsOn = this.#experts.on;
    this.#earlyTokens = this.#infoOn && !this.#experts.on && !OPTION_FIELDS.some((id) => w[id] === 1);
    this.#infoOnly = this.#infoOn && !this.#experts.on && this.#used.every((id) => id === F.info) && !this.prefs.checkChecksum;
  }

  /** Nothing but the Info column is read, with unverified checksums: the usual TCP headers take
   *  #tcpInfo instead of #tcpLayer. */
  #infoOnly = false;

  /** The per-stream table (A side, FIN order) has a reader: the experts ("initiates"/"undergoes"
   *  the close). Fixed once rows are made (a filter added later only adds fields it reads, and
   *  enables them before the first frame). */
  #streamsOn = true;
  /** The second option walk would only write Info tokens (no expert, no option field is read):
   *  the first one (#fillSegment, for the analysis) writes them into OptionWalk.tokens instead, and the
   *  second is skipped unless that walk met SACK blocks (OptionWalk.tokensOk false). Both walks take the
   *  same path through the options, so OptionWalk.end and sawMss are the same too. */
  #earlyTokens = false;
  /** The option walks (OptionWalk: its state is read after each walk). */
  readonly #ow: OptionWalk;
  /** The second option walk (values, Info tokens, experts) has a reader. */
  #optionsOn = true;

  #source: AnalysisSource | undefined;

  /** From now on the analysis results come from `source` (see `analyse`), not from `analyzer`. */
  useAnalysisFrom(source: AnalysisSource): void { this.#source = source; }

  /** Only the analysis of one record: hands each TCP header's result, in order, to `emit`. A
   *  FieldRows reading these through `useAnalysisFrom` prints what it would print with its own
   *  analyzer (same headers, same segments: both go through #fillSegment). */
  analyse(rec: CaptureRecord, emit: (r: AnalysisResult) => void): void {
    const frame = this.#frame;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    this.#analyseFrame(rec, emit);
  }

  /** As analyse for a record read with RecordBatch.nextInPlace (its bytes are `source` from `offset`). */
  analyseAt(rec: CaptureRecord, source: Uint8Array, offset: number, emit: (r: AnalysisResult) => void): void {
    this.#decoder.decodeAt(rec.linkType, source, offset, rec.capturedLength, rec.originalLength, rec.index, this.#frame);
    this.#analyseFrame(rec, emit);
  }

  /** Carries a record whose row another thread writes *and analyses* (the balanced pipeline,
   *  parallel-read.ts) through this side's remaining state: the decoder's (IP reassembly). Only
   *  for rows that keep no per-stream table (`keepsStreams` false): its FIN sides would miss it. */
  passOverAt(rec: CaptureRecord, source: Uint8Array, offset: number): void {
    this.#decoder.decodeAt(rec.linkType, source, offset, rec.capturedLength, rec.originalLength, rec.index, this.#frame);
  }

  /** Rows keep a per-stream table of their own (the FIN-side experts read it), filled only by the
   *  frames they render or skip: a frame passed over (`passOverAt`) would be missing from it. */
  get keepsStreams(): boolean { return this.#analyseOn && this.#streamsOn; }

  #analyseFrame(rec: CaptureRecord, emit: (r: AnalysisResult) => void): void {
    const frame = this.#frame;
    if (!this.#analyseOn) return;
    for (let i = 0; i < frame.tcpCount; i++) {
      if (this.#fillSegment(frame, frame.tcp[i]!, rec, true)) emit(this.analyzer.observe(this.#seg));
    }
  }

  /** The TCP analyzer runs (some wanted field depends on it); false when every field is a packet field. */
  get analyses(): boolean { return this.#analyseOn; }

  /** The Info column of the last frame passed to `row`/`rowTo`/`matches` ("" unless `_ws.col.Info` is a column). */
  get info(): string {
    return this.#infoText ??= this.#infoTags.len === 0 ? this.#infoBody.text() : this.#infoTags.text() + this.#infoBody.text();
  }
  /** Appends the Info column of the last frame (as `info`, UTF-8) to `out`, making no string. */
  infoTo(out: ByteOut): void { out.append(this.#infoTags); out.append(this.#infoBody); }
  /** Room `putInfo` needs: the capacity of the two Info buffers (it copies them whole). */
  get infoRoom(): number { return this.#infoTags.buf.length + this.#infoBody.buf.length; }
  /** infoTo at `o` of `b`, where the caller made `infoRoom` bytes of room; returns the new end.
   *  Each buffer is copied whole by one set() (a native copy of ~0.5 KiB costs less than a
   *  byte loop over the ~60 bytes used); the bytes past the Info are left for the caller to
   *  overwrite. */
  putInfo(b: Uint8Array, o: number): number {
    const t = this.#infoTags, m = this.#infoBody;
    if (t.len !== 0) { b.set(t.buf, o); o += t.len; }
    b.set(m.buf, o);
    return o + m.len;
  }
  /** The Info column of the last frame is empty. */
  get infoEmpty(): boolean { return this.#infoTags.len === 0 && this.#infoBody.len === 0; }
  /** Replaces the Info column with `text`. */
  #setInfo(text: string): void {
    this.#infoTags.reset(); this.#infoBody.reset(); this.#infoBody.str(text); this.#infoText = undefined;
  }
  /** The decoded frame of the last record passed to `row`/`rowTo`/`matches` (reused per record). */
  get frame(): DecodedFrame { return this.#frame; }

  /** Analyses one record (every record must pass through here or `row`, in order) and tells
   *  whether the display filter keeps it (true without a filter). */
  matches(rec: CaptureRecord): boolean {
    return this.#compute(rec) && (this.#filter === undefined || this.#filter.matches(this.#filterFrame));
  }

  /** As matches for a record read with RecordBatch.nextInPlace (its bytes are `source` from `offset`). */
  matchesAt(rec: CaptureRecord, source: Uint8Array, offset: number): boolean {
    this.#at = source; this.#atOffset = offset;
    const ok = this.#compute(rec);
    this.#at = undefined;
    return ok && (this.#filter === undefined || this.#filter.matches(this.#filterFrame));
  }

  /** The row of one record (without newline), or undefined when the frame is filtered out. */
  row(rec: CaptureRecord): string | undefined {
    if (!this.#compute(rec)) return undefined;
    if (this.#filter !== undefined && !this.#filter.matches(this.#filterFrame)) return undefined;
    const out = this.#line;
    out.reset();
    this.#w.write(out, this.#oneLayer);
    return out.text();
  }

  /** Appends the row of one record (without newline) to `out`; false (nothing written) when the
   *  frame is filtered out. Same bytes as `row`, without making strings. */
  rowTo(rec: CaptureRecord, out: ByteOut): boolean {
    if (!this.#compute(rec)) return false;
    if (this.#filter !== undefined && !this.#filter.matches(this.#filterFrame)) return false;
    this.#w.write(out, this.#oneLayer);
    return true;
  }

  /** As rowTo for a record read with RecordBatch.nextInPlace: its bytes are `source` from
   *  `offset` (no view is made for the usual frame, see FrameDecoder.decodeAt). */
  rowToAt(rec: CaptureRecord, source: Uint8Array, offset: number, out: ByteOut): boolean {
    this.#at = source; this.#atOffset = offset;
    const ok = this.#compute(rec);
    this.#at = undefined;
    if (!ok) return false;
    if (this.#filter !== undefined && !this.#filter.matches(this.#filterFrame)) return false;
    this.#w.write(out, this.#oneLayer);
    return true;
  }
  /** rowToAt's record source while #compute runs (undefined: the record's `bytes`). */
  #at: Uint8Array | undefined;
  #atOffset = 0;

  /** Carries one record through the state that later frames depend on — IP reassembly, TCP
   *  analysis, per-stream times and FIN order — without computing its values, Info or experts.
   *  A frame passed here instead of `matches`/`row`/`rowTo` leaves every later frame's output as
   *  it would have been (used when another thread writes this frame's row). */
  skip(rec: CaptureRecord): void {
    const frame = this.#frame;
    this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    if (!this.#analyseOn) return;
    for (let i = 0; i < frame.tcpCount; i++) {
      const t = frame.tcp[i]!;
      if (!this.#fillSegment(frame, t, rec, true)) continue;
      const r = this.analyzer.observe(this.#seg);
      this.#streamSeen(r.stream, t.srcPort, frame.ip[t.ipIndex]!);
      // #tcpLayer records a FIN's side (for "initiates"/"undergoes" the close) on this path only.
      if (!this.#seg.headerBogus && (t.fields & TcpField.flags) !== 0 && (t.flags & FIN) !== 0) this.#finPassive(frame, t, r);
    }
  }

  /** Decodes and analyses one record and fills the wanted values; false when `-Y tcp` drops it. */
  #compute(rec: CaptureRecord): boolean {
    const frame = this.#frame, at = this.#at;
    if (at === undefined) this.#decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    else this.#decoder.decodeAt(rec.linkType, at, this.#atOffset, rec.capturedLength, rec.originalLength, rec.index, frame);
    const vals = this.#vals, want = this.#want;
    const used = this.#clear;
    this.#w.rec = rec;
    // pop() is inlined; `length = 0` is a runtime call even on an empty array (a few items per field).
    for (let k = 0; k < used.length; k++) { const a = vals[used[k]!]!; while (a.length !== 0) a.pop(); }
    this.#experts.clear();
    this.#infoTags.reset(); this.#infoBody.reset(); this.#infoText = "";
    this.#threw = false;
    this.#oneLayer = this.#sepOk && frame.ipCount <= 1 && frame.tcpCount <= 1 && (frame.tcpCount === 0 || !frame.tcp[0]!.quoted);
    this.#w.oneR = undefined; this.#w.timesShown = false;
    // pcapng packet comments: tshark 4.0 raises each as a Comment expert before any layer's.
    const notes = rec.comments;
    this.#comments = 0;
    if (notes !== undefined) {
      for (let k = 0; k < notes.length; k++) this.#experts.add(notes[k]!, Severity.Comment, Group.Comment);
      this.#comments = notes.length;
    }
    if (rec.rawTime !== undefined) {
      this.#experts.add(`Arrival Time: Fractional second ${rec.rawTime.nsec} is invalid, the valid range is 0-1000000000`,
        Severity.Note, Group.Sequence);
      this.#comments++;
    }
    // Link, IP and trailer checks only make expert items: skipped when nobody reads them.
    const exOn = this.#experts.on;
    if (exOn) linkExperts(this.#experts, frame);
    let ipDone = 0;
    for (let i = 0; i < frame.tcpCount; i++) {
      const t = frame.tcp[i]!;
      if (exOn) for (; ipDone <= t.ipIndex && ipDone < frame.ipCount; ipDone++) ipExperts(this.#experts, frame.ip[ipDone]!);
      if (this.#infoOnly && !t.quoted && t.problems.length === 0 && (t.fields & TcpField.flags) !== 0) this.#tcpInfo(frame, t, rec);
      else this.#tcpLayer(frame, i, rec);
    }
    if (exOn) for (; ipDone < frame.ipCount; ipDone++) ipExperts(this.#experts, frame.ip[ipDone]!);
    if (exOn && frame.linkType === 1) ethTrailer(this.#experts, frame, this.#comments);
    if (this.tcpOnly && frame.tcpCount === 0) return false;

    // Frame-level fields.
    if (want[F.number] === 1) vals[F.number]!.push(rec.index);
    if (want[F.epoch] === 1) {
      const raw = rec.rawTime;
      // An out-of-range pcap sub-second field: tshark 4.0 prints the raw pair, unnormalised.
      if (raw === undefined && this.#filterReads[F.epoch] === 0) { vals[F.epoch]!.push(rec.tsSec); this.#w.epochNs = rec.tsNsec; }
      else {
        vals[F.epoch]!.push(raw === undefined ? `${rec.tsSec}.${pad9(rec.tsNsec)}`
          : `${raw.nsec < 0 ? "-" : ""}${raw.sec}.${pad9(Math.abs(raw.nsec))}`);
      }
    }
    // Only the wanted lists: a list nobody clears (#clear) must not be filled either.
    const w4s = want[F.ipSrc] === 1, w4d = want[F.ipDst] === 1, w6s = want[F.ip6Src] === 1, w6d = want[F.ip6Dst] === 1;
    if (w4s || w4d || w6s || w6d) {
      for (let k = 0; k < frame.ipCount; k++) {
        const l = frame.ip[k]!;
        // IPv4 addresses stay uint32 numbers (written as dotted quads) unless the filter reads them.
        if (l.version === 4) {
          if (w4s) vals[F.ipSrc]!.push(this.#filterReads[F.ipSrc] === 0 ? l.src4 : l.srcText);
          if (w4d) vals[F.ipDst]!.push(this.#filterReads[F.ipDst] === 0 ? l.dst4 : l.dstText);
        } else {
          // The layer's index: its 16 address bytes are written as text (#write).
          if (w6s) vals[F.ip6Src]!.push(this.#filterReads[F.ip6Src] === 0 ? k : l.srcText);
          if (w6d) vals[F.ip6Dst]!.push(this.#filterReads[F.ip6Dst] === 0 ? k : l.dstText);
        }
      }
    }
    const ex = this.#experts;
    if (want[F.exMsg] === 1) for (let k = 0; k < ex.length; k++) vals[F.exMsg]!.push(ex.message[k]!);
    if (want[F.exSev] === 1) for (let k = 0; k < ex.length; k++) vals[F.exSev]!.push(ex.severity[k]!);
    if (want[F.exGroup] === 1) for (let k = 0; k < ex.length; k++) vals[F.exGroup]!.push(ex.group[k]!);
    // The Info column is written from its bytes (#write); the value is a placeholder.
    if (want[F.info] === 1) vals[F.info]!.push(0);
    return true;
  }

  /** Fill the analysis segment from a decoded TCP header; false when too short to look up (spec §2.1). */
  #fillSegment(frame: DecodedFrame, t: TcpLayer, rec: CaptureRecord, options: boolean, tokens = false): boolean {
    this.#ow.tokensOk = false;
    if (t.capturedLength < 16) return false;
    const s = this.#seg, ip = frame.ip[t.ipIndex]!;
    s.frame = rec.index; s.tsSec = rec.tsSec; s.tsNsec = rec.tsNsec; s.family = ip.version;
    if (ip.version === 4) {
      s.srcAddr[0] = ip.src4; s.dstAddr[0] = ip.dst4;
      s.srcAddr[1] = s.srcAddr[2] = s.srcAddr[3] = s.dstAddr[1] = s.dstAddr[2] = s.dstAddr[3] = 0;
    } else {
      const a = ip.src, d = ip.dst;
      for (let w = 0; w < 4; w++) {
        const o = w * 4;
        s.srcAddr[w] = ((a[o]! << 24) | (a[o + 1]! << 16) | (a[o + 2]! << 8) | a[o + 3]!) >>> 0;
        s.dstAddr[w] = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
      }
    }
    s.srcPort = t.srcPort; s.dstPort = t.dstPort; s.seqRaw = t.seqRaw; s.ackRaw = t.ackRaw;
    s.flags = t.flags; s.windowRaw = t.windowRaw; s.seglen = t.seglen; s.icmpQuoted = t.quoted;
    s.headerBogus = false; s.optionsTruncated = false;
    for (let k = 0; k < t.problems.length; k++) {
      const p = t.problems[k];
      if (p === "tcp.bogus_header_length") s.headerBogus = true;
      else if (p === "truncated" || p === "tcp.options_truncated") s.optionsTruncated = true;
    }
    s.mss = -1; s.wsShift = -1; s.sackPerm = false; s.sackCount = 0; s.hasTimestamps = false;
    if (options && t.optionsLength > 0 && !s.headerBogus) {
      if (tokens) {
        // The Info tokens of the options are written by this walk already (see #earlyTokens).
        this.#ow.tokens.reset(); this.#ow.tsTokens = false;
        this.#ow.tokensOk = true;
        this.#ow.walk(t, undefined, false, this.#ow.tokens);
      } else this.#ow.walk(t, undefined, false, null);
    }
    return true;
  }

  /** One TCP header: analysis, then its fields, experts and (for a carried header) the Info text. */
  #tcpLayer(frame: DecodedFrame, index: number, rec: CaptureRecord): void {
    const t = frame.tcp[index]!;
    const vals = this.#vals, want = this.#oneLayer ? this.#wantOne : this.#want, ex = this.#experts;
    const infoOn = this.#infoOn;
    if (t.quoted && infoOn && this.infoEmpty) this.#setInfo(this.#icmpText(frame, t));
    // With a source the segment is still filled (its problem markers are read below), not its options.
    const src = this.#source;
    const r = this.#analyseOn && this.#fillSegment(frame, t, rec, src === undefined, this.#earlyTokens)
      ? (src === undefined ? this.analyzer.observe(this.#seg) : src.next(rec.index)) : undefined;
    if (r !== undefined) this.#streamSeen(r.stream, t.srcPort, frame.ip[t.ipIndex]!);
    if (this.#oneLayer) this.#w.oneR = r;
    const fl = t.fields, flags = t.flags;
    const problems = t.problems.length !== 0;
    const bogus = r !== undefined ? this.#seg.headerBogus : problems && t.problems.includes("tcp.bogus_header_length");
    // Values are pushed only when wanted (#put, written out here: this function is past V8's inlining budget).

    if ((fl & TcpField.ports) !== 0) {
      if (want[F.srcport] === 1) vals[F.srcport]!.push(t.srcPort);
      if (want[F.dstport] === 1) vals[F.dstport]!.push(t.dstPort);
    }
    if (r !== undefined) {
      if (want[F.stream] === 1) vals[F.stream]!.push(r.stream);
      if (want[F.completeness] === 1) vals[F.completeness]!.push(r.completeness);
      if (r.statesPresent) this.#states(r);
    }
    if ((fl & TcpField.len) !== 0 && want[F.len] === 1) vals[F.len]!.push(t.seglen);
    if (want[F.seq] === 1) {
      if (r !== undefined) vals[F.seq]!.push(r.seq);
      else if (t.quoted && t.capturedLength >= 8) vals[F.seq]!.push(t.seqRaw);
    }
    if ((fl & TcpField.seqRaw) !== 0 && want[F.seqRaw] === 1) vals[F.seqRaw]!.push(t.seqRaw);
    if (r !== undefined && r.nxtseqPresent && want[F.nxtseq] === 1) vals[F.nxtseq]!.push(r.nxtseq);
    if (r !== undefined && r.ackPresent && want[F.ack] === 1) vals[F.ack]!.push(r.ack);
    if ((fl & TcpField.ackRaw) !== 0 && want[F.ackRaw] === 1) vals[F.ackRaw]!.push(t.ackRaw);
    if ((fl & TcpField.hdrLen) !== 0 && want[F.hdrLen] === 1) vals[F.hdrLen]!.push(t.headerLength);
    if ((fl & TcpField.flags) !== 0) {
      if (want[F.flags] === 1) vals[F.flags]!.push(flags);
      if (want[F.flagsStr] === 1) vals[F.flagsStr]!.push(flagsStr(flags));
    }
    if ((fl & TcpField.window) !== 0 && want[F.winValue] === 1) vals[F.winValue]!.push(t.windowRaw);
    if (r !== undefined && r.windowPresent && want[F.win] === 1) vals[F.win]!.push(r.windowSize);
    if (r !== undefined && r.scaleFactorPresent && want[F.scale] === 1) vals[F.scale]!.push(r.scaleFactor);
    let checksum = 2;
    if ((fl & TcpField.checksumStatus) !== 0) {
      if (this.prefs.checkChecksum) checksum = verifyTcpChecksum(frame, index);
      if (want[F.checksum] === 1) vals[F.checksum]!.push(checksum);
    }
    if ((fl & TcpField.urgent) !== 0 && want[F.urgent] === 1) vals[F.urgent]!.push(t.urgent);

    // Experts and Info, in tshark 4.0's order (spec §1). A carried header's Info replaces what an
    // earlier header wrote; `ib` is null when no Info is written for this header.
    const carried = !t.quoted;
    const shortSeg = problems && t.problems.includes("tcp.short_segment");
    if (shortSeg) addExpert(ex, TcpExpert.shortSegment);
    const ib = carried && infoOn ? this.#infoBody : null;
    if (ib !== null) { ib.reset(); this.#infoTags.reset(); this.#infoText = undefined; }
    const winShown = r !== undefined && r.windowPresent ? r.windowSize : t.windowRaw;
    if (ib !== null && t.capturedLength >= 4) infoHeader(ib, t, r, (fl & TcpField.flags) !== 0 || bogus, winShown);
    if (bogus) {
      ex.add(`Bogus TCP header length (${t.headerLength}, must be at least 20)`, Severity.Error, Group.Protocol);
      if (ib !== null) ib.str(`, bogus TCP header length (${t.headerLength}, must be at least 20)`);
      return;
    }
    if ((fl & TcpField.flags) === 0) {
      // Fewer than 20 bytes: tshark stops after the ports.
      if (ib !== null) ib.str(t.capturedLength < (t.reportedLength < 0 ? 1e9 : t.reportedLength) ? "[Packet size limited during capture]" : "[Malformed Packet]");
      if (!(t.capturedLength < (t.reportedLength < 0 ? 1e9 : t.reportedLength))) addExpert(ex, TcpExpert.malformed);
      this.#threw = true;
      return;
    }
    if ((flags & ACK) === 0 && t.ackRaw !== 0) addExpert(ex, TcpExpert.ackNonzero);
    // tshark 4.0 tests the shown ack (relative when it can be) and only with relative numbers on.
    if ((flags & (SYN | ACK)) === (SYN | ACK) && r !== undefined && r.ack > 1
        && this.prefs.analysis.analyzeSequenceNumbers !== false && this.prefs.analysis.relativeSequenceNumbers !== false) {
      addExpert(ex, TcpExpert.tfoAccept);
    }
    if ((flags & RST) !== 0) addExpert(ex, TcpExpert.rst);
    if ((flags & SYN) !== 0 && ex.on) {
      if ((flags & ACK) === 0) ex.add(`Connection establish request (SYN): server port ${t.dstPort}`, Severity.Chat, Group.Sequence);
      else ex.add(`Connection establish acknowledge (SYN+ACK): server port ${t.srcPort}`, Severity.Chat, Group.Sequence);
    }
    if ((flags & FIN) !== 0) {
      addExpert(ex, TcpExpert.fin);
      addExpert(ex, this.#finPassive(frame, t, r) ? TcpExpert.finPassive : TcpExpert.finActive);
    }
    if (checksum === 0) {
      if (ib !== null) ib.str(" [TCP CHECKSUM INCORRECT]");
      ex.add(`Bad checksum [should be 0x${expectedChecksum(frame, t).toString(16).padStart(4, "0")}]`, Severity.Error, Group.Checksum);
    }
    if ((flags & URG) !== 0) { if (ib !== null) { ib.ascii(T_URG); ib.uint(t.urgent); } }
    else if (t.urgent !== 0) addExpert(ex, TcpExpert.urgentNonzero);
    if (ib !== null && t.seglen >= 0 && (fl & TcpField.len) !== 0) infoLen(ib, t.seglen);

    // Options (spec §11).
    let optEnd = OPT_OK;
    if (t.optionsLength > 0 && this.#optionsOn) optEnd = this.#optionsInfo(t, r, ib);
    else if (shortSeg) optEnd = OPT_MALFORMED;
    if (shortSeg && t.optionsLength === 0) optEnd = OPT_OK;
    if (optEnd === OPT_OK && (flags & SYN) !== 0 && t.optionsLength > 0 && !this.#ow.sawMss) addExpert(ex, TcpExpert.mssAbsent);

    // Analysis (spec §8): lost when the options threw.
    if (r !== undefined && r.analysisPresent) {
      const a = r.flags;
      if (want[F.analysis] === 1) vals[F.analysis]!.push("1");
      if (a !== 0 && want[F.aFlags] === 1) vals[F.aFlags]!.push("1");
      if (r.acksFrame !== 0) {
        if (want[F.acksFrame] === 1) vals[F.acksFrame]!.push(r.acksFrame);
        if (r.ackRttNs !== 0 && want[F.ackRtt] === 1) vals[F.ackRtt]!.push(this.#nsValue(F.ackRtt, r.ackRttSec, r.ackRttSubNs));
      }
      if (r.initialRttNs !== 0 && want[F.irtt] === 1) vals[F.irtt]!.push(this.#nsValue(F.irtt, r.initialRttSec, r.initialRttSubNs));
      if (r.bytesInFlight !== 0) {
        if (want[F.bif] === 1) vals[F.bif]!.push(r.bytesInFlight);
        if (want[F.push] === 1) vals[F.push]!.push(r.pushBytesSent);
      }
      if (a !== 0) {
        for (let k = 0; k < FLAG_FIELD_IDS.length; k++) {
          const fid = FLAG_FIELD_IDS[k]!, bit = FLAG_FIELD_BITS[k]!;
          if (want[fid] !== 1 || (a & bit) === 0) continue;
          vals[fid]!.push("1");
          if (bit === A_DUPLICATE_ACK) vals[fid]!.push("1");
        }
      }
      if (r.dupAckNum !== 0) {
        if (want[F.dupNum] === 1) vals[F.dupNum]!.push(r.dupAckNum);
        if (want[F.dupFrame] === 1) vals[F.dupFrame]!.push(r.dupAckFrame);
      }
      if (r.rtoNs !== 0) {
        if (want[F.rto] === 1) vals[F.rto]!.push(this.#nsValue(F.rto, r.rtoSec, r.rtoSubNs));
        if (want[F.rtoFrame] === 1) vals[F.rtoFrame]!.push(r.rtoFrame);
      }
      if (a !== 0) {
        addAnalysisExperts(ex, a, r.dupAckNum);
        if (ib !== null) analysisTagsTo(this.#infoTags, a, r.dupAckFrame, r.dupAckNum);
      }
    }
    if (r !== undefined && r.timePresent && (this.#want[F.timeRel] === 1 || this.#want[F.timeDelta] === 1)) this.#times(r);
    this.#optionsEnd(optEnd, ib);
  }

  /** The options' Info tokens into `ib` (null: no Info) and, when read, their values and experts:
   *  from the walk #fillSegment made (OptionWalk.tokensOk) or a second walk. Returns how the walk ended. */
  #optionsInfo(t: TcpLayer, r: AnalysisResult | undefined, ib: ByteOut | null): number {
    // The walk in #fillSegment left OptionWalk.end / sawMss and, without SACK blocks, the Info tokens.
    if (!this.#ow.tokensOk) this.#ow.walk(t, r, true, ib);
    else if (ib === null) { /* no Info */ }
    else if (this.#ow.tsTokens) {
      if (ib.len + 40 > ib.buf.length) ib.ensure(40);
      const ob = ib.buf;
      let o = putBytes(ob, ib.len, T_TSVAL); o = putUint(ob, o, this.#ow.tsval);
      o = putBytes(ob, o, T_TSECR); ib.len = putUint(ob, o, this.#ow.tsecr);
    } else ib.append(this.#ow.tokens);
    return this.#ow.end;
  }

  /** An option area that threw ends the TCP layer: its text in Info, a Malformed expert. */
  #optionsEnd(optEnd: number, ib: ByteOut | null): void {
    if (optEnd === OPT_MALFORMED) { ib?.str("[Malformed Packet]"); addExpert(this.#experts, TcpExpert.malformed); this.#threw = true; }
    else if (optEnd === OPT_CONTAINED) {
      ib?.str("[Malformed Packet: length of contained item exceeds length of containing item]");
      addExpert(this.#experts, TcpExpert.malformed); this.#threw = true;
    }
    else if (optEnd === OPT_LIMITED) { ib?.str("[Packet size limited during capture]"); this.#threw = true; }
  }

  /** #tcpLayer for rows that read nothing but the Info column (summary lines), on a carried TCP
   *  header of 20 bytes or more without problems and with the checksum not verified: the analysis
   *  and the Info text, in #tcpLayer's order, without its field lists and experts (none is read).
   *  A function a fraction of #tcpLayer's size: that one is past what V8 optimizes well. */
  #tcpInfo(frame: DecodedFrame, t: TcpLayer, rec: CaptureRecord): void {
    const src = this.#source;
    const r = this.#analyseOn && this.#fillSegment(frame, t, rec, src === undefined, this.#earlyTokens)
      ? (src === undefined ? this.analyzer.observe(this.#seg) : src.next(rec.index)) : undefined;
    if (this.#oneLayer) this.#w.oneR = r;
    const ib = this.#infoBody, flags = t.flags;
    ib.reset(); this.#infoTags.reset(); this.#infoText = undefined;
    infoHeader(ib, t, r, true, r !== undefined && r.windowPresent ? r.windowSize : t.windowRaw);
    if ((flags & URG) !== 0) { ib.ascii(T_URG); ib.uint(t.urgent); }
    if (t.seglen >= 0 && (t.fields & TcpField.len) !== 0) infoLen(ib, t.seglen);
    const optEnd = t.optionsLength > 0 ? this.#optionsInfo(t, r, ib) : OPT_OK;
    if (r !== undefined && r.analysisPresent && r.flags !== 0) analysisTagsTo(this.#infoTags, r.flags, r.dupAckFrame, r.dupAckNum);
    this.#optionsEnd(optEnd, ib);
  }

  /** synack's own fields: both endpoints' states and the phase (analysis computes them for every
   *  header it sees, whatever tshark would show). */
  #states(r: AnalysisResult): void {
    const vals = this.#vals, want = this.#want;
    if (want[F.stClient] === 1) vals[F.stClient]!.push(endpointStateText(r, "client"));
    if (want[F.stServer] === 1) vals[F.stServer]!.push(endpointStateText(r, "server"));
    if (want[F.stClientBefore] === 1) vals[F.stClientBefore]!.push(stateLabel(r.clientBefore));
    if (want[F.stClientAfter] === 1) vals[F.stClientAfter]!.push(stateLabel(r.client));
    if (want[F.stServerBefore] === 1) vals[F.stServerBefore]!.push(stateLabel(r.serverBefore));
    if (want[F.stServerAfter] === 1) vals[F.stServerAfter]!.push(stateLabel(r.server));
    if (want[F.phase] === 1 && r.phase !== "none") vals[F.phase]!.push(r.phase);
  }

  /** Adds an occurrence of field `f` when it is wanted. */
  #put(f: number, v: string | number): void { if (this.#want[f] === 1) this.#vals[f]!.push(v); }

  /** First sight of a stream: its A side (streams are numbered in order). */
  #streamSeen(k: number, srcPort: number, ip: IpLayer): void {
    if (this.#streamsOn) this.#streams.seen(k, srcPort, ip.srcHash);
  }

  /** tcp.time_relative / tcp.time_delta, shown: the analysis's seconds + ns parts (exact over any
   *  span; its conversation epoch is the stream's first packet). */
  #times(r: AnalysisResult): void {
    const rs = r.timeRelativeSec, rn = r.timeRelativeSubNs, ds = r.timeDeltaSec, dn = r.timeDeltaSubNs;
    if (this.#oneLayer) {
      // Written by #writeOneLayer (AD_TIME_REL / AD_TIME_DELTA) when they are its columns.
      const w = this.#w;
      w.relSec = rs; w.relNs = rn; w.deltaSec = ds; w.deltaNs = dn;
      w.timesShown = true;
    }
    const want = this.#oneLayer ? this.#wantOne : this.#want;
    if (want[F.timeRel] === 1) this.#vals[F.timeRel]!.push(this.#nsValue(F.timeRel, rs, rn));
    if (want[F.timeDelta] === 1) this.#vals[F.timeDelta]!.push(this.#nsValue(F.timeDelta, ds, dn));
  }

  /** A duration value of field `f`: integer ns (formatted when written) where formatSecNs would take
   *  that path and the filter does not read the field, else formatSecNs's text. */
  #nsValue(f: number, sec: number, ns: number): string | number {
    if (sec > -9e6 && sec < 9e6 && this.#filterReads[f] === 0) return sec * 1e9 + ns;
    return formatSecNs(sec, ns);
  }

  /** A FIN after the other side's FIN "undergoes" the close; otherwise it "initiates" it. */
  #finPassive(frame: DecodedFrame, t: TcpLayer, r: AnalysisResult | undefined): boolean {
    if (r === undefined || !this.#streamsOn) return false;
    return this.#streams.fin(r.stream, t.srcPort, frame.ip[t.ipIndex]!.srcHash);
  }

  #icmpText(frame: DecodedFrame, t: TcpLayer): string {
    const ip = frame.ip[t.ipIndex]!;
    const at = ip.offset - 8;
    if (at < 0) return "";
    return icmpInfo(ip.version, ip.bytes[at]!, ip.bytes[at + 1]!);
  }

  /** A dissection exception ended the frame early (tshark then skips the Ethernet trailer). */
  #threw = false;
}

/** The checksum a verified-bad TCP header should carry (same inputs as `verifyTcpChecksum`). */
function expectedChecksum(frame: DecodedFrame, t: TcpLayer): number {
  const ip = frame.ip[t.ipIndex]!;
  const seg = t.bytes.subarray(t.offset, t.offset + t.checksumLength);
  return ip.version === 4 ? tcpChecksumIpv4(ip.src4, ip.dst4, seg)
    : tcpChecksumIpv6(ip.pseudoSrcAt < 0 ? ip.src : ip.bytes.subarray(ip.pseudoSrcAt, ip.pseudoSrcAt + 16),
      ip.pseudoDstAt < 0 ? ip.dst : ip.bytes.subarray(ip.pseudoDstAt, ip.pseudoDstAt + 16), seg);
}

