#!/usr/bin/env node
import { CliError, EXIT_USAGE } from "./errors.js";
/** A subcommand: its module is imported only when it runs (start-up loads one command, not all). */
type Command = { load: () => Promise<(args: string[]) => Promise<number>>; summary: string };

/** Every subcommand, in the order `synack --help` lists them (each prints its own usage with --help). */
const COMMANDS: Record<string, Command> = {
  demo: { load: async () => (await import("./commands/demo.js")).demoCommand, summary: "the article end to end: echo server, client AB" },
  capture: { load: async () => (await import("./commands/capture.js")).captureCommand, summary: "live capture via tcpdump: a line per packet, -w FILE" },
  read: { load: async () => (await import("./commands/read.js")).readCommand, summary: "read a capture: tshark -T fields output, byte for byte" },
  server: { load: async () => (await import("./commands/server.js")).serverCommand, summary: "echo server (port 20000)" },
  explain: { load: async () => (await import("./commands/explain.js")).explainCommand, summary: "each packet in plain English: flags, seq/ack, states, the why" },
  fields: { load: async () => (await import("./commands/fields.js")).fieldsCommand, summary: "every field name read -e and -Y know, as tshark -G fields" },
  follow: { load: async () => (await import("./commands/follow.js")).followCommand, summary: "a TCP stream's bytes each way, as tshark -z follow" },
  ladder: { load: async () => (await import("./commands/ladder.js")).ladderCommand, summary: "a stream's ladder diagram (ASCII or SVG): arrows, states, marks" },
  graph: { load: async () => (await import("./commands/graph.js")).graphCommand, summary: "a stream's graphs as SVG: time-sequence, throughput, RTT, in flight, window" },
  doctor: { load: async () => (await import("./commands/doctor.js")).doctorCommand, summary: "what limited each connection and where its time went, in words" },
  stats: { load: async () => (await import("./commands/stats.js")).statsCommand, summary: "conversations, expert items, I/O per interval, as tshark -z" },
  ui: { load: async () => (await import("./commands/ui.js")).uiCommand, summary: "the web view: packet list, details, bytes, ladder, live" },
  client: { load: async () => (await import("./commands/client.js")).clientCommand, summary: "echo client: send, read the echo, shut down" },
  lab: { load: async () => (await import("./commands/lab.js")).labCommand, summary: "TCP behaviours made to happen in network namespaces, explained" },
};

const USAGE = `synack: see and understand TCP
usage: synack <command> [options]   (synack <command> --help for its options)
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`).join("\n")}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE + "\n");
    return name === undefined ? EXIT_USAGE : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) throw new CliError(`unknown command '${name}' (try synack --help)`, EXIT_USAGE);
  return (await cmd.load())(rest);
}

const command = process.argv[2] ?? "";
// `synack read … | head`: the reader went away; stop quietly, as tshark and tcpdump do.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  process.stderr.write(`synack: cannot write output: ${err.message}\n`);
  process.exit(74);
});
// Never a stack trace: an error thrown outside the command's promise chain is still one line.
process.on("uncaughtException", (err: Error) => {
  process.stderr.write(`synack: internal error: ${err.message}${process.env.SYNACK_DEBUG ? "\n" + err.stack : " (SYNACK_DEBUG=1 shows the stack)"}\n`);
  process.exit(70);
});
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`synack${command && COMMANDS[command] ? " " + command : ""}: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`synack: internal error: ${msg}${process.env.SYNACK_DEBUG ? "\n" + (err as Error).stack : " (SYNACK_DEBUG=1 shows the stack)"}\n`);
      process.exitCode = 70;
    }
  },
);
