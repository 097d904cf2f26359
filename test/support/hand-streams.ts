/** Hand-made TCP streams for the explain tests, built as real pcap bytes: src/decode's emit
 *  functions make IPv4 + TCP headers, src/capture's PcapWriter makes the file, and the same
 *  reader → decoder → analysis pipeline as the CLI reads it back. Raw link type (101), client
 *  10.0.0.1:33310, server 10.0.0.2:20000, client ISN 1000, server ISN 5000, 1 ms apart. */
import { PcapWriter, readCaptureBytes } from "../../src/capture/index.js";
import type { TcpRepr } from "../../src/decode/index.js";
import { ipv4TcpPacket } from "./packets.js";
import { collectPackets, type PacketFacts } from "../../src/analysis/index.js";

export const CLIENT = 0x0a000001, SERVER = 0x0a000002;
export const CPORT = 33310, SPORT = 20000;
export const C_ISN = 1000, S_ISN = 5000;

/** One segment: direction, seq/ack relative to the sender's/peer's ISN, flags, payload text. */
export interface HandSeg {
  dir: "c2s" | "s2c";
  seq: number;
  ack: number;
  flags: number;
  data?: string;
  win?: number;
  /** Raw option bytes (multiple of 4). */
  options?: number[];
  /** Time in ms (default: previous + 1). */
  ms?: number;
}

/** The pcap file bytes of the segments. */
export function pcapOf(segs: readonly HandSeg[]): Uint8Array {
  const w = new PcapWriter({ linkType: 101, nanos: true });
  w.header();
  let ms = 0;
  const enc = new TextEncoder();
  for (const s of segs) {
    ms = s.ms ?? ms + 1;
    const c2s = s.dir === "c2s";
    const payload = enc.encode(s.data ?? "");
    const options = new Uint8Array(s.options ?? []);
    const src = c2s ? CLIENT : SERVER, dst = c2s ? SERVER : CLIENT;
    const tcp: TcpRepr = {
      srcPort: c2s ? CPORT : SPORT, dstPort: c2s ? SPORT : CPORT,
      seqRaw: ((c2s ? C_ISN : S_ISN) + s.seq) >>> 0, ackRaw: s.ack === 0 && (s.flags & 0x10) === 0 ? 0 : ((c2s ? S_ISN : C_ISN) + s.ack) >>> 0,
      dataOffset: 5 + options.length / 4, flags: s.flags, windowRaw: s.win ?? 65535, checksum: 0, urgent: 0,
      options, payload,
    };
    const pkt = ipv4TcpPacket(src, dst, tcp);
    w.add({ tsSec: 1_700_000_000 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1_000_000, originalLength: pkt.length, bytes: pkt });
  }
  return w.take();
}

async function* iter<T>(xs: T[]): AsyncGenerator<T> { for (const x of xs) yield x; }

/** The segments as PacketFacts, through the real pipeline. */
export async function handPackets(segs: readonly HandSeg[]): Promise<PacketFacts[]> {
  const contents = readCaptureBytes(pcapOf(segs));
  return collectPackets(iter(contents.records));
}
