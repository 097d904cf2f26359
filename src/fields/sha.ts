/** SHA-1 and SHA-256 (FIPS 180-4 §6.1, §6.2) for the few bytes MPTCP hashes: a key's token and
 *  initial data sequence number (RFC 6824 §3.1 with SHA-1, RFC 8684 §3.1 with SHA-256). Core code
 *  runs in the browser too, so no `node:crypto`; one call hashes one short message. */

/** The message padded to whole 64-byte blocks with its bit length at the end (FIPS 180-4 §5.1.1). */
function padded(msg: Uint8Array): DataView {
  const blocks = Math.ceil((msg.length + 9) / 64);
  const out = new Uint8Array(blocks * 64);
  out.set(msg);
  out[msg.length] = 0x80;
  const dv = new DataView(out.buffer);
  const bits = msg.length * 8;
  dv.setUint32(out.length - 8, Math.floor(bits / 0x100000000));
  dv.setUint32(out.length - 4, bits >>> 0);
  return dv;
}

const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
const rotr = (x: number, n: number): number => ((x >>> n) | (x << (32 - n))) >>> 0;

/** The state words as the big-endian digest bytes. */
function digest(h: readonly number[]): Uint8Array {
  const out = new Uint8Array(h.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < h.length; i++) dv.setUint32(i * 4, h[i]!);
  return out;
}

/** SHA-1 of `msg`: 20 bytes. */
export function sha1(msg: Uint8Array): Uint8Array {
  const dv = padded(msg);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  for (let off = 0; off < dv.byteLength; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = dv.getUint32(off + t * 4);
    for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let t = 0; t < 80; t++) {
      let f: number, k: number;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const tmp = (rotl(a, 5) + f + e + k + w[t]!) >>> 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = tmp;
    }
    h[0] = (h[0]! + a) >>> 0; h[1] = (h[1]! + b) >>> 0; h[2] = (h[2]! + c) >>> 0; h[3] = (h[3]! + d) >>> 0; h[4] = (h[4]! + e) >>> 0;
  }
  return digest(h);
}

/** The 64 round constants of SHA-256: the first 32 bits of the fractional parts of the cube
 *  roots of the first 64 primes (FIPS 180-4 §4.2.2), computed once. */
const K256: Uint32Array = (() => {
  const k = new Uint32Array(64);
  let n = 0;
  for (let p = 2; n < 64; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) { prime = false; break; }
    if (prime) k[n++] = fracBits(Math.cbrt(p), 3, p);
  }
  return k;
})();
/** The initial state: the fractional parts of the square roots of the first 8 primes (§5.3.3). */
const H256 = [2, 3, 5, 7, 11, 13, 17, 19].map((p) => fracBits(Math.sqrt(p), 2, p));

/** The first 32 bits of the fractional part of `root` (≈ p^(1/degree)), exact: the float
 *  estimate is corrected with integer arithmetic so that floor(2^32·root) is right. */
function fracBits(root: number, degree: number, p: number): number {
  // floor(2^32 · p^(1/degree)) is the largest x with x^degree ≤ p · 2^(32·degree).
  const target = BigInt(p) << BigInt(32 * degree);
  let x = BigInt(Math.floor(root * 2 ** 32));
  const pow = (v: bigint): bigint => (degree === 2 ? v * v : v * v * v);
  while (pow(x) > target) x--;
  while (pow(x + 1n) <= target) x++;
  return Number(x & 0xffffffffn);
}

/** SHA-256 of `msg`: 32 bytes. */
export function sha256(msg: Uint8Array): Uint8Array {
  const dv = padded(msg);
  const h = H256.slice();
  const w = new Uint32Array(64);
  for (let off = 0; off < dv.byteLength; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = dv.getUint32(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!, y = w[t - 2]!;
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3), s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[t]! + w[t]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    const v = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] = (h[i]! + v[i]!) >>> 0;
  }
  return digest(h);
}
