/** The JSON / -V / -Y scoreboard of issue 15: synack's `read -T json`, `-V` and `-Y` against the
 *  tshark 4.0.17 references written by scripts/make-json-refs.mjs (test/fixtures/tshark-json/).
 *  Shared by json-coverage.test.ts, json-vtree.test.ts, json-filters.test.ts and json-report.ts.
 *
 *  Coverage counts tshark's items: one per leaf value of a TCP frame's layers (frame, field name,
 *  occurrence of that name in the frame, value); an item is covered when synack's frame has the
 *  same field's same occurrence with the same value. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { frameItems, jsonFrames } from "../support/tshark-json.js";
import { frameHash, synackDetails, synackFilter, synackJson } from "../support/synack-out.js";
import { REPO_ROOT, sharedDir } from "../support/paths.js";

export const REFS = join(REPO_ROOT, "test", "fixtures", "tshark-json");

/** The layers issue 15's acceptance names: frame, link, IPv4, IPv6, TCP, UDP, ICMP, ARP, the payload
 *  (`data` with the reference -d) and tshark's frame-level notes. Other layers of TCP frames (802.11
 *  in GRE, tunnels, LLC, MPLS) are measured too, apart (the "all layers" figure). */
export const CORE_LAYERS: ReadonlySet<string> = new Set(["frame", "pkt_comment", "eth", "vlan", "sll", "null", "raw", "ppp",
  "chdlc", "arcnet", "fddi", "ipoib", "nflog", "ppi", "Juniper Ethernet", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6",
  "arp", "data", "_ws.malformed", "_ws.short"]);

/** One reference capture (index.tsv). `name` is `captures/<rel>` or `probes/<file>`. */
export interface RefCapture { name: string; path: string; frames: number; sha256: string }

/** Every capture the references cover, in index order. */
export function refCaptures(): RefCapture[] {
  const shared = sharedDir();
  return readFileSync(join(REFS, "index.tsv"), "utf8").trim().split("\n").slice(1).map((l) => {
    const [name, frames, , sha256] = l.split("\t") as [string, string, string, string];
    const path = name.startsWith("probes/") ? join(shared, "spec", "probes", "captures", name.slice(7)) : join(shared, name);
    return { name, path, frames: Number(frames), sha256 };
  });
}

/** tshark's `-T json -Y tcp` text for a capture ("" when it has no TCP frame). */
export function refJson(name: string): string {
  const p = join(REFS, name + ".json.gz");
  return existsSync(p) ? gunzipSync(readFileSync(p)).toString("utf8") : "";
}

/** tshark's `-V -Y tcp` frame hashes: capture → frame → hash. */
export function refDetailHashes(): Map<string, Map<number, string>> {
  const m = new Map<string, Map<number, string>>();
  for (const l of gunzipSync(readFileSync(join(REFS, "v-frames.tsv.gz"))).toString("utf8").trim().split("\n").slice(1)) {
    const [cap, frame, hash] = l.split("\t") as [string, string, string];
    let f = m.get(cap);
    if (f === undefined) m.set(cap, f = new Map());
    f.set(Number(frame), hash);
  }
  return m;
}

/** Per field name: tshark's items, those synack has, and where tshark put them. */
export interface FieldScore { total: number; matched: number; coreTotal: number; coreMatched: number; layers: Set<string> }
/** Per capture: frames tshark shows, frames whose whole JSON object is identical. */
export interface CaptureScore { frames: number; jsonIdentical: number; firstDiff?: string }

/** The JSON part of the scoreboard. */
export interface JsonScore {
  fields: Map<string, FieldScore>;
  captures: Map<string, CaptureScore>;
  /** Every field name synack's JSON uses somewhere in the corpus. */
  synackNames: Set<string>;
  /** Frames synack shows that tshark does not (capture frame). */
  extraFrames: string[];
}

/** Runs synack's `-T json` on every reference capture and scores it. */
export async function scoreJson(caps: readonly RefCapture[] = refCaptures()): Promise<JsonScore> {
  const score: JsonScore = { fields: new Map(), captures: new Map(), synackNames: new Set(), extraFrames: [] };
  for (const c of caps) {
    const want = jsonFrames(refJson(c.name));
    const got = new Map(jsonFrames(await synackJson(c.path), ["synack"]).map((f) => [f.number, f] as const));
    const cs: CaptureScore = { frames: want.length, jsonIdentical: 0 };
    for (const g of got.values()) for (const it of frameItems(g.layers)) score.synackNames.add(it.field);
    for (const w of want) {
      const g = got.get(w.number);
      got.delete(w.number);
      if (g !== undefined && g.text === w.text) cs.jsonIdentical++;
      else if (cs.firstDiff === undefined) cs.firstDiff = firstDiff(w.number, w.text, g?.text);
      const have = new Map<string, string>();
      if (g !== undefined) for (const it of frameItems(g.layers)) have.set(it.field + "\u0000" + it.occurrence, it.value);
      for (const it of frameItems(w.layers)) {
        let fs = score.fields.get(it.field);
        if (fs === undefined) score.fields.set(it.field, fs = { total: 0, matched: 0, coreTotal: 0, coreMatched: 0, layers: new Set() });
        const ok = have.get(it.field + "\u0000" + it.occurrence) === it.value, core = CORE_LAYERS.has(it.layer);
        fs.total++; fs.layers.add(it.layer);
        if (ok) fs.matched++;
        if (core) { fs.coreTotal++; if (ok) fs.coreMatched++; }
      }
    }
    for (const n of got.keys()) score.extraFrames.push(`${c.name} ${n}`);
    score.captures.set(c.name, cs);
  }
  return score;
}

function firstDiff(frame: number, want: string, got: string | undefined): string {
  if (got === undefined) return `frame ${frame}: missing`;
  const a = want.split("\n"), b = got.split("\n"), i = a.findIndex((l, k) => l !== b[k]);
  return `frame ${frame} line ${i + 1}: want ${JSON.stringify(a[i]?.trim())} got ${JSON.stringify(b[i]?.trim())}`;
}

/** Totals of a JsonScore: items in the core layers and in all layers, identical frames, names
 *  tshark uses (core layers) that synack's JSON never does. */
export function jsonTotals(s: JsonScore): { core: [number, number]; all: [number, number]; frames: [number, number];
    missing: Array<[string, FieldScore]> } {
  const core: [number, number] = [0, 0], all: [number, number] = [0, 0], frames: [number, number] = [0, 0];
  const missing: Array<[string, FieldScore]> = [];
  for (const [f, fs] of s.fields) {
    core[0] += fs.coreMatched; core[1] += fs.coreTotal; all[0] += fs.matched; all[1] += fs.total;
    if (fs.coreTotal > 0 && !s.synackNames.has(f)) missing.push([f, fs]);
  }
  for (const c of s.captures.values()) { frames[0] += c.jsonIdentical; frames[1] += c.frames; }
  missing.sort((a, b) => b[1].coreTotal - a[1].coreTotal || (a[0] < b[0] ? -1 : 1));
  return { core, all, frames, missing };
}

/** -V: per capture, frames tshark shows and frames synack prints identically. */
export async function scoreDetails(caps: readonly RefCapture[] = refCaptures()): Promise<Map<string, CaptureScore>> {
  const ref = refDetailHashes();
  const out = new Map<string, CaptureScore>();
  for (const c of caps) {
    const want = ref.get(c.name) ?? new Map<number, string>();
    const cs: CaptureScore = { frames: want.size, jsonIdentical: 0 };
    if (want.size > 0) {
      const got = await synackDetails(c.path);
      for (const [n, h] of want) {
        const g = got.get(n);
        if (g !== undefined && frameHash(g) === h) cs.jsonIdentical++;
        else cs.firstDiff ??= `frame ${n}${g === undefined ? ": missing" : ""}`;
      }
    }
    out.set(c.name, cs);
  }
  return out;
}

/** One generated filter (filters.tsv) and tshark's frames per filter capture (as ranges). */
export interface RefFilter { type: string; op: string; filter: string; want: string[] }

/** The filter references: the captures (relative to shared/captures) and the filters. */
export function refFilters(): { captures: string[]; filters: RefFilter[] } {
  const lines = readFileSync(join(REFS, "filters.tsv"), "utf8").trimEnd().split("\n");
  const captures = lines[0]!.split("\t").slice(3);
  const filters = lines.slice(1).map((l) => {
    const c = l.split("\t");
    return { type: c[0]!, op: c[1]!, filter: c[2]!, want: captures.map((_, i) => c[3 + i] ?? "") };
  });
  return { captures, filters };
}

/** Broken filters and tshark's stderr (filter → message). */
export function refBadFilters(): Array<[string, string]> {
  return readFileSync(join(REFS, "bad-filters.tsv"), "utf8").trimEnd().split("\n").slice(1).map((l) => {
    const [f, msg] = l.split("\t") as [string, string];
    return [f, msg.replace(/\\(n|\\)/g, (_, x: string) => (x === "n" ? "\n" : "\\"))];
  });
}

/** Frame numbers → "1-3,5" (as filters.tsv spells them). */
export function ranges(nums: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out.push(j === i ? String(nums[i]) : `${nums[i]}-${nums[j]}`);
    i = j + 1;
  }
  return out.join(",");
}

/** A filter's outcome: agrees on every filter capture, does not compile, or keeps other frames. */
export type FilterOutcome = { status: "agree" } | { status: "compile"; detail: string } | { status: "differs"; detail: string };

/** Runs every generated filter through synack on the filter captures. */
export async function scoreFilters(): Promise<Map<string, FilterOutcome & { type: string; op: string }>> {
  const { captures, filters } = refFilters();
  const dir = join(sharedDir(), "captures");
  const out = new Map<string, FilterOutcome & { type: string; op: string }>();
  for (const f of filters) {
    let outcome: FilterOutcome = { status: "agree" };
    for (let i = 0; i < captures.length; i++) {
      const r = await synackFilter(join(dir, captures[i]!), f.filter);
      if ("error" in r) { outcome = { status: "compile", detail: r.error.split("\n")[0]! }; break; }
      const got = ranges(r.frames);
      if (got !== f.want[i]) {
        outcome = { status: "differs", detail: `${captures[i]}: tshark [${f.want[i]!.slice(0, 60)}] synack [${got.slice(0, 60)}]` };
        break;
      }
    }
    out.set(f.filter, { ...outcome, type: f.type, op: f.op });
  }
  return out;
}

/** A tab-separated ledger without its `#` comments and header line (first cell `header`). */
export function readTsv(path: string, header: string): string[][] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t")).filter((c) => c[0] !== header);
}

/** Percentage with two decimals. */
export const pct = (a: number, b: number): string => (b === 0 ? "n/a" : (100 * a / b).toFixed(2) + "%");
