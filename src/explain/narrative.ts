/** The one packet narrative (`synack explain`, the demo's walkthrough, the page's explanation):
 *  who sends to whom, the handshake step, what each set flag means here, where seq/ack come
 *  from (ISN, +1 for SYN/FIN, + payload), window and scale, options (each explained once, NOP
 *  padding folded), the payload as text and hex, both sides' states before → after with what a
 *  newly entered state means, what the ACK acknowledges and whether its time is a round trip,
 *  and every analysis rule that fired, in words with units and RFCs.
 *
 *  Sections follow the analysis's phase (`synack.phase`); a run of plain data segments is
 *  summarised in one line. Times are milliseconds with 3 decimals (`msDigits`, µs resolution)
 *  everywhere the teaching outputs print one. */
import { A_ANY_RETRANSMISSION, ACK, FIN, SYN, URG, msDigits, msText, stateLabel, whySentence, type ConnectionPhase, type EndpointState } from "../analysis/index.js";
import { DEFAULT_COLLAPSE, ladderFlags, wrapText } from "./diagrams/index.js";
import type { PacketFacts, WhyFact } from "../analysis/index.js";
import {
  bytesText, flagMeanings, handshakeStep, optionWords, payloadText, roles, stateMeaning, summarySentence, TEARDOWN_PATHS, type Role,
} from "./narrative-words.js";

/** The phase a narrative section shows: the analysis's (`synack.phase`). */
export type Phase = ConnectionPhase;

/** One labelled fact of a packet: `seq` → `1 (raw 1001) = raw − the client's ISN 1000`. */
export interface NarrativeItem { label: string; text: string }

/** One packet explained. */
export interface PacketNarrative {
  kind: "packet";
  frame: number;
  phase: Phase;
  /** Three-way handshake step (RFC 9293 §3.5), when the packet is one. */
  step: 1 | 2 | 3 | undefined;
  sender: Role;
  receiver: Role;
  /** `frame 4 at 0.123 ms: client 10.0.0.1:33310 → server 10.0.0.2:20000 [PSH,ACK] 2 bytes (data)`. */
  headline: string;
  /** What happens, in one sentence. */
  summary: string;
  items: NarrativeItem[];
  /** `summary`, then each item as `label: text` (the page's list). */
  lines: string[];
  /** Fired rules (analysis flags) with their values: the machine-readable form. */
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

/** Consecutive packets of one phase; `intro` the first time the phase appears in the stream. */
export interface NarrativeSection {
  phase: Phase;
  intro: string | undefined;
  items: Array<PacketNarrative | RunSummary>;
}

/** What a section of each phase is about (said once per stream). */
export const PHASE_INTRO: Readonly<Record<Phase, string>> = {
  handshake: "The three-way handshake (RFC 9293 §3.5): 1. the client's SYN, 2. the server's SYN-ACK, 3. the client's ACK. "
    + "Each side picks an initial sequence number (ISN); a SYN takes one sequence number.",
  data: "Data transfer: each side's seq counts the bytes it has sent, its ack the bytes it has received (RFC 9293 §3.4).",
  teardown: `Teardown: each side sends a FIN when it is done and acknowledges the other's. ${TEARDOWN_PATHS}`,
  reset: "Reset: a RST ends the connection at once for both sides (RFC 9293 §3.5.2); what follows belongs to no open connection.",
};

/** An integer with thousands separators ("14,200,000"). */
export function grouped(n: number): string { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

/** Per direction, what the stream has shown so far (relative sequence space). */
interface Direction { synSeen: boolean; dataEnd: number; finSent: boolean; finRel: number }

/** What a stream's narrative has said and seen so far: options and states are explained the
 *  first time, and seq/ack are broken down into SYN + data bytes + FIN. One per stream, fed in
 *  capture order; without one, a packet is narrated on its own (everything explained). */
export class NarrativeContext {
  readonly #said = new Set<string>();
  readonly #dirs: Record<Role, Direction> = {
    client: { synSeen: false, dataEnd: 0, finSent: false, finRel: 0 },
    server: { synSeen: false, dataEnd: 0, finSent: false, finRel: 0 },
  };
  /** True when the context has seen the stream from its start (seq/ack can be broken down). */
  constructor(readonly tracking = true) {}
  /** True the first time `key` is asked. */
  first(key: string): boolean {
    if (this.#said.has(key)) return false;
    this.#said.add(key);
    return true;
  }
  /** `3 = 1 for the client's SYN + 2 data bytes`, or undefined when it does not add up. */
  parts(rel: number, side: Role): string | undefined {
    const d = this.#dirs[side];
    if (!this.tracking || !d.synSeen || rel === 0) return undefined;
    const parts: string[] = [];
    let rest = rel;
    parts.push(`1 for the ${side}'s SYN`); rest -= 1;
    const data = Math.min(rest, Math.max(d.dataEnd - 1, 0));
    if (data > 0) { parts.push(`${data} data byte${data === 1 ? "" : "s"}`); rest -= data; }
    if (rest === 1 && d.finSent) { parts.push(`1 for the ${side}'s FIN`); rest -= 1; }
    return rest === 0 ? `${rel} = ${parts.join(" + ")}` : undefined;
  }
  /** Whether the side's SYN was seen (false: relative numbers count from its first segment). */
  synSeen(side: Role): boolean { return !this.tracking || this.#dirs[side].synSeen; }
  /** Records what `p` adds to its direction. */
  note(p: PacketFacts): void {
    const d = this.#dirs[roles(p).sender];
    const len = Math.max(p.seglen, 0);
    if ((p.flags & SYN) !== 0 && p.relative) d.synSeen = true;
    if (len > 0) d.dataEnd = Math.max(d.dataEnd, p.seq + len);
    if ((p.flags & FIN) !== 0) { d.finSent = true; d.finRel = p.seq + len; }
  }
}

function who(p: PacketFacts, sender: boolean): string {
  const client = sender === p.fromClient;
  const addr = sender ? p.src : p.dst, port = sender ? p.srcPort : p.dstPort;
  return `${client ? "client" : "server"} ${p.family === 6 ? `[${addr}]` : addr}:${port}`;
}

/** Where the sequence and acknowledgment numbers come from. */
function numberItems(p: PacketFacts, ctx: NarrativeContext): NarrativeItem[] {
  const out: NarrativeItem[] = [];
  const { sender, receiver } = roles(p);
  const len = Math.max(p.seglen, 0);
  const syn = (p.flags & SYN) !== 0, fin = (p.flags & FIN) !== 0;
  const base = (side: Role, isn: number) => ctx.synSeen(side) || syn && side === sender
    ? `the ${side}'s ISN ${isn}` : `${isn}, one before the ${side}'s first seq seen (its SYN was not captured)`;
  if (p.relative) {
    const parts = syn ? undefined : ctx.parts(p.seq, sender);
    out.push({ label: "seq", text: `${p.seq} (raw ${p.seqRaw}) = raw − ${base(sender, p.seqBase)}`
      + (syn ? ": a SYN carries the ISN itself, so it is 0" : parts !== undefined ? `; ${parts} sent before` : "") });
  } else out.push({ label: "seq", text: `${p.seqRaw} (raw; relative numbers need the start of the stream)` });
  if ((p.flags & ACK) !== 0) {
    const parts = p.relative ? ctx.parts(p.ack, receiver) : undefined;
    out.push({ label: "ack", text: p.relative
      ? `${p.ack} (raw ${p.ackRaw}) = raw − ${base(receiver, p.ackBase)}: the next byte the ${sender} expects from the ${receiver}; `
        + `everything before it has arrived${parts !== undefined ? ` (${parts} received)` : ""}`
      : `${p.ackRaw} (raw): the next byte the ${sender} expects from the ${receiver}` });
  } else out.push({ label: "ack", text: `not set (no ACK flag: the field, ${p.ackRaw}, means nothing)` });
  const sum = [`${p.seq}`];
  if (len > 0) sum.push(`${len} payload byte${len === 1 ? "" : "s"}`);
  if (syn) sum.push("1 for the SYN");
  if (fin) sum.push("1 for the FIN");
  out.push({ label: "next seq", text: `${p.nxtseq} = ${sum.join(" + ")}`
    + (len === 0 && !syn && !fin ? " (no data, no SYN/FIN: it uses no sequence numbers)" : "") });
  return out;
}

function windowText(p: PacketFacts): string {
  const s = roles(p).sender;
  if ((p.flags & SYN) !== 0) return `${p.windowRaw} bytes, never scaled on a SYN (RFC 7323 §2.2): what the ${s} can receive for now`;
  if (p.scaleFactor > 1) return `${p.windowSize} bytes = raw ${p.windowRaw} × ${p.scaleFactor} (the ${s}'s window scale, from the SYNs): what the ${s} can still receive`;
  if (p.scaleFactor === -1) return `raw ${p.windowRaw} (scale unknown: the capture missed the SYNs)`;
  return `${p.windowSize} bytes (no scaling): what the ${s} can still receive`;
}

function stateText(p: PacketFacts): string {
  const one = (name: string, b: EndpointState, a: EndpointState, ev: string) =>
    b === a ? `${name} stays ${stateLabel(a)}` : `${name} ${stateLabel(b)} → ${stateLabel(a)}${ev !== "none" ? ` (${ev})` : ""}`;
  return `${one("client", p.clientBefore, p.client, p.clientEvent)}; ${one("server", p.serverBefore, p.server, p.serverEvent)}`;
}

/** What the ACK acknowledges, and whether the time since is a round trip. */
function ackText(p: PacketFacts): string {
  const { sender } = roles(p);
  if (p.ackRttNs === 0) return `frame ${p.acksFrame}`;
  const carried = (p.flags & SYN) === 0 && ((p.flags & FIN) !== 0 || p.seglen > 0);
  if (carried) {
    return `frame ${p.acksFrame}, ${msText(p.ackRttNs)} later. Not a round-trip time: this ACK rode on the ${sender}'s `
      + `${(p.flags & FIN) !== 0 ? "FIN" : "data"}, sent when the ${sender}'s application was ready, so the time is mostly `
      + `the application's delay (tcp.analysis.ack_rtt still holds it)`;
  }
  return `frame ${p.acksFrame}, ${msText(p.ackRttNs)} after it was sent: a round-trip time (RTT) sample (RFC 6298 §2), `
    + "plus any time the receiver held its ACK back (delayed ACK, RFC 9293 §3.8.6.3)";
}

/** The narrative of one packet; `ctx` carries what its stream has said so far (see NarrativeContext). */
export function narratePacket(p: PacketFacts, ctx: NarrativeContext = new NarrativeContext(false)): PacketNarrative {
  const len = Math.max(p.seglen, 0);
  const phase: Phase = p.phase === "none" ? "data" : p.phase;
  const { sender, receiver } = roles(p);
  const step = handshakeStep(p);
  const headline = `frame ${p.frame} at ${msDigits(p.timeRelativeNs)} ms: ${who(p, true)} → ${who(p, false)} `
    + `[${ladderFlags(p.flags)}] ${bytesText(len)} (${phase})`;
  const items: NarrativeItem[] = flagMeanings(p).map((f) => ({ label: f.flag, text: f.meaning }));
  items.push(...numberItems(p, ctx));
  items.push({ label: "window", text: windowText(p) });
  for (const o of optionWords(p)) {
    const first = ctx.first(`option:${o.kind}`);
    if (o.kind === "padding" && !first) continue;
    items.push({ label: "option", text: o.kind === "padding" ? o.meaning : `${o.text}${first ? ` — ${o.meaning}` : ""}` });
  }
  if (len > 0) items.push({ label: "data", text: payloadText(p.payload, len) });
  items.push({ label: "states", text: stateText(p) });
  const entered: Array<[EndpointState, Role]> = [];
  if (p.clientBefore !== p.client || p.client === "PARTIAL") entered.push([p.client, "client"]);
  if (p.serverBefore !== p.server || p.server === "PARTIAL") entered.push([p.server, "server"]);
  for (const [st, role] of entered) if (ctx.first(`state:${st}`)) items.push({ label: "state", text: stateMeaning(st, role) });
  if (p.acksFrame !== 0) items.push({ label: "acks", text: ackText(p) });
  if (step === 3 && p.initialRttNs !== 0) {
    items.push({ label: "iRTT", text: `${msText(p.initialRttNs)} from the SYN to this ACK: the handshake's round trip as seen where the capture was taken` });
  }
  if (p.bytesInFlight !== 0) items.push({ label: "in flight", text: `${bytesText(p.bytesInFlight)} sent by the ${sender} and not yet acknowledged by the ${receiver} (RFC 5681 §2)` });
  for (const w of p.why) items.push({ label: "analysis", text: whySentence(w, p.fromClient, p.initialRttNs) });
  for (const w of p.whyNot ?? []) items.push({ label: "not flagged", text: w.replace(/^not /, "") });
  ctx.note(p);
  const summary = summarySentence(p);
  return { kind: "packet", frame: p.frame, phase, step, sender, receiver, headline, summary, items,
    lines: [summary, ...items.map((i) => `${i.label}: ${i.text}`)], why: p.why };
}

function plainData(p: PacketFacts): boolean {
  return p.phase === "data" && (p.flags & (SYN | FIN | URG)) === 0 && p.client === p.clientBefore && p.server === p.serverBefore
    && (p.analysisFlags & ~A_ANY_RETRANSMISSION) === 0;
}

/** One stream's packets grouped by the analysis's phase, runs of ≥ `runMin` plain data segments summarised. */
export function narrateStream(packets: readonly PacketFacts[], runMin: number = DEFAULT_COLLAPSE): NarrativeSection[] {
  const ctx = new NarrativeContext();
  const sections: NarrativeSection[] = [];
  const introduced = new Set<Phase>();
  const push = (phase: Phase, item: PacketNarrative | RunSummary) => {
    const last = sections[sections.length - 1];
    if (last !== undefined && last.phase === phase) { last.items.push(item); return; }
    const intro = introduced.has(phase) ? undefined : PHASE_INTRO[phase];
    introduced.add(phase);
    sections.push({ phase, intro, items: [item] });
  };
  let i = 0;
  while (i < packets.length) {
    let j = i;
    while (j < packets.length && plainData(packets[j]!)) j++;
    if (j - i >= runMin) {
      const run = packets.slice(i, j);
      let c2s = 0, s2c = 0, data = 0, rtx = 0;
      for (const p of run) {
        const l = Math.max(p.seglen, 0);
        if (l > 0) data++;
        if (p.fromClient) c2s += l; else s2c += l;
        if ((p.analysisFlags & A_ANY_RETRANSMISSION) !== 0) rtx++;
        ctx.note(p);
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
    for (; i < end; i++) { const n = narratePacket(packets[i]!, ctx); push(n.phase, n); }
  }
  return sections;
}

/** How to lay a packet out as text. */
export interface BlockOptions {
  /** Wrap to this many columns (default: no wrapping). */
  width?: number;
  /** Indent of the summary and items (default 4 spaces). */
  indent?: string;
}

/** Label column width of the text layout. */
const LABEL_W = 9;

/** A packet as text: its summary, then `label    text` lines (wrapped under the text when `width` is set). */
export function packetBlock(n: PacketNarrative, opts: BlockOptions = {}): string[] {
  const indent = opts.indent ?? "    ";
  const wrap = (line: string, cont: string): string[] => (opts.width === undefined ? [line] : wrapText(line, opts.width, cont));
  const out = wrap(`${indent}${n.summary}`, indent);
  const cont = indent + " ".repeat(LABEL_W + 1);
  for (const it of n.items) out.push(...wrap(`${indent}${it.label.padEnd(LABEL_W)} ${it.text}`, cont));
  return out;
}

/** The sections as indented text: `== phase ==`, its intro, then each packet's headline and block. */
export function renderNarrative(sections: readonly NarrativeSection[], extra?: (frame: number) => string[]): string {
  const out: string[] = [];
  for (const s of sections) {
    out.push(`== ${s.phase} ==`);
    if (s.intro !== undefined) out.push(`  ${s.intro}`);
    for (const it of s.items) {
      if (it.kind === "run") { out.push(`  ${it.text}`); continue; }
      out.push(`  ${it.headline}`);
      out.push(...packetBlock(it));
      if (extra) for (const l of extra(it.frame)) out.push(`    ${l}`);
    }
  }
  return out.join("\n") + "\n";
}
