// Writes test/fixtures/tshark-out/: tshark 4.0.17's outputs the differential tests compare with
// (test/support/tshark-refs.ts). Runs those tests once with SYNACK_WRITE_TSHARK_REFS=1, so every
// output not yet stored is taken from tshark live and saved. Needs tshark 4.0.17 and a build
// (`npm run build`). `--fresh` empties the store first (after a tshark or corpus change).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const v = spawnSync("tshark", ["-v"], { encoding: "utf8" });
if (v.status !== 0 || !/TShark \(Wireshark\) 4\.0\.17\b/.test(v.stdout)) {
  process.stderr.write("make-tshark-refs: needs tshark 4.0.17 on PATH (the references are its output)\n");
  process.exit(1);
}
if (process.argv.includes("--fresh")) rmSync(new URL("../test/fixtures/tshark-out", import.meta.url), { recursive: true, force: true });
const files = ["tshark/stats.test", "tshark/follow.test", "diff/filter.test", "filter/filter-corpus.test", "diff/summary.test", "cli/stats.test",
  "cli/read-time.test", "filter/tree-filter.test", "cli/read-layers.test", "cli/read-z.test", "filter/filter.test",
  "tshark/iostat.test"];
const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", ...files], { cwd: root, stdio: "inherit", env: { ...process.env, SYNACK_WRITE_TSHARK_REFS: "1" } });
process.exit(r.status ?? 1);
