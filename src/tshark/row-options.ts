/** The option walk of the `-T fields` rows (FieldRows): tshark 4.0's rules for the TCP option area
 *  (spec §11.1), filling the analysis segment, and, when emitting, the option fields' values, their
 *  expert items and the Info tokens. One per FieldRows, sharing its segment and value lists. */
import { type AnalysisResult, SYN, seqLe, seqLt, type TcpSegment } from "../analysis/index.js";
import type { TcpLayer } from "../decode/index.js";
import { addExpert, type ExpertList, Group, optionName, Severity, TcpExpert } from "../fields/expert.js";
import { hexBytes } from "../fields/index.js";
import { ByteOut, putBytes, putUint } from "./bytes-out.js";
import * as RB from "./row-bytes.js";
const { T_MD5, T_MSS, T_SACKPERM, T_SLE, T_SRE, T_TSECR, T_TSVAL, T_WS } = RB;
import * as K from "./row-kinds.js";
const { F, OPT_CONTAINED, OPT_LIMITED, OPT_MALFORMED, OPT_OK, OPT_STOPPED } = K;
import type { ReadPreferences } from "./row-format.js";

export class OptionWalk {
  /** How the last walk ended (OPT_*). */
  end = OPT_OK;
  /** The last walk met an MSS option. */
  sawMss = false;
  /** The early walk (FieldRows#fillSegment) wrote the Info tokens into `tokens` (false: a second
   *  walk is needed, e.g. for SACK edges, relative only after the analysis). */
  tokensOk = false;
  /** The early walk's Info tokens. */
  readonly tokens = new ByteOut(256);
  /** `tokens` is just " TSval=… TSecr=…" (the NOP NOP TS area), kept as these two numbers and
   *  written straight into the Info body (no copy of the token buffer). */
  tsTokens = false;
  tsval = -0;
  tsecr = -0;
  readonly #seg: TcpSegment;
  readonly #vals: Array<Array<string | number>>;
  readonly #want: Uint8Array;
  readonly #experts: ExpertList;
  readonly #prefs: ReadPreferences;

  constructor(seg: TcpSegment, vals: Array<Array<string | number>>, want: Uint8Array, experts: ExpertList, prefs: ReadPreferences) {
    this.#seg = seg; this.#vals = vals; this.#want = want; this.#experts = experts; this.#prefs = prefs;
  }

  /** #put when `emit` (the option walk also runs silently to fill the analysis segment). */
  #putIf(emit: boolean, f: number, v: string | number): void { if (emit && this.#want[f] === 1) this.#vals[f]!.push(v); }

  /** Walks the option area by tshark 4.0's rules (spec §11.1). With `emit` false it only fills the
   *  analysis segment; with `emit` true it pushes field values and experts, and writes Info tokens
   *  into `ib` when not null. */
  walk(t: TcpLayer, r: AnalysisResult | undefined, emit: boolean, ib: ByteOut | null): void {
    // The header's array without a view (decodeAt): offsets are relative to `base` only.
    const b = t.source, base = t.sourceBase + t.optionsOffset, declared = t.optionsLength;
    const repAvail = t.reportedLength < 0 ? declared : Math.max(0, Math.min(declared, t.reportedLength - 20));
    const capAvail = t.optionsCaptured;
    const lim = repAvail < capAvail ? repAvail : capAvail;
    const throwKind = repAvail <= capAvail ? OPT_MALFORMED : OPT_LIMITED;
    const s = this.#seg, vals = this.#vals, want = this.#want, ex = this.#experts;
    // Info tokens only when the Info column is shown.
    // Info tokens: with emit, or from the silent walk when it is handed the token buffer.
    const txt = ib !== null;
    const syn = (t.flags & SYN) !== 0;
    const rel = r !== undefined && r.relative;
    const ackBase = rel ? r.ackBase : 0;
    let nops = 0, eol = false;
    this.end = OPT_OK; this.sawMss = false;
    // The usual option area of a data segment, NOP NOP TS (RFC 7323 appendix A), all there: what
    // the walk below finds (no expert: three NOPs are not four), without walking.
    if (!emit && lim === 12 && declared === 12 && b[base] === 1 && b[base + 1] === 1 && b[base + 2] === 8 && b[base + 3] === 10) {
      s.hasTimestamps = true;
      if (txt && !this.#prefs.ignoreTcpTimestamps) {
        // The early walk's tokens (#fillSegment): kept as numbers, written by #tcpLayer.
        if (ib === this.tokens) { this.tsTokens = true; this.tsval = u32(b, base + 4); this.tsecr = u32(b, base + 8); return; }
        if (ib.len + 40 > ib.buf.length) ib.ensure(40);
        const ob = ib.buf;
        let o = putBytes(ob, ib.len, T_TSVAL); o = putUint(ob, o, u32(b, base + 4));
        o = putBytes(ob, o, T_TSECR); ib.len = putUint(ob, o, u32(b, base + 8));
      }
      return;
    }
    let i = 0;
    // No closure per call: values go through #put, only when emitting.
    while (i < declared) {
      if (i >= lim) { this.end = throwKind; return; }
      const kind = b[base + i]!;
      if (kind === 0) {
        // tshark 4.0: each zero byte from an EOL on is another EOL; a non-zero one ends the walk.
        this.#putIf(emit, F.optKind, 0);
        // The padding after the first EOL is read at once: a capture cut inside it throws.
        if (!eol && declared > lim) {
          for (let j = i + 1; j < lim; j++) if (b[base + j] !== 0) { if (emit) addExpert(ex, TcpExpert.nonZeroAfterEol); break; }
          this.end = throwKind; return;
        }
        eol = true;
        i++;
        continue;
      }
      if (eol) {
        if (emit) addExpert(ex, TcpExpert.nonZeroAfterEol);
        this.end = OPT_STOPPED; return;
      }
      if (kind === 1) {
        this.#putIf(emit, F.optKind, 1);
        // tshark 4.0 (corpus): NOPs are counted over the whole area; the item is raised when the
        // fourth one ends an aligned 32-bit word, and only for the fourth.
        if (++nops === 4 && (i & 3) === 3 && emit) addExpert(ex, TcpExpert.nop);
        i++;
        continue;
      }
      if (i + 1 >= declared) {
        if (emit) ex.add(`${optionName(kind)} (length byte past end of options)`, Severity.Note, Group.Sequence);
        this.end = OPT_STOPPED; return;
      }
      if (i + 1 >= lim) { this.end = throwKind; return; }
      const len = b[base + i + 1]!;
      if (len < 2) {
        if (emit) ex.add(`${optionName(kind)} (with too-short option length = ${len} byte${len === 1 ? "" : "s"})`, Severity.Note, Group.Sequence);
        this.end = OPT_STOPPED; return;
      }
      if (i + len > declared) {
        if (emit) ex.add(`${optionName(kind)} (option length = ${len} bytes says option goes past end of options)`, Severity.Note, Group.Sequence);
        this.end = OPT_STOPPED; return;
      }
      this.#putIf(emit, F.optKind, kind);
      // tshark 4.0 writes the TCP-AO token before reading the option's value.
      if (kind === 29 && txt) ib.str("TCP AO");
      if (i + len > lim) {
        // tshark 4.0 reads a timestamp option field by field: TSval can show before the throw.
        if (kind === 8 && len === 10 && i + 6 <= lim) this.#putIf(emit, F.tsval, u32(b, base + i + 2));
        this.end = throwKind === OPT_MALFORMED ? OPT_CONTAINED : throwKind; return;
      }
      const o = base + i + 2;
      const fixed = FIXED_LEN[kind];
      const bad = fixed !== undefined && fixed !== len;
      // tshark 4.0 checks "MSS on a non-SYN" before the option's length.
      if (kind === 2 && !syn && emit) addExpert(ex, TcpExpert.mssPresent);
      if (bad && emit) ex.add(`option length should be ${fixed}`, Severity.Note, Group.Sequence);
      switch (kind) {
        case 2:
          this.sawMss = true;
          if (!bad) {
            const v = (b[o]! << 8) | b[o + 1]!;
            s.mss = v; this.#putIf(emit, F.mss, v); if (txt) { ib.ascii(T_MSS); ib.uint(v); }
          }
          break;
        case 3:
          if (!bad) {
            const shift = b[o]!, mult = 1 << (shift > 14 ? 14 : shift);
            s.wsShift = shift; this.#putIf(emit, F.wsShift, shift); this.#putIf(emit, F.wsMult, mult);
            if (txt) { ib.ascii(T_WS); ib.uint(mult); }
            if (emit && shift > 14) addExpert(ex, TcpExpert.wscaleInvalid);
          }
          break;
        case 4:
          s.sackPerm = true;
          if (emit && want[F.sackPerm] === 1) this.#putIf(emit, F.sackPerm, hexBytes(b, base + i, base + i + len));
          if (txt) ib.ascii(T_SACKPERM);
          break;
        case 5: {
          // SACK edges are shown relative to the peer's base, known only after the analysis.
          if (!emit) this.tokensOk = false;
          let k = o, count = 0, malformed = false;
          const end = base + i + len;
          let re1 = 0, le2 = 0, re2 = 0;
          while (k < end) {
            if (end - k < 4) { malformed = true; break; }
            const le = u32(b, k); k += 4;
            this.#putIf(emit, F.sackLe, ((le - ackBase) >>> 0));
            if (end - k < 4) { malformed = true; break; }
            const re = u32(b, k); k += 4;
            this.#putIf(emit, F.sackRe, ((re - ackBase) >>> 0));
            if (count === 0) re1 = re;
            else if (count === 1) { le2 = le; re2 = re; }
            if (s.sackCount < s.sackLeft.length && !emit) { s.sackLeft[s.sackCount] = le; s.sackRight[s.sackCount] = re; s.sackCount++; }
            if (txt) { ib.ascii(T_SLE); ib.uint((le - ackBase) >>> 0); ib.ascii(T_SRE); ib.uint((re - ackBase) >>> 0); }
            count++;
          }
          if (emit) {
            if (malformed) addExpert(ex, TcpExpert.suboptionMalformed);
            this.#putIf(emit, F.sackCount, count);
            if (count > 0 && (seqLe(re1, t.ackRaw) || (count >= 2 && seqLt(le2, re1) && seqLe(re1, re2)))) addExpert(ex, TcpExpert.dsack);
          }
          break;
        }
        case 8:
          if (!bad) {
            s.hasTimestamps = true;
            const tsval = u32(b, o), tsecr = u32(b, o + 4);
            this.#putIf(emit, F.tsval, tsval); this.#putIf(emit, F.tsecr, tsecr);
            if (txt && !this.#prefs.ignoreTcpTimestamps) { ib.ascii(T_TSVAL); ib.uint(tsval); ib.ascii(T_TSECR); ib.uint(tsecr); }
          }
          break;
        case 34:
          if (txt) ib.str(len === 2 ? " TFO=R" : " TFO=C");
          break;
        case 19:
          if (txt && !bad) ib.ascii(T_MD5);
          break;
        default:
      }
      i += len;
    }
  }
}

/** Fixed option lengths tshark 4.0 checks ("option length should be N"). */
const FIXED_LEN: ReadonlyArray<number | undefined> = (() => {
  const a: Array<number | undefined> = new Array<number | undefined>(256);
  a[2] = 4; a[3] = 3; a[4] = 2; a[6] = 6; a[7] = 6; a[8] = 10; a[11] = 6; a[12] = 6; a[13] = 6; a[19] = 18; a[27] = 8; a[28] = 4;
  return a;
})();

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
