/** The Frame layer's pcapng packet flags (epb_flags), read from an EPB and shown as tshark 4.0.17 does. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readCaptureBytes } from "../../src/capture/index.js";
import { packetFlagsNode } from "../../src/fields/frame.js";
import type { FieldNode } from "../../src/fields/node.js";
import { concat, epb, idb, option, shb } from "../capture/helpers.js";

const lines = (n: FieldNode): string[] => [n.label, ...n.children.map((k) => `  ${k.label}`)];

test("pcapng: epb_flags (option 2) is read into the record, in the section's byte order", () => {
  const flags = (le: boolean, v: number) => option(2, le ? [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24]
    : [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255], le);
  const r = readCaptureBytes(concat(shb(), idb(), epb(1n, { options: concat(flags(true, 0x80000011), option(1, [0x41]), option(0, [])) }),
    epb(2n), shb(false), idb({ le: false }), epb(3n, { le: false, options: concat(flags(false, 0x02), option(0, [], false)) })));
  assert.deepEqual(r.records.map((x) => [x.packetFlags, x.comments]), [[0x80000011, ["A"]], [undefined, undefined], [2, undefined]]);
});

test("fields: packet flags 0xffffffff and 0x0000000c as tshark 4.0.17 -V shows them (crafted EPBs)", () => {
  assert.deepEqual(lines(packetFlagsNode(0xffffffff)), [
    "Packet flags: 0xffffffff",
    "  .... .... .... .... .... .... .... ..11 = Direction: Unknown (0x3)",
    "  .... .... .... .... .... .... ...1 11.. = Reception type: Unknown (7)",
    "  .... .... .... .... .... ...1 111. .... = FCS length: 15",
    "  .... .... .... .... 1111 111. .... .... = Reserved: 127",
    "  .... ...1 .... .... .... .... .... .... = CRC error: Set",
    "  .... ..1. .... .... .... .... .... .... = Packet too long error: Set",
    "  .... .1.. .... .... .... .... .... .... = Packet too short error: Set",
    "  .... 1... .... .... .... .... .... .... = Wrong interframe gap error: Set",
    "  ...1 .... .... .... .... .... .... .... = Unaligned frame error: Set",
    "  ..1. .... .... .... .... .... .... .... = Start frame delimiter error: Set",
    "  .1.. .... .... .... .... .... .... .... = Preamble error: Set",
    "  1... .... .... .... .... .... .... .... = Symbol error: Set",
  ]);
  const n = packetFlagsNode(0x0000000c);
  assert.equal(n.children[1]!.label, ".... .... .... .... .... .... ...0 11.. = Reception type: Broadcast (3)");
  // JSON values: the direction in hex (8 digits), the rest in decimal.
  assert.deepEqual(n.children.map((k) => k.value), ["0x00000000", "3", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]);
  assert.deepEqual(packetFlagsNode(1).children[0]!.label.endsWith("Direction: Inbound (0x1)"), true);
});
