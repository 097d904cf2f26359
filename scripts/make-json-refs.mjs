#!/usr/bin/env node
// make-json-refs.mjs — writes the tshark 4.0.17 references of the JSON / -V / -Y scoreboard
// (test/diff/json-*.test.ts) under test/fixtures/tshark-json/. Run once after `npm run build`
// (it reads the JSON parser from dist/test/support); the output is checked in.
//
//   node scripts/make-json-refs.mjs            every reference
//   node scripts/make-json-refs.mjs --filters  only the -Y references (filters.tsv, bad-filters.tsv)
//
// tshark runs as shared/captures/make-refs.sh runs it (payloads to the data dissector, the
// reference preferences, no profile, UTC), on every capture of shared/captures/MANIFEST.tsv and
// every probe of shared/spec/probes/captures, keeping the frames with a TCP layer (-Y tcp):
//   <name>.json.gz   `-T json -Y tcp`, exactly as printed (captures without TCP frames: no file)
//   v-frames.tsv.gz  `-V -Y tcp`: capture, frame, sha256 of the frame's text (16 hex digits)
//   index.tsv        capture, frames, tshark's exit status, sha256 of the capture file
//   filters.tsv      generated -Y filters (one per field type and operator) and the frames tshark
//                    keeps on each filter capture (`-Y F -T fields -e frame.number`, as ranges)
//   bad-filters.tsv  broken filters and tshark's message (the caret lines included)
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, gunzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "test", "fixtures", "tshark-json");
const SHARED = [process.env.SYNACK_SHARED, join(ROOT, "..", "shared"), "/work/shared"]
  .find((d) => d && existsSync(join(d, "captures")));
if (SHARED === undefined) { process.stderr.write("make-json-refs: shared folder not found; set SYNACK_SHARED\n"); process.exit(2); }
const helper = join(ROOT, "dist", "test", "support", "tshark-json.js");
if (!existsSync(helper)) { process.stderr.write("make-json-refs: run `npm run build` first\n"); process.exit(2); }
const { jsonFrames, frameItems } = await import(helper);

const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
/** make-refs.sh's dissection options. */
const OPTS = ["-n", "-d", "tcp.port==1-65535,data",
  "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
  "-o", "tcp.track_bytes_in_flight:TRUE", "-o", "tcp.calculate_timestamps:TRUE", "-o", "tcp.check_checksum:FALSE"];

/** The captures the -Y filters run on (relative to shared/captures). */
const FILTER_CAPTURES = [
  "public/ndpi/KakaoTalk_chat.pcap",                                    // UDP, ICMP, analysis flags
  "public/pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng", // pcapng, several link types, IPv6, comments
  "public/tcpdump/arcnet-rfc1051-arp-icmp-http.pcap",                   // ARCNET, ARP, ICMP
  "public/pcapplusplus/PacketppTest__PacketExamples__IcmpPackets.pcap", // TCP quoted in ICMP errors
];

/** Broken filters: tshark's message (and caret line) is the reference. */
const BAD_FILTERS = ["tcp.port ==", "tcp.prot == 1", "tcp.port == \"x\"", "ip.src == 1.2.3", "(tcp", "tcp.port = = 80",
  "tcp.flags & ", "tcp.port in {80 443", "tcp.len > -1x", "ip.addr == 10.0.0.0/33", "eth.src == 00:11:22", "tcp[0:2 == 00:50"];

function run(args) {
  return new Promise((resolve) => {
    execFile("tshark", args, { env: ENV, maxBuffer: 1 << 30, encoding: "utf8" }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ status, stdout, stderr: stderr.split("\n").filter((l) => !l.includes("could be dangerous")).join("\n") });
    });
  });
}

async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}

/** Every reference capture: name (as the ledgers spell it) and path. */
function captures() {
  const manifest = readFileSync(join(SHARED, "captures", "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1)
    .map((l) => l.split("\t")[0]).filter((f) => f);
  const probes = readdirSync(join(SHARED, "spec", "probes", "captures")).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort();
  return [...manifest.map((f) => ({ name: "captures/" + f, path: join(SHARED, "captures", f) })),
    ...probes.map((f) => ({ name: "probes/" + f, path: join(SHARED, "spec", "probes", "captures", f) }))];
}

/** `-V` output → [frame, text] per frame (each frame's block without its trailing blank line). */
function vBlocks(text) {
  const out = [];
  for (const block of text.split(/\n(?=Frame \d+: )/)) {
    const m = /^Frame (\d+): /.exec(block);
    if (m !== null) out.push([Number(m[1]), block.trimEnd()]);
  }
  return out;
}
const frameHash = (s) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/** "1,2,3,5,8,9" → "1-3,5,8-9". */
function ranges(nums) {
  const out = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    out.push(j === i ? String(nums[i]) : `${nums[i]}-${nums[j]}`);
    i = j + 1;
  }
  return out.join(",");
}

async function writeFrames() {
  const caps = captures();
  const index = [], vRows = [];
  await pool(caps, 2, async (c) => {
    const [json, v] = [await run(["-r", c.path, ...OPTS, "-Y", "tcp", "-T", "json"]), await run(["-r", c.path, ...OPTS, "-Y", "tcp", "-V"])];
    const frames = jsonFrames(json.stdout);
    const dest = join(OUT, c.name + ".json.gz");
    if (frames.length > 0) { mkdirSync(dirname(dest), { recursive: true }); writeFileSync(dest, gzipSync(json.stdout, { level: 9 })); }
    else rmSync(dest, { force: true });
    for (const [n, text] of vBlocks(v.stdout)) vRows.push([c.name, n, frameHash(text)]);
    const sha = createHash("sha256").update(readFileSync(c.path)).digest("hex");
    index.push([c.name, frames.length, json.status, sha]);
    process.stderr.write(`${c.name}: ${frames.length} frames\n`);
  });
  const byName = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
  index.sort(byName); vRows.sort(byName);
  writeFileSync(join(OUT, "index.tsv"), ["capture\tframes\ttshark_status\tsha256", ...index.map((r) => r.join("\t"))].join("\n") + "\n");
  writeFileSync(join(OUT, "v-frames.tsv.gz"), gzipSync(["capture\tframe\tsha256_16", ...vRows.map((r) => r.join("\t"))].join("\n") + "\n", { level: 9 }));
}

// ---- filters ----------------------------------------------------------------------------------

/** tshark's field types: name → FT_… (and protocols → FT_PROTOCOL). */
async function fieldTypes() {
  const { stdout } = await run(["-G", "fields"]);
  const m = new Map();
  for (const line of stdout.split("\n")) {
    const c = line.split("\t");
    if (c[0] === "F") m.set(c[2], c[3]);
    else if (c[0] === "P") m.set(c[2], "FT_PROTOCOL");
  }
  return m;
}

const quote = (s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, "\\\"")}"`;
const INT = /^FT_U?INT(8|16|24|32|40|48|56|64)$|^FT_FRAMENUM$|^FT_CHAR$/;

/** Operators by field type: [op, make(values) → filter text or undefined]. `v` holds the field's
 *  values seen in the filter captures, most common first; `s` the same sorted. */
function operators(type, f, v, s) {
  const med = s[Math.floor(s.length / 2)], two = v.length > 1 ? [v[0], v[1]] : undefined;
  const ops = [["present", () => f], ["!present", () => `!${f}`]];
  if (INT.test(type) || type === "FT_DOUBLE" || type === "FT_FLOAT" || type === "FT_RELATIVE_TIME") {
    ops.push(["==", () => `${f} == ${v[0]}`], ["!=", () => `${f} != ${v[0]}`], ["<", () => `${f} < ${med}`],
      [">", () => `${f} > ${med}`], [">=", () => `${f} >= ${med}`]);
    if (two) ops.push(["in", () => `${f} in {${two.join(", ")}}`]);
    if (INT.test(type) && type !== "FT_FRAMENUM") ops.push(["&", () => `${f} & ${v[0] === "0" || v[0] === "0x00" ? "1" : v[0]}`]);
  } else if (type === "FT_BOOLEAN") {
    ops.push(["== 1", () => `${f} == 1`], ["== 0", () => `${f} == 0`], ["!=", () => `${f} != 1`]);
  } else if (type === "FT_IPv4" || type === "FT_IPv6" || type === "FT_ETHER") {
    ops.push(["==", () => `${f} == ${v[0]}`], ["!=", () => `${f} != ${v[0]}`], [">", () => `${f} > ${med}`]);
    if (two) ops.push(["in", () => `${f} in {${two.join(", ")}}`]);
    if (type === "FT_IPv4") ops.push(["/16", () => `${f} == ${v[0]}/16`]);
    if (type === "FT_IPv6") ops.push(["/64", () => `${f} == ${v[0]}/64`]);
    if (type === "FT_ETHER") ops.push(["[0:3]", () => `${f}[0:3] == ${v[0].slice(0, 8)}`]);
  } else if (type === "FT_BYTES") {
    const b = v.find((x) => x.length >= 5) ?? v[0];
    ops.push(["==", () => `${f} == ${v[0]}`], ["contains", () => b.length >= 5 ? `${f} contains ${b.slice(0, 5)}` : undefined],
      ["[0:2]", () => b.length >= 5 ? `${f}[0:2] == ${b.slice(0, 5)}` : undefined],
      ["len()", () => `len(${f}) > ${Math.floor(s.map((x) => (x.length + 1) / 3).sort((a, c) => a - c)[Math.floor(s.length / 2)])}`]);
  } else if (type === "FT_STRING" || type === "FT_STRINGZ") {
    const w = v.find((x) => /[A-Za-z]{3}/.test(x)) ?? v[0];
    const word = /[A-Za-z]{3,}/.exec(w)?.[0] ?? w;
    ops.push(["==", () => `${f} == ${quote(v[0])}`], ["contains", () => `${f} contains ${quote(word)}`],
      ["matches", () => `${f} matches ${quote("^" + word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))}`],
      ["len()", () => `len(${f}) > ${[...s].map((x) => x.length).sort((a, c) => a - c)[Math.floor(s.length / 2)]}`]);
  } else if (type === "FT_ABSOLUTE_TIME") {
    ops.push([">", () => `${f} > ${quote(med.replace(/ UTC$/, ""))}`]);
  } else if (type === "FT_PROTOCOL") {
    ops.push(["[0:2]", () => `${f}[0:2] == ${v[0] ?? "00:00"}`], ["contains", () => `${f} contains 00:00`]);
  }
  return ops;
}

async function writeFilters() {
  const types = await fieldTypes();
  // Values per field over the filter captures' TCP frames (the JSON references), most common first.
  const counts = new Map();
  for (const rel of FILTER_CAPTURES) {
    const text = gunzipSync(readFileSync(join(OUT, "captures", rel + ".json.gz"))).toString("utf8");
    for (const fr of jsonFrames(text)) {
      for (const l of fr.layers) {
        if (!counts.has(l.key)) counts.set(l.key, new Map());
        for (const it of frameItems([l])) {
          if (it.field.startsWith("_ws.") && !it.field.startsWith("_ws.expert")) continue;
          const m = counts.get(it.field) ?? new Map();
          m.set(it.value, (m.get(it.value) ?? 0) + 1);
          counts.set(it.field, m);
        }
      }
    }
  }
  // Two fields per type: the ones with the most distinct values (then most items, then name).
  const byType = new Map();
  for (const [f, m] of counts) {
    const t = types.get(f);
    if (t === undefined || t === "FT_NONE" && m.size === 0) continue;
    const list = byType.get(t) ?? [];
    list.push([f, m]);
    byType.set(t, list);
  }
  const chosen = [];
  for (const [t, list] of [...byType].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => b[1].size - a[1].size || [...b[1].values()].reduce((x, y) => x + y, 0) - [...a[1].values()].reduce((x, y) => x + y, 0) || (a[0] < b[0] ? -1 : 1));
    for (const [f, m] of list.slice(0, t === "FT_PROTOCOL" ? 6 : 2)) {
      const v = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]).filter((x) => x !== "" && !/[\t\n\r]/.test(x));
      const s = [...v].sort((a, b) => (Number.isNaN(Number(a)) ? (a < b ? -1 : 1) : Number(a) - Number(b)));
      const ops = t === "FT_NONE" ? [["present", () => f], ["!present", () => `!${f}`]] : v.length === 0 ? [] : operators(t, f, v, s);
      for (const [op, make] of ops) { const text = make(); if (text !== undefined) chosen.push([t, op, text]); }
    }
  }
  // Combinations and functions over the whole frame.
  for (const text of ["tcp && !ip", "ip && tcp.flags.syn == 1 || udp", "not tcp.port in {80, 443} and tcp.len > 0",
    "tcp.port == 80 or tcp.port == 443", "tcp.srcport > tcp.dstport", "tcp.stream in {0 1 2}", "_ws.expert",
    "_ws.expert.severity >= 4194304", "tcp.analysis.flags && !tcp.analysis.window_update", "frame.len > 100 and frame.len < 500",
    "len(tcp.options) >= 12", "tcp.flags & 0x12 == 0x12", "ip.src == 10.0.0.0/8 || ipv6"]) chosen.push(["combined", "-", text]);
  const rows = [];
  await pool(chosen, 2, async ([t, op, text], i) => {
    const cells = [];
    for (const rel of FILTER_CAPTURES) {
      const r = await run(["-r", join(SHARED, "captures", rel), ...OPTS, "-Y", text, "-T", "fields", "-e", "frame.number"]);
      if (r.status !== 0 && r.stdout === "") { cells.push(undefined); break; }
      cells.push(ranges(r.stdout.split("\n").filter((l) => l !== "").map(Number)));
    }
    if (cells.includes(undefined)) { process.stderr.write(`tshark refuses ${text}: dropped\n`); return; }
    rows[i] = [t, op, text, ...cells];
  });
  writeFileSync(join(OUT, "filters.tsv"), [["type", "op", "filter", ...FILTER_CAPTURES].join("\t"),
    ...rows.filter((r) => r !== undefined).map((r) => r.join("\t"))].join("\n") + "\n");
  const bad = [];
  for (const text of BAD_FILTERS) {
    const r = await run(["-r", join(SHARED, "captures", FILTER_CAPTURES[0]), ...OPTS, "-Y", text]);
    bad.push([text, r.stderr.trimEnd().replace(/\\/g, "\\\\").replace(/\n/g, "\\n")]);
  }
  writeFileSync(join(OUT, "bad-filters.tsv"), ["filter\ttshark_stderr", ...bad.map((r) => r.join("\t"))].join("\n") + "\n");
  process.stderr.write(`filters: ${rows.filter((r) => r).length} kept, ${bad.length} bad filters\n`);
}

mkdirSync(OUT, { recursive: true });
if (!process.argv.includes("--filters")) await writeFrames();
await writeFilters();
