/** Differential comparison of `FieldRows` (in process) with tshark 4.0.17 references: every frame ×
 *  field of every capture in shared/captures and shared/spec/probes/captures. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { CaptureFileError, readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { FieldRows } from "../../src/tshark/rows.js";
import { sharedDir } from "../support/paths.js";

/** One capture with its reference: `name` is how the ledger spells it. */
export interface RefCapture { name: string; path: string; tsv: string; refused: boolean }

/** Every capture with a `.tshark.tsv`, corpus first (`captures/...`), then the probes (`probes/...`). */
export function referenceCaptures(): RefCapture[] {
  const shared = sharedDir();
  const out: RefCapture[] = [];
  const walk = (root: string, prefix: string, d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) { walk(root, prefix, p); continue; }
      if (!name.endsWith(".tshark.tsv")) continue;
      const cap = p.slice(0, -".tshark.tsv".length);
      const err = cap + ".tshark.err";
      const refused = existsSync(err) && /# tshark exit status: 2/.test(readFileSync(err, "utf8"))
        && readFileSync(p, "utf8").trim() === "";
      out.push({ name: prefix + relative(root, cap), path: cap, tsv: p, refused });
    }
  };
  walk(join(shared, "captures"), "captures/", join(shared, "captures"));
  walk(join(shared, "spec", "probes", "captures"), "probes/", join(shared, "spec", "probes", "captures"));
  return out;
}

/** Which group a field's agreement is counted in. */
export function fieldGroup(field: string): "decode" | "analysis" | "expert" | "info" {
  if (field.startsWith("_ws.expert")) return "expert";
  if (field === "_ws.col.Info") return "info";
  if (field.startsWith("tcp.analysis") || ["tcp.stream", "tcp.completeness", "tcp.seq", "tcp.nxtseq", "tcp.ack",
    "tcp.window_size", "tcp.window_size_scalefactor", "tcp.time_relative", "tcp.time_delta",
    "tcp.options.sack_le", "tcp.options.sack_re"].includes(field)) return "analysis";
  return "decode";
}

/** One differing cell. */
export interface CellDiff { capture: string; frame: number | "row"; field: string; want: string; got: string }

/** Cells compared and equal, per field. */
export type Tally = Map<string, { total: number; equal: number }>;

/** Our rows for a capture with the reference's field list, keyed by frame number; `error` when reading failed. */
export async function ourRows(path: string, fields: readonly string[]): Promise<{ rows: Map<number, string[]>; error?: string }> {
  const rows = new Map<number, string[]>();
  const fr = new FieldRows(fields, { header: false, separator: "\t", occurrence: "a", aggregator: ",", quote: "n" },
    { checkChecksum: false }, true);
  const reader = readCapture(openCaptureFile(path));
  try {
    for await (const rec of reader.records()) {
      const line = fr.row(rec);
      if (line !== undefined) rows.set(rec.index, line.split("\t"));
    }
  } catch (err) {
    if (err instanceof CaptureFileError) return { rows, error: err.message };
    throw err;
  }
  return { rows };
}

/** Compares one capture, appending differences and counting cells. */
export async function compareCapture(c: RefCapture, diffs: CellDiff[], tally: Tally): Promise<void> {
  const lines = readFileSync(c.tsv, "utf8").split("\n").filter((l) => l !== "");
  if (lines.length === 0) {
    // A refused file: tshark printed no header at all. We must refuse it too.
    const { rows, error } = await ourRows(c.path, ["frame.number"]);
    if (error === undefined && c.refused) diffs.push({ capture: c.name, frame: "row", field: "<file>", want: "refused", got: `read (${rows.size} rows)` });
    return;
  }
  const header = lines[0]!.split("\t");
  const want = new Map<number, string[]>();
  for (const l of lines.slice(1)) { const cells = l.split("\t"); want.set(Number(cells[0]), cells); }
  const { rows: got } = await ourRows(c.path, header);
  for (const [frame, w] of want) {
    const g = got.get(frame);
    if (g === undefined) {
      diffs.push({ capture: c.name, frame, field: "<row>", want: "row", got: "no row" });
      for (const f of header) count(tally, f, false);
      continue;
    }
    for (let i = 0; i < header.length; i++) {
      const f = header[i]!, wv = w[i] ?? "", gv = g[i] ?? "";
      count(tally, f, wv === gv);
      if (wv !== gv) diffs.push({ capture: c.name, frame, field: f, want: wv, got: gv });
    }
  }
  for (const frame of got.keys()) {
    if (!want.has(frame)) {
      diffs.push({ capture: c.name, frame, field: "<row>", want: "no row", got: "row" });
      for (const f of header) count(tally, f, false);
    }
  }
}

function count(t: Tally, f: string, eq: boolean): void {
  const c = t.get(f) ?? { total: 0, equal: 0 };
  c.total++;
  if (eq) c.equal++;
  t.set(f, c);
}

/** The whole corpus. */
export async function compareAll(): Promise<{ diffs: CellDiff[]; tally: Tally }> {
  const diffs: CellDiff[] = [];
  const tally: Tally = new Map();
  for (const c of referenceCaptures()) await compareCapture(c, diffs, tally);
  return { diffs, tally };
}
