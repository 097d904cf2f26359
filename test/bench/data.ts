/**
 * `npm run bench:data [-- --packets N] [--snaplen N] [--out PATH]`: writes the deterministic capture
 * that `bench:read` reads: `.tmp/bench/synack-bench-<N>.pcap` (default 2 000 000 packets, at most
 * 10 000 000). Not a test.
 *
 * Traffic: Ethernet (LINKTYPE 1), pcap µs, snap length 128 by default (headers and the first payload
 * bytes, as `tcpdump -s 128` captures for header analysis; the wire lengths are the real ones, so
 * tcp.len and the analysis see full-size segments). About a quarter of the packets are IPv6.
 *  - many short connections (a few hundred at a time): handshake with MSS/SACK_PERM/TS/WS (10 % without
 *    timestamps), a request, a 1–6 segment response, FIN close from either side or a RST; some SYN
 *    retransmissions, some lost response segments (dup ACKs with SACK, then a retransmission), delayed
 *    ACKs. Client ports cycle through 8 per client address, so 4-tuples come back: port reuse.
 *  - a few bulk flows (2 IPv4, 2 IPv6; one starts near the 2^32 sequence wrap): window-limited
 *    1448-byte segments, ACK every second segment, random loss (dup ACKs with SACK blocks, fast
 *    retransmission), spurious retransmissions, zero-window periods with probes, probe ACKs and a
 *    window update.
 * Deterministic: one seeded PRNG drives everything, and the output's sha256 is printed; the same
 * options give the same bytes on every run and machine. Frames are built with src/decode's emitters
 * and written with src/capture's PcapWriter, streaming in 1 MiB chunks (bounded memory).
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { PcapWriter } from "../../src/capture/index.js";
import { emitIpv4, emitIpv6, emitTcp, type Ipv4Repr, type Ipv6Repr, type TcpRepr } from "../../src/decode/index.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const DEFAULT_PACKETS = 2_000_000;
export const MAX_PACKETS = 10_000_000;
export const DEFAULT_SNAPLEN = 128;
const SEED = 0x5eed_ac4b;

/** Where the capture of `packets` packets lives. */
export function benchCapturePath(packets: number, snaplen = DEFAULT_SNAPLEN): string {
  const tag = snaplen === DEFAULT_SNAPLEN ? "" : `-s${snaplen}`;
  return join(REPO_ROOT, ".tmp", "bench", `synack-bench-${packets}${tag}.pcap`);
}

// ---- deterministic randomness ------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough for traffic shapes; the seed fixes every byte. */
class Rng {
  #s: number;
  constructor(seed: number) { this.#s = seed >>> 0; }
  /** uint32 */
  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** [0, 1) */
  f(): number { return this.u32() / 4294967296; }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number { return lo + Math.floor(this.f() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.f() < p; }
}

// ---- packets -------------------------------------------------------------------------------------

const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
const MSS = 1448;

/** One endpoint pair; `a` is the client. Addresses: IPv4 as a uint32, IPv6 as 16 bytes. */
interface Conn {
  v6: boolean;
  a4: number; b4: number;
  a6: Uint8Array; b6: Uint8Array;
  aPort: number; bPort: number;
  ts: boolean;       // timestamps option in use
  key: string;
  flowLabel: number;
  ipIdA: number; ipIdB: number;
}

/** The packet a traffic script yields; the writer turns it into a frame. */
interface Pkt {
  conn: Conn;
  fromA: boolean;
  flags: number;
  seq: number;
  ack: number;
  win: number;
  len: number;
  syn: boolean;          // SYN options
  sackN: number;         // SACK blocks
  sack: number[];        // raw edges, 2 per block
  /** Gap (µs) before this packet in addition to the interleaving gap. */
  delayUs: number;
}

const P: Pkt = { conn: undefined as unknown as Conn, fromA: true, flags: 0, seq: 0, ack: 0, win: 0, len: 0,
  syn: false, sackN: 0, sack: [0, 0, 0, 0, 0, 0], delayUs: 0 };

function pk(conn: Conn, fromA: boolean, flags: number, seq: number, ack: number, win: number, len: number,
    delayUs = 0): Pkt {
  P.conn = conn; P.fromA = fromA; P.flags = flags; P.seq = seq >>> 0; P.ack = (flags & ACK) !== 0 ? ack >>> 0 : 0;
  P.win = win; P.len = len; P.syn = (flags & SYN) !== 0; P.sackN = 0; P.delayUs = delayUs;
  return P;
}
function withSack(p: Pkt, ...edges: number[]): Pkt {
  p.sackN = edges.length >> 1;
  for (let i = 0; i < edges.length; i++) p.sack[i] = edges[i]! >>> 0;
  return p;
}

// ---- traffic scripts -------------------------------------------------------------------------------

/** A short request/response connection. */
function* shortConn(r: Rng, c: Conn): Generator<Pkt, void, undefined> {
  const isnA = r.u32(), isnB = r.u32();
  const winA = r.int(200, 512), winB = r.int(200, 512);
  yield pk(c, true, SYN, isnA, 0, 64240, 0);
  if (r.chance(0.03)) yield pk(c, true, SYN, isnA, 0, 64240, 0, 1_000_000); // SYN retransmission
  yield pk(c, false, SYN | ACK, isnB, isnA + 1, 65160, 0, r.int(50, 3000));
  yield pk(c, true, ACK, isnA + 1, isnB + 1, winA, 0, r.int(50, 3000));
  const req = r.int(40, 700);
  yield pk(c, true, PSH | ACK, isnA + 1, isnB + 1, winA, req, r.int(10, 200));
  let a = isnA + 1 + req, b = isnB + 1;
  if (r.chance(0.5)) yield pk(c, false, ACK, b, a, winB, 0, r.int(50, 3000));
  const segs = r.int(1, 6);
  const lost = segs >= 3 && r.chance(0.04) ? r.int(0, segs - 2) : -1;
  let holeSeq = 0, holeLen = 0, sacked = 0;
  for (let i = 0; i < segs; i++) {
    const len = i === segs - 1 ? r.int(1, MSS) : MSS;
    const flags = i === segs - 1 ? PSH | ACK : ACK;
    if (i === lost) { holeSeq = b; holeLen = len; b += len; continue; }
    yield pk(c, false, flags, b, a, winB, len, r.int(5, 2000));
    b += len;
    if (lost >= 0 && i > lost) {
      sacked = b;
      yield withSack(pk(c, true, ACK, a, holeSeq, winA, 0, r.int(10, 500)), holeSeq + holeLen, sacked);
    } else if (i % 2 === 1 || i === segs - 1) {
      yield pk(c, true, ACK, a, b, winA, 0, r.int(10, 500));
    }
  }
  if (lost >= 0) {
    yield pk(c, false, ACK, holeSeq, a, winB, holeLen, r.int(200, 40_000)); // retransmission of the hole
    yield pk(c, true, ACK, a, b, winA, 0, r.int(10, 500));
  }
  const end = r.f();
  if (end < 0.05) { yield pk(c, true, RST | ACK, a, b, 0, 0, r.int(100, 10_000)); return; }
  if (end < 0.2) {
    // server closes first
    yield pk(c, false, FIN | ACK, b, a, winB, 0, r.int(100, 10_000));
    yield pk(c, true, FIN | ACK, a, b + 1, winA, 0, r.int(50, 3000));
    yield pk(c, false, ACK, b + 1, a + 1, winB, 0, r.int(50, 3000));
    return;
  }
  yield pk(c, true, FIN | ACK, a, b, winA, 0, r.int(100, 10_000));
  yield pk(c, false, FIN | ACK, b, a + 1, winB, 0, r.int(50, 3000));
  yield pk(c, true, ACK, a + 1, b + 1, winA, 0, r.int(50, 3000));
}

/** A long bulk transfer from the server (b) to the client (a), `segments` data segments. */
function* bulkConn(r: Rng, c: Conn, segments: number, isnB: number): Generator<Pkt, void, undefined> {
  const isnA = r.u32();
  const WIN = 2000; // raw, ×128 = 256 000 bytes
  yield pk(c, true, SYN, isnA, 0, 64240, 0);
  yield pk(c, false, SYN | ACK, isnB, isnA + 1, 65160, 0, r.int(50, 3000));
  yield pk(c, true, ACK, isnA + 1, isnB + 1, WIN, 0, r.int(50, 3000));
  yield pk(c, true, PSH | ACK, isnA + 1, isnB + 1, WIN, 120, r.int(10, 200));
  const a = isnA + 121;
  let b = isnB + 1;       // sender's next new byte (raw, kept mod 2^32 below)
  let rcv = isnB + 1;     // receiver's cumulative ack
  let sent = 0;
  while (sent < segments) {
    const burst = Math.min(r.int(2, 12), segments - sent);
    let holeSeq = -1, holeLen = 0, inOrder = 0;
    for (let i = 0; i < burst; i++, sent++) {
      const seq = b >>> 0;
      b = (b + MSS) >>> 0;
      if (holeSeq < 0 && i < burst - 3 && r.chance(0.006)) { holeSeq = seq; holeLen = MSS; continue; } // lost
      yield pk(c, false, i === burst - 1 ? PSH | ACK : ACK, seq, a, 500, MSS, r.int(2, 60));
      if (holeSeq >= 0) {
        // receiver: duplicate ACK for the hole, SACKing what arrived beyond it
        yield withSack(pk(c, true, ACK, a, holeSeq, WIN, 0, r.int(2, 40)), holeSeq + holeLen, b);
      } else {
        rcv = b;
        if (++inOrder % 2 === 0 || i === burst - 1) yield pk(c, true, ACK, a, rcv, WIN, 0, r.int(2, 40));
      }
    }
    if (holeSeq >= 0) {
      // fast retransmission of the hole, then the cumulative ACK
      yield pk(c, false, ACK, holeSeq, a, 500, holeLen, r.int(2, 200));
      rcv = b;
      yield pk(c, true, ACK, a, rcv, WIN, 0, r.int(2, 40));
    }
    if (r.chance(0.002)) {
      // spurious retransmission of an already acknowledged segment
      yield pk(c, false, ACK, (b - 2 * MSS) >>> 0, a, 500, MSS, r.int(100, 5000));
      yield withSack(pk(c, true, ACK, a, rcv, WIN, 0, r.int(2, 40)), b - 2 * MSS, b - MSS);
    }
    if (r.chance(0.002)) {
      // the receiver stalls: zero window, probes, probe ACKs, then a window update
      yield pk(c, true, ACK, a, rcv, 0, 0, r.int(2, 40));
      const probes = r.int(1, 3);
      for (let k = 0; k < probes; k++) {
        yield pk(c, false, ACK, b, a, 500, 1, r.int(200_000, 400_000) * (k + 1));
        yield pk(c, true, ACK, a, rcv, 0, 0, r.int(2, 40));
      }
      yield pk(c, true, ACK, a, rcv, WIN, 0, r.int(1000, 100_000));
    }
  }
  yield pk(c, false, FIN | ACK, b, a, 500, 0, r.int(100, 1000));
  yield pk(c, true, FIN | ACK, a, b + 1, WIN, 0, r.int(50, 3000));
  yield pk(c, false, ACK, b + 1, a + 1, 500, 0, r.int(50, 3000));
}

// ---- frame building --------------------------------------------------------------------------------

const FRAME = new Uint8Array(14 + 40 + 60 + 1500);
const ZEROS = new Uint8Array(1500);
const OPTS = new Uint8Array(40);
const MAC_A = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x01], MAC_B = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x02];
const ip4: Ipv4Repr = { version: 4, ihl: 5, tos: 0, totalLength: 0, id: 0, flagsFragment: 0x4000, ttl: 64,
  protocol: 6, checksum: 0, src: 0, dst: 0, options: new Uint8Array(0), payload: new Uint8Array(0) };
const ip6: Ipv6Repr = { version: 6, trafficClass: 0, flowLabel: 0, payloadLength: 0, nextHeader: 6, hopLimit: 64,
  src: new Uint8Array(16), dst: new Uint8Array(16), extensions: [], protocol: 6, payload: new Uint8Array(0) };
const tcp: TcpRepr = { srcPort: 0, dstPort: 0, seqRaw: 0, ackRaw: 0, dataOffset: 5, flags: 0, windowRaw: 0,
  checksum: 0, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0) };

/** Writes the option area for `p` into OPTS; returns its length (a multiple of 4). */
function options(p: Pkt, clock: number, tsecr: number): number {
  let n = 0;
  const ts = p.conn.ts;
  const put = (...bytes: number[]): void => { for (const x of bytes) OPTS[n++] = x; };
  const put32 = (v: number): void => put((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  if (p.syn) {
    const mss = p.conn.v6 ? 1440 : 1460;
    if (ts) { put(2, 4, mss >> 8, mss & 255, 4, 2, 8, 10); put32(clock); put32(tsecr); put(1, 3, 3, 7); }
    else { put(2, 4, mss >> 8, mss & 255, 1, 3, 3, 8, 1, 1, 4, 2); }
    return n;
  }
  if (ts) { put(1, 1, 8, 10); put32(clock); put32(tsecr); }
  if (p.sackN > 0) {
    put(1, 1, 5, 2 + 8 * p.sackN);
    for (let i = 0; i < 2 * p.sackN; i++) put32(p.sack[i]!);
  }
  return n;
}

/** Ones'-complement sum of 16-bit words of b[from, to). */
function sum16(b: Uint8Array, from: number, to: number, s: number): number {
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0);
  return s;
}
function fold(s: number): number { while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536); return s; }

/** Builds the Ethernet frame for `p`; returns its wire length (the frame is built whole up to `snap`). */
function buildFrame(p: Pkt, clockMs: number, tsecr: number, snap: number): { wire: number; cap: number } {
  const c = p.conn;
  const mac1 = p.fromA ? MAC_A : MAC_B, mac2 = p.fromA ? MAC_B : MAC_A;
  for (let i = 0; i < 6; i++) { FRAME[i] = mac2[i]!; FRAME[6 + i] = mac1[i]!; }
  const ol = options(p, clockMs, tsecr);
  const thl = 20 + ol;
  const ipHl = c.v6 ? 40 : 20;
  const wire = 14 + ipHl + thl + p.len;
  FRAME[12] = c.v6 ? 0x86 : 0x08; FRAME[13] = c.v6 ? 0xdd : 0x00;
  const ipAt = 14, tcpAt = 14 + ipHl;
  // TCP first (its checksum needs the pseudo-header), payload bytes are zeros (they add nothing to the sum).
  tcp.srcPort = p.fromA ? c.aPort : c.bPort; tcp.dstPort = p.fromA ? c.bPort : c.aPort;
  tcp.seqRaw = p.seq; tcp.ackRaw = p.ack; tcp.dataOffset = thl / 4; tcp.flags = p.flags; tcp.windowRaw = p.win;
  tcp.checksum = 0; tcp.options = OPTS.subarray(0, ol);
  const payCap = Math.max(0, Math.min(p.len, snap - (tcpAt + thl)));
  tcp.payload = ZEROS.subarray(0, payCap);
  emitTcp(tcp, FRAME.subarray(tcpAt));
  const segLen = thl + p.len;
  let s = sum16(FRAME, tcpAt, tcpAt + thl, 6 + segLen);
  if (c.v6) {
    const src = p.fromA ? c.a6 : c.b6, dst = p.fromA ? c.b6 : c.a6;
    s = sum16(src, 0, 16, s); s = sum16(dst, 0, 16, s);
    ip6.src = src; ip6.dst = dst; ip6.flowLabel = c.flowLabel; ip6.payloadLength = segLen;
    ip6.hopLimit = p.fromA ? 64 : 57;
    emitIpv6(ip6, FRAME.subarray(ipAt));
  } else {
    const src = p.fromA ? c.a4 : c.b4, dst = p.fromA ? c.b4 : c.a4;
    s += (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
    ip4.src = src; ip4.dst = dst; ip4.totalLength = 20 + segLen; ip4.ttl = p.fromA ? 64 : 57;
    ip4.id = p.fromA ? (c.ipIdA = (c.ipIdA + 1) & 0xffff) : (c.ipIdB = (c.ipIdB + 1) & 0xffff);
    ip4.checksum = 0;
    emitIpv4(ip4, FRAME.subarray(ipAt));
    const ipSum = (~fold(sum16(FRAME, ipAt, ipAt + 20, 0))) & 0xffff;
    FRAME[ipAt + 10] = ipSum >> 8; FRAME[ipAt + 11] = ipSum & 255;
  }
  const tcpSum = (~fold(s)) & 0xffff;
  FRAME[tcpAt + 16] = tcpSum >> 8; FRAME[tcpAt + 17] = tcpSum & 255;
  return { wire, cap: Math.min(wire, snap) };
}

// ---- the capture ------------------------------------------------------------------------------------

interface Slot { conn: Conn; it: Generator<Pkt, void, undefined>; bulk: boolean; tsA: number; tsB: number }

export interface BenchData { path: string; packets: number; bytes: number; sha256: string; seconds: number }

/** Writes the capture; returns its path, size and sha256. */
export function writeBenchCapture(packets: number, snaplen = DEFAULT_SNAPLEN, out = benchCapturePath(packets, snaplen)): BenchData {
  const t0 = process.hrtime.bigint();
  const r = new Rng(SEED);
  const snap = snaplen === 0 ? 65535 : snaplen;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.part`;
  const fd = openSync(tmp, "w");
  const hash = createHash("sha256");
  let bytes = 0;
  const w = new PcapWriter({ linkType: 1, snaplen: snaplen === 0 ? 262_144 : snaplen });
  const flush = (): void => {
    const chunk = w.take();
    hash.update(chunk);
    for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off, chunk.length - off);
    bytes += chunk.length;
  };
  w.header();

  // Address plan: 1000 IPv4 and 300 IPv6 clients, 8 servers of each family; client i talks to server i % 8.
  const server4 = (i: number): number => (0xc0a86400 + 10 + (i % 8)) >>> 0;            // 192.168.100.10+
  const client4 = (i: number): number => (0x0a000000 + 0x100 + i) >>> 0;                  // 10.0.1.0+
  const addr6 = (prefix: number, i: number): Uint8Array => {
    const a = new Uint8Array(16);
    a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = 0xb8; a[5] = prefix; a[14] = (i >> 8) & 255; a[15] = i & 255;
    return a;
  };
  const server6 = Array.from({ length: 8 }, (_, i) => addr6(0xff, i + 1));
  const client6 = Array.from({ length: 300 }, (_, i) => addr6(1, i + 1));
  const nextPort = new Map<number, number>();
  const active = new Set<string>();

  const newShort = (): Conn => {
    for (;;) {
      const v6 = r.chance(0.25);
      const ci = v6 ? r.int(0, 299) : r.int(0, 999);
      const clientKey = v6 ? 100_000 + ci : ci;
      const k = nextPort.get(clientKey) ?? r.int(0, 7);
      nextPort.set(clientKey, (k + 1) & 7);
      const aPort = 40_000 + ci * 17 % 1000 + k * 331 % 20_000;
      const bPort = ci % 3 === 0 ? 80 : 443;
      const key = `${v6 ? 6 : 4}:${ci}:${aPort}`;
      if (active.has(key)) continue;
      active.add(key);
      return { v6, a4: v6 ? 0 : client4(ci), b4: v6 ? 0 : server4(ci), a6: v6 ? client6[ci]! : ZEROS,
        b6: v6 ? server6[ci % 8]! : ZEROS, aPort, bPort, ts: !r.chance(0.1), key, flowLabel: r.u32() & 0xfffff,
        ipIdA: r.int(0, 65535), ipIdB: r.int(0, 65535) };
    }
  };
  let bulkNo = 0;
  const newBulk = (i: number): Slot => {
    const v6 = i >= 2;
    const conn: Conn = { v6, a4: v6 ? 0 : (0x0a090000 + i) >>> 0, b4: v6 ? 0 : (0xc0a86500 + i) >>> 0,
      a6: v6 ? addr6(9, i) : ZEROS, b6: v6 ? addr6(0xfe, i) : ZEROS, aPort: 50_000 + (bulkNo++ % 50), bPort: 5001,
      ts: true, key: `bulk${i}`, flowLabel: r.u32() & 0xfffff, ipIdA: 0, ipIdB: 0 };
    const isnB = i === 0 && bulkNo <= 4 ? 0xfff0_0000 : r.u32(); // the first one wraps past 2^32
    return { conn, it: bulkConn(r, conn, r.int(20_000, 200_000), isnB), bulk: true, tsA: 0, tsB: 0 };
  };
  const SHORT = 300;
  const slots: Slot[] = [];
  for (let i = 0; i < 4; i++) slots.push(newBulk(i));
  for (let i = 0; i < SHORT; i++) { const c = newShort(); slots.push({ conn: c, it: shortConn(r, c), bulk: false, tsA: 0, tsB: 0 }); }

  let sec = 1_700_000_000, us = 0;
  const rec = { tsSec: 0, tsNsec: 0, originalLength: 0, bytes: FRAME };
  for (let n = 0; n < packets;) {
    const i = r.chance(0.4) ? r.int(0, 3) : 4 + r.int(0, SHORT - 1);
    const slot = slots[i]!;
    const step = slot.it.next();
    if (step.done === true) {
      if (slot.bulk) slots[i] = newBulk(i);
      else {
        active.delete(slot.conn.key);
        const c = newShort();
        slots[i] = { conn: c, it: shortConn(r, c), bulk: false, tsA: 0, tsB: 0 };
      }
      continue;
    }
    const p = step.value;
    us += r.int(1, 25) + Math.floor(p.delayUs / 50); // interleaving gap plus a share of the script's delay
    if (us >= 1_000_000) { sec += Math.floor(us / 1_000_000); us %= 1_000_000; }
    const clockMs = ((sec - 1_700_000_000) * 1000 + Math.floor(us / 1000) + 1) >>> 0;
    const tsecr = p.syn && (p.flags & ACK) === 0 ? 0 : (p.fromA ? slot.tsB : slot.tsA);
    if (p.fromA) slot.tsA = clockMs; else slot.tsB = clockMs;
    const f = buildFrame(p, clockMs, tsecr, snap);
    rec.tsSec = sec; rec.tsNsec = us * 1000; rec.originalLength = f.wire; rec.bytes = FRAME.subarray(0, f.cap);
    w.add(rec);
    if (w.buffered >= 1 << 20) flush();
    n++;
  }
  flush();
  closeSync(fd);
  renameSync(tmp, out);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { path: out, packets, bytes, sha256: hash.digest("hex"), seconds };
}

/** The capture for `packets`, written first when missing. */
export function ensureBenchCapture(packets: number, snaplen = DEFAULT_SNAPLEN): string {
  const path = benchCapturePath(packets, snaplen);
  if (!existsSync(path)) report(writeBenchCapture(packets, snaplen));
  return path;
}

function report(d: BenchData): void {
  console.log(`bench:data: ${d.packets} packets, ${(d.bytes / 1048576).toFixed(1)} MiB in ${d.seconds.toFixed(1)} s → ${d.path}`);
  console.log(`bench:data: sha256 ${d.sha256}`);
}

/** Parses a packet count like 2000000, 2e6, 2M or 500k. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(e\d+|[kKmM])?$/.exec(text.trim());
  if (m === null) return NaN;
  const base = Number(m[1]);
  const suf = m[2] ?? "";
  const mul = suf === "" ? 1 : suf.startsWith("e") ? 10 ** Number(suf.slice(1)) : /k/i.test(suf) ? 1e3 : 1e6;
  return Math.round(base * mul);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const { values } = parseArgs({ options: { packets: { type: "string" }, snaplen: { type: "string" }, out: { type: "string" } } });
    const packets = parseCount(values.packets ?? String(DEFAULT_PACKETS));
    if (!Number.isInteger(packets) || packets < 1 || packets > MAX_PACKETS) {
      throw new Error(`--packets must be 1 … ${MAX_PACKETS} (got ${values.packets})`);
    }
    const snaplen = Number(values.snaplen ?? DEFAULT_SNAPLEN);
    if (!Number.isInteger(snaplen) || (snaplen !== 0 && snaplen < 128) || snaplen > 65535) {
      throw new Error(`--snaplen must be 0 (whole frames) or 128 … 65535 (got ${values.snaplen})`);
    }
    report(writeBenchCapture(packets, snaplen, values.out ?? benchCapturePath(packets, snaplen)));
  } catch (err) {
    console.error(`bench:data: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
