/**
 * `npm run bench:read [-- --packets N] [--snaplen N] [--no-tshark] [--driver]`: synack's read pipeline against
 * tshark 4.0 and tcpdump on the same capture, in one run (not a test; nothing here asserts timings).
 * The capture comes from bench:data (written first when missing). Every command writes to /dev/null.
 *
 *   synack decode only      in-process driver (pipeline.ts `decode`): reader → FrameDecoder
 *   print floor             driver `print-floor`: a summary-shaped line per record from fixed offsets,
 *                           nothing decoded or analysed: what printing the summary alone costs in Node
 *   synack analysis         driver `analysis`: + segmentFromDecoded → TcpAnalyzer, no output
 *   synack read (summary)   `synack read -r F` once the CLI has it; until then the driver's
 *                           `-T fields` analysis rows stand in (said so in the output)
 *   synack -T fields decode / analysis   `synack read -r F -n -T fields -e …` once the CLI has it,
 *                           else (or with --driver) the driver's `fields-decode` / `fields-analysis`
 *   tcpdump                 TZ=UTC tcpdump -nn -r F
 *   tshark                  tshark -n -r F, and -T fields with the same -e lists
 *                           (all tshark runs: WIRESHARK_CONFIG_DIR=/nonexistent, -d tcp.port==1-65535,data
 *                           as in spec §14.1, so no HTTP/TLS dissection on the zero payloads)
 *   driver -T fields …      with the CLI present, the driver's rows too (pipeline cost without the CLI's formatting)
 *   issue 15 (the field tree; off with --no-tree, alone with --tree-only):
 *   synack -T fields tree   `-T fields` with TREE_FIELDS, ten fields only the field tree provides
 *   synack -V / -T json     the details tree and tshark's JSON, read off the field tree
 *   … floor (copy)          driver `copy-floor`: per record, the bytes a packet of that output takes
 *                           (the first SAMPLE_PACKETS packets of synack's own output) copied out
 *   … floor (lines)         driver `lines-floor`: the same text from strings (a packet's lines joined, encoded once)
 *   tshark -V, -T json, -T fields tree   the same commands of tshark
 *   issue 17 (off with --no-graph, alone with --graph-only):
 *   synack graph --type tseq   the tcptrace time-sequence SVG of the bench file's largest stream,
 *                           in its direction with the most data segments (found in-process first)
 *   synack stats conn       issue 17 too: `synack stats -r F conn` against `tcptrace -l -r -n F` (when installed)
 *   synack doctor           issue 17: `synack doctor -r F` against the same tcptrace run
 * --only NAME,…: only the rows whose names start with one of these (no start-up rows), e.g.
 *   --only "synack stats conn,tcptrace" --no-tree --no-graph
 * --base DIR: a build of an older synack (DIR/dist/cli/main.js, e.g. commit 93627e1's): the summary
 *   and both reference `-T fields` rows of both builds, alternated --pairs N times (default 5), and
 *   the ratio this/base pair by pair (issue 15 (a): within 3 %).
 * Peak RSS: GNU time's %M (installed with apt-get when missing and root), else VmHWM polled from /proc.
 * Start-up: median of 5 runs on a 1-packet capture.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_PACKETS, DEFAULT_SNAPLEN, MAX_PACKETS, ensureBenchCapture, parseCount } from "./data.js";
import { ANALYSIS_FIELDS, DECODE_FIELDS } from "./pipeline.js";
import { fieldId } from "../../src/fields/registry.js";
import { analyseCapture } from "../../src/analysis/index.js";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";

/** Issue 15 (b): ten fields outside the fast registry (rows.ts), which only the field tree provides. */
export const TREE_FIELDS = ["frame.len", "frame.protocols", "eth.src", "ip.id", "ip.ttl", "ip.proto", "ip.checksum",
  "tcp.checksum", "tcp.payload", "tcp.flags.syn"] as const;
/** Packets of synack's own output the floors copy (their size and lines per packet). */
const SAMPLE_PACKETS = 2000;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const DRIVER = join(REPO_ROOT, "dist", "test", "bench", "pipeline.js");
const CLI = join(REPO_ROOT, "dist", "cli", "main.js");
const ENV = { ...process.env, TZ: "UTC", LC_ALL: "C.UTF-8", WIRESHARK_CONFIG_DIR: "/nonexistent" };
const TSHARK_BASE = ["-n", "-d", "tcp.port==1-65535,data"];

interface Measure { seconds: number; maxRssKiB: number; status: number; stderr: string }

/** GNU time, installed on demand (the brief allows `apt-get install -y time`). */
function gnuTime(): string | undefined {
  if (existsSync("/usr/bin/time")) return "/usr/bin/time";
  if (process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0) {
    console.log("bench:read: installing GNU time (apt-get install -y time) for peak RSS");
    spawnSync("apt-get", ["install", "-y", "-qq", "time"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (existsSync("/usr/bin/time")) return "/usr/bin/time";
  }
  return undefined;
}
const TIME = gnuTime();

/** Runs cmd with stdout to /dev/null; wall time and peak RSS. */
async function measure(cmd: string, args: string[]): Promise<Measure> {
  const devnull = openSync("/dev/null", "w");
  try {
    if (TIME !== undefined) {
      const tf = join(REPO_ROOT, ".tmp", "bench", `time.${process.pid}`);
      const t0 = process.hrtime.bigint();
      const r = spawnSync(TIME, ["-f", "%M", "-o", tf, cmd, ...args],
        { stdio: ["ignore", devnull, "pipe"], env: ENV, encoding: "utf8", maxBuffer: 1 << 24 });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const lines = readFileSync(tf, "utf8").trim().split("\n");
      rmSync(tf, { force: true });
      return { seconds, maxRssKiB: Number(lines[lines.length - 1]), status: r.status ?? 1, stderr: r.stderr };
    }
    // Fallback: poll VmHWM (monotone, so the last reading before exit is the peak, give or take 10 ms).
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", devnull, "pipe"], env: ENV });
    let stderr = "", hwm = 0;
    child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch { /* exited */ }
    }, 10);
    const status = await new Promise<number>((res) => child.on("close", (code) => res(code ?? 1)));
    clearInterval(poll);
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, maxRssKiB: hwm, status, stderr };
  } finally {
    closeSync(devnull);
  }
}

function fieldArgs(fields: readonly string[]): string[] {
  const a = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"];
  for (const f of fields) a.push("-e", f);
  return a;
}

/** Does `synack read` exist (and print -T fields)? Tried three times: dist/ may be mid-rebuild. */
function cliHasRead(tiny: string): boolean {
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, [CLI, "read", "-r", tiny, "-n", "-T", "fields", "-e", "frame.number"],
      { encoding: "utf8", env: ENV });
    if (r.status === 0 && r.stdout.trim() === "1") return true;
    spawnSync("sleep", ["1"]);
  }
  return false;
}
function cliSummaryWorks(tiny: string): boolean {
  const r = spawnSync(process.execPath, [CLI, "read", "-r", tiny, "-n"], { encoding: "utf8", env: ENV });
  return r.status === 0 && r.stdout.trim().length > 0;
}

interface Row { name: string; cmd: string; args: string[]; vs?: string; kind: "synack" | "tshark" | "tcpdump" | "tcptrace" | "floor" }

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { packets: { type: "string" }, snaplen: { type: "string" },
    "no-tshark": { type: "boolean" }, driver: { type: "boolean" }, "no-tree": { type: "boolean" }, "tree-only": { type: "boolean" },
    base: { type: "string" }, pairs: { type: "string" }, "no-graph": { type: "boolean" }, "graph-only": { type: "boolean" }, only: { type: "string" } } });
  for (const f of TREE_FIELDS) if (fieldId(f) >= 0) throw new Error(`${f} is a registry field: TREE_FIELDS must be tree-only`);
  const packets = parseCount(values.packets ?? String(DEFAULT_PACKETS));
  if (!Number.isInteger(packets) || packets < 1 || packets > MAX_PACKETS) throw new Error(`--packets must be 1 … ${MAX_PACKETS}`);
  const snaplen = Number(values.snaplen ?? DEFAULT_SNAPLEN);
  mkdirSync(join(REPO_ROOT, ".tmp", "bench"), { recursive: true });
  const file = ensureBenchCapture(packets, snaplen);
  const tiny = ensureBenchCapture(1, snaplen);
  const cli = values.driver !== true && cliHasRead(tiny);
  const cliSummary = cli && cliSummaryWorks(tiny);
  const node = process.execPath;

  const rows: Row[] = [
    { name: "synack decode only", cmd: node, args: [DRIVER, "decode", file], vs: "tshark -n -r", kind: "synack" },
    { name: "print floor (no decode)", cmd: node, args: [DRIVER, "print-floor", file], vs: "tshark -n -r", kind: "floor" },
    { name: "synack analysis (no output)", cmd: node, args: [DRIVER, "analysis", file], vs: "tshark -n -r", kind: "synack" },
    cliSummary
      ? { name: "synack read (summary)", cmd: node, args: [CLI, "read", "-r", file, "-n"], vs: "tshark -n -r", kind: "synack" }
      : { name: "synack read (summary)*", cmd: node, args: [DRIVER, "fields-analysis", file], vs: "tshark -n -r", kind: "synack" },
    cli
      ? { name: "synack -T fields decode", cmd: node, args: [CLI, "read", "-r", file, "-n", ...fieldArgs(DECODE_FIELDS)], vs: "tshark -T fields decode", kind: "synack" }
      : { name: "synack -T fields decode*", cmd: node, args: [DRIVER, "fields-decode", file], vs: "tshark -T fields decode", kind: "synack" },
    cli
      ? { name: "synack -T fields analysis", cmd: node, args: [CLI, "read", "-r", file, "-n", ...fieldArgs(ANALYSIS_FIELDS)], vs: "tshark -T fields analysis", kind: "synack" }
      : { name: "synack -T fields analysis*", cmd: node, args: [DRIVER, "fields-analysis", file], vs: "tshark -T fields analysis", kind: "synack" },
    { name: "tcpdump -nn -r", cmd: "tcpdump", args: ["-nn", "-r", file], kind: "tcpdump" },
  ];
  if (cli) {
    // Two threads (src/cli/commands/parallel-read.ts) are opt-in: SYNACK_THREADS=2.
    rows.splice(6, 0,
      { name: "synack -T fields decode, 2 threads", cmd: "env", args: ["SYNACK_THREADS=2", node, CLI, "read", "-r", file, "-n", ...fieldArgs(DECODE_FIELDS)], vs: "tshark -T fields decode", kind: "synack" },
      { name: "synack read (summary), 2 threads", cmd: "env", args: ["SYNACK_THREADS=2", node, CLI, "read", "-r", file, "-n"], vs: "tshark -n -r", kind: "synack" },
      { name: "synack -T fields analysis, 2 threads", cmd: "env", args: ["SYNACK_THREADS=2", node, CLI, "read", "-r", file, "-n", ...fieldArgs(ANALYSIS_FIELDS)], vs: "tshark -T fields analysis", kind: "synack" });
    // The same rows from the in-process driver: what the pipeline does without the CLI's formatting.
    rows.splice(9, 0,
      { name: "driver -T fields decode", cmd: node, args: [DRIVER, "fields-decode", file], vs: "tshark -T fields decode", kind: "synack" },
      { name: "driver -T fields analysis", cmd: node, args: [DRIVER, "fields-analysis", file], vs: "tshark -T fields analysis", kind: "synack" });
  }
  const tree = cli && values["no-tree"] !== true && values["graph-only"] !== true;
  if (values["tree-only"] === true) {
    if (!tree) throw new Error("--tree-only needs the CLI's read (and not --no-tree)");
    rows.length = 0;
  }
  if (tree) {
    // Issue 15: -T fields with tree-only fields, -V, -T json; each with the floors of its output.
    const outputs: Array<[label: string, args: string[], vs: string]> = [
      ["-T fields tree", fieldArgs(TREE_FIELDS), "tshark -T fields tree"],
      ["-V", ["-V"], "tshark -V"],
      ["-T json", ["-T", "json"], "tshark -T json"],
    ];
    for (const [label, args, vs] of outputs) {
      const sample = floorSample(file, label, args);
      rows.push({ name: `synack ${label}`, cmd: node, args: [CLI, "read", "-r", file, "-n", ...args], vs, kind: "synack" },
        { name: `${label} floor (copy)`, cmd: node, args: [DRIVER, "copy-floor", file, sample, String(SAMPLE_PACKETS)], vs, kind: "floor" });
      if (label !== "-T fields tree") {
        rows.push({ name: `${label} floor (lines)`, cmd: node, args: [DRIVER, "lines-floor", file, sample, String(SAMPLE_PACKETS)], vs, kind: "floor" });
      }
    }
    if (values["no-tshark"] !== true) {
      rows.push(
        { name: "tshark -T fields tree", cmd: "tshark", args: [...TSHARK_BASE, "-r", file, ...fieldArgs(TREE_FIELDS)], kind: "tshark" },
        { name: "tshark -V", cmd: "tshark", args: [...TSHARK_BASE, "-r", file, "-V"], kind: "tshark" },
        { name: "tshark -T json", cmd: "tshark", args: [...TSHARK_BASE, "-r", file, "-T", "json"], kind: "tshark" },
      );
    }
  }
  if (values["graph-only"] === true) rows.length = 0;
  if (values["no-graph"] !== true && values["tree-only"] !== true) {
    // Issue 17: the time-sequence graph of the largest stream (1 M segments must draw in < 5 s).
    const big = await largestStream(file);
    console.log(`bench:read: largest stream ${big.stream}: ${big.segments} segments, ${big.data} data segments from ${big.dir}`);
    rows.push({ name: `synack graph --type tseq`, cmd: node, args: [CLI, "graph", "-r", file, "--stream", String(big.stream), "--dir", big.dir, "--type", "tseq"], kind: "synack" });
  }
  if (values["no-tshark"] !== true && values["tree-only"] !== true && values["graph-only"] !== true) {
    rows.push(
      { name: "tshark -n -r", cmd: "tshark", args: [...TSHARK_BASE, "-r", file], kind: "tshark" },
      { name: "tshark -T fields decode", cmd: "tshark", args: [...TSHARK_BASE, "-r", file, ...fieldArgs(DECODE_FIELDS)], kind: "tshark" },
      { name: "tshark -T fields analysis", cmd: "tshark", args: [...TSHARK_BASE, "-r", file, ...fieldArgs(ANALYSIS_FIELDS)], kind: "tshark" },
    );
  }

  // Issue 17: tcptrace-grade statistics per connection against tcptrace's long report.
  if (cli && values["graph-only"] !== true && values["tree-only"] !== true && spawnSync("tcptrace", ["-v"], { stdio: "ignore" }).error === undefined) {
    rows.push({ name: "synack stats conn", cmd: node, args: [CLI, "stats", "-r", file, "conn"], vs: "tcptrace -l -r -n", kind: "synack" },
      { name: "synack doctor", cmd: node, args: [CLI, "doctor", "-r", file], vs: "tcptrace -l -r -n", kind: "synack" },
      { name: "tcptrace -l -r -n", cmd: "tcptrace", args: ["-l", "-r", "-n", file], kind: "tcptrace" });
  }
  // --only NAME,NAME…: just the rows whose names start so (and no start-up rows), e.g. --only "synack stats conn,tcptrace".
  const only = values.only?.split(",").map((x) => x.trim()).filter((x) => x !== "");
  if (only !== undefined) {
    const keep = rows.filter((r) => only.some((o) => r.name.startsWith(o)));
    rows.length = 0; rows.push(...keep);
  }
  console.log(`bench:read: ${packets} packets (${file}), node ${process.version}, ${TIME ? "GNU time" : "/proc VmHWM polling"} for peak RSS`);
  if (values.driver === true) console.log("bench:read: --driver: * rows run the in-process driver (test/bench/pipeline.ts)");
  else if (!cli) console.log("bench:read: `synack read` is not in the CLI yet: * rows run the in-process driver (test/bench/pipeline.ts)");
  else if (!cliSummary) console.log("bench:read: `synack read` has no summary output yet: * row runs -T fields with the analysis fields");
  // Warm the page cache so the first row does not pay for a cold disk read the others skip.
  await measure("cat", [file]);
  const res = new Map<string, Measure>();
  for (const row of rows) {
    const m = await measure(row.cmd, row.args);
    if (m.status !== 0) throw new Error(`${row.name} failed (exit ${m.status}): ${m.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    res.set(row.name, m);
    console.log(`  ${row.name.padEnd(30)} ${m.seconds.toFixed(2).padStart(8)} s  ${fmtRate(packets / m.seconds).padStart(12)} pkt/s  peak RSS ${(m.maxRssKiB / 1024).toFixed(0).padStart(6)} MiB`);
  }

  // Start-up: 1-packet capture, median of 5.
  const startup = async (cmd: string, args: string[]): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) xs.push((await measure(cmd, args)).seconds);
    return median(xs);
  };
  const startRows: [string, number][] = only !== undefined ? [] : [
    [cli ? "synack read -r 1-packet" : "driver fields-analysis 1-packet*",
      await startup(node, cli ? [CLI, "read", "-r", tiny, "-n"] : [DRIVER, "fields-analysis", tiny])],
    ["node -e 0 (floor)", await startup(node, ["-e", "0"])],
    ["tcpdump -nn -r 1-packet", await startup("tcpdump", ["-nn", "-r", tiny])],
  ];
  if (values["no-tshark"] !== true && only === undefined) startRows.push(["tshark -n -r 1-packet", await startup("tshark", [...TSHARK_BASE, "-r", tiny])]);

  // Table.
  const rate = (n: string): number => packets / res.get(n)!.seconds;
  const tcpdumpRate = res.has("tcpdump -nn -r") ? rate("tcpdump -nn -r") : NaN;
  console.log(`\n| run | s | packets/s | × tshark | × tcpdump | peak RSS MiB |`);
  console.log(`|---|---:|---:|---:|---:|---:|`);
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    const m = res.get(row.name)!;
    const vsT = row.vs !== undefined && res.has(row.vs) ? rate(row.name) / rate(row.vs) : NaN;
    const vsD = rate(row.name) / tcpdumpRate;
    console.log(`| ${row.name} | ${m.seconds.toFixed(2)} | ${fmtRate(rate(row.name))} | ${Number.isNaN(vsT) ? "" : vsT.toFixed(1) + "×"} | ${row.kind === "tcpdump" || Number.isNaN(vsD) ? "" : vsD.toFixed(2) + "×"} | ${(m.maxRssKiB / 1024).toFixed(0)} |`);
    out.push({ name: row.name, seconds: m.seconds, pps: rate(row.name), vsTshark: vsT, vsTcpdump: vsD, maxRssKiB: m.maxRssKiB });
  }
  console.log(`\n| start-up (1 packet, median of 5) | s |\n|---|---:|`);
  for (const [n, s] of startRows) console.log(`| ${n} | ${s.toFixed(3)} |`);

  // Targets (issues 4 and 5).
  const synackRows = rows.filter((r) => r.kind === "synack");
  const maxRss = Math.max(...synackRows.map((r) => res.get(r.name)!.maxRssKiB)) / 1024;
  const find = (prefix: string): string | undefined => rows.find((r) => r.name.startsWith(prefix))?.name;
  /** `row` ≥ `times` × `peer` (undefined when either row did not run). */
  const vs = (row: string, peer: string, times: number): boolean | undefined => {
    const n = find(row);
    return n !== undefined && res.has(peer) ? rate(n) / rate(peer) >= times : undefined;
  };
  const summaryRow = find("synack read (summary)");
  const checks: [string, boolean | undefined][] = [
    ["decode only ≥ 5 M packets/s", res.has("synack decode only") ? rate("synack decode only") >= 5e6 : undefined],
    ["full analysis ≥ 10× tshark -n -r", vs("synack read (summary)", "tshark -n -r", 10)],
    ["full analysis ≥ 1× tcpdump", summaryRow !== undefined && res.has("tcpdump -nn -r") ? rate(summaryRow) >= tcpdumpRate : undefined],
    ["-T fields decode ≥ 20× tshark", vs("synack -T fields decode", "tshark -T fields decode", 20)],
    ["-T fields analysis ≥ 20× tshark", vs("synack -T fields analysis", "tshark -T fields analysis", 20)],
    ["issue 15 (b): -T fields, ten tree-only fields ≥ 10× tshark", vs("synack -T fields tree", "tshark -T fields tree", 10)],
    ["issue 15 (c): -V ≥ 10× tshark -V", vs("synack -V", "tshark -V", 10)],
    ["issue 15 (c): -T json ≥ 10× tshark -T json", vs("synack -T json", "tshark -T json", 10)],
    ["issue 17: stats conn ≥ 10× tcptrace -l -r -n", vs("synack stats conn", "tcptrace -l -r -n", 10)],
    ["issue 17: doctor ≥ 10× tcptrace -l -r -n", vs("synack doctor", "tcptrace -l -r -n", 10)],
    [`peak RSS < 256 MiB (max ${maxRss.toFixed(0)} MiB)`, maxRss < 256],
    ["start-up < 0.15 s", startRows.length === 0 ? undefined : startRows[0]![1] < 0.15],
  ];
  console.log("\ntargets:");
  for (const [t, ok] of checks) console.log(`  ${ok === undefined ? "skip" : ok ? "ok  " : "MISS"}  ${t}`);
  for (const label of ["-T fields tree", "-V", "-T json"]) {
    // What each issue 15 target leaves: 10× tshark as a time, next to the floors of its output.
    const peer = res.get(label === "-T fields tree" ? "tshark -T fields tree" : `tshark ${label}`);
    const copy = res.get(`${label} floor (copy)`), lines = res.get(`${label} floor (lines)`);
    if (peer === undefined || copy === undefined) continue;
    console.log(`  10× tshark ${label} = at most ${(peer.seconds / 10).toFixed(2)} s; its output alone: copied ${copy.seconds.toFixed(2)} s`
      + (lines !== undefined ? `, from strings ${lines.seconds.toFixed(2)} s` : ""));
  }
  if (res.has("tshark -n -r") && res.has("print floor (no decode)")) {
    // What the 10× target leaves: the summary's whole budget next to its two parts measured alone.
    const budget = res.get("tshark -n -r")!.seconds / 10;
    console.log(`  10× tshark -n -r = at most ${budget.toFixed(2)} s for the summary; printing alone (print floor) `
      + `${res.get("print floor (no decode)")!.seconds.toFixed(2)} s, decode + analysis alone `
      + `${res.get("synack analysis (no output)")!.seconds.toFixed(2)} s`);
  }
  if (values.base !== undefined) await basePairs(values.base, file, Number(values.pairs ?? 5));
  writeFileSync(join(REPO_ROOT, ".tmp", "bench", `read-${packets}.json`),
    JSON.stringify({ packets, file, cli, cliSummary, rows: out, startup: Object.fromEntries(startRows) }, null, 2) + "\n");
}

/** The stream with the most segments, and its direction with the most data segments (a: the
 *  stream's first sender, as `synack graph --dir` counts). */
async function largestStream(file: string): Promise<{ stream: number; segments: number; dir: "a" | "b"; data: number }> {
  const segs: number[] = [], dataA: number[] = [], dataB: number[] = [], firstPort: number[] = [];
  await analyseCapture(readCapture(openCaptureFile(file)).records(), ({ seg, result: r }) => {
    const k = r.stream;
    if (segs[k] === undefined) { segs[k] = 0; dataA[k] = 0; dataB[k] = 0; firstPort[k] = seg.srcPort; }
    segs[k]!++;
    if (r.seglen > 0) { if (seg.srcPort === firstPort[k]) dataA[k]!++; else dataB[k]!++; }
  });
  let best = 0;
  for (let k = 0; k < segs.length; k++) if ((segs[k] ?? 0) > (segs[best] ?? 0)) best = k;
  const a = dataA[best] ?? 0, b = dataB[best] ?? 0;
  return { stream: best, segments: segs[best] ?? 0, dir: a >= b ? "a" : "b", data: Math.max(a, b) };
}

/** The floors' sample of one output: synack's own output of the first SAMPLE_PACKETS packets. */
function floorSample(file: string, label: string, args: string[]): string {
  const path = join(REPO_ROOT, ".tmp", "bench", `sample-${label.replace(/[^A-Za-z]+/g, "")}.txt`);
  const r = spawnSync(process.execPath, [CLI, "read", "-r", file, "-n", "-c", String(SAMPLE_PACKETS), ...args],
    { env: ENV, maxBuffer: 1 << 27 });
  if (r.status !== 0) throw new Error(`sample of synack ${label} failed: ${String(r.stderr).trim()}`);
  writeFileSync(path, r.stdout);
  return path;
}

/** --base: this build against an older one, the same command alternated, ratio pair by pair. */
async function basePairs(base: string, file: string, pairs: number): Promise<void> {
  const baseCli = join(resolve(base), "dist", "cli", "main.js");
  if (!existsSync(baseCli)) throw new Error(`--base: no ${baseCli} (build that tree first)`);
  const commands: Array<[string, string[]]> = [
    ["summary (read -r F -n)", ["read", "-r", file, "-n"]],
    ["-T fields decode", ["read", "-r", file, "-n", ...fieldArgs(DECODE_FIELDS)]],
    ["-T fields analysis", ["read", "-r", file, "-n", ...fieldArgs(ANALYSIS_FIELDS)]],
  ];
  console.log(`\n| this build / ${base} (${pairs} pairs, alternated) | this s (median) | base s (median) | ratio min | median | max | peak RSS MiB this / base |`);
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [label, args] of commands) {
    const a: Measure[] = [], b: Measure[] = [];
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so a drift of the machine's speed falls on both.
      const first = i % 2 === 0;
      const x = await measure(process.execPath, [first ? CLI : baseCli, ...args]);
      const y = await measure(process.execPath, [first ? baseCli : CLI, ...args]);
      (first ? a : b).push(x); (first ? b : a).push(y);
    }
    const ratios = a.map((m, i) => m.seconds / b[i]!.seconds).sort((p, q) => p - q);
    console.log(`| ${label} | ${median(a.map((m) => m.seconds)).toFixed(2)} | ${median(b.map((m) => m.seconds)).toFixed(2)} | `
      + `${ratios[0]!.toFixed(3)} | ${median(ratios).toFixed(3)} | ${ratios[ratios.length - 1]!.toFixed(3)} | `
      + `${(Math.max(...a.map((m) => m.maxRssKiB)) / 1024).toFixed(0)} / ${(Math.max(...b.map((m) => m.maxRssKiB)) / 1024).toFixed(0)} |`);
  }
}

function fmtRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`;
}

main().catch((err: unknown) => {
  console.error(`bench:read: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
