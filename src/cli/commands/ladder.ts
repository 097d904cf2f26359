import { existsSync } from "node:fs";
import { collectLadderPackets, DEFAULT_COLLAPSE, ladderModel, paint, renderLadderAscii, renderLadderSvg, type LadderStyle, type Style } from "../../explain/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";
import { captureRecords, parseIndex, wantColor, writeOut, writeOutputFile } from "./capture-input.js";

export const LADDER_USAGE = `synack ladder -r FILE --stream N [--format ascii|svg] [-o OUT [--force]] [--json]
  The ladder (sequence) diagram of TCP stream N: client on the left, server on the right, one
  arrow per segment with its flags, relative seq/ack, length and time, each side's state where
  it changes, retransmitted / out-of-order / not-captured segments marked.
  --format ascii   80 columns of text (default)
  --format svg     a standalone SVG drawing (one <line class="arrow" data-frame=N> per segment)
  --collapse N     draw runs of N or more plain data/ACK segments as one band (default ${DEFAULT_COLLAPSE}; 0: never)
  -o OUT           write to OUT instead of stdout; an existing OUT is kept unless --force
  --json           the ladder model as data
  --color          colour the ASCII ladder even when stdout is not a terminal (NO_COLOR wins)`;

const STYLE_OF: Record<LadderStyle, Style> = { state: "cyan", problem: "red", note: "yellow", run: "blue", head: "bold" };

/** `synack ladder`. */
export async function ladderCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, allowPositionals: false, options: {
      read: { type: "string", short: "r" }, stream: { type: "string" }, format: { type: "string" },
      output: { type: "string", short: "o" }, force: { type: "boolean" }, json: { type: "boolean" },
      collapse: { type: "string" }, color: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(LADDER_USAGE + "\n"); return 0; }
  if (values.read === undefined) throw new CliError("-r FILE is required (a pcap or pcapng file, - for stdin)", EXIT_USAGE);
  const stream = parseIndex(values.stream, "--stream");
  if (stream === undefined) throw new CliError("--stream N is required (synack ladder --help)", EXIT_USAGE);
  const format = values.format ?? "ascii";
  if (format !== "ascii" && format !== "svg") throw new CliError(`--format must be ascii or svg, not '${format}'`, EXIT_USAGE);
  const collapse = parseIndex(values.collapse, "--collapse") ?? DEFAULT_COLLAPSE;
  const out = values.output;
  if (out !== undefined && out !== "-" && !values.force && existsSync(out)) {
    throw new CliError(`'${out}' exists; add --force to overwrite it`);
  }
  const { packets, streams } = await collectLadderPackets(captureRecords(values.read), stream);
  if (packets.length === 0) {
    throw new CliError(streams === 0 ? `no stream ${stream}: '${values.read}' has no TCP streams`
      : `no stream ${stream}: '${values.read}' has ${streams} TCP stream${streams === 1 ? "" : "s"} ${streams === 1 ? "(0)" : `(0-${streams - 1})`}`);
  }
  const model = ladderModel(packets, { collapse });
  const toFile = out !== undefined && out !== "-";
  let text: string;
  if (values.json) text = JSON.stringify(model, null, 2) + "\n";
  else if (format === "svg") text = renderLadderSvg(model);
  else {
    const on = !toFile && wantColor(values.color);
    text = renderLadderAscii(model, { paint: (s, t) => paint(STYLE_OF[s], t, on) }).join("\n") + "\n";
  }
  if (!toFile) { await writeOut(text); return 0; }
  writeOutputFile(out, text, values.force);
  return 0;
}
