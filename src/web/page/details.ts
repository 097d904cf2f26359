/** What the panes show for one selected packet: the details tree of `synack read -V` with its
 *  byte ranges and data sources, the stream's ladder model, the explanation (src/explain's
 *  narrative, RFC 9293 header diagram and bytes primer); and the capture-wide conversations and
 *  expert summary.
 *  Allocates freely: it runs for one packet at a time, never per packet of the capture. */
import { newRecord, type CaptureInfo } from "../../capture/index.js";
import { decodePacket, type DecodedFrame } from "../../decode/index.js";
import { ANALYSIS_FLAGS, packetFacts } from "../../analysis/index.js";
import { narratePacket } from "../../explain/index.js";
import { buildDetailsTree, CaptureSession, dataSources, type DetailsInput, type TreeNode } from "../../tshark/index.js";
import { bytesPrimer, ladderModel, ladderPacket, tcpHeaderDiagram, type LadderModel, type LadderPacket } from "../../explain/diagrams/index.js";
import { HAS_TCP, type PacketStore } from "./store.js";
import type { Conversation, DetailNode, Details, ExpertLine } from "./protocol.js";

function firstUnquoted(f: DecodedFrame): number {
  for (let t = 0; t < f.tcpCount; t++) if (!f.tcp[t]!.quoted) return t;
  return -1;
}

/** The first TCP header of the frame the session holds that was analysed and is not quoted in an
 *  ICMP error (the packet list's and the explanation's header), or −1. */
function firstAnalysed(s: CaptureSession): number {
  for (let t = 0; t < s.frame.tcpCount; t++) if (s.results[t] !== undefined && !s.frame.tcp[t]!.quoted) return t;
  return -1;
}

/** The tree's nodes as the pane shows them: hidden items (JSON and filters only) left out, and
 *  only the properties the pane reads. */
export function paneNodes(nodes: readonly TreeNode[]): DetailNode[] {
  const out: DetailNode[] = [];
  for (const n of nodes) {
    if (n.hidden === true) continue;
    const d: DetailNode = { label: n.label, source: n.source, offset: n.offset, length: n.length, children: paneNodes(n.children) };
    if (n.field !== undefined) d.field = n.field;
    out.push(d);
  }
  return out;
}

/** The capture replayed through the capture session loop `synack read -V` runs (decoder +
 *  analyzer + FIN sides + times, -V's options), from the first frame: a cursor that steps on to
 *  the frame asked for, and starts again from the first frame for an earlier one. */
export class DetailsReplay {
  #s = new CaptureSession();
  #next = 0;
  readonly #rec = newRecord();
  constructor(readonly store: PacketStore, readonly info: () => CaptureInfo | undefined) {}

  /** The session holding frame `index` (valid until the next call). */
  at(index: number): CaptureSession {
    if (index < this.#next) { this.#s = new CaptureSession(); this.#next = 0; }
    while (this.#next <= index) this.#s.step(this.store.record(this.#next++, this.#rec), this.info());
    return this.#s;
  }
}

/** The ladder's stream of frame `index`: its packet-list TCP header's, or −1. */
export function ladderStream(store: PacketStore, index: number): number {
  return (store.tflags.data[index]! & HAS_TCP) !== 0 ? store.stream.data[index]! : -1;
}

/** Frame `index`'s details without the ladder: the tree is `buildDetailsTree`'s for that frame,
 *  node for node, as -V prints it. `shown`: the previous frame the packet list shows when a
 *  display filter is on (frame.time_delta_displayed), else −1 (the previous captured frame). */
export function frameDetails(replay: DetailsReplay, index: number, shown = -1): Details {
  const store = replay.store;
  const stream = ladderStream(store, index);
  const d: Details = { index, number: store.number.data[index]!, sources: [], tree: [], stream, ladder: undefined, frameIndex: {},
    narrative: ["Not a TCP segment: synack explains TCP only."], diagram: [], primer: undefined };
  const s = replay.at(index), f = s.frame, rec = s.rec;
  const input: DetailsInput = { rec, frame: f, results: s.results, finPassive: s.finPassive, iface: s.iface, udp: s.udp, mptcp: s.mptcp,
    firstSec: s.firstSec, firstNsec: s.firstNsec, prevSec: s.prevSec, prevNsec: s.prevNsec };
  if (shown >= 0) { input.shownSec = store.tsSec.data[shown]!; input.shownNsec = store.tsNsec.data[shown]!; }
  d.tree = paneNodes(buildDetailsTree(input));
  d.sources = dataSources(f).map((src) => ({ name: src.name, bytes: src.bytes.slice() }));
  const t = firstAnalysed(s);
  const r = t >= 0 ? s.results[t]! : undefined;
  if (r === undefined || stream < 0) return d;
  const tcp = f.tcp[t]!;
  const n = narratePacket(packetFacts(f, t, rec.tsSec, rec.tsNsec, r));
  d.narrative = [n.headline, ...n.lines];
  d.diagram = tcpHeaderDiagram(tcp.bytes, tcp.offset, r);
  d.primer = tcp.payloadLength > 0 ? bytesPrimer(tcp.payload()) : undefined;
  return d;
}

/** A stream's ladder and the store index of each of its frame numbers. */
export interface StreamLadder { stream: number; ladder: LadderModel; frameIndex: Record<number, number> }

/** Frames replayed between two yields of `ladderPass` (the worker answers other requests between). */
export const LADDER_SLICE = 50_000;

/** Stream `stream`'s ladder from a replay of the whole capture (the analysis of every frame, as
 *  -V has it); yields every LADDER_SLICE frames, returns the ladder. */
export function* ladderPass(store: PacketStore, info: () => CaptureInfo | undefined, stream: number): Generator<number, StreamLadder> {
  const s = new CaptureSession();
  const rec = newRecord();
  const packets: LadderPacket[] = [];
  const frameIndex: Record<number, number> = {};
  const count = store.count;
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % LADDER_SLICE === 0) yield i;
    s.step(store.record(i, rec), info());
    const t = firstAnalysed(s);
    if (t < 0 || s.results[t]!.stream !== stream) continue;
    packets.push(ladderPacket(s.frame, t, s.results[t]!));
    frameIndex[s.frame.frameNumber] = i;
  }
  return { stream, ladder: ladderModel(packets), frameIndex };
}

/** Frame `index`'s details with its stream's ladder, in one call (tests; the worker sends the
 *  ladder after the rest). */
export function buildDetails(store: PacketStore, info: CaptureInfo | undefined, index: number, shown = -1): Details {
  const d = frameDetails(new DetailsReplay(store, () => info), index, shown);
  if (d.stream < 0) return d;
  const pass = ladderPass(store, () => info, d.stream);
  let step = pass.next();
  while (step.done !== true) step = pass.next();
  d.ladder = step.value.ladder; d.frameIndex = step.value.frameIndex;
  return d;
}

/** TCP conversations, in stream order. */
export function conversations(store: PacketStore): Conversation[] {
  const out: Conversation[] = [];
  const firstNs: number[] = [];
  for (let i = 0; i < store.count; i++) {
    const s = store.stream.data[i]!;
    if (s < 0 || (store.tflags.data[i]! & HAS_TCP) === 0) continue;
    const ns = store.tsSec.data[i]! * 1e9 + store.tsNsec.data[i]!;
    let c = out[s];
    if (c === undefined) {
      const f = decodePacket(store.linkType.data[i]!, store.bytes(i), store.origLen.data[i]!, store.number.data[i]!);
      const t = f.tcp[Math.max(0, firstUnquoted(f))];
      const l = t !== undefined ? f.ip[t.ipIndex] : undefined;
      c = { stream: s, a: l && t ? `${l.srcText}:${t.srcPort}` : "?", b: l && t ? `${l.dstText}:${t.dstPort}` : "?",
        packets: 0, bytes: 0, firstNumber: store.number.data[i]!, firstIndex: i, durationNs: 0 };
      out[s] = c;
      firstNs[s] = ns;
    }
    c.packets++;
    c.bytes += store.origLen.data[i]!;
    c.durationNs = ns - firstNs[s]!;
  }
  return out.filter((c) => c !== undefined);
}

const SEVERITY: Record<string, string> = {
  "tcp.analysis.retransmission": "Note", "tcp.analysis.fast_retransmission": "Note", "tcp.analysis.spurious_retransmission": "Note",
  "tcp.analysis.out_of_order": "Warning", "tcp.analysis.lost_segment": "Warning", "tcp.analysis.ack_lost_segment": "Warning",
  "tcp.analysis.window_update": "Chat", "tcp.analysis.window_full": "Warning", "tcp.analysis.keep_alive": "Note",
  "tcp.analysis.keep_alive_ack": "Note", "tcp.analysis.duplicate_ack": "Note", "tcp.analysis.zero_window_probe": "Note",
  "tcp.analysis.zero_window": "Warning", "tcp.analysis.zero_window_probe_ack": "Note", "tcp.analysis.reused_ports": "Note",
};

/** Counts of each analysis flag over the capture, with the first packet that raised it. */
export function expertSummary(store: PacketStore): ExpertLine[] {
  const counts = new Array<number>(ANALYSIS_FLAGS.length).fill(0);
  const first = new Array<number>(ANALYSIS_FLAGS.length).fill(-1);
  for (let i = 0; i < store.count; i++) {
    const a = store.aflags.data[i]!;
    if (a === 0) continue;
    for (let k = 0; k < ANALYSIS_FLAGS.length; k++) {
      if ((a & ANALYSIS_FLAGS[k]!.bit) === 0) continue;
      counts[k]!++;
      if (first[k] === -1) first[k] = i;
    }
  }
  const out: ExpertLine[] = [];
  for (let k = 0; k < ANALYSIS_FLAGS.length; k++) {
    if (counts[k] === 0) continue;
    const field = ANALYSIS_FLAGS[k]!.field;
    out.push({ severity: SEVERITY[field] ?? "Note", group: "Sequence", summary: field, count: counts[k]!, firstIndex: first[k]! });
  }
  const order = ["Error", "Warning", "Note", "Chat"];
  return out.sort((x, y) => order.indexOf(x.severity) - order.indexOf(y.severity));
}
