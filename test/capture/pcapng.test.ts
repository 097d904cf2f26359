import { test, suite } from "node:test";
import assert from "node:assert/strict";
import { CaptureFileError, readCaptureBytes } from "../../src/capture/index.js";
import { Bytes, block, concat, epb, epoch, idb, option, readChunked, shb, spb, summary } from "./helpers.js";

const TS_NS = 1_700_000_000_123_456_789n;
const TS_US = TS_NS / 1000n;
const U64_MAX = (1n << 64n) - 1n;

/** One SHB, one IDB with an if_tsresol byte, one EPB holding `ts`. */
function withResolution(tsresol: number, ts: bigint): Uint8Array {
  return concat(shb(), idb({ options: [option(9, [tsresol])] }), epb(ts));
}

suite("pcapng: if_tsresol in powers of 10 and of 2", () => {
  // Expected times: tshark 4.0.17 frame.time_epoch on these same bytes (crafted, checked 2026-11 in this repo's
  // work). wiretap converts with secs = ts / units and ns = ((ts % units) * 1e9 mod 2^64) / units, truncating,
  // and treats 10^-20 and finer (2^-64 and finer) as 2^64 - 1 units per second.
  const cases: Array<[string, number, bigint, string]> = [
    ["10^-6 (default unit)", 6, TS_US, "1700000000.123456000"],
    ["10^-9", 9, TS_NS, "1700000000.123456789"],
    ["10^-3", 3, 1_700_000_000_123n, "1700000000.123000000"],
    ["10^0", 0, 1_700_000_000n, "1700000000.000000000"],
    ["10^-10", 10, 17_000_000_001_234_567_891n, "1700000000.123456789"],
    ["10^-12", 12, 17_000_000_001_234_567n, "17000.000001234"],
    ["10^-12, 2^64 - 1", 12, U64_MAX, "18446744.018369319"],
    ["10^-15", 15, 1_700_000_123_456_789_123n, "1700.000012776"],
    ["10^-19, 2^64 - 1", 19, U64_MAX, "1.000000001"],
    ["10^-20 saturates", 20, U64_MAX, "1.000000000"],
    ["10^-25 saturates", 25, 12345n, "0.000000000"],
    ["2^0", 0x80, 1_700_000_000n, "1700000000.000000000"],
    ["2^-10", 0x80 | 10, 1_700_000_000n * 1024n + 1023n, "1700000000.999023437"],
    ["2^-20", 0x80 | 20, 1_700_000_000n * (1n << 20n) + 12345n, "1700000000.011773109"],
    ["2^-30", 0x80 | 30, 1_700_000_000n * (1n << 30n) + (1n << 30n) - 1n, "1700000000.999999999"],
    ["2^-32", 0x80 | 32, 1700n * (1n << 32n) + (1n << 32n) - 1n, "1700.999999999"],
    ["2^-40 (64-bit wrap)", 0x80 | 40, 1700n * (1n << 40n) + (1n << 40n) - 1n, "1700.010144255"],
    ["2^-63", 0x80 | 63, U64_MAX, "1.000000001"],
    ["2^-64 saturates", 0x80 | 64, 12345n, "0.000000000"],
  ];
  for (const [name, resol, ts, want] of cases) {
    test(name, () => {
      const r = readCaptureBytes(withResolution(resol, ts));
      assert.equal(r.fatal, undefined);
      assert.equal(r.records.length, 1);
      assert.equal(epoch(r.records[0]!), want);
      assert.equal(r.info?.interfaces[0]?.tsresol, resol);
    });
  }
});

test("pcapng: if_tsoffset, first if_tsresol wins, a wrong-length if_tsresol is ignored (tshark 4.0.17)", () => {
  const off = (secs: bigint) => option(14, new Bytes().u64(BigInt.asUintN(64, secs)).done());
  const plus = readCaptureBytes(concat(shb(), idb({ options: [off(1000n)] }), epb(TS_US)));
  assert.equal(epoch(plus.records[0]!), "1700001000.123456000");
  const minus = readCaptureBytes(concat(shb(), idb({ options: [off(-1000n)] }), epb(TS_US)));
  assert.equal(epoch(minus.records[0]!), "1699999000.123456000");
  const twice = readCaptureBytes(concat(shb(), idb({ options: [option(9, [3]), option(9, [9])] }), epb(TS_US)));
  assert.equal(epoch(twice.records[0]!), "1700000000123.456000000");
  const badLen = readCaptureBytes(concat(shb(), idb({ options: [option(9, [3, 3])] }), epb(TS_US)));
  assert.equal(epoch(badLen.records[0]!), "1700000000.123456000");
});

test("pcapng: sections of both byte orders; interface ids and link types restart per section", () => {
  // tshark 4.0.17: frame 1 Ethernet 1700000000.123456000, frame 2 raw IP 1700000000.123456789.
  const file = concat(shb(true), idb(), epb(TS_US),
    shb(false), idb({ le: false, linkType: 101, options: [option(9, [9], false)] }), epb(TS_NS, { le: false, cl: 20 }));
  const r = readCaptureBytes(file);
  assert.deepEqual(r.records.map((x) => `${x.index} if${x.interface} lt${x.linkType} ${epoch(x)} ${x.capturedLength}`),
    ["1 if0 lt1 1700000000.123456000 60", "2 if0 lt101 1700000000.123456789 20"]);
  assert.deepEqual(r.info?.sections.map((s) => [s.littleEndian, s.interfaces.map((i) => i.linkType)]),
    [[true, [1]], [false, [101]]]);
  assert.equal(r.fatal, undefined);
  for (const size of [1, 7]) assert.deepEqual(readChunked(file, size).records.map(summary), r.records.map(summary));
});

test("pcapng: an interface of an earlier section is unknown in the next one (tshark: 2 frames, then an error)", () => {
  const r = readCaptureBytes(concat(shb(), idb(), idb({ linkType: 113 }), epb(TS_US, { ifid: 1 }),
    shb(), idb({ linkType: 101 }), epb(TS_US), epb(TS_US, { ifid: 1 })));
  assert.deepEqual(r.records.map((x) => [x.interface, x.linkType]), [[1, 113], [0, 101]]);
  assert.equal(r.fatal?.code, "pcapng.unknown_interface");
  assert.equal(r.fatal?.record, 3);
});

test("pcapng: SPB length is min(original, IDB snaplen), no timestamp; SPB before an IDB is fatal", () => {
  const r = readCaptureBytes(concat(shb(), idb({ snaplen: 40 }), spb(60, 40), spb(30, 30)));
  assert.deepEqual(r.records.map((x) => [x.capturedLength, x.originalLength, epoch(x)]),
    [[40, 60, "0.000000000"], [30, 30, "0.000000000"]]);
  // tshark 4.0.17: "SPB appeared before any IDBs in the section", no frames.
  const early = readCaptureBytes(concat(shb(), spb(60, 60)));
  assert.deepEqual([early.records.length, early.fatal?.code], [0, "pcapng.no_interface"]);
  // tshark 4.0.17: 2 frames then "too small for 100 bytes of packet data".
  const small = readCaptureBytes(concat(shb(), idb(), spb(60, 60), spb(30, 32), spb(100, 20)));
  assert.deepEqual([small.records.length, small.fatal?.code], [2, "pcapng.caplen_exceeds_block"]);
});

test("pcapng: the obsolete packet block (tshark 4.0.17: len 70, cap 60, 1700000000.123456000)", () => {
  const body = new Bytes().u16(0).u16(5).ts(TS_US).u32(60).u32(70).fill(60, 0x44).done();
  const r = readCaptureBytes(concat(shb(), idb(), block(2, body)));
  assert.deepEqual(r.records.map((x) => [x.capturedLength, x.originalLength, epoch(x)]), [[60, 70, "1700000000.123456000"]]);
});

test("pcapng: NRB, ISB, DSB and unknown blocks are skipped; a custom block takes a frame number like tshark", () => {
  const nrb = block(4, new Bytes().u16(1).u16(8).bytes([10, 0, 0, 1]).bytes([97, 98, 99, 0]).u32(0).done());
  const isb = block(5, new Bytes().u32(0).u32(0).u32(0).done());
  const custom = block(0xbad, new Bytes().u32(0).bytes([97, 98, 99]).done());
  const r = readCaptureBytes(concat(shb(), idb(), nrb, isb, block(0x99, new Uint8Array(3)), custom,
    block(0x80000099, new Uint8Array(0)), block(10, new Uint8Array(8)), epb(TS_US)));
  // tshark 4.0.17 shows the custom block as frame 1 and the packet as frame 2.
  assert.deepEqual(r.records.map((x) => x.index), [2]);
  assert.equal(r.fatal, undefined);
});

suite("pcapng: damage stops reading after the complete records (tshark 4.0.17 reads the same frames)", () => {
  const head = concat(shb(), idb(), epb(TS_US));
  const cases: Array<[string, Uint8Array, number, string]> = [
    ["block shorter than 12", concat(head, new Bytes().u32(0x99).u32(8).fill(8, 0).done()), 1, "pcapng.block_too_short"],
    ["EPB shorter than 32", concat(head, block(6, new Uint8Array(8))), 1, "pcapng.block_too_short"],
    ["length not a multiple of 4", concat(head, new Bytes().u32(0x99).u32(14).fill(2, 0).u32(14).done()), 1,
      "pcapng.block_length_unaligned"],
    ["trailer differs", concat(head, epb(TS_US, { cl: 4, trailer: 99 }), epb(TS_US)), 1, "pcapng.trailer_mismatch"],
    ["data larger than its block", concat(head, block(6, new Bytes().u32(0).ts(0n).u32(100).u32(100).fill(4, 0).done())), 1,
      "pcapng.caplen_exceeds_block"],
    ["captured length above 262144", concat(head, epb(TS_US, { cl: 262_145 }), epb(TS_US)), 1, "pcapng.record_too_large"],
    ["option runs past the block", concat(head, epb(TS_US, { options: new Bytes().u16(2).u16(200).fill(4, 0).done() })), 1,
      "pcapng.bad_option"],
    ["interface not declared", concat(head, epb(TS_US, { ifid: 1 })), 1, "pcapng.unknown_interface"],
    ["SHB with a bad byte-order magic", concat(head, new Bytes().u32(0x0a0d0d0a).u32(28).u32(0).fill(12, 0).u32(28).done()), 1,
      "pcapng.bad_byte_order"],
    ["SHB version 2.0 in a later section", concat(head, shb(true, 2, 0), idb(), epb(TS_US)), 1, "pcapng.unknown_version"],
    ["IDB option runs past the block", concat(shb(), block(1, new Bytes().u16(1).u16(0).u32(0).u16(2).u16(200).fill(4, 0).done()),
      epb(TS_US)), 0, "pcapng.bad_option"],
    ["cut in a block", concat(head, epb(TS_US)).subarray(0, head.length + 50), 1, "pcapng.truncated_block"],
    ["cut in a block header", concat(head, epb(TS_US)).subarray(0, head.length + 5), 1, "pcapng.truncated_block"],
  ];
  for (const [name, bytes, n, code] of cases) {
    test(name, () => {
      for (const size of [0, 1, 7]) {
        const r = readChunked(bytes, size);
        assert.equal(r.records.length, n, `chunk ${size}`);
        assert.equal(r.fatal?.code, code, `chunk ${size}`);
        assert.equal(r.fatal?.record, n + 1);
        assert.match(r.fatal?.message ?? "", /^record \d+ at byte \d+: [^\n]+$/);
      }
    });
  }
  test("262144 bytes is still accepted", () => {
    assert.equal(readCaptureBytes(concat(head, epb(TS_US, { cl: 262_144 }))).records.length, 2);
  });
  test("a block above Limits.maxBlockBytes is refused before it is buffered", () => {
    const r = readChunked(concat(head, new Bytes().u32(0x99).u32(0x7ffffff0).fill(100, 0).done()), 7);
    assert.deepEqual([r.records.length, r.fatal?.code], [1, "pcapng.block_too_large"]);
  });
});

test("pcapng: the first SHB decides: versions 1.0 and 1.2 read, others refused with a code", () => {
  for (const minor of [0, 2]) assert.equal(readCaptureBytes(concat(shb(true, 1, minor), idb(), epb(TS_US))).records.length, 1);
  for (const [major, minor] of [[0, 1], [1, 1], [2, 0]]) {
    assert.throws(() => readCaptureBytes(concat(shb(true, major!, minor!), idb(), epb(TS_US))),
      (e: unknown) => e instanceof CaptureFileError && e.code === "E_PCAPNG_VERSION"
        && e.message === `pcapng: unknown section header version ${major}.${minor}`);
  }
  assert.throws(() => readCaptureBytes(concat(shb(), idb()).subarray(0, 20)),
    (e: unknown) => e instanceof CaptureFileError && e.code === "E_CAPTURE_TRUNCATED");
  const badBom = new Bytes().u32(0x0a0d0d0a).u32(28).u32(0x12345678).fill(12, 0).u32(28).done();
  assert.throws(() => readCaptureBytes(badBom), (e: unknown) => e instanceof CaptureFileError && e.code === "E_PCAPNG_BYTE_ORDER");
});

test("pcapng: warnings keep the record: caplen > snaplen, caplen > origlen", () => {
  // tshark 4.0.17 reads both frames (cap 60, len 40) and (60, 60).
  const r = readCaptureBytes(concat(shb(), idb({ snaplen: 30 }), epb(TS_US, { cl: 60, ol: 40 }), epb(TS_US)));
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.problems.map((p) => p.code),
    ["pcapng.caplen_exceeds_snaplen", "pcapng.caplen_exceeds_origlen", "pcapng.caplen_exceeds_snaplen"]);
  assert.equal(r.problems[0]?.message, "record 1 at byte 48: captured length 60 exceeds snaplen 30");
});
