/** Shared helpers of the explain tests: run tshark 4.0.17 as the reference, list corpus captures,
 *  read the known-gaps ledger, run our pipeline on a file. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { collectPackets, type PacketFacts } from "../../src/analysis/index.js";
import { REPO_ROOT, sharedDir } from "../support/paths.js";
import { tsharkOut } from "../support/tshark-refs.js";

/** stdout of tshark with the reference environment (no profile, C locale, UTC). */
export function tshark(args: string[]): string {
  return tsharkOut(args);
}

/** Corpus captures under the given folders of shared/captures (default: the well-formed public/),
 *  as paths relative to shared/captures, sorted. */
export function publicCaptures(folders: readonly string[] = ["public"]): string[] {
  const root = join(sharedDir(), "captures");
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!n.endsWith(".tsv") && !n.endsWith(".err")) out.push(relative(root, p));
    }
  };
  for (const f of folders) walk(join(root, f));
  return out;
}

/** Absolute path of a corpus capture. */
export function capturePath(rel: string): string { return join(sharedDir(), "captures", rel); }

/** Every TCP segment of a capture file through our pipeline. */
export async function packetsOf(path: string): Promise<PacketFacts[]> {
  return collectPackets(readCapture(openCaptureFile(path)).records());
}

/** Ledger rows (command, capture, detail) → reason; `#` lines and blanks skipped. */
export function knownGaps(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(join(REPO_ROOT, "test", "tshark", "known-gaps.tsv"), "utf8").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [cmd, cap, detail, reason] = line.split("\t");
    m.set(`${cmd}\t${cap}\t${detail}`, reason ?? "");
  }
  return m;
}

/** Compares found differences with the ledger: new ones and vanished ones are both failures. */
export function checkAgainstLedger(cmd: string, diffs: string[], checked: Set<string>): { unexpected: string[]; vanished: string[] } {
  const gaps = knownGaps();
  const unexpected = diffs.filter((d) => !gaps.has(d));
  const seen = new Set(diffs);
  const vanished = [...gaps.keys()].filter((g) => g.startsWith(cmd + "\t") && checked.has(g) && !seen.has(g));
  return { unexpected, vanished };
}

/** First differing line of two texts, for messages. */
export function firstDiff(want: string, got: string): string {
  const w = want.split("\n"), g = got.split("\n");
  for (let i = 0; i < Math.max(w.length, g.length); i++) {
    if (w[i] !== g[i]) return `line ${i + 1}: want ${JSON.stringify(w[i])} got ${JSON.stringify(g[i])}`;
  }
  return "identical";
}
