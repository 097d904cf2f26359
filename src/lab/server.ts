import { createServer, Socket, type Server, type SocketConstructorOpts } from "node:net";

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
  /** Connections read through the shared buffer, and through ordinary 'data' events (fallback). */
  sharedBufferConnections: number;
  dataEventConnections: number;
}

/** Errors the server reports as values to the CLI (busy port, bad address). */
export class EchoServerError extends Error {
  constructor(message: string, readonly code: string) { super(message); }
}

/** Size of the shared read buffer (the C reference server reads 256 KiB at a time). */
export const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Moves an accepted connection onto a new Socket that reads into `buffer()` and hands each read
 * to `onData` (node:net's documented `onread` option, which a server's own sockets cannot take).
 * Needs the connection's libuv handle, an internal of node:net: when it is not where Node 20–24
 * keep it, returns undefined and the caller uses the ordinary 'data' events.
 */
function adoptWithSharedBuffer(accepted: Socket, buffer: () => Buffer,
    onData: (n: number, buf: Buffer) => void): Socket | undefined {
  const internal = accepted as unknown as { _handle?: { readStart?: unknown; getpeername?: unknown } | null };
  const handle = internal._handle;
  if (handle == null || typeof handle.readStart !== "function" || typeof handle.getpeername !== "function") return undefined;
  internal._handle = null;
  accepted.destroy(); // no handle left: only releases the server's connection count
  const socket = new Socket({ handle, allowHalfOpen: true, readable: true, writable: true,
    onread: { buffer, callback: (n: number, buf: Buffer) => { onData(n, buf); return true; } } } as SocketConstructorOpts);
  socket.setNoDelay(true);
  socket.pause();
  return socket;
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
  const stats: EchoServerStats = { accepted: 0, open: 0, bytesEchoed: 0, maxBufferedBytes: 0,
    sharedBufferConnections: 0, dataEventConnections: 0 };

  /** Reads land in one shared 256 KiB buffer (like the C reference server's) instead of a
   *  fresh 64 KiB Buffer per read: the echo is written from it at once, and only when the
   *  kernel cannot take all of it does that write keep the buffer, so the next read gets a
   *  new one. Idle connections hold no buffer at all. */
  let shared: Buffer | null = null;
  const readBuffer = (): Buffer => (shared ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES));

  const serve = (socket: Socket) => {
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    open.add(socket);
    stats.accepted++;
    stats.open = open.size;
    log?.(`Got connection from ${peer}`);
    let failure = "";
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
    return (chunk: Buffer): void => {
      const before = socket.writableLength;
      if (!socket.write(chunk)) socket.pause(); // backpressure: stop reading until drained
      const held = socket.writableLength + socket.readableLength;
      if (held > stats.maxBufferedBytes) stats.maxBufferedBytes = held;
      if (chunk.buffer === shared?.buffer && socket.writableLength > before) shared = null; // the queued write owns it
    };
  };

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (accepted) => {
    const fast = adoptWithSharedBuffer(accepted, readBuffer, (n, buf) => echo(buf.subarray(0, n)));
    const socket = fast ?? accepted;
    const echo = serve(socket);
    if (fast === undefined) { socket.on("data", echo); stats.dataEventConnections++; }
    else stats.sharedBufferConnections++;
    socket.resume();
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
