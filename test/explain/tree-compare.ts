/** The TCP subtree of `-V` per frame: tshark 4.0.17's (live) and ours (explain/tree.ts). */
import { join } from "node:path";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { ReadPipeline } from "../../src/cli/commands/read-output.js";
import { buildDetailsTree, renderDetailsTree } from "../../src/explain/tree.js";
import { CAPTURES, tshark } from "../diff/summary-compare.js";

/** tshark -V output → frame number → the TCP subtree lines (first TCP header only). */
export function tsharkTcpTrees(out: string): Map<number, string> {
  const m = new Map<number, string>();
  let frame = 0, inTcp = false, done = false, acc: string[] = [];
  const flush = () => { if (frame > 0 && acc.length > 0) m.set(frame, acc.join("\n")); acc = []; };
  for (const line of out.split("\n")) {
    const fm = /^Frame (\d+): /.exec(line);
    if (fm !== null) { flush(); frame = Number(fm[1]); inTcp = false; done = false; continue; }
    if (line.startsWith("Transmission Control Protocol") && !done) { inTcp = true; acc.push(line); continue; }
    if (inTcp) {
      if (line.startsWith(" ")) acc.push(line);
      else { inTcp = false; done = true; }
    }
  }
  flush();
  return m;
}

/** Our TCP subtree text per frame. */
export async function ourTcpTrees(path: string): Promise<Map<number, string>> {
  const m = new Map<number, string>();
  const reader = readCapture(openCaptureFile(path));
  const pipe = new ReadPipeline(false);
  for await (const rec of reader.records()) {
    const c = pipe.step(rec, reader.info);
    if (c.frame.tcpCount === 0) continue;
    const tcp = buildDetailsTree(c).find((n) => n.field === "tcp");
    if (tcp !== undefined) m.set(rec.index, renderDetailsTree([tcp]).replace(/\n$/, ""));
  }
  return m;
}

/** Both sides for a corpus capture (path relative to the captures folder). */
export async function compareTrees(rel: string): Promise<{ ref: Map<number, string>; got: Map<number, string> }> {
  const path = join(CAPTURES, rel);
  const ref = tsharkTcpTrees(await tshark(["-n", "-r", path, "-d", "tcp.port==1-65535,data", "-Y", "tcp", "-V"]));
  return { ref, got: await ourTcpTrees(path) };
}
