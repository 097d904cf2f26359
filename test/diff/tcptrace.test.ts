/** `synack stats conn` against tcptrace 6.6.7: every figure of every connection of every corpus
 *  capture and probe that tcptrace reads (its `-l -r -n -W --csv` output, stored in
 *  test/fixtures/tcptrace by scripts/make-tcptrace-refs.mjs). Connections pair up by endpoints and
 *  first-packet time. Every difference is a row of the ratchet ledger tcptrace-ledger.tsv
 *  (capture, connection, figure, ours, tcptrace, reason): a new difference fails, and so does a
 *  listed one that vanished. SYNACK_WRITE_TCPTRACE_LEDGER=1 rewrites the ledger, each row's reason
 *  from `reasonOf` (the classes below). A few captures also run tcptrace live when it is installed. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readCapture, type CaptureRecord } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { CONN_FIGURES, type ConnStats, hostText } from "../../src/analysis/index.js";
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { collectConnStats } from "../../src/cli/commands/stats-conn.js";
import { REPO_ROOT, sharedDir } from "../support/paths.js";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "tcptrace");
const LEDGER = join(REPO_ROOT, "test", "diff", "tcptrace-ledger.tsv");
const LEDGER_HEAD = "capture\tconnection\tfigure\tours\ttcptrace\treason";

/** The capture file of a fixture name ("captures/public/x.pcap" or "probes/y.pcap"). */
function capturePath(name: string): string {
  const [tag, ...rest] = name.split("/");
  return join(sharedDir(), tag === "captures" ? "captures" : join("spec", "probes", "captures"), ...rest);
}

/** Records of a file; a damaged file yields what it has (tcptrace too reads up to the damage). */
async function* records(path: string): AsyncGenerator<CaptureRecord> {
  try { for await (const r of readCapture(openCaptureFile(path)).records()) yield r; } catch { /* the complete records count */ }
}

type Row = Record<string, string>;
function parseCsv(text: string): Row[] {
  const lines = text.split("\n").filter((l) => l !== "");
  const head = lines[0]!.split(",");
  return lines.slice(1).map((l) => {
    const cells = l.split(","), row: Row = {};
    head.forEach((h, i) => { if (h !== "") row[h] = cells[i] ?? ""; });
    return row;
  });
}

/** tcptrace's CSV column of a figure and direction (one column has a space for an underscore). */
function column(key: string, dir: "a2b" | "b2a"): string {
  return key === "RTT_full_sz_stdev" && dir === "a2b" ? "RTT full_sz_stdev_a2b" : `${key}_${dir}`;
}

/** "sec.usec" as tcptrace prints it (usec unpadded) → µs. */
function tcptraceUs(t: string): number {
  const [s, u] = t.split(".");
  return Number(s) * 1e6 + Number(u ?? 0);
}

const address = (c: ConnStats, w: "a" | "b"): string => hostText(c, w).replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
const keyOf = (a: string, pa: string, b: string, pb: string, us: number): string => `${a}|${pa}|${b}|${pb}|${us}`;

/** One difference, and what is known of its capture and connection. */
interface Diff {
  capture: string; connection: string; figure: string; ours: string; theirs: string;
  /** The capture has ns timestamps (tcptrace reads µs); it has IP fragments; the connection's
   *  4-tuple makes more tcp.streams than tcptrace connections; its sequence numbers cross 2^32. */
  nsec?: boolean; fragments?: boolean; split?: boolean; wrapped?: boolean;
}

const TIME_FIGURES = /^(RTT_|idletime_max|throughput|data_xmit_time|(min|max|avg|sdv)_retr_time)/;

/** Why ours and tcptrace's differ: one reason per class. */
export function reasonOf(d: Diff): string {
  if (d.figure === "*") {
    return d.ours === "-" ? "connection split: tcptrace starts or keeps connections by its own rules (SYN after FIN/RST, a new ISN), synack follows tshark's tcp.stream"
      : "connection split: tshark's tcp.stream makes a connection tcptrace does not (port reuse, ICMP-quoted or non-first fragments)";
  }
  const figure = d.figure.replace(/_(a2b|b2a)$/, "");
  if (d.split === true) return "connection split: tshark starts a new tcp.stream for this 4-tuple (port reuse, spec §2.2) where tcptrace keeps one connection, so its figures also count the later stream's packets";
  if (d.fragments === true) return "IP fragments: synack analyses the reassembled datagram (as tshark does), tcptrace the first fragment's TCP payload only";
  if (/^RTT_full_sz_/.test(figure)) return "tcptrace's full-size RTT takes the largest segments by a size formula that gives 2^32 − 1 for a 1-byte range (SYN, FIN, 1-byte data): its full size is those; synack's is the largest data segment";
  if (figure === "mss_requested" && Number(d.theirs) > 65535) return "tcptrace keeps the MSS in a signed 16-bit field: an MSS above 32767 prints sign-extended (65495 as 4294967255)";
  if (d.nsec === true && TIME_FIGURES.test(figure)) return "ns timestamps: tcptrace reads the capture in µs (libpcap truncates), synack keeps ns";
  if (d.wrapped === true) return "sequence numbers cross 2^32: tcptrace tracks segments in four quadrants of the sequence space, synack on unwrapped numbers";
  if (/^\d{17,}$/.test(d.theirs) || (/^4294967\d{3}$/.test(d.theirs) && (d.ours === "NA" || d.ours.startsWith("-")))) return "tcptrace's unsigned arithmetic wraps a negative difference (missed data, owin) to a huge number; synack prints it signed";
  if (figure === "idletime_max" && d.theirs === "NA") return "tcptrace takes a packet stamped 1970-01-01 00:00:00 as one without a time (idle time NA)";
  if (/^probes\/(malformed|truncated_options|options_bad)\./.test(d.capture)) return "malformed TCP options or headers cut by the snaplen: tcptrace walks options and counts captured bytes by its own rules, synack by tshark's (spec §11.1, §12.2)";
  if (d.capture.startsWith("captures/malformed/")) return "damaged capture: tcptrace and synack take different TCP headers or lengths from broken records (tcptrace trusts the IP lengths, skips headers it finds short; synack follows tshark)";
  return "unexplained";
}

/** Captures with ns timestamps (MANIFEST.tsv's ts_resolution; the probes are µs). */
function nsecCaptures(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(join(sharedDir(), "captures", "MANIFEST.tsv"), "utf8").split("\n").slice(1)) {
    const c = line.split("\t");
    if (c[10] !== undefined && c[10] !== "usec") out.add(`captures/${c[0]}`);
  }
  return out;
}

/** The capture has an IPv4/IPv6 fragment (reassembled or not). */
async function hasFragments(path: string): Promise<boolean> {
  const decoder = new FrameDecoder(), frame = new DecodedFrame();
  for await (const rec of records(path)) {
    decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
    for (let i = 0; i < frame.ipCount; i++) if (frame.ip[i]!.fragment || frame.ip[i]!.reassembled) return true;
  }
  return false;
}

const tupleOf = (a: string, pa: string, b: string, pb: string): string => [`${a}|${pa}`, `${b}|${pb}`].sort().join("-");

async function compareCapture(name: string, nsec: boolean, diffs: Diff[], counts: { figures: number; equal: number }): Promise<void> {
  const refs = parseCsv(readFileSync(join(FIXTURES, name.replaceAll("/", "__") + ".csv"), "utf8"));
  const stats = await collectConnStats(records(capturePath(name)));
  const fragments = await hasFragments(capturePath(name));
  const perTuple = new Map<string, number>();
  for (const c of stats.all()) {
    const t = tupleOf(address(c, "a"), String(c.aPort), address(c, "b"), String(c.bPort));
    perTuple.set(t, (perTuple.get(t) ?? 0) + 1);
  }
  for (const row of refs) {
    const t = tupleOf(row.host_a!, row.port_a!, row.host_b!, row.port_b!);
    perTuple.set(t, (perTuple.get(t) ?? 0) - 1);
  }
  const ours = new Map<string, ConnStats>();
  for (const c of stats.all()) {
    const us = c.firstSec * 1e6 + Math.floor(c.firstNsec / 1000);
    ours.set(keyOf(address(c, "a"), String(c.aPort), address(c, "b"), String(c.bPort), us), c);
  }
  const used = new Set<ConnStats>();
  for (const row of refs) {
    const k = keyOf(row.host_a!, row.port_a!, row.host_b!, row.port_b!, tcptraceUs(row.first_packet!));
    const c = ours.get(k);
    const label = c === undefined ? `tcptrace ${row["conn_#"]}` : `stream ${c.stream}`;
    if (c === undefined || used.has(c)) {
      diffs.push({ capture: name, connection: label, figure: "*", ours: "-", theirs: `${row.host_a}:${row.port_a}-${row.host_b}:${row.port_b}` });
      continue;
    }
    used.add(c);
    const split = perTuple.get(tupleOf(row.host_a!, row.port_a!, row.host_b!, row.port_b!)) !== 0;
    const wrapped = c.a2b.hiAbs >= 2 ** 33 || c.b2a.hiAbs >= 2 ** 33;
    for (const f of CONN_FIGURES) {
      for (const dir of ["a2b", "b2a"] as const) {
        const theirs = row[column(f.key, dir)];
        if (theirs === undefined) continue;
        const mine = f.text(dir === "a2b" ? c.a2b : c.b2a, c);
        counts.figures++;
        if (mine === theirs) counts.equal++;
        else diffs.push({ capture: name, connection: label, figure: `${f.key}_${dir}`, ours: mine, theirs, nsec, fragments, split, wrapped });
      }
    }
  }
  for (const c of ours.values()) {
    if (!used.has(c)) diffs.push({ capture: name, connection: `stream ${c.stream}`, figure: "*", ours: `${hostText(c, "a")}-${hostText(c, "b")}`, theirs: "-" });
  }
}

const fixtureNames = (): string[] => readFileSync(join(FIXTURES, "index.tsv"), "utf8").split("\n")
  .filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t")).filter((c) => Number(c[2]) > 0).map((c) => c[0]!);

test("tcptrace: every figure of every connection equals tcptrace 6.6.7's or is in the ledger", async () => {
  const diffs: Diff[] = [], counts = { figures: 0, equal: 0 };
  const names = fixtureNames();
  assert.ok(names.length > 50, `only ${names.length} tcptrace references`);
  const nsec = nsecCaptures();
  for (const name of names) await compareCapture(name, nsec.has(name), diffs, counts);
  const rows = diffs.map((d) => [d.capture, d.connection, d.figure, d.ours, d.theirs, reasonOf(d)].join("\t"));
  const byReason = new Map<string, number>();
  for (const d of diffs) byReason.set(reasonOf(d), (byReason.get(reasonOf(d)) ?? 0) + 1);
  console.log(`tcptrace: ${names.length} captures, ${counts.figures} figures compared, ${counts.equal} equal ` +
    `(${(100 * counts.equal / Math.max(1, counts.figures)).toFixed(2)} %), ledger ${diffs.length} rows`);
  for (const [r, n] of [...byReason].sort((x, y) => y[1] - x[1])) console.log(`  ${n}\t${r}`);
  if (process.env.SYNACK_WRITE_TCPTRACE_LEDGER === "1") {
    writeFileSync(LEDGER, [LEDGER_HEAD, ...rows].join("\n") + "\n");
    return;
  }
  const key = (l: string): string => l.split("\t").slice(0, 5).join("\t");
  const listed = readFileSync(LEDGER, "utf8").split("\n").filter((l) => l !== "" && l !== LEDGER_HEAD);
  for (const l of listed) assert.ok((l.split("\t")[5] ?? "").trim() !== "", `ledger row without a reason: ${l}`);
  const want = new Set(listed.map(key)), got = new Set(rows.map(key));
  const added = [...got].filter((k) => !want.has(k)), gone = [...want].filter((k) => !got.has(k));
  assert.deepEqual({ added: added.slice(0, 15), gone: gone.slice(0, 15), addedCount: added.length, goneCount: gone.length },
    { added: [], gone: [], addedCount: 0, goneCount: 0 }, "tcptrace-ledger.tsv no longer matches (SYNACK_WRITE_TCPTRACE_LEDGER=1 rewrites it)");
});

test("tcptrace: the stored references are tcptrace's output (live run on a sample)", { skip: spawnSync("tcptrace", ["-v"]).error !== undefined }, () => {
  const sample = ["captures/public/ndpi/ipp.pcap", "captures/public/pcapplusplus/PcapppTest__PcapExamples__four_ipv6_http_streams.pcap"];
  const probes = readdirSync(FIXTURES).filter((f) => f.startsWith("probes__")).slice(0, 1).map((f) => f.replace(/__/g, "/").replace(/\.csv$/, ""));
  for (const name of [...sample, ...probes]) {
    const file = join(FIXTURES, name.replaceAll("/", "__") + ".csv");
    if (!existsSync(file)) continue;
    const r = spawnSync("tcptrace", ["-l", "-r", "-n", "-W", "--csv", capturePath(name)], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
    const lines = r.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => l.split(",").map((c) => c.trim()).join(","));
    assert.equal(lines.join("\n") + "\n", readFileSync(file, "utf8"), name);
  }
});
