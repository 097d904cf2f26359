import { startEchoServer, runEchoClient, EchoServerError, sameBytes, formatPeer } from "../../lab/index.js";
import { CliError, parseOptions, parsePort } from "../errors.js";
import { asHex, asText } from "../bytes.js";

export const DEMO_USAGE = `synack demo [--port 20000]
  The article in one command: an echo server on 127.0.0.1:20000 (a free port when 20000 is
  busy), a client that sends "AB" and shuts down, and what went over the wire.`;

/** `synack demo` (what `npm start` runs). Live capture and the walkthrough come in #6. */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, options: { port: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true,
  });
  if (values.help) { process.stdout.write(DEMO_USAGE + "\n"); return 0; }
  const out = (line: string) => process.stdout.write(line + "\n");
  const wanted = parsePort(values.port, 20000);
  const log = (line: string) => out(`  server | ${line}`);
  let server;
  try {
    server = await startEchoServer({ host: "127.0.0.1", port: wanted, log });
  } catch (err) {
    if (!(err instanceof EchoServerError) || err.code !== "EADDRINUSE") throw err;
    server = await startEchoServer({ host: "127.0.0.1", port: 0, log });
    out(`note: port ${wanted} is busy, so the demo uses free port ${server.address.port}`);
  }
  const port = server.address.port;
  out(`Echo server listening on ${formatPeer("127.0.0.1", port)}`);
  try {
    const r = await runEchoClient({ host: "127.0.0.1", port, data: new TextEncoder().encode("AB") });
    out(`  client | connected from ${formatPeer(r.local.host, r.local.port)}`);
    out(`  client | sent     ${asText(r.sent)} = ${asHex(r.sent)} (hex)`);
    out(`  client | received ${asText(r.received)} = ${asHex(r.received)} (hex)`);
    out(`  client | shut down both directions after ${(r.durationNs / 1e6).toFixed(3)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the server log its close
    if (!sameBytes(r.sent, r.received)) throw new CliError("the echo did not match what was sent", 1);
    out("The echo matched. (Live capture and the packet walkthrough arrive with `synack capture`.)");
  } finally {
    await server.close();
  }
  return 0;
}
