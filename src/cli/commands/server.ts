import { startEchoServer, EchoServerError, formatPeer } from "../../lab/index.js";
import { CliError, parseOptions, parsePort, parsePositive } from "../errors.js";

export const SERVER_USAGE = `synack server [--host 127.0.0.1] [--port 20000] [--backlog 4096] [--quiet]
  The article's echo server: echoes every byte back, half-close aware, with backpressure.
  --port 0 picks a free port. Ctrl-C (SIGINT) or SIGTERM stops it.`;

/** `synack server`: runs until SIGINT/SIGTERM, then closes and resolves exit status 0. */
export async function serverCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args,
    options: {
      host: { type: "string" }, port: { type: "string" }, backlog: { type: "string" },
      quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { process.stdout.write(SERVER_USAGE + "\n"); return 0; }
  const host = values.host ?? "127.0.0.1";
  const port = parsePort(values.port, 20000);
  const backlog = parsePositive(values.backlog, 4096, "--backlog");
  const print = (line: string) => process.stdout.write(line + "\n");
  let server;
  try {
    server = await startEchoServer({ host, port, backlog, ...(values.quiet ? {} : { log: print }) });
  } catch (err) {
    if (err instanceof EchoServerError) throw new CliError(err.message, 1);
    throw err;
  }
  // Handlers first, then the "listening" line: whoever reads it may signal us at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGINT", onInt); process.off("SIGTERM", onTerm);
      print(`${signal}: closing ${server.connections} open connection(s)`);
      void server.close(1000).then(resolve);
    };
    const onInt = () => stop("SIGINT");
    const onTerm = () => stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
  print(`Echo server listening on ${formatPeer(server.address.host, server.address.port)}`
    + ` (port ${server.address.port}, backlog ${backlog}); Ctrl-C stops it`);
  await stopped;
  const s = server.stats();
  print(`Stopped: ${s.accepted} connection(s), ${s.bytesEchoed} byte(s) echoed`);
  return 0;
}
