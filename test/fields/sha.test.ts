/** SHA-1 and SHA-256 of src/fields/sha.ts against the FIPS 180-4 example messages (NIST's
 *  published digests) and against node:crypto on the key-sized inputs MPTCP hashes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha1, sha256 } from "../../src/fields/sha.js";

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const MILLION_A = new Uint8Array(1_000_000).fill(0x61);
const LONG = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

test("sha1: FIPS 180-4 examples (abc, empty, 448-bit message, a million a's)", () => {
  assert.equal(hexOf(sha1(ascii("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(hexOf(sha1(ascii(""))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert.equal(hexOf(sha1(ascii(LONG))), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  assert.equal(hexOf(sha1(MILLION_A)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
});

test("sha256: FIPS 180-4 examples (abc, empty, 448-bit message, a million a's)", () => {
  assert.equal(hexOf(sha256(ascii("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(hexOf(sha256(ascii(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(hexOf(sha256(ascii(LONG))), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  assert.equal(hexOf(sha256(MILLION_A)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
});

test("sha1 / sha256: equal to node:crypto on every length 0..130 (padding boundaries at 55, 56, 64, 119, 120)", () => {
  for (let n = 0; n <= 130; n++) {
    const m = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
    assert.equal(hexOf(sha1(m)), createHash("sha1").update(m).digest("hex"), `sha1, ${n} bytes`);
    assert.equal(hexOf(sha256(m)), createHash("sha256").update(m).digest("hex"), `sha256, ${n} bytes`);
  }
});
