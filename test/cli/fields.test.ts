/** `synack fields PREFIX` and `synack read -G fields` against `tshark -G fields` (4.0.17, live): for
 *  each prefix, the same lines (kind, name, abbrev, type, protocol, base, bitmask), in tshark's order. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { CLI } from "../support/paths.js";

const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const glossary = spawnSync("tshark", ["-G", "fields"], { env: ENV, maxBuffer: 1 << 28 }).stdout.toString().split("\n");

/** The compared columns: P lines whole (3), F lines without the description (7). */
const cut = (line: string): string => line.split("\t").slice(0, line.startsWith("P\t") ? 3 : 7).join("\t");
const abbrev = (line: string): string => line.split("\t")[2] ?? "";

for (const prefix of ["tcp.flags", "tcp.options.", "ip.", "ipv6.", "eth.", "frame.", "tcp.analysis."]) {
  test(`synack fields ${prefix}: the lines tshark -G fields has for it`, () => {
    const r = spawnSync(process.execPath, [CLI, "fields", prefix], { env: ENV });
    assert.equal(r.status, 0, r.stderr.toString());
    const ours = r.stdout.toString().split("\n").filter((l) => l !== "");
    // tshark 4.0.17 registers ipv6.routing.type.mipv6 twice (Type 2, RPL): one name, one line (the first).
    const seen = new Set<string>();
    const theirs = glossary.filter((l) => abbrev(l).startsWith(prefix) && !seen.has(abbrev(l)) && seen.add(abbrev(l)) !== undefined).map(cut);
    assert.ok(ours.length > 3, `${ours.length} lines`);
    assert.deepEqual(ours.map(cut), theirs);
    for (const l of ours) assert.ok(l.startsWith("P\t") ? l.split("\t").length === 3 : l.endsWith("\t"), l);
  });
}

test("synack read -G fields is synack fields; synack.* fields are listed with our descriptions", () => {
  const a = spawnSync(process.execPath, [CLI, "read", "-G", "fields"], { env: ENV }).stdout.toString();
  const b = spawnSync(process.execPath, [CLI, "fields"], { env: ENV }).stdout.toString();
  assert.equal(a, b);
  assert.match(a, /^F\t[^\t]+\tsynack\.phase\tFT_STRING\tsynack\t\t0x0\t$/m);
  assert.ok(a.split("\n").length > 2000);
});

test("synack fields with an unknown prefix: one line, exit 1", () => {
  const r = spawnSync(process.execPath, [CLI, "fields", "nosuch."], { env: ENV });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.toString(), "synack fields: no field starts with 'nosuch.'\n");
});
