import { parseArgs, type ParseArgsConfig } from "node:util";

/** A failure to report as one line on stderr, with the process exit status. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 1) { super(message); }
}

/** Exit status for a command line we cannot understand. */
export const EXIT_USAGE = 2;

/** node:util parseArgs, with its exceptions turned into one-line usage errors. */
export function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    // "--stream -1": parseArgs takes the value for an option and calls it ambiguous; say what to type.
    const dash = /^Option '(-[^' ]+)' argument is ambiguous\.$/.exec(msg);
    if (dash !== null) {
      const value = config.args?.[config.args.indexOf(dash[1]!) + 1] ?? "-…";
      throw new CliError(`${dash[1]} ${value}: a value starting with '-' is written ${dash[1]}=${value}`, EXIT_USAGE);
    }
    throw new CliError(msg.replace(/\. To specify a positional argument.*$/, ""), EXIT_USAGE);
  }
}

/** Parses a port number 0-65535 or throws a usage error naming the option. */
export function parsePort(value: string | undefined, fallback: number, option = "--port"): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new CliError(`${option} must be a number from 0 to 65535, not '${value}'`, EXIT_USAGE);
  }
  return Number(value);
}

/** Parses a positive integer option or throws a usage error naming it. */
export function parsePositive(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new CliError(`${option} must be a positive integer, not '${value}'`, EXIT_USAGE);
  }
  return Number(value);
}
