/** Hand-checked pieces of the summary line and the -x dump (the corpus diff is test/diff/summary.test.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatRelativeTime, formatSummaryLine, timeDigits } from "../../src/tshark/summary.js";
import { hexDumpLines } from "../../src/tshark/hexdump.js";

test("relative time: the file's precision, truncated, sign in front", () => {
  assert.equal(formatRelativeTime(10, 1_500_000, 10, 0, 6), "0.001500");
  assert.equal(formatRelativeTime(10, 999_999_999, 10, 0, 6), "0.999999");
  assert.equal(formatRelativeTime(9, 991_755_000, 10, 0, 6), "-0.008245");
  assert.equal(formatRelativeTime(9, 0, 10, 0, 9), "-1.000000000");
  assert.equal(formatRelativeTime(12, 5, 10, 0, 0), "2");
  assert.equal(timeDigits(6), 6); assert.equal(timeDigits(9), 9); assert.equal(timeDigits(3), 3);
  assert.equal(timeDigits(7), 6); assert.equal(timeDigits(0x80 | 20), 6); assert.equal(timeDigits(0x80 | 30), 9);
});

test("summary line: tshark's column widths", () => {
  assert.equal(formatSummaryLine({ number: 1, time: "0.000000", source: "10.1.1.2", destination: "10.1.1.1",
    protocol: "TCP", length: 74, info: "44644 → 80 [SYN]" }),
  "    1   0.000000     10.1.1.2 → 10.1.1.1     TCP 74 44644 → 80 [SYN]");
});

test("hex dump: 16 bytes a line, padded hex column, printable ASCII only, wider offsets past 64 KiB", () => {
  const b = Uint8Array.from([0x47, 0x45, 0x54, 0x20, 0x00, 0x7f, 0x80, 0xff, 0x0d, 0x0a, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x7e]);
  assert.deepEqual(hexDumpLines(b), [
    "0000  47 45 54 20 00 7f 80 ff 0d 0a 41 42 43 44 45 46   GET ......ABCDEF",
    "0010  7e                                                ~",
  ]);
  assert.equal(hexDumpLines(new Uint8Array(0xffff)).at(-1)!.slice(0, 6), "fff0  ");
  assert.equal(hexDumpLines(new Uint8Array(0x10000))[0]!.slice(0, 7), "00000  ");
});
