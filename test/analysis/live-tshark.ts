/** Hand-made captures checked against tshark 4.0.17 run live: `pcapOf` writes raw-IP pcap bytes
 *  (src/decode's emitters, src/capture's PcapWriter) with any timestamps, ports and raw numbers;
 *  `tsharkCells` runs tshark on them with the given preferences; `ourCells` runs the same bytes
 *  through reader → decoder → adapter → TcpAnalyzer with the matching AnalysisOptions and formats
 *  the same columns (tshark-format.ts). The expected values are tshark's, never ours. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PcapWriter, readCaptureBytes } from "../../src/capture/index.js";
import { type TcpRepr, DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { type AnalysisOptions, newSegment, TcpAnalyzer } from "../../src/analysis/index.js";
import { segmentFromDecoded } from "../../src/analysis/from-decoded.js";
import { ipv4TcpPacket } from "../support/packets.js";
import { cell } from "./tshark-format.js";

export const CLIENT = 0x0a000001, SERVER = 0x0a000002;

/** One TCP segment with raw numbers. Time: `sec` + `nsec` (default: previous + 1 ms). */
export interface RawSeg {
  c2s: boolean;
  seq: number;
  ack: number;
  flags: number;
  len?: number;
  win?: number;
  /** Raw option bytes (padded to a multiple of 4 here). */
  options?: number[];
  sec?: number;
  nsec?: number;
  /** Client port (default 33310); the server is 10.0.0.2:20000. */
  cport?: number;
}

/** The pcap (LINKTYPE_RAW, ns timestamps) of the segments. */
export function pcapOf(segs: readonly RawSeg[]): Uint8Array {
  const w = new PcapWriter({ linkType: 101, nanos: true });
  w.header();
  let sec = 1_700_000_000, nsec = 0;
  for (const s of segs) {
    if (s.sec !== undefined) { sec = s.sec; nsec = s.nsec ?? 0; } else {
      nsec += 1_000_000;
      if (nsec >= 1e9) { sec++; nsec -= 1e9; }
    }
    const src = s.c2s ? CLIENT : SERVER, dst = s.c2s ? SERVER : CLIENT, cport = s.cport ?? 33310;
    const opts = [...(s.options ?? [])];
    while (opts.length % 4 !== 0) opts.push(1);
    const tcp: TcpRepr = {
      srcPort: s.c2s ? cport : 20000, dstPort: s.c2s ? 20000 : cport, seqRaw: s.seq >>> 0, ackRaw: s.ack >>> 0,
      dataOffset: 5 + opts.length / 4, flags: s.flags, windowRaw: s.win ?? 65535, checksum: 0, urgent: 0,
      options: new Uint8Array(opts), payload: new Uint8Array(s.len ?? 0).fill(0x61),
    };
    const pkt = ipv4TcpPacket(src, dst, tcp);
    w.add({ tsSec: sec, tsNsec: nsec, originalLength: pkt.length, bytes: pkt });
  }
  return w.take();
}

/** tshark preference names → AnalysisOptions keys (the CLI's `-o` does the same mapping). */
const PREF_KEYS: Record<string, keyof AnalysisOptions> = {
  "tcp.analyze_sequence_numbers": "analyzeSequenceNumbers",
  "tcp.relative_sequence_numbers": "relativeSequenceNumbers",
  "tcp.track_bytes_in_flight": "trackBytesInFlight",
  "tcp.calculate_timestamps": "calculateTimestamps",
};

/** `["tcp.analyze_sequence_numbers:FALSE"]` → `{ analyzeSequenceNumbers: false }`. */
export function optionsOf(prefs: readonly string[]): Partial<AnalysisOptions> {
  const o: Record<string, boolean> = {};
  for (const p of prefs) {
    const [name, value] = p.split(":");
    const key = PREF_KEYS[name!];
    if (key === undefined) throw new Error(`no option for ${p}`);
    o[key] = value === "TRUE";
  }
  return o as Partial<AnalysisOptions>;
}

/** tshark 4.0.17's cells (one row of `columns` per TCP frame), run live on `bytes`. */
export function tsharkCells(bytes: Uint8Array, prefs: readonly string[], columns: readonly string[]): string[][] {
  const dir = mkdtempSync(join(tmpdir(), "synack-live-"));
  try {
    const file = join(dir, "t.pcap");
    writeFileSync(file, bytes);
    // tcp.calculate_timestamps is off by default in tshark, on in ours: ask for it unless the test sets it.
    const all = prefs.some((p) => p.startsWith("tcp.calculate_timestamps:")) ? prefs : [...prefs, "tcp.calculate_timestamps:TRUE"];
    const args = ["-n", "-r", file, ...all.flatMap((p) => ["-o", p]), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
      ...columns.flatMap((c) => ["-e", c])];
    const out = execFileSync("tshark", args, {
      env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" },
      encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
    });
    return out.split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our cells for the same columns, from the same bytes and preferences. */
export function ourCells(bytes: Uint8Array, prefs: readonly string[], columns: readonly string[]): string[][] {
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), seg = newSegment();
  const opts = optionsOf(prefs);
  const analyzer = new TcpAnalyzer({ calculateTimestamps: true, ...opts });
  const rows: string[][] = [];
  for (const rec of readCaptureBytes(bytes).records) {
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    if (frame.tcpCount === 0 || !segmentFromDecoded(frame, 0, rec.tsSec, rec.tsNsec, seg)) continue;
    const r = analyzer.observe(seg);
    rows.push(columns.map((c) => c === "frame.number" ? String(rec.index) : cell(r, c)));
  }
  return rows;
}
