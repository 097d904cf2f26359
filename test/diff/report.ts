/** Ad-hoc: `node dist/test/diff/report.js [field-substring]` prints the tshark diff summary and differences. */
import { compareAll, fieldGroup } from "./compare.js";

const filter = process.argv[2];
const { diffs, tally } = await compareAll();
const byField = new Map<string, number>();
for (const d of diffs) byField.set(d.field, (byField.get(d.field) ?? 0) + 1);
for (const [f, n] of [...byField].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${f}`);
let total = 0, equal = 0;
for (const [f, c] of tally) { total += c.total; equal += c.equal; void fieldGroup(f); }
console.log(`total ${equal}/${total} = ${(100 * equal / total).toFixed(4)}%`);
if (filter !== undefined) {
  for (const d of diffs) if (d.field.includes(filter) || d.capture.includes(filter)) {
    console.log(`${d.capture} frame ${d.frame} ${d.field}: want ${JSON.stringify(d.want)} got ${JSON.stringify(d.got)}`);
  }
}
