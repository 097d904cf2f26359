/** When the explain commands colour their output (spawned, so stdout is a pipe, never a TTY):
 *  none by default, `--color` or FORCE_COLOR (not "0"/"false") turn it on, a non-empty NO_COLOR
 *  turns it off whatever else says (no-color.org; we let NO_COLOR win over --color too). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../support/paths.js";
import { ARTICLE, pcapOf } from "../explain/diagrams/streams.js";
import { colorEnabled } from "../../src/explain/color.js";

const dir = mkdtempSync(join(tmpdir(), "synack-color-"));
const FILE = join(dir, "article.pcap");
writeFileSync(FILE, pcapOf(ARTICLE));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS: Array<[string, string[]]> = [
  ["explain", ["-r", FILE]], ["ladder", ["-r", FILE, "--stream", "0"]], ["stats", ["-r", FILE, "conv"]],
  ["stats", ["-r", FILE, "expert"]], ["stats", ["-r", FILE, "io"]],
];

function coloured(cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  const base = { ...process.env };
  delete base.NO_COLOR; delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, cmd, ...args], { env: { ...base, ...env } });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().includes("\x1b[");
}

for (const [cmd, args] of COMMANDS) {
  const name = `${cmd} ${args.slice(2).join(" ")}`.trim();
  test(`colour: ${name}: none into a pipe, --color and FORCE_COLOR force it, NO_COLOR wins`, () => {
    assert.equal(coloured(cmd, args), false, "pipe");
    assert.equal(coloured(cmd, [...args, "--color"]), true, "--color");
    assert.equal(coloured(cmd, args, { FORCE_COLOR: "1" }), true, "FORCE_COLOR=1");
    assert.equal(coloured(cmd, args, { FORCE_COLOR: "0" }), false, "FORCE_COLOR=0");
    assert.equal(coloured(cmd, [...args, "--color"], { NO_COLOR: "1" }), false, "NO_COLOR=1 with --color");
    assert.equal(coloured(cmd, args, { NO_COLOR: "1", FORCE_COLOR: "1" }), false, "NO_COLOR=1 with FORCE_COLOR");
    // no-color.org: an empty NO_COLOR does not count.
    assert.equal(coloured(cmd, [...args, "--color"], { NO_COLOR: "" }), true, "empty NO_COLOR");
  });
}

test("colour: colorEnabled covers the TTY case the spawned tests cannot", () => {
  const c = { isTTY: true, flag: false, noColor: undefined, forceColor: undefined };
  assert.equal(colorEnabled(c), true);
  assert.equal(colorEnabled({ ...c, noColor: "anything" }), false);
  assert.equal(colorEnabled({ ...c, isTTY: false }), false);
  assert.equal(colorEnabled({ ...c, isTTY: false, forceColor: "false" }), false);
});
