/** The TCP part of `-V` (its subtree and the payload's Data item) against tshark 4.0.17 run live on several corpus captures (handshakes, options,
 *  window scaling, SACK, retransmissions, duplicate ACKs, RTO, 4-NOP experts, EOL padding, tunnels, IP
 *  reassembly). Known differences: tree-known-diffs.tsv (capture, frame, reason); a new difference fails,
 *  and so does a listed one that vanished. Plus unit checks of the node byte ranges the web view uses. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodePacket } from "../../src/decode/index.js";
import { buildDetailsTree, renderDetailsTree, type TreeNode } from "../../src/tshark/tree.js";
import { bitLine, completenessLabel } from "../../src/fields/index.js";
import { REPO_ROOT } from "../support/paths.js";
import { pool } from "../diff/summary-compare.js";
import { compareTrees } from "./tree-compare.js";

const CAPTURES = [
  "public/gopacket/pcap__test_ethernet.pcap",
  "public/ndpi/KakaoTalk_chat.pcap",
  // Out-of-order (no payload shown) and fast retransmissions (payload shown) besides KakaoTalk's
  // plain ("Retransmitted TCP segment data") and spurious (nothing) ones.
  "public/ndpi/ethereum.pcap",
  "public/ndpi/weibo.pcap",
  "public/ndpi/instagram.pcap",
  "public/ndpi/wechat.pcap",
  "public/ndpi/tls_multiple_synack_different_seq.pcapng",
  "public/tcpdump/tcp-handshake-nano.pcap",
  "public/libpcap/filter__geneve.pcap",
  "public/pcapplusplus/ExamplesTest__pcap_examples__frag_http_req.pcap",
];

function ledger(): Set<string> {
  const text = readFileSync(join(REPO_ROOT, "test", "tshark", "tree-known-diffs.tsv"), "utf8");
  return new Set(text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => l.split("\t").slice(0, 2).join("\t")));
}

test("-V: the TCP subtree and the payload's Data item equal tshark 4.0.17's on corpus frames, except the ledger", async () => {
  const diffs: string[] = [];
  let agree = 0, total = 0;
  await pool(CAPTURES, 4, async (rel) => {
    const { ref, got } = await compareTrees(rel);
    for (const [frame, want] of ref) {
      total++;
      if (got.get(frame) === want) agree++;
      else diffs.push(`${rel}\t${frame}`);
    }
  });
  process.stderr.write(`-V TCP subtree + payload agreement: ${agree}/${total} frames (${(100 * agree / total).toFixed(2)}%)\n`);
  const known = ledger();
  assert.deepEqual(diffs.filter((d) => !known.has(d)).sort(), [], "new differences (capture, frame)");
  const seen = new Set(diffs);
  assert.deepEqual([...known].filter((k) => !seen.has(k)), [], "listed differences that vanished: remove them from tree-known-diffs.tsv");
  assert.ok(total > 2000);
});

// The article's SYN (hand-built: 10.0.0.1:33310 → 10.0.0.2:20000, MSS 65495, SACK_PERM, TS, WS 7).
const SYN = Uint8Array.from([
  0x45, 0x00, 0x00, 0x3c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2,
  0x82, 0x1e, 0x4e, 0x20, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7, 0x00, 0x00, 0x00, 0x00,
  0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
]);

function find(nodes: readonly TreeNode[], field: string): TreeNode | undefined {
  for (const n of nodes) {
    if (n.field === field) return n;
    const c = find(n.children, field);
    if (c !== undefined) return c;
  }
  return undefined;
}

test("tree nodes carry the byte range of their field (for highlighting)", () => {
  const frame = decodePacket(101, SYN);
  const tree = buildDetailsTree({ rec: { index: 1, tsSec: 0, tsNsec: 0, originalLength: SYN.length, linkType: 101, interface: 0 },
    frame, results: [undefined], firstSec: 0, firstNsec: 0, prevSec: 0, prevNsec: 0 });
  const at = (f: string) => { const n = find(tree, f); assert.ok(n, f); return [n.offset, n.length]; };
  assert.deepEqual(at("ip"), [0, 20]);
  assert.deepEqual(at("ip.src"), [12, 4]);
  assert.deepEqual(at("tcp"), [20, 40]);
  assert.deepEqual(at("tcp.srcport"), [20, 2]);
  assert.deepEqual(at("tcp.seq"), [24, 4]);
  assert.deepEqual(at("tcp.ack"), [28, 4]);
  assert.deepEqual(at("tcp.flags"), [32, 2]);
  assert.deepEqual(at("tcp.window_size_value"), [34, 2]);
  assert.deepEqual(at("tcp.options"), [40, 20]);
  assert.deepEqual(at("tcp.options.mss_val"), [42, 2]);
  assert.deepEqual(at("tcp.options.wscale.shift"), [59, 1]);
  const text = renderDetailsTree(tree);
  assert.match(text, /^Transmission Control Protocol, Src Port: 33310, Dst Port: 20000, Seq: 1000, Len: 0$/m);
  assert.match(text, /^        \.\.\.\. \.\.\.\. \.\.1\. = Syn: Set$/m);
  assert.match(text, /^        TCP Option - Window scale: 7 \(multiply by 128\)$/m);
  assert.match(text, /^            \[Expert Info \(Chat\/Sequence\): Connection establish request \(SYN\): server port 20000\]$/m);
});

test("bit lines and completeness labels", () => {
  assert.equal(bitLine(0x012, 0x010, 12), ".... ...1 .... = ");
  assert.equal(bitLine(0x012, 0xe00, 12), "000. .... .... = ");
  assert.equal(completenessLabel(31), "Complete, WITH_DATA");
  assert.equal(completenessLabel(23), "Complete, NO_DATA");
  assert.equal(completenessLabel(5), "Incomplete");
});
