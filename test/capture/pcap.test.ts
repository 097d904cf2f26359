import { test, suite } from "node:test";
import assert from "node:assert/strict";
import { CaptureFileError, readCapture, readCaptureBytes, records } from "../../src/capture/index.js";
import { chunksOf, epoch, hex, hexOf, pcapFile, readChunked, summary } from "./helpers.js";

// Hand-checked bytes: 1700000000 s = 0x6553f100, 123456 µs = 0x0001e240, 123456789 ns = 0x075bcd15.
const LE_US = hex`
  d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000   # LE µs magic, v2.4, zone, sigfigs, snaplen 65535, Ethernet
  00f15365 40e20100 04000000 3c000000 deadbeef             # 1700000000.123456, caplen 4, origlen 60
  01f15365 00000000 02000000 02000000 cafe                 # 1700000001.000000, caplen 2, origlen 2
`;
const BE_US = hex`
  a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000001
  6553f100 0001e240 00000004 0000003c deadbeef
  6553f101 00000000 00000002 00000002 cafe
`;
const LE_NS = hex`
  4d3cb2a1 0200 0400 00000000 00000000 00000400 65000000   # LE ns magic, snaplen 262144, LINKTYPE_RAW 101
  00f15365 15cd5b07 04000000 3c000000 deadbeef             # 1700000000.123456789
  01f15365 00000000 02000000 02000000 cafe
`;
const BE_NS = hex`
  a1b23c4d 0002 0004 00000000 00000000 00040000 00000065
  6553f100 075bcd15 00000004 0000003c deadbeef
  6553f101 00000000 00000002 00000002 cafe
`;

suite("pcap: every byte order × time resolution", () => {
  const cases: Array<[string, Uint8Array, boolean, boolean, number, string]> = [
    ["LE µs", LE_US, true, false, 1, "1700000000.123456000"],
    ["BE µs", BE_US, false, false, 1, "1700000000.123456000"],
    ["LE ns", LE_NS, true, true, 101, "1700000000.123456789"],
    ["BE ns", BE_NS, false, true, 101, "1700000000.123456789"],
  ];
  for (const [name, bytes, le, nanos, lt, t1] of cases) {
    test(name, () => {
      const r = readCaptureBytes(bytes);
      assert.equal(r.info?.format, "pcap");
      assert.equal(r.info?.littleEndian, le);
      assert.equal(r.info?.pcap?.nanos, nanos);
      assert.equal(r.info?.pcap?.linkType, lt);
      assert.deepEqual(r.records.map((x) => `${x.index} if${x.interface} lt${x.linkType} ${epoch(x)} ${x.capturedLength}/${x.originalLength} ${hexOf(x.bytes)}`), [
        `1 if0 lt${lt} ${t1} 4/60 deadbeef`,
        `2 if0 lt${lt} 1700000001.000000000 2/2 cafe`,
      ]);
      assert.deepEqual(r.problems, []);
      assert.equal(r.fatal, undefined);
    });
  }
});

test("pcap: 1-byte, 7-byte and whole-file chunks give identical output (sync and async)", async () => {
  for (const bytes of [LE_US, BE_NS]) {
    const whole = readChunked(bytes).records.map(summary);
    for (const size of [1, 7, 16]) assert.deepEqual(readChunked(bytes, size).records.map(summary), whole, `size ${size}`);
    for (const size of [1, 7, 0]) {
      const got: string[] = [];
      for await (const rec of records(chunksOf(bytes, size))) got.push(summary(rec));
      assert.deepEqual(got, whole, `async size ${size}`);
    }
  }
});

test("pcap: batches API, one batch per chunk plus the end", async () => {
  const reader = readCapture(chunksOf(LE_US, 30));
  const rec = { index: 0, interface: 0, linkType: 0, tsSec: 0, tsNsec: 0, capturedLength: 0, originalLength: 0,
    bytes: new Uint8Array(0) };
  const seen: string[] = [];
  for await (const batch of reader.batches()) while (batch.next(rec)) seen.push(epoch(rec));
  assert.deepEqual(seen, ["1700000000.123456000", "1700000001.000000000"]);
  assert.equal(reader.fatal, undefined);
});

test("pcap: link-type field: FCS bits split off, reserved bits refused (libpcap layout, tshark 4.0)", () => {
  // tshark 4.0.17 reads 0x30000001, 0x04000001, 0x08000001, 0xf4000001 as Ethernet; refuses 0x00010001, 0x02000001.
  for (const [field, fcs] of [[0x30000001, undefined], [0x24000001, 4], [0x08000001, undefined], [0xf4000001, 30]] as const) {
    const r = readCaptureBytes(pcapFile({ linkType: field, records: [[100, 5, 4, 4]] }));
    assert.equal(r.records[0]?.linkType, 1, field.toString(16));
    assert.equal(r.info?.pcap?.fcsBytes, fcs, field.toString(16));
    assert.equal(r.info?.pcap?.linkTypeField, field);
  }
  for (const field of [0x00010001, 0x02000001, 0x00300000]) {
    assert.throws(() => readCaptureBytes(pcapFile({ linkType: field, records: [] })),
      (e: unknown) => e instanceof CaptureFileError && e.code === "E_PCAP_LINKTYPE_RESERVED");
  }
});

test("pcap: versions 2.0-2.2 swap the two lengths, 2.3 only when captured > original (tshark 4.0)", () => {
  // tshark 4.0.17 on these files: v2.4 (60, 30) → cap 60 len 30; v2.3 (60, 30) → cap 30 len 60.
  const v24 = readCaptureBytes(pcapFile({ minor: 4, records: [[100, 5, 60, 30]] }));
  assert.deepEqual([v24.records[0]?.capturedLength, v24.records[0]?.originalLength], [60, 30]);
  const v23 = readCaptureBytes(pcapFile({ minor: 3, records: [[100, 5, 30, 60], [100, 6, 40, 20]], dataLen: 30 }));
  assert.deepEqual(v23.records.map((r) => [r.capturedLength, r.originalLength]), [[30, 60], [20, 40]]);
  const v20 = readCaptureBytes(pcapFile({ minor: 0, records: [[100, 5, 200, 20]], dataLen: 20 }));
  assert.deepEqual(v20.records.map((r) => [r.capturedLength, r.originalLength]), [[20, 200]]);
  // tshark 4.0.17 accepts majors ≥ 2 (3.0 too) and refuses 0 and 1.
  assert.equal(readCaptureBytes(pcapFile({ major: 3, minor: 0, records: [[1, 0, 1, 1]] })).records.length, 1);
  for (const major of [0, 1]) {
    assert.throws(() => readCaptureBytes(pcapFile({ major, records: [] })),
      (e: unknown) => e instanceof CaptureFileError && e.code === "E_PCAP_VERSION" && !e.message.includes("\n"));
  }
});

test("pcap: file-level refusals and the empty file", () => {
  assert.throws(() => readCaptureBytes(new TextEncoder().encode("hello world, not a capture")),
    (e: unknown) => e instanceof CaptureFileError && e.code === "E_PCAP_MAGIC");
  assert.throws(() => readCaptureBytes(LE_US.subarray(0, 20)),
    (e: unknown) => e instanceof CaptureFileError && e.code === "E_CAPTURE_TRUNCATED");
  // tshark 4.0.17: a zero-byte file is an empty capture, exit status 0.
  const empty = readCaptureBytes(new Uint8Array(0));
  assert.equal(empty.info?.format, "empty");
  assert.deepEqual([empty.records.length, empty.fatal], [0, undefined]);
  // A header alone: no records, no problem.
  const headerOnly = readCaptureBytes(LE_US.subarray(0, 24));
  assert.deepEqual([headerOnly.records.length, headerOnly.fatal], [0, undefined]);
});

test("pcap: a cut record ends reading after the complete ones, at any cut point", () => {
  // tshark 4.0.17 on each cut: the complete records, then "cut short in the middle of a packet", exit 2.
  for (let cut = 25; cut < LE_US.length; cut++) {
    const r = readCaptureBytes(LE_US.subarray(0, cut));
    const complete = cut >= 24 + 20 ? 1 : 0;
    if (cut === 24 + 20) { assert.equal(r.fatal, undefined); continue; }
    assert.equal(r.records.length, complete, `cut ${cut}`);
    assert.equal(r.fatal?.code, "pcap.truncated_record", `cut ${cut}`);
    assert.equal(r.fatal?.record, complete + 1);
    assert.equal(r.fatal?.at, complete === 1 ? 44 : 24);
  }
  const r = readCaptureBytes(LE_US.subarray(0, 24 + 18));
  assert.equal(r.fatal?.message, "record 1 at byte 24: file ends 18 bytes into a 20-byte record");
});

test("pcap: captured length above 262144 stops reading (tshark 4.0: 'bigger than maximum of 262144')", () => {
  const r = readCaptureBytes(pcapFile({ records: [[100, 5, 60, 60], [100, 6, 262145, 262145], [100, 7, 60, 60]], dataLen: 60 }));
  assert.equal(r.records.length, 1);
  assert.equal(r.fatal?.code, "pcap.record_too_large");
  assert.equal(r.fatal?.message, "record 2 at byte 100: captured length 262145 exceeds the maximum of 262144");
  const ok = readCaptureBytes(pcapFile({ records: [[100, 5, 262144, 262144]] }));
  assert.equal(ok.records[0]?.capturedLength, 262144);
});

test("pcap: warnings keep the record: caplen > snaplen, caplen > origlen, sub-second field out of range", () => {
  const r = readCaptureBytes(pcapFile({ snaplen: 4, records: [[100, 5, 39, 39], [100, 1_000_000, 4, 2], [100, 999_999, 1, 1]] }));
  assert.equal(r.records.length, 3);
  assert.equal(r.fatal, undefined);
  assert.deepEqual(r.problems.map((p) => p.message), [
    "record 1 at byte 24: captured length 39 exceeds snaplen 4",
    "record 2 at byte 79: microsecond field 1000000 out of range",
    "record 2 at byte 79: captured length 4 exceeds original length 2",
  ]);
  assert.deepEqual(r.records.map(epoch), ["100.000005000", "101.000000000", "100.999999000"]);
  // nanosecond files: 1e9 and 2^31 normalised into the seconds
  const n = readCaptureBytes(pcapFile({ nanos: true, records: [[7, 1_000_000_000, 1, 1], [7, 2_147_483_648, 1, 1]] }));
  assert.deepEqual(n.records.map(epoch), ["8.000000000", "9.147483648"]);
  assert.deepEqual(n.problems.map((p) => [p.code, p.value]), [["pcap.bad_subsec", 1_000_000_000], ["pcap.bad_subsec", 2_147_483_648]]);
});

test("pcap: a record inside one chunk is a view into that chunk, not a copy", async () => {
  for await (const rec of records(chunksOf(LE_US))) {
    assert.equal(rec.bytes.buffer, LE_US.buffer);
    assert.equal(hexOf(rec.bytes), rec.index === 1 ? "deadbeef" : "cafe");
  }
});
