import { test } from "node:test";
import assert from "node:assert/strict";
import { asHex, asText } from "../../src/cli/bytes.js";

test("bytes: text form escapes what a terminal cannot show", () => {
  assert.equal(asText(new Uint8Array([0x41, 0x42])), '"AB"');
  assert.equal(asText(new Uint8Array([0x0a, 0x0d, 0x09, 0x5c, 0x22, 0x00, 0xff])), '"\\n\\r\\t\\\\\\"\\x00\\xff"');
  assert.equal(asText(new Uint8Array(70).fill(0x61)), `"${"a".repeat(64)}"…`);
});

test("bytes: hex form is two lowercase digits per byte", () => {
  assert.equal(asHex(new Uint8Array([0x41, 0x42, 0x0a])), "41 42 0a");
  assert.equal(asHex(new Uint8Array(0)), "");
  assert.equal(asHex(new Uint8Array(65)).endsWith("00 …"), true);
});
