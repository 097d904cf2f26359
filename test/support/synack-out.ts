/** synack's outputs for the scoreboard (test/diff/json-*), in process and as `synack read` makes
 *  them: `-T json -Y tcp`, `-V -Y tcp` per frame, and `-Y FILTER -T fields -e frame.number`.
 *  The one place the scoreboard reaches into src/: when the CLI's modules move, only this changes. */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { newRecord, readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { runReadOutput, tcpOnly } from "../../src/cli/commands/read-output.js";
import { CaptureSession, compileRowFilter, FieldRows, filterTreeValues } from "../../src/tshark/index.js";
import { formatFilterError } from "../../src/filter/index.js";
import { CLI } from "./paths.js";

const quiet = { warn: () => {}, progressStream: { isTTY: false, write: () => true } };

/** `synack read -r PATH -T json -Y tcp` (the reference -d and preferences are synack's defaults). */
export async function synackJson(path: string): Promise<string> {
  let out = "";
  try {
    await runReadOutput({ path, format: "json", filter: tcpOnly, write: (s) => { out += s; }, ...quiet });
  } catch (err) {
    // A refused file prints nothing, as tshark does.
    if ((err as { exitCode?: number }).exitCode === 2) return out;
    throw err;
  }
  return out;
}

/** `synack read -r PATH -V -Y tcp`, without synack's own subtree: frame number → the frame's text
 *  (its block without the blank line after it). */
export async function synackDetails(path: string): Promise<Map<number, string>> {
  let out = "";
  try {
    await runReadOutput({ path, details: true, filter: tcpOnly, write: (s) => { out += s; }, ...quiet });
  } catch (err) {
    if ((err as { exitCode?: number }).exitCode !== 2) throw err;
  }
  return detailBlocks(withoutSynackTree(out));
}

/** -V text without synack's own subtree (its `synack` line and everything indented under it):
 *  our fields, not tshark's. */
export function withoutSynackTree(text: string): string {
  const kept: string[] = [];
  let skip = false;
  for (const line of text.split("\n")) {
    if (line === "synack") { skip = true; continue; }
    if (skip && line.startsWith(" ")) continue;
    skip = false;
    kept.push(line);
  }
  return kept.join("\n");
}

/** `-V` text → frame number → its block (trailing blank lines dropped), as the references cut it. */
export function detailBlocks(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const block of text.split(/\n(?=Frame \d+: )/)) {
    const n = /^Frame (\d+): /.exec(block);
    if (n !== null) m.set(Number(n[1]), block.trimEnd());
  }
  return m;
}

/** The references' per-frame hash: sha256 of the text, first 16 hex digits. */
export const frameHash = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 16);

/** `synack read -r PATH -Y FILTER -T fields -e frame.number` as read.ts runs it (FieldRows with the
 *  compiled filter): the frames kept, or the compile error's message lines. */
export async function synackFilter(path: string, filter: string): Promise<{ frames: number[] } | { error: string }> {
  const c = compileRowFilter(filter, true);
  if (!c.ok) return { error: formatFilterError(filter, c).join("\n") };
  const rows = new FieldRows(["frame.number"], {}, {}, false);
  rows.useFilter(c.filter);
  // Fields outside the fast registry are read off each frame's field tree, as read -Y does.
  const tree = filterTreeValues(c.filter);
  const session = tree === undefined ? undefined : new CaptureSession();
  if (tree !== undefined) rows.useTree(tree);
  const frames: number[] = [];
  const reader = readCapture(openCaptureFile(path));
  const rec = newRecord();
  try {
    for await (const batch of reader.batches()) {
      while (batch.next(rec)) {
        if (tree !== undefined) tree.point(session!.step(rec, reader.info));
        const line = rows.row(rec);
        if (line !== undefined) frames.push(Number(line));
      }
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === undefined) throw err;
  }
  return { frames };
}

/** The message `synack read -Y FILTER` fails with (after its "synack read: " prefix), or undefined
 *  when the filter compiles. */
export function synackFilterError(filter: string): string | undefined {
  const c = compileRowFilter(filter, true);
  return c.ok ? undefined : formatFilterError(filter, c).join("\n");
}

/** Runs the real CLI (`node dist/cli/main.js ARGS`): exit status and stderr. */
export function runCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      resolve({ status: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}
