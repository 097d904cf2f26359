import { runDemo, sameBytes, formatPeer, ladder, type Walkthrough, type WalkPacket } from "../../lab/index.js";
import { msDigits, msText } from "../../analysis/index.js";
import { packetBlock, renderBytesPrimer, renderHeaderDiagram, wrapText } from "../../explain/index.js";
import { CliError, EXIT_USAGE, parseOptions, parsePort } from "../errors.js";
import { asHex, asText } from "../bytes.js";

export const DEMO_USAGE = `synack demo [--port 20000] [--data AB] [-w synack-demo.pcapng]
  The article in one command: an echo server on 127.0.0.1:20000 (a free port when 20000 is
  busy), a live capture on lo (tcpdump), a client that sends "AB" and shuts down; then every
  packet explained (the same narrative as synack explain): handshake steps, data, teardown,
  seq/ack arithmetic, options, bytes, states. Times are ms since the first packet.
  The capture is written to synack-demo.pcapng (never overwritten: -1, -2 … are used).
  Without tcpdump or the permission to capture, the exchange still runs.`;

/** The walkthrough is written for an 80-column terminal. */
const WIDTH = 80;

/** A long line cut at spaces into 80 columns; continuation lines start with `indent`. */
const wrap = (line: string, indent: string): string[] => wrapText(line, WIDTH, indent);

/** A packet-list row in 80 columns: No., time (ms), frame length, then tshark's Info column
 *  (wrapped). Source and destination are left out: on loopback both are 127.0.0.1, the ports are in Info. */
function listLines(p: WalkPacket): string[] {
  const head = `${String(p.no).padStart(3)} ${msDigits(p.facts.timeRelativeNs).padStart(10)} ${String(p.row.length).padStart(4)}  `;
  return wrap(head + p.row.info, " ".repeat(head.length + 2));
}

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
  out(`  client | shut down both directions after ${msText(r.durationNs)}`);
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
  out("No.    Time ms  Len  Info");
  for (const p of w.packets) for (const l of listLines(p)) out(l);
  out();
  out("== Walkthrough ==");
  out(`client = ${formatPeer(w.client.addr, w.client.port)} (the side that sent the SYN),`);
  out(`server = ${formatPeer(w.server.addr, w.server.port)}. Relative numbers are what Wireshark shows:`);
  out("seq − the sender's ISN, ack − the receiver's ISN. synack explain says the same");
  out("of the written file.");
  const firstData = w.packets.find((p) => p.facts.seglen > 0);
  for (const sec of w.sections) {
    out();
    const frames = sec.items.map((it) => (it.kind === "packet" ? it.frame : it.firstFrame));
    const first = frames[0]!, last = frames[frames.length - 1]!;
    out(`-- ${sec.phase} (packet${first === last ? ` ${first}` : `s ${first}–${last}`}) --`);
    if (sec.intro !== undefined) for (const l of wrap(sec.intro, "")) out(l);
    for (const it of sec.items) {
      if (it.kind === "run") { for (const l of wrap(`  ${it.text}`, "    ")) out(l); continue; }
      const p = w.packets.find((q) => q.no === it.frame)!;
      for (const l of wrap(`#${it.headline.slice("frame ".length)}`, "    ")) out(l);
      for (const l of packetBlock(it, { width: WIDTH })) out(l);
      if (p === firstData) for (const line of firstDataLines(p)) out(line);
    }
  }
  out();
  for (const line of checksLine(w)) for (const l of wrap(line, "  ")) out(l);
  out();
  out("== Ladder ==");
  out("Time runs down (ms since the SYN); each arrow is one segment (flags, relative");
  out("seq/ack, payload length); each side's state is written where it changes.");
  for (const line of ladder(w, { width: WIDTH })) out(line);
  out();
  out("== Open the capture ==");
  out(`  synack read -r ${run.file}     the packet list, tshark style`);
  out(`  synack explain -r ${run.file}  every packet explained`);
  out(`  synack ui -r ${run.file}       in your browser, with the ladder`);
  out(`  wireshark ${run.file}          or tshark -r ${run.file}`);
  return 0;
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
