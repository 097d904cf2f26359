/** `npm start` = `node dist/cli/main.js demo`: exits 0 and prints the walkthrough's key facts
 *  from a live capture; writes synack-demo.pcapng in the current directory, never overwriting. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCaptureBytes } from "../../src/capture/index.js";
import { CLI } from "../support/paths.js";

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd, env });
    let stdout = "", stderr = "";
    child.stdout.on("data", (c) => { stdout += c; });
    child.stderr.on("data", (c) => { stderr += c; });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("cli demo: npm start's command shows the article from a live capture", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-demo-cli-"));
  const r = await runCli(["demo"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const o = r.stdout;
  const port = o.match(/listening on 127\.0\.0\.1:(\d+)/)?.[1];
  assert.ok(port, o);
  if (port !== "20000") assert.match(o, /port 20000 is busy, so the demo uses free port \d+/);
  assert.match(o, /written to synack-demo\.pcapng/);
  const file = join(dir, "synack-demo.pcapng");
  const c = readCaptureBytes(new Uint8Array(readFileSync(file)));
  assert.equal(c.fatal, undefined);
  assert.match(o, new RegExp(`Captured ${c.records.length} packets`));
  // Packet list, phases, the numbers and their why, bytes, states, ladder, how to open the file.
  // Everything fits 80 columns; facts are matched on the text with line breaks folded to spaces.
  const long = o.split("\n").filter((l) => [...l].length > 80);
  assert.deepEqual(long, [], "lines wider than 80 columns");
  const flat = o.replace(/\s+/g, " ");
  assert.match(o, /== Packet list ==/);
  assert.match(flat, new RegExp(`\\d+ → ${port} \\[SYN\\] Seq=0 Win=\\d+ Len=0 MSS=\\d+ SACK_PERM TSval=\\d+ TSecr=0 WS=\\d+`));
  assert.match(flat, new RegExp(`${port} → \\d+ \\[SYN, ACK\\] Seq=0 Ack=1 `));
  assert.match(flat, new RegExp(`\\d+ → ${port} \\[PSH, ACK\\] Seq=1 Ack=1 Win=\\d+ Len=2 `));
  assert.match(o, /-- handshake \(packets 1–3\) --/);
  assert.match(o, /-- data \(packets 4–/);
  assert.match(o, /-- teardown \(packets \d+–\d+\) --/);
  assert.match(flat, /Step 1 of the three-way handshake: the client asks to open a connection\./);
  assert.match(flat, /Step 2 of the three-way handshake: the server accepts/);
  assert.match(flat, /Step 3 of the three-way handshake: the client acknowledges the server's SYN; both sides are now ESTABLISHED\./);
  assert.match(flat, /initial sequence number \(ISN\) \d+, chosen at random/);
  assert.match(flat, /ack 3 \(raw \d+\) = raw − the client's ISN \d+: the next byte the server expects from the client; everything before it has arrived \(3 = 1 for the client's SYN \+ 2 data bytes received\)/);
  assert.match(flat, /data 2 bytes "AB" = 0x41 0x42/);
  assert.match(flat, /option MSS \d+ — maximum segment size/);
  assert.match(flat, /option WS shift \d+ \(×\d+\) — window scale/);
  assert.match(flat, /option SACK permitted — /);
  assert.match(flat, /option TS val \d+ ecr 0 — /);
  assert.match(flat, /states client CLOSED → SYN-SENT \(send SYN\); server LISTEN → SYN-RECEIVED \(receive SYN\)/);
  assert.match(flat, /server (CLOSE-WAIT|ESTABLISHED) → LAST-ACK/);
  assert.match(flat, /server LAST-ACK → CLOSED/);
  assert.match(flat, /FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT/);
  assert.match(flat, /state TIME-WAIT: both FINs are acknowledged\. The client closed first, so it waits 2·MSL/);
  assert.doesNotMatch(flat, /spec §|PARTIAL|thresholdNs|peerDupAckNum/);
  assert.match(flat, /shut down both directions after \d+\.\d{3} ms/);
  assert.match(flat, /Checks: handshake yes; client sent "AB", server sent "AB"; client's FIN acknowledged yes; server's FIN acknowledged yes/);

  // The first data packet's header, RFC 9293 §3.1 style, with its values; then the bytes primer.
  const client = Number(o.match(/client \| connected from 127\.0\.0\.1:(\d+)/)![1]);
  const hex4 = (n: number) => "0x" + n.toString(16).padStart(4, "0");
  assert.match(o, /The TCP header of #4 /);
  assert.match(o, /^ +\| +Source Port +\| +Destination Port +\| +0$/m);
  assert.match(o, new RegExp(`^ +\\| +${client} = ${hex4(client)} +\\| +${port} = ${hex4(Number(port))} +\\|$`, "m"));
  assert.match(o, /^ +\| 1000 {2}\| 0000 {2}\|0\|0\|0\|1\|1\|0\|0\|0\|/m, "data offset 8 (32 bytes), flags ACK and PSH");
  assert.match(flat, /Flags 0x018 = 000000011000: ACK, PSH/);
  assert.match(o, /Payload: 2 bytes, as ASCII text: "AB"/);
  assert.match(o, /^ +0 +'A' += +65 = 0x41 = 01000001$/m);
  assert.match(o, /^ +1 +'B' += +66 = 0x42 = 01000010$/m);

  // The ladder: states where they change, the FINs, the last ACK closing the server.
  const lad = o.slice(o.indexOf("== Ladder =="), o.indexOf("== Open the capture =="));
  assert.match(lad, new RegExp(`client 127\\.0\\.0\\.1:${client} +server 127\\.0\\.0\\.1:${port}`));
  assert.match(lad, /^ +CLOSED \| +\| LISTEN$/m);
  assert.match(lad, /^ *1 +\d+\.\d{3} +SYN-SENT \|-+ SYN seq=0 len=0 -+>\| SYN-RECEIVED$/m);
  assert.match(lad, /^ *2 +\d+\.\d{3} +ESTABLISHED \|<-+ SYN,ACK seq=0 ack=1 len=0 -+\|$/m);
  assert.match(lad, /^ *4 +\d+\.\d{3} +\|-+ PSH,ACK seq=1 ack=1 len=2 -+>\|$/m);
  assert.match(lad, /FIN-WAIT-1 \|-+ FIN,ACK seq=3 ack=\d+ len=0 -+>\| CLOSE-WAIT$/m);
  assert.match(lad, /\|<-+ FIN,ACK seq=3 ack=4 len=0 -+\| LAST-ACK$/m);
  assert.match(lad, /\|-+ ACK seq=4 ack=4 len=0 -+>\| CLOSED$/m);
  assert.match(o, /synack read -r synack-demo\.pcapng/);
  assert.match(o, /synack ui -r synack-demo\.pcapng/);
  assert.match(o, /wireshark synack-demo\.pcapng/);
  // One narrative: each packet's explanation in the walkthrough is what synack explain says of the file.
  const ex = await runCli(["explain", "-r", "synack-demo.pcapng"], dir);
  assert.equal(ex.code, 0, ex.stderr);
  assert.match(ex.stdout, /^ +data +2 bytes "AB" = 0x41 0x42$/m, "the article's acceptance line");
  assert.equal(ex.stdout.match(/NOP/g)?.length, 1, "NOP padding said once");
  const walk = o.slice(o.indexOf("== Walkthrough =="), o.indexOf("Checks:")).replace(/\s+/g, " ");
  const blocks = ex.stdout.split("\n").filter((l) => /^ {4}\S/.test(l)).map((l) => l.replace(/\s+/g, " ").trim());
  assert.ok(blocks.length > 60, `${blocks.length} explain lines`);
  for (const b of blocks) assert.ok(walk.includes(b), `the demo says what explain says: ${b}`);

  // A second run keeps the first file and writes synack-demo-1.pcapng.
  const firstBytes = readFileSync(file);
  const r2 = await runCli(["demo", "--port", "0", "--data", "hi"], dir);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /written to synack-demo-1\.pcapng/);
  assert.match(r2.stdout, /^ +0 +'h' += +104 = 0x68 = 01101000$/m);
  assert.deepEqual(readFileSync(file), firstBytes, "first file untouched");
  assert.ok(existsSync(join(dir, "synack-demo-1.pcapng")));
});

test("cli demo: without tcpdump the exchange runs and one line says why there is no capture", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-demo-cli-"));
  const r = await runCli(["demo", "--port", "0"], dir, { ...process.env, PATH: mkdtempSync(join(tmpdir(), "synack-nopath-")) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /received "AB" = 41 42/);
  const why = r.stdout.split("\n").filter((l) => l.startsWith("No capture:"));
  assert.equal(why.length, 1);
  assert.match(why[0]!, /tcpdump not found on PATH; install it/);
  assert.equal(existsSync(join(dir, "synack-demo.pcapng")), false);
});

test("cli demo: usage errors are one line, exit 2", async () => {
  const dir = mkdtempSync(join(tmpdir(), "synack-demo-cli-"));
  const r = await runCli(["demo", "--data", ""], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "synack demo: --data must not be empty\n");
  const r2 = await runCli(["demo", "--port", "x"], dir);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /^synack demo: --port must be a number from 0 to 65535, not 'x'\n$/);
});
