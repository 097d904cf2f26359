/** Per-packet narrative in plain English: who sends to whom, the phase, what each set flag means
 *  here, where the seq/ack numbers come from, window and scale, options, both sides' states before
 *  → after, and every analysis flag with the rule that fired and the numbers it compared. Packets
 *  are grouped by phase, and a run of plain data segments is summarised in one line. */
import { ACK, A_ANY_RETRANSMISSION, CWR, ECE, FIN, PSH, RST, SYN, URG } from "../analysis/index.js";
import { DEFAULT_COLLAPSE, ladderFlags, tcpHeaderModel } from "./diagrams/index.js";
import type { PacketFacts, WhyFact } from "../analysis/packets.js";

/** Connection phases (issue 5 item 4 names). */
export type Phase = "handshake" | "data" | "teardown" | "reset";

/** One packet explained: a headline, lines of explanation, and the facts as data. */
export interface PacketNarrative {
  kind: "packet";
  frame: number;
  phase: Phase;
  headline: string;
  lines: string[];
  /** Fired rules (analysis flags), with their values. */
  why: WhyFact[];
}

/** A summarised run of plain data segments. */
export interface RunSummary {
  kind: "run";
  phase: "data";
  firstFrame: number;
  lastFrame: number;
  segments: number;
  dataSegments: number;
  bytesC2S: number;
  bytesS2C: number;
  retransmissions: number;
  text: string;
}

/** Consecutive packets of one phase. */
export interface NarrativeSection {
  phase: Phase;
  items: Array<PacketNarrative | RunSummary>;
}

/** Milliseconds with 3 decimals from integer ns (no float formatting of seconds, STYLE §5). */
export function msText(ns: number): string {
  const neg = ns < 0, a = Math.abs(Math.trunc(ns));
  const us = Math.floor(a / 1000);
  return `${neg ? "-" : ""}${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, "0")}`;
}

/** An integer with thousands separators ("14,200,000"). */
export function grouped(n: number): string { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

const OPENING = new Set(["LISTEN", "SYN-SENT", "SYN-RECEIVED"]);

/** The phase a packet belongs to. */
export function phaseOf(p: PacketFacts): Phase {
  if ((p.flags & RST) !== 0) return "reset";
  if ((p.flags & SYN) !== 0) return "handshake";
  if ((p.flags & FIN) !== 0) return "teardown";
  // CLOSED is before the handshake only while both sides are; beside a closing side it is after the close.
  const bothClosed = p.clientBefore === "CLOSED" && p.serverBefore === "CLOSED";
  if (OPENING.has(p.clientBefore) || OPENING.has(p.serverBefore) || bothClosed) return "handshake";
  const closing = (s: string) => s !== "ESTABLISHED" && s !== "PARTIAL" && !OPENING.has(s);
  if ((closing(p.clientBefore) || closing(p.serverBefore)) && (p.seglen <= 0)) return "teardown";
  return "data";
}

function who(p: PacketFacts, sender: boolean): string {
  const client = sender === p.fromClient;
  const addr = sender ? p.src : p.dst, port = sender ? p.srcPort : p.dstPort;
  return `${client ? "client" : "server"} ${p.family === 6 ? `[${addr}]` : addr}:${port}`;
}

/** What each set flag means on this packet. */
function flagMeanings(p: PacketFacts): string[] {
  const f = p.flags, out: string[] = [];
  const side = p.fromClient ? "the client" : "the server";
  if ((f & SYN) !== 0) {
    out.push((f & ACK) !== 0
      ? `SYN+ACK: ${side} accepts the connection and announces its own initial sequence number (ISN) ${p.seqRaw}`
      : `SYN: ${side} asks to open a connection; its initial sequence number (ISN) is ${p.seqRaw}`);
  }
  if ((f & FIN) !== 0) out.push(`FIN: ${side} has no more data to send (it may still receive)`);
  if ((f & RST) !== 0) out.push(`RST: ${side} aborts the connection at once; both sides drop it`);
  if ((f & PSH) !== 0) out.push("PSH: deliver the data to the application now, do not wait for more");
  if ((f & ACK) !== 0 && (f & SYN) === 0) out.push(`ACK: the acknowledgment number ${p.ack} is valid`);
  if ((f & URG) !== 0) out.push(`URG: the urgent pointer (${p.urgent}) is meaningful`);
  if ((f & ECE) !== 0) out.push("ECE: ECN echo (congestion experienced, or ECN-capable on a SYN)");
  if ((f & CWR) !== 0) out.push("CWR: the sender reduced its congestion window");
  return out;
}

/** Where the sequence and acknowledgment numbers come from. */
function numberLines(p: PacketFacts): string[] {
  const out: string[] = [];
  const len = p.seglen < 0 ? 0 : p.seglen;
  const syn = (p.flags & SYN) !== 0, fin = (p.flags & FIN) !== 0;
  if (p.relative) {
    out.push(`seq ${p.seq} (raw ${p.seqRaw}) = raw − this side's ISN ${p.seqBase}`
      + (syn ? ": a SYN carries the ISN itself, so it is 0" : ""));
  } else out.push(`seq ${p.seqRaw} (raw; relative numbers need the start of the stream)`);
  const parts = [`${p.seq}`];
  if (len > 0) parts.push(`${len} payload byte${len === 1 ? "" : "s"}`);
  if (syn) parts.push("1 for the SYN");
  if (fin) parts.push("1 for the FIN");
  out.push(`next seq ${p.nxtseq} = ${parts.join(" + ")}`
    + (len === 0 && !syn && !fin ? " (no data, no SYN/FIN: it uses no sequence numbers)" : ""));
  if ((p.flags & ACK) !== 0) {
    out.push(p.relative
      ? `ack ${p.ack} (raw ${p.ackRaw}): the next byte expected from the ${p.fromClient ? "server" : "client"}, `
        + `raw − its ISN ${p.ackBase}; everything before it has arrived`
      : `ack ${p.ackRaw} (raw)`);
  }
  return out;
}

function windowLine(p: PacketFacts): string {
  if ((p.flags & SYN) !== 0) return `window ${p.windowRaw} bytes (never scaled on a SYN, RFC 7323 §2.2)`;
  if (p.scaleFactor > 0 && p.scaleFactor !== 1) return `window ${p.windowSize} bytes = raw ${p.windowRaw} × scale ${p.scaleFactor} (learned from the SYNs)`;
  if (p.scaleFactor === -1) return `window raw ${p.windowRaw} (scale unknown: the capture missed the SYNs)`;
  return `window ${p.windowSize} bytes (no scaling)`;
}

function stateLine(p: PacketFacts): string {
  const one = (name: string, b: string, a: string, ev: string) =>
    b === a ? `${name} stays ${a}` : `${name} ${b} → ${a}${ev !== "none" ? ` (${ev})` : ""}`;
  return `states: ${one("client", p.clientBefore, p.client, p.clientEvent)}; ${one("server", p.serverBefore, p.server, p.serverEvent)}`;
}

/** A fired rule in words: "duplicate_ack: <rule> [ack=1461, …]". */
export function whyText(w: WhyFact): string {
  const vals = Object.entries(w).filter(([k]) => k !== "flag" && k !== "id" && k !== "rule").map(([k, v]) => `${k}=${v}`);
  return `${w.flag} (${w.id}): ${w.rule}${vals.length > 0 ? ` [${vals.join(", ")}]` : ""}`;
}

/** The narrative of one packet. */
export function narratePacket(p: PacketFacts): PacketNarrative {
  const len = p.seglen < 0 ? 0 : p.seglen;
  const phase = phaseOf(p);
  const headline = `frame ${p.frame} at ${msText(p.timeRelativeNs)} ms: ${who(p, true)} → ${who(p, false)} `
    + `[${ladderFlags(p.flags)}] ${len} byte${len === 1 ? "" : "s"} (${phase})`;
  const lines = [...flagMeanings(p), ...numberLines(p), windowLine(p)];
  if (p.options.length > 0) for (const o of tcpHeaderModel(p.header, 0, p).options) lines.push(`option ${o}`);
  lines.push(stateLine(p));
  if (p.acksFrame !== 0) lines.push(`acknowledges frame ${p.acksFrame}${p.ackRttNs !== 0 ? ` after ${msText(p.ackRttNs)} ms (RTT sample)` : ""}`);
  if (p.bytesInFlight !== 0) lines.push(`bytes in flight after this segment: ${p.bytesInFlight}`);
  for (const w of p.why) lines.push(`analysis: ${whyText(w)}`);
  for (const w of p.whyNot ?? []) lines.push(`not flagged: ${w}`);
  return { kind: "packet", frame: p.frame, phase, headline, lines, why: p.why };
}

function plainData(p: PacketFacts): boolean {
  return phaseOf(p) === "data" && (p.flags & (URG)) === 0 && p.client === p.clientBefore && p.server === p.serverBefore
    && (p.analysisFlags & ~A_ANY_RETRANSMISSION) === 0;
}

/** Packets grouped by phase, runs of ≥ `runMin` plain data segments summarised. */
export function narrateStream(packets: readonly PacketFacts[], runMin: number = DEFAULT_COLLAPSE): NarrativeSection[] {
  const sections: NarrativeSection[] = [];
  const push = (phase: Phase, item: PacketNarrative | RunSummary) => {
    const last = sections[sections.length - 1];
    if (last !== undefined && last.phase === phase) last.items.push(item);
    else sections.push({ phase, items: [item] });
  };
  let i = 0;
  while (i < packets.length) {
    let j = i;
    while (j < packets.length && plainData(packets[j]!)) j++;
    if (j - i >= runMin) {
      const run = packets.slice(i, j);
      let c2s = 0, s2c = 0, data = 0, rtx = 0;
      for (const p of run) {
        const l = p.seglen < 0 ? 0 : p.seglen;
        if (l > 0) data++;
        if (p.fromClient) c2s += l; else s2c += l;
        if ((p.analysisFlags & A_ANY_RETRANSMISSION) !== 0) rtx++;
      }
      const first = run[0]!.frame, last = run[run.length - 1]!.frame;
      const dirs = [c2s > 0 ? `${grouped(c2s)} bytes client→server` : "", s2c > 0 ? `${grouped(s2c)} bytes server→client` : ""].filter(Boolean);
      push("data", { kind: "run", phase: "data", firstFrame: first, lastFrame: last, segments: run.length, dataSegments: data,
        bytesC2S: c2s, bytesS2C: s2c, retransmissions: rtx,
        text: `frames ${grouped(first)}–${grouped(last)}: ${grouped(run.length)} segments, ${grouped(data)} with data`
          + (dirs.length > 0 ? `, ${dirs.join(", ")}` : "") + `, ${rtx} retransmission${rtx === 1 ? "" : "s"}` });
      i = j;
      continue;
    }
    const end = j === i ? i + 1 : j;
    for (; i < end; i++) { const n = narratePacket(packets[i]!); push(n.phase, n); }
  }
  return sections;
}

/** The sections as indented text. */
export function renderNarrative(sections: readonly NarrativeSection[], extra?: (frame: number) => string[]): string {
  const out: string[] = [];
  for (const s of sections) {
    out.push(`== ${s.phase} ==`);
    for (const it of s.items) {
      if (it.kind === "run") { out.push(`  ${it.text}`); continue; }
      out.push(`  ${it.headline}`);
      for (const l of it.lines) out.push(`    ${l}`);
      if (extra) for (const l of extra(it.frame)) out.push(`    ${l}`);
    }
  }
  return out.join("\n") + "\n";
}
