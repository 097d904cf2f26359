import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
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
