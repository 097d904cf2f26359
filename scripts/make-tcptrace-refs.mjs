// Writes test/fixtures/tcptrace/: tcptrace 6.6.7's long report (`tcptrace -l -r -n -W --csv`) of
// every corpus capture (shared/captures) and probe (shared/spec/probes/captures) it reads, one
// CSV per capture (comment lines dropped, padding trimmed), plus index.tsv: capture, tcptrace's
// exit status, connections. test/diff/tcptrace.test.ts compares synack stats conn with them.
// Needs tcptrace 6.6.7 on PATH. Run from anywhere: node scripts/make-tcptrace-refs.mjs
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "test", "fixtures", "tcptrace");
const v = spawnSync("tcptrace", ["-v"], { encoding: "utf8" });
if (!/version 6\.6\.7\b/.test((v.stdout ?? "") + (v.stderr ?? ""))) {
  process.stderr.write("make-tcptrace-refs: needs tcptrace 6.6.7 on PATH (the references are its output)\n");
  process.exit(1);
}
const sources = [["captures", "/work/shared/captures"], ["probes", "/work/shared/spec/probes/captures"]];
const CAPTURE = /\.(pcap|pcapng|cap|pcap\.gz)$/;
/** Capture files under dir, sorted. */
function walk(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files.push(...walk(p));
    else if (CAPTURE.test(name)) files.push(p);
  }
  return files;
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const index = ["# capture\tstatus\tconnections"];
for (const [tag, dir] of sources) {
  for (const file of walk(dir)) {
    const name = `${tag}/${relative(dir, file)}`;
    const r = spawnSync("tcptrace", ["-l", "-r", "-n", "-W", "--csv", file], { encoding: "utf8", timeout: 60_000, env: { ...process.env, TZ: "UTC" } });
    const lines = (r.stdout ?? "").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"))
      .map((l) => l.split(",").map((c) => c.trim()).join(","));
    const rows = lines.length > 0 && lines[0].startsWith("conn_#") ? lines.length - 1 : 0;
    index.push(`${name}\t${r.status ?? "signal"}\t${rows}`);
    if (rows === 0) continue;
    writeFileSync(join(out, name.replaceAll("/", "__") + ".csv"), lines.join("\n") + "\n");
  }
}
writeFileSync(join(out, "index.tsv"), index.join("\n") + "\n");
process.stdout.write(`make-tcptrace-refs: ${index.length - 1} captures, ${index.filter((l) => /\t[1-9]\d*$/.test(l)).length} with connections\n`);
