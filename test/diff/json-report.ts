/** The scoreboard for humans: `node dist/test/diff/json-report.js` prints
 *  field coverage, JSON- and -V-identical frames, -Y agreement and the 30 most-missed fields.
 *  `--write-ledgers` rewrites the ratchets (json-coverage-ledger.tsv, json-identity.tsv,
 *  json-filter-ledger.tsv) from today's state, keeping the reasons already written; do it when a
 *  test asks you to, and read the diff before committing it. `--fields` lists every field's score. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/paths.js";
import { badFilterOutcomes, COVERAGE_LEDGER, FILTER_LEDGER, IDENTITY_LEDGER, readLedgers } from "./json-ledgers.js";
import { jsonTotals, pct, refCaptures, refJson, scoreDetails, scoreFilters, scoreJson } from "./json-score.js";

const args = process.argv.slice(2);
const t0 = Date.now();
const json = await scoreJson();
const details = await scoreDetails();
const filters = await scoreFilters();
const bad = badFilterOutcomes();
const { core, all, frames, missing } = jsonTotals(json);
let v = 0, vTotal = 0;
for (const c of details.values()) { v += c.jsonIdentical; vTotal += c.frames; }
const fc = { agree: 0, compile: 0, differs: 0 };
for (const f of filters.values()) fc[f.status]++;
const coreNames = [...json.fields].filter(([, fs]) => fs.coreTotal > 0).length;
const log = (s: string): void => { process.stdout.write(s + "\n"); };

log(`synack vs tshark 4.0.17 (test/fixtures/tshark-json, ${json.captures.size} captures)`);
log(`field coverage, issue-15 layers: ${core[0]}/${core[1]} items = ${pct(core[0], core[1])}`);
log(`field coverage, all layers:      ${all[0]}/${all[1]} items = ${pct(all[0], all[1])}`);
log(`  of which ${ouiWordingItems()} are eth.*.oui_resolved names taken from data/oui-wording.tsv (tshark's wording, not IEEE's)`);
log(`field names tshark uses (issue-15 layers): ${coreNames}; synack's JSON never has ${missing.length} of them`);
log(`-T json frames identical: ${frames[0]}/${frames[1]} = ${pct(frames[0], frames[1])}${json.extraFrames.length > 0 ? `; ${json.extraFrames.length} frames synack shows and tshark does not` : ""}`);
log(`-V frames identical:      ${v}/${vTotal} = ${pct(v, vTotal)}`);
log(`-Y filters agreeing: ${fc.agree}/${filters.size} = ${pct(fc.agree, filters.size)} (${fc.compile} do not compile, ${fc.differs} keep other frames)`);
log(`bad filters with tshark's message: ${bad.filter((b) => b.same).length}/${bad.length}`);
log("");
log("top 30 missing fields (issue-15 layers), by tshark's item count:");
for (const [f, fs] of missing.slice(0, 30)) log(`  ${String(fs.coreTotal).padStart(7)}  ${f}  (${[...fs.layers].join(", ")})`);
const partial = [...json.fields].filter(([f, fs]) => json.synackNames.has(f) && fs.coreMatched < fs.coreTotal)
  .sort((a, b) => (b[1].coreTotal - b[1].coreMatched) - (a[1].coreTotal - a[1].coreMatched));
log("");
log("top 15 known fields with differing values (issue-15 layers), by items not matched:");
for (const [f, fs] of partial.slice(0, 15)) log(`  ${String(fs.coreTotal - fs.coreMatched).padStart(7)}  ${f}  (${fs.coreMatched}/${fs.coreTotal})`);
const byStatus = (s: string) => [...filters].filter(([, o]) => o.status === s);
log("");
log(`filters that do not compile (${fc.compile}), first 10:`);
for (const [f, o] of byStatus("compile").slice(0, 10)) log(`  ${f}  — ${"detail" in o ? o.detail : ""}`);
log(`filters keeping other frames (${fc.differs}), first 10:`);
for (const [f, o] of byStatus("differs").slice(0, 10)) log(`  ${f}  — ${"detail" in o ? o.detail : ""}`);
if (args.includes("--fields")) {
  log("");
  log("field\tcore matched/total\tall matched/total\tknown\tlayers");
  for (const [f, fs] of [...json.fields].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    log(`${f}\t${fs.coreMatched}/${fs.coreTotal}\t${fs.matched}/${fs.total}\t${json.synackNames.has(f) ? "yes" : "no"}\t${[...fs.layers].join(",")}`);
  }
}
log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);

if (args.includes("--write-ledgers")) {
  const old = readLedgers();
  const GENERIC = ["values differ from tshark's on some frames (#15)", "not in synack's -T json yet (#15)"] as const;
  // A reason someone wrote stays; the two generic ones follow the field's state.
  const reason = (f: string): string => {
    const was = old.coverage.get(f)?.reason;
    if (was !== undefined && was !== "" && !(GENERIC as readonly string[]).includes(was)) return was;
    return json.synackNames.has(f) ? GENERIC[0] : GENERIC[1];
  };
  const cov = [...json.fields].filter(([, fs]) => fs.matched < fs.total).sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([f, fs]) => [f, fs.matched, fs.total, reason(f)].join("\t"));
  writeFileSync(join(REPO_ROOT, COVERAGE_LEDGER), ["# Fields whose tshark -T json items synack does not all have (json-coverage.test.ts).",
    "# matched may only go up; a field reaching total leaves the ledger. Written by json-report.js --write-ledgers.",
    "field\tmatched\ttotal\treason", ...cov].join("\n") + "\n");
  const ids = [...json.captures].map(([cap, c]) => [cap, c.jsonIdentical, details.get(cap)?.jsonIdentical ?? 0, c.frames].join("\t"));
  writeFileSync(join(REPO_ROOT, IDENTITY_LEDGER), ["# Frames identical to tshark's per capture (json-coverage / json-vtree tests): counts may only go up.",
    "capture\tjson_identical\tv_identical\tframes", ...ids].join("\n") + "\n");
  const fl = [...filters].filter(([, o]) => o.status !== "agree")
    .map(([f, o]) => [f, o.status, old.filters.get(f)?.reason ?? ("detail" in o ? o.detail : "")].join("\t"));
  for (const b of bad) if (!b.same) fl.push([b.filter, "message", old.filters.get(b.filter)?.reason ?? "synack's message differs from tshark's"].join("\t"));
  writeFileSync(join(REPO_ROOT, FILTER_LEDGER), ["# -Y filters where synack and tshark disagree (json-filters.test.ts): status compile | differs | message.",
    "filter\tstatus\treason", ...fl].join("\n") + "\n");
  log("ledgers written");
}

/** tshark's `*.oui_resolved` items whose name synack takes from the wording ledger (where tshark's
 *  table differs from IEEE's): those match by construction, so the report says how many. */
function ouiWordingItems(): number {
  const names = new Set(readFileSync(join(REPO_ROOT, "data", "oui-wording.tsv"), "utf8").split("\n")
    .filter((l) => /^[0-9A-F]{6}\t/.test(l)).map((l) => JSON.stringify(l.split("\t")[1])));
  let n = 0;
  for (const c of refCaptures()) {
    for (const m of refJson(c.name).matchAll(/"eth\.(?:src|dst|addr)\.oui_resolved": ("(?:[^"\\]|\\.)*")/g)) if (names.has(m[1]!)) n++;
  }
  return n;
}
