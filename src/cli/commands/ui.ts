import { once } from "node:events";
import { startUiServer, UiServerError } from "../../web/server.js";
import { CliError, EXIT_USAGE, parseOptions, parsePort } from "../errors.js";

export const UI_USAGE = `synack ui [-r FILE] [-i IFACE [-f BPF]] [--port 0] [--host 127.0.0.1] [--demo-port 0]
  The web view: packet list, details tree, bytes, filter bar, explanations and ladder, in
  any browser. Prints the URL to open (it carries a random token: keep it to yourself).
  -r FILE      open this capture (pcap or pcapng); a file can also be dropped on the page
  -i IFACE     live capture through tcpdump (e.g. lo); packets appear as they arrive
  -f BPF       capture filter for -i (tcpdump syntax)
  --port N     port to listen on (default 0: any free port)
  --demo-port N  port of the echo demo the page's button runs (default 0: any free port);
               with -f "tcp port N" the live view shows only the demo
  --host ADDR  address to listen on (default 127.0.0.1; anything else exposes the capture)`;

/** \`synack ui\`: runs until Ctrl-C. */
export async function uiCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, options: {
      read: { type: "string", short: "r" }, interface: { type: "string", short: "i" },
      filter: { type: "string", short: "f" }, port: { type: "string" }, "demo-port": { type: "string" }, host: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { process.stdout.write(UI_USAGE + "\n"); return 0; }
  if (values.read !== undefined && values.interface !== undefined) throw new CliError("-r and -i cannot be combined", EXIT_USAGE);
  if (values.filter !== undefined && values.interface === undefined) throw new CliError("-f needs -i", EXIT_USAGE);
  const port = parsePort(values.port, 0);
  const live = values.interface === undefined ? undefined
    : values.filter === undefined ? { iface: values.interface } : { iface: values.interface, filter: values.filter };
  let server;
  try {
    server = await startUiServer({
      port, host: values.host ?? "127.0.0.1", demoPort: parsePort(values["demo-port"], 0, "--demo-port"),
      ...(values.read !== undefined ? { file: values.read } : {}),
      ...(live !== undefined ? { live } : {}),
    });
  } catch (err) {
    if (err instanceof UiServerError) throw new CliError(err.message, 1);
    throw err;
  }
  process.stdout.write(`synack ui: open ${server.url}\n`);
  await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  await server.close();
  return 0;
}
