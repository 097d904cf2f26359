/** Display-filter text → tokens → syntax tree. Knows nothing about fields: compile.ts checks
 *  names and literals. Errors carry tshark 4.0's wording and the span to underline. */

/** A compile-time failure; caught by compileFilter and turned into a FilterError. */
export class FilterSyntaxError extends Error {
  constructor(message: string, readonly column: number | undefined, readonly length: number) {
    super(message);
  }
}

/** Token kinds: a bare word (field name, number, address, keyword), a quoted string, an
 *  operator or punctuation, and the end of the text. */
export type TokenKind = "word" | "string" | "op" | "end";

/** One token with its span in the filter text (0-based, end exclusive). */
export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for strings: with the quotes). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Quoted strings only: the value after escapes, as bytes (UTF-8 for non-ASCII text). */
  readonly bytes?: Uint8Array;
  /** Quoted strings only: the value after escapes, as text (an escaped byte is one char). */
  readonly value?: string;
}

/** Operators, longest first so that `===` wins over `==`. `=`, `|` and `~` are lexed only to
 *  be reported as unexpected, as tshark does. */
const OPERATORS = ["===", "!==", "==", "!=", "<=", ">=", "&&", "||", "~=", "<", ">", "!", "&",
  "(", ")", "=", "|", "~"] as const;

const WORD_CHAR = /[A-Za-z0-9_.:\-/%]/;

/** Splits a filter into tokens; the last one is always `end`. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") { i++; continue; }
    if (c === "\"") { const t = lexString(text, i); out.push(t); i = t.end; continue; }
    if (c === "'") {
      throw new FilterSyntaxError("Character constants ('a') are not supported; use a string (\"a\") or a number.", i, 1);
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) { out.push({ kind: "op", text: op, start: i, end: i + op.length }); i += op.length; continue; }
    if (WORD_CHAR.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
      out.push({ kind: "word", text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    // Any other character: one token that the parser reports as unexpected.
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    out.push({ kind: "op", text: ch, start: i, end: i + ch.length });
    i += ch.length;
  }
  out.push({ kind: "end", text: "", start: text.length, end: text.length });
  return out;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  "\\": 0x5c, "\"": 0x22, "'": 0x27, "?": 0x3f, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b,
};
const isHex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);
const isOct = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "7";

/** A double-quoted string starting at `at`, with C escapes: \\ \" \' \? \a \b \f \n \r \t \v,
 *  \NNN (octal, ≤ 255) and \xHH (one or two hex digits). */
function lexString(text: string, at: number): Token {
  const bytes: number[] = [];
  let value = "";
  let i = at + 1;
  for (;;) {
    if (i >= text.length) throw new FilterSyntaxError("The final quote was missing from a quoted string.", text.length, 1);
    const c = text[i]!;
    if (c === "\"") break;
    if (c !== "\\") {
      const cp = text.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      value += s;
      utf8(cp, bytes);
      i += s.length;
      continue;
    }
    const e = text[i + 1];
    if (e !== undefined && SIMPLE_ESCAPES[e] !== undefined) {
      const b = SIMPLE_ESCAPES[e]!;
      bytes.push(b); value += String.fromCharCode(b); i += 2; continue;
    }
    if (isOct(e)) {
      let j = i + 1;
      while (j < i + 4 && isOct(text[j])) j++;
      const n = parseInt(text.slice(i + 1, j), 8);
      if (n > 255) throw new FilterSyntaxError(`${text.slice(i, j)} is larger than 255.`, i, j - i);
      bytes.push(n); value += String.fromCharCode(n); i = j; continue;
    }
    if (e === "x" && isHex(text[i + 2])) {
      const j = isHex(text[i + 3]) ? i + 4 : i + 3;
      const n = parseInt(text.slice(i + 2, j), 16);
      bytes.push(n); value += String.fromCharCode(n); i = j; continue;
    }
    const shown = e === undefined ? "\\" : "\\" + e;
    throw new FilterSyntaxError(`${shown} is not a valid character escape sequence`, i, shown.length);
  }
  return { kind: "string", text: text.slice(at, i + 1), start: at, end: i + 1, bytes: Uint8Array.from(bytes), value };
}

/** The UTF-8 bytes of a string. */
export function utf8Bytes(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) utf8(ch.codePointAt(0)!, out);
  return Uint8Array.from(out);
}

/** Appends the UTF-8 encoding of one code point. */
function utf8(cp: number, out: number[]): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Comparison operators after normalisation. `any_eq` is `==`, `all_ne` is `!=` (tshark 4.0:
 *  `a != b` is "a exists and no occurrence equals b"), `all_eq` is `===`, `any_ne` is `!==`. */
export type CompareOp = "any_eq" | "all_ne" | "all_eq" | "any_ne" | "lt" | "gt" | "le" | "ge" | "contains" | "matches";

/** Every spelling of each comparison. */
export const COMPARE_OPS: ReadonlyMap<string, CompareOp> = new Map<string, CompareOp>([
  ["==", "any_eq"], ["eq", "any_eq"], ["any_eq", "any_eq"],
  ["!=", "all_ne"], ["ne", "all_ne"], ["all_ne", "all_ne"],
  ["===", "all_eq"], ["all_eq", "all_eq"],
  ["!==", "any_ne"], ["~=", "any_ne"], ["any_ne", "any_ne"],
  ["<", "lt"], ["lt", "lt"], [">", "gt"], ["gt", "gt"], ["<=", "le"], ["le", "le"], [">=", "ge"], ["ge", "ge"],
  ["contains", "contains"], ["matches", "matches"], ["~", "matches"],
]);
const KEYWORDS = new Set(["and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "contains", "matches",
  "in", "any_eq", "all_ne", "all_eq", "any_ne"]);

/** The syntax tree. A `test` without `op` is an existence test (or a non-zero mask test). */
export type FilterNode =
  | { readonly t: "or" | "and"; readonly a: FilterNode; readonly b: FilterNode }
  | { readonly t: "not"; readonly a: FilterNode }
  | { readonly t: "test"; readonly lhs: Token; readonly mask: Token | undefined;
      readonly op: Token | undefined; readonly rhs: Token | undefined;
      /** `len(field)`: the function's name token. */
      readonly fn?: Token | undefined;
      /** `field[range]`: the range token (`0:2`, `1-3`, `4`, `:2`, `2:`). */
      readonly slice?: Token | undefined;
      /** `field in {a, b, lo..hi}`: the members (op is then the `in` token). */
      readonly set?: readonly SetMember[] | undefined };

/** One member of `in {…}`: a value, or the range `lo..hi` (both ends included). */
export interface SetMember { readonly lo: Token; readonly hi?: Token | undefined }

/** Parses a whole filter. Precedence, loosest first: or, and, not, comparison. */
export function parseFilter(text: string): FilterNode {
  const toks = tokenize(text);
  let p = 0;
  const peek = (): Token => toks[p]!;
  const isWord = (t: Token, w: string): boolean => t.kind === "word" && t.text === w;
  const unexpected = (t: Token): never => {
    if (t.kind === "end") throw new FilterSyntaxError("Unexpected end of filter expression.", undefined, 0);
    throw new FilterSyntaxError(`"${t.text}" was unexpected in this context.`, t.start, t.end - t.start);
  };
  const operand = (): Token => {
    const t = peek();
    if (t.kind === "string" || (t.kind === "word" && !KEYWORDS.has(t.text))) { p++; return t; }
    return unexpected(t);
  };
  const or = (): FilterNode => {
    let a = and();
    for (;;) {
      const t = peek();
      if (!(isWord(t, "or") || (t.kind === "op" && t.text === "||"))) return a;
      p++;
      a = { t: "or", a, b: and() };
    }
  };
  const and = (): FilterNode => {
    let a = unary();
    for (;;) {
      const t = peek();
      if (!(isWord(t, "and") || (t.kind === "op" && t.text === "&&"))) return a;
      p++;
      a = { t: "and", a, b: unary() };
    }
  };
  const unary = (): FilterNode => {
    const t = peek();
    if (isWord(t, "not") || (t.kind === "op" && t.text === "!")) { p++; return { t: "not", a: unary() }; }
    if (t.kind === "op" && t.text === "(") {
      p++;
      const inner = or();
      const close = peek();
      if (!(close.kind === "op" && close.text === ")")) unexpected(close);
      p++;
      return inner;
    }
    return test();
  };
  const isOp = (t: Token, o: string): boolean => t.kind === "op" && t.text === o;
  const expect = (o: string): void => { if (!isOp(peek(), o)) unexpected(peek()); p++; };
  /** A set member; `..` may stand alone or stick to either end (`1 .. 3`, `1..3`, `1.. 3`, `"a".."b"`). */
  const member = (): SetMember => {
    const lo = operand();
    const dots = lo.kind === "word" ? lo.text.indexOf("..") : -1;
    if (dots > 0) {
      const a: Token = { ...lo, text: lo.text.slice(0, dots), end: lo.start + dots };
      if (dots + 2 < lo.text.length) return { lo: a, hi: { ...lo, text: lo.text.slice(dots + 2), start: lo.start + dots + 2 } };
      return { lo: a, hi: operand() };
    }
    const t = peek();
    if (t.kind !== "word" || !t.text.startsWith("..")) return { lo };
    p++;
    if (t.text === "..") return { lo, hi: operand() };
    return { lo, hi: { ...t, text: t.text.slice(2), start: t.start + 2 } };
  };
  const test = (): FilterNode => {
    let fn: Token | undefined;
    if (peek().kind === "word" && peek().text === "len" && isOp(toks[p + 1]!, "(")) { fn = peek(); p += 2; }
    const lhs = operand();
    if (fn !== undefined && (lhs.kind !== "word" || /^[0-9]/.test(lhs.text))) {
      throw new FilterSyntaxError("Only fields can be used as parameter for len()", lhs.start, 1);
    }
    if (fn !== undefined && isOp(peek(), "[")) throw new FilterSyntaxError("Only fields can be used as parameter for len()", undefined, 0);
    if (fn !== undefined) expect(")");
    let slice: Token | undefined;
    if (isOp(peek(), "[")) {
      // As tshark 4.0.17 lexes a slice: everything up to the next ']' is the range.
      const open = peek().end, close = text.indexOf("]", open);
      if (close < 0) throw new FilterSyntaxError("The right bracket was missing from a slice.", text.length, 1);
      const raw = text.slice(open, close), lead = raw.length - raw.trimStart().length;
      slice = { kind: "word", text: raw.trim(), start: open + lead, end: open + lead + raw.trim().length };
      while (peek().kind !== "end" && peek().start <= close) p++;
    }
    let mask: Token | undefined;
    if (isOp(peek(), "&")) { p++; mask = operand(); }
    const t = peek();
    if (isWord(t, "in")) {
      p++;
      expect("{");
      const set: SetMember[] = [];
      for (;;) {
        set.push(member());
        if (isOp(peek(), ",")) { p++; continue; }
        if (isOp(peek(), "}")) { p++; break; }
        unexpected(peek());
      }
      return { t: "test", lhs, mask, op: t, rhs: undefined, fn, slice, set };
    }
    if ((t.kind === "word" || t.kind === "op") && COMPARE_OPS.has(t.text)) {
      p++;
      return { t: "test", lhs, mask, op: t, rhs: operand(), fn, slice };
    }
    return { t: "test", lhs, mask, op: undefined, rhs: undefined, fn, slice };
  };
  const root = or();
  if (peek().kind !== "end") unexpected(peek());
  return root;
}
