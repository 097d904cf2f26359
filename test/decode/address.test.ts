/** Address text: goldens printed by tshark 4.0.17 -n (ipv6.src of hand-made frames). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIpv4, formatIpv6, parseIpv4Text } from "../../src/decode/index.js";
import { hex } from "../support/hex.js";

const V6: Array<[string, string]> = [
  ["00000000000000000000ffff01020304", "::ffff:1.2.3.4"],
  ["00000000000000000000000001020304", "::1.2.3.4"],
  ["00010000000000010000000000000001", "1:0:0:1::1"],
  ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"],
  ["00000000000000000000000000000000", "::"],
  ["00000000000000000000000000000001", "::1"],
  ["20010db8000000000000000000000000", "2001:db8::"],
  ["fe800000000000000001000000000000", "fe80::1:0:0:0"],
  ["00000000000100000000000000000000", "0:0:1::"],
  ["00010002000300040005000600070000", "1:2:3:4:5:6:7:0"],
  ["00000001000200030004000500060007", "0:1:2:3:4:5:6:7"],
  ["0000000000000000ffff000001020304", "::ffff:0:102:304"],
  ["0064ff9b000000000000000001020304", "64:ff9b::102:304"],
  ["00000000000000000000000000010000", "::0.1.0.0"],
  ["0000000000000000000000000000ffff", "::ffff"],
  ["00000000000000000000ffff00000000", "::ffff:0.0.0.0"],
  ["00000000000000000000000100000000", "::1:0:0"],
  ["260413804091ce00000000000000000d", "2604:1380:4091:ce00::d"],
];

test("address: IPv6 text as tshark 4.0 prints it", () => {
  for (const [bytes, text] of V6) assert.equal(formatIpv6(hex`${bytes}`), text, text);
});

test("address: IPv4 dotted quad, both ways", () => {
  assert.equal(formatIpv4(0xc0a8010a), "192.168.1.10");
  assert.equal(formatIpv4(0xffffffff), "255.255.255.255");
  assert.equal(formatIpv4(0), "0.0.0.0");
  assert.equal(parseIpv4Text("10.0.0.138"), 0x0a00008a);
  assert.equal(parseIpv4Text("10.0.0"), undefined);
  assert.equal(parseIpv4Text("10.0.0.256"), undefined);
});
