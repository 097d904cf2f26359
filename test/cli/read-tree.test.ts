/** `synack read -T fields -e` with fields outside the fast registry (read off the field tree), and
 *  `-Y` over tree fields, against tshark 4.0.17 run live on corpus captures: same bytes, same frames. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CLI, sharedDir } from "../support/paths.js";

const CAPTURES = join(sharedDir(), "captures");
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const OPTS = ["-n", "-d", "tcp.port==1-65535,data"];
const FILES = [
  "public/gopacket/pcap__test_ethernet.pcap",
  "public/tcpdump/mptcp-aa-v1.pcap",
  "public/pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng",
  "public/ndpi/KakaoTalk_chat.pcap",
];
/** The ten-plus fields tshark knows and the fast registry does not, and a mix with registry ones. */
const TREE_FIELDS = ["frame.len", "ip.ttl", "tcp.flags.syn", "tcp.port", "frame.time_relative", "tcp.payload", "tcp.checksum",
  "eth.src", "ip.id", "ip.proto", "ipv6.hlim", "frame.protocols"];
const MIXED = ["frame.number", "tcp", "tcp.analysis", "tcp.options.sack_perm", "tcp.seq", "ip.flags.df", "data", "ip.addr", "_ws.col.Info"];

function run(cmd: string, args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(cmd, args, { cwd: CAPTURES, env: ENV, maxBuffer: 256 << 20 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), status: r.status };
}
const tshark = (file: string, args: string[]) => run("tshark", ["-r", file, ...OPTS, ...args]);
const synack = (file: string, args: string[]) => run(process.execPath, [CLI, "read", "-r", file, ...OPTS, ...args]);
const es = (fields: readonly string[]) => fields.flatMap((f) => ["-e", f]);

/** The first differing line, for a readable failure. */
function firstDiff(got: string, want: string): string {
  const g = got.split("\n"), w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) if (g[i] !== w[i]) return `line ${i + 1}:\n  got  ${g[i]}\n  want ${w[i]}`;
  return "";
}

for (const file of FILES) {
  test(`read -T fields, tree fields: same bytes as tshark (${file})`, () => {
    for (const fields of [TREE_FIELDS, MIXED]) {
      // TCP frames: the tree has no UDP/ICMP/ARP layers yet (frame.protocols stops at ip there).
      const args = ["-Y", "tcp", "-T", "fields", ...es(fields)];
      const want = tshark(file, args), got = synack(file, args);
      assert.equal(want.status, 0, want.err);
      assert.equal(got.status, 0, got.err);
      assert.equal(firstDiff(got.out, want.out), "", fields.join(" "));
    }
  });
}

test("read -T fields, tree fields: every -E option as tshark", () => {
  const file = FILES[1]!;
  for (const fmt of [["-E", "header=y", "-E", "quote=d"], ["-E", "occurrence=f", "-E", "aggregator=;"],
    ["-E", "occurrence=l", "-E", "separator=/s", "-E", "quote=s"], ["-E", "aggregator=/s", "-E", "separator=,"]]) {
    const args = ["-Y", "tcp", "-T", "fields", ...fmt, ...es(["tcp.port", "ip.ttl", "tcp.seq", "tcp.option_kind", "tcp.options.mss"])];
    const want = tshark(file, args), got = synack(file, args);
    assert.equal(got.status, 0, got.err);
    assert.equal(firstDiff(got.out, want.out), "", fmt.join(" "));
  }
});

test("read -T fields: a name neither synack nor tshark knows is refused as tshark does (exit 1)", () => {
  const got = synack(FILES[0]!, ["-T", "fields", "-e", "ip.ttl", "-e", "ip.nosuch", "-e", "tcp.bogus"]);
  assert.equal(got.status, 1);
  assert.equal(got.err, "synack read: Some fields aren't valid: ip.nosuch tcp.bogus\n");
  assert.equal(got.out, "");
});

test("read -Y ip.ttl > 0 works, with -T fields and with summary lines", () => {
  const file = FILES[0]!;
  for (const args of [["-Y", "ip.ttl > 0", "-T", "fields", "-e", "frame.number"], ["-Y", "ip.ttl > 0"],
    ["-Y", "ip.ttl == 64 && tcp.flags.syn == 1", "-T", "fields", "-e", "frame.number", "-e", "ip.id"]]) {
    const want = tshark(file, args), got = synack(file, args);
    assert.equal(got.status, 0, got.err);
    assert.ok(got.out.length > 0);
    assert.equal(firstDiff(got.out, want.out), "", args.join(" "));
  }
});
