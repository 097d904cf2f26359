/** The scoreboard's ratchets (checked in beside the tests) and the broken-filter check. */
import { join } from "node:path";
import { REPO_ROOT } from "../support/paths.js";
import { synackFilterError } from "../support/synack-out.js";
import { readTsv, refBadFilters } from "./json-score.js";

/** Field name → items synack matches today (may only go up) and tshark's total. */
export const COVERAGE_LEDGER = "test/diff/json-coverage-ledger.tsv";
/** Capture → JSON- and -V-identical frames today (may only go up). */
export const IDENTITY_LEDGER = "test/diff/json-identity.tsv";
/** Filter → why synack disagrees (compile | differs | message). */
export const FILTER_LEDGER = "test/diff/json-filter-ledger.tsv";

/** The three ledgers as maps. */
export function readLedgers(): {
  coverage: Map<string, { matched: number; total: number; reason: string }>;
  identity: Map<string, { json: number; v: number; frames: number }>;
  filters: Map<string, { status: string; reason: string }>;
} {
  const at = (p: string) => join(REPO_ROOT, p);
  return {
    coverage: new Map(readTsv(at(COVERAGE_LEDGER), "field").map((c) => [c[0]!, { matched: Number(c[1]), total: Number(c[2]), reason: c[3] ?? "" }])),
    identity: new Map(readTsv(at(IDENTITY_LEDGER), "capture").map((c) => [c[0]!, { json: Number(c[1]), v: Number(c[2]), frames: Number(c[3]) }])),
    filters: new Map(readTsv(at(FILTER_LEDGER), "filter").map((c) => [c[0]!, { status: c[1]!, reason: c[2] ?? "" }])),
  };
}

/** Each broken filter of bad-filters.tsv: synack's message as `synack read -Y` prints it (its
 *  "synack read:" prefix read as tshark's "tshark:") against tshark's stderr; `same` when equal,
 *  caret lines included. json-filters.test.ts checks that the CLI prints exactly this. */
export function badFilterOutcomes(): Array<{ filter: string; same: boolean; want: string; got: string }> {
  return refBadFilters().map(([filter, want]) => {
    const r = synackFilterError(filter);
    const got = r === undefined ? "(compiles)" : "tshark: " + r;
    return { filter, same: got === want, want, got };
  });
}
