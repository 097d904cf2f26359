/** `synack stats` through the CLI (spawned): byte-identical to tshark on a corpus capture, the
 *  same content with --json, and one-line usage errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { CLI } from "../support/paths.js";
import { capturePath, tshark } from "../tshark/helpers.js";

const FILE = capturePath("public/pcapplusplus/PcapppTest__PcapExamples__four_ipv6_http_streams.pcap");

function synack(args: string[]): { out: string; err: string; status: number | null } {
  const env = { ...process.env };
  delete env.NO_COLOR; delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, "stats", ...args], { env });
  return { out: r.stdout.toString("latin1"), err: r.stderr.toString(), status: r.status };
}

test("stats: conv, io,0.25 and expert print what tshark -q -z prints", () => {
  for (const [ours, theirs] of [["conv", "conv,tcp"], ["io,0.25", "io,stat,0.25"], ["io", "io,stat,1"], ["expert", "expert"]] as const) {
    const r = synack(["-r", FILE, ours]);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, tshark(["-n", "-r", FILE, "-q", "-d", "tcp.port==1-65535,data", "-z", theirs]), ours);
  }
});

test("stats --json: the same numbers as data", () => {
  const conv = JSON.parse(synack(["-r", FILE, "conv", "--json"]).out) as { conversations: Array<{ a: string; frames: number; bytes: number; duration: string }> };
  assert.equal(conv.conversations.length, 4);
  // Hand-checked against the text table: first row 28 frames, 15 kB, 1.5845 s.
  assert.deepEqual([conv.conversations[0]!.a, conv.conversations[0]!.frames, conv.conversations[0]!.duration],
    ["2001:618:400::5199:cc70:35995", 28, "1.5845"]);
  const io = JSON.parse(synack(["-r", FILE, "io,1", "--json"]).out) as { rows: Array<{ frames: number }> };
  assert.deepEqual(io.rows.map((r) => r.frames), [8, 66, 0, 7]);
  const ex = JSON.parse(synack(["-r", FILE, "expert", "--json"]).out) as Record<string, Array<{ frequency: number; protocol: string }>>;
  assert.ok(Array.isArray(ex.Chats) && ex.Chats.every((r) => r.protocol === "TCP"));
});

test("stats: bad input is a one-line error with a non-zero exit", () => {
  for (const [args, re, code] of [
    [["-r", FILE], /which statistic/, 2], [["-r", FILE, "bogus"], /unknown statistic 'bogus'/, 2],
    [["-r", FILE, "io,abc"], /invalid "-z io,stat,<interval>/, 2], [["conv"], /-r FILE is required/, 2],
    [["-r", "/nonexistent.pcap", "conv"], /no such file/, 1], [["-r", FILE, "io,0.0000001"], /interval must be >=0.000001 seconds/, 2],
    [["-r", FILE, "io,stat,1,SUM(tcp.flags.syn)tcp"], /tcp.flags.syn doesn't have integral values/, 2],
  ] as const) {
    const r = synack([...args]);
    assert.equal(r.status, code, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.ok(!r.err.includes("    at "), r.err);
  }
});
