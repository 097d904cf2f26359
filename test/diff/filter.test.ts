// `synack read -Y FILTER` against `tshark -Y FILTER` on corpus captures: the frames kept must be the
// same. Our side runs in process exactly as read.ts does for `-T fields -e frame.number` (FieldRows +
// compileRowFilter over the capture reader), so this checks our own field extraction, protocol
// presence and the filter language together; tshark runs once per (file, filter). Expert items are
// only those of TCP/IP (ICMP or ARP dissector notes are not ours), so expert filters are asked with tcp.
// frame.time_epoch is bounded on both sides: pcapng-example frames 60+ have a time tshark prints as
// 18446744073204.x but compares as negative (a wrapped signed value); see the report of this change.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { suite, test } from "node:test";
import { newRecord, readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { compileRowFilter, FieldRows } from "../../src/tshark/rows.js";
import { formatFilterError } from "../../src/filter/index.js";
import { sharedDir } from "../support/paths.js";
import { tsharkOutAsync } from "../support/tshark-refs.js";

const run = promisify(execFile);
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
/** The reference command's dissection options (make-refs.sh): payloads stay data, so the experts are TCP's. */
const TSHARK_OPTS = ["-n", "-d", "tcp.port==1-65535,data", "-o", "tcp.calculate_timestamps:TRUE"];

const FILES = [
  "public/pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng", // pcapng, several link types, IPv6
  "public/ndpi/KakaoTalk_chat.pcap",                                     // UDP, ICMP, analysis flags
  "public/tcpdump/arcnet-rfc1051-arp-icmp-http.pcap",                    // ARCNET, ARP, ICMP, HTTP
  "public/pcapplusplus/PacketppTest__PacketExamples__IcmpPackets.pcap",  // TCP quoted in ICMP errors
];

const FILTERS = [
  "tcp", "!tcp", "frame && eth", "arp", "udp", "icmp", "ip && !ipv6", "ipv6", "tcp && _ws.expert",
  "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.flags & 0x12 == 0x12", "tcp.flags.reset or tcp.flags.fin",
  "tcp.flags == 0x018", "tcp.port == 80", "tcp.port != 443", "tcp.srcport < tcp.dstport", "tcp.stream eq 2",
  "tcp.len > 0 and tcp.len < 100", "tcp.seq == 1 || tcp.ack == 1", "tcp.window_size < 5000",
  "tcp.options.mss_val >= 1400", "tcp.options.sack_perm == 04:02", "ip.addr == 10.0.0.0/8",
  "ip.src != 192.168.0.0/16", "ipv6.addr == fe80::/10",
  "tcp.analysis.flags && !tcp.analysis.window_update", "tcp.analysis.retransmission || tcp.analysis.duplicate_ack",
  "tcp.analysis.ack_rtt > 0.05", "tcp.time_delta > 0.5", "tcp.analysis.bytes_in_flight > 1000",
  "tcp.payload contains \"HTTP\"", "ip contains 01:02", "tcp && _ws.expert.severity >= 4194304",
  "_ws.expert.message contains \"SYN\"", "frame.time_epoch > 1300000000.5 && frame.time_epoch < 2000000000",
];

async function tsharkFrames(file: string, filter: string): Promise<string> {
  const stdout = await tsharkOutAsync(["-r", file, ...TSHARK_OPTS, "-Y", filter, "-T", "fields", "-e", "frame.number"]);
  return stdout.split("\n").filter((l) => l !== "").join(",");
}

async function ourFrames(file: string, filter: string): Promise<string> {
  const c = compileRowFilter(filter);
  assert.ok(c.ok, c.ok ? "" : formatFilterError(filter, c).join("\n"));
  const rows = new FieldRows(["frame.number"], {}, { analysis: { calculateTimestamps: true } }, false);
  rows.useFilter(c.filter);
  const out: string[] = [];
  const reader = readCapture(openCaptureFile(file));
  const rec = newRecord();
  for await (const batch of reader.batches()) {
    while (batch.next(rec)) { const line = rows.row(rec); if (line !== undefined) out.push(line); }
  }
  return out.join(",");
}

suite("filter diff: synack read -Y keeps the frames tshark -Y keeps", () => {
  for (const rel of FILES) {
    test(rel, async () => {
      const file = join(sharedDir(), "captures", rel);
      const wants: string[] = [];
      for (let k = 0; k < FILTERS.length; k += 2) { // two tshark at a time: the machine has two cores
        wants.push(...await Promise.all(FILTERS.slice(k, k + 2).map((f) => tsharkFrames(file, f))));
      }
      const bad: string[] = [];
      let kept = 0;
      for (let k = 0; k < FILTERS.length; k++) {
        const got = await ourFrames(file, FILTERS[k]!), want = wants[k]!;
        if (want !== "") kept++;
        if (got !== want) bad.push(`${FILTERS[k]}: tshark [${want.slice(0, 80)}] we [${got.slice(0, 80)}]`);
      }
      assert.deepEqual(bad, []);
      assert.ok(kept >= 5, `only ${kept} filters keep any frame of ${rel}`);
    });
  }
});
