/** The TCP subtree of `-V` per frame, and the payload's Data item: tshark 4.0.17's (live) and ours
 *  (explain/tree.ts). */
import { join } from "node:path";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { ReadPipeline, runReadOutput, tcpOnly } from "../../src/cli/commands/read-output.js";
import { buildDetailsTree, renderDetailsTree } from "../../src/tshark/tree.js";
import { dataSources } from "../../src/tshark/hexdump.js";
import { CAPTURES, tshark } from "../diff/summary-compare.js";
import { withoutSynackTree } from "../support/synack-out.js";

/** tshark -V output → frame number → the TCP subtree lines (first TCP header only), then the
 *  payload's Data item when one follows it (its line, the blank line and byte dump tshark prints
 *  without -x, its children). */
export function tsharkTcpTrees(out: string): Map<number, string> {
  const m = new Map<number, string>();
  let frame = 0, state: "before" | "tcp" | "dataHead" | "data" | "done" = "before", acc: string[] = [];
  const flush = () => { if (frame > 0 && acc.length > 0) m.set(frame, acc.join("\n")); acc = []; };
  for (const line of out.split("\n")) {
    const fm = /^Frame (\d+): /.exec(line);
    if (fm !== null) { flush(); frame = Number(fm[1]); state = "before"; continue; }
    if (state === "before" && line.startsWith("Transmission Control Protocol")) { state = "tcp"; acc.push(line); continue; }
    if (state === "tcp") {
      if (line.startsWith(" ")) { acc.push(line); continue; }
      state = "done";
      if (line.startsWith("Data (")) { acc.push(line); state = "dataHead"; }
    } else if (state === "dataHead" || state === "data") {
      if ((state === "dataHead" && line === "") || /^[0-9a-f]{4,8}  /.test(line) || line.startsWith(" ")) { acc.push(line); state = "data"; }
      else state = "done";
    }
  }
  flush();
  return m;
}

/** Our TCP subtree text per frame, with the Data item after it (rendered as without -x). */
export async function ourTcpTrees(path: string): Promise<Map<number, string>> {
  const m = new Map<number, string>();
  const reader = readCapture(openCaptureFile(path));
  const pipe = new ReadPipeline(false);
  for await (const rec of reader.records()) {
    const c = pipe.step(rec, reader.info);
    if (c.frame.tcpCount === 0) continue;
    const nodes = buildDetailsTree(c), at = nodes.findIndex((n) => n.field === "tcp");
    if (at < 0) continue;
    const shown = nodes[at + 1]?.field === "data" ? [nodes[at]!, nodes[at + 1]!] : [nodes[at]!];
    m.set(rec.index, renderDetailsTree(shown, dataSources(c.frame)).replace(/\n$/, ""));
  }
  return m;
}

/** Both sides for a corpus capture (path relative to the captures folder). */
export async function compareTrees(rel: string): Promise<{ ref: Map<number, string>; got: Map<number, string> }> {
  const path = join(CAPTURES, rel);
  const ref = tsharkTcpTrees(await tshark(["-n", "-r", path, "-d", "tcp.port==1-65535,data", "-Y", "tcp", "-V"]));
  return { ref, got: await ourTcpTrees(path) };
}

/** Whole `-V -Y tcp` frames: tshark 4.0.17's (live, payloads to the data dissector) and ours from
 *  the CLI's printer (runReadOutput), without synack's own subtree; frame number → text. */
export async function compareWholeFrames(rel: string): Promise<{ ref: Map<number, string>; got: Map<number, string> }> {
  const path = join(CAPTURES, rel);
  const split = (text: string): Map<number, string> => {
    const m = new Map<number, string>();
    for (const block of text.split(/\n(?=Frame \d+: )/)) {
      const n = /^Frame (\d+): /.exec(block);
      if (n !== null) m.set(Number(n[1]), block.trimEnd());
    }
    return m;
  };
  const ref = split(await tshark(["-n", "-r", path, "-d", "tcp.port==1-65535,data", "-Y", "tcp", "-V"]));
  let ours = "";
  await runReadOutput({ path, details: true, filter: tcpOnly, write: (s) => { ours += s; }, warn: () => {},
    progressStream: { isTTY: false, write: () => true } });
  // synack's subtree (our own fields) is not tshark's: drop it.
  return { ref, got: split(withoutSynackTree(ours)) };
}
