/** The writer of the `-T fields` rows (FieldRows): the current frame's columns as tshark -T fields
 *  writes them (occurrence, aggregator, quotes), from the value lists or, for direct fields, straight
 *  from the decoded frame, the record and the frame's one analysis result. FieldRows fills the lists
 *  and the per-frame state below, then calls `write`. */
import type { CaptureRecord } from "../capture/index.js";
import type { AnalysisResult } from "../analysis/index.js";
import type { DecodedFrame } from "../decode/index.js";
import { formatSecNs } from "../fields/index.js";
import { ByteOut, putDigits, putIpv4, putIpv6, putUint } from "./bytes-out.js";
import * as RB from "./row-bytes.js";
const { flagsHex, pad9, putAnalysisDirect, putSignedNs, putTcpDirect, writeNs } = RB;
import * as K from "./row-kinds.js";
const { AD_ACK_RTT, AD_FIRST, AD_TIME_REL, D_EPOCH, D_INFO, D_IP4_DST, D_IP4_SRC, D_IP6_DST, D_IP6_SRC, D_NUMBER,
  D_SRCPORT, D_TCP_BIT, W_EPOCH, W_FLAGS, W_INFO, W_IPV4, W_IPV6_DST, W_IPV6_SRC, W_NS, W_NUM, WRITE_KIND } = K;
import type { FieldsFormat } from "./row-format.js";

export class RowWriter {
  /** The record of the current frame (direct frame fields read it). */
  rec: CaptureRecord | undefined;
  /** That frame's analysis result in a one-layer frame (undefined: none, e.g. a header too short to
   *  look up), and its stream times when FieldRows#times shows them (sec + ns parts). */
  oneR: AnalysisResult | undefined;
  timesShown = false;
  relSec = 0; relNs = 0; deltaSec = 0; deltaNs = 0;
  /** Sub-second part of frame.time_epoch when its value is kept as the seconds number. */
  epochNs = 0;
  readonly columns: readonly number[];
  readonly format: FieldsFormat;
  readonly #vals: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly #direct: Uint8Array;
  readonly #frame: DecodedFrame;
  readonly #infoTags: ByteOut;
  readonly #infoBody: ByteOut;

  /** `direct`: per registry field id, its DIRECT_KIND when written straight from the frame, else 0. */
  constructor(columns: readonly number[], format: FieldsFormat, vals: ReadonlyArray<ReadonlyArray<string | number>>,
      direct: Uint8Array, frame: DecodedFrame, infoTags: ByteOut, infoBody: ByteOut) {
    this.columns = columns; this.format = format; this.#vals = vals; this.#direct = direct; this.#frame = frame;
    this.#infoTags = infoTags; this.#infoBody = infoBody;
  }

  /** The Info column (FieldRows.infoTo). */
  #infoTo(out: ByteOut): void { out.append(this.#infoTags); out.append(this.#infoBody); }

  /** Appends column `i` of the frame that `matches`/`rowTo` last computed, as `write` writes it
   *  (occurrence, aggregator, quotes). Only for rows whose separator is not one ASCII byte (the
   *  per-layer fast writer is then off and every column has its list): TreeRows. */
  column(out: ByteOut, i: number): void {
    const { occurrence, aggregator, quote } = this.format;
    const q = quote === "d" ? 34 : quote === "s" ? 39 : 0;
    const agg = aggregator.length === 1 && aggregator.charCodeAt(0) < 0x80 ? aggregator.charCodeAt(0) : -1;
    const c = this.columns[i]!, d = this.#direct[c]!;
    if (d !== 0 && d < AD_FIRST) this.#writeDirect(out, d, q, occurrence, agg, aggregator);
    else this.#writeList(out, c, q, occurrence, agg, aggregator);
  }

  /** Writes the current frame's columns (tshark -T fields text) into `out`. */
  write(out: ByteOut, oneLayer: boolean): void {
    const { separator, occurrence, aggregator, quote } = this.format;
    const q = quote === "d" ? 34 : quote === "s" ? 39 : 0;
    const cols = this.columns, frame = this.#frame;
    // One ASCII byte (the usual tab and comma) is written as a byte, anything else as text.
    const sep = separator.length === 1 && separator.charCodeAt(0) < 0x80 ? separator.charCodeAt(0) : -1;
    const agg = aggregator.length === 1 && aggregator.charCodeAt(0) < 0x80 ? aggregator.charCodeAt(0) : -1;
    if (oneLayer) { this.#writeOneLayer(out, q, sep, occurrence, agg, aggregator); return; }
    for (let i = 0; i < cols.length; i++) {
      if (i > 0) { if (sep >= 0) out.byte(sep); else out.str(separator); }
      const c = cols[i]!;
      const d = this.#direct[c]!;
      if (d !== 0 && d < AD_FIRST) this.#writeDirect(out, d, q, occurrence, agg, aggregator);
      else this.#writeList(out, c, q, occurrence, agg, aggregator);
    }
  }

  /** #write for the usual frame — at most one IP and one TCP header, a one-byte separator: every
   *  direct field has at most one occurrence, so it is written in place, through one cursor kept
   *  across the columns (the room for them reserved once). */
  #writeOneLayer(out: ByteOut, q: number, sep: number, occurrence: "f" | "l" | "a", agg: number, aggregator: string): void {
    const cols = this.columns, direct = this.#direct, frame = this.#frame, rec = this.rec!, vals = this.#vals;
    const t = frame.tcp[0]!, l = frame.ip[0]!;
    const tf = frame.tcpCount === 1 ? t.fields : 0, v = frame.ipCount === 1 ? l.version : 0;
    const n = cols.length;
    if (out.len + n * 50 + 2 > out.buf.length) out.ensure(n * 50 + 2);
    let b = out.buf, o = out.len;
    for (let i = 0; i < n; i++) {
      if (i > 0) b[o++] = sep;
      const c = cols[i]!, d = direct[c]!;
      if (d >= AD_FIRST) {
        const r = this.oneR;
        let sec: number, ns: number;
        if (d < AD_ACK_RTT || (d > AD_ACK_RTT && d < AD_TIME_REL)) {
          // A plain number: written where it goes, or nothing (and no quotes) when absent.
          if (r === undefined) continue;
          const start = o;
          if (q !== 0) b[o++] = q;
          const e = putAnalysisDirect(b, o, r, d);
          if (e < 0) { o = start; continue; }
          o = e;
          if (q !== 0) b[o++] = q;
          continue;
        }
        if (d === AD_ACK_RTT) {
          if (r === undefined || !r.analysisPresent || r.acksFrame === 0 || r.ackRttNs === 0) continue;
          sec = r.ackRttSec; ns = r.ackRttSubNs;
        } else {
          if (!this.timesShown) continue;
          if (d === AD_TIME_REL) { sec = this.relSec; ns = this.relNs; } else { sec = this.deltaSec; ns = this.deltaNs; }
        }
        if (q !== 0) b[o++] = q;
        // #nsValue's number for a duration within ±9e6 s (exact ns), else its exact text.
        if (sec > -9e6 && sec < 9e6) o = putSignedNs(b, o, sec * 1e9 + ns);
        else { out.len = o; out.str(formatSecNs(sec, ns)); out.ensure((n - i) * 50 + 2); b = out.buf; o = out.len; }
        if (q !== 0) b[o++] = q;
        continue;
      }
      if (d === 0) {
        const v = vals[c]!, k = v.length;
        if (k === 0) continue;
        // Plain numbers (option values, stream numbers, …) and ns durations (times, RTTs) with a
        // one-byte aggregator: in place too.
        const wk = WRITE_KIND[c]!;
        if ((wk === W_NUM || wk === W_NS) && agg >= 0 && occurrence === "a" && k <= 64) {
          let plain = true;
          for (let x = 0; x < k; x++) {
            const y = v[x];
            if (typeof y !== "number" || !(y >= 0 && y <= (wk === W_NUM ? 0xffffffff : 0x1fffffffffffff)) || Math.floor(y) !== y) { plain = false; break; }
          }
          if (plain) {
            // Room for these values and, as before every column, for the columns after them.
            if (o + k * 24 + 2 + (n - i) * 50 > b.length) { out.len = o; out.ensure(k * 24 + 2 + (n - i) * 50); b = out.buf; }
            if (q !== 0) b[o++] = q;
            for (let x = 0; x < k; x++) {
              if (x > 0) b[o++] = agg;
              const y = v[x] as number;
              if (wk === W_NUM) o = putUint(b, o, y);
              else { const sec = Math.floor(y / 1e9); o = putUint(b, o, sec); b[o++] = 46; o = putDigits(b, o, y - sec * 1e9, 9); }
            }
            if (q !== 0) b[o++] = q;
            continue;
          }
        }
        out.len = o;
        this.#writeList(out, c, q, occurrence, agg, aggregator);
        if (out.len + (n - i) * 50 + 2 > out.buf.length) out.ensure((n - i) * 50 + 2);
        b = out.buf; o = out.len;
        continue;
      }
      if (d === D_INFO) {
        // The Info column: every frame has one, empty or not (as its list had one item).
        if (q !== 0) b[o++] = q;
        out.len = o; this.#infoTo(out);
        if (q !== 0) out.byte(q);
        out.ensure((n - i) * 50 + 2); b = out.buf; o = out.len;
        continue;
      }
      if (d >= D_SRCPORT) { if ((tf & D_TCP_BIT[d]!) === 0) continue; }
      else if (d >= D_IP4_SRC && v !== (d <= D_IP4_DST ? 4 : 6)) continue;
      if (q !== 0) b[o++] = q;
      switch (d) {
        case D_NUMBER: o = putUint(b, o, rec.index); break;
        case D_EPOCH:
          // An out-of-range pcap sub-second field: tshark 4.0 prints the raw pair, unnormalised.
          if (rec.rawTime === undefined && rec.tsSec >= 0) { o = putUint(b, o, rec.tsSec); b[o++] = 46; o = putDigits(b, o, rec.tsNsec, 9); }
          else {
            const raw = rec.rawTime;
            out.len = o;
            if (raw === undefined) { out.num(rec.tsSec); out.byte(46); out.digits(rec.tsNsec, 9); }
            else out.str(`${raw.nsec < 0 ? "-" : ""}${raw.sec}.${pad9(Math.abs(raw.nsec))}`);
            out.ensure((n - i) * 50 + 2); b = out.buf; o = out.len;
          }
          break;
        case D_IP4_SRC: o = putIpv4(b, o, l.src4); break;
        case D_IP4_DST: o = putIpv4(b, o, l.dst4); break;
        case D_IP6_SRC: o = putIpv6(b, o, l.src, 0); break;
        case D_IP6_DST: o = putIpv6(b, o, l.dst, 0); break;
        default: o = putTcpDirect(b, o, t, d);
      }
      if (q !== 0) b[o++] = q;
    }
    out.len = o;
  }

  /** A column from its value list, as tshark -T fields writes it. */
  #writeList(out: ByteOut, c: number, q: number, occurrence: "f" | "l" | "a", agg: number, aggregator: string): void {
    const v = this.#vals[c]!;
    const n = v.length;
    if (n === 0) return;
    if (q !== 0) out.byte(q);
    let from = 0, to = n;
    if (occurrence === "f") to = 1; else if (occurrence === "l") from = n - 1;
    const kind = WRITE_KIND[c]!;
    for (let k = from; k < to; k++) {
      if (k > from) { if (agg >= 0) out.byte(agg); else out.str(aggregator); }
      const x = v[k]!;
      if (typeof x !== "number") { out.str(x); continue; }
      switch (kind) {
        case W_NUM: if (x >= 0 && x <= 0x1fffffffffffff && Math.floor(x) === x) out.uint(x); else out.num(x); break;
        // tcp.flags is kept as a number (filters read it): printed as 0x and 4 hex digits.
        case W_FLAGS: flagsHex(out, x); break;
        case W_NS: writeNs(out, x); break;
        case W_EPOCH: out.num(x); out.byte(46); out.digits(this.epochNs, 9); break;
        case W_IPV4: out.ipv4(x); break;
        case W_INFO: this.#infoTo(out); break;
        case W_IPV6_SRC: case W_IPV6_DST: {
          const l = this.#frame.ip[x]!;
          out.ipv6(kind === W_IPV6_SRC ? l.src : l.dst, 0);
          break;
        }
        default: out.num(x);
      }
    }
    if (q !== 0) out.byte(q);
  }

  /** A direct column (DIRECT_KIND `d`): the values #compute/#tcpLayer would have listed, in the same
   *  order (IP layers outermost first, one per TCP header carrying the field), written as #write
   *  writes a list. */
  #writeDirect(out: ByteOut, d: number, q: number, occurrence: "f" | "l" | "a", agg: number, aggregator: string): void {
    const frame = this.#frame;
    if (d === D_INFO) { if (q !== 0) out.byte(q); this.#infoTo(out); if (q !== 0) out.byte(q); return; }
    let n = 1;
    if (d >= D_SRCPORT) {
      n = 0;
      const bit = D_TCP_BIT[d]!;
      for (let k = 0; k < frame.tcpCount; k++) if ((frame.tcp[k]!.fields & bit) !== 0) n++;
    } else if (d >= D_IP4_SRC) {
      n = 0;
      const v = d <= D_IP4_DST ? 4 : 6;
      for (let k = 0; k < frame.ipCount; k++) if (frame.ip[k]!.version === v) n++;
    }
    if (n === 0) return;
    const from = occurrence === "l" ? n - 1 : 0, to = occurrence === "f" ? 1 : n;
    // Room for every item (≤ 48 bytes each: an IPv6 address, 12 three-byte flag characters), the
    // quotes and one-byte aggregators; written through a local cursor.
    if (out.len + (to - from) * 50 + 2 > out.buf.length) out.ensure((to - from) * 50 + 2);
    let b = out.buf, o = out.len;
    if (q !== 0) b[o++] = q;
    if (d === D_NUMBER) o = putUint(b, o, this.rec!.index);
    else if (d === D_EPOCH) {
      const rec = this.rec!, raw = rec.rawTime;
      // An out-of-range pcap sub-second field: tshark 4.0 prints the raw pair, unnormalised.
      if (raw === undefined && rec.tsSec >= 0) { o = putUint(b, o, rec.tsSec); b[o++] = 46; o = putDigits(b, o, rec.tsNsec, 9); }
      else {
        out.len = o;
        if (raw === undefined) { out.num(rec.tsSec); out.byte(46); out.digits(rec.tsNsec, 9); }
        else out.str(`${raw.nsec < 0 ? "-" : ""}${raw.sec}.${pad9(Math.abs(raw.nsec))}`);
        out.ensure(1); b = out.buf; o = out.len;
      }
    } else if (d >= D_SRCPORT) {
      const bit = D_TCP_BIT[d]!;
      for (let k = 0, j = 0; k < frame.tcpCount && j < to; k++) {
        const t = frame.tcp[k]!;
        if ((t.fields & bit) === 0) continue;
        if (j >= from) {
          if (j > from) {
            if (agg >= 0) b[o++] = agg;
            else { out.len = o; out.str(aggregator); out.ensure((to - j) * 50 + 2); b = out.buf; o = out.len; }
          }
          o = putTcpDirect(b, o, t, d);
        }
        j++;
      }
    } else {
      const v = d <= D_IP4_DST ? 4 : 6, src = d === D_IP4_SRC || d === D_IP6_SRC;
      for (let k = 0, j = 0; k < frame.ipCount && j < to; k++) {
        const l = frame.ip[k]!;
        if (l.version !== v) continue;
        if (j >= from) {
          if (j > from) {
            if (agg >= 0) b[o++] = agg;
            else { out.len = o; out.str(aggregator); out.ensure((to - j) * 50 + 2); b = out.buf; o = out.len; }
          }
          o = v === 4 ? putIpv4(b, o, src ? l.src4 : l.dst4) : putIpv6(b, o, src ? l.src : l.dst, 0);
        }
        j++;
      }
    }
    if (q !== 0) b[o++] = q;
    out.len = o;
  }
}
