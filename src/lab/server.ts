import { createServer, type Server, type Socket } from "node:net";

/** Where the echo server listens and how it reports connections. */
export interface EchoServerOptions {
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 20000, the article's port. */
  port?: number;
  /** listen(2) backlog; default 4096 (the article's Python server used 5). */
  backlog?: number;
  /** Called once per event with a ready-to-print line; default: nothing is printed. */
  log?: (line: string) => void;
}

/** A running echo server. */
export interface EchoServerHandle {
  /** The bound address, with the real port when 0 was asked for. */
  readonly address: { host: string; port: number; family: "IPv4" | "IPv6" };
  /** Connections currently open. */
  readonly connections: number;
  /** Counters since start: connections accepted, bytes echoed, and the largest number of
   *  bytes the server held for any one peer (user-space write queue), a measure of backpressure. */
  stats(): EchoServerStats;
  /** Stops accepting, ends every open connection (FIN after its queued echo, RST after
   *  `graceMs`), and resolves when the listener and all connections are closed. */
  close(graceMs?: number): Promise<void>;
}

/** See EchoServerHandle.stats. */
export interface EchoServerStats {
  accepted: number;
  open: number;
  bytesEchoed: number;
  /** Largest user-space buffered bytes (readable + writable queues) seen on one connection. */
  maxBufferedBytes: number;
}

/** Errors the server reports as values to the CLI (busy port, bad address). */
export class EchoServerError extends Error {
  constructor(message: string, readonly code: string) { super(message); }
}

/** Formats a peer the way people type it: 127.0.0.1:33310, [::1]:33310. */
export function formatPeer(host: string | undefined, port: number | undefined): string {
  const h = host ?? "?";
  return h.includes(":") ? `[${h}]:${port ?? "?"}` : `${h}:${port ?? "?"}`;
}

/**
 * Starts the article's echo server, done right: every byte echoed in order; backpressure
 * (reading pauses while the peer does not read our echo, so a slow reader cannot grow our
 * memory); half-close as in the article's recv loop (after the peer's FIN we still send the
 * remaining echo, then our FIN); an error handler on every socket, so a RST never crashes us.
 */
export function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServerHandle> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 20000;
  const backlog = options.backlog ?? 4096;
  const log = options.log;
  const open = new Set<Socket>();
  let onEmpty: (() => void) | undefined; // set by close(): called when the last socket closed
  const stats: EchoServerStats = { accepted: 0, open: 0, bytesEchoed: 0, maxBufferedBytes: 0 };

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    open.add(socket);
    stats.accepted++;
    stats.open = open.size;
    log?.(`Got connection from ${peer}`);
    let failure = "";
    socket.on("data", (chunk: Buffer) => {
      if (!socket.write(chunk)) socket.pause(); // backpressure: stop reading until drained
      const held = socket.writableLength + socket.readableLength;
      if (held > stats.maxBufferedBytes) stats.maxBufferedBytes = held;
    });
    socket.on("drain", () => socket.resume());
    socket.on("end", () => socket.end()); // peer's FIN: our FIN follows the queued echo
    socket.on("error", (err: NodeJS.ErrnoException) => { failure = err.code ?? err.message; });
    socket.on("close", () => {
      open.delete(socket);
      stats.open = open.size;
      if (open.size === 0) onEmpty?.();
      const echoed = socket.bytesWritten;
      stats.bytesEchoed += echoed;
      log?.(`Closed ${peer}: echoed ${echoed} byte${echoed === 1 ? "" : "s"}${failure ? ` (${failure})` : ""}`);
    });
  });

  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = formatPeer(host, port);
      if (err.code === "EADDRINUSE") reject(new EchoServerError(`${where} is already in use`, err.code));
      else if (err.code === "EADDRNOTAVAIL") reject(new EchoServerError(`${host} is not an address of this machine`, err.code));
      else if (err.code === "EACCES") reject(new EchoServerError(`no permission to listen on ${where}`, err.code));
      else reject(new EchoServerError(`cannot listen on ${where}: ${err.message}`, err.code ?? "ELISTEN"));
    };
    server.once("error", onError);
    server.listen({ host, port, backlog }, () => {
      server.off("error", onError);
      server.on("error", (err) => log?.(`server error: ${err.message}`));
      const a = server.address();
      const address = typeof a === "object" && a !== null
        ? { host: a.address, port: a.port, family: (a.family === "IPv6" ? "IPv6" : "IPv4") as "IPv4" | "IPv6" }
        : { host, port, family: "IPv4" as const };
      let closing: Promise<void> | undefined;
      resolve({
        address,
        get connections() { return open.size; },
        stats: () => ({ ...stats }),
        close(graceMs = 1000) {
          closing ??= new Promise<void>((done) => {
            let listenerClosed = false;
            const check = () => { if (listenerClosed && open.size === 0) done(); };
            onEmpty = check;
            server.close(() => { listenerClosed = true; check(); });
            for (const s of open) s.end();
            if (open.size > 0) {
              const timer = setTimeout(() => { for (const s of open) s.resetAndDestroy(); }, graceMs);
              timer.unref();
            }
          });
          return closing;
        },
      });
    });
  });
}
