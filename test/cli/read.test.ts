/** `synack read -T fields` options against tshark 4.0.17 run live on a corpus file: the -E output
 *  options (header, separator, occurrence, aggregator, quote) must give the same bytes, and bad
 *  fields / options / preferences must fail with tshark's exit status and a one-line message. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { closeSync, openSync } from "node:fs";
import { CLI, sharedDir } from "../support/paths.js";

const CAPTURES = join(sharedDir(), "captures");
const FILE = "public/tcpdump/mptcp-aa-v1.pcap";
const FIELDS = ["-e", "frame.number", "-e", "ip.src", "-e", "tcp.option_kind", "-e", "tcp.options.sack_le",
  "-e", "tcp.options.mss_val", "-e", "_ws.expert.message", "-e", "_ws.col.Info"];
const ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };

function run(cmd: string, args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(cmd, args, { cwd: CAPTURES, env: ENV, maxBuffer: 64 << 20 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), status: r.status };
}
const tshark = (args: string[]) => run("tshark", ["-r", FILE, "-n", "-d", "tcp.port==1-65535,data", ...args]);
const synack = (args: string[]) => run(process.execPath, [CLI, "read", "-r", FILE, "-n", "-d", "tcp.port==1-65535,data", ...args]);

const FORMATS: string[][] = [
  [],
  ["-E", "header=y"],
  ["-E", "header=y", "-E", "quote=d", "-E", "separator=ab"],
  ["-E", "quote=s", "-E", "separator=/s", "-E", "occurrence=l"],
  ["-E", "occurrence=f", "-E", "aggregator=;"],
  ["-E", "aggregator=/s", "-E", "header=n"],
  ["-E", "occurrence=a", "-E", "aggregator=ab", "-E", "quote=d"],
];

for (const fmt of FORMATS) {
  test(`read -E ${fmt.filter((a) => a !== "-E").join(" ") || "(defaults)"}: same bytes as tshark`, () => {
    const args = ["-Y", "tcp", "-T", "fields", ...fmt, ...FIELDS];
    const want = tshark(args), got = synack(args);
    assert.equal(want.status, 0, want.err);
    assert.equal(got.status, 0, got.err);
    assert.equal(got.out, want.out);
  });
}

// Frames with several IP layers (tunnels) and ICMP-quoted TCP headers: the packet fields have several
// occurrences there, and are written straight from the decoded frame (FieldRows' direct columns).
const LAYERED = ["public/libpcap/filter__geneve.pcap", "public/pcapplusplus/PacketppTest__PacketExamples__IcmpPackets.pcap",
  "public/pcapplusplus/PacketppTest__PacketExamples__gtp.pcap"];
const PACKET_FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
  "tcp.dstport", "tcp.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.str", "tcp.window_size_value",
  "tcp.checksum.status", "tcp.urgent_pointer", "tcp.option_kind", "tcp.options.mss_val"].flatMap((f) => ["-e", f]);
for (const file of LAYERED) {
  for (const fmt of [[], ["-E", "occurrence=f"], ["-E", "occurrence=l", "-E", "quote=s"], ["-E", "aggregator=ab", "-E", "quote=d", "-E", "separator=/s"]]) {
    test(`read ${file.split("/").pop()} -E ${fmt.filter((a) => a !== "-E").join(" ") || "(defaults)"}: packet fields of every layer as tshark`, () => {
      const args = ["-T", "fields", ...fmt, ...PACKET_FIELDS];
      const want = run("tshark", ["-r", file, "-n", ...args]), got = run(process.execPath, [CLI, "read", "-r", file, "-n", ...args]);
      assert.equal(want.status, 0, want.err);
      if (!fmt.some((a) => a.startsWith("occurrence="))) {
        assert.ok(/\d(,|a)\d/.test(want.out), "the capture has frames with several occurrences");
      }
      assert.equal(got.out, want.out);
    });
  }
}

test("read -e ip.src alone: one value per IPv4 layer, as tshark", () => {
  const args = ["-T", "fields", "-e", "ip.src"];
  const file = LAYERED[0]!;
  assert.equal(run(process.execPath, [CLI, "read", "-r", file, ...args]).out, run("tshark", ["-r", file, ...args]).out);
});

for (const pref of ["tcp.analyze_sequence_numbers:FALSE", "tcp.relative_sequence_numbers:FALSE", "tcp.ignore_tcp_timestamps:TRUE"]) {
  test(`read -o ${pref} (summary lines): the Info column changes as in tshark`, () => {
    const args = ["-Y", "tcp", "-o", pref];
    const want = tshark(args), got = synack(args);
    assert.equal(want.status, 0, want.err);
    assert.notEqual(want.out, tshark(["-Y", "tcp"]).out, "the preference changes tshark's lines");
    assert.equal(got.out, want.out);
  });
}

test("read: without -Y every frame gets a row, as with tshark", () => {
  const args = ["-T", "fields", "-e", "frame.number", "-e", "tcp.srcport"];
  assert.equal(synack(args).out, tshark(args).out);
});

test("read -o: a non-default preference changes the rows as it does in tshark", () => {
  const args = ["-Y", "tcp", "-T", "fields", "-o", "tcp.relative_sequence_numbers:FALSE", "-o", "tcp.ignore_tcp_timestamps:TRUE",
    "-e", "tcp.seq", "-e", "tcp.ack", "-e", "_ws.col.Info"];
  assert.equal(synack(args).out, tshark(args).out);
});

const ERRORS: Array<[name: string, args: string[], message: RegExp]> = [
  ["unknown field", ["-T", "fields", "-e", "frame.number", "-e", "bogus.field"], /Some fields aren't valid: bogus\.field/],
  ["bad -E value", ["-T", "fields", "-e", "frame.number", "-E", "header=x"], /"header" is not a valid field output option=value pair/],
  ["unknown -E key", ["-T", "fields", "-e", "frame.number", "-E", "foo=y"], /"foo" is not a valid field output option=value pair/],
  ["unknown preference", ["-T", "fields", "-e", "frame.number", "-o", "foo.bar:1"], /-o flag "foo\.bar:1" specifies unknown preference/],
  ["-e without -T fields", ["-e", "frame.number"], /-T fields/],
  ["-T fields without -e", ["-T", "fields"], /no fields were specified with "-e"/],
];
for (const [name, args, message] of ERRORS) {
  test(`read error, ${name}: tshark's exit status and a one-line message`, () => {
    const want = tshark(args), got = synack(args);
    assert.equal(got.status, want.status, `tshark exits ${want.status}: ${want.err}`);
    assert.equal(got.out, "");
    assert.match(got.err, message);
    assert.equal(got.err.trim().split("\n").length, 1, got.err);
  });
}

/** tshark's stderr without its "Running as user" warning and "tshark: " prefix. */
const tsharkErr = (err: string): string =>
  err.split("\n").filter((l) => !l.startsWith("Running as user")).join("\n").replace(/^tshark: /, "");

for (const filter of ["tcp.prot == 80", "tcp.port == 65536", "tcp.port ==", "ip.addr == 1.2.3", "tcp.flags.syn == 1 &&& 1"]) {
  for (const mode of [["-T", "fields", "-e", "frame.number"], []]) {
    test(`read -Y ${JSON.stringify(filter)} ${mode.length > 0 ? "-T fields" : "(summary)"}: tshark's lines and exit status`, () => {
      const want = tshark(["-Y", filter, ...mode]), got = synack(["-Y", filter, ...mode]);
      assert.equal(got.status, want.status);
      assert.equal(got.status, 2);
      assert.equal(got.out, "");
      assert.equal(got.err.replace(/^synack read: /, ""), tsharkErr(want.err));
    });
  }
}

for (const [filter, mode] of [["tcp.flags.syn == 1 and tcp.port != 22", ["-T", "fields", "-e", "frame.number", "-e", "tcp.flags"]],
    ["tcp.len > 0", []], ["tcp.analysis.ack_rtt < 0.001 || tcp.flags.fin", ["-T", "json"]], ["tcp.stream == 0 && tcp.len > 0", ["-V"]]] as const) {
  test(`read -Y ${JSON.stringify(filter)} ${mode.join(" ") || "(summary)"}: the frames tshark keeps`, () => {
    const want = tshark(["-Y", filter, "-T", "fields", "-e", "frame.number"]);
    const got = synack(["-Y", filter, ...mode]);
    assert.equal(got.status, 0, got.err);
    const wantFrames = want.out.split("\n").filter((l) => l !== "");
    assert.ok(wantFrames.length > 0);
    if (mode[0] === "-T" && mode[1] === "fields") {
      assert.deepEqual(got.out.split("\n").filter((l) => l !== "").map((l) => l.split("\t")[0]), wantFrames);
    } else if (mode[0] === "-T") {
      const frames = (JSON.parse(got.out) as Array<{ _source: { layers: { frame: Record<string, string> } } }>)
        .map((p) => p._source.layers.frame["frame.number"]);
      assert.deepEqual(frames, wantFrames);
    } else if (mode[0] === "-V") {
      assert.deepEqual([...got.out.matchAll(/^Frame (\d+):/gm)].map((m) => m[1]), wantFrames);
    } else {
      assert.deepEqual(got.out.split("\n").filter((l) => l !== "").map((l) => l.trim().split(/\s+/)[0]), wantFrames);
    }
  });
}

test("read error: a missing file exits 2 with one line, like tshark", () => {
  const r = run(process.execPath, [CLI, "read", "-r", "no/such.pcap", "-T", "fields", "-e", "frame.number"]);
  const t = run("tshark", ["-r", "no/such.pcap", "-T", "fields", "-e", "frame.number"]);
  assert.equal(r.status, t.status);
  assert.match(r.err, /doesn't exist/);
  assert.equal(r.err.trim().split("\n").length, 1);
});

test("read -r -: stdin gives the same rows as the file", () => {
  const args = ["-Y", "tcp", "-T", "fields", ...FIELDS];
  const file = synack(args);
  const r = spawnSync("sh", ["-c", `"${process.execPath}" "${CLI}" read -r - ${args.map((a) => `'${a}'`).join(" ")} < '${FILE}'`],
    { cwd: CAPTURES, env: ENV });
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stdout.toString(), file.out);
});

test("read -T fields -c N: N frames read (not rows printed), and a damaged file after them is no error, as tshark", () => {
  for (const c of ["1", "3", "7"]) {
    const args = ["-T", "fields", "-e", "frame.number", "-e", "tcp.seq", "-Y", "tcp.seq > 1", "-c", c];
    const want = tshark(args), got = synack(args);
    assert.equal(got.status, want.status);
    assert.equal(got.out, want.out, `-c ${c}`);
  }
  // One frame, then damage: -c 1 stops before it (exit 0), -c 2 meets it (exit 2), as tshark.
  const damaged = "malformed/ndpi/fuzz-2021-10-13.pcap";
  for (const c of ["1", "2"]) {
    const args = ["-r", damaged, "-n", "-T", "fields", "-e", "frame.number", "-c", c];
    const want = run("tshark", args), got = run(process.execPath, [CLI, "read", ...args]);
    assert.equal(got.status, want.status, `-c ${c}`);
    assert.equal(got.out, want.out);
  }
  assert.equal(synack(["-T", "fields", "-e", "frame.number", "-c", "0"]).status, 2);
});

test("read into a full device (> /dev/full): one line 'cannot write output', status 74, for rows and summary lines", () => {
  for (const mode of [["-T", "fields", "-e", "frame.number"], []]) {
    const fd = openSync("/dev/full", "w");
    try {
      const r = spawnSync(process.execPath, [CLI, "read", "-r", FILE, ...mode], { cwd: CAPTURES, env: ENV, stdio: ["ignore", fd, "pipe"] });
      assert.equal(r.status, 74);
      const err = r.stderr.toString();
      assert.match(err, /cannot write output: ENOSPC/);
      assert.equal(err.trim().split("\n").length, 1, err);
    } finally { closeSync(fd); }
  }
});

// The analysis fields that frames of one IP and one TCP header take straight from the analysis
// result (FieldRows' analysis direct columns), in the usual frames and in layered ones, with the
// -E forms that keep them direct (one-byte separator) and one that does not.
const ANALYSIS_FIELDS = ["frame.number", "tcp.stream", "tcp.completeness", "tcp.seq", "tcp.nxtseq", "tcp.ack",
  "tcp.window_size", "tcp.time_relative", "tcp.time_delta", "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt",
  "tcp.analysis.bytes_in_flight", "tcp.analysis.push_bytes_sent", "tcp.analysis.duplicate_ack_num",
  "tcp.analysis.duplicate_ack_frame"].flatMap((f) => ["-e", f]);
for (const file of ["public/zeek/tcp__ssh-dups.pcap", "public/ndpi/weibo.pcap", LAYERED[0]!]) {
  for (const fmt of [[], ["-E", "quote=d"], ["-E", "quote=s", "-E", "occurrence=f"], ["-E", "separator=/s", "-E", "quote=d"]]) {
    test(`read ${file.split("/").pop()} -E ${fmt.filter((a) => a !== "-E").join(" ") || "(defaults)"}: analysis fields as tshark`, () => {
      const args = ["-T", "fields", ...fmt, ...ANALYSIS_FIELDS];
      const want = run("tshark", ["-r", file, "-n", ...args]), got = run(process.execPath, [CLI, "read", "-r", file, "-n", ...args]);
      assert.equal(want.status, 0, want.err);
      if (file !== LAYERED[0]) assert.ok(/\d["']?(\t| )["']?\d+["']?$/m.test(want.out), "some rows end with dup-ACK number and frame");
      assert.equal(got.out, want.out);
    });
  }
}
