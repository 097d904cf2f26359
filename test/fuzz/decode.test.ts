/** Property tests for src/decode (bounded runs): no decoder throws or reports internal_error on arbitrary
 *  bytes for any link type; round trips hold for generated IPv4, IPv6 and TCP headers. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DecodedFrame, emitIpv4, emitIpv6, emitTcp, FrameDecoder, ipv4Length, ipv6Length, LinkType, parseIpv4,
  parseIpv6, parseTcp, tcpLength, tcpOptions, type Ipv4Repr, type Ipv6Repr, type TcpRepr } from "../../src/decode/index.js";

const LINK_TYPES = [...Object.values(LinkType), 2, 108, 255, 65535];
const RUNS = 3000;

// Frames that look like Ethernet/IPv4/TCP then get random tails, so the fuzzer gets past the first layers.
const prefixes = [
  new Uint8Array([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0, 0, 40, 0, 1, 0x20, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]),
  new Uint8Array([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd, 0x60, 0, 0, 0, 0, 0, 0, 64]),
  new Uint8Array([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0, 0, 60, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x12, 0xb5, 0x12, 0xb5, 0, 40, 0, 0]),
  new Uint8Array([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0, 0, 60, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0]),
  new Uint8Array([]),
];

test("fuzz: FrameDecoder never throws and never reports internal_error", () => {
  const dec = new FrameDecoder(), out = new DecodedFrame();
  let n = 0;
  fc.assert(fc.property(fc.constantFrom(...LINK_TYPES), fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 200 }),
    fc.nat(3000), (lt, pre, tail, extra) => {
      const bytes = new Uint8Array(pre.length + tail.length);
      bytes.set(pre); bytes.set(tail, pre.length);
      dec.decode(lt, bytes, bytes.length + extra, ++n, out);
      assert.ok(!out.problems.includes("internal_error"), `link ${lt}`);
      for (let i = 0; i < out.ipCount; i++) { void out.ip[i]!.srcText; void out.ip[i]!.dstText; }
      for (let i = 0; i < out.tcpCount; i++) {
        const t = out.tcp[i]!;
        tcpOptions(t.options(), t.optionsLength);
        assert.ok(t.payloadOffset + t.payloadLength <= t.bytes.length);
      }
    }), { numRuns: RUNS * 3 });
});

test("fuzz: tcpOptions never throws and never reads past the declared area", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 44 }), fc.nat(50), (bytes, declared) => {
    const r = tcpOptions(bytes, declared);
    for (const o of r.options) assert.ok(o.at < Math.max(declared, 0));
  }), { numRuns: RUNS });
});

const u16 = fc.integer({ min: 0, max: 0xffff }), u32 = fc.integer({ min: 0, max: 0xffffffff }), u8 = fc.integer({ min: 0, max: 255 });

test("fuzz: emit(parse(x)) round-trips generated TCP headers", () => {
  const repr = fc.record({
    srcPort: u16, dstPort: u16, seqRaw: u32, ackRaw: u32, flags: fc.integer({ min: 0, max: 0xfff }), windowRaw: u16,
    checksum: u16, urgent: u16, options: fc.integer({ min: 0, max: 10 }).chain((w) => fc.uint8Array({ minLength: 4 * w, maxLength: 4 * w })),
    payload: fc.uint8Array({ maxLength: 64 }),
  });
  fc.assert(fc.property(repr, (r) => {
    const full: TcpRepr = { ...r, dataOffset: 5 + r.options.length / 4 };
    const out = new Uint8Array(tcpLength(full));
    emitTcp(full, out);
    const p = parseTcp(out);
    assert.ok(p.ok);
    if (p.ok) assert.deepEqual({ ...p.value, options: [...p.value.options], payload: [...p.value.payload] },
      { ...full, options: [...full.options], payload: [...full.payload] });
  }), { numRuns: RUNS });
});

test("fuzz: emit(parse(x)) round-trips generated IPv4 and IPv6 headers", () => {
  const v4 = fc.record({ tos: u8, id: u16, flagsFragment: u16, ttl: u8, protocol: u8, checksum: u16, src: u32, dst: u32,
    options: fc.integer({ min: 0, max: 10 }).chain((w) => fc.uint8Array({ minLength: 4 * w, maxLength: 4 * w })),
    payload: fc.uint8Array({ maxLength: 64 }) });
  fc.assert(fc.property(v4, (r) => {
    const full: Ipv4Repr = { ...r, version: 4, ihl: 5 + r.options.length / 4, totalLength: 20 + r.options.length + r.payload.length };
    const out = new Uint8Array(ipv4Length(full));
    emitIpv4(full, out);
    const p = parseIpv4(out);
    assert.ok(p.ok);
    if (p.ok) { const again = new Uint8Array(ipv4Length(p.value)); emitIpv4(p.value, again); assert.deepEqual(again, out); }
  }), { numRuns: RUNS });
  const ext = fc.record({ type: fc.constantFrom(0, 43, 60), words: fc.integer({ min: 0, max: 3 }) });
  const v6 = fc.record({ trafficClass: u8, flowLabel: fc.integer({ min: 0, max: 0xfffff }), hopLimit: u8,
    src: fc.uint8Array({ minLength: 16, maxLength: 16 }), dst: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    exts: fc.array(ext, { maxLength: 3 }), protocol: fc.constantFrom(6, 17, 58), payload: fc.uint8Array({ maxLength: 64 }) });
  fc.assert(fc.property(v6, (r) => {
    const extensions = r.exts.map((e, i) => {
      const data = new Uint8Array(8 + 8 * e.words);
      data[0] = r.exts[i + 1]?.type ?? r.protocol; data[1] = e.words;
      return { type: e.type, data };
    });
    const extLen = extensions.reduce((n, e) => n + e.data.length, 0);
    const full: Ipv6Repr = { version: 6, trafficClass: r.trafficClass, flowLabel: r.flowLabel,
      payloadLength: extLen + r.payload.length, nextHeader: r.exts[0]?.type ?? r.protocol, hopLimit: r.hopLimit,
      src: r.src, dst: r.dst, extensions, protocol: r.protocol, payload: r.payload };
    const out = new Uint8Array(ipv6Length(full));
    emitIpv6(full, out);
    const p = parseIpv6(out);
    assert.ok(p.ok);
    if (p.ok) {
      assert.equal(p.value.protocol, r.protocol);
      const again = new Uint8Array(ipv6Length(p.value)); emitIpv6(p.value, again); assert.deepEqual(again, out);
    }
  }), { numRuns: RUNS });
});
