/** The article end to end: run the echo exchange under a live capture, list the packets (tshark's
 *  Info column), and explain them with src/explain's one narrative (the same text as `synack
 *  explain` on the written file). This file only orchestrates: server, client, capture, file. */
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { newRecord, PcapngWriter, type CaptureRecord } from "../capture/index.js";
import { type DecodedFrame, formatIpv6 } from "../decode/index.js";
import {
  ACK, collectPackets, FIN, type TcpAnalyzer, type AnalysisResult, type EndpointState, type PacketFacts,
} from "../analysis/index.js";
import {
  bytesPrimer, ladderModel, narrateStream, renderLadderAscii, tcpHeaderModel,
  type BytesPrimer, type HeaderModel, type LadderAsciiOptions, type LadderModel, type NarrativeSection, type PacketNarrative,
} from "../explain/index.js";
import { FieldRows } from "../tshark/index.js";
import { startEchoServer, EchoServerError, type EchoServerHandle } from "./server.js";
import { runEchoClient, type EchoClientResult } from "./client.js";
import { startCapture, CaptureError, type CaptureHandle } from "./capture.js";

// ---------------------------------------------------------------------------------------------
// Packets kept from a capture

/** One captured packet, copied out of the reader (records are views). */
export interface KeptPacket {
  linkType: number;
  tsSec: number;
  tsNsec: number;
  originalLength: number;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Summary lines (a tshark-like packet list; TCP rows carry src/explain's Info column, tshark's own)

/** One row of the packet list. */
export interface PacketRow {
  no: number;
  /** Seconds since the first packet, 9 decimals (integer arithmetic). */
  time: string;
  src: string;
  dst: string;
  proto: string;
  /** Frame length on the wire. */
  length: number;
  info: string;
}

const IP_PROTOCOLS: Readonly<Record<number, string>> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 132: "SCTP" };

/** Formats `ns` (≥ 0 or negative) as seconds with 9 decimals, by integer arithmetic. */
export function formatSeconds(ns: number): string {
  const neg = ns < 0;
  const a = Math.abs(ns);
  const s = Math.floor(a / 1e9), frac = a - s * 1e9;
  return (neg ? "-" : "") + s + "." + String(frac).padStart(9, "0");
}

function ipText(frame: DecodedFrame, i: number, src: boolean): string {
  const ip = frame.ip[i]!;
  if (ip.version === 4) return src ? ip.srcText : ip.dstText;
  return formatIpv6(src ? ip.src : ip.dst);
}

/**
 * Turns records into packet-list rows, one at a time (live capture prints as packets arrive).
 * One src/explain `FieldRows` pass decodes and analyses each packet once (relative seq/ack,
 * states, analysis flags; every TCP header, as `synack read` does); the Info text of TCP rows is
 * its Info column (tshark's, exactly) unless `info` is false (then empty: for watchers that
 * print nothing and only read `lastResult`).
 */
export class PacketLister {
  readonly #rows: FieldRows;
  readonly #info: boolean;
  readonly #rec: CaptureRecord = newRecord();
  #count = 0;
  #firstSec = 0;
  #firstNsec = 0;
  /** The analysis of the last TCP row (undefined for a non-TCP row); reused per packet. */
  lastResult: AnalysisResult | undefined;

  constructor(info = true) {
    // Without the Info column, tcp.stream keeps the analyzer running (a packet-only row skips it).
    this.#rows = new FieldRows([info ? "_ws.col.Info" : "tcp.stream"], {}, {}, false);
    this.#info = info;
  }

  /** The analyzer of the rows (its `result` is refilled per TCP header). */
  get analyzer(): TcpAnalyzer { return this.#rows.analyzer; }
  /** Packets seen so far. */
  get count(): number { return this.#count; }
  /** The decoded last packet (reused per packet). */
  get frame(): DecodedFrame { return this.#rows.frame; }

  /** Decodes, analyses and summarises the next packet in capture order. */
  row(rec: KeptPacket): PacketRow {
    const no = ++this.#count;
    if (no === 1) { this.#firstSec = rec.tsSec; this.#firstNsec = rec.tsNsec; }
    const ns = (rec.tsSec - this.#firstSec) * 1e9 + (rec.tsNsec - this.#firstNsec);
    const c = this.#rec;
    c.index = no; c.linkType = rec.linkType; c.tsSec = rec.tsSec; c.tsNsec = rec.tsNsec;
    c.capturedLength = rec.bytes.length; c.originalLength = rec.originalLength; c.bytes = rec.bytes;
    this.#rows.matches(c);
    const f = this.#rows.frame;
    // The analyzer's reused result is this packet's first TCP header's when that is the only
    // header and it was analysed (the result carries the frame number it was filled for).
    const res = this.#rows.analyzer.result;
    this.lastResult = f.tcpCount === 1 && !f.tcp[0]!.quoted && res.frame === no ? res : undefined;
    const row: PacketRow = { no, time: formatSeconds(ns), src: "", dst: "", proto: "", length: rec.originalLength, info: "" };
    if (f.tcpCount > 0 && !f.tcp[0]!.quoted) {
      const t = f.tcp[0]!;
      row.src = ipText(f, t.ipIndex, true); row.dst = ipText(f, t.ipIndex, false); row.proto = "TCP";
      if (this.#info) row.info = this.#rows.info;
    } else if (f.ipCount > 0) {
      const ip = f.ip[f.ipCount - 1]!;
      row.src = ipText(f, f.ipCount - 1, true); row.dst = ipText(f, f.ipCount - 1, false);
      row.proto = IP_PROTOCOLS[ip.protocol] ?? (ip.version === 4 ? "IPv4" : "IPv6");
      row.info = `protocol ${ip.protocol}, ${ip.payloadLength} bytes`;
    } else {
      row.proto = "?"; row.info = `link type ${rec.linkType}, not decoded`;
    }
    return row;
  }
}

/** A row as one line: `No. Time Source → Destination Protocol Length Info`. */
export function formatRow(r: PacketRow): string {
  return `${String(r.no).padStart(5)} ${r.time.padStart(12)} ${r.src.padStart(15)} → ${r.dst.padEnd(15)} ${r.proto.padEnd(4)} ${String(r.length).padStart(4)} ${r.info}`;
}

// ---------------------------------------------------------------------------------------------
// The walkthrough: src/explain's one narrative over the captured stream

/** One packet of the walkthrough: its packet-list row, the analysis snapshot, and the narrative. */
export interface WalkPacket {
  no: number;
  row: PacketRow;
  /** The packet as src/explain sees it (relative numbers, states, phase, analysis). */
  facts: PacketFacts;
  /** src/explain's narrative of it (the same as `synack explain` prints). */
  narrative: PacketNarrative;
  /** The TCP header in RFC 9293 §3.1's layout with this packet's values (draw it with `renderHeaderDiagram`). */
  header: HeaderModel;
  /** The payload byte by byte: character, decimal, hex, bits. */
  primer: BytesPrimer;
}

/** The whole exchange as data. */
export interface Walkthrough {
  client: { addr: string; port: number };
  server: { addr: string; port: number };
  packets: WalkPacket[];
  /** The narrative's sections: the analysis's phases (`synack.phase`), every packet in full. */
  sections: NarrativeSection[];
  /** The connection's ladder diagram model (src/explain): arrows, states where they change, marks. */
  ladder: LadderModel;
  /** Invariants of a clean exchange, checked on the capture. */
  checks: {
    handshake: boolean;
    dataFromClient: Uint8Array;
    dataFromServer: Uint8Array;
    clientFinAcked: boolean;
    serverFinAcked: boolean;
  };
}

async function* asRecords(packets: readonly KeptPacket[]): AsyncGenerator<CaptureRecord> {
  let i = 0;
  for (const p of packets) {
    yield { ...newRecord(), index: ++i, linkType: p.linkType, tsSec: p.tsSec, tsNsec: p.tsNsec,
      capturedLength: p.bytes.length, originalLength: p.originalLength, bytes: p.bytes };
  }
}

/** Builds the walkthrough of the first TCP connection in `packets` (the demo captures one). */
export async function buildWalkthrough(packets: readonly KeptPacket[]): Promise<Walkthrough> {
  const lister = new PacketLister();
  const rows = packets.map((p) => lister.row(p));
  const all = await collectPackets(asRecords(packets));
  const facts = all.filter((p) => p.stream === all[0]?.stream);
  const sections = narrateStream(facts, Infinity);
  const byFrame = new Map<number, PacketNarrative>();
  for (const s of sections) for (const it of s.items) if (it.kind === "packet") byFrame.set(it.frame, it);
  const out: WalkPacket[] = facts.map((f) => ({
    no: f.frame, row: rows[f.frame - 1]!, facts: f, narrative: byFrame.get(f.frame)!,
    header: tcpHeaderModel(f.header, 0, f), primer: bytesPrimer(f.payload),
  }));
  const first = facts[0];
  const ends = (p: PacketFacts, sender: boolean) => ({ addr: sender ? p.src : p.dst, port: sender ? p.srcPort : p.dstPort });
  const client = first === undefined ? { addr: "", port: 0 } : ends(first, first.fromClient);
  const server = first === undefined ? { addr: "", port: 0 } : ends(first, !first.fromClient);
  const data = (fromClient: boolean) => {
    const parts = facts.filter((p) => p.fromClient === fromClient && p.payload.length > 0).map((p) => p.payload);
    const outBytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of parts) { outBytes.set(b, at); at += b.length; }
    return outBytes;
  };
  /** A FIN of this side, and an ACK from the other side that covers it (relative numbers). */
  const finAcked = (fromClient: boolean) => {
    const fin = facts.find((p) => p.fromClient === fromClient && (p.flags & FIN) !== 0 && p.relative);
    return fin !== undefined && facts.some((p) => p.fromClient !== fromClient && (p.flags & ACK) !== 0 && p.relative
      && p.ack >= fin.seq + Math.max(fin.seglen, 0) + 1);
  };
  return {
    client, server, packets: out, sections, ladder: ladderModel(facts),
    checks: {
      handshake: facts.some((p) => p.client === "ESTABLISHED" && p.server === "ESTABLISHED"),
      dataFromClient: data(true), dataFromServer: data(false),
      clientFinAcked: finAcked(true), serverFinAcked: finAcked(false),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The ladder

/** The walkthrough's ladder diagram as text (src/explain's ASCII renderer, 80 columns by default). */
export function ladder(w: Walkthrough, opts: LadderAsciiOptions = {}): string[] {
  return renderLadderAscii(w.ladder, opts);
}

// ---------------------------------------------------------------------------------------------
// Running the demo

/** How to run the demo. */
export interface DemoOptions {
  /** Server port; default 20000 (a free one when busy, see DemoRun.portNote). */
  port?: number;
  /** Bytes the client sends; default "AB". */
  data?: Uint8Array;
  /** Where to write the capture; default "synack-demo.pcapng" in `dir`. Never overwritten: -1, -2 … are tried. */
  file?: string;
  /** Directory for the default file name; default the current directory. */
  dir?: string;
  /** Server log lines ("Got connection from …"). */
  log?: (line: string) => void;
  /** tcpdump binary and environment (tests). */
  tcpdump?: string;
  env?: NodeJS.ProcessEnv;
  /** Give up waiting for the captured teardown after this long once the client finished; default 3000 ms. */
  teardownWaitMs?: number;
}

/** What one demo run did. */
export interface DemoRun {
  port: number;
  /** Set when the asked port was busy and a free one was used. */
  portNote: string | undefined;
  exchange: EchoClientResult;
  /** Captured packets (copies), empty without a capture. */
  packets: KeptPacket[];
  /** The file written, or undefined without a capture. */
  file: string | undefined;
  /** Why there is no capture (one line), when there is none. */
  noCapture: string | undefined;
  walkthrough: Walkthrough | undefined;
}

/** Opens `want` for writing without overwriting: `name.pcapng`, else `name-1.pcapng`, `name-2.pcapng` … */
export function createUnique(want: string): { fd: number; path: string } {
  const m = /^(.*?)(\.[^./\\]+)?$/.exec(want)!;
  const stem = m[1]!, ext = m[2] ?? "";
  for (let i = 0; i < 10_000; i++) {
    const path = i === 0 ? want : `${stem}-${i}${ext}`;
    try { return { fd: openSync(path, "wx"), path }; } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`no free file name like ${want}`);
}

/** Echo server + live capture on lo + client sending `data` + teardown, then the walkthrough. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoRun> {
  const wanted = options.port ?? 20000;
  const data = options.data ?? new TextEncoder().encode("AB");
  let server: EchoServerHandle;
  let portNote: string | undefined;
  const log = options.log;
  try {
    server = await startEchoServer({ host: "127.0.0.1", port: wanted, ...(log ? { log } : {}) });
  } catch (err) {
    if (!(err instanceof EchoServerError) || err.code !== "EADDRINUSE") throw err;
    server = await startEchoServer({ host: "127.0.0.1", port: 0, ...(log ? { log } : {}) });
    portNote = `port ${wanted} is busy, so the demo uses free port ${server.address.port}`;
  }
  const port = server.address.port;
  const packets: KeptPacket[] = [];
  let noCapture: string | undefined;
  let capture: CaptureHandle | undefined;
  let consumer: Promise<void> | undefined;
  let teardownSeen = (): void => {};
  const teardown = new Promise<void>((res) => { teardownSeen = res; });
  try {
    capture = startCapture({ iface: "lo", filter: `tcp port ${port}`,
      ...(options.tcpdump ? { tcpdump: options.tcpdump } : {}), ...(options.env ? { env: options.env } : {}) });
    try {
      await capture.ready;
    } catch (err) {
      noCapture = err instanceof CaptureError ? err.message : String(err);
      capture = undefined;
    }
    if (capture !== undefined) {
      const cap = capture;
      consumer = (async () => {
        const watch = new PacketLister(false);
        for await (const rec of cap) {
          const kept: KeptPacket = { linkType: rec.linkType, tsSec: rec.tsSec, tsNsec: rec.tsNsec,
            originalLength: rec.originalLength, bytes: rec.bytes.slice() };
          packets.push(kept);
          watch.row(kept);
          const r = watch.lastResult;
          if (r !== undefined && closed(r.client) && closed(r.server)) teardownSeen();
        }
      })();
    }
    const exchange = await runEchoClient({ host: "127.0.0.1", port, data });
    if (capture !== undefined) {
      const waitMs = options.teardownWaitMs ?? 3000;
      await Promise.race([teardown, new Promise((res) => setTimeout(res, waitMs).unref())]);
      await capture.stop();
      await consumer;
    }
    let file: string | undefined;
    if (capture !== undefined) file = writePcapng(options.file ?? join(options.dir ?? ".", "synack-demo.pcapng"), packets);
    return { port, portNote, exchange, packets, file, noCapture,
      walkthrough: capture !== undefined ? await buildWalkthrough(packets) : undefined };
  } finally {
    if (capture !== undefined) await capture.stop().catch(() => undefined);
    await server.close();
  }
}

function closed(s: EndpointState): boolean { return s === "TIME-WAIT" || s === "CLOSED" || s === "RESET"; }

/** Writes kept packets as pcapng (ns timestamps) to a new file next to `want`; returns its path. */
export function writePcapng(want: string, packets: readonly KeptPacket[]): string {
  const w = new PcapngWriter({ interfaces: [{ linkType: packets[0]?.linkType ?? 1, tsresol: 9 }] });
  w.header();
  for (const p of packets) w.add(p);
  const { fd, path } = createUnique(want);
  try {
    const bytes = w.take();
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally { closeSync(fd); }
  return path;
}
