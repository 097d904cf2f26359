import { bytesPrimer, narrateStream, paint, renderNarrative, tcpHeaderDiagram } from "../../explain/index.js";
import { collectPackets, type PacketFacts } from "../../analysis/index.js";
import { CliError, parseOptions } from "../errors.js";
import { captureRecords, parseIndex, wantColor, writeOut } from "./capture-input.js";

export const EXPLAIN_USAGE = `synack explain -r FILE [--frame N] [--stream N] [--why] [--diagram] [--bytes] [--json] [--color]
  Each TCP packet in plain English: who sends to whom, the handshake step, what each set flag
  means, where seq/ack come from (ISN, +1 for SYN/FIN, + payload), window and scale, options,
  the payload as text and hex, both sides' states before -> after and what they mean, what the
  ACK acknowledges, and every analysis flag with its rule in words and the RFC behind it.
  Grouped by the analysis's phase (synack.phase); long data runs are summarised; times in ms.
  --why also says why the other flags did not fire. --diagram draws the RFC 9293 header,
  --bytes the payload byte by byte (both on with --frame). --json: the same as data (rule ids
  and values under "why").`;

/** \`synack explain\`. */
export async function explainCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, options: {
      read: { type: "string", short: "r" }, frame: { type: "string" }, stream: { type: "string" },
      why: { type: "boolean" }, diagram: { type: "boolean" }, bytes: { type: "boolean" },
      json: { type: "boolean" }, color: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(EXPLAIN_USAGE + "\n"); return 0; }
  const frame = parseIndex(values.frame, "--frame", 1);
  const stream = parseIndex(values.stream, "--stream");
  const opts: { frame?: number; stream?: number; whyNot: boolean } = { whyNot: values.why === true };
  if (frame !== undefined) opts.frame = frame;
  if (stream !== undefined) opts.stream = stream;
  const packets = await collectPackets(captureRecords(values.read), opts);
  if (packets.length === 0) {
    throw new CliError(frame !== undefined ? `frame ${frame} is not a TCP segment${stream !== undefined ? ` of stream ${stream}` : ""}`
      : stream !== undefined ? `no TCP stream ${stream} in this capture` : "no TCP segments in this capture");
  }
  const diagram = values.diagram === true || frame !== undefined;
  const primer = values.bytes === true || frame !== undefined;
  const byFrame = new Map<number, PacketFacts>(packets.map((p) => [p.frame, p]));
  const streams = [...new Set(packets.map((p) => p.stream))];
  if (values.json) {
    const data = streams.map((s) => {
      const ps = packets.filter((p) => p.stream === s);
      return {
        stream: s,
        sections: narrateStream(ps).map((sec) => ({ phase: sec.phase, intro: sec.intro, items: sec.items.map((it) => it.kind === "run" ? it : {
          ...it,
          ...(diagram ? { headerDiagram: tcpHeaderDiagram(byFrame.get(it.frame)!.header, 0, byFrame.get(it.frame)!) } : {}),
          ...(primer ? { bytes: bytesPrimer(byFrame.get(it.frame)!.payload) } : {}),
          ...(byFrame.get(it.frame)!.whyNot ? { whyNot: byFrame.get(it.frame)!.whyNot } : {}),
        }) })),
      };
    });
    await writeOut(JSON.stringify(streams.length === 1 ? data[0] : data, null, 2) + "\n");
    return 0;
  }
  const color = wantColor(values.color);
  const extra = (f: number): string[] => {
    const p = byFrame.get(f)!;
    const out: string[] = [];
    if (diagram) out.push("", ...tcpHeaderDiagram(p.header, 0, p));
    if (primer && p.payload.length > 0) {
      const b = bytesPrimer(p.payload);
      out.push("", `payload, byte by byte (${b.total} bytes):`);
      for (const r of b.rows) out.push(`  ${String(r.index).padStart(4)}  ${r.printable ? `'${r.char}'` : r.char.padEnd(4)} = ${String(r.decimal).padStart(3)} = ${r.hex} = ${r.bits}${r.note ? `  ${r.note}` : ""}`);
      if (b.omitted > 0) out.push(`  … ${b.omitted} more bytes`);
      if (!b.allPrintable) out.push("  (some bytes are not printable text: a text view shows them as '.')");
    }
    return out;
  };
  let text = "";
  for (const s of streams) {
    text += paint("bold", `TCP stream ${s}`, color) + "\n";
    let body = renderNarrative(narrateStream(packets.filter((p) => p.stream === s)), diagram || primer ? extra : undefined);
    if (color) body = body.replace(/^== (\w+) ==$/gm, (_m, ph: string) => paint("cyan", `== ${ph} ==`, true))
      .replace(/^(\s+)(analysis .*)$/gm, (_m, sp: string, l: string) => sp + paint("red", l, true))
      .replace(/^(\s+)(states .*)$/gm, (_m, sp: string, l: string) => sp + paint("blue", l, true));
    text += body;
  }
  await writeOut(text);
  return 0;
}
