import { existsSync } from "node:fs";
import { collectStreamSeries, GRAPH_TYPES, graphModel, type GraphType, type StreamDir } from "../../analysis/index.js";
import { renderGraphSvg } from "../../explain/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";
import { captureRecords, parseIndex, writeOut, writeOutputFile } from "./capture-input.js";

export const GRAPH_USAGE = `synack graph -r FILE [--stream N] [--dir a|b] --type TYPE [-o OUT.svg [--force]] [--json]
  A graph of one direction of TCP stream N, as SVG (800 × 500): axes with units, a legend, every
  segment kept (points beyond one per pixel column are drawn as that column's min … max).
  --type tseq        time-sequence, tcptrace style: each data segment a bar seq … seq+len
                     (retransmissions ×, out-of-order ◇), the ACK line, the receive-window edge
                     (ACK + window), SACK blocks, zero-window, SYN/FIN and RST marks
  --type stevens     time-sequence, Stevens style: one dot per data segment
  --type throughput  throughput and goodput (new bytes only) over a sliding window, bit/s
  --type rtt         RTT samples: tcp.analysis.ack_rtt and the TSecr-based RTT (RFC 7323)
  --type inflight    tcp.analysis.bytes_in_flight against the receiver's advertised window
  --type window      the window each side advertises over time (scaled)
  --stream N         tcp.stream (may be left out when the capture has one stream)
  --dir a|b          the data direction: a = from the endpoint that sent the stream's first
                     captured segment (default), b = the other way
  --window MS        throughput: the sliding window in milliseconds (default 1 s, or a tenth of
                     the data's span when that is under 10 s)
  -o OUT             write to OUT instead of stdout; an existing OUT is kept unless --force
  --json             the graph model as data (every point, not aggregated) instead of SVG`;

/** `synack graph`. */
export async function graphCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, allowPositionals: false, options: {
      read: { type: "string", short: "r" }, stream: { type: "string" }, dir: { type: "string" }, type: { type: "string" },
      window: { type: "string" }, output: { type: "string", short: "o" }, force: { type: "boolean" }, json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(GRAPH_USAGE + "\n"); return 0; }
  if (values.read === undefined) throw new CliError("-r FILE is required (a pcap or pcapng file, - for stdin)", EXIT_USAGE);
  if (values.type === undefined) throw new CliError(`--type is required: ${GRAPH_TYPES.join(", ")} (synack graph --help)`, EXIT_USAGE);
  if (!(GRAPH_TYPES as readonly string[]).includes(values.type)) {
    throw new CliError(`--type must be one of ${GRAPH_TYPES.join(", ")}, not '${values.type}'`, EXIT_USAGE);
  }
  const type = values.type as GraphType;
  const dir = values.dir ?? "a";
  if (dir !== "a" && dir !== "b") throw new CliError(`--dir must be a or b, not '${dir}'`, EXIT_USAGE);
  const stream = parseIndex(values.stream, "--stream");
  let windowNs: number | undefined;
  if (values.window !== undefined) {
    const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(values.window);
    if (m === null || (Number(m[1]) === 0 && Number(m[2] ?? "0") === 0)) throw new CliError(`--window must be milliseconds > 0 (at most 6 decimals), not '${values.window}'`, EXIT_USAGE);
    windowNs = Number(m[1]) * 1_000_000 + Number((m[2] ?? "").padEnd(6, "0"));
  }
  const out = values.output;
  const toFile = out !== undefined && out !== "-";
  if (toFile && !values.force && existsSync(out)) throw new CliError(`'${out}' exists; add --force to overwrite it`);
  const { series, streams } = await collectStreamSeries(captureRecords(values.read), stream);
  const range = streams === 1 ? "(0)" : `(0-${streams - 1})`;
  if (stream === undefined && streams !== 1) {
    throw new CliError(streams === 0 ? `'${values.read}' has no TCP streams`
      : `'${values.read}' has ${streams} TCP streams ${range}: say which with --stream N`, EXIT_USAGE);
  }
  if (series.count === 0) {
    throw new CliError(streams === 0 ? `no stream ${stream}: '${values.read}' has no TCP streams`
      : `no stream ${stream}: '${values.read}' has ${streams} TCP stream${streams === 1 ? "" : "s"} ${range}`);
  }
  const model = graphModel(series, type, dir as StreamDir, windowNs === undefined ? {} : { windowNs });
  const text = values.json ? JSON.stringify(model) + "\n" : renderGraphSvg(model);
  if (!toFile) { await writeOut(text); return 0; }
  writeOutputFile(out, text, values.force);
  return 0;
}
