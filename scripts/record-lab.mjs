// Records the captures `synack lab show NAME` replays: runs each scenario (or those named) on the
// kernel, as root, and writes captures/lab/NAME.pcapng when every expected phenomenon is present
// (a timing-dependent scenario gets three tries). Usage: node scripts/record-lab.mjs [NAME ...]
// Needs a build (npm run build). test/lab/shipped.test.ts checks every file it wrote.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const lab = await import(join(root, "dist", "src", "lab", "index.js"));
const why = lab.labPreflight();
if (why !== undefined) { process.stderr.write(`record-lab: ${why}\n`); process.exit(2); }
const names = process.argv.slice(2);
const chosen = names.length === 0 ? lab.SCENARIOS : names.map((n) => lab.scenarioByName(n) ?? (process.stderr.write(`record-lab: unknown scenario '${n}'\n`), process.exit(2)));
mkdirSync(lab.LAB_CAPTURE_DIR, { recursive: true });
let failed = 0;
for (const s of chosen) {
  let ok = false;
  for (let tries = 1; tries <= 3 && !ok; tries++) {
    const run = await lab.runScenario(s, { family: 4, seed: 1 });
    const v = await lab.verdictOf(s, run.pcapng);
    if (!v.ok) { process.stderr.write(`record-lab: ${s.name} try ${tries}: ${v.phenomena.filter((p) => !p.ok).map((p) => `${p.id} (${p.why})`).join(", ")}\n`); continue; }
    writeFileSync(lab.labCapturePath(s.name), run.pcapng);
    process.stdout.write(`${s.name}: ${run.packets.length} packets, ${(run.durationMs / 1000).toFixed(1)} s\n`);
    ok = true;
  }
  if (!ok) failed++;
}
process.exit(failed === 0 ? 0 : 1);
