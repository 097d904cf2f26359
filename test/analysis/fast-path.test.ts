/** The analyzer's fast paths (AnalysisOptions.fastPaths) must give what the general path gives:
 *  every field of every result, rule traces included, compared packet by packet on every corpus
 *  capture and on generated segment sequences that sit on and around the shortcuts' conditions
 *  (seq at, one below and one above nextseq; 0, 1, 2 and more bytes; same or new ack; zero window;
 *  SYN, FIN, RST; port reuse), each fed to two analyzers in the same order. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import {
  ACK, type AnalysisOptions, type AnalysisResult, FIN, newSegment, PSH, RST, SYN, TcpAnalyzer, type TcpSegment,
} from "../../src/analysis/index.js";
import { CAPTURES, corpusFiles } from "../capture/helpers.js";
import { captureSegments } from "./segments.js";

/** Every field of a result, the rule traces with their values, and the analyzer's counters. */
function state(r: AnalysisResult, a: TcpAnalyzer): string {
  const why: unknown[] = [];
  for (let i = 0; i < r.why.count; i++) why.push([r.why.slots[i]!.rule?.id, ...r.why.slots[i]!.values]);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (k !== "why") fields[k] = v;
  return JSON.stringify({ fields, why, streams: a.streamCount, live: a.conversationCount, anomalies: a.anomalies });
}

/** Feeds each segment to a fast-path and a general-path analyzer; the first difference. */
class Pair {
  readonly fast: TcpAnalyzer;
  readonly general: TcpAnalyzer;
  constructor(opts: Partial<AnalysisOptions> = {}) {
    this.fast = new TcpAnalyzer({ ...opts, fastPaths: true });
    this.general = new TcpAnalyzer({ ...opts, fastPaths: false });
  }
  observe(s: TcpSegment): string | undefined {
    const f = state(this.fast.observe(s), this.fast), g = state(this.general.observe(s), this.general);
    return f === g ? undefined : `frame ${s.frame}:\n fast    ${f}\n general ${g}`;
  }
}

async function compareCapture(path: string, opts: Partial<AnalysisOptions>): Promise<{ diff?: string; segments: number }> {
  const pair = new Pair(opts);
  let segments = 0;
  for await (const seg of captureSegments(path)) {
    segments++;
    const diff = pair.observe(seg);
    if (diff !== undefined) return { diff, segments };
  }
  return { segments };
}

test("fast paths: every segment of every corpus capture analyses as through the general path", async () => {
  let segments = 0;
  for (const file of corpusFiles()) {
    for (const opts of [{}, { traces: false }, { relativeSequenceNumbers: false, bifSeqBased: true }]) {
      const r = await compareCapture(join(CAPTURES, file), opts);
      assert.equal(r.diff, undefined, `${file} ${JSON.stringify(opts)}: ${r.diff}`);
      segments += r.segments;
    }
  }
  assert.ok(segments > 1000, `only ${segments} segments compared`);
});

/** One generated step: who sends, where its seq lies against what that side sent so far, what it
 *  carries, and what it acknowledges. */
interface Step {
  fromClient: boolean;
  seqAt: "next" | "below" | "above" | "back" | "keepalive";
  len: number;
  /** 1, 2: instead of len, the bytes up to the peer's window edge (its last ack + window, the
   *  window unscaled or scaled by 2^7), so that window-full can fire. */
  edge: number;
  flags: "ack" | "psh" | "syn" | "synack" | "fin" | "rst" | "none";
  ackMove: number;
  win: number;
  gapMs: number;
  clientPort: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  fromClient: fc.boolean(),
  seqAt: fc.oneof({ weight: 6, arbitrary: fc.constant<"next">("next") },
    { weight: 1, arbitrary: fc.constantFrom<Step["seqAt"]>("below", "above", "back", "keepalive") }),
  len: fc.oneof(fc.constantFrom(0, 0, 1, 2, 1448), fc.integer({ min: 0, max: 3000 })),
  edge: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2) }),
  flags: fc.oneof({ weight: 8, arbitrary: fc.constantFrom<Step["flags"]>("ack", "psh") },
    { weight: 1, arbitrary: fc.constantFrom<Step["flags"]>("syn", "synack", "fin", "rst", "none") }),
  ackMove: fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: 1, max: 4000 })),
  win: fc.oneof({ weight: 6, arbitrary: fc.constant(1000) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2000) }),
  gapMs: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 5000 })),
  clientPort: fc.constantFrom(40000, 40000, 40000, 40001),
});

const FLAGS: Record<Step["flags"], number> = {
  ack: ACK, psh: ACK | PSH, syn: SYN, synack: SYN | ACK, fin: FIN | ACK, rst: RST | ACK, none: 0,
};

/** Plays the steps as a conversation (or two, by client port) and compares both analyzers. */
function play(steps: Step[], isn: [number, number], opts: Partial<AnalysisOptions>): string | undefined {
  const pair = new Pair(opts), s = newSegment();
  // What each side (client 0, server 1) sent up to, and the highest byte it saw from the other.
  const next = [isn[0], isn[1]], seen = [isn[1], isn[0]];
  // The last ack and window each side sent.
  const lastAck = [0, 0], lastWin = [0, 0];
  let ms = 0;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!, me = st.fromClient ? 0 : 1;
    ms += st.gapMs;
    const at = next[me]!;
    const seq = st.seqAt === "next" ? at : st.seqAt === "below" ? at - 1 - (st.len >> 1)
      : st.seqAt === "above" ? at + 1 + st.len : st.seqAt === "back" ? at - 3000 : at - 1;
    const flags = FLAGS[st.flags];
    seen[me] = seen[me]! + (st.ackMove === -1 ? -1 : st.ackMove);
    s.frame = i + 1; s.tsSec = 1_000 + Math.floor(ms / 1000); s.tsNsec = (ms % 1000) * 1_000_000;
    s.family = 4; s.srcAddr.fill(0); s.dstAddr.fill(0);
    s.srcAddr[0] = st.fromClient ? 0x0a000001 : 0x0a000002; s.dstAddr[0] = st.fromClient ? 0x0a000002 : 0x0a000001;
    s.srcPort = st.fromClient ? st.clientPort : 443; s.dstPort = st.fromClient ? 443 : st.clientPort;
    s.seqRaw = seq >>> 0; s.ackRaw = seen[me]! >>> 0; s.flags = flags; s.windowRaw = st.win;
    const edgeLen = st.edge === 0 ? -1 : (lastAck[1 - me]! + lastWin[1 - me]! * (st.edge === 2 ? 128 : 1) - seq) >>> 0;
    s.seglen = (flags & (SYN | RST)) !== 0 ? 0 : edgeLen >= 0 && edgeLen <= 70_000 ? edgeLen : st.len;
    s.headerBogus = false; s.optionsTruncated = false; s.icmpQuoted = false;
    s.mss = -1; s.wsShift = (flags & SYN) !== 0 ? 7 : -1; s.sackPerm = false; s.sackCount = 0; s.hasTimestamps = false;
    const end = seq + s.seglen + ((flags & (SYN | FIN)) !== 0 ? 1 : 0);
    if (((end - at) | 0) > 0) next[me] = end;
    lastAck[me] = s.ackRaw; lastWin[me] = s.windowRaw;
    const diff = pair.observe(s);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

test("fast paths: generated sequences around the shortcuts analyse as through the general path", () => {
  const isnArb = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0xffff_f000, max: 0xffff_ffff }));
  const optsArb = fc.record({ traces: fc.boolean(), fastRetransmissionSupersedesOoo: fc.boolean(), bifSeqBased: fc.boolean() });
  fc.assert(fc.property(fc.array(stepArb, { maxLength: 80 }), isnArb, isnArb, optsArb, (steps, c, s, opts) => {
    const diff = play(steps, [c, s], opts);
    assert.equal(diff, undefined, diff);
  }), { numRuns: 400 });
});
