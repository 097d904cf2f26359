/** Live capture without a native addon: tcpdump writes pcap to its stdout (`-w -`, packet-buffered
 *  with `-U --immediate-mode`) and src/capture's streaming reader parses it as it arrives. */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { readCapture, type CaptureReader, type CaptureRecord } from "../capture/index.js";

/** What to capture and when to stop. */
export interface CaptureOptions {
  /** Interface name, e.g. "lo"; default "lo". */
  iface?: string;
  /** BPF capture filter, passed to tcpdump as one expression; default none (everything). */
  filter?: string;
  /** Bytes kept per packet (tcpdump -s); default tcpdump's 262144. */
  snaplen?: number;
  /** Stop after this many packets (tcpdump -c, also enforced by the iterator). */
  count?: number;
  /** Stop after this many milliseconds from `ready`. */
  durationMs?: number;
  /** The tcpdump binary; default "tcpdump" looked up on PATH. */
  tcpdump?: string;
  /** Environment for tcpdump (PATH is used to find it); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Capture inside this network namespace (`ip netns exec NAME tcpdump …`, which execs tcpdump
   *  in the same process, so signals reach it as usual); default the current one. */
  netns?: string;
}

/** Why a capture could not start, as a stable code plus a one-line message. */
export type CaptureErrorCode = "TCPDUMP_MISSING" | "PERMISSION" | "NO_INTERFACE" | "BAD_FILTER" | "TCPDUMP_FAILED";

/** A capture that could not start (or tcpdump failed): one line, suitable for a CLI error. */
export class CaptureError extends Error {
  constructor(message: string, readonly code: CaptureErrorCode) { super(message); }
}

/** How a capture ended. */
export interface CaptureSummary {
  /** Records delivered by the iterator. */
  packets: number;
  /** tcpdump's "N packets dropped by kernel", when it printed it. */
  droppedByKernel: number | undefined;
  /** Why it stopped: stop() was called, the count or duration was reached, or tcpdump ended on its own. */
  reason: "stopped" | "count" | "duration" | "ended";
}

/** A running capture. Iterate it (once) for records; they are views valid until the next one. */
export interface CaptureHandle extends AsyncIterable<CaptureRecord> {
  /** Resolves when tcpdump is listening (it printed "listening on"), so no packet sent after it
   *  is missed; rejects with CaptureError when tcpdump cannot start. */
  readonly ready: Promise<void>;
  /** The streaming reader over tcpdump's stdout (`reader.info` holds the link type once read). */
  readonly reader: CaptureReader;
  /** Ends tcpdump (SIGINT, then SIGTERM, then SIGKILL if it lingers) and resolves once it exited
   *  and the iterator delivered the last packet. Keep iterating while you await it. Idempotent. */
  stop(): Promise<CaptureSummary>;
  /** Resolves like stop() when the capture ends for any reason (count, duration, tcpdump exit). */
  readonly done: Promise<CaptureSummary>;
}

/** tcpdump 4.99 on Linux prints its counters on SIGUSR1 ("tcpdump: 2 packets captured, 4 packets
 *  received by filter, 0 packets dropped by kernel"); on BSD/macOS that is SIGINFO, and SIGUSR1
 *  would end it, so the drain runs on Linux only. */
const SIGUSR1_STATS = process.platform === "linux";
const STATS_RE = /^tcpdump: \d+ packets? captured, \d+ packets? received by filter/;
/** How long to wait for a counters line (generous: a loaded machine is slow to answer), the pause
 *  between two probes, and the drain's bound. */
const STATS_WAIT_MS = 1000;
const DRAIN_STEP_MS = 20;
const DRAIN_MAX_MS = 5000;

/** After SIGINT, how long tcpdump gets to flush and exit before SIGTERM (and as long again before SIGKILL). */
const STOP_GRACE_MS = 3000;

/** Starts tcpdump on `iface`. Check `ready` before generating the traffic you want to see. */
export function startCapture(options: CaptureOptions = {}): CaptureHandle {
  const iface = options.iface ?? "lo";
  const args = ["-i", iface, "-U", "--immediate-mode", "--time-stamp-precision=nano", "-w", "-"];
  if (options.snaplen !== undefined) args.push("-s", String(options.snaplen));
  if (options.count !== undefined) args.push("-c", String(options.count));
  if (options.filter !== undefined && options.filter.trim() !== "") args.push("--", options.filter);
  const bin = options.tcpdump ?? "tcpdump";

  const [file, argv] = options.netns === undefined ? [bin, args] : ["ip", ["netns", "exec", options.netns, bin, ...args]];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(file, argv,
    { stdio: ["ignore", "pipe", "pipe"], detached: true, env: options.env ?? process.env });
  let spawnError: CaptureError | undefined;
  // tcpdump runs in its own process group, so a terminal Ctrl-C reaches only us and we stop it once,
  // cleanly. If we die without stopping it, take it down too.
  const killOnExit = () => { try { child.kill("SIGKILL"); } catch { /* already gone */ } };
  process.once("exit", killOnExit);

  let stderr = "";
  let listening = false;
  let exited = false;
  let reason: CaptureSummary["reason"] = "ended";
  let packets = 0;
  let iterationStarted = false;
  let iterationDone = false;
  let onIterationDone: (() => void) | undefined;

  let resolveReady!: () => void, rejectReady!: (e: CaptureError) => void;
  const ready = new Promise<void>((res, rej) => { resolveReady = res; rejectReady = rej; });
  ready.catch(() => { /* the caller sees it through ready, iteration or stop() */ });

  const exitedP = new Promise<number | null>((res) => {
    child.on("error", (err: NodeJS.ErrnoException) => {
      spawnError ??= err.code === "ENOENT"
        ? new CaptureError(`${bin} not found on PATH; install it (Debian/Ubuntu: sudo apt-get install tcpdump, Fedora: sudo dnf install tcpdump, macOS: brew install tcpdump)`, "TCPDUMP_MISSING")
        : err.code === "EACCES"
          ? new CaptureError(`no permission to run ${bin}`, "PERMISSION")
          : new CaptureError(`cannot run ${bin}: ${err.message}`, "TCPDUMP_FAILED");
      exited = true;
      rejectReady(spawnError);
      res(null);
    });
    child.on("exit", (code) => {
      exited = true;
      process.off("exit", killOnExit);
      if (!listening) rejectReady(spawnError ?? classify(stderr, iface, options.filter, bin, code));
      res(code);
    });
  });

  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    stderr += s;
    if (stderr.length > 65_536) stderr = stderr.slice(-65_536);
    if (!listening && /listening on /.test(stderr)) {
      listening = true;
      resolveReady();
      if (options.durationMs !== undefined) {
        const t = setTimeout(() => { if (!exited) { reason = "duration"; void stop(); } }, options.durationMs);
        t.unref();
        void exitedP.then(() => clearTimeout(t));
      }
    }
  });

  const reader = readCapture(child.stdout as AsyncIterable<Uint8Array>);

  async function* iterate(): AsyncGenerator<CaptureRecord, void, undefined> {
    iterationStarted = true;
    try {
      try { await ready; } catch (err) { child.stdout.destroy(); throw err; }
      for await (const rec of reader.records()) {
        packets++;
        yield rec;
        if (options.count !== undefined && packets >= options.count) {
          reason = "count";
          signal("SIGINT");
          break;
        }
      }
    } finally {
      iterationDone = true;
      onIterationDone?.();
    }
  }

  function signal(sig: NodeJS.Signals): void {
    if (exited) return;
    try { process.kill(-child.pid!, sig); } catch { try { child.kill(sig); } catch { /* gone */ } }
  }

  const finished: Promise<CaptureSummary> = (async () => {
    await exitedP;
    if (iterationStarted && !iterationDone) await new Promise<void>((res) => { onIterationDone = res; if (iterationDone) res(); });
    else if (!iterationStarted) child.stdout.destroy();
    const m = /^(\d+) packets? dropped by kernel/m.exec(stderr); // the summary tcpdump prints on exit
    return { packets, droppedByKernel: m ? Number(m[1]) : undefined, reason };
  })();

  /** tcpdump's statistics line (printed on SIGUSR1 on Linux): captured, received by filter. */
  let statsSeen = 0;
  let onStats: (() => void) | undefined;
  let lastStats = "";
  let partial = "";
  child.stderr.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (!STATS_RE.test(line)) continue;
      statsSeen++; lastStats = line; onStats?.();
    }
  });
  const probe = (): Promise<string | undefined> => new Promise((res) => {
    const before = statsSeen;
    const t = setTimeout(() => { onStats = undefined; res(undefined); }, STATS_WAIT_MS);
    onStats = () => { if (statsSeen > before) { clearTimeout(t); onStats = undefined; res(lastStats); } };
    signal("SIGUSR1");
  });

  /** Packets the kernel queued before stop() may not have reached tcpdump yet, and tcpdump drops
   *  what it has not read when interrupted. So ask it for its counters (SIGUSR1) until they stop
   *  moving: then it has read everything that was queued. Bounded by DRAIN_MAX_MS. */
  async function drain(): Promise<void> {
    if (!listening || exited || SIGUSR1_STATS !== true) return;
    const until = Date.now() + DRAIN_MAX_MS;
    let prev = await probe();
    while (prev !== undefined && !exited && Date.now() < until) {
      await new Promise((res) => setTimeout(res, DRAIN_STEP_MS));
      const now = await probe();
      if (now === undefined || now === prev) return;
      prev = now;
    }
  }

  let stopping: Promise<CaptureSummary> | undefined;
  function stop(): Promise<CaptureSummary> {
    if (stopping) return stopping;
    if (!exited && reason === "ended") reason = "stopped";
    stopping = drain().then(() => stopNow());
    return stopping;
  }
  function stopNow(): Promise<CaptureSummary> {
    signal("SIGINT");
    const t1 = setTimeout(() => signal("SIGTERM"), STOP_GRACE_MS);
    const t2 = setTimeout(() => signal("SIGKILL"), 2 * STOP_GRACE_MS);
    t1.unref(); t2.unref();
    return finished.finally(() => { clearTimeout(t1); clearTimeout(t2); });
  }

  return {
    ready,
    reader,
    stop,
    done: finished,
    [Symbol.asyncIterator]: () => iterate(),
  };
}

/** Turns tcpdump's failure text into one line with a code. tcpdump 4.99 prints e.g.
 *  "tcpdump: lo: You don't have permission to perform this capture on that device",
 *  "tcpdump: nosuch: No such device exists", "tcpdump: can't parse filter expression: syntax error". */
export function classify(stderr: string, iface: string, filter: string | undefined, bin = "tcpdump",
    code: number | null = 1): CaptureError {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("("));
  const first = (lines.find((l) => /^tcpdump:/.test(l)) ?? lines[0] ?? `exited with status ${code}`)
    .replace(/^tcpdump:\s*/, "");
  if (/permission|not permitted/i.test(stderr)) {
    return new CaptureError(`no permission to capture on ${iface}: run as root, or grant the capability once: sudo setcap cap_net_raw,cap_net_admin=eip $(command -v ${bin})`, "PERMISSION");
  }
  if (/no such device|doesn't exist|not found|no such interface|is not up/i.test(first) && !/filter|port|host/i.test(first)) {
    return new CaptureError(`unknown interface '${iface}' (${first.replace(new RegExp(`^${escapeRe(iface)}:\\s*`), "")}); list them with: tcpdump -D`, "NO_INTERFACE");
  }
  if (filter !== undefined && filter.trim() !== "") {
    return new CaptureError(`bad capture filter '${filter}': ${first}`, "BAD_FILTER");
  }
  return new CaptureError(`tcpdump failed: ${first}`, "TCPDUMP_FAILED");
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
