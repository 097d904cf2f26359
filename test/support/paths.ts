import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from dist/test/..., sources live beside dist/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The project's shared folder (captures, spec, bench): $SYNACK_SHARED, ../shared, or /work/shared. */
export function sharedDir(): string {
  const candidates = [process.env.SYNACK_SHARED, join(REPO_ROOT, "..", "shared"), "/work/shared"];
  for (const c of candidates) if (c && existsSync(join(c, "captures"))) return c;
  throw new Error(`shared folder not found (tried ${candidates.filter(Boolean).join(", ")}); set SYNACK_SHARED`);
}

/** The compiled CLI entry point. */
export const CLI = join(REPO_ROOT, "dist", "cli", "main.js");
