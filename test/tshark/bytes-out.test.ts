/** ByteOut writes numbers and addresses digit by digit for every output row: each writer must give
 *  the same text as the string function it replaces (String, padStart, formatIpv6, formatIpv4). */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteOut } from "../../src/tshark/bytes-out.js";
import { formatIpv4, formatIpv6 } from "../../src/decode/index.js";

const written = (f: (o: ByteOut) => void): string => { const o = new ByteOut(4); f(o); return o.text(); };

test("ByteOut.uint prints what String() prints, at every digit count and across 2^31, 2^32, 2^53", () => {
  const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 1e9, 999_999_999];
  for (const n of edges) assert.equal(written((o) => o.uint(n)), String(n));
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => written((o) => o.uint(n)) === String(n)), { numRuns: 5000 });
  fc.assert(fc.property(fc.maxSafeNat(), (n) => written((o) => o.uint(n)) === String(n)), { numRuns: 5000 });
});

test("ByteOut.digits zero-pads to the width; num prints negatives and fractions as String()", () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 15 }), fc.maxSafeNat(), (w, x) => {
    const n = x % 10 ** w;
    return written((o) => o.digits(n, w)) === String(n).padStart(w, "0");
  }), { numRuns: 5000 });
  for (const n of [-1, -4294967296, 0.5, -2.25, 1e21, NaN]) assert.equal(written((o) => o.num(n)), String(n));
});

test("ByteOut.ipv6 and ipv4 print what formatIpv6 and formatIpv4 print (RFC 5952, mapped and compatible forms)", () => {
  const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
  const fixed = ["00000000000000000000000000000000", "00000000000000000000000000000001", "20010db8000000000000000000000001",
    "20010db8000000010000000000000001", "00000000000000000000ffffc0000201", "000000000000000000000000c0000201",
    "00000000000000000000000000010000", "fe800000000000000000000000000000", "20010db8000000000001000000000001",
    "000100000000000000000000000000ff", "ffffffffffffffffffffffffffffffff"];
  for (const h of fixed) assert.equal(written((o) => o.ipv6(hex(h), 0)), formatIpv6(hex(h)), h);
  // Groups drawn mostly from 0 so that zero runs of every length and position occur.
  const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  fc.assert(fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (g) => {
    const b = new Uint8Array(16);
    g.forEach((v, i) => { b[2 * i] = v >> 8; b[2 * i + 1] = v & 255; });
    return written((o) => o.ipv6(b, 0)) === formatIpv6(b);
  }), { numRuns: 5000 });
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (a) => written((o) => o.ipv4(a)) === formatIpv4(a)), { numRuns: 2000 });
});

test("ByteOut.str encodes UTF-8 as TextEncoder does; text() decodes it back", () => {
  fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
    const o = new ByteOut(2);
    o.str(s);
    assert.deepEqual(o.buf.subarray(0, o.len), new TextEncoder().encode(s));
    return o.text() === new TextDecoder().decode(new TextEncoder().encode(s));
  }), { numRuns: 2000 });
  assert.equal(written((o) => { o.uint(80); o.arrow(); o.uint(443); }), "80 \u2192 443");
});
