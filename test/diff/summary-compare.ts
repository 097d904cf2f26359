/** Shared by the summary / hex-dump differential tests: run tshark 4.0.17 live on a corpus capture
 *  (`-n -d tcp.port==1-65535,data -Y tcp -P -x`), run `runReadOutput` the same way, and compare frame by
 *  frame. Known gaps live in known-summary-diffs.tsv: capture, frame, output (line|hex), reason. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runReadOutput, tcpOnly } from "../../src/cli/commands/read-output.js";
import { ByteOut } from "../../src/tshark/bytes-out.js";
import { REPO_ROOT, sharedDir } from "../support/paths.js";
import { tsharkOutAsync } from "../support/tshark-refs.js";

export const CAPTURES = join(sharedDir(), "captures");
export const TSHARK_ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };

/** Every capture of MANIFEST.tsv (public and malformed), relative to CAPTURES. */
export function corpus(): string[] {
  return readFileSync(join(CAPTURES, "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1)
    .map((l) => l.split("\t")[0]!).filter((f) => f.length > 0);
}

/** Per displayed frame: its summary line and its hex block (ending in the blank line). */
export interface FrameOutput { line: string; hex: string }

/** Runs tshark; resolves its stdout (the "running as root" banner on stderr is ignored). */
export async function tshark(args: string[]): Promise<string> {
  // tshark exits 2 after the frames it could read from a damaged file: they are kept.
  return Buffer.from(await tsharkOutAsync(args), "latin1").toString("utf8");
}

/** tshark's `-P -x` output split per frame: line, blank, hex lines, blank. Keyed by frame number. */
export function splitTshark(out: string): Map<number, FrameOutput> {
  const m = new Map<number, FrameOutput>();
  const blocks = out.split("\n\n");
  for (let i = 0; i + 1 < blocks.length; i += 2) {
    const line = blocks[i]!;
    const n = Number(/^\s*(\d+)/.exec(line)?.[1] ?? NaN);
    m.set(n, { line, hex: blocks[i + 1]! + "\n\n" });
  }
  return m;
}

/** Our output for the same capture, keyed by frame number. */
export async function ours(path: string): Promise<Map<number, FrameOutput>> {
  let lines = "", hex = "";
  const common = { path, filter: tcpOnly, warn: () => {}, progressStream: { isTTY: false, write: () => true } };
  try {
    // As the CLI prints them (readOutputCommand): summary lines written as bytes into one buffer.
    const sink = new ByteOut(1 << 16), chunks: Uint8Array[] = [];
    const drain = async (): Promise<void> => { chunks.push(sink.buf.slice(0, sink.len)); sink.reset(); };
    await runReadOutput({ ...common, write: (s) => sink.str(s), sink, drain });
    await drain();
    lines = Buffer.concat(chunks).toString("utf8");
    // The string path (summaryLine; the byte path's fallback for unusual frames) prints the same.
    let text = "";
    await runReadOutput({ ...common, write: (s) => { text += s; } });
    if (text !== lines) {
      const a = text.split("\n"), b = lines.split("\n"), i = a.findIndex((l, k) => l !== b[k]);
      throw new Error(`${path}: summary line ${i + 1} as bytes ${JSON.stringify(b[i])}, as text ${JSON.stringify(a[i])}`);
    }
    await runReadOutput({ ...common, hex: true, write: (s) => { hex += s; } });
  } catch (err) {
    // A refused file prints nothing, as tshark does.
    if ((err as { exitCode?: number }).exitCode === 2) return new Map();
    throw err;
  }
  const m = new Map<number, FrameOutput>();
  const ls = lines.split("\n").filter((l) => l !== "");
  const hs = hex.split("\n\n");
  for (let i = 0; i < ls.length; i++) {
    const n = Number(/^\s*(\d+)/.exec(ls[i]!)?.[1] ?? NaN);
    m.set(n, { line: ls[i]!, hex: (hs[i] ?? "") + "\n\n" });
  }
  return m;
}

/** One difference: capture, frame, output kind, and what differs. */
export interface Diff { capture: string; frame: number; kind: "line" | "hex"; detail: string }

/** Compares one capture; `counts` gets [agree, total] per kind. */
export async function compareCapture(rel: string, counts: Record<"line" | "hex", [number, number]>): Promise<Diff[]> {
  const path = join(CAPTURES, rel);
  const [ref, got] = await Promise.all([
    tshark(["-n", "-r", path, "-d", "tcp.port==1-65535,data", "-Y", "tcp", "-P", "-x"]).then(splitTshark),
    ours(path),
  ]);
  const diffs: Diff[] = [];
  for (const [frame, want] of ref) {
    const have = got.get(frame);
    for (const kind of ["line", "hex"] as const) {
      counts[kind][1]++;
      const w = want[kind], h = have?.[kind];
      if (w === h) { counts[kind][0]++; continue; }
      diffs.push({ capture: rel, frame, kind, detail: h === undefined ? "missing frame" : `want ${JSON.stringify(w.slice(0, 400))} got ${JSON.stringify(h.slice(0, 400))}` });
    }
  }
  for (const frame of got.keys()) if (!ref.has(frame)) diffs.push({ capture: rel, frame, kind: "line", detail: "extra frame" });
  return diffs;
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); }
  }));
  return out;
}

/** The ledger: "capture\tframe\tkind" → reason. */
export function readLedger(): Map<string, string> {
  const text = readFileSync(join(REPO_ROOT, "test", "diff", "known-summary-diffs.tsv"), "utf8");
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [capture, frame, kind, reason] = line.split("\t");
    m.set(`${capture}\t${frame}\t${kind}`, reason ?? "");
  }
  return m;
}
