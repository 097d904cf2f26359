/** `synack read -t FORMAT` summary lines byte-identical to tshark 4.0.17's (stored references) on corpus captures
 *  (TCP frames), tshark's refusal of an unknown format and of -R without -2, and `-2 -R` as synack
 *  applies it (one pass: the read filter as a display filter). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CLI, sharedDir } from "../support/paths.js";
import { tsharkOut } from "../support/tshark-refs.js";

const CAPTURES = join(sharedDir(), "captures");
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const OPTS = ["-n", "-d", "tcp.port==1-65535,data"];
const FILES = ["public/gopacket/pcap__test_ethernet.pcap", "public/ndpi/KakaoTalk_chat.pcap",
  "public/pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng"]; // the last: ns times, years past 586000

/** tshark's stdout from the reference store (scripts/make-tshark-refs.mjs), as `run` gives it. */
const ref = (args: string[]) => ({ out: Buffer.from(tsharkOut(args, CAPTURES), "latin1").toString("utf8"), err: "", status: 0 });

function run(cmd: string, args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(cmd, args, { cwd: CAPTURES, env: ENV, maxBuffer: 256 << 20 });
  return { out: r.stdout.toString(), err: r.stderr.toString().split("\n").filter((l) => !l.startsWith("Running as")).join("\n"), status: r.status };
}

for (const file of FILES) {
  test(`read -t: every time format as tshark prints it (${file})`, () => {
    for (const t of ["r", "a", "ad", "adoy", "d", "dd", "e", "u", "ud", "udoy"]) {
      const args = ["-r", file, ...OPTS, "-Y", "tcp", "-t", t];
      const want = ref(args), got = run(process.execPath, [CLI, "read", ...args]);
      assert.equal(got.status, 0, got.err);
      assert.ok(got.out.length > 0);
      assert.equal(got.out, want.out, `-t ${t}`);
    }
  });
}

test("read -t dd counts from the previous displayed frame (-Y keeps every other one)", () => {
  const args = ["-r", FILES[0]!, ...OPTS, "-Y", "tcp.srcport == 80", "-t", "dd"];
  assert.equal(run(process.execPath, [CLI, "read", ...args]).out, ref(args).out);
});

test("read -t with an unknown format, and -R without -2: tshark's message, exit 1", () => {
  for (const args of [["-t", "ud.3"], ["-t", "x"], ["-R", "tcp"]]) {
    const want = run("tshark", ["-r", FILES[0]!, ...args]), got = run(process.execPath, [CLI, "read", "-r", FILES[0]!, ...args]);
    assert.equal(got.status, want.status, args.join(" "));
    assert.equal(got.err.replace(/^synack read: /, ""), want.err.replace(/^tshark: /, ""), args.join(" "));
  }
});

test("read -2 -R FILTER: the frames of -Y FILTER (one pass), ANDed with -Y", () => {
  const file = FILES[0]!;
  const r = run(process.execPath, [CLI, "read", "-r", file, ...OPTS, "-2", "-R", "tcp.srcport == 80"]);
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, run(process.execPath, [CLI, "read", "-r", file, ...OPTS, "-Y", "tcp.srcport == 80"]).out);
  const both = run(process.execPath, [CLI, "read", "-r", file, ...OPTS, "-2", "-R", "tcp.srcport == 80", "-Y", "tcp.len > 0", "-T", "fields", "-e", "frame.number"]);
  const want = ref(["-r", file, ...OPTS, "-Y", "tcp.srcport == 80 && tcp.len > 0", "-T", "fields", "-e", "frame.number"]);
  assert.equal(both.out, want.out);
});
