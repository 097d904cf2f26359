/** Every probe capture of shared/spec/probes/captures through src/capture → src/decode → adapter →
 *  analysis, compared with its tshark 4.0.17 reference on the analysis columns. Known gaps are
 *  listed in known-gaps.tsv: a new mismatch fails, and so does a listed gap that vanished. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { newSegment, TcpAnalyzer } from "../../src/analysis/index.js";
import { segmentFromDecoded } from "../../src/analysis/from-decoded.js";
import { REPO_ROOT, sharedDir } from "../support/paths.js";
import { ANALYSIS_COLUMNS, cell } from "./tshark-format.js";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";

const PROBES = join(sharedDir(), "spec", "probes", "captures");

/** Our rows for a capture: frame number → column → cell (occurrences joined with ","). */
export async function analyseCapture(path: string): Promise<Map<number, Map<string, string>>> {
  const rows = new Map<number, Map<string, string>>();
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), seg = newSegment();
  const analyzer = new TcpAnalyzer();
  for await (const rec of readCapture(openCaptureFile(path)).records()) {
    const n = rec.index;
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, n, frame);
    if (frame.tcpCount === 0) continue;
    const row = new Map<string, string[]>();
    for (let i = 0; i < frame.tcpCount; i++) {
      if (!segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) {
        // Too short for a conversation lookup (spec §2.1): tshark still shows the raw seq if quoted.
        const t = frame.tcp[i]!;
        if (t.quoted && t.capturedLength >= 8) row.set("tcp.seq", [...(row.get("tcp.seq") ?? []), String(t.seqRaw)]);
        continue;
      }
      const r = analyzer.observe(seg);
      for (const col of ANALYSIS_COLUMNS) {
        const v = cell(r, col);
        if (v === "") continue;
        const list = row.get(col) ?? [];
        list.push(v);
        row.set(col, list);
      }
    }
    const out = new Map<string, string>();
    for (const col of ANALYSIS_COLUMNS) out.set(col, (row.get(col) ?? []).join(","));
    rows.set(n, out);
  }
  return rows;
}

/** Reference rows from a .tshark.tsv. */
function readReference(path: string): Map<number, Map<string, string>> {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l !== "");
  const head = lines[0]!.split("\t");
  const rows = new Map<number, Map<string, string>>();
  for (const line of lines.slice(1)) {
    const cells = line.split("\t");
    const m = new Map<string, string>();
    head.forEach((h, i) => m.set(h, cells[i] ?? ""));
    rows.set(Number(m.get("frame.number")), m);
  }
  return rows;
}

function readGaps(): Set<string> {
  const text = readFileSync(join(REPO_ROOT, "test", "analysis", "known-gaps.tsv"), "utf8");
  const gaps = new Set<string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [capture, frame, field] = line.split("\t");
    gaps.add(`${capture}\t${frame}\t${field}`);
  }
  return gaps;
}

/** All differences over all probe captures, plus per-column agreement counts. */
export async function compareProbes(): Promise<{ diffs: string[]; perColumn: Map<string, [agree: number, total: number]> }> {
  const diffs: string[] = [];
  const perColumn = new Map<string, [number, number]>();
  for (const name of readdirSync(PROBES).filter((f) => f.endsWith(".pcap")).sort()) {
    const ours = await analyseCapture(join(PROBES, name));
    const ref = readReference(join(PROBES, `${name}.tshark.tsv`));
    for (const [frame, want] of ref) {
      const got = ours.get(frame);
      for (const col of ANALYSIS_COLUMNS) {
        const w = want.get(col) ?? "", g = got?.get(col) ?? "<no row>";
        const pc = perColumn.get(col) ?? [0, 0];
        pc[1]++;
        if (w === g) pc[0]++;
        else diffs.push(`${name}\t${frame}\t${col}\twant ${JSON.stringify(w)} got ${JSON.stringify(g)}`);
        perColumn.set(col, pc);
      }
    }
    for (const frame of ours.keys()) if (!ref.has(frame)) diffs.push(`${name}\t${frame}\t<row>\textra row`);
  }
  return { diffs, perColumn };
}

test("probes: analysis columns match tshark 4.0.17 except the known gaps", async () => {
  const { diffs, perColumn } = await compareProbes();
  const gaps = readGaps();
  const key = (d: string) => d.split("\t").slice(0, 3).join("\t");
  const unexpected = diffs.filter((d) => !gaps.has(key(d)));
  const seen = new Set(diffs.map(key));
  const vanished = [...gaps].filter((g) => !seen.has(g));
  if (process.env.SYNACK_PROBE_REPORT) {
    for (const [col, [a, t]] of perColumn) process.stderr.write(`${col}\t${a}/${t}\n`);
  }
  assert.deepEqual(unexpected, [], "new mismatches (capture, frame, field)");
  assert.deepEqual(vanished, [], "known gaps that no longer differ: remove them from known-gaps.tsv");
});
