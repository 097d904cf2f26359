/** `synack follow` against tshark 4.0.17's `-z follow,tcp,FORMAT,N -q` on the corpus (tshark runs
 *  here), plus hand-made streams for retransmitted and out-of-order data. Known differences are in
 *  known-gaps.tsv ("follow", capture, "stream/format"). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { followStream, formatFollow, type FollowFormat } from "../../src/tshark/index.js";
import { capturePath, checkAgainstLedger, firstDiff, packetsOf, publicCaptures, tshark } from "./helpers.js";
import { ACK, PSH, SYN } from "../../src/analysis/index.js";
import { handPackets } from "../support/hand-streams.js";

const FORMATS: FollowFormat[] = ["ascii", "hex", "raw"];
/** Streams compared per capture (0 … MAX_STREAM), to keep the test within seconds. */
const MAX_STREAM = 3;

test("follow: byte-identical to tshark -z follow on the corpus, except the ledger", async () => {
  const diffs: string[] = [];
  const checked = new Set<string>();
  let compared = 0;
  for (const rel of publicCaptures()) {
    const path = capturePath(rel);
    const packets = await packetsOf(path);
    if (packets.length === 0) continue;
    const streams = Math.min(MAX_STREAM, Math.max(...packets.map((p) => p.stream)));
    const args = ["-r", path, "-q"];
    let ours = "";
    const parts: string[] = [];
    for (let s = 0; s <= streams; s++) {
      for (const f of FORMATS) {
        args.push("-z", `follow,tcp,${f},${s}`);
        const text = formatFollow(followStream(packets, s), f);
        ours += text; parts.push(`${s}/${f}`);
      }
    }
    const want = tshark(args);
    // One tshark run prints every requested follow in order; split both on the header rule.
    const split = (t: string) => t.split(/\n(?====================================================================\nFollow: )/);
    // tshark prints the last -z first.
    const w = split(want.replace(/^\n/, "")).reverse(), g = split(ours.replace(/^\n/, ""));
    for (let i = 0; i < parts.length; i++) {
      const key = `follow\t${rel}\t${parts[i]}`;
      checked.add(key);
      compared++;
      if (w[i] !== g[i]) diffs.push(key);
      if (w[i] !== g[i] && process.env.SYNACK_EXPLAIN_REPORT) process.stderr.write(`${key}: ${firstDiff(w[i] ?? "", g[i] ?? "")}\n`);
    }
  }
  const { unexpected, vanished } = checkAgainstLedger("follow", diffs, checked);
  assert.ok(compared > 300, `compared ${compared} outputs`);
  assert.deepEqual(unexpected, [], "new differences (command, capture, stream/format)");
  assert.deepEqual(vanished, [], "ledger rows that no longer differ");
});

test("follow: a retransmission shows its bytes once, out-of-order data lands in place", async () => {
  // Client sends "AB" at 1, then "EF" at 5 (ahead of a gap), "CD" at 3 (fills it), "AB" again.
  const packets = await handPackets([
    { dir: "c2s", seq: 0, ack: 0, flags: SYN },
    { dir: "s2c", seq: 0, ack: 1, flags: SYN | ACK },
    { dir: "c2s", seq: 1, ack: 1, flags: ACK },
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB" },
    { dir: "c2s", seq: 5, ack: 1, flags: PSH | ACK, data: "EF" },
    { dir: "c2s", seq: 3, ack: 1, flags: PSH | ACK, data: "CD" },
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB" },
    { dir: "s2c", seq: 1, ack: 7, flags: PSH | ACK, data: "xyz" },
  ]);
  const f = followStream(packets, 0);
  const dec = new TextDecoder();
  assert.deepEqual(f.chunks.map((c) => [c.node, dec.decode(c.bytes)]), [[0, "AB"], [0, "CD"], [0, "EF"], [1, "xyz"]]);
  assert.deepEqual(f.bytes, [6, 3]);
  const text = formatFollow(f, "ascii");
  assert.match(text, /\n2\nAB\n2\nCD\n2\nEF\n\t3\nxyz\n/);
  assert.match(formatFollow(f, "raw"), /\n4142\n4344\n4546\n\t78797a\n/);
});

test("follow: an ACK past a gap the capture missed inserts tshark's marker", async () => {
  const packets = await handPackets([
    { dir: "c2s", seq: 0, ack: 0, flags: SYN },
    { dir: "s2c", seq: 0, ack: 1, flags: SYN | ACK },
    { dir: "c2s", seq: 1, ack: 1, flags: PSH | ACK, data: "AB" },
    { dir: "c2s", seq: 13, ack: 1, flags: PSH | ACK, data: "ZZ" },
    { dir: "s2c", seq: 1, ack: 15, flags: ACK },
  ]);
  const f = followStream(packets, 0);
  const dec = new TextDecoder();
  assert.deepEqual(f.chunks.map((c) => dec.decode(c.bytes)), ["AB", "[10 bytes missing in capture file]\0", "ZZ"]);
  assert.equal(f.chunks[1]!.missing, true);
});
