/** Shared plumbing of the explain commands (explain, ladder, follow, stats): open `-r FILE`,
 *  turn file errors into one-line CLI errors, parse stream/frame numbers, decide on colour. */
import { existsSync, writeFileSync } from "node:fs";
import { readCapture, CaptureFileError, type CaptureRecord } from "../../capture/index.js";
import { openCaptureFile } from "../../capture/node.js";
import { colorEnabled } from "../../explain/index.js";
import { CliError, EXIT_USAGE } from "../errors.js";

/** The records of `path`; a missing or unreadable file is a CliError (exit 1), never a stack trace.
 *  A file cut short yields its complete records, and `damage.message` then says where it stopped. */
export async function* captureRecords(path: string | undefined, damage?: { message?: string }): AsyncGenerator<CaptureRecord> {
  if (path === undefined) throw new CliError("-r FILE is required (a pcap or pcapng file, - for stdin)", EXIT_USAGE);
  if (path !== "-" && !existsSync(path)) throw new CliError(`cannot read '${path}': no such file`);
  const reader = readCapture(openCaptureFile(path));
  try {
    for await (const rec of reader.records()) yield rec;
    if (damage !== undefined && reader.fatal !== undefined) damage.message = reader.fatal.message;
  } catch (err) {
    if (err instanceof CaptureFileError) throw new CliError(`'${path}' is not a capture file we can read: ${err.message}`);
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === "string" && e.code.startsWith("E")) throw new CliError(`cannot read '${path}': ${e.code}`);
    throw err;
  }
}

/** Parses a non-negative integer option (stream and frame numbers) or throws a usage error. */
export function parseIndex(value: string | undefined, option: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new CliError(`${option} must be an integer ≥ ${min}, not '${value}'`, EXIT_USAGE);
  }
  return Number(value);
}

/** Colour on a TTY unless NO_COLOR; `--color` or FORCE_COLOR force it (NO_COLOR still wins). */
export function wantColor(flag: boolean | undefined): boolean {
  return colorEnabled({ isTTY: process.stdout.isTTY === true, flag: flag === true,
    noColor: process.env.NO_COLOR, forceColor: process.env.FORCE_COLOR });
}

/** Writes text to stdout, waiting for the drain on a pipe. */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((r) => process.stdout.once("drain", () => r()));
}

/** Writes `text` to the file `out` (-o), never over an existing file without `force`: "wx" also
 *  fails if the file appeared since the command checked. Errors are one-line CliErrors. */
export function writeOutputFile(out: string, text: string, force: boolean | undefined): void {
  try {
    writeFileSync(out, text, { flag: force ? "w" : "wx" });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EEXIST") throw new CliError(`'${out}' exists; add --force to overwrite it`);
    throw new CliError(`cannot write '${out}': ${e.code ?? e.message}`);
  }
}
