import { paint } from "../../explain/index.js";
import {
  ConvCollector, convJson, endpointRows, ExpertCollector, formatEndpoints, formatConv, formatExpert, formatIo, IO_MAX_ROWS, IoStatCollector, IoStatError, ioJson, ioRowCount,
  compileIoFilters, parseIoStat, primedFields,
} from "../../tshark/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";
import { captureRecords, parseIndex, wantColor, writeOut } from "./capture-input.js";
import { collectConnStats, connJsonChunks, connReportChunks } from "./stats-conn.js";
import { statsAlias } from "./zstats.js";

export const STATS_USAGE = `synack stats -r FILE conv|endpoints|expert|io[,INTERVAL]|conn [--stream N] [--json] [--color]
  Statistics of a whole capture, in the layouts of tshark 4.0 (conn: of tcptrace 6.6):
  conv             TCP conversations, as tshark -q -z conv,tcp (most frames first); also conv,tcp
  endpoints        TCP endpoints (address, port), as tshark -q -z endpoints,tcp; also endpoints,tcp
  expert           expert items by severity, as tshark -q -z expert
  io[,INTERVAL]    frames and bytes per INTERVAL seconds (default 1; 0 = the whole capture),
                   as tshark -q -z io,stat,INTERVAL; also io,stat,INTERVAL[,COLUMN]… with tshark's
                   columns: a filter, or COUNT|SUM|MIN|MAX|AVG|LOAD(FIELD)FILTER, FRAMES(), BYTES()
  The same tables, several at once: synack read -r FILE -q -z conv,tcp -z expert -z io,stat,1
  (and -z follow,tcp,ascii|hex|raw,N), printed as tshark prints them.
  conn             per connection (tcp.stream) and direction, the figures of tcptrace -l -r -W:
                   packets, pure/SACK/D-SACK ACKs, unique, retransmitted and out-of-order data,
                   zero-window probes, window advertisements, outstanding data, initial window,
                   RTT samples min/avg/max/stdev, RTT from the handshake, duplicate ACKs,
                   retransmission times; a = the sender of the stream's first packet
  --stream N       conn: only tcp.stream N
  --json           the same content as data
  --color          bold headings even when stdout is not a terminal (NO_COLOR wins)`;

/** Makes the heading lines of a table bold (colour on only). */
function boldHeadings(text: string, headings: RegExp, on: boolean): string {
  if (!on) return text;
  return text.split("\n").map((l) => headings.test(l) ? paint("bold", l, true) : l).join("\n");
}

/** Writes pieces of text, about 1 MiB at a time (a report of many connections is not one string). */
async function writeChunks(chunks: Iterable<string>): Promise<void> {
  let buf: string[] = [], size = 0;
  for (const c of chunks) {
    buf.push(c); size += c.length;
    if (size >= 1 << 20) { await writeOut(buf.join("")); buf = []; size = 0; }
  }
  if (buf.length > 0) await writeOut(buf.join(""));
}

/** \`synack stats\`. */
export async function statsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions({
    args, strict: true, allowPositionals: true, options: {
      read: { type: "string", short: "r" }, json: { type: "boolean" }, color: { type: "boolean" }, stream: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(STATS_USAGE + "\n"); return 0; }
  if (positionals.length !== 1) {
    throw new CliError(positionals.length === 0 ? "which statistic? conv, endpoints, expert, io[,INTERVAL] or conn (synack stats --help)"
      : `one statistic at a time, not '${positionals.join(" ")}'`, EXIT_USAGE);
  }
  const what = statsAlias(positionals[0]!);
  if (values.read === undefined) throw new CliError("-r FILE is required (a pcap or pcapng file, - for stdin)", EXIT_USAGE);
  const color = wantColor(values.color);
  const stream = parseIndex(values.stream, "--stream");
  if (stream !== undefined && what !== "conn") throw new CliError("--stream goes with conn only", EXIT_USAGE);
  if (what === "conn") {
    const stats = await collectConnStats(captureRecords(values.read), stream);
    if (stream !== undefined && stats.size === 0) throw new CliError(`no tcp.stream ${stream} in '${values.read}'`);
    const conns = stats.connections();
    await writeChunks(values.json ? connJsonChunks(conns) : connReportChunks(conns, stats.size, (h) => paint("bold", h, color)));
    return 0;
  }
  if (what === "conv") {
    const c = new ConvCollector();
    for await (const rec of captureRecords(values.read)) c.add(rec);
    if (values.json) { await writeOut(JSON.stringify({ conversations: convJson(c.table()) }, null, 2) + "\n"); return 0; }
    await writeOut(boldHeadings(formatConv(c.table()), /^(TCP Conversations|\s+\|)/, color));
    return 0;
  }
  if (what === "endpoints") {
    const c = new ConvCollector();
    for await (const rec of captureRecords(values.read)) c.add(rec);
    if (values.json) { await writeOut(JSON.stringify({ endpoints: endpointRows(c.table()) }, null, 2) + "\n"); return 0; }
    await writeOut(boldHeadings(formatEndpoints(c.table()), /^(TCP Endpoints|\s+\|)/, color));
    return 0;
  }
  if (what === "expert") {
    const c = new ExpertCollector();
    for await (const rec of captureRecords(values.read)) c.add(rec);
    if (values.json) { await writeOut(JSON.stringify(c.table(), null, 2) + "\n"); return 0; }
    await writeOut(boldHeadings(formatExpert(c.table()), /^(Errors|Warns|Notes|Chats|Comments) \(\d+\)$/, color));
    return 0;
  }
  if (what === "io" || what.startsWith("io,")) {
    // io[,INTERVAL] is tshark's io,stat,INTERVAL; io,stat,INTERVAL,COLUMN… takes its columns too.
    const arg = what === "io" ? "io,stat,1" : what.startsWith("io,stat,") ? what : `io,stat,${what.slice(3)}`;
    let c: IoStatCollector;
    try {
      const spec = parseIoStat(arg);
      const filters = compileIoFilters(spec);
      c = new IoStatCollector(spec, filters, primedFields(filters.filter((f) => f !== undefined)));
      for await (const rec of captureRecords(values.read)) c.add(rec);
    } catch (e) {
      if (e instanceof IoStatError) throw new CliError(e.message, EXIT_USAGE);
      throw e;
    }
    const t = c.table();
    const rows = ioRowCount(t);
    if (rows > IO_MAX_ROWS) throw new CliError(`${arg} would print ${rows} rows (more than ${IO_MAX_ROWS}); choose a longer interval`);
    if (values.json) { await writeOut(JSON.stringify(ioJson(t), null, 2) + "\n"); return 0; }
    await writeOut(boldHeadings(formatIo(t), /^\| (IO Statistics|Interval +\|)/, color));
    return 0;
  }
  throw new CliError(`unknown statistic '${what}': conv, endpoints, expert, io[,INTERVAL] or conn`, EXIT_USAGE);
}
