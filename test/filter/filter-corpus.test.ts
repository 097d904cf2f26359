// Display filters on real captures: for each corpus file, tshark 4.0.17 supplies the field values
// of every frame (-T fields), our compiled filter runs over them through the text adapter, and
// the frames it keeps must be exactly those `tshark -Y FILTER` keeps. This checks the language
// (operators, multi-occurrence rules, literals, precedence) on real data, apart from our own
// field extraction.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { suite, test } from "node:test";
import { compileFilter, formatFilterError } from "../../src/filter/index.js";
import { TextFilterFrame, textFilterFields } from "../../src/filter/adapter.js";
import { sharedDir } from "../support/paths.js";
import { tsharkOutAsync } from "../support/tshark-refs.js";

const run = promisify(execFile);
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
const PREFS = ["-n", "-o", "tcp.calculate_timestamps:TRUE"];

/** The registry kinds of the fields used here (as src/fields/registry.ts spells them). */
const REGISTRY: Record<string, { kind: string }> = {
  "frame.number": { kind: "uint" }, "ip.src": { kind: "ipv4" }, "ip.dst": { kind: "ipv4" },
  "ipv6.src": { kind: "ipv6" }, "ipv6.dst": { kind: "ipv6" }, "tcp.srcport": { kind: "uint" },
  "tcp.dstport": { kind: "uint" }, "tcp.stream": { kind: "uint" }, "tcp.len": { kind: "uint" },
  "tcp.seq": { kind: "uint" }, "tcp.ack": { kind: "uint" }, "tcp.flags": { kind: "hex16" },
  "tcp.flags.str": { kind: "string" }, "tcp.window_size": { kind: "uint" }, "tcp.time_delta": { kind: "rel_time" },
  "tcp.options.mss_val": { kind: "uint" }, "tcp.analysis.bytes_in_flight": { kind: "uint" },
  "tcp.analysis.ack_rtt": { kind: "rel_time" }, "tcp.analysis.flags": { kind: "none" },
  "tcp.analysis.retransmission": { kind: "none" }, "tcp.analysis.duplicate_ack": { kind: "none" },
  "tcp.analysis.window_update": { kind: "none" }, "tcp.analysis.lost_segment": { kind: "none" },
};
const NAMES = Object.keys(REGISTRY);

const FILES = [
  "tcpdump/arcnet-rfc1051-arp-icmp-http.pcap",
  "libpcap/filter__geneve.pcap",
  "pcapplusplus/PcapppTest__PcapExamples__four_ipv6_http_streams.pcap",
  "ndpi/tls-appdata.pcap",
];

const FILTERS = [
  "tcp", "!tcp", "not ip and not ipv6", "tcp.flags.syn", "tcp.flags.syn == 1 && tcp.flags.ack == 0",
  "tcp.flags.fin or tcp.flags.reset == 1", "tcp.flags & 0x11 == 0x11", "tcp.flags.push != 1",
  "tcp.port == 80", "tcp.port != 80", "tcp.port !== 80", "tcp.srcport < tcp.dstport", "tcp.stream eq 1",
  "tcp.len > 0 and tcp.len <= 100", "tcp.seq == 1 || tcp.ack == 1", "tcp.window_size ge 0x10000",
  "tcp.options.mss_val", "ip.addr == 20.0.0.1", "ip.addr != 20.0.0.1", "ip.src != 30.0.0.1",
  "ip.addr == 10.0.0.0/8", "ip.src > 100.0.0.0", "ipv6.addr == 2001:db8::/32", "ipv6.src != ::1",
  "tcp.analysis.flags && !tcp.analysis.window_update", "tcp.analysis.retransmission or tcp.analysis.duplicate_ack",
  "tcp.time_delta > 0.1", "tcp.analysis.ack_rtt < 0.001", "tcp.flags.str contains \"S\"",
  "ip || tcp and tcp.port == 443", "not tcp.port == 80 and tcp",
];

/** Every frame's values: field name → occurrences. */
async function frameValues(file: string): Promise<Array<Map<string, string[]>>> {
  const args = ["-r", file, ...PREFS, "-T", "fields", "-E", "aggregator=\u0001", ...NAMES.flatMap((n) => ["-e", n])];
  const stdout = Buffer.from(await tsharkOutAsync(args), "latin1").toString("utf8");
  return stdout.split("\n").filter((l) => l !== "").map((line) => {
    const cols = line.split("\t");
    return new Map(NAMES.map((n, i) => [n, cols[i] ? cols[i]!.split("\u0001") : []]));
  });
}

async function tsharkMatches(file: string, filter: string): Promise<number[]> {
  const stdout = await tsharkOutAsync(["-r", file, ...PREFS, "-Y", filter, "-T", "fields", "-e", "frame.number"]);
  return stdout.split("\n").filter((l) => l !== "").map(Number);
}

suite("filter: corpus frames kept equal tshark -Y", () => {
  const fields = textFilterFields(REGISTRY);
  for (const rel of FILES) {
    test(rel, async () => {
      const file = join(sharedDir(), "captures/public", rel);
      const frames = await frameValues(file);
      const adapter = new TextFilterFrame();
      const wants: number[][] = [];
      for (let k = 0; k < FILTERS.length; k += 2) { // two tshark at a time: the machine has two cores
        wants.push(...await Promise.all(FILTERS.slice(k, k + 2).map((f) => tsharkMatches(file, f))));
      }
      const bad: string[] = [];
      FILTERS.forEach((text, k) => {
        const c = compileFilter(text, fields);
        assert.ok(c.ok, c.ok ? "" : formatFilterError(text, c).join("\n"));
        const got: number[] = [];
        for (const values of frames) {
          adapter.current = { texts: (n) => values.get(n) ?? [] };
          if (c.filter.matches(adapter)) got.push(Number(values.get("frame.number")![0]));
        }
        const want = wants[k]!;
        if (got.join(",") !== want.join(",")) {
          bad.push(`${text}: tshark ${want.length} frames [${want.slice(0, 8).join(",")}…], we ${got.length} [${got.slice(0, 8).join(",")}…]`);
        }
      });
      assert.deepEqual(bad, []);
    });
  }
});
