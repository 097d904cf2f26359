/** `synack read -Y` over fields outside the fast adapter (read off the field tree), against
 *  `tshark -Y` (stored references, scripts/make-tshark-refs.mjs): one filter per field type × operator, the frames kept must be the same;
 *  bad filters get tshark's message, filter and caret lines and its exit status (2). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CLI, sharedDir } from "../support/paths.js";
import { tsharkOut } from "../support/tshark-refs.js";

const CAPTURES = join(sharedDir(), "captures");
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const OPTS = ["-n", "-d", "tcp.port==1-65535,data"];
const FILES = [
  "public/tcpdump/mptcp-aa-v1.pcap",
  "public/pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng",
  "public/ndpi/KakaoTalk_chat.pcap",
];
/** Each asked as `tcp && (F)`: the tree has no UDP/ICMP/ARP layers yet. */
const FILTERS = [
  // FT_UINT8 / FT_UINT16 / FT_UINT32: comparisons, membership (commas, ranges), bitwise &.
  "ip.ttl > 60", "ip.ttl == 64", "ip.ttl != 64", "ip.ttl in {63, 64}", "ip.ttl in {1..63}", "ip.ttl <= 63 || ip.ttl >= 128",
  "ip.dsfield & 0x03", "ip.id < 0x1000", "ip.proto eq 6", "frame.len >= 1000", "frame.cap_len < 70", "ipv6.hlim == 64",
  "tcp.option_len == 10", "tcp.options.timestamp.tsval > 1000000",
  // FT_BOOLEAN.
  "ip.flags.df == 1", "ip.flags.df == 0", "frame.marked == 0", "eth.dst.ig == 1",
  // FT_ETHER: equality, slices, multi-occurrence != (all) and !== (any).
  "eth.src == 52:54:00:2c:4d:96", "eth.dst[0:3] == 01:00:5e", "eth.addr != 52:54:00:2c:4d:96", "eth.addr !== 52:54:00:2c:4d:96",
  // FT_BYTES: contains, slices, len().
  "tcp.options contains 01:01", "tcp.options[0:2] == 02:04", "len(tcp.options) == 12", "len(tcp.payload) > 100",
  "tcp.payload[0:4] == \"HTTP\"",
  // FT_STRING: ==, contains, matches.
  "frame.protocols == \"eth:ethertype:ip:tcp\"", "frame.protocols contains \"ipv6\"", "frame.protocols matches \"(?i)MPTCP$\"",
  // FT_RELATIVE_TIME.
  "frame.time_relative > 1.5", "frame.time_delta < 0.001", "tcp.time_delta >= 0.2",
  // FT_NONE and FT_PROTOCOL: presence, negation; protocol bytes.
  "tcp.analysis", "!tcp.analysis", "tcp.options.sack_perm", "tcp.options.mss && !tcp.options.wscale", "data", "data contains \"GET\"",
  "vlan", "ipv6.hopopts", "sll",
  // Mixed with fast fields.
  "ip.ttl > 0 && !(tcp.port in {80, 443})", "len(data) > 100 or ip.flags.df == 0", "tcp.seq > 1 and ip.ttl < 64",
];

/** (file, filter) pairs known to differ, with the reason; a pair that agrees again fails too. */
const KNOWN: ReadonlyMap<string, string> = new Map([
  ["PcapppTest__PcapExamples__pcapng-example.pcapng\tframe.time_relative > 1.5", "frames 60+ have times before the first frame: tshark prints the relative time as 18445321545205.x (an unsigned wrap) but compares it as negative; synack compares the printed value"],
  ["PcapppTest__PcapExamples__pcapng-example.pcapng\tframe.time_delta < 0.001", "as above: frame 60's delta wraps"],
]);

function frames(cmd: string, args: string[]): { out: string; status: number | null; err: string } {
  const r = spawnSync(cmd, args, { cwd: CAPTURES, env: ENV, maxBuffer: 256 << 20 });
  return { out: r.stdout.toString().split("\n").filter((l) => l !== "").join(","), status: r.status, err: r.stderr.toString() };
}

for (const file of FILES) {
  test(`read -Y over tree fields keeps the frames tshark -Y keeps (${file})`, () => {
    const bad: string[] = [];
    let kept = 0;
    for (const f of FILTERS) {
      const args = ["-r", file, ...OPTS, "-Y", `tcp && (${f})`, "-T", "fields", "-e", "frame.number"];
      const want = tsharkOut(args, CAPTURES).split("\n").filter((l) => l !== "").join(","), got = frames(process.execPath, [CLI, "read", ...args]);
      if (want !== "") kept++;
      const known = KNOWN.has(`${file.split("/").pop()}\t${f}`);
      if ((got.status !== 0 || got.out !== want) !== known) bad.push((known ? "agrees now, drop from KNOWN: " : "") + `${f}: tshark [${want.slice(0, 60)}] we [${got.out.slice(0, 60)}] ${got.err}`);
    }
    assert.deepEqual(bad, []);
    assert.ok(kept >= 10, `only ${kept} filters keep any frame`);
  });
}

test("read -Y: bad filters over tree fields are reported as tshark reports them (message, caret, exit 2)", () => {
  const file = FILES[0]!;
  for (const f of ["ip.ttl > 300", "eth.src == \"x\"", "tcp.port in {80 443}", "ip.nosuch == 1", "frame.len == 1.5.3",
    "ip.ttl in {80,"]) {
    const want = frames("tshark", ["-r", file, ...OPTS, "-Y", f]), got = frames(process.execPath, [CLI, "read", "-r", file, "-Y", f]);
    assert.equal(got.status, want.status, f);
    const msg = (s: string) => s.split("\n").filter((l) => !l.startsWith("Running as")).map((l) => l.replace(/^(tshark|synack read): /, "")).join("\n");
    assert.equal(msg(got.err), msg(want.err), f);
  }
});
