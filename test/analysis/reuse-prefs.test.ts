/** Port reuse with the sequence analysis off (`-o tcp.analyze_sequence_numbers:FALSE`): tshark
 *  4.0.17 still keeps the per-direction bases and starts a new stream on a pure SYN with another
 *  ISN (spec §2.2, §4.1), it only shows no flag. Goldens: tshark run live on the same bytes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ACK, FIN, PSH, RST, SYN } from "../../src/analysis/index.js";
import { CLI, sharedDir } from "../support/paths.js";
import { ourCells, pcapOf, type RawSeg, tsharkCells } from "./live-tshark.js";

const COLUMNS = ["frame.number", "tcp.stream", "tcp.completeness", "tcp.seq", "tcp.ack", "tcp.nxtseq", "tcp.len",
  "tcp.analysis", "tcp.analysis.flags", "tcp.analysis.reused_ports", "tcp.analysis.retransmission",
  "tcp.analysis.initial_rtt", "tcp.analysis.acks_frame"];
const PREFS = [["tcp.analyze_sequence_numbers:FALSE"], ["tcp.analyze_sequence_numbers:TRUE"],
  ["tcp.analyze_sequence_numbers:FALSE", "tcp.relative_sequence_numbers:FALSE"]];
const REUSE = join(sharedDir(), "spec", "probes", "captures", "reuse.pcap");

function same(bytes: Uint8Array, what: string): void {
  for (const prefs of PREFS) {
    const want = tsharkCells(bytes, prefs, COLUMNS), got = ourCells(bytes, prefs, COLUMNS);
    assert.equal(got.length, want.length, `${what} ${prefs.join(" ")}: rows`);
    for (let i = 0; i < want.length; i++) {
      assert.deepEqual(Object.fromEntries(COLUMNS.map((c, j) => [c, got[i]![j]])),
        Object.fromEntries(COLUMNS.map((c, j) => [c, want[i]![j] ?? ""])), `${what} ${prefs.join(" ")} frame ${i + 1}`);
    }
  }
}

test("reuse.pcap: frame 7 starts stream 1 with the analysis off as with it on", () => {
  const bytes = new Uint8Array(readFileSync(REUSE));
  same(bytes, "reuse.pcap");
  const off = tsharkCells(bytes, ["tcp.analyze_sequence_numbers:FALSE"], ["frame.number", "tcp.stream"]);
  assert.deepEqual(off.map((r) => r[1]), ["0", "0", "0", "0", "0", "0", "1", "1", "1", "1", "1", "1", "1"]);
});

test("the CLI's -o tcp.analyze_sequence_numbers:FALSE splits reuse.pcap like tshark, Info included", () => {
  const args = ["-n", "-r", REUSE, "-o", "tcp.analyze_sequence_numbers:FALSE", "-T", "fields",
    "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.completeness", "-e", "tcp.analysis.flags", "-e", "_ws.col.Info"];
  const env = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };
  const want = execFileSync("tshark", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const got = execFileSync(process.execPath, [CLI, "read", ...args], { env, encoding: "utf8" });
  assert.equal(got, want);
});

test("bases from a first data segment, from the peer's ACK, and reset by a SYN-ACK keep splitting streams", () => {
  // Client base = first seq − 1 (999): a SYN with 999 is a SYN retransmission, 1234 a new stream.
  same(pcapOf([{ c2s: true, seq: 1000, ack: 5000, flags: PSH | ACK, len: 10 }, { c2s: true, seq: 999, ack: 0, flags: SYN },
    { c2s: true, seq: 1234, ack: 0, flags: SYN }]), "base from data");
  // Client base = the server's ack − 1 (499).
  same(pcapOf([{ c2s: false, seq: 5000, ack: 500, flags: ACK }, { c2s: true, seq: 499, ack: 0, flags: SYN },
    { c2s: true, seq: 600, ack: 0, flags: SYN }]), "base from the peer's ack");
  // A SYN-ACK with a new ISN moves the server's base (spec §2.3): its SYN with that ISN stays, another splits.
  same(pcapOf([{ c2s: true, seq: 100, ack: 0, flags: SYN }, { c2s: false, seq: 900, ack: 101, flags: SYN | ACK },
    { c2s: false, seq: 3000, ack: 101, flags: SYN | ACK }, { c2s: false, seq: 3000, ack: 0, flags: SYN },
    { c2s: false, seq: 4000, ack: 0, flags: SYN }]), "SYN-ACK base reset");
  // Simultaneous SYNs, a RST and a SYN again, a SYN with data, a closed connection reused.
  const segs: RawSeg[] = [{ c2s: true, seq: 100, ack: 0, flags: SYN }, { c2s: false, seq: 900, ack: 0, flags: SYN },
    { c2s: false, seq: 901, ack: 0, flags: SYN }, { c2s: true, seq: 100, ack: 0, flags: SYN, cport: 2 },
    { c2s: false, seq: 0, ack: 101, flags: RST | ACK, cport: 2 }, { c2s: true, seq: 100, ack: 0, flags: SYN, cport: 2 },
    { c2s: true, seq: 7, ack: 0, flags: SYN, len: 5, cport: 3 }, { c2s: true, seq: 13, ack: 0, flags: SYN, cport: 3 },
    { c2s: true, seq: 50, ack: 0, flags: SYN, cport: 4 }, { c2s: false, seq: 70, ack: 51, flags: SYN | ACK, cport: 4 },
    { c2s: true, seq: 51, ack: 71, flags: FIN | ACK, cport: 4 }, { c2s: false, seq: 71, ack: 52, flags: FIN | ACK, cport: 4 },
    { c2s: true, seq: 52, ack: 72, flags: ACK, cport: 4 }, { c2s: true, seq: 8000, ack: 0, flags: SYN, cport: 4 },
    { c2s: false, seq: 9000, ack: 8001, flags: SYN | ACK, cport: 4 }, { c2s: true, seq: 8001, ack: 9001, flags: ACK, cport: 4 }];
  same(pcapOf(segs), "mixed");
});
