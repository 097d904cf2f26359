import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname, sep } from "node:path";

/** One import found in a source file. */
export interface ImportRef { file: string; specifier: string; typeOnly: boolean; line: number }

/** One import that breaks the STYLE.md §1 dependency table. */
export interface Violation { file: string; line: number; specifier: string; why: string }

const IMPORT_RE = /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g;

/** Every static, dynamic and require import of a TypeScript source text. */
export function importsOf(file: string, text: string): ImportRef[] {
  const out: ImportRef[] = [];
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/\/\/[^\n]*/g, "");
  for (const m of noComments.matchAll(IMPORT_RE)) {
    const specifier = m[3] ?? m[4] ?? m[5];
    if (specifier === undefined) continue;
    const line = noComments.slice(0, m.index).split("\n").length;
    out.push({ file, specifier, typeOnly: m[2] !== undefined, line });
  }
  return out;
}

type Rule = "all" | "types";
/** One row of docs/architecture.md: which src folders a folder may import, and whether node:* is allowed. */
export interface FolderRule { imports: Map<string, Rule> | "everything"; node: boolean }

/** Reads the dependency table of docs/architecture.md (the only copy of it). */
export function readArchitectureTable(root: string): Map<string, FolderRule> {
  const table = new Map<string, FolderRule>();
  const doc = readFileSync(join(root, "docs", "architecture.md"), "utf8");
  for (const line of doc.split("\n")) {
    const m = /^\| `([a-z]+)` \|[^|]*\| ([^|]+) \| (yes|no) \|$/.exec(line);
    if (m === null) continue;
    const [, folder, imports, node] = m as unknown as [string, string, string, string];
    const text = imports.trim();
    let rule: FolderRule["imports"];
    if (text === "everything") rule = "everything";
    else {
      rule = new Map();
      if (text !== "nothing") for (const part of text.split(",")) {
        const t = /^\s*([a-z]+)( \(types\))?\s*$/.exec(part);
        if (t === null) throw new Error(`docs/architecture.md: cannot read "${part}" in the row of ${folder}`);
        rule.set(t[1]!, t[2] === undefined ? "all" : "types");
      }
    }
    table.set(folder, { imports: rule, node: node === "yes" });
  }
  if (table.size === 0) throw new Error("docs/architecture.md: no table rows found");
  return table;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Checks every .ts file under `<root>/src` against the table of docs/architecture.md (read from
 *  `tableRoot`, the repository by default). */
export function checkArchitecture(root: string, tableRoot = root): Violation[] {
  const TABLE = readArchitectureTable(tableRoot);
  const src = join(root, "src");
  const violations: Violation[] = [];
  for (const file of tsFiles(src)) {
    const rel = relative(src, file).split(sep);
    const folder = rel[0]!;
    const relName = rel.join("/");
    const row = TABLE.get(folder);
    if (row === undefined) {
      violations.push({ file: relName, line: 1, specifier: "", why: `src/${folder} is not a folder of docs/architecture.md` });
      continue;
    }
    for (const imp of importsOf(file, readFileSync(file, "utf8"))) {
      const s = imp.specifier;
      const bad = (why: string) => violations.push({ file: relName, line: imp.line, specifier: s, why });
      if (!s.startsWith(".")) {
        const isNode = s.startsWith("node:");
        if (isNode && (row.node || relName === "capture/node.ts")) continue;
        if (!isNode && row.imports === "everything") continue;
        bad(isNode ? `src/${folder} must not import node:* (it runs in a browser)` : `src/${folder} must not import packages`);
        continue;
      }
      const target = relative(src, resolve(dirname(file), s)).split(sep);
      if (target[0] === "..") { bad("imports from outside src/"); continue; }
      const to = target[0]!;
      if (to === folder || row.imports === "everything") continue;
      const rule = row.imports.get(to);
      if (rule === "all") continue;
      if (rule === "types" && imp.typeOnly) continue;
      bad(rule === "types" ? `src/${folder} may import src/${to} for types only (import type)` : `src/${folder} must not import src/${to}`);
    }
  }
  return violations;
}
