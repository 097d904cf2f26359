/** A growable output byte buffer that text is written into directly (UTF-8), reused for a whole
 *  capture: numbers and addresses go in digit by digit instead of through String()/join, so the
 *  per-packet rows of `synack read` allocate nothing (STYLE §5). The owner takes `buf[0, len)` and
 *  calls `reset()` (e.g. after writing it to stdout). */
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

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    this.ensure(16);
    const b = this.buf;
    if (n < 10) { b[this.len++] = 48 + n; return; }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const start = this.len;
    for (let i = start + digits - 1; i >= start; i--) { const q = Math.floor(n / 10); b[i] = 48 + (n - q * 10); n = q; }
    this.len = start + digits;
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
    const b = this.buf, start = this.len;
    for (let i = start + width - 1; i >= start; i--) { const q = Math.floor(n / 10); b[i] = 48 + (n - q * 10); n = q; }
    this.len = start + width;
  }

  /** Dotted quad of an IPv4 address held as a uint32. */
  ipv4(a: number): void {
    this.uint(a >>> 24); this.byte(46); this.uint((a >>> 16) & 255); this.byte(46);
    this.uint((a >>> 8) & 255); this.byte(46); this.uint(a & 255);
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
