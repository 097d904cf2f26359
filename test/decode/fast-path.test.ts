/** FrameDecoder's fast path (Ethernet → IPv4/IPv6 → TCP in one function) must leave a DecodedFrame exactly
 *  as the general walk does, through decode() and through decodeAt() (the frame inside a larger buffer):
 *  compared field by field on every corpus frame and on generated frames that sit on and around each of
 *  its conditions (IHL, total / payload length, fragments, extension headers, data offset, short segments,
 *  captured and original lengths), decoded in sequence into reused frames. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { DecodedFrame, FrameDecoder, type IpLayer, type TcpLayer } from "../../src/decode/index.js";
import { readCaptureFile } from "./corpus-compare.js";
import { CAPTURES, corpusFiles } from "../capture/helpers.js";

function ipState(l: IpLayer, frame: DecodedFrame): unknown[] {
  return [l.version, l.encap, l.bytes === frame.bytes ? "frame" : [...l.bytes], l.offset, l.headerLength, l.protocol,
    l.payloadLength, l.src4, l.dst4, [...l.src.subarray(0, l.version === 4 ? 4 : 16)], [...l.dst.subarray(0, l.version === 4 ? 4 : 16)],
    l.srcHash, l.dstHash, l.ttl, l.pseudoSrcAt, l.pseudoDstAt, l.fragment, l.reassembled, l.quoted, l.srcText, l.dstText];
}

function tcpState(t: TcpLayer, frame: DecodedFrame): unknown[] {
  return [t.bytes === frame.bytes ? "frame" : [...t.bytes], t.offset, t.ipIndex, t.quoted, t.reassembled, t.capturedLength,
    t.fields, t.srcPort, t.dstPort, t.seqRaw, t.ackRaw, t.dataOffset, t.headerLength, t.flags, t.windowRaw, t.checksum,
    t.urgent, t.optionsOffset, t.optionsLength, t.optionsCaptured, t.reportedLength, t.checksumLength, t.seglen,
    t.payloadOffset, t.payloadLength, [...t.problems], [...t.options()], [...t.payload()]];
}

/** Everything a DecodedFrame exposes for its valid layers. */
function state(f: DecodedFrame): unknown {
  const ip: unknown[] = [], tcp: unknown[] = [];
  for (let i = 0; i < f.ipCount; i++) ip.push(ipState(f.ip[i]!, f));
  for (let i = 0; i < f.tcpCount; i++) tcp.push(tcpState(f.tcp[i]!, f));
  return { frameNumber: f.frameNumber, linkType: f.linkType, originalLength: f.originalLength, bytes: [...f.bytes],
    ipCount: f.ipCount, tcpCount: f.tcpCount, problems: [...f.problems], ip, tcp };
}

/** Decodes the frames in order with the general walk, the fast path, and decodeAt() on a copy of the frame
 *  placed at an odd offset of a larger buffer (each into one reused DecodedFrame); the first difference. */
function compare(frames: { linkType: number; bytes: Uint8Array; originalLength: number }[]): string | undefined {
  const general = new FrameDecoder({ fastPath: false }), fast = new FrameDecoder(), at = new FrameDecoder();
  const g = new DecodedFrame(), f = new DecodedFrame(), a = new DecodedFrame();
  for (let i = 0; i < frames.length; i++) {
    const r = frames[i]!;
    general.decode(r.linkType, r.bytes, r.originalLength, i + 1, g);
    fast.decode(r.linkType, r.bytes, r.originalLength, i + 1, f);
    const off = 3 + (i % 5) * 7, big = new Uint8Array(off + r.bytes.length + 9).fill(0xee);
    big.set(r.bytes, off);
    at.decodeAt(r.linkType, big.subarray(1), off - 1, r.bytes.length, r.originalLength, i + 1, a);
    const sg = JSON.stringify(state(g)), sf = JSON.stringify(state(f)), sa = JSON.stringify(state(a));
    if (sf !== sg) return `frame ${i + 1}:\n fast    ${sf}\n general ${sg}`;
    if (sa !== sg) return `frame ${i + 1}:\n at      ${sa}\n general ${sg}`;
  }
  return undefined;
}

test("fast path: every frame of every corpus capture decodes as through the general walk", () => {
  let frames = 0;
  for (const file of corpusFiles()) {
    const recs = readCaptureFile(join(CAPTURES, file));
    frames += recs.length;
    const diff = compare(recs);
    assert.equal(diff, undefined, `${file} ${diff}`);
  }
  assert.ok(frames > 1000, `${frames} frames`);
});

const ETH4 = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
const ETH6 = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd];

/** An Ethernet frame with IPv4 or IPv6 and a TCP-like header, its fields chosen on and around the fast
 *  path's limits; then cut to a captured length and given an original length. */
const frameArb = fc.record({
  v6: fc.boolean(),
  version: fc.oneof({ weight: 9, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  ihl: fc.oneof({ weight: 6, arbitrary: fc.constant(5) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  // IP length against the real size: exact, a little off either way, 0 (GSO), anything.
  lenDelta: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: -30, max: 30 }) },
    { weight: 1, arbitrary: fc.constant("zero" as const) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 65535 }) }),
  frag: fc.constantFrom(0, 0, 0, 0x4000, 0x2000, 0x0001, 0x4001, 0x8000),
  proto: fc.constantFrom(6, 6, 6, 6, 17, 1, 0, 44, 60, 43),
  doff: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 5, max: 8 }) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  payload: fc.integer({ min: 0, max: 40 }),
  fill: fc.uint8Array({ minLength: 120, maxLength: 120 }),
  cut: fc.oneof({ weight: 6, arbitrary: fc.constant(-1) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 130 }) }),
  extra: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 3000 }) }),
  pad: fc.integer({ min: 0, max: 8 }),
}).map((g) => {
  const iphl = g.v6 ? 40 : g.ihl * 4 < 20 ? 20 : g.ihl * 4;
  const thl = Math.max(20, g.doff * 4);
  const real = iphl + thl + g.payload; // IP datagram size as built
  const bytes = new Uint8Array(14 + real + g.pad);
  bytes.set(g.v6 ? ETH6 : ETH4);
  for (let i = 14; i < bytes.length; i++) bytes[i] = g.fill[(i - 14) % g.fill.length]!;
  const ipLen = g.lenDelta === "zero" ? 0 : Math.max(0, Math.min(65535, (g.v6 ? real - 40 : real) + g.lenDelta));
  const at = 14;
  if (g.v6) {
    bytes[at] = ((g.version >= 0 ? g.version : 6) << 4) | (bytes[at]! & 15);
    bytes[at + 4] = ipLen >> 8; bytes[at + 5] = ipLen & 255; bytes[at + 6] = g.proto;
  } else {
    bytes[at] = ((g.version >= 0 ? g.version : 4) << 4) | g.ihl;
    bytes[at + 2] = ipLen >> 8; bytes[at + 3] = ipLen & 255;
    bytes[at + 6] = g.frag >> 8; bytes[at + 7] = g.frag & 255; bytes[at + 9] = g.proto;
  }
  const tat = at + iphl;
  bytes[tat + 12] = (g.doff << 4) | (bytes[tat + 12]! & 15);
  const cap = g.cut < 0 ? bytes.length : Math.min(bytes.length, g.cut);
  const captured = bytes.slice(0, cap);
  return { linkType: 1, bytes: captured, originalLength: cap + g.extra };
});

/** Frames of the general walk that leave more layers and problems behind in the reused DecodedFrame. */
const others = fc.constantFrom(
  // ICMP destination unreachable quoting IPv4/TCP: two IP layers, a quoted TCP header.
  { linkType: 1, originalLength: 90, bytes: Uint8Array.from([...ETH4, 0x45, 0, 0, 76, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 9, 10, 0, 0, 1,
    3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 40, 0, 2, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 9,
    0x9c, 0x40, 0, 80, 1, 2, 3, 4, 0, 0, 0, 0, 0x50, 0x02, 0x03, 0xe8, 0, 0, 0, 0]) },
  // A bogus data offset and a truncated TCP header: problems on tcp[0].
  { linkType: 1, originalLength: 54, bytes: Uint8Array.from([...ETH4, 0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0x9c, 0x40, 0, 80, 1, 2, 3, 4, 0, 0, 0, 5, 0x30, 0x10, 0x03, 0xe8, 0, 0, 0, 0]) },
  { linkType: 1, originalLength: 60, bytes: Uint8Array.from([...ETH4, 0x45, 0, 0, 46, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0, 80]) },
  // Linux cooked capture (not Ethernet): the general walk only.
  { linkType: 113, originalLength: 56, bytes: Uint8Array.from([0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
    0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0, 80, 1, 2, 3, 4, 0, 0, 0, 5, 0x50, 0x18, 0x03, 0xe8, 0, 0, 0, 0]) },
);

test("fast path: generated frames around its conditions, in sequence with other frames, decode as through the general walk", () => {
  fc.assert(fc.property(fc.array(fc.oneof({ weight: 4, arbitrary: frameArb }, { weight: 1, arbitrary: others }), { minLength: 1, maxLength: 8 }),
    (frames) => { const diff = compare(frames); assert.equal(diff, undefined, diff); }), { numRuns: 3000 });
});
