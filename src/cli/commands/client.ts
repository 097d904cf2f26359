import { readFileSync } from "node:fs";
import { runEchoClient, EchoClientError, sameBytes, formatPeer } from "../../lab/index.js";
import { CliError, EXIT_USAGE, parseOptions, parsePort, parsePositive } from "../errors.js";
import { asHex, asText } from "../bytes.js";

export const CLIENT_USAGE = `synack client [--host localhost] [--port 20000] [--data AB | --file F | -]
              [--close shutdown|reset] [--timeout MS]
  Connects, sends the data, reads the echo, then shuts down both directions (FIN, like the
  article's shutdown(2)) or resets (RST). Exit 0 when the echo matches, 1 when it does not,
  2 when the connection is refused or times out.`;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `synack client`: one echo exchange; resolves the exit status. */
export async function clientCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions({
    args,
    options: {
      host: { type: "string" }, port: { type: "string" }, data: { type: "string" },
      file: { type: "string" }, close: { type: "string" }, timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true, allowPositionals: true,
  });
  if (values.help) { process.stdout.write(CLIENT_USAGE + "\n"); return 0; }
  const stdin = positionals.length === 1 && positionals[0] === "-";
  if (positionals.length > 0 && !stdin) throw new CliError(`unexpected argument '${positionals[0]}'`, EXIT_USAGE);
  const sources = [values.data !== undefined, values.file !== undefined, stdin].filter(Boolean).length;
  if (sources > 1) throw new CliError("give only one of --data, --file and -", EXIT_USAGE);
  const close = values.close ?? "shutdown";
  if (close !== "shutdown" && close !== "reset") {
    throw new CliError(`--close must be shutdown or reset, not '${close}'`, EXIT_USAGE);
  }
  let data: Uint8Array;
  if (values.file !== undefined) {
    try { data = readFileSync(values.file); } catch (err) {
      throw new CliError(`cannot read ${values.file}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT_USAGE);
    }
  } else if (stdin) data = await readStdin();
  else data = new TextEncoder().encode(values.data ?? "AB");
  const host = values.host ?? "localhost";
  const port = parsePort(values.port, 20000);
  const timeoutMs = parsePositive(values.timeout, 5000, "--timeout");

  let r;
  try {
    r = await runEchoClient({ host, port, data, close, timeoutMs });
  } catch (err) {
    if (err instanceof EchoClientError) throw new CliError(err.message, 2);
    throw err;
  }
  const out = (line: string) => process.stdout.write(line + "\n");
  out(`Connected ${formatPeer(r.local.host, r.local.port)} -> ${formatPeer(r.remote.host, r.remote.port)}`);
  out(`Sent     ${r.sent.length} byte(s): ${asText(r.sent)}  hex ${asHex(r.sent)}`);
  out(`Received ${r.received.length} byte(s): ${asText(r.received)}  hex ${asHex(r.received)}`);
  const ms = (r.durationNs / 1e6).toFixed(3);
  const how = close === "shutdown" ? "shut down (FIN both ways)" : "reset (RST)";
  if (sameBytes(r.sent, r.received)) {
    out(`Echo matches; connection ${how} after ${ms} ms`);
    return 0;
  }
  let at = 0;
  while (at < r.sent.length && at < r.received.length && r.sent[at] === r.received[at]) at++;
  out(`Echo differs at byte ${at}; connection ${how} after ${ms} ms`);
  return 1;
}
