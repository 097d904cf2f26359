import { once } from "node:events";
import { CaptureFileError, newRecord, readCapture, type CaptureProblem } from "../../capture/index.js";
import { openCaptureFile } from "../../capture/node.js";
import type { AnalysisOptions } from "../../analysis/index.js";
import { readOutputCommand, summaryRenderer } from "./read-output.js";
import { flushToStdout, type FrameRenderer, type RendererSpec, runParallel, threadPlan, writeStdout } from "./parallel-read.js";
import { compileRowFilter, FieldRows, type FieldsFormat, filterReadsTree, type ReadPreferences, type RowFilterField, rowsReadStates,
  UnknownFieldError } from "../../tshark/rows.js";
import { filterTreeValues, TreeRows } from "../../tshark/tree-rows.js";
import { fieldId } from "../../fields/registry.js";
import { ReadPipeline } from "./read-output.js";
import { ByteOut } from "../../tshark/bytes-out.js";
import { formatFilterError, type DisplayFilter } from "../../filter/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";

export const READ_USAGE = `synack read -r FILE|- [-n] [-Y FILTER] -T fields -e FIELD [-e FIELD ...]
            [-E header=y|n] [-E separator=/t|/s|C] [-E occurrence=f|l|a] [-E aggregator=C]
            [-E quote=n|d|s] [-o PREF:VALUE ...] [-d tcp.port==LO-HI,data]
  Reads a pcap or pcapng capture (- = stdin) and prints the chosen fields of every frame, one
  line per frame, exactly as tshark 4.0 -T fields does (same options, same bytes). Field names
  are Wireshark's (tcp.seq, tcp.analysis.duplicate_ack_num, _ws.col.Info, ...).
  -o takes the TCP preferences: tcp.analyze_sequence_numbers, tcp.relative_sequence_numbers,
  tcp.track_bytes_in_flight, tcp.bif_seq_based, tcp.calculate_timestamps, tcp.check_checksum,
  tcp.fastrt_supersedes_ooo, tcp.ignore_tcp_timestamps (TRUE/FALSE), tcp.default_window_scaling (-1..14).
  -t a|ad|adoy|d|dd|e|r|u|ud|udoy: the summary line's time format, as tshark's -t.
  -2 -R FILTER: accepted; synack reads in one pass and applies FILTER as a display filter (with -Y).
  -G fields lists every field name -e and -Y accept (as synack fields).
  Without -T fields: the summary line, -V (details), -O PROTO[,PROTO] (details of those only),
  -x (hex dump; with -T json each item's _raw array), -T json|ek|ndjson, -j / -J NAMES (JSON and
  ek layer filters: expand only the listed items / keep the listed protocols whole).
  -Y FILTER keeps the frames a Wireshark display filter accepts (subset: docs/filters.md), in every
  output mode; a filter that does not compile is reported as tshark does, exit 2.
  Exit 0; 1 for bad options or fields; 2 when the file cannot be read (rows before damage are printed).`;

type BoolPref = "analyzeSequenceNumbers" | "relativeSequenceNumbers" | "trackBytesInFlight" | "bifSeqBased"
  | "calculateTimestamps" | "fastRetransmissionSupersedesOoo";
/** -o names of the analysis preferences (spec §13). */
const BOOL_PREFS: Readonly<Record<string, BoolPref>> = {
  "tcp.analyze_sequence_numbers": "analyzeSequenceNumbers",
  "tcp.relative_sequence_numbers": "relativeSequenceNumbers",
  "tcp.track_bytes_in_flight": "trackBytesInFlight",
  "tcp.bif_seq_based": "bifSeqBased",
  "tcp.calculate_timestamps": "calculateTimestamps",
  "tcp.fastrt_supersedes_ooo": "fastRetransmissionSupersedesOoo",
};
/** tshark preferences accepted and without effect on these fields (payload reassembly and dissection). */
const IGNORED_PREFS = new Set(["tcp.desegment_tcp_streams", "tcp.no_subdissector_on_error", "tcp.reassemble_out_of_order",
  "tcp.try_heuristic_first", "tcp.summary_in_tree", "tcp.display_process_info_from_ipfix", "tcp.analyze_mptcp",
  "tcp.tcp_exp_options_with_magic", "tcp.display_hidden_items"]);

/** Parses `-E key=value` into `fmt` (tshark 4.0 keys and values). */
function parseFormat(spec: string, fmt: Partial<FieldsFormat>): void {
  const eq = spec.indexOf("=");
  const key = eq < 0 ? spec : spec.slice(0, eq), v = eq < 0 ? "" : spec.slice(eq + 1);
  const invalid = (): never => { throw new CliError(`"${key}" is not a valid field output option=value pair.`, 1); };
  const char = (s: string): string => (s === "/t" ? "\t" : s === "/s" ? " " : s.slice(0, 1));
  switch (key) {
    case "header": if (v === "y" || v === "n") fmt.header = v === "y"; else invalid(); return;
    case "separator": if (v === "") invalid(); fmt.separator = char(v); return;
    case "aggregator": if (v === "") invalid(); fmt.aggregator = char(v); return;
    case "occurrence": if (v === "f" || v === "l" || v === "a") fmt.occurrence = v; else invalid(); return;
    case "quote": if (v === "n" || v === "d" || v === "s") fmt.quote = v; else invalid(); return;
    case "bom": case "escape": return;
    default: invalid();
  }
}

/** Parses `-o name:value` into `prefs` (unknown names: tshark's error, exit 1). */
function parsePref(spec: string, prefs: { analysis: Partial<Record<keyof AnalysisOptions, boolean | number>> } & Partial<ReadPreferences>): void {
  const colon = spec.indexOf(":");
  if (colon < 0) throw new CliError(`Invalid -o flag "${spec}"`, 1);
  const name = spec.slice(0, colon).trim().toLowerCase(), value = spec.slice(colon + 1).trim();
  const bool = /^true$/i.test(value);
  const bp = BOOL_PREFS[name];
  if (bp !== undefined) { prefs.analysis[bp] = bool; return; }
  if (name === "tcp.check_checksum") { prefs.checkChecksum = bool; return; }
  if (name === "tcp.ignore_tcp_timestamps") { prefs.ignoreTcpTimestamps = bool; return; }
  if (name === "tcp.default_window_scaling") {
    const n = Number(value);
    if (!Number.isInteger(n) || n < -1 || n > 14) throw new CliError(`-o flag "${spec}" specifies invalid value`, 1);
    prefs.analysis.defaultWindowScaling = n;
    return;
  }
  if (IGNORED_PREFS.has(name)) return;
  throw new CliError(`-o flag "${spec}" specifies unknown preference`, 1);
}

/** tshark-like wording of a capture that stops early (its exit status is 2). */
function damageMessage(file: string, p: CaptureProblem): string {
  const shown = file === "-" ? "standard input" : file;
  const cut = p.code === "pcap.truncated_record" || p.code === "pcapng.truncated_block";
  return cut ? `The file "${shown}" appears to have been cut short in the middle of a packet. (${p.message})`
    : `The file "${shown}" appears to be damaged or corrupt. (${p.message})`;
}

/** Compiles `-Y`; a filter that does not compile is tshark's message, filter and caret lines, exit 2. */
function compileYFilter(text: string): DisplayFilter<RowFilterField> {
  const c = compileRowFilter(text, true);
  if (!c.ok) throw new CliError(formatFilterError(text, c).join("\n"), 2);
  return c.filter;
}

/** The options of `synack read`, parsed the same way by the command and by its second thread. */
function parseReadArgs(args: string[]) {
  return parseOptions({
    args,
    options: {
      r: { type: "string", short: "r" }, n: { type: "boolean", short: "n" }, Y: { type: "string", short: "Y" },
      T: { type: "string", short: "T" }, e: { type: "string", short: "e", multiple: true },
      E: { type: "string", short: "E", multiple: true }, o: { type: "string", short: "o", multiple: true },
      d: { type: "string", short: "d", multiple: true }, help: { type: "boolean", short: "h" },
      V: { type: "boolean", short: "V" }, G: { type: "string", short: "G" }, t: { type: "string", short: "t" },
      O: { type: "string", short: "O" }, q: { type: "boolean", short: "q" }, z: { type: "string", short: "z", multiple: true }, j: { type: "string", short: "j" }, J: { type: "string", short: "J" },
      "2": { type: "boolean", short: "2" }, R: { type: "string", short: "R" }, x: { type: "boolean", short: "x" }, c: { type: "string", short: "c" }, w: { type: "string", short: "w" },
    },
    strict: true, allowPositionals: true,
  });
}

/** `-2 -R FILTER`: synack reads in one pass, so the read filter is applied as a display filter
 *  ANDed with -Y (every frame still reaches the analysis; tshark's second pass never dissects the
 *  frames -R drops, so their analysis and numbering can differ: docs/filters.md). -R without -2
 *  is refused as tshark 4.0 refuses it. */
function withReadFilter(values: ReturnType<typeof parseReadArgs>["values"]): void {
  if (values.R === undefined) return;
  if (values["2"] !== true) throw new CliError("-R without -2 is deprecated. For single-pass filtering use -Y.", 1);
  compileYFilter(values.R);
  const y = values.Y?.trim();
  values.Y = y === undefined || y === "" ? values.R : `(${values.R}) && (${y})`;
}

/** The `-o` preferences of the parsed options. */
function readPrefs(values: ReturnType<typeof parseReadArgs>["values"]): Partial<ReadPreferences> {
  const prefs: { analysis: Partial<Record<keyof AnalysisOptions, boolean | number>> } & Partial<ReadPreferences> = { analysis: {} };
  for (const o of values.o ?? []) parsePref(o, prefs);
  return prefs as Partial<ReadPreferences>;
}

/** The `-T fields` rows for the parsed options (fields, -E, -o, -Y). */
function fieldRowsFor(values: ReturnType<typeof parseReadArgs>["values"], compiled: DisplayFilter<RowFilterField> | undefined): FieldRows {
  const format: Partial<FieldsFormat> = {};
  for (const e of values.E ?? []) parseFormat(e, format);
  const prefs = readPrefs(values);
  // -T fields never reads the analyzer's rule traces, and the endpoint states only for their fields.
  prefs.analysis = { ...prefs.analysis, traces: false, states: rowsReadStates(values.e ?? [], compiled) };
  try {
    const rows = new FieldRows(values.e ?? [], format, prefs, values.Y?.trim() === "tcp");
    if (compiled !== undefined) rows.useFilter(compiled);
    return rows;
  } catch (err) {
    if (err instanceof UnknownFieldError) throw new CliError(`Some fields aren't valid: ${err.fields.join(" ")}`, 1);
    throw err;
  }
}

/** The renderer of the second thread (read-worker.ts): built from the same arguments as the command's. */
export function makeRenderer(spec: RendererSpec): FrameRenderer {
  const { values } = parseReadArgs(spec.args);
  withReadFilter(values);
  if (spec.kind === "summary") return summaryRenderer(values.Y?.trim() === "tcp", readPrefs(values));
  const filter = values.Y?.trim();
  return fieldsRenderer(fieldRowsFor(values, filter === undefined || filter === "" || filter === "tcp" ? undefined : compileYFilter(values.Y!)));
}

function fieldsRenderer(rows: FieldRows): FrameRenderer {
  return {
    rows,
    render(rec, _info, out): void { if (rows.rowTo(rec, out)) out.byte(10); },
    renderAt(rec, _info, source, offset, out): void { if (rows.rowToAt(rec, source, offset, out)) out.byte(10); },
    skip(rec): void { rows.skip(rec); },
    analyseAt(rec, source, offset, emit): void { rows.analyseAt(rec, source, offset, emit); },
    passAt(rec, source, offset): void { rows.passOverAt(rec, source, offset); },
  };
}

/** -c N: stop after N frames read (tshark 4.0 counts frames read, not rows printed). */
function frameLimit(c: string | undefined): number {
  if (c === undefined) return Infinity;
  if (!/^\d+$/.test(c) || Number(c) < 1) throw new CliError(`-c must be a positive integer, not '${c}'`, 2);
  return Number(c);
}

/** `-T fields` where some column or the filter reads the field tree (tree-rows.ts): one thread,
 *  every frame decoded and analysed by a ReadPipeline, the tree built for the frames asked of it. */
async function treeFieldsCommand(file: string, values: ReturnType<typeof parseReadArgs>["values"],
    compiled: DisplayFilter<RowFilterField> | undefined): Promise<number> {
  const format: Partial<FieldsFormat> = {};
  for (const e of values.E ?? []) parseFormat(e, format);
  const prefs = readPrefs(values);
  const fields = values.e ?? [];
  prefs.analysis = { ...prefs.analysis, traces: false, states: rowsReadStates(fields.filter((f) => fieldId(f) >= 0), compiled) };
  let rows: TreeRows;
  try { rows = new TreeRows(fields, format, prefs, compiled); } catch (err) {
    if (err instanceof UnknownFieldError) throw new CliError(`Some fields aren't valid: ${err.fields.join(" ")}`, 1);
    throw err;
  }
  const limit = frameLimit(values.c);
  // The tree's own pass: results per TCP header, FIN sides and times, as -V has them.
  const pipe = new ReadPipeline(false, true, { ...prefs, analysis: { ...prefs.analysis, traces: false } });
  const buf = new ByteOut(1 << 17);
  let headerDue = rows.format.header;
  const reader = readCapture(openCaptureFile(file));
  const rec = newRecord();
  let frames = 0, shown = false, shownSec = 0, shownNsec = 0;
  try {
    read: for await (const batch of reader.batches()) {
      while (batch.next(rec)) {
        frames++;
        const c = pipe.step(rec, reader.info);
        // frame.time_delta_displayed: from the previous row printed (the first is its own).
        if (shown) { c.shownSec = shownSec; c.shownNsec = shownNsec; } else { c.shownSec = rec.tsSec; c.shownNsec = rec.tsNsec; }
        const mark = buf.len;
        if (headerDue) { buf.str(rows.headerLine()); buf.byte(10); }
        if (rows.rowTo(rec, c, buf)) {
          headerDue = false; buf.byte(10);
          shown = true; shownSec = rec.tsSec; shownNsec = rec.tsNsec;
        } else buf.len = mark;
        if (frames >= limit) break read;
        if (buf.len >= 1 << 16) await flushToStdout(buf);
      }
    }
  } catch (err) {
    await flushToStdout(buf);
    throw readError(file, err);
  }
  if (headerDue) { buf.str(rows.headerLine()); buf.byte(10); }
  await flushToStdout(buf);
  if (reader.fatal !== undefined && frames < limit) throw new CliError(damageMessage(file, reader.fatal), 2);
  return 0;
}

/** A reader error as `synack read -T fields` reports it (tshark's wording where it has one). */
function readError(file: string, err: unknown): unknown {
  if (err instanceof CaptureFileError) return new CliError(`${file}: ${err.message}`, 2);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new CliError(`The file "${file}" doesn't exist.`, 2);
  if (code === "EACCES" || code === "EISDIR") return new CliError(`The file "${file}" could not be opened (${code}).`, 2);
  return err;
}

/** `-q` (no per-packet output) and `-z SPEC` (tshark's statistics after the packets): the packets
 *  are read as without them, then each statistic reads the capture. */
async function quietAndStats(args: string[], values: ReturnType<typeof parseReadArgs>["values"], display: string | undefined): Promise<number> {
  const specs = values.z ?? [];
  const { checkZ, zStatsText } = await import("./zstats.js");
  checkZ(specs);
  const file = values.r;
  if (file === undefined) throw new CliError("give a capture with -r FILE (or -r - for stdin)", EXIT_USAGE);
  let code = 0;
  if (values.q !== true) {
    if (file === "-") throw new CliError("-z without -q reads the capture twice: give a file, or add -q", EXIT_USAGE);
    // The same command without -z prints the packets; the statistics follow.
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === "-z") { i++; continue; }
      if (!args[i]!.startsWith("-z")) rest.push(args[i]!);
    }
    code = await readCommand(rest);
  } else if (specs.length === 0) {
    // -q alone: every record read, nothing printed (tshark's exit status on a damaged file).
    const { captureRecords } = await import("./capture-input.js");
    const damage: { message?: string } = {}, max = frameLimit(values.c);
    let n = 0;
    for await (const rec of captureRecords(file, damage)) { void rec; if (++n >= max) break; }
    if (damage.message === undefined) return 0;
    process.stderr.write(`synack read: ${damage.message}\n`);
    return 2;
  }
  const limit = frameLimit(values.c);
  if (specs.length > 0) {
    // A file cut short: the statistics of its complete records, then tshark's exit status 2.
    const z = await zStatsText(file, specs, limit, { display, read: values.R });
    await (await import("./capture-input.js")).writeOut(z.text);
    if (z.damage !== undefined) {
      if (code === 0) process.stderr.write(`synack read: ${z.damage}\n`);
      code = 2;
    }
  }
  return code;
}

/** `synack read`: tshark-compatible `-T fields` output for a capture file. */
export async function readCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseReadArgs(args);
  if (values.help) { process.stdout.write(READ_USAGE + "\n"); return 0; }
  const display = values.Y;
  withReadFilter(values);
  // -j and -J set one list of names in tshark (the one given last); -J anywhere also keeps each
  // listed protocol's children whole.
  if (values.j !== undefined && values.J !== undefined) {
    const at = (o: string): number => { let k = -1; args.forEach((a, i) => { if (a.startsWith(o)) k = i; }); return k; };
    if (at("-j") > at("-J")) values.J = values.j;
    delete values.j;
  }
  if (values.z !== undefined || values.q === true) return quietAndStats(args, values, display);
  if (values.G !== undefined) {
    // tshark -G fields: the glossary, and nothing read.
    if (values.G !== "fields") throw new CliError(`-G ${values.G} is not supported (only -G fields)`, EXIT_USAGE);
    (await import("./fields.js")).writeGlossary();
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`, EXIT_USAGE);
  const file = values.r;
  if (file === undefined) throw new CliError("give a capture with -r FILE (or -r - for stdin)", EXIT_USAGE);
  const fields = values.e ?? [];
  const filter = values.Y?.trim();
  // -Y tcp (and an empty -Y) keep their fast paths; any other filter is compiled once here.
  const compiled = filter === undefined || filter === "" || filter === "tcp" ? undefined : compileYFilter(values.Y!);
  if (values.T !== "fields" && fields.length === 0) {
    const prefs = readPrefs(values);
    if (compiled === undefined) return readOutputCommand(file, values, args, undefined, prefs);
    // A FieldRows sees every frame in order (its analysis must) and answers the filter; fields
    // outside its registry come from the frame's field tree (the pipeline then analyses too).
    const rows = new FieldRows([], {}, { ...prefs, analysis: { ...prefs.analysis, traces: false, states: rowsReadStates([], compiled) } }, false);
    rows.useFilter(compiled);
    if (!filterReadsTree(compiled)) return readOutputCommand(file, values, args, (c) => rows.matches(c.rec), prefs);
    const tree = filterTreeValues(compiled)!;
    rows.useTree(tree);
    return readOutputCommand(file, values, args, (c) => { tree.point(c); return rows.matches(c.rec); }, prefs, true);
  }
  if (values.T === undefined) {
    if (fields.length > 0) throw new CliError(`Output fields were specified with "-e", but "-T fields" was not specified.`, 1);
    throw new CliError("only -T fields output is supported yet", EXIT_USAGE);
  }
  if (values.T !== "fields") throw new CliError(`-T ${values.T} is not supported yet (only -T fields)`, EXIT_USAGE);
  if (fields.length === 0) throw new CliError(`"-Tfields" was specified, but no fields were specified with "-e".`, 1);
  for (const d of values.d ?? []) {
    if (!/^tcp\.port\s*==\s*\d+(-\d+)?\s*,\s*data$/.test(d)) {
      throw new CliError(`-d '${d}' is not supported (only tcp.port==LO-HI,data)`, EXIT_USAGE);
    }
  }
  if (fields.some((f) => fieldId(f) < 0) || (compiled !== undefined && filterReadsTree(compiled))) {
    return treeFieldsCommand(file, values, compiled ?? (filter === "tcp" ? compileYFilter(filter) : undefined));
  }
  const rows = fieldRowsFor(values, compiled);
  // -c N: stop after N frames read (tshark 4.0 counts frames read, not rows printed).
  const limit = frameLimit(values.c);

  const plan = limit === Infinity ? threadPlan(file, rows.analyses) : "one";
  if (plan !== "one") {
    // The header waits for the first row (or the end), as below.
    let headerDue = rows.format.header;
    const header = (): Uint8Array => new TextEncoder().encode(rows.headerLine() + "\n");
    let fatal: CaptureProblem | undefined;
    try {
      fatal = await runParallel(plan, file, { kind: "fields", args }, fieldsRenderer(rows), async (bytes) => {
        if (headerDue) { headerDue = false; await writeStdout(header()); }
        await writeStdout(bytes);
      });
    } catch (err) { throw readError(file, err); }
    if (headerDue) await writeStdout(header());
    if (fatal !== undefined) throw new CliError(damageMessage(file, fatal), 2);
    return 0;
  }

  const out = process.stdout;
  // Rows are written as bytes into one reused buffer and handed to stdout in ~64 KiB copies,
  // waiting for "drain" when stdout is behind (memory stays flat whatever reads the output).
  const buf = new ByteOut(1 << 17);
  // The header waits for the first row (or the end): tshark prints nothing at all for a refused file.
  let headerDue = rows.format.header;
  const flush = (): Promise<void> => flushToStdout(buf);
  const reader = readCapture(openCaptureFile(file));
  const rec = newRecord();
  let frames = 0;
  try {
    read: for await (const batch of reader.batches()) {
      // Records without a view each (nextInPlace): the rows decode them where they lie.
      while (batch.nextInPlace(rec)) {
        frames++;
        if (headerDue) {
          // Written ahead of the row and taken back when the frame is filtered out.
          const mark = buf.len;
          buf.str(rows.headerLine()); buf.byte(10);
          if (rows.rowToAt(rec, batch.source, batch.sourceOffset, buf)) { headerDue = false; buf.byte(10); } else buf.len = mark;
        } else if (rows.rowToAt(rec, batch.source, batch.sourceOffset, buf)) buf.byte(10);
        if (frames >= limit) break read;
        // Flushed every ~64 KiB (not once per 1 MiB batch): the buffer stays small and in cache.
        // The batch's bytes stay valid meanwhile (the reader moves on only when asked).
        if (buf.len >= 1 << 16) await flush();
      }
    }
  } catch (err) {
    await flush();
    throw readError(file, err);
  }
  if (headerDue) { buf.str(rows.headerLine()); buf.byte(10); }
  await flush();
  if (reader.fatal !== undefined && frames < limit) throw new CliError(damageMessage(file, reader.fatal), 2);
  return 0;
}
