// Writes data/ieee-oui.tsv.gz (OUI hex \t organisation) from the IEEE MA-L registry as Debian's
// ieee-data package ships it (/usr/share/ieee-data/oui.txt): `apt-get install ieee-data` first.
// The names are IEEE's; where tshark's own table words a vendor differently, the JSON coverage
// ledger lists it (test/diff/json-*).
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
const src = process.argv[2] ?? "/usr/share/ieee-data/oui.txt";
const rows = new Map();
for (const line of readFileSync(src, "utf8").split(/\r?\n/)) {
  const m = /^([0-9A-F]{2})-([0-9A-F]{2})-([0-9A-F]{2})\s+\(hex\)\s+(.*\S)\s*$/.exec(line);
  if (m) rows.set(m[1] + m[2] + m[3], m[4]);
}
const text = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}\t${v}`).join("\n") + "\n";
writeFileSync(new URL("../data/ieee-oui.tsv.gz", import.meta.url), gzipSync(text, { level: 9 }));
console.log(`${rows.size} prefixes`);
