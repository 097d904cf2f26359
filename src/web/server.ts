/** The local server behind `synack ui`: serves the page (built by Vite into dist/web), the capture
 *  named with `-r` as a byte stream, and live packets over a WebSocket. Decoding and analysis run in
 *  the page (the core has no node:*), so the server only moves bytes.
 *
 *  Security (issue 8): binds 127.0.0.1 unless told otherwise; a random token in the URL guards the
 *  API and the WebSocket; the Host header must name this server (DNS rebinding); the page is sent
 *  with a strict Content-Security-Policy (no inline script), and packet data is rendered as text. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { PcapWriter } from "../capture/index.js";
import { startCapture, startEchoServer, runEchoClient, type CaptureHandle } from "../lab/index.js";
import { labPreflight, labReport, runScenario, scenarioByName, SCENARIOS } from "../lab/index.js";

/** What `synack ui` serves. */
export interface UiServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** A capture file to serve (`-r`). */
  file?: string;
  /** Live capture (`-i`): interface and optional BPF filter. */
  live?: { iface: string; filter?: string };
  /** Folder holding the built page (index.html); default dist/web beside this module's build. */
  pageDir?: string;
  /** Port for the "run the echo demo" button's server; default 0 (a free port). Pair it with a
   *  capture filter such as `tcp port N` to see only the demo on a busy loopback. */
  demoPort?: number;
  /** The URL token; default 16 random bytes in hex. Tests pass none. */
  token?: string;
}

/** A running UI server. */
export interface UiServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Stops listening, ends live capture and closes every connection. */
  close(): Promise<void>;
}

/** Why the server could not start (page not built, file missing): one line for the CLI. */
export class UiServerError extends Error {}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json",
  ".map": "application/json",
};

/** The page build: dist/web, two levels up from dist/src/web/server.js. */
export function defaultPageDir(): string {
  return resolve(fileURLToPath(new URL("../../web", import.meta.url)));
}

/** Live packets for the page: tcpdump's records re-encoded as one pcap stream (the same format the
 *  page's worker reads from a file), fanned out to every connected WebSocket. */
class LiveFeed {
  readonly #clients = new Set<WebSocket>();
  /** Everything sent so far, so a page that connects late still sees the whole capture (bounded). */
  readonly #history: Uint8Array[] = [];
  #historyBytes = 0;
  #header: Uint8Array | undefined;
  #capture: CaptureHandle | undefined;
  error: string | undefined;
  static readonly MAX_HISTORY = 256 * 1024 * 1024;

  constructor(readonly iface: string, readonly filter: string | undefined) {}

  async start(): Promise<void> {
    const cap = startCapture(this.filter === undefined ? { iface: this.iface } : { iface: this.iface, filter: this.filter });
    this.#capture = cap;
    try {
      await cap.ready;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return;
    }
    void this.#pump(cap);
  }

  async #pump(cap: CaptureHandle): Promise<void> {
    let writer: PcapWriter | undefined;
    try {
      for await (const rec of cap) {
        if (writer === undefined) {
          writer = new PcapWriter({ linkType: rec.linkType, nanos: true });
          writer.header();
          this.#header = writer.take();
          this.#broadcast(this.#header, false);
        }
        writer.add(rec);
        this.#broadcast(writer.take(), true);
      }
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  #broadcast(bytes: Uint8Array, keep: boolean): void {
    if (keep && this.#historyBytes + bytes.length <= LiveFeed.MAX_HISTORY) {
      this.#history.push(bytes);
      this.#historyBytes += bytes.length;
    }
    for (const ws of this.#clients) ws.send(bytes);
  }

  add(ws: WebSocket): void {
    if (this.#header !== undefined) {
      ws.send(this.#header);
      for (const b of this.#history) ws.send(b);
    }
    this.#clients.add(ws);
    ws.on("close", () => this.#clients.delete(ws));
  }

  async stop(): Promise<void> {
    for (const ws of this.#clients) ws.close();
    if (this.#capture !== undefined) await this.#capture.stop().catch(() => undefined);
  }
}

/** Starts the server; resolves once it listens. */
export async function startUiServer(opts: UiServerOptions = {}): Promise<UiServer> {
  const host = opts.host ?? "127.0.0.1";
  const pageDir = opts.pageDir ?? defaultPageDir();
  if (!existsSync(join(pageDir, "index.html"))) {
    throw new UiServerError(`the page is not built (${join(pageDir, "index.html")} is missing): run npm run build`);
  }
  if (opts.file !== undefined) {
    if (!existsSync(opts.file)) throw new UiServerError(`${opts.file}: no such file`);
    if (!statSync(opts.file).isFile()) throw new UiServerError(`${opts.file}: not a file`);
  }
  const token = opts.token ?? randomBytes(16).toString("hex");
  const tokenBytes = Buffer.from(token);
  let port = 0;
  const live = opts.live === undefined ? undefined : new LiveFeed(opts.live.iface, opts.live.filter);
  if (live !== undefined) await live.start();
  const sockets = new Set<Socket>();
  let demoRunning = false;
  /** synack lab from the page: the scenario running now, and each scenario's last report. */
  let labRunning: string | undefined;
  const labReports = new Map<string, unknown>();

  /** Host names this server answers to: DNS rebinding sends a foreign name with our address. */
  const hostOk = (h: string | undefined): boolean => {
    if (h === undefined) return false;
    const names = new Set(["127.0.0.1", "localhost", "[::1]", host.includes(":") ? `[${host}]` : host]);
    for (const n of names) if (h.toLowerCase() === `${n}:${port}`) return true;
    return false;
  };
  const tokenOk = (url: URL): boolean => {
    const t = Buffer.from(url.searchParams.get("token") ?? "");
    return t.length === tokenBytes.length && timingSafeEqual(t, tokenBytes);
  };

  const send = (res: ServerResponse, status: number, type: string, body: string): void => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown): void =>
    send(res, status, "application/json; charset=utf-8", JSON.stringify(body));

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hostOk(req.headers.host)) { send(res, 403, "text/plain; charset=utf-8", "forbidden host\n"); return; }
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    if (url.pathname.startsWith("/api/")) {
      if (!tokenOk(url)) { json(res, 403, { error: "missing or wrong token" }); return; }
      if (url.pathname === "/api/session" && req.method === "GET") {
        json(res, 200, {
          mode: live !== undefined ? "live" : opts.file !== undefined ? "file" : "none",
          name: opts.file !== undefined ? opts.file.split(sep).pop() : live !== undefined ? `live: ${live.iface}` : undefined,
          liveError: live?.error,
        });
        return;
      }
      if (url.pathname === "/api/capture" && req.method === "GET") {
        if (opts.file === undefined) { json(res, 404, { error: "no capture file given (-r)" }); return; }
        res.writeHead(200, { "content-type": "application/octet-stream", "cache-control": "no-store",
          "content-length": String(statSync(opts.file).size), "x-content-type-options": "nosniff" });
        const s = createReadStream(opts.file, { highWaterMark: 1 << 20 });
        s.on("error", () => res.destroy());
        s.pipe(res);
        return;
      }
      if (url.pathname === "/api/demo" && req.method === "POST") {
        if (live === undefined) { json(res, 409, { error: "the echo demo needs live mode (synack ui -i lo)" }); return; }
        if (demoRunning) { json(res, 409, { error: "the demo is already running" }); return; }
        demoRunning = true;
        runEcho().then((r) => json(res, 200, r), (err: unknown) => json(res, 500, { error: err instanceof Error ? err.message : String(err) }))
          .finally(() => { demoRunning = false; });
        return;
      }
      if (url.pathname === "/api/lab" && req.method === "GET") {
        json(res, 200, { scenarios: SCENARIOS.map((x) => ({ name: x.name, title: x.title })), unavailable: labPreflight() });
        return;
      }
      if (url.pathname === "/api/lab/report" && req.method === "GET") {
        const n = url.searchParams.get("name") ?? "";
        const r = labReports.get(n);
        if (r !== undefined) json(res, 200, r);
        else json(res, labRunning === n ? 202 : 404, { error: labRunning === n ? "still running" : `no report for '${n}'` });
        return;
      }
      json(res, 404, { error: "no such API" });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") { send(res, 405, "text/plain; charset=utf-8", "method not allowed\n"); return; }
    serveStatic(url.pathname, res);
  };

  const serveStatic = (pathname: string, res: ServerResponse): void => {
    let rel: string;
    try { rel = decodeURIComponent(pathname); } catch { send(res, 400, "text/plain; charset=utf-8", "bad path\n"); return; }
    if (rel === "/" || rel === "") rel = "/index.html";
    const file = normalize(join(pageDir, rel));
    if (!file.startsWith(pageDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      send(res, 404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    const headers: Record<string, string> = {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
    };
    if (file.endsWith(".html")) {
      // No inline script anywhere: a capture that smuggled markup in could not run it anyway.
      headers["content-security-policy"] = "default-src 'self'; script-src 'self'; worker-src 'self'; "
        + "style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        + "frame-ancestors 'none'; form-action 'none'";
      headers["x-frame-options"] = "DENY";
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  };

  /** Runs a lab scenario for the page: its packets go to `ws` as one pcap stream while they are
   *  captured; the report (setup, verdict, key packets, ladders) is kept for /api/lab/report. */
  const runLab = (name: string, ws: WebSocket): void => {
    const s = scenarioByName(name)!;
    labRunning = name;
    labReports.delete(name);
    const writer = new PcapWriter({ linkType: 1, nanos: true });
    writer.header();
    ws.send(writer.take());
    runScenario(s, { onPacket: (p) => { writer.add(p); if (ws.readyState === ws.OPEN) ws.send(writer.take()); } })
      .then(async (run) => {
        const r = await labReport(s, run.pcapng);
        labReports.set(name, { name, title: s.title, setup: run.setup, notes: run.notes, verdictLines: r.verdictLines, ok: r.verdict.ok,
          keys: r.keys.map((k) => k.summary), ladders: r.ladders });
      }, (err: unknown) => { labReports.set(name, { name, error: err instanceof Error ? err.message : String(err) }); })
      .finally(() => { labRunning = undefined; ws.close(); });
  };

  /** The article's exchange on a free loopback port: the live capture shows it arriving. */
  const runEcho = async (): Promise<{ port: number; sent: string; received: string }> => {
    const server = await startEchoServer({ port: opts.demoPort ?? 0, host: "127.0.0.1" });
    try {
      const port = server.address.port;
      const r = await runEchoClient({ port, host: "127.0.0.1", data: new TextEncoder().encode("AB") });
      return { port, sent: "AB", received: new TextDecoder().decode(r.received) };
    } finally {
      await server.close();
    }
  };

  const server: Server = createServer(handle);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  server.on("connection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    const origin = req.headers.origin;
    const labName = url.pathname === "/ws/lab" ? url.searchParams.get("name") ?? "" : undefined;
    if (labName !== undefined && hostOk(req.headers.host) && tokenOk(url) && (origin === undefined || origin === `http://${req.headers.host}`)
        && scenarioByName(labName) !== undefined && labRunning === undefined && labPreflight() === undefined) {
      wss.handleUpgrade(req, socket, head, (ws) => runLab(labName, ws));
      return;
    }
    if (!hostOk(req.headers.host) || url.pathname !== "/ws" || !tokenOk(url) || live === undefined
        || (origin !== undefined && origin !== `http://${req.headers.host}`)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => live.add(ws));
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      fail(new UiServerError(err.code === "EADDRINUSE" ? `port ${opts.port} is in use` : `cannot listen on ${host}: ${err.message}`)));
    server.listen(opts.port ?? 0, host, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`, port, token,
    async close(): Promise<void> {
      await live?.stop();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
