/** The page's worker code (src/web/page/capture.ts, details.ts), run in Node in process: every
 *  corpus frame's tcp.stream equals tshark's reference column, and a frame's details (tree,
 *  ladder) name that stream, not the 0 of a fresh per-stream analysis. */
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CaptureModel } from "../../src/web/page/capture.js";
import { buildDetails } from "../../src/web/page/details.js";
import type { DetailNode } from "../../src/web/page/protocol.js";
import { referenceCaptures } from "../diff/compare.js";
import { sharedDir } from "../support/paths.js";

/** The model after reading `path` in chunks of `chunk` bytes, as the worker reads a fetch body. */
function load(path: string, chunk = 65536): CaptureModel {
  const m = new CaptureModel();
  const bytes = new Uint8Array(readFileSync(path));
  try {
    for (let o = 0; o < bytes.length; o += chunk) m.push(bytes.subarray(o, o + chunk));
    m.end();
  } catch { /* a file the parser refuses: the worker reports it; the frames read so far stay */ }
  return m;
}

/** tshark's tcp.stream per frame number (rows of frames with TCP), from the reference TSV. */
function referenceStreams(tsv: string): Map<number, string> {
  const lines = readFileSync(tsv, "utf8").split("\n").filter((l) => l !== "");
  const out = new Map<number, string>();
  if (lines.length === 0) return out;
  const col = lines[0]!.split("\t").indexOf("tcp.stream");
  for (const l of lines.slice(1)) { const c = l.split("\t"); out.set(Number(c[0]), c[col] ?? ""); }
  return out;
}

function labels(nodes: readonly DetailNode[], out: string[] = []): string[] {
  for (const n of nodes) { out.push(n.label); labels(n.children, out); }
  return out;
}

suite("web worker: tcp.stream as tshark's", () => {
  test("every corpus and probe frame: the store's stream is the reference tcp.stream", () => {
    let frames = 0, captures = 0;
    const bad: string[] = [];
    for (const c of referenceCaptures()) {
      if (c.refused) continue;
      const want = referenceStreams(c.tsv);
      const m = load(c.path);
      captures++;
      for (let i = 0; i < m.store.count; i++) {
        const n = m.store.number.data[i]!, got = m.store.stream.data[i]!;
        const w = want.get(n);
        const wantText = w === undefined || w === "" ? "-1" : w;
        frames++;
        if (String(got) !== wantText) bad.push(`${c.name} frame ${n}: want ${wantText} got ${got}`);
      }
    }
    assert.ok(captures > 50 && frames > 10000, `${captures} captures, ${frames} frames`);
    assert.deepEqual(bad.slice(0, 10), []);
  });

  test("wechat.pcap (59 streams): the details of frames in streams 1 and 12 say so, tree and ladder", () => {
    const file = join(sharedDir(), "captures", "public", "ndpi", "wechat.pcap");
    const want = referenceStreams(`${file}.tshark.tsv`);
    const m = load(file);
    for (const stream of [1, 12, 58]) {
      const numbers = [...want].filter(([, s]) => s === String(stream)).map(([n]) => n);
      assert.ok(numbers.length > 1, `stream ${stream} has frames`);
      // The stream's second frame, and its last.
      for (const number of [numbers[1]!, numbers[numbers.length - 1]!]) {
        const index = number - 1;
        assert.equal(m.store.number.data[index], number);
        const d = buildDetails(m.store, m.parser.info, index);
        assert.equal(d.stream, stream);
        assert.ok(labels(d.tree).includes(`[Stream index: ${stream}]`), `frame ${number}: [Stream index: ${stream}]`);
        assert.equal(d.ladder?.stream, stream, `frame ${number}: ladder stream`);
        assert.equal(d.ladder?.segments, numbers.length, `frame ${number}: the ladder has every segment of the stream`);
      }
    }
  });
});
