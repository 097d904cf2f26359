/** IPv4 and IPv6 headers: annotated fixtures, round trips, malformed tables. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { emitIpv4, emitIpv6, ipv4Length, ipv6Length, Ipv4View, parseIpv4, parseIpv6,
  type Ipv4Problem, type Ipv6Problem } from "../../src/decode/index.js";
import { hex } from "../support/hex.js";

const TCP_SYN = hex`9c40 0007 0102 0304 0000 0000 5002 ffff 0000 0000`;
// IPv4 with a record-route option (7 bytes) + EOL padding, carrying a 20-byte TCP header.
const V4_OPTS = hex`
  4600 0030  1234 4000  4006 0000   # IHL 6, total 48, id, DF, TTL 64, TCP, checksum 0
  0a00 0001  0a00 0002              # 10.0.0.1 → 10.0.0.2
  0703 0400                         # RR, len 3, pointer 4, EOL
  ${"9c40 0007 0102 0304 0000 0000 5002 ffff 0000 0000"}
`;
// IPv6 with hop-by-hop (jumbo payload 0x00013880), routing type 0, destination options (home address), fragment (atomic).
const V6_EXT = hex`
  6000 0000  0000 0040                              # version 6, payload length 0, next HBH, hop limit 64
  2001 0db8 0000 0000 0000 0000 0000 0001           # src
  2001 0db8 0000 0000 0000 0000 0000 0002           # dst
  2b00 c204 0001 3880                               # HBH → routing: jumbo 80000
  3c02 0001 0000 0000                               # routing type 0, 1 segment left …
  2001 0db8 0000 0000 0000 0000 0000 0003           # … address
  2c02 0102 0000 c910                               # dest opts → fragment: PadN, home address option …
  2001 0db8 0000 0000 0000 0000 0000 0009           # … address
  0600 0000 0000 abcd                               # fragment → TCP: offset 0, M 0, id (atomic)
  ${"9c40 0007 0102 0304 0000 0000 5002 ffff 0000 0000"}
`;

test("ipv4: view and Repr read an annotated header with options", () => {
  const v = new Ipv4View().point(V4_OPTS, 0, V4_OPTS.length);
  assert.equal(v.check(), undefined);
  assert.deepEqual([v.version, v.headerLength, v.totalLength, v.id, v.dontFragment, v.moreFragments, v.fragmentOffset,
    v.ttl, v.protocol, v.src, v.dst], [4, 24, 48, 0x1234, true, false, 0, 64, 6, 0x0a000001, 0x0a000002]);
  const r = parseIpv4(V4_OPTS);
  assert.ok(r.ok);
  if (r.ok) { assert.deepEqual(r.value.options, hex`07030400`); assert.deepEqual(r.value.payload, TCP_SYN); }
});

test("ipv4/ipv6: emit(parse(bytes)) is byte-identical", () => {
  const a = parseIpv4(V4_OPTS);
  assert.ok(a.ok);
  if (a.ok) { const o = new Uint8Array(ipv4Length(a.value)); emitIpv4(a.value, o); assert.deepEqual(o, V4_OPTS); }
  const b = parseIpv6(V6_EXT);
  assert.ok(b.ok);
  if (b.ok) {
    assert.deepEqual(b.value.extensions.map((e) => [e.type, e.data.length]), [[0, 8], [43, 24], [60, 24], [44, 8]]);
    assert.equal(b.value.protocol, 6);
    assert.deepEqual(b.value.payload, TCP_SYN);
    const o = new Uint8Array(ipv6Length(b.value)); emitIpv6(b.value, o); assert.deepEqual(o, V6_EXT);
  }
});

test("ipv4: malformed headers are problem values", () => {
  const CASES: Array<[string, Uint8Array, Ipv4Problem]> = [
    ["empty", hex``, "truncated"],
    ["version 6", hex`6500 0014 0000 0000 4006 0000 0a00 0001 0a00 0002`, "ip.bogus_ip_version"],
    ["IHL 4", hex`4400 0014 0000 0000 4006 0000 0a00 0001 0a00 0002`, "ip.bogus_header_length"],
    ["IHL 6, 20 bytes", hex`4600 0014 0000 0000 4006 0000 0a00 0001 0a00 0002`, "truncated"],
  ];
  for (const [name, bytes, problem] of CASES) {
    const r = parseIpv4(bytes);
    assert.ok(!r.ok && r.problem === problem, name);
  }
});

test("ipv6: malformed headers are problem values", () => {
  const CASES: Array<[string, Uint8Array, Ipv6Problem]> = [
    ["39 bytes", V6_EXT.subarray(0, 39), "truncated"],
    ["version 4", hex`4${"0".repeat(79)}`, "ip.bogus_ip_version"],
    ["extension past the end", V6_EXT.subarray(0, 60), "ipv6.bogus_header"],
  ];
  for (const [name, bytes, problem] of CASES) {
    const r = parseIpv6(bytes);
    assert.ok(!r.ok && r.problem === problem, `${name}: ${JSON.stringify(r.ok ? "ok" : r.problem)}`);
  }
});
