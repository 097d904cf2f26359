// The display-filter language on hand-made frames, and its error messages against tshark 4.0.17
// run live on the same filter text.
import assert from "node:assert/strict";
import { join } from "node:path";
import { suite, test } from "node:test";
import {
  compileFilter, formatFilterError, type FilterFieldInfo, type FilterFields, type FilterFrame, type FilterKind,
  type FilterValue,
} from "../../src/filter/index.js";
import { parseIpv4, parseIpv6 } from "../../src/filter/literals.js";
import { sharedDir } from "../support/paths.js";
import { tsharkErr } from "../support/tshark-refs.js";

interface Info extends FilterFieldInfo { readonly name: string }

/** Field types as tshark 4.0.17 `-G fields` gives them, for the names used below. */
const TYPES: Record<string, [FilterKind, number?]> = {
  frame: ["protocol"], "frame.number": ["uint", 4], ip: ["protocol"], "ip.src": ["ipv4"], "ip.dst": ["ipv4"],
  "ip.ttl": ["uint", 1], ipv6: ["protocol"], "ipv6.src": ["ipv6"], "ipv6.dst": ["ipv6"], tcp: ["protocol"],
  "tcp.srcport": ["uint", 2], "tcp.dstport": ["uint", 2], "tcp.stream": ["uint", 4], "tcp.len": ["uint", 4],
  "tcp.seq": ["uint", 4], "tcp.flags": ["uint", 2], "tcp.flags.syn": ["bool"], "tcp.flags.ack": ["bool"],
  "tcp.flags.str": ["string"], "tcp.window_size_scalefactor": ["int", 4], "tcp.payload": ["bytes"],
  "tcp.time_delta": ["time"], "tcp.analysis.flags": ["flag"], "tcp.analysis.retransmission": ["flag"],
  "tcp.analysis.window_update": ["flag"], "frame.time": ["abstime"], "tcp.options": ["bytes"],
};
const INFOS = new Map(Object.entries(TYPES).map(([name, [kind, bytes]]) =>
  [name, bytes === undefined ? { name, kind } : { name, kind, bytes }] as const));
const FIELDS: FilterFields<Info> = { lookup: (n) => INFOS.get(n) };

/** A frame from a plain object: field name → occurrences (numbers, strings, or addresses/bytes). */
function frame(values: Record<string, Array<number | string | Uint8Array>>): FilterFrame<Info> {
  const conv = new Map<string, FilterValue[]>();
  for (const [name, vs] of Object.entries(values)) {
    const kind = TYPES[name]![0];
    conv.set(name, vs.map((v) => kind === "ipv4" && typeof v === "string" ? parseIpv4(v)!
      : kind === "ipv6" && typeof v === "string" ? parseIpv6(v)!
      : (kind === "bytes" || kind === "protocol") && typeof v === "string" ? new TextEncoder().encode(v) : v));
  }
  return {
    values(field, out, at) {
      const vs = conv.get(field.name) ?? [];
      for (let i = 0; i < vs.length; i++) out[at + i] = vs[i]!;
      return vs.length;
    },
  };
}

// A SYN from 10.0.0.1:40000 to 192.168.1.2:80 on stream 3, and a tunnelled data segment whose
// frame carries two IPv4 headers (outer 20.0.0.1 → 20.0.0.2, inner 30.0.0.1 → 30.0.0.2).
const SYN = frame({
  frame: [""], "frame.number": [1], ip: [""], "ip.src": ["10.0.0.1"], "ip.dst": ["192.168.1.2"], "ip.ttl": [64],
  tcp: ["\x9c\x40\x00\x50"], "tcp.srcport": [40000], "tcp.dstport": [80], "tcp.stream": [3], "tcp.len": [0],
  "tcp.seq": [0], "tcp.flags": [0x002], "tcp.flags.syn": [1], "tcp.flags.ack": [0], "tcp.flags.str": ["··········S·"],
  "tcp.window_size_scalefactor": [-1], "tcp.time_delta": [0],
  "frame.time": [1746883049 + 0.141151], "tcp.options": [Uint8Array.of(2, 4, 5, 0xb4)], // May 10, 2025 13:17:29.141151 UTC; MSS 1460
});
const DATA = frame({
  frame: [""], "frame.number": [7], ip: ["", ""], "ip.src": ["20.0.0.1", "30.0.0.1"], "ip.dst": ["20.0.0.2", "30.0.0.2"],
  tcp: ["..GET / HTTP/1.1\r\n"], "tcp.srcport": [51225], "tcp.dstport": [22], "tcp.stream": [0], "tcp.len": [16],
  "tcp.seq": [1], "tcp.flags": [0x018], "tcp.flags.syn": [0], "tcp.flags.ack": [1], "tcp.flags.str": ["·······AP···"],
  "tcp.payload": ["GET / HTTP/1.1\r\n"], "tcp.time_delta": [0.25], "tcp.analysis.flags": [1],
  "tcp.analysis.retransmission": [1],
});
const V6 = frame({
  frame: [""], "frame.number": [9], ipv6: [""], "ipv6.src": ["2001:db8::1"], "ipv6.dst": ["fe80::2"],
  tcp: [""], "tcp.srcport": [443], "tcp.dstport": [50000], "tcp.stream": [1], "tcp.flags": [0x012],
  "tcp.flags.syn": [1], "tcp.flags.ack": [1],
});
const ARP = frame({ frame: [""], "frame.number": [2] });

/** [filter, SYN, DATA, V6, ARP]: whether each frame passes. */
const VALID: Array<[string, boolean, boolean, boolean, boolean]> = [
  ["tcp", true, true, true, false],
  ["ip", true, true, false, false],
  ["ipv6", false, false, true, false],
  ["!tcp", false, false, false, true],
  ["not ip and not ipv6", false, false, false, true],
  ["tcp.analysis.retransmission", false, true, false, false],
  ["tcp.analysis.flags", false, true, false, false],
  ["tcp.flags.syn", true, true, true, false], // existence: every TCP frame has the bit
  ["tcp.flags.syn == 1", true, false, true, false],
  ["tcp.flags.syn == 2", true, false, true, false], // any non-zero literal is true
  ["tcp.flags.syn == True", true, false, true, false],
  ["tcp.flags.syn == FALSE", false, true, false, false],
  ["tcp.flags.syn != 1", false, true, false, false],
  ["tcp.flags.syn == 1 && tcp.flags.ack == 0", true, false, false, false],
  ["tcp.flags.syn == 1 and !(tcp.flags.ack == 1)", true, false, false, false],
  ["tcp.flags == 0x012", false, false, true, false],
  ["tcp.flags & 0x02", true, false, true, false],
  ["tcp.flags & 0x12 == 0x12", false, false, true, false],
  ["tcp.port == 80", true, false, false, false],
  ["tcp.port eq 22 or tcp.port eq 443", false, true, true, false],
  ["tcp.port != 80", false, true, true, false], // present and no occurrence equals
  ["tcp.port !== 80", true, true, true, false], // some occurrence differs
  ["tcp.port ~= 80", true, true, true, false],
  ["tcp.port === 80", false, false, false, false],
  ["tcp.srcport == 40000 and tcp.dstport == 80", true, false, false, false],
  ["tcp.dstport >= 50000", false, false, true, false],
  ["tcp.dstport gt 79 && tcp.dstport lt 81", true, false, false, false],
  ["tcp.dstport le 22", false, true, false, false],
  ["tcp.stream eq 3", true, false, false, false],
  ["tcp.stream == 0x3", true, false, false, false],
  ["tcp.stream == 03", true, false, false, false],
  ["tcp.stream == 0b11", true, false, false, false],
  ["tcp.port == -1", false, false, false, false], // tshark 4.0: a negative literal never matches an unsigned field
  ["tcp.port > -1", false, false, false, false],
  ["tcp.port != -1", true, true, true, false],
  ["tcp.window_size_scalefactor == -1", true, false, false, false],
  ["tcp.window_size_scalefactor < 0", true, false, false, false],
  ["ip.addr == 10.0.0.1", true, false, false, false],
  ["ip.addr == 30.0.0.2", false, true, false, false], // inner header
  ["ip.addr != 20.0.0.1", true, false, false, false], // the tunnelled frame has 20.0.0.1
  ["ip.src != 30.0.0.1", true, false, false, false],
  ["!(ip.addr == 20.0.0.1)", true, false, true, true], // unlike !=, true where ip is absent
  ["ip.addr == 10.0.0.0/8", true, false, false, false],
  ["ip.addr == 192.168.1.77/24", true, false, false, false],
  ["ip.addr == 0.0.0.0/0", true, true, false, false],
  ["ip.dst == 30.0.0.0/16", false, true, false, false],
  ["ip.src > 25.0.0.0", false, true, false, false],
  ["ip.ttl == 64", true, false, false, false],
  ["ipv6.addr == 2001:db8::1", false, false, true, false],
  ["ipv6.addr == 2001:db8::/32", false, false, true, false],
  ["ipv6.dst == fe80::/10", false, false, true, false],
  ["ipv6.src == ::ffff:1.2.3.4", false, false, false, false],
  ["tcp.payload contains \"GET\"", false, true, false, false],
  ["tcp.payload contains 47:45:54", false, true, false, false],
  ["tcp.payload contains 47.45-54", false, true, false, false],
  ["tcp.payload contains 474554", false, true, false, false],
  ["tcp.payload contains \"\\x47\\105T\"", false, true, false, false],
  ["tcp.payload contains \"\\r\\n\"", false, true, false, false],
  ["tcp.payload contains \"POST\"", false, false, false, false],
  ["tcp.payload == \"GET / HTTP/1.1\\r\\n\"", false, true, false, false],
  ["tcp contains \"HTTP\"", false, true, false, false],
  ["tcp contains 9c:40", true, false, false, false],
  ["tcp.flags.str contains \"S\"", true, false, false, false],
  ["tcp.flags.str == \"·······AP···\"", false, true, false, false],
  ["tcp.time_delta > 0.2", false, true, false, false],
  ["tcp.time_delta == 0", true, false, false, false],
  ["tcp.len > 0 || ipv6", false, true, true, false],
  ["ip || tcp and tcp.port == 443", true, true, true, false], // and binds tighter than or
  ["(ip || tcp) and tcp.port == 443", false, false, true, false],
  ["not tcp.port == 80 and tcp", false, true, true, false], // not applies to the comparison
  ["!!tcp", true, true, true, false],
  ["tcp.srcport < tcp.dstport", false, false, true, false],
  ["tcp.srcport == tcp.srcport", true, true, true, false],
  ["tcp.seq == tcp.len", true, false, false, false],
  ["frame.number == 7", false, true, false, false],
  // FT_ABSOLUTE_TIME: ISO 8601 (T or blank, Z or an offset) and the legacy form, as tshark 4.0.17 reads them.
  ["frame.time", true, false, false, false],
  ["frame.time == \"2025-05-10 13:17:29.141151Z\"", true, false, false, false],
  ["frame.time == \"2025-05-10T15:17:29.141151+02:00\"", true, false, false, false],
  ["frame.time == \"May 10, 2025 13:17:29.141151000 UTC\"", true, false, false, false],
  ["frame.time == \"may 10,2025 13:17:29.141151UTC\"", true, false, false, false],
  ["frame.time > \"2025-05-10Z\" && frame.time < \"2025-05-10 13:18Z\"", true, false, false, false],
  ["frame.time in {\"2025-05-10 13:17Z\" .. \"2025-05-10 13:18Z\"}", true, false, false, false],
  // len() of an integer is its width, of a boolean 0 (tshark 4.0.17).
  ["len(ip.ttl) == 1", true, false, false, false],
  ["len(tcp.srcport) == 2", true, true, true, false],
  ["len(tcp.flags.syn) == 0", true, true, true, false],
  // A slice that does not fit the occurrence wholly leaves it out.
  ["tcp.options[2:2] == 05:b4", true, false, false, false],
  ["tcp.options[2:3]", false, false, false, false],
  ["tcp.options[-4:1] == 02", true, false, false, false],
  ["tcp.options[-5:1]", false, false, false, false],
  ["tcp.options[4:]", false, false, false, false],
  ["tcp.options[1-4]", false, false, false, false],
  ["ip.ttl in {1 .. 64}", true, false, false, false],
  ["ip.ttl in {1.. 63, 65 ..70}", false, false, false, false],
  ["", true, true, true, true],
  ["   tcp.port==80&&tcp.len==0", true, false, false, false],
];

suite("filter: language", () => {
  for (const [text, ...want] of VALID) {
    test(JSON.stringify(text), () => {
      const c = compileFilter(text, FIELDS);
      assert.ok(c.ok, c.ok ? "" : formatFilterError(text, c).join("\n"));
      const got = [SYN, DATA, V6, ARP].map((f) => c.filter.matches(f));
      assert.deepEqual(got, want, "SYN, DATA, V6, ARP");
    });
  }

  test("a compiled filter lists the fields it reads, aliases expanded", () => {
    const c = compileFilter("ip.addr == 1.2.3.4 or tcp.port == 1 or tcp.srcport == 2", FIELDS);
    assert.ok(c.ok);
    assert.deepEqual(c.filter.fields.map((f) => f.name), ["ip.src", "ip.dst", "tcp.srcport", "tcp.dstport"]);
  });

  test("matching allocates no values once warm: the same scratch array is reused", () => {
    const c = compileFilter("tcp.port == 22 and ip.addr == 30.0.0.0/8", FIELDS);
    assert.ok(c.ok);
    for (let i = 0; i < 1000; i++) assert.equal(c.filter.matches(DATA), true);
  });
});

/** Filters tshark rejects, each checked against tshark's own message and underline. */
const INVALID = [
  "tcp.bogus == 1", "tcp.bogus eq 1", "tcp.bogus contains 1", "  tcp.bogus", "foo", "80", "\"abc\"",
  "tcp.port == 80 and foo.bar", "80 == tcp.port", "tcp.port == ", "tcp.port == 1 and", "(tcp", "!",
  "tcp.port == 1)", "()", "tcp.port == (80)", "tcp.port = 1", "tcp.port >< 1", "tcp ||| udp", "and",
  "tcp.port 80", "tcp.port eq eq 1", "tcp.port EQ 80", "tcp.port == 80 AND ip", "tcp.port == 80 80",
  "tcp.port == 80 and and tcp", "ip.src == 1.2.3.4 ip.dst",
  "ip.addr == 1.2.3", "ip.dst == abc", "ip.src == 010.80.131.1", "ip.src == 10.80.131.256", "ipv6.addr == 1.2.3.4",
  "ip.addr == 10.0.0.0/33", "ip.addr == 10.80.131.1/x", "ip.src == 10.0.0.0/8/2", "ip.addr == 10.80.131.1/08",
  "ipv6.addr == ::1/129", "ipv6.addr == fe80::1%eth0", "ip.src == \"1.2.3.4\"",
  "tcp.port == \"x\"", "tcp.port == 99999999999", "tcp.port == 65536", "ip.ttl == 256", "tcp.seq == 4294967296",
  "tcp.port == 0x1g", "tcp.port == 080", "tcp.port == 09", "tcp.port == 1.5", "tcp.len == 1e3", "tcp.len >= 0x",
  "tcp.port == tcp.bogus", "tcp.port == ip.src",
  "tcp.flags.syn == \"x\"", "tcp.flags.syn == true", "tcp.flags.syn == yes", "tcp.flags.syn == 1.0",
  "tcp.flags.syn != -1", "tcp.flags.syn & 1",
  "tcp.port contains 1", "tcp.seq contains 1", "tcp.flags.syn contains 1", "ip.src contains 1",
  "ipv6.src contains 1", "tcp.time_delta contains 1",
  "tcp.analysis.flags == 1", "tcp.analysis.retransmission ne 1", "tcp.analysis.retransmission ~= 1",
  "tcp.time_delta == x", "tcp.time_delta > 1e-3", "tcp.time_delta == \"1\"",
  "tcp.payload contains zz", "tcp contains \"GET", "tcp contains \"\\q\"", "tcp.payload contains \"\\xg\"",
  "tcp.payload contains \"\\777\"",
  "len(ip.ttl)", "len(tcp.payload)", "len(3) == 2", "tcp.time_delta & 1", "tcp.flags.str & 1", "tcp & 1",
  "frame.time > \"Apr 26, 2015 17:23\"", "frame.time > 1430069036", "frame.time == \"2025-05-10T\"",
  "frame.time == \"May 10, 2025 13:17:29.\"", "frame.time > \"Apr 26, 2015 17:23:57.1234567891\"",
  "frame.time == \"May 10, 2025 13:17:29 CET\"", "frame.time contains \"x\"", "frame.time & 1",
  "tcp.len > -1x", "tcp.len > -x", "ip.ttl > -0x1g", "tcp[0:2 == 00:50", "tcp[0:2", "tcp[", "tcp[0:2 == 00:50]",
  "tcp[x] == 00", "tcp[1:x] == 00",
];

suite("filter: errors as tshark 4.0.17 prints them", () => {
  const file = join(sharedDir(), "captures/public/tcpdump/arcnet-rfc1051-arp-icmp-http.pcap");
  for (const text of INVALID) {
    test(JSON.stringify(text), () => {
      // tshark's message from the reference store (scripts/make-tshark-refs.mjs), or live.
      const r = tsharkErr(["-r", file, "-n", "-c", "1", "-Y", text]);
      assert.equal(r.status, 2, `tshark exit status (stderr: ${r.stderr})`);
      const want = Buffer.from(r.stderr, "latin1").toString("utf8").split("\n").filter((l) => l !== "" && !l.startsWith("Running as user"));
      want[0] = want[0]!.replace(/^tshark: /, "");
      const c = compileFilter(text, FIELDS);
      assert.ok(!c.ok, "we accepted it");
      assert.deepEqual(formatFilterError(text, c), want);
    });
  }
});
