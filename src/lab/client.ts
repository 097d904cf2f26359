import { connect, type Socket } from "node:net";

/** What the echo client sends and how it ends the connection. */
export interface EchoClientOptions {
  /** Server host; default "localhost" as in the article. */
  host?: string;
  /** Server port; default 20000. */
  port?: number;
  /** Bytes to send; default "AB". */
  data?: Uint8Array;
  /** "shutdown": FIN after the echo arrived, like the article's shutdown(2), then wait for the
   *  server's FIN. "reset": abort with RST once the echo arrived. Default "shutdown". */
  close?: "shutdown" | "reset";
  /** Give up after this many ms without connect or progress; default 5000. */
  timeoutMs?: number;
}

/** What one echo exchange did. */
export interface EchoClientResult {
  sent: Uint8Array;
  received: Uint8Array;
  /** From connect() to the connection fully closed, integer nanoseconds. */
  durationNs: number;
  /** Our side of the connection, e.g. 127.0.0.1:54321. */
  local: { host: string; port: number };
  remote: { host: string; port: number };
}

/** Why an exchange failed before an echo could be compared (refused, timeout, reset...). */
export class EchoClientError extends Error {
  constructor(message: string, readonly code: string) { super(message); }
}

const ASCII_A = new TextEncoder().encode("AB");

/**
 * Connects, sends the data, reads the echo until as many bytes came back as were sent (or the
 * server closed), then shuts down both directions or resets. Resolves with what was sent and
 * received; rejects with EchoClientError when the connection cannot be made or times out.
 */
export function runEchoClient(options: EchoClientOptions = {}): Promise<EchoClientResult> {
  const host = options.host ?? "localhost";
  const port = options.port ?? 20000;
  const data = options.data ?? ASCII_A;
  const mode = options.close ?? "shutdown";
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = process.hrtime.bigint();

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    let shutdownSent = false;
    let local = { host: "", port: 0 };
    let remote = { host: "", port: 0 };
    const socket: Socket = connect({ host, port, allowHalfOpen: true, noDelay: true });

    const fail = (err: EchoClientError) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      const all = Buffer.concat(chunks, received);
      resolve({
        sent: data,
        received: new Uint8Array(all.buffer, all.byteOffset, all.byteLength),
        durationNs: Number(process.hrtime.bigint() - started),
        local, remote,
      });
    };
    const endExchange = () => {
      if (mode === "reset") {
        socket.resetAndDestroy();
        finish();
      } else if (!shutdownSent) {
        shutdownSent = true;
        socket.end(); // FIN; the server answers with its own FIN (event "end")
      }
    };

    socket.setTimeout(timeoutMs, () => {
      const what = socket.connecting ? "connecting to" : "waiting for the echo from";
      fail(new EchoClientError(`timed out after ${timeoutMs} ms ${what} ${host}:${port}`, "ETIMEDOUT"));
    });
    socket.on("connect", () => {
      local = { host: socket.localAddress ?? "", port: socket.localPort ?? 0 };
      remote = { host: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
      socket.write(data);
      if (data.length === 0) endExchange();
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= data.length) endExchange();
    });
    socket.on("end", () => {
      if (!shutdownSent && mode === "shutdown") { shutdownSent = true; socket.end(); }
      else if (mode === "reset") endExchange();
    });
    socket.on("close", () => finish());
    socket.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "EIO";
      const msg = code === "ECONNREFUSED" ? `connection refused by ${host}:${port}`
        : code === "ENOTFOUND" || code === "EAI_AGAIN" ? `cannot resolve host ${host}`
        : code === "ECONNRESET" ? `connection reset by ${host}:${port} after ${received} bytes`
        : `${host}:${port}: ${err.message}`;
      if (received > 0 && code === "ECONNRESET") finish();
      else fail(new EchoClientError(msg, code));
    });
  });
}

/** True when both byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
