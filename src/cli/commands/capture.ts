import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { PcapWriter, PcapngWriter } from "../../capture/index.js";
import { startCapture, CaptureError, PacketLister, formatRow, type CaptureHandle } from "../../lab/index.js";
import { CliError, EXIT_USAGE, parseOptions, parsePositive } from "../errors.js";

export const CAPTURE_USAGE = `synack capture [-i lo] [-f BPF] [-c N] [-a duration:S] [-w out.pcapng|out.pcap] [-s snaplen] [--force]
  Live capture through tcpdump (installed separately; needs root or cap_net_raw,cap_net_admin).
  Prints one line per packet as it arrives and, with -w, writes the packets to a file:
  pcap when the name ends in .pcap, else pcapng. Stops on Ctrl-C, after -c packets or after
  -a duration:S seconds; the file is complete and valid in every case.
  -i IFACE        interface (default lo)
  -f BPF          capture filter, e.g. "tcp port 20000" (tcpdump's syntax)
  -c N            stop after N packets
  -a duration:S   stop after S seconds
  -w FILE         write the packets; an existing FILE is refused unless --force
  -s SNAPLEN      bytes kept per packet (default 262144)`;

/** Bytes buffered before the writer flushes to the file; a timer flushes smaller amounts too. */
const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 200;

/** Parses `duration:S` (S seconds, decimals allowed) into milliseconds. */
export function parseAutostop(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^duration:(\d+(?:\.\d+)?)$/.exec(value);
  if (m === null || Number(m[1]) <= 0) {
    throw new CliError(`-a must be duration:SECONDS (a positive number), not '${value}'`, EXIT_USAGE);
  }
  return Math.round(Number(m[1]) * 1000);
}

/** The output file: pcap or pcapng chosen by extension, written as packets arrive. */
class CaptureFileSink {
  readonly #fd: number;
  readonly #pcap: boolean;
  /** Where the bytes go: `path` itself, or with --force a temporary file renamed over it at the end. */
  readonly #target: string;
  #writer: PcapWriter | PcapngWriter | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly path: string, force: boolean) {
    this.#pcap = /\.pcap$/i.test(path);
    // With --force the old file stays until the new one is complete (a failed start loses nothing).
    this.#target = force ? `${path}.synack-${process.pid}.part` : path;
    try {
      this.#fd = openSync(this.#target, "wx");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw new CliError(`${path} exists; choose another name or add --force to overwrite it`, EXIT_USAGE);
      if (code === "ENOENT") throw new CliError(`cannot create ${path}: no such directory`, EXIT_USAGE);
      if (code === "EACCES") throw new CliError(`cannot create ${path}: permission denied`, EXIT_USAGE);
      if (code === "EISDIR") throw new CliError(`${path} is a directory`, EXIT_USAGE);
      throw new CliError(`cannot create ${path}: ${(err as Error).message}`, EXIT_USAGE);
    }
    this.#timer = setInterval(() => this.flush(), FLUSH_MS);
    this.#timer.unref();
  }

  /** Writes the file header once the link type is known. */
  open(linkType: number, snaplen: number, nanos: boolean): void {
    if (this.#writer !== undefined) return;
    if (this.#pcap) {
      const w = new PcapWriter({ linkType, snaplen, nanos });
      w.header();
      this.#writer = w;
    } else {
      const w = new PcapngWriter({ interfaces: [{ linkType, snaplen, tsresol: nanos ? 9 : 6 }] });
      w.header();
      this.#writer = w;
    }
  }

  add(rec: { tsSec: number; tsNsec: number; originalLength: number; bytes: Uint8Array }): void {
    this.#writer!.add(rec);
    if (this.#writer!.buffered >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    const w = this.#writer;
    if (w === undefined || w.buffered === 0) return;
    const bytes = w.take();
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
  }

  /** Flushes and closes; the file is complete. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
    closeSync(this.#fd);
    if (this.#target !== this.path) renameSync(this.#target, this.path);
  }

  /** Closes and removes what we created (the capture never started). */
  discard(): void {
    clearInterval(this.#timer);
    closeSync(this.#fd);
    try { unlinkSync(this.#target); } catch { /* already gone */ }
  }
}

/** `synack capture`: live capture with one summary line per packet, optionally written to a file. */
export async function captureCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions({
    args, allowPositionals: true, strict: true, options: {
      interface: { type: "string", short: "i" }, filter: { type: "string", short: "f" },
      count: { type: "string", short: "c" }, autostop: { type: "string", short: "a" },
      write: { type: "string", short: "w" }, snaplen: { type: "string", short: "s" },
      force: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { process.stdout.write(CAPTURE_USAGE + "\n"); return 0; }
  // Like tcpdump, words after the options form the filter expression.
  if (positionals.length > 0 && values.filter !== undefined) {
    throw new CliError(`give the filter either with -f or after the options, not both`, EXIT_USAGE);
  }
  const filter = values.filter ?? (positionals.length > 0 ? positionals.join(" ") : undefined);
  const count = values.count === undefined ? undefined : parsePositive(values.count, 1, "-c");
  const snaplen = values.snaplen === undefined ? undefined : parsePositive(values.snaplen, 262_144, "-s");
  const durationMs = parseAutostop(values.autostop);
  const iface = values.interface ?? "lo";
  if (values.write === "-") throw new CliError("-w - is not supported: the packet lines go to stdout", EXIT_USAGE);

  const sink = values.write !== undefined ? new CaptureFileSink(values.write, values.force === true) : undefined;
  let handle: CaptureHandle | undefined;
  let started = true;
  const onSignal = () => { void handle?.stop(); };
  try {
    handle = startCapture({ iface, ...(filter !== undefined ? { filter } : {}), ...(snaplen !== undefined ? { snaplen } : {}),
      ...(count !== undefined ? { count } : {}), ...(durationMs !== undefined ? { durationMs } : {}) });
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      await handle.ready;
    } catch (err) {
      started = false;
      if (err instanceof CaptureError) throw new CliError(err.message, EXIT_USAGE);
      throw err;
    }
    process.stderr.write(`Capturing on '${iface}'${filter ? ` (filter: ${filter})` : ""}\n`);
    const lister = new PacketLister();
    const out = process.stdout;
    let stdoutOpen = true;
    out.on("error", () => { stdoutOpen = false; void handle?.stop(); });
    for await (const rec of handle) {
      if (sink !== undefined) {
        const info = handle.reader.info;
        sink.open(rec.linkType, info?.interfaces[0]?.snaplen ?? 262_144, info?.pcap?.nanos ?? true);
        sink.add(rec);
      }
      const line = formatRow(lister.row(rec)) + "\n";
      if (stdoutOpen) out.write(line);
    }
    const summary = await handle.stop();
    if (sink !== undefined) {
      const info = handle.reader.info;
      sink.open(info?.interfaces[0]?.linkType ?? 1, info?.interfaces[0]?.snaplen ?? 262_144, info?.pcap?.nanos ?? true);
    }
    const dropped = summary.droppedByKernel ? `, ${summary.droppedByKernel} dropped by the kernel` : "";
    process.stderr.write(`${summary.packets} packet${summary.packets === 1 ? "" : "s"} captured${dropped}${sink ? `, written to ${sink.path}` : ""}\n`);
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (started) sink?.close(); else sink?.discard();
    if (handle !== undefined) await handle.stop().catch(() => undefined);
  }
}
