/** The scoreboard's references (test/fixtures/tshark-json, scripts/make-json-refs.mjs) stay true: the
 *  captures are the ones they were written from, and tshark 4.0.17 run live on a sample still prints
 *  them byte for byte (-T json, -V, -Y). Plus the duplicate-key JSON reader they are read with. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { frameItems, jsonFrames, parseJsonPairs } from "../support/tshark-json.js";
import { detailBlocks, frameHash } from "../support/synack-out.js";
import { sharedDir } from "../support/paths.js";
import { tshark } from "./summary-compare.js";
import { ranges, refCaptures, refDetailHashes, refFilters, refJson } from "./json-score.js";

/** As make-json-refs.mjs runs tshark (make-refs.sh's options). */
const OPTS = ["-n", "-d", "tcp.port==1-65535,data",
  "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
  "-o", "tcp.track_bytes_in_flight:TRUE", "-o", "tcp.calculate_timestamps:TRUE", "-o", "tcp.check_checksum:FALSE"];
/** Ethernet with options and experts; TCP quoted in ICMP errors. */
const SAMPLE = ["captures/public/gopacket/pcap__test_ethernet.pcap", "probes/icmp_embedded.pcap"];

test("references: every capture is the file they were written from (sha256)", () => {
  const caps = refCaptures();
  const changed = caps.filter((c) => createHash("sha256").update(readFileSync(c.path)).digest("hex") !== c.sha256).map((c) => c.name);
  assert.deepEqual(changed, [], "captures changed since scripts/make-json-refs.mjs ran: run it again");
  assert.ok(caps.length >= 150, `${caps.length} captures`);
});

test("references: tshark 4.0.17 live prints the stored -T json and -V on a sample", async () => {
  const caps = new Map(refCaptures().map((c) => [c.name, c]));
  const hashes = refDetailHashes();
  // Two tshark at a time: the machine has two cores.
  for (const name of SAMPLE) {
    const path = caps.get(name)!.path;
    const [json, v] = await Promise.all([tshark(["-r", path, ...OPTS, "-Y", "tcp", "-T", "json"]), tshark(["-r", path, ...OPTS, "-Y", "tcp", "-V"])]);
    assert.equal(json, refJson(name), `${name}: -T json`);
    assert.deepEqual(new Map([...detailBlocks(v)].map(([n, t]) => [n, frameHash(t)])), hashes.get(name), `${name}: -V`);
  }
});

test("references: tshark 4.0.17 live keeps the stored frames for a sample of the filters", async () => {
  const { captures, filters } = refFilters();
  const path = join(sharedDir(), "captures", captures[2]!);
  // Three filters (one in 80), side by side with the two cores.
  const sample = filters.filter((_, i) => i % 80 === 0);
  const outs = await Promise.all(sample.map((f) => tshark(["-r", path, ...OPTS, "-Y", f.filter, "-T", "fields", "-e", "frame.number"])));
  sample.forEach((f, i) => assert.equal(ranges(outs[i]!.split("\n").filter((l) => l !== "").map(Number)), f.want[2], f.filter));
});

test("JSON reader: duplicate keys kept in order, spans exact, a layer cut with its separator", () => {
  const text = `[\n  {\n    "_source": {\n      "layers": {\n        "frame": {\n          "frame.number": "7"\n        },\n` +
    `        "ip": {\n          "ip.addr": "10.0.0.1",\n          "ip.addr": "10.0.0.2",\n          "ip.flags_tree": {\n            "ip.flags.df": "1"\n          },\n          "t\\"q": "a\\u00e9"\n        },\n` +
    `        "synack": {\n          "synack.phase": "handshake"\n        }\n      }\n    }\n  }\n]\n`;
  const { root } = parseJsonPairs(text);
  assert.ok(typeof root !== "string" && root.length === 1);
  const [f] = jsonFrames(text, ["synack"]);
  assert.equal(f!.number, 7);
  assert.deepEqual(frameItems(f!.layers).map((i) => [i.layer, i.field, i.occurrence, i.value]), [
    ["frame", "frame.number", 0, "7"], ["ip", "ip.addr", 0, "10.0.0.1"], ["ip", "ip.addr", 1, "10.0.0.2"],
    ["ip", "ip.flags.df", 0, "1"], ["ip", "t\"q", 0, "a\u00e9"]]);
  assert.equal(f!.text, text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1).replace(/,\n {8}"synack": \{\n[^}]*\}/, ""));
  assert.ok(!f!.text.includes("synack") && f!.text.endsWith("        }\n      }\n    }\n  }"));
  assert.throws(() => parseJsonPairs("[{\"a\": }]"), /JSON: unexpected character/);
});
