/** The two-thread reader (src/cli/commands/parallel-read.ts) must print what one thread prints, byte
 *  for byte: every corpus and probe capture is rendered both ways, with 3-frame blocks so that
 *  every capture of more than 3 frames is cut into many blocks: "split" for packet fields,
 *  "pipeline" (analysis in the worker) for summary lines and -T fields with analysis, Info and
 *  expert fields. Summary lines and -T fields without expert fields are also run balanced (the
 *  worker writes one block in 2 itself, the main thread passes those frames over). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ByteOut } from "../../src/tshark/bytes-out.js";
import { pipelineShare, renderPart, runParallel, type RendererSpec } from "../../src/cli/commands/parallel-read.js";
import { ResultPacker, ResultUnpacker, STRIDE } from "../../src/cli/commands/analysis-wire.js";
import { AnalysisResult, ENDPOINT_STATES } from "../../src/analysis/index.js";
import { makeRenderer } from "../../src/cli/commands/read.js";
import { CLI, sharedDir } from "../support/paths.js";
import { CAPTURES, corpus } from "../diff/summary-compare.js";

const FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.dst", "tcp.stream", "tcp.seq", "tcp.ack", "tcp.len",
  "tcp.time_delta", "tcp.time_relative", "tcp.analysis.flags", "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt",
  "tcp.analysis.bytes_in_flight", "tcp.analysis.duplicate_ack_num", "synack.state.client", "_ws.expert.message", "_ws.col.Info"];
const PACKET_FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.dst", "tcp.srcport", "tcp.seq_raw", "tcp.flags.str",
  "tcp.option_kind", "tcp.options.sack_le", "tcp.options.timestamp.tsval"];
/** The analysis fields without the expert ones (rows with no per-stream table: can be balanced). */
const BALANCED_FIELDS = FIELDS.filter((f) => f !== "_ws.expert.message");
type Spec = RendererSpec & { plan: "split" | "pipeline"; share?: string };
const SPECS: Spec[] = [
  { plan: "pipeline", kind: "summary", args: ["-n"], share: "2" },
  { plan: "pipeline", kind: "fields", args: ["-n", "-T", "fields", "-E", "occurrence=a", ...FIELDS.flatMap((f) => ["-e", f])] },
  { plan: "pipeline", kind: "fields", args: ["-n", "-T", "fields", "-E", "occurrence=a", ...BALANCED_FIELDS.flatMap((f) => ["-e", f])], share: "2" },
  { plan: "split", kind: "fields", args: ["-n", "-T", "fields", ...PACKET_FIELDS.flatMap((f) => ["-e", f])] },
];

function captures(): string[] {
  const probes = join(sharedDir(), "spec/probes/captures");
  return [...corpus().map((f) => join(CAPTURES, f)),
    ...readdirSync(probes).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(probes, f))];
}

async function oneThread(path: string, spec: RendererSpec): Promise<string> {
  const out = new ByteOut();
  const chunks: Uint8Array[] = [];
  await renderPart(path, makeRenderer(spec), 0, 1, 1 << 30, (_k, o) => { chunks.push(o.buf.slice(0, o.len)); o.reset(); });
  if (out.len > 0) chunks.push(out.buf.slice(0, out.len));
  return Buffer.concat(chunks).toString("utf8");
}

async function twoThreads(path: string, spec: Spec): Promise<string> {
  const chunks: Uint8Array[] = [];
  process.env["SYNACK_PARALLEL_BLOCK"] = "3";
  process.env["SYNACK_PARALLEL_SHARE"] = spec.share ?? "0";
  try {
    await runParallel(spec.plan, path, { kind: spec.kind, args: spec.args }, makeRenderer(spec), async (b: Uint8Array) => { chunks.push(b.slice()); });
  } finally { delete process.env["SYNACK_PARALLEL_BLOCK"]; delete process.env["SYNACK_PARALLEL_SHARE"]; }
  return Buffer.concat(chunks).toString("utf8");
}

test("the pipeline is balanced for summary lines only by default, and never for rows with expert fields", () => {
  const summary: RendererSpec = { kind: "summary", args: ["-n"] };
  const fieldsSpec = (fields: string[]): RendererSpec => ({ kind: "fields", args: ["-n", "-T", "fields", ...fields.flatMap((f) => ["-e", f])] });
  assert.equal(pipelineShare("summary", makeRenderer(summary)), 4);
  assert.equal(pipelineShare("fields", makeRenderer(fieldsSpec(BALANCED_FIELDS))), 0);
  process.env["SYNACK_PARALLEL_SHARE"] = "2";
  try {
    assert.equal(pipelineShare("summary", makeRenderer(summary)), 2);
    assert.equal(pipelineShare("fields", makeRenderer(fieldsSpec(BALANCED_FIELDS))), 2);
    // The FIN-side experts read a per-stream table that frames passed over would miss.
    assert.equal(pipelineShare("fields", makeRenderer(fieldsSpec(FIELDS))), 0);
  } finally { delete process.env["SYNACK_PARALLEL_SHARE"]; }
});

test("two threads print what one thread prints, on every corpus and probe capture cut into blocks", async () => {
  let outputs = 0, split = 0;
  for (const path of captures()) {
    for (const spec of SPECS) {
      let want: string;
      try { want = await oneThread(path, spec); } catch { continue; } // refused files: nothing to split
      outputs++;
      // One block or less (a worker start each, the suite's slowest test): nothing is cut.
      if (want.split("\n").length <= 4) continue;
      const got = await twoThreads(path, spec);
      assert.equal(got, want, `${path} ${spec.plan} ${spec.kind}`);
      split++;
    }
  }
  assert.ok(outputs > 550 && split > 330, `${outputs} outputs, ${split} cut into blocks and compared`);
});

test("synack read with two threads: same bytes, header and exit status as with one", () => {
  const file = join(CAPTURES, "public/ndpi/KakaoTalk_chat.pcap");
  const damaged = join(CAPTURES, "malformed/ndpi/fuzz-2021-10-13.pcap");
  const cases = [["-r", file, "-n"], ["-r", file, "-n", "-Y", "tcp"], ["-r", file, "-n", "-T", "fields", "-E", "header=y", "-e", "frame.number", "-e", "tcp.seq_raw"],
    ["-r", damaged, "-n", "-T", "fields", "-e", "frame.number"], ["-r", damaged, "-n"]];
  for (const args of cases) {
    const one = spawnSync(process.execPath, [CLI, "read", ...args], { env: { ...process.env, SYNACK_THREADS: "1" } });
    const two = spawnSync(process.execPath, [CLI, "read", ...args],
      { env: { ...process.env, SYNACK_THREADS: "2", SYNACK_PARALLEL_MIN_BYTES: "0", SYNACK_PARALLEL_BLOCK: "5" } });
    assert.equal(two.status, one.status, args.join(" "));
    assert.equal(two.stdout.toString(), one.stdout.toString(), args.join(" "));
    assert.equal(two.stderr.toString(), one.stderr.toString(), args.join(" "));
    assert.ok(one.stdout.length > 0 || one.status === 2);
  }
});

test("analysis results cross threads whole: every AnalysisResult field survives pack and unpack", () => {
  // Each field gets a value unlike its default (numbers distinct, booleans flipped, strings from
  // their own sets): a field added to AnalysisResult and not to analysis-wire.ts fails here.
  const r = new AnalysisResult();
  const fields = Object.keys(r).filter((k) => k !== "why") as Array<keyof AnalysisResult>;
  const rec = r as unknown as Record<string, unknown>;
  let n = 1;
  for (const k of fields) {
    const v = rec[k];
    if (typeof v === "number") rec[k] = 1000 + n++ * 7.5;
    else if (typeof v === "boolean") rec[k] = !v;
    else if (k === "phase") rec[k] = "teardown";
    else if (k.endsWith("Event")) rec[k] = k.startsWith("client") ? "receive FIN" : "send FIN";
    else rec[k] = ENDPOINT_STATES[(n++ % (ENDPOINT_STATES.length - 1)) + 1];
  }
  // Every number field has its own slot; the booleans share one, the states another.
  assert.ok(STRIDE < fields.length + 1);
  const p = new ResultPacker();
  p.add(42, r);
  const u = new ResultUnpacker();
  u.push(p.take(42));
  const back = u.next(42) as unknown as Record<string, unknown>;
  for (const k of fields) assert.deepEqual(back[k], rec[k], k);
  assert.throws(() => u.next(43), /missing/);
});
