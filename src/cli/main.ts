#!/usr/bin/env node
import { CliError, EXIT_USAGE } from "./errors.js";
import { serverCommand, SERVER_USAGE } from "./commands/server.js";
import { clientCommand, CLIENT_USAGE } from "./commands/client.js";
import { demoCommand, DEMO_USAGE } from "./commands/demo.js";
import { readCommand, READ_USAGE } from "./commands/read.js";
import { captureCommand, CAPTURE_USAGE } from "./commands/capture.js";
import { followCommand, FOLLOW_USAGE } from "./commands/follow.js";
import { ladderCommand, LADDER_USAGE } from "./commands/ladder.js";
import { uiCommand, UI_USAGE } from "./commands/ui.js";

type Command = { run: (args: string[]) => Promise<number>; usage: string; summary: string };

/** Every subcommand, in the order `synack --help` lists them. */
const COMMANDS: Record<string, Command> = {
  demo: { run: demoCommand, usage: DEMO_USAGE, summary: "the article end to end: echo server, client AB" },
  capture: { run: captureCommand, usage: CAPTURE_USAGE, summary: "live capture via tcpdump: a line per packet, -w FILE" },
  read: { run: readCommand, usage: READ_USAGE, summary: "read a capture: tshark -T fields output, byte for byte" },
  server: { run: serverCommand, usage: SERVER_USAGE, summary: "echo server (port 20000)" },
  follow: { run: followCommand, usage: FOLLOW_USAGE, summary: "a TCP stream's bytes each way, as tshark -z follow" },
  ladder: { run: ladderCommand, usage: LADDER_USAGE, summary: "a stream's ladder diagram (ASCII or SVG): arrows, states, marks" },
  ui: { run: uiCommand, usage: UI_USAGE, summary: "the web view: packet list, details, bytes, ladder, live" },
  client: { run: clientCommand, usage: CLIENT_USAGE, summary: "echo client: send, read the echo, shut down" },
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
  return cmd.run(rest);
}

const command = process.argv[2] ?? "";
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
