import { runDemo, sameBytes, formatPeer, formatRow, ladder, type Walkthrough, type WalkPacket } from "../../lab/index.js";
import { CliError, EXIT_USAGE, parseOptions, parsePort } from "../errors.js";
import { asHex, asText } from "../bytes.js";

export const DEMO_USAGE = `synack demo [--port 20000] [--data AB] [-w synack-demo.pcapng]
  The article in one command: an echo server on 127.0.0.1:20000 (a free port when 20000 is
  busy), a live capture on lo (tcpdump), a client that sends "AB" and shuts down; then every
  packet explained: handshake, data, teardown, seq/ack arithmetic, options, bytes, states.
  The capture is written to synack-demo.pcapng (never overwritten: -1, -2 … are used).
  Without tcpdump or the permission to capture, the exchange still runs.`;

const PHASE_TITLE = { handshake: "Three-way handshake", data: "Data transfer", teardown: "Teardown", reset: "Reset" } as const;

/** `synack demo` (what `npm start` runs). */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, options: {
      port: { type: "string" }, data: { type: "string" }, write: { type: "string", short: "w" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { process.stdout.write(DEMO_USAGE + "\n"); return 0; }
  const wanted = parsePort(values.port, 20000);
  if (values.data === "") throw new CliError("--data must not be empty", EXIT_USAGE);
  const data = new TextEncoder().encode(values.data ?? "AB");
  const out = (line = "") => process.stdout.write(line + "\n");

  const serverLog: string[] = [];
  const run = await runDemo({ port: wanted, data, log: (line) => serverLog.push(`  server | ${line}`),
    ...(values.write !== undefined ? { file: values.write } : {}) });
  const r = run.exchange;
  if (run.portNote) out(`note: ${run.portNote}`);
  out(`Echo server listening on ${formatPeer("127.0.0.1", run.port)}`);
  for (const l of serverLog) if (!l.includes("| Closed")) out(l);
  out(`  client | connected from ${formatPeer(r.local.host, r.local.port)}`);
  out(`  client | sent     ${asText(r.sent)} = ${asHex(r.sent)} (hex)`);
  out(`  client | received ${asText(r.received)} = ${asHex(r.received)} (hex)`);
  out(`  client | shut down both directions after ${(r.durationNs / 1e6).toFixed(3)} ms`);
  for (const l of serverLog) if (l.includes("| Closed")) out(l);
  if (!sameBytes(r.sent, r.received)) throw new CliError("the echo did not match what was sent", 1);

  if (run.walkthrough === undefined || run.file === undefined) {
    out(`No capture: ${run.noCapture ?? "unknown reason"}. The exchange above still ran; the walkthrough needs a capture.`);
    return 0;
  }
  out(`Captured ${run.packets.length} packets on lo (filter: tcp port ${run.port}), written to ${run.file}`);
  const w = run.walkthrough;
  out();
  out("== Packet list ==");
  out("   No.         Time          Source   → Destination     Prot  Len Info");
  for (const p of w.packets) out(formatRow(p.row));
  out();
  out("== Walkthrough ==");
  out(`client = ${formatPeer(w.client.addr, w.client.port)} (the side that sent the SYN), server = ${formatPeer(w.server.addr, w.server.port)}`);
  out("Relative numbers are what Wireshark shows: seq − the sender's ISN, ack − the receiver's ISN.");
  const explained = new Set<string>();
  for (const ph of w.phases) {
    out();
    const first = ph.packets[0]!, last = ph.packets[ph.packets.length - 1]!;
    out(`-- ${PHASE_TITLE[ph.phase]} (packet${first === last ? ` ${first}` : `s ${first}–${last}`}) --`);
    for (const no of ph.packets) for (const line of packetLines(w.packets.find((p) => p.no === no)!, w, explained)) out(line);
  }
  out();
  for (const line of checksLine(w)) out(line);
  out();
  out("== Ladder ==");
  for (const line of ladder(w)) out(line);
  out();
  out("== Open the capture ==");
  out(`  synack read -r ${run.file}        the packet list, tshark style`);
  out(`  synack ui ${run.file}             the same in your browser, with ladder diagrams`);
  out(`  wireshark ${run.file}             or tshark -r ${run.file}`);
  return 0;
}

/** The walkthrough lines of one packet. `explained` remembers option names already explained. */
function packetLines(p: WalkPacket, w: Walkthrough, explained: Set<string>): string[] {
  const side = (s: "client" | "server") => `${s} ${formatPeer(s === "client" ? w.client.addr : w.server.addr, s === "client" ? w.client.port : w.server.port)}`;
  const lines: string[] = [];
  lines.push(`#${p.no}  ${side(p.sender)} → ${side(p.receiver)}  [${p.flagNames.join(", ")}]  t=${p.row.time} s`);
  lines.push(`    ${p.headline}`);
  for (const a of p.analysis) {
    lines.push(`    ${a.tag}: ${a.meaning}`);
    if (a.rule) lines.push(`        rule: ${a.rule}; values ${Object.entries(a.values).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  }
  for (const f of p.flagMeanings) lines.push(`    ${f.flag.padEnd(7)} ${f.meaning}`);
  lines.push(`    seq     ${p.seqRel}: ${p.seqWhy}`);
  lines.push(p.ackWhy !== undefined ? `    ack     ${p.ackRel}: ${p.ackWhy}` : `    ack     not set (no ACK flag, the field is ignored; raw ${p.ackRaw})`);
  const consumes = (p.flags & 0x003) !== 0 ? ` + 1 for the ${(p.flags & 0x002) !== 0 ? "SYN" : "FIN"}` : "";
  lines.push(`    next    the ${p.sender}'s next seq is ${p.nextSeqRel} (= ${p.seqRel} + ${p.payloadLength} data byte${p.payloadLength === 1 ? "" : "s"}${consumes})`);
  lines.push(`    window  ${p.windowBytes}: ${p.windowWhy}`);
  for (const o of p.options) {
    const first = !explained.has(o.name);
    explained.add(o.name);
    lines.push(`    option  ${o.name}${o.value ? " " + o.value : ""}${first ? ` — ${o.meaning}` : ""}`);
  }
  if (p.payloadLength > 0) {
    lines.push(`    data    ${p.payloadLength} byte${p.payloadLength === 1 ? "" : "s"} (a byte is 8 bits; ASCII gives each character a number):`);
    for (const b of p.payloadBytes.slice(0, 16)) {
      lines.push(`              ${b.char !== undefined ? `'${b.char}'` : "   "} = ${String(b.decimal).padStart(3)} = ${b.hex} = ${b.bits}${b.char === undefined ? " (not printable text)" : ""}`);
    }
    if (p.payloadBytes.length > 16) lines.push(`              … ${p.payloadBytes.length - 16} more`);
  }
  const st = (who: string, a: string, b: string) => a === b ? `${who} ${a}` : `${who} ${a} → ${b}`;
  lines.push(`    states  ${st("client", p.clientBefore, p.clientAfter)}; ${st("server", p.serverBefore, p.serverAfter)}`);
  return lines;
}

function checksLine(w: Walkthrough): string[] {
  const c = w.checks;
  const yes = (b: boolean) => (b ? "yes" : "NO");
  return [`Checks: handshake ${yes(c.handshake)}; client sent ${asText(c.dataFromClient)}, server sent ${asText(c.dataFromServer)}; ` +
    `client's FIN acknowledged ${yes(c.clientFinAcked)}; server's FIN acknowledged ${yes(c.serverFinAcked)}`];
}
