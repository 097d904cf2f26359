// Writes the vendor names of MAC address prefixes (eth.*.oui_resolved):
//   data/ieee-oui.tsv.gz   OUI hex \t organisation, from the IEEE MA-L registry as Debian's
//                          ieee-data package ships it (/usr/share/ieee-data/oui.txt):
//                          `apt-get install ieee-data` first.
//   data/oui-wording.tsv   the ledger of prefixes whose name in tshark 4.0.17's output differs
//                          from IEEE's (or that ieee-data does not list), read off the tshark
//                          references in test/fixtures/tshark-json/: OUI, tshark's name, IEEE's
//                          name, reason. synack prints tshark's wording for these, so its JSON
//                          equals tshark's; the scoreboard counts the items that rely on it.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
const src = process.argv[2] ?? "/usr/share/ieee-data/oui.txt";
const rows = new Map();
for (const line of readFileSync(src, "utf8").split(/\r?\n/)) {
  const m = /^([0-9A-F]{2})-([0-9A-F]{2})-([0-9A-F]{2})\s+\(hex\)\s+(.*\S)\s*$/.exec(line);
  if (m) rows.set(m[1] + m[2] + m[3], m[4]);
}
const text = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}\t${v}`).join("\n") + "\n";
writeFileSync(new URL("../data/ieee-oui.tsv.gz", import.meta.url), gzipSync(text, { level: 9 }));
console.log(`${rows.size} prefixes`);

// tshark's (OUI, name) pairs in the references.
const refs = new URL("../test/fixtures/tshark-json/captures/", import.meta.url).pathname;
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (f.endsWith(".json.gz")) files.push(p); } };
walk(refs);
const seen = new Map();
const pair = /"eth\.(?:src|dst|addr)\.oui": "(\d+)",\s*"eth\.(?:src|dst|addr)\.oui_resolved": "((?:[^"\\]|\\.)*)"/g;
for (const f of files.sort()) {
  const t = gunzipSync(readFileSync(f)).toString("utf8");
  for (const m of t.matchAll(pair)) {
    const hex = Number(m[1]).toString(16).toUpperCase().padStart(6, "0"), name = JSON.parse(`"${m[2]}"`);
    if (rows.get(hex) !== name) seen.set(hex, name);
  }
}
const ledger = [...seen].sort(([a], [b]) => (a < b ? -1 : 1)).map(([hex, name]) => {
  const ieee = rows.get(hex);
  const first = parseInt(hex.slice(0, 2), 16);
  const reason = ieee !== undefined ? "tshark's table words IEEE's entry differently"
    : (first & 2) !== 0 ? "locally administered prefix: not in the IEEE registry; tshark's table names it"
      : "not in ieee-data 20220827 (assigned later or listed elsewhere); tshark's table names it";
  return [hex, name, ieee ?? "", reason].join("\t");
});
writeFileSync(new URL("../data/oui-wording.tsv", import.meta.url), [
  "# Prefixes whose vendor name in tshark 4.0.17's output differs from the IEEE MA-L registry (ieee-data).",
  "# Written by scripts/make-oui.mjs from the tshark references; synack prints the tshark column.",
  "oui\ttshark\tieee\treason", ...ledger].join("\n") + "\n");
console.log(`${ledger.length} prefixes worded differently by tshark`);
