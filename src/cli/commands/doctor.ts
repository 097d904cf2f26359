/** `synack doctor -r FILE [--stream N] [--all] [--json] [--color]`: what limited each connection,
 *  direction by direction, and where its time went, in words with numbers and frame ranges
 *  (src/analysis/doctor-*.ts, docs/doctor.md), or the same claims as JSON. */
import { collectDoctor, diagnose, doctorTextChunks } from "../../analysis/index.js";
import { paint } from "../../explain/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";
import { captureRecords, parseIndex, wantColor, writeOut } from "./capture-input.js";

export const DOCTOR_USAGE = `synack doctor -r FILE [--stream N] [--all] [--json] [--color]
  A diagnosis in words: for each TCP connection and direction, what limited the sender (the
  application: nothing in flight; the receiver: in flight at the advertised window, zero
  windows; the network: losses, RTO stalls, a rate flat at a bottleneck) as shares of its time,
  and where the time went (handshake, RTO waits, zero-window stalls, idle), each claim with its
  numbers and frames. Worst connections first; a capture with nothing wrong is one line. Also
  says when the capture misleads: packets captured twice, TSO super-segments, data ACKed but
  never captured, payloads cut by the snaplen. Definitions and thresholds: docs/doctor.md.
  --stream N   only tcp.stream N (printed in full)
  --all        every connection in full, also when nothing is wrong
  --json       the same claims as data (numbers in ns, bytes, bit/s; shares 0…1)
  --color      colour even when stdout is not a terminal (NO_COLOR wins)`;

/** \`synack doctor\`. */
export async function doctorCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, allowPositionals: false, options: {
      read: { type: "string", short: "r" }, stream: { type: "string" }, all: { type: "boolean" }, json: { type: "boolean" },
      color: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(DOCTOR_USAGE + "\n"); return 0; }
  if (values.read === undefined) throw new CliError("-r FILE is required (a pcap or pcapng file, - for stdin)", EXIT_USAGE);
  const stream = parseIndex(values.stream, "--stream");
  const damage: { message?: string } = {};
  const col = await collectDoctor(captureRecords(values.read, damage), stream);
  if (stream !== undefined && col.conns[stream] === undefined) {
    throw new CliError(`no tcp.stream ${stream} in '${values.read}' (it has ${col.streams} TCP stream${col.streams === 1 ? "" : "s"})`);
  }
  const d = diagnose(col);
  if (values.json) {
    await writeOut(JSON.stringify(damage.message === undefined ? d : { ...d, captureDamage: damage.message }) + "\n");
    return 0;
  }
  const color = wantColor(values.color);
  const p = (style: "bold" | "red" | "yellow" | "green" | "dim", text: string): string => paint(style, text, color);
  let buf = "";
  for (const chunk of doctorTextChunks(d, p, values.all === true || stream !== undefined)) {
    buf += chunk;
    if (buf.length > 1 << 16) { await writeOut(buf); buf = ""; }
  }
  if (damage.message !== undefined) buf += `(the capture stops early: ${damage.message})\n`;
  await writeOut(buf);
  return 0;
}
