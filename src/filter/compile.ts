/** Display filter → closure tree. Names and literals are checked and converted once here;
 *  `matches(frame)` then runs without allocating (two scratch arrays per compiled filter). */
import {
  fail, parseByteString, parseFloatLiteral, parseInteger, parseIpv4, parseIpv6, parseTime, typeName,
} from "./literals.js";
import { parseAbsoluteTime } from "./dates.js";
import { COMPARE_OPS, FilterSyntaxError, parseFilter, utf8Bytes, type CompareOp, type FilterNode, type SetMember, type Token } from "./parse.js";
import type {
  CompileResult, DisplayFilter, FilterFieldInfo, FilterFields, FilterFrame, FilterKind, FilterValue,
} from "./types.js";

/** Names that stand for "either of two fields" when the registry does not define them itself. */
export const FILTER_ALIASES: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["ip.addr", ["ip.src", "ip.dst"]],
  ["ipv6.addr", ["ipv6.src", "ipv6.dst"]],
  ["tcp.port", ["tcp.srcport", "tcp.dstport"]],
  ["udp.port", ["udp.srcport", "udp.dstport"]],
  ["eth.addr", ["eth.src", "eth.dst"]],
]);

/** Compiles `text` against the known `fields`. An empty (or blank) filter matches every frame. */
export function compileFilter<F extends FilterFieldInfo>(text: string, fields: FilterFields<F>): CompileResult<F> {
  try {
    if (text.trim() === "") return { ok: true, filter: { text, fields: [], matches: () => true } };
    const tree = parseFilter(text);
    const c = new Compiler(fields);
    const pred = c.node(tree);
    const filter: DisplayFilter<F> = { text, fields: c.used, matches: pred };
    return { ok: true, filter };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, message: e.message, column: e.column, length: e.length };
    throw e;
  }
}

/** The lines to print for a failed compile, as tshark lays them out: the message, then (when
 *  there is a span) the filter indented by four spaces and a `^~~~` line under the span. */
export function formatFilterError(text: string, err: { message: string; column: number | undefined; length: number }): string[] {
  if (err.column === undefined) return [err.message];
  return [err.message, "    " + text, "    " + " ".repeat(err.column) + "^" + "~".repeat(Math.max(0, err.length - 1))];
}

/** tshark 4.0.17's type names in "FT_… cannot &." for the kinds a mask never applies to. */
const NO_MASK_FT: Partial<Record<FilterKind, string>> = {
  bool: "FT_BOOLEAN", time: "FT_RELATIVE_TIME", abstime: "FT_ABSOLUTE_TIME", string: "FT_STRING",
  flag: "FT_NONE", protocol: "FT_PROTOCOL", float: "FT_DOUBLE",
};

type Pred<F extends FilterFieldInfo> = (frame: FilterFrame<F>) => boolean;
/** Orders one occurrence against a literal: <0, 0, >0, or NaN when they never compare. */
type Cmp = (v: FilterValue) => number;
/** Orders two occurrences of compatible fields. */
type PairCmp = (a: FilterValue, b: FilterValue) => number;

interface FieldRef<F> {
  readonly name: string; readonly parts: readonly F[]; readonly kind: FilterKind; readonly bytes: number | undefined;
  /** `len(f)` or `f[range]`: maps each occurrence before it is compared. */
  readonly xf?: ((v: FilterValue) => FilterValue | undefined) | undefined;
}

const numCmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
const strCmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lexicographic byte order, shorter first on a common prefix. */
function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return numCmp(a.length, b.length);
}

/** True when `needle` occurs in `hay`. */
function bytesContain(hay: Uint8Array, needle: Uint8Array): boolean {
  const last = hay.length - needle.length;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Families whose members may be compared with each other. */
function family(kind: FilterKind): string {
  return kind === "uint" || kind === "int" ? "int" : kind === "protocol" ? "bytes" : kind;
}

/** The bytes of an occurrence (strings as UTF-8), for slices and len(). */
function asBytes(v: FilterValue): Uint8Array {
  return typeof v === "string" ? utf8Bytes(v) : typeof v === "number" ? new Uint8Array(0) : v;
}

/** `[range]` of a byte sequence: `i:n` (n from i), `i-j` (inclusive), `i`, `:n`, `i:`; a
 *  negative offset counts from the end. tshark 4.0.17: an occurrence the range does not fit in
 *  wholly (`eth.src[6:]`, `eth.src[4:3]`, `eth.src[-7:1]`) is left out (undefined). */
function sliceFn(text: string): ((b: Uint8Array) => Uint8Array | undefined) | undefined {
  const num = (t: string): number | undefined => (/^-?\d+$/.test(t) ? Number(t) : undefined);
  const start = (i: number, len: number): number => (i < 0 ? len + i : i);
  let m: RegExpExecArray | null;
  if ((m = /^(-?\d*):(\d*)$/.exec(text)) !== null) {
    const i = m[1] === "" ? 0 : num(m[1]!), n = m[2] === "" ? undefined : num(m[2]!);
    if (i === undefined) return undefined;
    return (b) => {
      const s = start(i, b.length), e = n === undefined ? b.length : s + n;
      return s < 0 || s >= b.length || e > b.length ? undefined : b.subarray(s, e);
    };
  }
  if ((m = /^(-?\d+)-(\d+)$/.exec(text)) !== null) {
    const i = num(m[1]!)!, j = num(m[2]!)!;
    return (b) => { const s = start(i, b.length); return s < 0 || j < s || j >= b.length ? undefined : b.subarray(s, j + 1); };
  }
  const i = num(text);
  if (i === undefined) return undefined;
  return (b) => { const s = start(i, b.length); return s < 0 || s >= b.length ? undefined : b.subarray(s, s + 1); };
}

/** The pairwise order for a kind (bool: by truth value). */
function pairCmpFor(kind: FilterKind): PairCmp {
  switch (kind) {
    case "bool": return (a, b) => numCmp((a as number) !== 0 ? 1 : 0, (b as number) !== 0 ? 1 : 0);
    case "ipv6": case "bytes": case "protocol": case "ether": return (a, b) => bytesCmp(a as Uint8Array, b as Uint8Array);
    case "string": return (a, b) => strCmp(a as string, b as string);
    default: return (a, b) => numCmp(a as number, b as number);
  }
}

class Compiler<F extends FilterFieldInfo> {
  readonly used: F[] = [];
  readonly #fields: FilterFields<F>;
  readonly #lbuf: FilterValue[] = [];
  readonly #rbuf: FilterValue[] = [];

  constructor(fields: FilterFields<F>) { this.#fields = fields; }

  node(n: FilterNode): Pred<F> {
    switch (n.t) {
      case "or": { const a = this.node(n.a), b = this.node(n.b); return (f) => a(f) || b(f); }
      case "and": { const a = this.node(n.a), b = this.node(n.b); return (f) => a(f) && b(f); }
      case "not": { const a = this.node(n.a); return (f) => !a(f); }
      case "test": return this.#test(n.lhs, n.mask, n.op, n.rhs, n.fn, n.slice, n.set);
    }
  }

  /** The field (or alias) called `name`, or undefined. */
  #resolve(name: string): FieldRef<F> | undefined {
    const direct = this.#fields.lookup(name);
    let parts: F[];
    if (direct !== undefined) parts = [direct];
    else {
      const alias = FILTER_ALIASES.get(name);
      if (alias === undefined) return undefined;
      const a = this.#fields.lookup(alias[0]), b = this.#fields.lookup(alias[1]);
      if (a === undefined || b === undefined) return undefined;
      parts = [a, b];
    }
    for (const p of parts) if (!this.used.includes(p)) this.used.push(p);
    return { name, parts, kind: parts[0]!.kind, bytes: parts[0]!.bytes };
  }

  /** `len(f)` and `f[range]` applied to a resolved field. */
  #transformed(ref: FieldRef<F>, lhs: Token, fn: Token | undefined, slice: Token | undefined): FieldRef<F> {
    const byteKinds: readonly FilterKind[] = ["bytes", "protocol", "ether", "ipv6", "string"];
    let r = ref;
    if (slice !== undefined) {
      if (!byteKinds.includes(r.kind)) fail(`"${ref.name}" is a ${typeName(r.kind, r.bytes)} and cannot be sliced into a sequence of bytes.`, lhs);
      const cut = sliceFn(slice.text);
      if (cut === undefined) fail(/^[^:-]+$/.test(slice.text) ? `"${slice.text}" is not a valid number.` : `"${slice.text}" is not a valid range.`, slice);
      r = { ...r, kind: "bytes", bytes: undefined, xf: (v) => cut(asBytes(v)) };
    }
    if (fn !== undefined) {
      // tshark 4.0.17: len() of an integer or IPv4 address is its width in bytes (len(ip.ttl) == 1,
      // len(tcp.seq) == 4); of a boolean, a time or a label it is 0.
      const inner = r.xf;
      const width = r.kind === "uint" || r.kind === "int" ? r.bytes ?? 4 : r.kind === "ipv4" ? 4 : 0;
      const len = (v: FilterValue): number => (typeof v === "string" ? utf8Bytes(v).length : typeof v === "number" ? width : v.length);
      r = { ...r, kind: "uint", bytes: 4, xf: inner === undefined ? len : (v) => { const x = inner(v); return x === undefined ? x : len(x); } };
    }
    return r;
  }

  #test(lhs: Token, maskTok: Token | undefined, opTok: Token | undefined, rhs: Token | undefined,
      fn?: Token, slice?: Token, set?: readonly SetMember[]): Pred<F> {
    if (maskTok === undefined && opTok === undefined) {
      const ref0 = lhs.kind === "word" ? this.#resolve(lhs.text) : undefined;
      if (ref0 === undefined) fail(`${lhs.text} is neither a field nor a protocol name.`, lhs);
      if (fn !== undefined) fail("You cannot test whether a function is present.", fn);
      const ref = this.#transformed(ref0, lhs, fn, slice);
      if (fn !== undefined) fail("You cannot test whether a function is present.", fn);
      return this.#gatherer(ref, this.#lbuf, undefined, (n) => n > 0);
    }
    const shownOp = opTok === undefined ? "\"&\"" : opTok.text === "contains" || opTok.text === "matches" || opTok.text === "in" ? opTok.text : `"${opTok.text}"`;
    const ref0 = lhs.kind === "word" ? this.#resolve(lhs.text) : undefined;
    if (ref0 === undefined) fail(`Left side of ${shownOp} expression must be a field or function, not ${lhs.text}.`, lhs);
    const ref = this.#transformed(ref0, lhs, fn, slice);
    let mask: number | undefined;
    if (maskTok !== undefined) {
      const ft = NO_MASK_FT[ref.kind];
      if (ft !== undefined) fail(`${ft} cannot &.`, lhs);
      if (ref.kind !== "uint" && ref.kind !== "int") {
        fail(`${ref.name} (type=${typeName(ref.kind, ref.bytes)}) cannot be used with &.`, lhs);
      }
      mask = this.#integer(ref, maskTok);
    }
    const refM: FieldRef<F> = mask === undefined ? ref : { ...ref, kind: "uint" };
    if (opTok === undefined || (rhs === undefined && set === undefined)) {
      const lb = this.#lbuf;
      return this.#gatherer(ref, lb, mask, (n) => { for (let i = 0; i < n; i++) if (lb[i] !== 0) return true; return false; });
    }
    if (set !== undefined) {
      if (ref.kind === "flag") fail(`${ref.name} (type=Label) cannot participate in membership comparison.`, lhs);
      const tests = set.map((tok) => this.#member(refM, tok));
      const lb = this.#lbuf;
      return this.#gatherer(ref, lb, mask, (n) => {
        for (let i = 0; i < n; i++) for (let k = 0; k < tests.length; k++) if (tests[k]!(lb[i]!)) return true;
        return false;
      });
    }
    if (rhs === undefined) return fail("Unexpected end of filter expression.", opTok);
    const op = COMPARE_OPS.get(opTok.text)!;
    if (ref.kind === "flag") fail(`${ref.name} (type=Label) cannot participate in ${opTok.text} comparison.`, lhs);
    if (op === "matches") {
      if (refM.kind !== "string" && refM.kind !== "bytes" && refM.kind !== "protocol") {
        fail(`${ref.name} (type=${typeName(refM.kind, refM.bytes)}) cannot participate in matches comparison.`, lhs);
      }
      const re = this.#regex(rhs);
      const lb = this.#lbuf;
      const latin1 = (b: Uint8Array): string => { let s = ""; for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!); return s; };
      return this.#gatherer(ref, lb, mask, (n) => {
        for (let i = 0; i < n; i++) { const v = lb[i]!; if (re.test(typeof v === "string" ? v : latin1(v as Uint8Array))) return true; }
        return false;
      });
    }
    if (op === "contains" && refM.kind !== "bytes" && refM.kind !== "string" && refM.kind !== "protocol") {
      fail(`${ref.name} (type=${typeName(refM.kind, refM.bytes)}) cannot participate in contains comparison.`, lhs);
    }
    const rref = rhs.kind === "word" ? this.#resolve(rhs.text) : undefined;
    if (rref !== undefined) {
      if (rref.kind === "flag" || family(rref.kind) !== family(refM.kind)) {
        fail(`${ref.name} and ${rref.name} are not of compatible types.`, rhs);
      }
      return this.#fieldPair(ref, mask, op, rref);
    }
    const lb = this.#lbuf;
    if (op === "contains") {
      const occ = this.#containsLiteral(refM, rhs);
      return this.#gatherer(ref, lb, mask, (n) => { for (let i = 0; i < n; i++) if (occ(lb[i]!)) return true; return false; });
    }
    const cmp = this.#literal(refM, rhs);
    return this.#gatherer(ref, lb, mask, quantify(op, cmp, lb));
  }

  /** One member of `in {…}`: a value, or `lo..hi` (both ends included). */
  #member(ref: FieldRef<F>, m: SetMember): (v: FilterValue) => boolean {
    if (m.hi !== undefined) {
      const a = this.#literal(ref, m.lo), b = this.#literal(ref, m.hi);
      return (v) => a(v) >= 0 && b(v) <= 0;
    }
    const c = this.#literal(ref, m.lo);
    return (v) => c(v) === 0;
  }

  /** A `matches` pattern (PCRE-style; a leading `(?i)` becomes the case-insensitive flag). */
  #regex(tok: Token): RegExp {
    let src = tok.kind === "string" ? tok.value! : tok.text, flags = "s";
    if (src.startsWith("(?i)")) { src = src.slice(4); flags += "i"; }
    try { return new RegExp(src, flags); } catch (e) { return fail(`"${src}" is not a valid regular expression: ${(e as Error).message}`, tok); }
  }

  /** Runs `then(count)` after writing the field's occurrences (masked, when `mask` is set) to `buf`. */
  #gatherer(ref: FieldRef<F>, buf: FilterValue[], mask: number | undefined, then: (n: number) => boolean): Pred<F> {
    const parts = ref.parts, xf = ref.xf;
    if (xf !== undefined) {
      return (f) => {
        let n = 0;
        for (let i = 0; i < parts.length; i++) n += f.values(parts[i]!, buf, n);
        n = mapOccurrences(buf, n, xf);
        if (mask !== undefined) for (let i = 0; i < n; i++) buf[i] = ((buf[i] as number) & mask) >>> 0;
        return then(n);
      };
    }
    if (parts.length === 1 && mask === undefined) {
      const p0 = parts[0]!;
      return (f) => then(f.values(p0, buf, 0));
    }
    return (f) => {
      let n = 0;
      for (let i = 0; i < parts.length; i++) n += f.values(parts[i]!, buf, n);
      if (mask !== undefined) for (let i = 0; i < n; i++) buf[i] = ((buf[i] as number) & mask) >>> 0;
      return then(n);
    };
  }

  /** A comparison of two fields: true when some pair of occurrences satisfies it (for != and
   *  ===: when both exist and every pair does). */
  #fieldPair(ref: FieldRef<F>, mask: number | undefined, op: CompareOp, rref: FieldRef<F>): Pred<F> {
    const lb = this.#lbuf, rb = this.#rbuf;
    const lparts = ref.parts, rparts = rref.parts;
    const kind = mask === undefined ? ref.kind : "uint";
    const cmp = pairCmpFor(kind);
    type PairTest = (a: FilterValue, b: FilterValue) => boolean;
    const test: PairTest = op === "contains"
      ? (kind === "string" ? (a, b) => (a as string).includes(b as string) : (a, b) => bytesContain(a as Uint8Array, b as Uint8Array))
      : op === "any_eq" || op === "all_eq" ? (a, b) => cmp(a, b) === 0
      : op === "all_ne" || op === "any_ne" ? (a, b) => cmp(a, b) !== 0
      : op === "lt" ? (a, b) => cmp(a, b) < 0 : op === "gt" ? (a, b) => cmp(a, b) > 0
      : op === "le" ? (a, b) => cmp(a, b) <= 0 : (a, b) => cmp(a, b) >= 0;
    const wantAll = op === "all_ne" || op === "all_eq";
    return (f) => {
      let n = 0;
      for (let i = 0; i < lparts.length; i++) n += f.values(lparts[i]!, lb, n);
      if (ref.xf !== undefined) n = mapOccurrences(lb, n, ref.xf);
      if (n === 0) return false;
      if (mask !== undefined) for (let i = 0; i < n; i++) lb[i] = ((lb[i] as number) & mask) >>> 0;
      let m = 0;
      for (let i = 0; i < rparts.length; i++) m += f.values(rparts[i]!, rb, m);
      if (m === 0) return false;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) if (test(lb[i]!, rb[j]!) !== wantAll) return !wantAll;
      }
      return wantAll;
    };
  }

  /** An integer literal for an integer field, range-checked against its width. */
  #integer(ref: FieldRef<F>, tok: Token): number {
    if (tok.kind === "string") fail(`${typeName(ref.kind, ref.bytes)} cannot be converted from a string (${tok.text}).`, tok);
    const v = parseInteger(tok.text);
    if (v === undefined) {
      // tshark 4.0.17 reads a leading '-' as unary minus and reports the operand after it.
      if (tok.text.startsWith("-") && tok.text.length > 1) {
        throw new FilterSyntaxError(`"${tok.text.slice(1)}" is not a valid number.`, tok.start + 1, tok.end - tok.start - 1);
      }
      fail(`"${tok.text}" is not a valid number.`, tok);
    }
    const bits = BigInt(8 * (ref.bytes ?? 4));
    if (ref.kind === "int") {
      const max = (1n << (bits - 1n)) - 1n, min = -(1n << (bits - 1n));
      if (v > max) fail(`"${tok.text}" too big for this field, maximum ${max}.`, tok);
      if (v < min) fail(`"${tok.text}" too small for this field, minimum ${min}.`, tok);
    } else {
      const max = (1n << bits) - 1n;
      if (v > max) fail(`"${tok.text}" too big for this field, maximum ${max}.`, tok);
      // tshark 4.0 accepts a negative literal for an unsigned field; it then equals nothing
      // and orders against nothing, so only != and !== hold. NaN reproduces that.
      if (v < 0n) return Number.NaN;
    }
    return Number(v);
  }

  /** A literal for an ordered comparison, as a function ordering one occurrence against it. */
  #literal(ref: FieldRef<F>, tok: Token): Cmp {
    const word = tok.kind === "word" ? tok.text : undefined;
    const fromString = (): never => fail(`${typeName(ref.kind, ref.bytes)} cannot be converted from a string (${tok.text}).`, tok);
    switch (ref.kind) {
      case "uint": case "int": {
        const lit = this.#integer(ref, tok);
        return (v) => ((v as number) < lit ? -1 : (v as number) > lit ? 1 : (v as number) === lit ? 0 : Number.NaN);
      }
      case "bool": {
        const text = word ?? tok.value!;
        // tshark 4.0 reads `-1` as unary minus applied to `1`, and underlines the operand.
        if (word !== undefined && word.startsWith("-")) {
          throw new FilterSyntaxError("FT_BOOLEAN cannot -.", tok.start + 1, tok.end - tok.start - 1);
        }
        let lit: number;
        if (text === "True" || text === "TRUE") lit = 1;
        else if (text === "False" || text === "FALSE") lit = 0;
        else {
          const n = word === undefined ? undefined : parseInteger(word);
          if (n === undefined) fail(`"${text}" cannot be found among the possible values for ${ref.name}.`, tok);
          lit = n !== 0n ? 1 : 0;
        }
        return (v) => numCmp((v as number) !== 0 ? 1 : 0, lit);
      }
      case "ipv4": {
        if (word === undefined) return fromString();
        const { addr, prefix } = this.#splitPrefix(tok, "FT_IPv4", 32,
          (p) => `Netmask bits in a CIDR IPv4 address should be <= 32, not ${p}`);
        const a = parseIpv4(addr);
        if (a === undefined) fail(`"${addr}" is not a valid hostname or IPv4 address.`, tok, addr.length);
        if (prefix === 32) return (v) => numCmp(v as number, a);
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const net = (a & mask) >>> 0;
        return (v) => numCmp(((v as number) & mask) >>> 0, net);
      }
      case "ipv6": {
        if (word === undefined) return fromString();
        const pct = word.indexOf("%");
        if (pct >= 0) fail("FT_IPv6 cannot %.", tok, pct);
        const { addr, prefix } = this.#splitPrefix(tok, "FT_IPv6", 128,
          (p) => `Prefix in a IPv6 address should be <= 128, not ${p}`);
        const a = parseIpv6(addr);
        if (a === undefined) fail(`"${addr}" is not a valid hostname or IPv6 address.`, tok, addr.length);
        if (prefix === 128) return (v) => bytesCmp(v as Uint8Array, a);
        return (v) => {
          const b = v as Uint8Array;
          for (let i = 0; i < 16; i++) {
            const keep = i * 8 >= prefix ? 0 : i * 8 + 8 <= prefix ? 0xff : (0xff << (8 - (prefix - i * 8))) & 0xff;
            const x = b[i]! & keep, y = a[i]! & keep;
            if (x !== y) return x < y ? -1 : 1;
          }
          return 0;
        };
      }
      case "time": case "float": {
        if (word === undefined) return fromString();
        const lit = ref.kind === "time" ? parseTime(word) : parseFloatLiteral(word);
        if (lit === undefined) fail(`"${word}" is not a valid ${ref.kind === "time" ? "time" : "number"}.`, tok);
        return (v) => numCmp(v as number, lit);
      }
      case "abstime": {
        const lit = parseAbsoluteTime(word ?? tok.value!);
        if (typeof lit !== "number") fail(lit.error, tok);
        return (v) => numCmp(v as number, lit);
      }
      case "string": {
        const lit = word ?? tok.value!;
        return (v) => strCmp(v as string, lit);
      }
      case "bytes": case "protocol": {
        const lit = this.#bytes(tok);
        return (v) => bytesCmp(v as Uint8Array, lit);
      }
      case "ether": {
        if (word === undefined) return fromString();
        const lit = parseByteString(word);
        if (lit === undefined) fail(`"${word}" is not a valid Ethernet address.`, tok);
        if (lit.length !== 6) fail(`"${word}" contains too ${lit.length < 6 ? "few" : "many"} bytes to be a valid Ethernet address.`, tok);
        return (v) => bytesCmp(v as Uint8Array, lit);
      }
      case "flag": return fail(`${ref.name} (type=Label) cannot participate in comparisons.`, tok);
    }
  }

  /** `addr/prefix` split for IPv4/IPv6 literals, with tshark's messages for a bad prefix. */
  #splitPrefix(tok: Token, ft: string, maxBits: number, tooBig: (p: string) => string): { addr: string; prefix: number } {
    const w = tok.text;
    const slash = w.indexOf("/");
    if (slash < 0) return { addr: w, prefix: maxBits };
    const bitsText = w.slice(slash + 1);
    if (!/^[0-9]+$/.test(bitsText)) fail(`${ft} cannot /.`, tok, w.lastIndexOf("/"));
    const bits = parseInteger(bitsText);
    if (bits === undefined) fail(`"${bitsText}" is not a valid number.`, tok);
    if (bits > BigInt(maxBits)) fail(tooBig(bitsText), tok);
    return { addr: w.slice(0, slash), prefix: Number(bits) };
  }

  #bytes(tok: Token): Uint8Array {
    if (tok.kind === "string") return tok.bytes!;
    const b = parseByteString(tok.text);
    if (b === undefined) fail(`"${tok.text}" is not a valid byte string.`, tok);
    return b;
  }

  /** The occurrence test for `contains` against a literal. */
  #containsLiteral(ref: FieldRef<F>, tok: Token): (v: FilterValue) => boolean {
    if (ref.kind === "string") {
      const lit = tok.kind === "string" ? tok.value! : tok.text;
      return (v) => (v as string).includes(lit);
    }
    const lit = this.#bytes(tok);
    return (v) => bytesContain(v as Uint8Array, lit);
  }
}

/** Applies `xf` to buf[0..n), leaving out the occurrences it maps to undefined; the new count. */
function mapOccurrences(buf: FilterValue[], n: number, xf: (v: FilterValue) => FilterValue | undefined): number {
  let m = 0;
  for (let i = 0; i < n; i++) { const x = xf(buf[i]!); if (x !== undefined) buf[m++] = x; }
  return m;
}

/** The multi-occurrence rule of tshark 4.0 for each operator: == and the orderings hold when
 *  any occurrence does; != when the field exists and no occurrence equals; === when it exists
 *  and all equal; !== when any occurrence differs. */
function quantify(op: CompareOp, cmp: Cmp, buf: FilterValue[]): (n: number) => boolean {
  switch (op) {
    case "any_eq": return (n) => { for (let i = 0; i < n; i++) if (cmp(buf[i]!) === 0) return true; return false; };
    case "all_ne": return (n) => { if (n === 0) return false; for (let i = 0; i < n; i++) if (cmp(buf[i]!) === 0) return false; return true; };
    case "all_eq": return (n) => { if (n === 0) return false; for (let i = 0; i < n; i++) if (cmp(buf[i]!) !== 0) return false; return true; };
    case "any_ne": return (n) => { for (let i = 0; i < n; i++) if (cmp(buf[i]!) !== 0) return true; return false; };
    case "lt": return (n) => { for (let i = 0; i < n; i++) if (cmp(buf[i]!) < 0) return true; return false; };
    case "gt": return (n) => { for (let i = 0; i < n; i++) if (cmp(buf[i]!) > 0) return true; return false; };
    case "le": return (n) => { for (let i = 0; i < n; i++) if (cmp(buf[i]!) <= 0) return true; return false; };
    case "ge": return (n) => { for (let i = 0; i < n; i++) if (cmp(buf[i]!) >= 0) return true; return false; };
    case "contains": case "matches": return () => false;
  }
}
