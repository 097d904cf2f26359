/** Hand-made TCP streams as pcap bytes (raw IPv4, link type 101) for the diagram and ladder
 *  tests: the seed article's exchange, a retransmission with a gap and reordering, a
 *  simultaneous open, a refused connection (RST) and a long bulk transfer. */
import { PcapWriter } from "../../../src/capture/index.js";
import { emitIpv4, emitTcp, ipv4Length, LinkType, tcpLength, type TcpRepr } from "../../../src/decode/index.js";
import { hex } from "../../support/hex.js";

export const FIN = 0x001, SYN = 0x002, RST = 0x004, PSH = 0x008, ACK = 0x010;

/** One segment: direction, raw numbers, flags, payload, options, time in µs since the first. */
export interface Seg {
  c2s: boolean;
  flags: number;
  seq: number;
  ack: number;
  data?: string;
  win?: number;
  options?: Uint8Array;
  /** µs after the capture start (default: previous + 100 µs). */
  us?: number;
  /** Client port (default the `pcapOf` argument): a second conversation in the same file. */
  cport?: number;
}

export const CLIENT = { addr: 0x0a000001, port: 54321 };
export const SERVER = { addr: 0x0a000002, port: 20000 };
/** Client and server ISNs of every stream below. */
export const C_ISN = 1234567890;
export const S_ISN = 3000000000;

/** SYN options as Linux sends them on loopback: MSS 65495, SACK_PERM, TS, NOP, WS 7. */
export const SYN_OPTIONS = hex`0204 ffd7  0402 080a  0001 e240  0000 0000  0103 0307`;

/** The IPv4 + TCP bytes of one segment (checksums left 0: tshark does not verify them by default). */
export function frameOf(s: Seg, cport = CLIENT.port): Uint8Array {
  const payload = new TextEncoder().encode(s.data ?? "");
  const options = s.options ?? new Uint8Array(0);
  const tcp: TcpRepr = {
    srcPort: s.c2s ? cport : SERVER.port, dstPort: s.c2s ? SERVER.port : cport, seqRaw: s.seq >>> 0, ackRaw: s.ack >>> 0,
    dataOffset: 5 + options.length / 4, flags: s.flags, windowRaw: s.win ?? 512, checksum: 0, urgent: 0, options, payload,
  };
  const seg = new Uint8Array(tcpLength(tcp));
  emitTcp(tcp, seg);
  const ip = { version: 4, ihl: 5, tos: 0, totalLength: 20 + seg.length, id: 1, flagsFragment: 0x4000, ttl: 64, protocol: 6,
    checksum: 0, src: s.c2s ? CLIENT.addr : SERVER.addr, dst: s.c2s ? SERVER.addr : CLIENT.addr, options: new Uint8Array(0), payload: seg };
  const out = new Uint8Array(ipv4Length(ip));
  emitIpv4(ip, out);
  return out;
}

/** A pcap file of the segments (several streams: pass `[segments, clientPort]` pairs, interleaved in order). */
export function pcapOf(segs: Seg[], cport = CLIENT.port): Uint8Array {
  const w = new PcapWriter({ linkType: LinkType.RAW, nanos: true });
  w.header();
  let us = 0;
  segs.forEach((s, i) => {
    us = s.us ?? (i === 0 ? 0 : us + 100);
    const bytes = frameOf(s, s.cport ?? cport);
    w.add({ tsSec: 1_700_000_000 + Math.floor(us / 1e6), tsNsec: (us % 1e6) * 1000, originalLength: bytes.length, bytes });
  });
  return w.take();
}

const c = C_ISN, s = S_ISN;

/** The seed article's exchange: handshake, `AB` each way, FIN teardown with FIN+ACK merged (10 segments). */
export const ARTICLE: Seg[] = [
  { c2s: true, flags: SYN, seq: c, ack: 0, win: 65495, options: SYN_OPTIONS },
  { c2s: false, flags: SYN | ACK, seq: s, ack: c + 1, win: 65483, options: SYN_OPTIONS },
  { c2s: true, flags: ACK, seq: c + 1, ack: s + 1 },
  { c2s: true, flags: PSH | ACK, seq: c + 1, ack: s + 1, data: "AB" },
  { c2s: false, flags: ACK, seq: s + 1, ack: c + 3 },
  { c2s: false, flags: PSH | ACK, seq: s + 1, ack: c + 3, data: "AB" },
  { c2s: true, flags: ACK, seq: c + 3, ack: s + 3 },
  { c2s: true, flags: FIN | ACK, seq: c + 3, ack: s + 3 },
  { c2s: false, flags: FIN | ACK, seq: s + 3, ack: c + 4 },
  { c2s: true, flags: ACK, seq: c + 4, ack: s + 4 },
];

/** Handshake, 100 bytes, the same 100 bytes again 300 ms later (retransmission), then bytes
 *  201-300 before 101-200 (a gap, then the missing segment 1 ms later: out of order). */
export const RETRANSMISSION: Seg[] = [
  ARTICLE[0]!, ARTICLE[1]!, ARTICLE[2]!,
  { c2s: true, flags: PSH | ACK, seq: c + 1, ack: s + 1, data: "x".repeat(100), us: 1000 },
  { c2s: true, flags: PSH | ACK, seq: c + 1, ack: s + 1, data: "x".repeat(100), us: 301_000 },
  { c2s: false, flags: ACK, seq: s + 1, ack: c + 101, us: 301_100 },
  { c2s: true, flags: PSH | ACK, seq: c + 201, ack: s + 1, data: "z".repeat(100), us: 302_000 },
  { c2s: true, flags: PSH | ACK, seq: c + 101, ack: s + 1, data: "y".repeat(100), us: 302_050 },
  { c2s: false, flags: ACK, seq: s + 1, ack: c + 301, us: 302_150 },
];

/** Simultaneous open (RFC 9293 §3.5 figure 7): SYNs cross, then each side's SYN,ACK. */
export const SIMULTANEOUS: Seg[] = [
  { c2s: true, flags: SYN, seq: c, ack: 0 },
  { c2s: false, flags: SYN, seq: s, ack: 0 },
  { c2s: true, flags: SYN | ACK, seq: c, ack: s + 1 },
  { c2s: false, flags: SYN | ACK, seq: s, ack: c + 1 },
  { c2s: true, flags: ACK, seq: c + 1, ack: s + 1 },
];

/** A refused connection: SYN answered by RST,ACK. */
export const REFUSED: Seg[] = [
  { c2s: true, flags: SYN, seq: c, ack: 0, options: SYN_OPTIONS },
  { c2s: false, flags: RST | ACK, seq: 0, ack: c + 1, win: 0 },
];

/** Handshake, `n` data segments of 1000 bytes each answered by an ACK, FIN teardown. */
export function bulk(n: number): Seg[] {
  const out: Seg[] = [ARTICLE[0]!, ARTICLE[1]!, ARTICLE[2]!];
  let seq = c + 1;
  for (let i = 0; i < n; i++) {
    out.push({ c2s: true, flags: ACK, seq, ack: s + 1, data: "d".repeat(1000) });
    seq += 1000;
    out.push({ c2s: false, flags: ACK, seq: s + 1, ack: seq });
  }
  out.push({ c2s: true, flags: FIN | ACK, seq, ack: s + 1 }, { c2s: false, flags: FIN | ACK, seq: s + 1, ack: seq + 1 },
    { c2s: true, flags: ACK, seq: seq + 1, ack: s + 2 });
  return out;
}
