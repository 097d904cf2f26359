/** tshark 4.0.17's outputs for the differential tests, written once and checked in
 *  (test/fixtures/tshark-out/, gzip, keyed by the arguments with the shared folder and the repo's
 *  path replaced by tokens, so any clone finds them). `node scripts/make-tshark-refs.mjs` runs the
 *  tests with SYNACK_WRITE_TSHARK_REFS=1: each output missing from the store is then taken from
 *  tshark live and saved. Without it a missing output is taken live (slower, still tshark). */
import { createHash } from "node:crypto";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { REPO_ROOT, sharedDir } from "./paths.js";

const STORE = join(REPO_ROOT, "test", "fixtures", "tshark-out");
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const WRITE = process.env.SYNACK_WRITE_TSHARK_REFS === "1";

/** The store's file for `args` run in `cwd`. */
function refFile(args: readonly string[], cwd: string | undefined): string {
  const shared = sharedDir();
  const norm = (s: string) => s.split(shared).join("@shared").split(REPO_ROOT).join("@repo");
  const key = createHash("sha1").update(JSON.stringify([cwd === undefined ? "" : norm(cwd), ...args.map(norm)])).digest("hex");
  return join(STORE, `${key.slice(0, 2)}`, `${key}.gz`);
}

function stored(file: string): string | undefined {
  return existsSync(file) ? gunzipSync(readFileSync(file)).toString("latin1") : undefined;
}

function save(file: string, out: string): void {
  if (!WRITE) return;
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, gzipSync(Buffer.from(out, "latin1"), { level: 9 }));
}

/** tshark's stdout (latin1, so bytes survive) for `args`: from the store, or live. */
export function tsharkOut(args: readonly string[], cwd?: string): string {
  const file = refFile(args, cwd);
  const have = stored(file);
  if (have !== undefined) return have;
  const r = spawnSync("tshark", args, { encoding: "latin1", maxBuffer: 1 << 30, env: ENV, ...(cwd !== undefined ? { cwd } : {}) });
  if (r.error) throw r.error;
  save(file, r.stdout);
  return r.stdout;
}

/** tshark's exit status and stderr for `args` (its error messages): from the store, or live.
 *  Stored as the status on the first line, then stderr. */
export function tsharkErr(args: readonly string[], cwd?: string): { status: number | null; stderr: string } {
  const file = refFile(["@stderr", ...args], cwd);
  const have = stored(file);
  const parse = (t: string) => { const nl = t.indexOf("\n"); const st = t.slice(0, nl); return { status: st === "null" ? null : Number(st), stderr: t.slice(nl + 1) }; };
  if (have !== undefined) return parse(have);
  const r = spawnSync("tshark", args, { encoding: "latin1", maxBuffer: 1 << 30, env: ENV, ...(cwd !== undefined ? { cwd } : {}) });
  if (r.error) throw r.error;
  const text = `${r.status}\n${r.stderr}`;
  save(file, text);
  return parse(text);
}

/** The same, asynchronous (several tshark runs at once when live). An exit status of tshark's own
 *  (2 after a damaged file's readable frames) still resolves its stdout. */
export function tsharkOutAsync(args: readonly string[], cwd?: string): Promise<string> {
  const file = refFile(args, cwd);
  const have = stored(file);
  if (have !== undefined) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    execFile("tshark", args, { env: ENV, maxBuffer: 1 << 30, encoding: "latin1", ...(cwd !== undefined ? { cwd } : {}) }, (err, stdout) => {
      if (err !== null && typeof err.code !== "number") { reject(err); return; }
      save(file, stdout);
      resolve(stdout);
    });
  });
}
