/** `synack read -O PROTOS` (-V with only those protocols expanded), `-T json -j / -J` (tshark's
 *  layer filters) and `-T json -x` (every item's `_raw` array: bytes or masked value, offset,
 *  length, bitmask, field type), frame for frame against tshark 4.0.17 (stored references,
 *  scripts/make-tshark-refs.mjs). synack's own `synack` layer is left out of the comparison. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CLI, sharedDir } from "../support/paths.js";
import { tsharkOut } from "../support/tshark-refs.js";
import { jsonFrames } from "../support/tshark-json.js";
import { withoutSynackTree } from "../support/synack-out.js";

const CAPTURES = join(sharedDir(), "captures");
const OPTS = ["-n", "-d", "tcp.port==1-65535,data"];
const SSH = "public/zeek/tcp__ssh-dups.pcap";
const V6 = "public/pcapplusplus/PcapppTest__PcapExamples__four_ipv6_http_streams.pcap";
const DATA = "public/ndpi/instagram.pcap";

const ref = (args: string[]): string => Buffer.from(tsharkOut(args, CAPTURES), "latin1").toString("utf8");
function synack(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, "read", ...args], { cwd: CAPTURES, maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString();
}

for (const [file, o] of [[SSH, "tcp"], [SSH, "ip,eth"], [SSH, "tcp,frame"], [SSH, "nosuchproto"], [DATA, "tcp,data"], [DATA, "ip"], [V6, "ipv6"]] as const) {
  test(`read -O ${o}: the -V text of tshark -O (${file})`, () => {
    const args = ["-r", file, ...OPTS, "-c", "40", "-O", o];
    const got = withoutSynackTree(synack(args)), want = ref(args);
    assert.ok(want.split("\n").length > 40);
    assert.equal(got, want);
  });
}

test("read -O tcp -x: the collapsed tree, then each frame's hex dump", () => {
  const args = ["-r", SSH, ...OPTS, "-c", "20", "-O", "tcp", "-x"];
  assert.equal(withoutSynackTree(synack(args)), ref(args));
});

/** The frames of a -T json document, synack's layer cut out (or its `filtered` stub). */
const frames = (text: string): string[] => jsonFrames(text, ["synack"]).map((f) => f.text);

for (const [file, flags] of [
  [SSH, ["-j", "ip ip.flags"]], [SSH, ["-j", "tcp tcp.options.mss"]], [SSH, ["-j", "tcp tcp.options Timestamps"]],
  [SSH, ["-J", "ip"]], [SSH, ["-J", "tcp eth"]], [SSH, ["-J", "tcp.flags"]],
  [SSH, ["-J", "tcp", "-j", "ip"]], [SSH, ["-j", "ip", "-J", "tcp"]], [V6, ["-j", "ipv6 tcp"]],
] as const) {
  test(`read -T json ${flags.join(" ")}: tshark's filtered layers (${file})`, () => {
    const args = ["-r", file, ...OPTS, "-c", "30", "-T", "json", ...flags];
    const got = frames(synack(args)), want = frames(ref(args));
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `frame ${i + 1}`);
  });
}

for (const [file, pick] of [[SSH, ["-c", "30"]], [V6, ["-c", "30"]], [DATA, ["-c", "30"]],
  ["public/ndpi/ethereum.pcap", ["-Y", "tcp.options.sack.dsack_le"]], ["public/tcpdump/ipoib.pcap", ["-Y", "tcp"]]] as const) {
  test(`read -T json -x ${pick.join(" ")}: every item's _raw array as tshark writes it (${file})`, () => {
    const args = ["-r", file, ...OPTS, ...pick, "-T", "json", "-x"];
    const got = frames(synack(args)), want = frames(ref(args));
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `frame ${i + 1}`);
  });
}

/** An ek document line without synack's own layer (the last one). */
function ekWithoutSynack(line: string): string {
  const at = line.indexOf(',"synack":{');
  return at < 0 ? line : line.slice(0, at) + "}}";
}

// -T ek line for line. Not compared: pcapng-example.pcapng, whose years past 9999 tshark 4.0.17
// writes with bytes from outside the string ("07:53:\x9e]U.126329000Z"); synack writes the time.
for (const file of [SSH, V6, DATA, "public/tcpdump/ipoib.pcap", "public/pcapplusplus/PacketppTest__PacketExamples__IcmpPackets.pcap",
  "public/zeek/nflog-http.pcap"]) {
  test(`read -T ek: tshark's bulk lines, field for field (${file})`, () => {
    const args = ["-r", file, ...OPTS, "-Y", "tcp", "-c", "60", "-T", "ek"];
    const got = synack(args).split("\n").map(ekWithoutSynack), want = ref(args).split("\n");
    assert.ok(want.length > 2);
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `line ${i + 1}`);
  });
}
