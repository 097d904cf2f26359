import { runDemo, sameBytes, formatPeer, ladder, type PacketRow, type Walkthrough, type WalkPacket } from "../../lab/index.js";
import { renderBytesPrimer, renderHeaderDiagram, wrapText } from "../../explain/index.js";
import { CliError, EXIT_USAGE, parseOptions, parsePort } from "../errors.js";
import { asHex, asText } from "../bytes.js";

export const DEMO_USAGE = `synack demo [--port 20000] [--data AB] [-w synack-demo.pcapng]
  The article in one command: an echo server on 127.0.0.1:20000 (a free port when 20000 is
  busy), a live capture on lo (tcpdump), a client that sends "AB" and shuts down; then every
  packet explained: handshake, data, teardown, seq/ack arithmetic, options, bytes, states.
  The capture is written to synack-demo.pcapng (never overwritten: -1, -2 … are used).
  Without tcpdump or the permission to capture, the exchange still runs.`;

/** The walkthrough is written for an 80-column terminal. */
const WIDTH = 80;

/** A long line cut at spaces into 80 columns; continuation lines start with `indent`. */
const wrap = (line: string, indent: string): string[] => wrapText(line, WIDTH, indent);

/** A packet-list row in 80 columns: No., time, frame length, then tshark's Info column (wrapped).
 *  Source and destination are left out: on loopback both are 127.0.0.1, the ports are in Info. */
function listLines(r: PacketRow): string[] {
  const head = `${String(r.no).padStart(3)} ${r.time.padStart(11)} ${String(r.length).padStart(4)}  `;
  return wrap(head + r.info, " ".repeat(head.length + 2));
}

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
  out(`Captured ${run.packets.length} packets on lo (filter: tcp port ${run.port}),`);
  out(`written to ${run.file}`);
  const w = run.walkthrough;
  out();
  out("== Packet list ==");
  out(`Source and destination are ${w.client.addr} (loopback); Info is tshark's column.`);
  out("No.        Time  Len  Info");
  for (const p of w.packets) for (const l of listLines(p.row)) out(l);
  out();
  out("== Walkthrough ==");
  out(`client = ${formatPeer(w.client.addr, w.client.port)} (the side that sent the SYN),`);
  out(`server = ${formatPeer(w.server.addr, w.server.port)}. Relative numbers are what Wireshark shows:`);
  out("seq − the sender's ISN, ack − the receiver's ISN.");
  const explained = new Set<string>();
  const firstData = w.packets.find((p) => p.payloadLength > 0);
  for (const ph of w.phases) {
    out();
    const first = ph.packets[0]!, last = ph.packets[ph.packets.length - 1]!;
    out(`-- ${PHASE_TITLE[ph.phase]} (packet${first === last ? ` ${first}` : `s ${first}–${last}`}) --`);
    for (const no of ph.packets) {
      const p = w.packets.find((q) => q.no === no)!;
      for (const line of packetLines(p, w, explained, p === firstData)) out(line);
      if (p === firstData) for (const line of firstDataLines(p)) out(line);
    }
  }
  out();
  for (const line of checksLine(w)) for (const l of wrap(line, "  ")) out(l);
  out();
  out("== Ladder ==");
  out("Time runs down; each arrow is one segment (flags, relative seq/ack, payload");
  out("length); each side's state is written where it changes.");
  for (const line of ladder(w, { width: WIDTH })) out(line);
  out();
  out("== Open the capture ==");
  out(`  synack read -r ${run.file}     the packet list, tshark style`);
  out(`  synack explain -r ${run.file}  every packet explained`);
  out(`  synack ui -r ${run.file}       in your browser, with the ladder`);
  out(`  wireshark ${run.file}          or tshark -r ${run.file}`);
  return 0;
}

/** The walkthrough lines of one packet, wrapped to 80 columns. `explained` remembers option names
 *  already explained; `primer`: the payload is shown byte by byte further down. */
function packetLines(p: WalkPacket, w: Walkthrough, explained: Set<string>, primer: boolean): string[] {
  const side = (s: "client" | "server") => `${s} ${formatPeer(s === "client" ? w.client.addr : w.server.addr, s === "client" ? w.client.port : w.server.port)}`;
  const lines: string[] = [];
  /** `    label   text`, continuation lines under the text. */
  const item = (label: string, text: string): void => { lines.push(...wrap(`    ${label.padEnd(7)} ${text}`, " ".repeat(12))); };
  lines.push(...wrap(`#${p.no}  ${side(p.sender)} → ${side(p.receiver)}  [${p.flagNames.join(", ")}]  t=${p.row.time} s`, "    "));
  lines.push(...wrap(`    ${p.headline}`, "    "));
  for (const a of p.analysis) {
    lines.push(...wrap(`    ${a.tag}: ${a.meaning}`, "        "));
    if (a.rule) lines.push(...wrap(`        rule: ${a.rule}; values ${Object.entries(a.values).map(([k, v]) => `${k}=${v}`).join(", ")}`, "          "));
  }
  for (const f of p.flagMeanings) item(f.flag, f.meaning);
  item("seq", `${p.seqRel}: ${p.seqWhy}`);
  item("ack", p.ackWhy !== undefined ? `${p.ackRel}: ${p.ackWhy}` : `not set (no ACK flag, the field is ignored; raw ${p.ackRaw})`);
  const consumes = (p.flags & 0x003) !== 0 ? ` + 1 for the ${(p.flags & 0x002) !== 0 ? "SYN" : "FIN"}` : "";
  item("next", `the ${p.sender}'s next seq is ${p.nextSeqRel} (= ${p.seqRel} + ${p.payloadLength} data byte${p.payloadLength === 1 ? "" : "s"}${consumes})`);
  item("window", `${p.windowBytes}: ${p.windowWhy}`);
  for (const o of p.options) {
    const first = !explained.has(o.name);
    explained.add(o.name);
    item("option", `${o.name}${o.value ? " " + o.value : ""}${first ? ` — ${o.meaning}` : ""}`);
  }
  if (p.payloadLength > 0) {
    const text = p.primer.allPrintable ? ` "${p.primer.rows.map((r) => r.char).join("")}"${p.primer.omitted > 0 ? "…" : ""}` : "";
    const hex = p.primer.rows.slice(0, 16).map((r) => r.hex).join(" ") + (p.payloadLength > 16 ? " …" : "");
    item("data", `${p.payloadLength} byte${p.payloadLength === 1 ? "" : "s"}${text} = ${hex}${primer ? " (byte by byte below)" : ""}`);
  }
  const st = (who: string, a: string, b: string) => a === b ? `${who} ${a}` : `${who} ${a} → ${b}`;
  item("states", `${st("client", p.clientBefore, p.clientAfter)}; ${st("server", p.serverBefore, p.serverAfter)}`);
  return lines;
}

/** After the first data packet: its whole TCP header as RFC 9293 draws it, and the bytes primer
 *  (bits, bytes, ASCII, hex) of its payload. */
function firstDataLines(p: WalkPacket): string[] {
  return [
    "",
    `    The TCP header of #${p.no} as RFC 9293 §3.1 draws it: 32 bits a row, each`,
    "    field with this packet's value in decimal, hex and bits; byte offsets right.",
    "",
    ...renderHeaderDiagram(p.header).map((l) => (l === "" ? l : "  " + l)).flatMap((l) => wrap(l, "      ")),
    "",
    "    The payload byte by byte. A byte is 8 bits (each 0 or 1), so it holds a",
    "    number from 0 to 255; ASCII gives each character such a number. The same",
    "    byte in decimal, in hex (base 16: two digits per byte, written 0x..) and",
    "    in bits:",
    "",
    ...renderBytesPrimer(p.primer).map((l) => "  " + l).flatMap((l) => wrap(l, "      ")),
    "",
  ];
}

function checksLine(w: Walkthrough): string[] {
  const c = w.checks;
  const yes = (b: boolean) => (b ? "yes" : "NO");
  return [`Checks: handshake ${yes(c.handshake)}; client sent ${asText(c.dataFromClient)}, server sent ${asText(c.dataFromServer)}; ` +
    `client's FIN acknowledged ${yes(c.clientFinAcked)}; server's FIN acknowledged ${yes(c.serverFinAcked)}`];
}
