/** Fault primitives: their nft/tc form, their words, and that this kernel takes every one of them
 *  inside a lab namespace (CI runs as root). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTopology, describeFault, LAB_DEV, NFT_TABLE, planFaults, randomOccurrences, type Fault } from "../../src/lab/index.js";

const root = process.getuid?.() === 0;

const ALL: Fault[] = [
  { kind: "drop", what: "data", from: "client", nth: [4] },
  { kind: "drop", what: "syn-ack", from: "server", nth: [1] },
  { kind: "drop", what: "fin", from: "client", nth: [1, 2] },
  { kind: "drop", what: "ack", from: "server", during: { startMs: 100, forMs: 300 } },
  { kind: "drop", what: "data", from: "client", percent: 5 },
  { kind: "duplicate", what: "data", from: "client", nth: [3] },
  { kind: "reorder", from: "client", marker: "SLOW", slowKbit: 400 },
  { kind: "rate", from: "server", kbit: 20_000, burstBytes: 4000, latencyMs: 20 },
];

test("faults: drops go to the receiver's input hook, counted with numgen from 0", () => {
  const p = planFaults([ALL[0]!, ALL[1]!], 4, LAB_DEV, 1, false);
  assert.match(p.nft.server!, /hook input priority -300/);
  assert.match(p.nft.server!, /meta length > 80 numgen inc mod 1000000 \{ 3 \} counter drop/);
  assert.match(p.nft.client!, /tcp flags & \(syn \| ack\) == syn \| ack numgen inc mod 1000000 \{ 0 \} counter drop/);
  const v6 = planFaults([ALL[0]!], 6, LAB_DEV, 1, false);
  assert.match(v6.nft.server!, /meta length > 100/);
});

test("faults: a timed drop is a chain of its own, filled and flushed by the run", () => {
  const p = planFaults([ALL[3]!], 4, LAB_DEV, 1, false);
  assert.match(p.nft.client!, /chain timed0 \{/);
  assert.match(p.nft.client!, /jump timed0/);
  assert.deepEqual(p.timed.map((t) => [t.side, t.chain, t.startMs, t.forMs]), [["client", "timed0", 100, 300]]);
});

test("faults: random drops are chosen by the seed, the same for the same seed", () => {
  const a = randomOccurrences(5, 7), b = randomOccurrences(5, 7), c = randomOccurrences(5, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.length > 20_000 * 0.04 && a.length < 20_000 * 0.06, String(a.length));
  assert.match(describeFault(ALL[4]!, 7), new RegExp(`5% of the data segments from the client on arrival .*seed 7 \\(the ${a[0]}`));
});

test("faults: reorder is htb with a u32 match on the payload's first word; netem only when present", () => {
  const p = planFaults([ALL[6]!, { kind: "delay", from: "client", ms: 10 }], 4, LAB_DEV, 1, false);
  const tc = p.tc.client!.map((a) => a.join(" "));
  assert.ok(tc.some((l) => l.includes("u32 match u32 0x534c4f57 0xffffffff at 52 flowid 1:20")), tc.join("\n"));
  assert.equal(p.notes.length, 1);
  assert.match(p.notes[0]!, /no netem/);
  const with6 = planFaults([ALL[6]!], 6, LAB_DEV, 1, true).tc.client!.map((a) => a.join(" "));
  assert.ok(with6.some((l) => l.includes("protocol ipv6") && l.includes("at 72")));
  assert.ok(planFaults([{ kind: "delay", from: "client", ms: 10 }], 4, LAB_DEV, 1, true).tc.client![0]!.includes("netem"));
});

test("faults: a rewrite is a rule in the router's forward hook, by the interface the segments come in on", () => {
  const mss = planFaults([{ kind: "rewrite", what: "syn-ack", from: "server", field: "mss", value: 536 }], 4, LAB_DEV, 1, false);
  assert.equal(mss.nft.client, undefined);
  assert.equal(mss.nft.server, undefined);
  assert.match(mss.nft.router!, /hook forward priority -150/);
  assert.match(mss.nft.router!, /iifname "synack1" tcp flags & \(syn \| ack\) == syn \| ack tcp option maxseg size set 536/);
  const ttl = planFaults([{ kind: "rewrite", what: "data", from: "client", field: "ttl", value: 3 }], 6, LAB_DEV, 1, false);
  assert.match(ttl.nft.router!, /iifname "synack0" meta l4proto tcp meta length > 100 ip6 hoplimit set 3/);
  assert.equal(describeFault({ kind: "rewrite", what: "syn-ack", from: "server", field: "mss", value: 536 }, 1),
    "the router rewrites the MSS option of the server's SYN-ACKs to 536 (nft forward hook, checksums fixed)");
});

test("faults: in words", () => {
  assert.equal(describeFault(ALL[0]!, 1), "the server drops the 4th data segment from the client on arrival (nft input hook)");
  assert.equal(describeFault(ALL[2]!, 1), "the server drops the 1st and 2nd FINs from the client on arrival (nft input hook)");
  assert.match(describeFault(ALL[7]!, 1), /20000 kbit\/s bottleneck \(tc tbf/);
});

test("faults: this kernel takes every fault inside a lab namespace, for both families", { skip: !root && "needs root" }, async () => {
  for (const family of [4, 6] as const) {
    const t = await createTopology();
    try {
      // tbf and htb cannot both be the root qdisc of one device: rate on the server, the rest on the client.
      const p = planFaults(ALL, family, LAB_DEV, 3, false);
      for (const side of ["client", "server"] as const) {
        if (p.nft[side] !== undefined) await t.exec(side, "nft", ["-f", "-"], p.nft[side]);
        for (const args of p.tc[side] ?? []) await t.exec(side, "tc", args);
      }
      for (const tr of p.timed) await t.exec(tr.side, "nft", ["add", "rule", "inet", NFT_TABLE, tr.chain, ...tr.rule.split(" ")]);
      const server = await t.exec("server", "nft", ["list", "ruleset"]);
      assert.match(server, /numgen inc mod 1000000 3 counter packets 0 bytes 0 drop/, "nft prints a one-element set without braces");
      const client = await t.exec("client", "nft", ["list", "ruleset"]);
      assert.match(client, /table netdev synack/);
      assert.match(client, /dup to "synack0"/);
      assert.match(await t.exec("client", "nft", ["list", "chain", "inet", NFT_TABLE, p.timed[0]!.chain]), /tcp flags .* counter packets 0 bytes 0 drop/);
      assert.match(await t.exec("client", "tc", ["qdisc", "show", "dev", LAB_DEV]), /qdisc htb 1: root/);
      assert.match(await t.exec("server", "tc", ["qdisc", "show", "dev", LAB_DEV]), /qdisc tbf/);
      for (const tr of p.timed) await t.exec(tr.side, "nft", ["flush", "chain", "inet", NFT_TABLE, tr.chain]);
      assert.doesNotMatch(await t.exec("client", "nft", ["list", "chain", "inet", NFT_TABLE, p.timed[0]!.chain]), /drop/);
    } finally {
      await t.destroy();
    }
    const r = await createTopology({ router: true });
    try {
      const p = planFaults([{ kind: "rewrite", what: "syn-ack", from: "server", field: "mss", value: 536 },
        { kind: "rewrite", what: "data", from: "client", field: "ttl", value: 9 }], family, LAB_DEV, 1, false);
      await r.exec("router", "nft", ["-f", "-"], p.nft.router!);
      const ruleset = await r.exec("router", "nft", ["list", "ruleset"]);
      assert.match(ruleset, /tcp option maxseg size set 536/);
      assert.match(ruleset, family === 4 ? /ip ttl set 9/ : /ip6 hoplimit set 9/);
    } finally {
      await r.destroy();
    }
  }
});
