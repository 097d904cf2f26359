/** AnalysisOptions.states off (the summary and -T fields without state fields) must change nothing
 *  but the endpoint states: every other field of every result, the stream numbers and the table's
 *  counters (closed conversations are still noticed, so `maxClosedConversations` forgets the same
 *  ones), compared packet by packet on every corpus capture, with the default limits and with a
 *  closed-conversation cap of 1 (forgetting on almost every close). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type AnalysisLimits, type AnalysisResult, TcpAnalyzer } from "../../src/analysis/index.js";
import { CAPTURES, corpusFiles } from "../capture/helpers.js";
import { captureSegments } from "./segments.js";

const STATE_KEYS = new Set(["clientBefore", "serverBefore", "client", "server", "clientEvent", "serverEvent", "phase",
  "fromClient", "statesPresent", "why"]);

/** Every field of a result but the endpoint states, and the analyzer's counters. */
function fields(r: AnalysisResult, a: TcpAnalyzer): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!STATE_KEYS.has(k)) out[k] = v;
  return JSON.stringify({ out, streams: a.streamCount, live: a.conversationCount, anomalies: a.anomalies });
}

async function compare(path: string, limits: Partial<AnalysisLimits>): Promise<{ diff?: string; segments: number; closedSeen: number }> {
  const on = new TcpAnalyzer({ traces: false }, limits), off = new TcpAnalyzer({ traces: false, states: false }, limits);
  let segments = 0, closedSeen = 0;
  for await (const seg of captureSegments(path)) {
    segments++;
    const a = on.observe(seg);
    const withStates = fields(a, on);
    if (a.statesPresent && (a.client === "CLOSED" || a.client === "TIME-WAIT" || a.phase === "reset")) closedSeen++;
    const b = off.observe(seg);
    if (b.statesPresent || b.phase !== "none") return { diff: `frame ${seg.frame}: states shown with states off`, segments, closedSeen };
    const without = fields(b, off);
    if (withStates !== without) return { diff: `frame ${seg.frame}:\n on  ${withStates}\n off ${without}`, segments, closedSeen };
  }
  return { segments, closedSeen };
}

test("states off: every other result field, stream and counter as with the states, on every corpus capture", async () => {
  let segments = 0, closedSeen = 0;
  for (const file of corpusFiles()) {
    for (const limits of [{}, { maxClosedConversations: 1 }]) {
      const r = await compare(join(CAPTURES, file), limits);
      assert.equal(r.diff, undefined, `${file} ${JSON.stringify(limits)}: ${r.diff}`);
      segments += r.segments; closedSeen += r.closedSeen;
    }
  }
  assert.ok(segments > 1000, `only ${segments} segments compared`);
  // The cap of 1 only tests something if conversations do close in the corpus.
  assert.ok(closedSeen > 10, `only ${closedSeen} closing packets seen`);
});
