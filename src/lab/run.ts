/** Runs a scenario on the real kernel: topology, faults, capture on the client's veth, the two
 *  programs, then the capture as pcapng bytes. The namespaces are removed whatever happens. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PcapngWriter } from "../capture/index.js";
import type { AgentEvent, AgentSpec } from "./agent.js";
import { startCapture, CaptureError } from "./capture.js";
import { describeFault, planFaults, NFT_TABLE } from "./faults.js";
import { createTopology, LabError, LAB_DEV, type Side, type Topology } from "./netns.js";
import type { Scenario } from "./scenario.js";

/** How to run a scenario. */
export interface RunOptions {
  /** 4 (default) or 6. */
  family?: 4 | 6;
  /** Seed of random choices (random drops); default 1. */
  seed?: number;
  /** Called with each captured packet as it arrives (a copy; live views). */
  onPacket?: (p: LabPacket) => void;
  /** Called with each setup line as it happens. */
  onSetup?: (line: string) => void;
}

/** A captured packet, copied out of the capture stream. */
export interface LabPacket {
  linkType: number;
  tsSec: number;
  tsNsec: number;
  originalLength: number;
  bytes: Uint8Array;
}

/** What a run produced. */
export interface LabRun {
  scenario: string;
  family: 4 | 6;
  seed: number;
  /** What was set up, in words (addresses, sysctls, faults, programs). */
  setup: string[];
  /** Notes (netem missing, …). */
  notes: string[];
  /** Events the two programs reported (errors such as ECONNREFUSED are expected in some scenarios). */
  events: Record<Side, AgentEvent[]>;
  packets: LabPacket[];
  /** The capture as a pcapng file. */
  pcapng: Uint8Array;
  /** Wall-clock time of the run, ms. */
  durationMs: number;
}

/** Bytes kept per packet: Ethernet + IPv6 + TCP with options + 80 bytes of payload. */
export const CAPTURE_SNAPLEN = 200;
/** The lab's time bound per scenario: programs are stopped after this. */
export const SCENARIO_LIMIT_MS = 14_000;
const AGENT = fileURLToPath(new URL("./agent.js", import.meta.url));

let netemKnown: boolean | undefined;
/** Whether this kernel has the netem qdisc: tried once on the loopback of a lab namespace. */
async function probeNetem(t: Topology): Promise<boolean> {
  if (netemKnown !== undefined) return netemKnown;
  try {
    await t.exec("client", "tc", ["qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"]);
    await t.exec("client", "tc", ["qdisc", "del", "dev", "lo", "root"]);
    netemKnown = true;
  } catch { netemKnown = false; }
  return netemKnown;
}
/** Whether netem was found (undefined before the first run). */
export function netemPresent(): boolean | undefined { return netemKnown; }

/** A running agent: its events, and a promise of its exit. */
interface Agent {
  events: AgentEvent[]; exited: Promise<number | null>; waitFor(e: AgentEvent["event"]): Promise<AgentEvent>;
  /** Lets a `waitGo` agent start. */
  go(): void;
  kill(): void;
}

function startAgent(t: Topology, side: Side, spec: AgentSpec): Agent {
  const child = spawn("ip", ["netns", "exec", t[side].ns, process.execPath, AGENT, JSON.stringify(spec)],
    { stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.on("error", () => { /* the agent is gone */ });
  const events: AgentEvent[] = [];
  const waiters: Array<{ e: string; res: (ev: AgentEvent) => void }> = [];
  let buf = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (s: string) => {
    buf += s;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
      let ev: AgentEvent;
      try { ev = JSON.parse(line) as AgentEvent; } catch { continue; }
      events.push(ev);
      for (const w of waiters.filter((x) => x.e === ev.event)) { waiters.splice(waiters.indexOf(w), 1); w.res(ev); }
    }
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => { stderr += s; });
  const exited = new Promise<number | null>((res) => {
    child.on("exit", (code) => {
      if (code !== 0 && stderr.trim() !== "") events.push({ event: "error", conn: -1, code: "AGENT", message: stderr.trim().split("\n")[0]! });
      res(code);
    });
    child.on("error", () => res(null));
  });
  return {
    events, exited,
    waitFor: (e) => new Promise((res, rej) => {
      const seen = events.find((x) => x.event === e);
      if (seen !== undefined) { res(seen); return; }
      waiters.push({ e, res });
      void exited.then(() => rej(new LabError(`the ${side} program exited before '${e}'${stderr ? ": " + stderr.trim().split("\n")[0] : ""}`, "COMMAND_FAILED")));
    }),
    go: () => { child.stdin.end("go\n"); },
    kill: () => { try { child.kill("SIGKILL"); } catch { /* gone */ } },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `s` once. Throws LabError when the lab cannot be set up (privileges, tools). */
export async function runScenario(s: Scenario, options: RunOptions = {}): Promise<LabRun> {
  const family = options.family ?? 4, seed = options.seed ?? 1;
  const t0 = Date.now();
  const setup: string[] = [], notes: string[] = [];
  const say = (line: string) => { setup.push(line); options.onSetup?.(line); };
  const t = await createTopology({ ...(s.sysctls !== undefined ? { sysctls: s.sysctls } : {}), router: s.router === true });
  const agents: Agent[] = [];
  try {
    const addr = (side: Side) => (family === 4 ? t[side].v4 : t[side].v6);
    say(t.router === undefined
      ? `client ${addr("client")} in namespace ${t.client.ns}, server ${addr("server")} in ${t.server.ns}, one veth pair (${LAB_DEV}), TSO/GSO/GRO off`
      : `client ${addr("client")} in namespace ${t.client.ns}, router ${t.router.ns}, server ${addr("server")} in ${t.server.ns}: two veth pairs, TSO/GSO/GRO off`);
    for (const side of ["client", "server"] as const) {
      const ctl = s.sysctls?.[side];
      if (ctl !== undefined) say(`${side} sysctls: ${Object.entries(ctl).map(([k, v]) => `${k}=${v}`).join(" ")}`);
    }
    const spec = (side: Side): AgentSpec => {
      const p = s[side];
      const peer: Side = side === "client" ? "server" : "client";
      return { mode: p.mode === "listen" ? "listen" : "connect", family, local: addr(side), peer: addr(peer), port: p.port,
        connections: p.connections, limitMs: SCENARIO_LIMIT_MS, waitGo: side === "client" || p.mode === "connect" };
    };
    // Node takes a while to start: the programs start now and wait ("go") until all is set up.
    const server = s.server.mode !== "none" ? startAgent(t, "server", spec("server")) : undefined;
    const clientAgent = s.client.mode !== "none" ? startAgent(t, "client", spec("client")) : undefined;
    for (const a of [server, clientAgent]) if (a !== undefined) agents.push(a);
    const packets: LabPacket[] = [];
    // Headers and the first bytes of payload are enough to see every behaviour, and keep captures small.
    const cap = startCapture({ netns: t.client.ns, iface: LAB_DEV, filter: "tcp", snaplen: CAPTURE_SNAPLEN });
    const hasNetem = await probeNetem(t);
    if (!hasNetem) notes.push("netem is not available in this kernel: delays and jitter are not used (drops: nft, rates and queues: tbf/htb)");
    const plan = planFaults(s.faults ?? [], family, LAB_DEV, seed, hasNetem);
    notes.push(...plan.notes);
    for (const f of s.faults ?? []) say(`fault: ${describeFault(f, seed)}`);
    if ((s.faults ?? []).length === 0) say("fault: none");
    for (const side of ["client", "server"] as const) {
      const text = plan.nft[side];
      if (text !== undefined) await t.exec(side, "nft", ["-f", "-"], text);
      for (const args of plan.tc[side] ?? []) await t.exec(side, "tc", args);
    }
    if ((plan.tc.router !== undefined || plan.nft.router !== undefined) && t.router === undefined) {
      throw new LabError(`scenario ${s.name}: a fault at the router needs router: true`, "BAD_SCENARIO");
    }
    if (plan.nft.router !== undefined) await t.exec("router", "nft", ["-f", "-"], plan.nft.router);
    for (const args of plan.tc.router ?? []) await t.exec("router", "tc", args);
    for (const n of s.notes ?? []) say(`how: ${n}`);

    try { await cap.ready; } catch (err) {
      if (err instanceof CaptureError) throw new LabError(`cannot capture in the lab: ${err.message}`, err.code === "PERMISSION" ? "PRIVILEGE" : "COMMAND_FAILED");
      throw err;
    }
    const collecting = (async () => {
      for await (const rec of cap) {
        const p: LabPacket = { linkType: rec.linkType, tsSec: rec.tsSec, tsNsec: rec.tsNsec, originalLength: rec.originalLength, bytes: rec.bytes.slice() };
        packets.push(p);
        options.onPacket?.(p);
      }
    })();

    const describe = (side: Side) => {
      const p = s[side];
      if (p.mode === "none") return `${side}: runs nothing (port ${s.server.port} is closed)`;
      const conns = p.connections.map((c) => {
        const opts = [c.noDelay !== undefined ? `TCP_NODELAY ${c.noDelay ? "on" : "off"}` : "", c.keepAliveMs !== undefined ? `SO_KEEPALIVE, TCP_KEEPIDLE ${c.keepAliveMs} ms` : "",
          c.localPort !== undefined ? `from port ${c.localPort}` : ""].filter(Boolean);
        return `${c.steps.map((st) => st.op).join(" → ")}${opts.length > 0 ? ` (${opts.join(", ")})` : ""}`;
      });
      return `${side}: ${p.mode === "listen" ? `listens on port ${p.port}` : `connects to port ${p.port}`}; ${conns.map((c, i) => conns.length > 1 ? `#${i + 1} ${c}` : c).join("; ")}`;
    };
    say(describe("server"));
    say(describe("client"));

    const timers: NodeJS.Timeout[] = [];
    let failed: unknown;
    let clientEvents: AgentEvent[] = [], serverEvents: AgentEvent[] = [];
    try {
      // "go" orders the programs: the client once the server listens; a connecting server once
      // the client is about to connect.
      clientEvents = clientAgent?.events ?? []; serverEvents = server?.events ?? [];
      if (server !== undefined && s.server.mode === "listen") await server.waitFor("listening");
      if (server !== undefined && s.server.mode === "connect" && clientAgent !== undefined) {
        void clientAgent.waitFor("connecting").then(() => server.go(), () => server.go());
      }
      for (const tr of plan.timed) {
        const add = () => { void t.exec(tr.side, "nft", ["add", "rule", "inet", NFT_TABLE, tr.chain, ...tr.rule.split(" ")]).catch(() => {}); };
        if (tr.startMs <= 0) await t.exec(tr.side, "nft", ["add", "rule", "inet", NFT_TABLE, tr.chain, ...tr.rule.split(" ")]);
        else timers.push(setTimeout(add, tr.startMs));
        timers.push(setTimeout(() => { void t.exec(tr.side, "nft", ["flush", "chain", "inet", NFT_TABLE, tr.chain]).catch(() => {}); }, tr.startMs + tr.forMs));
      }
      clientAgent?.go();
      let limitTimer: NodeJS.Timeout | undefined;
      const limit = new Promise<"timeout">((res) => { limitTimer = setTimeout(() => res("timeout"), SCENARIO_LIMIT_MS); });
      const r = await Promise.race([Promise.all(agents.map((a) => a.exited)), limit]);
      clearTimeout(limitTimer);
      if (r === "timeout") throw new LabError(`scenario ${s.name} did not finish in ${SCENARIO_LIMIT_MS / 1000} s`, "TIMEOUT");
      await sleep(s.settleMs ?? 200);
    } catch (err) { failed = err; }
    for (const x of timers) clearTimeout(x);
    for (const a of agents) a.kill();
    await cap.stop();
    await collecting;
    if (failed !== undefined) throw failed;

    const w = new PcapngWriter({ interfaces: [{ linkType: packets[0]?.linkType ?? 1, tsresol: 9 }] });
    w.header();
    for (const p of packets) w.add(p);
    const events = { client: clientEvents, server: serverEvents };
    return { scenario: s.name, family, seed, setup, notes, events, packets, pcapng: w.take(), durationMs: Date.now() - t0 };
  } finally {
    for (const a of agents) a.kill();
    await t.destroy();
  }
}
