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

type Folder = "decode" | "capture" | "analysis" | "explain" | "lab" | "cli" | "web";
/** STYLE.md §1: which src folders each folder may import; "types" means `import type` only. */
const ALLOWED: Record<Folder, Partial<Record<Folder, "all" | "types">>> = {
  decode: {},
  capture: {},
  analysis: { decode: "all", capture: "types" },
  explain: { analysis: "all", decode: "all", capture: "types" },
  lab: { capture: "all" },
  cli: { decode: "all", capture: "all", analysis: "all", explain: "all", lab: "all", web: "all" },
  web: { decode: "all", capture: "all", analysis: "all", explain: "all", lab: "all", cli: "all" },
};
const NODE_OK: Record<Folder, boolean> = {
  decode: false, capture: false, analysis: false, explain: false, lab: true, cli: true, web: true,
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Checks every .ts file under `<root>/src` against the dependency table of STYLE.md §1. */
export function checkArchitecture(root: string): Violation[] {
  const src = join(root, "src");
  const violations: Violation[] = [];
  for (const file of tsFiles(src)) {
    const rel = relative(src, file).split(sep);
    const folder = rel[0] as Folder;
    const relName = rel.join("/");
    if (!(folder in ALLOWED)) {
      violations.push({ file: relName, line: 1, specifier: "", why: `src/${folder} is not a folder of STYLE.md §1` });
      continue;
    }
    for (const imp of importsOf(file, readFileSync(file, "utf8"))) {
      const s = imp.specifier;
      const bad = (why: string) => violations.push({ file: relName, line: imp.line, specifier: s, why });
      if (!s.startsWith(".")) {
        const isNode = s.startsWith("node:");
        if (isNode && (NODE_OK[folder] || relName === "capture/node.ts")) continue;
        if (!isNode && (folder === "cli" || folder === "web")) continue;
        bad(isNode ? `src/${folder} must not import node:* (it runs in a browser)` : `src/${folder} must not import packages`);
        continue;
      }
      const target = relative(src, resolve(dirname(file), s)).split(sep);
      if (target[0] === ".." ) { bad("imports from outside src/"); continue; }
      const to = target[0] as Folder;
      if (to === folder) continue;
      const demoExtra = relName === "lab/demo.ts" && (to === "analysis" || to === "explain" || to === "decode");
      const rule = ALLOWED[folder][to];
      if (rule === "all" || demoExtra) continue;
      if (rule === "types" && imp.typeOnly) continue;
      bad(rule === "types" ? `src/${folder} may import src/${to} for types only (import type)` : `src/${folder} must not import src/${to}`);
    }
  }
  return violations;
}
