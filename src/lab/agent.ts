/** The program a lab host runs: `ip netns exec NS node agent.js '<AgentSpec as JSON>'`.
 *  It listens or connects, then plays each connection's steps (write, read, pause reading,
 *  half-close, reset, …) and reports events as JSON lines on stdout. Socket options are what Node
 *  offers: TCP_NODELAY (`setNoDelay`), SO_KEEPALIVE + TCP_KEEPIDLE (`setKeepAlive(true, ms)`),
 *  SO_LINGER 0 (`resetAndDestroy()`, a RST instead of a FIN), half-close (`allowHalfOpen` + `end()`);
 *  buffer sizes are set with sysctls of the namespace (net.ipv4.tcp_rmem), not here.
 *  Only node:* imports: this file runs as its own process. */
import { connect, createServer, type Socket } from "node:net";

/** One thing a connection does, in order. */
export type AgentStep =
  | { op: "write"; bytes?: number; text?: string; marker?: { text: string; blocks: readonly number[] } }
  | { op: "writes"; count: number; bytes: number; gapMs: number }
  | { op: "read"; bytes: number }
  | { op: "readEnd" }
  | { op: "pause" }
  | { op: "resume" }
  | { op: "sleep"; ms: number }
  | { op: "end" }
  | { op: "reset" }
  | { op: "echo" }
  | { op: "waitClose" };

/** One connection's options and steps. */
export interface AgentConnection {
  noDelay?: boolean;
  /** SO_KEEPALIVE with TCP_KEEPIDLE in ms. */
  keepAliveMs?: number;
  /** Connect from this local port (SO_REUSEADDR is set by libuv on bind). */
  localPort?: number;
  /** Wait this long before connecting (client) or after accepting (server). */
  delayMs?: number;
  steps: readonly AgentStep[];
}

/** What an agent does. `listen`: accept `connections.length` connections in turn; `connect`:
 *  open them one after the other. */
export interface AgentSpec {
  mode: "listen" | "connect";
  family: 4 | 6;
  /** Listen address, or the address to connect from. */
  local: string;
  /** The peer address (connect). */
  peer: string;
  /** Listen port, or the port to connect to. */
  port: number;
  connections: readonly AgentConnection[];
  /** The agent exits after this long whatever happens (it must never linger). */
  limitMs: number;
  /** Wait for a line "go" on stdin before doing anything (so that the run can start both programs
   *  at once and still order them). */
  waitGo?: boolean;
}

/** An event line on stdout. */
export type AgentEvent =
  | { event: "listening"; port: number }
  | { event: "connecting"; conn: number }
  | { event: "connected"; conn: number; localPort: number }
  | { event: "step"; conn: number; step: number; op: string; atMs: number }
  | { event: "error"; conn: number; code: string; message: string }
  | { event: "closed"; conn: number; bytesRead: number; bytesWritten: number }
  | { event: "done" };

const started = Date.now();
const emit = (e: AgentEvent): void => { process.stdout.write(JSON.stringify(e) + "\n"); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Payload bytes of a full segment: MSS (1500 − IP − 20 TCP) minus 12 bytes of timestamps. */
const segmentBytes = (family: 4 | 6): number => (family === 4 ? 1448 : 1428);

/** `bytes` of a repeating pattern, with `marker.text` at the start of the chosen full segments. */
function payload(step: Extract<AgentStep, { op: "write" }>, family: 4 | 6): Buffer {
  if (step.text !== undefined) return Buffer.from(step.text);
  const b = Buffer.alloc(step.bytes ?? 0);
  for (let i = 0; i < b.length; i++) b[i] = 0x61 + (i % 26);
  if (step.marker !== undefined) for (const k of step.marker.blocks) b.write(step.marker.text, k * segmentBytes(family), "latin1");
  return b;
}

/** Plays one connection's steps. Errors (ECONNRESET, ECONNREFUSED …) are events, not failures. */
async function play(sock: Socket, conn: number, spec: AgentConnection, family: 4 | 6): Promise<void> {
  let received = 0, ended = false, closed = false;
  const wakers = new Set<() => void>();
  const wake = () => { for (const w of [...wakers]) w(); };
  const until = (cond: () => boolean): Promise<void> => new Promise((res) => {
    if (cond()) { res(); return; }
    const w = () => { if (cond()) { wakers.delete(w); res(); } };
    wakers.add(w);
  });
  let echoing = false;
  sock.on("data", (d: Buffer) => {
    received += d.length;
    if (echoing && !sock.destroyed) sock.write(d);
    wake();
  });
  sock.on("end", () => { ended = true; if (echoing) sock.end(); wake(); });
  sock.on("error", (err: NodeJS.ErrnoException) => emit({ event: "error", conn, code: err.code ?? "ERROR", message: err.message }));
  sock.on("close", () => { closed = true; wake(); });
  if (spec.noDelay !== undefined) sock.setNoDelay(spec.noDelay);
  if (spec.keepAliveMs !== undefined) sock.setKeepAlive(true, spec.keepAliveMs);
  for (let i = 0; i < spec.steps.length; i++) {
    const s = spec.steps[i]!;
    if (closed && s.op !== "sleep") break;
    emit({ event: "step", conn, step: i, op: s.op, atMs: Date.now() - started });
    switch (s.op) {
      case "write": sock.write(payload(s, family)); break;
      case "writes":
        for (let k = 0; k < s.count && !closed; k++) { sock.write(Buffer.alloc(s.bytes, 0x30 + (k % 10))); if (s.gapMs > 0) await sleep(s.gapMs); }
        break;
      case "read": await until(() => received >= s.bytes || ended || closed); break;
      case "readEnd": await until(() => ended || closed); break;
      case "pause": sock.pause(); break;
      case "resume": sock.resume(); break;
      case "sleep": await sleep(s.ms); break;
      case "end": sock.end(); break;
      case "reset": sock.resetAndDestroy(); break;
      case "echo": echoing = true; if (ended) sock.end(); await until(() => closed); break;
      case "waitClose": await until(() => closed); break;
    }
  }
  await until(() => closed || sock.destroyed || (sock.writableFinished && ended));
  if (!closed) sock.destroy();
  emit({ event: "closed", conn, bytesRead: received, bytesWritten: sock.bytesWritten });
}

/** Resolves at the first line "go" on stdin. */
function go(): Promise<void> {
  return new Promise((resolve) => {
    let buf = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (s: string) => { buf += s; if (/^go$/m.test(buf)) { process.stdin.pause(); resolve(); } });
  });
}

async function main(spec: AgentSpec): Promise<void> {
  const limit = setTimeout(() => { emit({ event: "error", conn: -1, code: "TIMEOUT", message: `agent limit ${spec.limitMs} ms` }); process.exit(3); }, spec.limitMs);
  limit.unref();
  if (spec.waitGo === true) await go();
  if (spec.mode === "listen") {
    let next = 0;
    const server = createServer({ allowHalfOpen: true });
    const done: Promise<void>[] = [];
    const all = new Promise<void>((resolve) => {
      server.on("connection", (sock) => {
        const conn = next++;
        if (next >= spec.connections.length) server.close();
        emit({ event: "connected", conn, localPort: sock.localPort ?? 0 });
        const c = spec.connections[conn]!;
        done.push((async () => { if (c.delayMs) await sleep(c.delayMs); await play(sock, conn, c, spec.family); })());
        if (next >= spec.connections.length) void Promise.all(done).then(() => resolve());
      });
    });
    server.on("error", (err: NodeJS.ErrnoException) => { emit({ event: "error", conn: -1, code: err.code ?? "ERROR", message: err.message }); process.exit(3); });
    server.listen({ port: spec.port, host: spec.local, backlog: 16 }, () => emit({ event: "listening", port: spec.port }));
    await all;
  } else {
    for (let conn = 0; conn < spec.connections.length; conn++) {
      const c = spec.connections[conn]!;
      if (c.delayMs) await sleep(c.delayMs);
      emit({ event: "connecting", conn });
      const sock = connect({ host: spec.peer, port: spec.port, localAddress: spec.local, family: spec.family,
        allowHalfOpen: true, ...(c.localPort !== undefined ? { localPort: c.localPort } : {}) });
      const ok = await new Promise<boolean>((res) => {
        sock.once("connect", () => res(true));
        sock.once("error", (err: NodeJS.ErrnoException) => { emit({ event: "error", conn, code: err.code ?? "ERROR", message: err.message }); res(false); });
      });
      if (!ok) { sock.destroy(); continue; }
      emit({ event: "connected", conn, localPort: sock.localPort ?? 0 });
      await play(sock, conn, c, spec.family);
    }
  }
  emit({ event: "done" });
  clearTimeout(limit);
}

// Run only as the program (`node agent.js JSON`), not when imported for its types.
if (process.argv[1] !== undefined && /agent\.js$/.test(process.argv[1])) {
  let spec: AgentSpec;
  try { spec = JSON.parse(process.argv[2] ?? "") as AgentSpec; } catch {
    process.stderr.write("agent: give the spec as one JSON argument\n");
    process.exit(2);
  }
  main(spec).then(() => process.exit(0), (err: Error) => { emit({ event: "error", conn: -1, code: "INTERNAL", message: err.message }); process.exit(1); });
}
