import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PcapWriter, PcapngWriter, pcapChunks, pcapngChunks, readCaptureBytes, records, type CaptureRecord }
  from "../../src/capture/index.js";
import { CAPTURES, chunksOf, concat, corpusFiles, epoch, hex, hexOf, readChunked } from "./helpers.js";

/** What must survive a rewrite: bytes, time, lengths, link type. */
const same = (r: CaptureRecord): string =>
  `lt${r.linkType} ${epoch(r)} ${r.capturedLength}/${r.originalLength} ${hexOf(r.bytes)}`;

test("round trip: read(write(records)) keeps bytes and times for every readable corpus capture", async () => {
  let files = 0, frames = 0;
  for (const file of corpusFiles()) {
    const src = readChunked(readFileSync(join(CAPTURES, file)));
    if (src.refused !== undefined) continue;
    files++;
    frames += src.records.length;
    const want = src.records.map(same);

    // pcapng: one IDB (ns) per (section, interface) of the source, written as it first appears.
    const ng = new PcapngWriter({ littleEndian: !file.includes("be") });
    ng.header();
    const ids = new Map<string, number>();
    const p = src.parser;
    src.records.forEach((r, i) => {
      const section = src.sections[i]!;
      const key = `${section}/${r.interface}`;
      let id = ids.get(key);
      if (id === undefined) {
        // µs interfaces stay µs (a µs count can exceed what 64 bits of ns hold), the others become ns.
        const resol = p.info?.format === "pcapng" ? p.info.sections[section]?.interfaces[r.interface]?.tsresol : undefined;
        id = ng.addInterface({ linkType: r.linkType, tsresol: resol === 6 || (resol === undefined && r.tsNsec % 1000 === 0 && !p.info?.pcap?.nanos) ? 6 : 9 });
        ids.set(key, id);
      }
      ng.add(r, id);
    });
    const back = readCaptureBytes(ng.take());
    assert.equal(back.fatal, undefined, `${file} pcapng: ${back.fatal?.message}`);
    assert.deepEqual(back.records.map(same), want, `${file} via pcapng`);

    // pcap: only when the file has one link type; same byte order, ns when the source could be sub-µs.
    const linkTypes = new Set(src.records.map((r) => r.linkType));
    if (linkTypes.size > 1) continue;
    const nanos = src.records.some((r) => r.tsNsec % 1000 !== 0);
    const chunks: Uint8Array[] = [];
    for await (const c of pcapChunks(src.records, { linkType: [...linkTypes][0] ?? 1, nanos,
      littleEndian: p.info?.littleEndian ?? true })) chunks.push(c);
    const again: string[] = [];
    for await (const r of records(chunksOf(concat(...chunks), 4096))) again.push(same(r));
    assert.deepEqual(again, want, `${file} via pcap`);
  }
  assert.ok(files >= 115 && frames > 13_000, `${files} files, ${frames} frames`);
});

test("round trip: hand-checked pcap writer output (LE µs, BE ns)", () => {
  const rec = { tsSec: 1_700_000_000, tsNsec: 123_456_789, originalLength: 60, bytes: hex`deadbeef` };
  const le = new PcapWriter({ linkType: 1, snaplen: 65535 });
  le.header(); le.add(rec);
  assert.equal(hexOf(le.take()), hexOf(hex`
    d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000
    00f15365 40e20100 04000000 3c000000 deadbeef           # 123456 µs: the sub-µs part is truncated
  `));
  const be = new PcapWriter({ linkType: 101, nanos: true, littleEndian: false });
  be.header(); be.add(rec);
  assert.equal(hexOf(be.take()), hexOf(hex`
    a1b23c4d 0002 0004 00000000 00000000 00040000 00000065
    6553f100 075bcd15 00000004 0000003c deadbeef
  `));
});

test("round trip: hand-checked pcapng writer output (SHB, IDB with if_tsresol 9, EPB)", () => {
  const w = new PcapngWriter({ interfaces: [{ linkType: 1, snaplen: 65535 }] });
  w.header();
  w.add({ tsSec: 1_700_000_000, tsNsec: 123_456_789, originalLength: 60, bytes: hex`deadbeefca` });
  // 1700000000123456789 ns = 0x17979cfe_3d85cd15: high word 0x17979cfe, low word 0x3d85cd15.
  assert.equal(hexOf(w.take()), hexOf(hex`
    0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000   # SHB v1.0, section length -1
    01000000 20000000 0100 0000 ffff0000                              # IDB Ethernet, snaplen 65535
    0900 0100 09000000 0000 0000 20000000                             # if_tsresol 9, opt_endofopt, trailer
    06000000 28000000 00000000 fe9c9717 15cd853d 05000000 3c000000    # EPB if 0, ts high/low, 5/60
    deadbeefca000000 28000000                                         # data + padding, trailer
  `));
});

test("round trip: writers refuse times they cannot hold (programmer error, RangeError)", () => {
  const w = new PcapWriter({ linkType: 1 });
  assert.throws(() => w.add({ tsSec: -1, tsNsec: 0, originalLength: 0, bytes: new Uint8Array(0) }), RangeError);
  assert.throws(() => w.add({ tsSec: 2 ** 32, tsNsec: 0, originalLength: 0, bytes: new Uint8Array(0) }), RangeError);
  const ng = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
  assert.throws(() => ng.add({ tsSec: 1, tsNsec: 1e9, originalLength: 0, bytes: new Uint8Array(0) }), RangeError);
  assert.throws(() => ng.add({ tsSec: 1, tsNsec: 0, originalLength: 0, bytes: new Uint8Array(0) }, 3), RangeError);
});

test("round trip: pcapngChunks streams a µs interface (if_tsresol absent)", async () => {
  const out: Uint8Array[] = [];
  for await (const c of pcapngChunks([{ tsSec: 5, tsNsec: 7000, originalLength: 1, bytes: hex`aa` }],
    { interfaces: [{ linkType: 101, tsresol: 6 }] })) out.push(c);
  const r = readCaptureBytes(concat(...out));
  assert.deepEqual(r.records.map((x) => `${x.linkType} ${epoch(x)}`), ["101 5.000007000"]);
  assert.equal(r.info?.interfaces[0]?.tsresol, 6);
});
