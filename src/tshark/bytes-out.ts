/** A growable output byte buffer that text is written into directly (UTF-8), reused for a whole
 *  capture: numbers and addresses go in digit by digit instead of through String()/join, so the
 *  per-packet rows of `synack read` allocate nothing (STYLE §5). The owner takes `buf[0, len)` and
 *  calls `reset()` (e.g. after writing it to stdout). */
import { ipv6ZeroRun } from "../decode/index.js";

/** A host's UTF-8 encoder (the same bytes as ByteOut.str's loop, TextEncoder's): writes `s` into `buf`
 *  from `at` (room for 3 bytes a code unit is there) and returns the bytes written. */
export type Utf8Encoder = (s: string, buf: Uint8Array, at: number) => number;
let nativeEncode: Utf8Encoder | undefined;
/** From this many code units on, str() hands the string to the native encoder (below it the loop
 *  wins: a native call costs ~100 ns). */
const NATIVE_MIN = 256;
/** Installs (or with undefined removes) the native encoder str() uses for long strings. The core has
 *  no TextEncoder (lib ES2022): the CLI installs one. */
export function setUtf8Encoder(fn: Utf8Encoder | undefined): void { nativeEncode = fn; }

export class ByteOut {
  buf: Uint8Array;
  len = 0;

  constructor(capacity = 1 << 16) { this.buf = new Uint8Array(capacity); }

  reset(): void { this.len = 0; }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  /** One byte (ASCII). */
  byte(c: number): void {
    if (this.len >= this.buf.length) this.ensure(1);
    this.buf[this.len++] = c;
  }

  /** A string as UTF-8 (surrogate pairs combined; a lone surrogate becomes U+FFFD, as TextEncoder does). */
  str(s: string): void {
    const n = s.length;
    this.ensure(n * 3);
    // Long text (a -V tree, a JSON packet) through the host's native encoder when one is installed.
    if (n >= NATIVE_MIN && nativeEncode !== undefined) { this.len += nativeEncode(s, this.buf, this.len); return; }
    const b = this.buf;
    let o = this.len;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) { b[o++] = c; continue; }
      if (c < 0x800) { b[o++] = 0xc0 | (c >> 6); b[o++] = 0x80 | (c & 63); continue; }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          b[o++] = 0xf0 | (c >> 18); b[o++] = 0x80 | ((c >> 12) & 63); b[o++] = 0x80 | ((c >> 6) & 63); b[o++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      b[o++] = 0xe0 | (c >> 12); b[o++] = 0x80 | ((c >> 6) & 63); b[o++] = 0x80 | (c & 63);
    }
    this.len = o;
  }

  /** Bytes copied as they are. */
  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** `n` bytes of `src` from `from`, copied byte by byte (short runs: no subarray view). */
  copy(src: Uint8Array, from: number, n: number): void {
    if (this.len + n > this.buf.length) this.ensure(n);
    const b = this.buf;
    // A byte loop costs ~0.9 ns a byte, set() ~50 ns whatever the length (measured on this machine).
    if (n > 64) { b.set(src.subarray(from, from + n), this.len); this.len += n; return; }
    let o = this.len;
    for (let i = from, end = from + n; i < end; i++) b[o++] = src[i]!;
    this.len = o;
  }

  /** ASCII bytes made once (`asciiBytes`), e.g. a constant token: faster than `str` for short text. */
  ascii(src: Uint8Array): void {
    const n = src.length;
    if (this.len + n > this.buf.length) this.ensure(n);
    const b = this.buf;
    let o = this.len;
    for (let i = 0; i < n; i++) b[o++] = src[i]!;
    this.len = o;
  }

  /** What `other` holds. */
  append(other: ByteOut): void { this.copy(other.buf, 0, other.len); }

  /** ` → ` (U+2192 between spaces), the Info column's and summary line's arrow. */
  arrow(): void {
    this.ensure(5);
    const b = this.buf, o = this.len;
    b[o] = 32; b[o + 1] = 0xe2; b[o + 2] = 0x86; b[o + 3] = 0x92; b[o + 4] = 32;
    this.len = o + 5;
  }

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    if (this.len + 16 > this.buf.length) this.ensure(16);
    this.len = putUint(this.buf, this.len, n);
  }

  /** A number as `String(n)` prints it (integers fast, anything else through String). */
  num(n: number): void {
    if (Number.isSafeInteger(n)) {
      if (n >= 0) this.uint(n);
      else if (n === 0) this.byte(48);
      else { this.byte(45); this.uint(-n); }
    } else this.str(String(n));
  }

  /** Exactly `width` decimal digits of a non-negative integer below 10^width (zero-padded). */
  digits(n: number, width: number): void {
    this.ensure(width);
    this.len = putDigits(this.buf, this.len, n, width);
  }

  /** Dotted quad of an IPv4 address held as a uint32. */
  ipv4(a: number): void {
    if (this.len + 16 > this.buf.length) this.ensure(16);
    this.len = putIpv4(this.buf, this.len, a);
  }

  /** RFC 5952 text of the IPv6 address in the 16 bytes at `at`, as `formatIpv6` (src/decode)
   *  writes it: lowercase hex without leading zeros, the longest run (first on ties) of two or more
   *  zero groups as `::`, `::ffff:a.b.c.d` and `::a.b.c.d` (7th group non-zero) for IPv4-mapped
   *  and IPv4-compatible addresses. */
  ipv6(src: Uint8Array, at: number): void {
    if (this.len + IPV6_MAX > this.buf.length) this.ensure(IPV6_MAX);
    this.len = putIpv6(this.buf, this.len, src, at);
  }

  /** A non-negative integer in lowercase hex without leading zeros. */
  hex(n: number): void {
    this.ensure(8);
    this.len = putHex(this.buf, this.len, n);
  }

  /** The bytes written since `from` as a string (UTF-8 decoded), for callers that want text. */
  text(from = 0): string {
    const b = this.buf, end = this.len;
    let s = "";
    let ascii = true;
    for (let i = from; i < end; i++) if (b[i]! >= 0x80) { ascii = false; break; }
    if (ascii) {
      for (let i = from; i < end; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
      return s;
    }
    for (let i = from; i < end;) {
      const c = b[i]!;
      let cp: number;
      if (c < 0x80) { cp = c; i++; }
      else if (c < 0xe0) { cp = ((c & 31) << 6) | (b[i + 1]! & 63); i += 2; }
      else if (c < 0xf0) { cp = ((c & 15) << 12) | ((b[i + 1]! & 63) << 6) | (b[i + 2]! & 63); i += 3; }
      else { cp = ((c & 7) << 18) | ((b[i + 1]! & 63) << 12) | ((b[i + 2]! & 63) << 6) | (b[i + 3]! & 63); i += 4; }
      s += String.fromCodePoint(cp);
    }
    return s;
  }
}

const GROUPS = new Array<number>(8).fill(0);
const HEX_DIGITS = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** Decimal digits of a non-negative integer (at least 1). */
function decimalDigits(n: number): number {
  let d = 1;
  for (let p = 10; p <= n; p *= 10) d++;
  return d;
}
/** "00" … "99" as ASCII byte pairs. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + ((i & 1) === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** The bytes of an ASCII string, for `ByteOut.ascii`. */
export function asciiBytes(s: string): Uint8Array { return Uint8Array.from(s, (c) => c.charCodeAt(0)); }

// ---- cursor writers ------------------------------------------------------------------------------
// Each writes at `o` of `b`, where the caller has made room (ByteOut.ensure), and returns the new end:
// a row writer that reserves its room once keeps the cursor in a local instead of `len` (~2x faster
// than a method call per item, measured on -T fields rows).

/** Most bytes `putIpv6` writes (a full eight-group address is 39; the IPv4-mapped form is shorter). */
export const IPV6_MAX = 48;

/** A non-negative integer below 2^53 in decimal (at most 16 bytes). */
export function putUint(b: Uint8Array, o: number, n: number): number {
  if (n < 10) { b[o] = 48 + n; return o + 1; }
  const digits = n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : n < 100_000 ? 5 : n < 1_000_000 ? 6
    : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : n < 10_000_000_000 ? 10 : decimalDigits(n);
  let i = o + digits;
  // Above 2^31 a division is not a small-integer one: those digits go the slow way; the rest
  // as int32, two digits per division.
  while (n > 0x7fffffff) { const q = Math.floor(n / 10); b[--i] = 48 + (n - q * 10); n = q; }
  let m = n | 0;
  while (m >= 100) { const q = (m / 100) | 0; const p = (m - q * 100) << 1; b[--i] = DIGIT_PAIRS[p + 1]!; b[--i] = DIGIT_PAIRS[p]!; m = q; }
  if (m >= 10) { const p = m << 1; b[--i] = DIGIT_PAIRS[p + 1]!; b[--i] = DIGIT_PAIRS[p]!; } else b[--i] = 48 + m;
  return o + digits;
}

/** The bytes of `src` (short: copied byte by byte). */
export function putBytes(b: Uint8Array, o: number, src: Uint8Array): number {
  for (let i = 0, n = src.length; i < n; i++) b[o++] = src[i]!;
  return o;
}

/** Exactly `width` decimal digits of a non-negative integer below 10^width (zero-padded). */
export function putDigits(b: Uint8Array, o: number, n: number, width: number): number {
  let i = o + width;
  while (n > 0x7fffffff && i > o) { const q = Math.floor(n / 10); b[--i] = 48 + (n - q * 10); n = q; }
  let m = n | 0;
  while (i > o + 1) { const q = (m / 100) | 0; const p = (m - q * 100) << 1; b[--i] = DIGIT_PAIRS[p + 1]!; b[--i] = DIGIT_PAIRS[p]!; m = q; }
  if (i > o) { const q = (m / 10) | 0; b[--i] = 48 + m - q * 10; }
  return o + width;
}

/** One byte value 0–255 in decimal. */
function putOctet(b: Uint8Array, o: number, v: number): number {
  if (v >= 100) {
    const h = v >= 200 ? 2 : 1;
    b[o] = 48 + h;
    const p = (v - h * 100) << 1;
    b[o + 1] = DIGIT_PAIRS[p]!; b[o + 2] = DIGIT_PAIRS[p + 1]!;
    return o + 3;
  }
  if (v >= 10) { const p = v << 1; b[o] = DIGIT_PAIRS[p]!; b[o + 1] = DIGIT_PAIRS[p + 1]!; return o + 2; }
  b[o] = 48 + v;
  return o + 1;
}

/** Dotted quad of an IPv4 address held as a uint32 (at most 15 bytes). */
export function putIpv4(b: Uint8Array, o: number, a: number): number {
  o = putOctet(b, o, a >>> 24); b[o++] = 46;
  o = putOctet(b, o, (a >>> 16) & 255); b[o++] = 46;
  o = putOctet(b, o, (a >>> 8) & 255); b[o++] = 46;
  return putOctet(b, o, a & 255);
}

/** A non-negative integer below 2^32 in lowercase hex without leading zeros. */
export function putHex(b: Uint8Array, o: number, n: number): number {
  let digits = 1;
  for (let v = n >>> 4; v !== 0; v >>>= 4) digits++;
  for (let i = o + digits - 1; i >= o; i--) { b[i] = HEX_DIGITS[n & 15]!; n >>>= 4; }
  return o + digits;
}

/** RFC 5952 text of the IPv6 address in the 16 bytes of `src` at `at` (see ByteOut.ipv6). */
export function putIpv6(b: Uint8Array, o: number, src: Uint8Array, at: number): number {
  const g = GROUPS;
  for (let i = 0; i < 8; i++) g[i] = (src[at + 2 * i]! << 8) | src[at + 2 * i + 1]!;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && (g[5] === 0xffff || (g[5] === 0 && g[6] !== 0))) {
    b[o++] = 58; b[o++] = 58;
    if (g[5] === 0xffff) { o = putHex(b, o, 0xffff); b[o++] = 58; }
    return putIpv4(b, o, ((g[6]! << 16) | g[7]!) >>> 0);
  }
  const run = ipv6ZeroRun(g);
  const bestAt = run < 0 ? -1 : run >> 3, bestLen = run & 7 || 8;
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) { b[o++] = 58; b[o++] = 58; i += bestLen - 1; continue; }
    if (i > 0 && !(bestAt >= 0 && i === bestAt + bestLen)) b[o++] = 58;
    o = putHex(b, o, g[i]!);
  }
  return o;
}
