import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { checkArchitecture, importsOf } from "./support/imports.js";
import { REPO_ROOT } from "./support/paths.js";

test("architecture: every import in src/ follows the docs/architecture.md table", () => {
  const violations = checkArchitecture(REPO_ROOT);
  assert.deepEqual(violations.map((v) => `${v.file}:${v.line} ${v.specifier}: ${v.why}`), []);
});

test("architecture: the checker catches planted bad imports (fixture tree)", () => {
  const found = checkArchitecture(join(REPO_ROOT, "test", "fixtures", "architecture", "bad"), REPO_ROOT)
    .map((v) => `${v.file} ${v.specifier}`);
  assert.deepEqual(found.sort(), [
    "analysis/uses-capture-value.ts ../capture/index.js",
    "decode/uses-node.ts node:fs",
    "decode/uses-node.ts ../lab/index.js",
    "explain/uses-lab.ts ../lab/index.js",
    "filter/uses-tshark.ts ../tshark/index.js",
  ].sort());
});

test("architecture: import parser sees static, type-only, re-export, dynamic and multi-line imports", () => {
  const refs = importsOf("x.ts", [
    'import { a } from "./a.js";',
    'import type { B } from "../b/index.js";',
    'export { c } from "./c.js";',
    "const d = await import('node:fs');",
    "import {\n  e,\n  f,\n} from './ef.js';",
    '// import { no } from "./commented.js";',
  ].join("\n"));
  assert.deepEqual(refs.map((r) => [r.specifier, r.typeOnly]), [
    ["./a.js", false], ["../b/index.js", true], ["./c.js", false], ["node:fs", false], ["./ef.js", false],
  ]);
});

/** Issue 15 item 5: source files stay small enough to read whole. Generated tables are exempt. */
const MAX_SRC_LINES = 700;
const GENERATED = ["src/fields/tshark-fields.ts"];

function sourceLines(root: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  (function walk(dir: string): void {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      if (!/\.(ts|tsx|js|mjs|css|html)$/.test(name)) continue;
      const text = readFileSync(p, "utf8");
      let n = 0;
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
      out.push([relative(root, p).split(sep).join("/"), n]);
    }
  })(join(root, "src"));
  return out;
}

test(`architecture: no src/ file is over ${MAX_SRC_LINES} lines, generated tables excepted`, () => {
  const files = sourceLines(REPO_ROOT);
  const long = files.filter(([f, n]) => n > MAX_SRC_LINES && !GENERATED.includes(f)).map(([f, n]) => `${f}: ${n} lines`);
  assert.deepEqual(long, [], `split these into cohesive modules (one concern per file)`);
  // Each exemption is still a long generated file (the count works; a stale exemption goes).
  for (const g of GENERATED) {
    const n = files.find(([f]) => f === g)?.[1];
    assert.ok(n !== undefined && n > MAX_SRC_LINES, `${g} (${n ?? "missing"} lines) no longer needs its exemption`);
  }
});
