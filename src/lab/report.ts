/** A lab capture as the report `synack lab run|show` prints: the packet list, the ladder of each
 *  stream, the key packets explained, and a verdict line per expected phenomenon. Rendering is
 *  explain's (narratePacket, ladderModel/renderLadderAscii) and the demo's packet list; this file
 *  only chooses what to show. */
import { readCaptureBytes, type CaptureRecord } from "../capture/index.js";
import {
  collectLadderPackets, ladderModel, narratePacket, renderLadderAscii,
} from "../explain/index.js";
import { A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_RETRANSMISSION, A_SPURIOUS_RETRANSMISSION,
  A_ZERO_WINDOW, A_OUT_OF_ORDER, A_REUSED_PORTS, A_WINDOW_UPDATE, isDsack, RST, SYN, msText, type PacketFacts } from "../analysis/index.js";
import { tcpOptions } from "../decode/index.js";
import { PacketLister, formatRow } from "./demo.js";
import type { Scenario } from "./scenario.js";
import { verdictLine, verdictOf, type Verdict } from "./verdict.js";

/** The report of one capture. */
export interface LabReport {
  /** Packet list lines (No., time, source → destination, protocol, length, Info). */
  list: string[];
  /** ASCII ladder per TCP stream. */
  ladders: Array<{ stream: number; lines: string[] }>;
  /** Key packets: a one-line why, then explain's narrative of the packet. */
  keys: Array<{ frame: number; summary: string; lines: string[] }>;
  /** One line per phenomenon. */
  verdictLines: string[];
  verdict: Verdict;
}

/** At most this many key packets per phenomenon, and in all. */
const KEYS_PER_PHENOMENON = 2;
const KEYS_MAX = 10;

async function* iterate(recs: readonly CaptureRecord[]): AsyncGenerator<CaptureRecord> { for (const r of recs) yield r; }

/** What a key packet shows, in one sentence built from synack's analysis numbers. */
export function keySentence(p: PacketFacts): string {
  const f = p.analysisFlags;
  const who = p.fromClient ? "client" : "server";
  if ((f & A_REUSED_PORTS) !== 0) return `frame ${p.frame}: a new SYN on the port pair of an earlier connection (ports reused)`;
  if ((f & A_SPURIOUS_RETRANSMISSION) !== 0) return `frame ${p.frame} resends bytes the ${p.fromClient ? "server" : "client"} had already acknowledged (spurious retransmission)`;
  if ((f & A_FAST_RETRANSMISSION) !== 0) return `frame ${p.frame} retransmits at once after duplicate ACKs (fast retransmission${p.rtoFrame !== 0 ? `, first sent in frame ${p.rtoFrame}` : ""})`;
  if ((f & A_RETRANSMISSION) !== 0) {
    // Sooner than an ACK can come back: no timer of the sender's, the same bytes were copied on the way.
    if (p.rtoFrame !== 0 && p.initialRttNs > 0 && p.rtoNs < p.initialRttNs) {
      return `frame ${p.frame} repeats frame ${p.rtoFrame} ${msText(p.rtoNs)} later, before any ACK could come back (iRTT ${msText(p.initialRttNs)}): `
        + "a copy made on the way, not the sender's retransmission timer";
    }
    return p.rtoFrame !== 0 ? `frame ${p.frame} retransmits frame ${p.rtoFrame}: no ACK came for ${msText(p.rtoNs)}, the retransmission timeout`
      : `frame ${p.frame} is a retransmission by the ${who}`;
  }
  if ((f & A_OUT_OF_ORDER) !== 0) return `frame ${p.frame} arrives after segments with higher sequence numbers (out of order)`;
  const dup = dsackRange(p);
  if ((f & A_DUPLICATE_ACK) !== 0 && dup !== undefined) {
    return `frame ${p.frame} repeats the ACK of frame ${p.dupAckFrame} (duplicate ACK #${p.dupAckNum}) with a D-SACK: the ${who} got bytes ${dup} twice`;
  }
  if ((f & A_DUPLICATE_ACK) !== 0) return `frame ${p.frame} repeats the ACK of frame ${p.dupAckFrame} (duplicate ACK #${p.dupAckNum}): the ${who} is missing the bytes from ${p.ack}`;
  if ((f & A_ZERO_WINDOW) !== 0) return `frame ${p.frame}: the ${who}'s receive window is 0, the peer must stop sending`;
  if ((f & A_KEEP_ALIVE) !== 0) return `frame ${p.frame}: a probe with seq one below the next (keep-alive or zero-window probe)`;
  if ((f & A_WINDOW_UPDATE) !== 0) return `frame ${p.frame}: the ${who} announces a larger window (${p.windowSize} bytes), nothing else`;
  if ((p.flags & RST) !== 0) return `frame ${p.frame}: the ${who} resets the connection`;
  return narratePacket(p).headline;
}

/** The first SACK block as "2897–4345" (relative like the ack) when it is a D-SACK, else undefined. */
function dsackRange(p: PacketFacts): string | undefined {
  for (const o of tcpOptions(p.options).options) {
    if (o.type !== "sack" || !isDsack(o.edges, o.count, p.ackRaw)) continue;
    const rel = (e: number) => (p.relative ? (e - p.ackBase) >>> 0 : e);
    return `${rel(o.edges[0]!)}–${rel(o.edges[1]!)}`;
  }
  return undefined;
}

/** Builds the report of `capture` (pcap or pcapng bytes) for scenario `s`. */
export async function labReport(s: Scenario, capture: Uint8Array): Promise<LabReport> {
  const { records } = readCaptureBytes(capture);
  const lister = new PacketLister(true);
  const list = records.map((r) => formatRow(lister.row(r)));
  const verdict = await verdictOf(s, capture);
  const streams = [...new Set(verdict.packets.map((p) => p.stream))].sort((a, b) => a - b);
  const ladders: LabReport["ladders"] = [];
  for (const stream of streams) {
    const { packets } = await collectLadderPackets(iterate(records), stream);
    ladders.push({ stream, lines: renderLadderAscii(ladderModel(packets)) });
  }
  const byFrame = new Map(verdict.packets.map((p) => [p.frame, p]));
  const chosen: number[] = [];
  for (const v of verdict.phenomena) {
    const ph = s.phenomena.find((x) => x.id === v.id);
    if (ph?.absent === true) continue;
    for (const f of v.frames.slice(0, KEYS_PER_PHENOMENON)) if (!chosen.includes(f) && byFrame.has(f)) chosen.push(f);
  }
  chosen.sort((a, b) => a - b);
  const keys = chosen.slice(0, KEYS_MAX).map((f) => {
    const p = byFrame.get(f)!;
    const n = narratePacket(p);
    // Options are spelled out on the handshake's frames only; elsewhere they are the same again.
    const lines = (p.flags & SYN) !== 0 ? n.lines : n.lines.filter((l) => !l.startsWith("option "));
    return { frame: f, summary: keySentence(p), lines: [n.headline, ...lines.filter((l) => !l.startsWith("option NOP"))] };
  });
  const verdictLines = verdict.phenomena.map((v) => verdictLine(v, s.phenomena.find((x) => x.id === v.id)?.absent === true));
  return { list, ladders, keys, verdictLines, verdict };
}
