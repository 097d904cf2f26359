// buildFieldTree's BuildMode leaves labels and whole subtrees out for readers that do not look at
// them (TreeValues: a field list; -T json / ek: values only). What those readers see must not
// change: on every corpus frame (public captures and probes), a want set's values equal the full
// tree's, and the JSON of a tree built without labels equals the full tree's JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import { newRecord, readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { ReadPipeline } from "../../src/cli/commands/read-output.js";
import { buildFieldTree, findAll } from "../../src/fields/index.js";
import { formatJsonPairs, jsonTree, toJsonPacket } from "../../src/tshark/json.js";
import { fieldText, TreeValues } from "../../src/tshark/tree-rows.js";
import { capturePath, publicCaptures } from "../tshark/helpers.js";

/** Field lists a user might give: each reaches into a subtree a want set may leave out. */
const WANT_SETS: readonly (readonly string[])[] = [
  ["frame.len", "frame.protocols", "eth.src", "ip.id", "ip.ttl", "ip.proto", "ip.checksum", "tcp.checksum", "tcp.payload", "tcp.flags.syn"],
  ["tcp.flags.str", "tcp.flags.fin", "tcp.time_delta", "tcp.analysis.ack_rtt", "tcp.analysis.flags", "tcp.options.mss_val"],
  ["eth.src.oui", "eth.addr", "eth.ig", "eth.dst_resolved", "ip.flags.df", "ip.dsfield.ecn", "ipv6.tclass.ecn", "ipv6.flow"],
  ["frame.time_epoch", "frame.time_relative", "frame.time_delta_displayed", "ip.version", "ip.src", "ipv6.hlim", "data.data"],
  ["_ws.expert.message", "tcp.seq", "tcp.len"],
  ["tcp", "ip", "frame"],
];

test("fields/tree: a want set without labels gives every asked field's values as the full tree does", async () => {
  const files = publicCaptures(["public", "../spec/probes/captures"]);
  const bad: string[] = [];
  let frames = 0;
  for (const rel of files) {
    const pipe = new ReadPipeline(false, true, { analysis: { traces: false } });
    const sets = WANT_SETS.map((s) => new TreeValues(s));
    const reader = readCapture(openCaptureFile(capturePath(rel)));
    const rec = newRecord();
    try {
      for await (const batch of reader.batches()) {
        while (batch.next(rec)) {
          const c = pipe.step(rec, reader.info);
          const full = buildFieldTree(c);
          frames++;
          for (let k = 0; k < sets.length; k++) {
            const tv = sets[k]!;
            tv.point(c);
            for (const name of WANT_SETS[k]!) {
              const want = findAll(full, name).map((n) => fieldText(n, tv.sources)).join(",");
              const got = tv.nodes(name).map((n) => fieldText(n, tv.sources)).join(",");
              if (got !== want && bad.length < 10) bad.push(`${rel}#${rec.index} ${name}: [${got.slice(0, 60)}] ≠ [${want.slice(0, 60)}]`);
            }
          }
          const json = formatJsonPairs(toJsonPacket(c, jsonTree(c)), 1);
          if (json !== formatJsonPairs(toJsonPacket(c, full), 1) && bad.length < 10) bad.push(`${rel}#${rec.index}: JSON without labels differs`);
        }
      }
    } catch { /* a damaged file: the frames before the damage were compared */ }
  }
  assert.ok(frames > 10_000, `only ${frames} frames compared`);
  assert.deepEqual(bad, []);
});
