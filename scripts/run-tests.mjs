// Runs every compiled test file (dist/test/**/*.test.js) with node:test, or only those whose
// path contains one of the arguments: `npm test -- lab/server capture`.
// Node 20 does not expand a quoted glob, so the files are listed here.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "dist", "test");
const files = [];
(function walk(d) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js")) files.push(p);
  }
})(dir);
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("-"));
const chosen = filters.length === 0 ? files : files.filter((f) => filters.some((x) => relative(dir, f).includes(x)));
if (chosen.length === 0) {
  process.stderr.write(`run-tests: no test files match ${filters.join(" ")}\n`);
  process.exit(1);
}
// The stored tshark references were written with TZ=UTC, and a date literal without a zone in a
// display filter is local time (tshark's rule): the tests run in UTC wherever the machine is.
const r = spawnSync(process.execPath, ["--test", ...flags, ...chosen], { cwd: root, stdio: "inherit", env: { ...process.env, TZ: "UTC" } });
process.exit(r.status ?? 1);
