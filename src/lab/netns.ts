/** The lab's private two-host network: two network namespaces ("client" and "server") joined by a
 *  veth pair, IPv4 from 198.18.0.0/15 (RFC 2544's benchmarking range) and IPv6 from the ULA prefix
 *  fd53:796e:6163::/48 (RFC 4193). Nothing outside these namespaces is touched: the veth ends are
 *  created directly inside them, and every rule (nft, tc, sysctl) is applied with `ip netns exec`.
 *
 *  Names are `synack-<pid>-<n>-c` / `-s` (the creating process and a counter), so a sweep at start
 *  can remove the namespaces of runs whose process is gone (killed with SIGKILL, a crash). Live
 *  topologies are removed by `destroy()`, and also on process exit, SIGINT and SIGTERM. */
import { execFile, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Every namespace name the lab creates starts with this. */
export const NETNS_PREFIX = "synack-";
/** The name of the veth end inside each namespace (names are per namespace, so both ends share it). */
export const LAB_DEV = "synack0";
/** Addresses of the two hosts (the same in every topology: each lives in its own namespaces). */
export const LAB_ADDRESSES = {
  client: { v4: "198.18.0.1", v6: "fd53:796e:6163::1" },
  server: { v4: "198.18.0.2", v6: "fd53:796e:6163::2" },
} as const;
/** With a router between them: the server is on a second link, the router has .254 / ::fe on each. */
export const ROUTED_ADDRESSES = {
  server: { v4: "198.18.1.2", v6: "fd53:796e:6163:1::2" },
  routerClientSide: { v4: "198.18.0.254", v6: "fd53:796e:6163::fe" },
  routerServerSide: { v4: "198.18.1.254", v6: "fd53:796e:6163:1::fe" },
} as const;
/** A lab interface's MAC: locally administered (02), then its IPv4 address: 198.18.0.1 → 02:00:c6:12:00:01. */
export function labMac(v4: string): string {
  return ["02", "00", ...v4.split(".").map((o) => Number(o).toString(16).padStart(2, "0"))].join(":");
}
/** The router's veth towards the server (its veth towards the client is LAB_DEV). */
export const ROUTER_SERVER_DEV = "synack1";
const V4_PREFIX = 24, V6_PREFIX = 64;
const NAME_RE = /^synack-(\d+)-(\d+)-[csr]$/;

/** One of the two hosts. */
export type Side = "client" | "server";
/** A namespace of the topology: a host, or the router between them. */
export type Place = Side | "router";

/** Why the lab could not set up or run a command: a stable code and one line. */
export type LabErrorCode = "PRIVILEGE" | "TOOL_MISSING" | "COMMAND_FAILED" | "TIMEOUT" | "BAD_SCENARIO";

/** A lab failure, suitable for a one-line CLI message. */
export class LabError extends Error {
  constructor(message: string, readonly code: LabErrorCode) { super(message); }
}

/** One host of the topology. */
export interface LabHost {
  /** Namespace name (`ip netns exec NAME …`). */
  readonly ns: string;
  /** The veth end inside it. */
  readonly dev: string;
  /** Its IPv4 and IPv6 addresses. */
  readonly v4: string;
  readonly v6: string;
}

/** What to set inside each namespace (`sysctl -w`, names as `net.ipv4.tcp_sack`). */
export interface TopologyOptions {
  sysctls?: Partial<Record<Side, Readonly<Record<string, string | number>>>>;
  /** Put a router namespace between the hosts (two links): a queue there is in the path. */
  router?: boolean;
}

/** A live topology. `destroy()` is idempotent and never throws. */
export interface Topology {
  readonly id: string;
  readonly client: LabHost;
  readonly server: LabHost;
  /** The router (forwarding between LAB_DEV, the client's link, and ROUTER_SERVER_DEV), if any. */
  readonly router: LabHost | undefined;
  /** Runs a command inside a namespace; rejects with LabError on a non-zero exit. */
  exec(side: Place, cmd: string, args: readonly string[], input?: string): Promise<string>;
  destroy(): Promise<void>;
}

/** Runs `cmd args` (stdin from `input`); resolves with stdout, rejects with a one-line LabError. */
export function run(cmd: string, args: readonly string[], input?: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err === null) { resolve(stdout); return; }
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === "ENOENT") { reject(new LabError(`${cmd} not found`, "TOOL_MISSING")); return; }
      const why = (stderr || e.message).trim().split("\n")[0] ?? "";
      const priv = /Operation not permitted|Permission denied/i.test(why);
      reject(new LabError(`${[cmd, ...args].join(" ").slice(0, 200)}: ${why}`, priv ? "PRIVILEGE" : e.killed ? "TIMEOUT" : "COMMAND_FAILED"));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The namespaces of live topologies of this process: removed on exit and on SIGINT/SIGTERM. */
const live = new Map<string, readonly string[]>();
let counter = 0;
let handlersInstalled = false;
let swept = false;

/** Pids of the processes inside namespace `ns` (empty when none or unknown). */
function nsPidsSync(ns: string): number[] {
  const r = spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8", timeout: 5000 });
  return (r.stdout ?? "").split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
}

/** Kills what still runs inside `names` (our agents and tcpdumps), then deletes them. Synchronous:
 *  it also runs from the process 'exit' event and from signal handlers. */
export function removeNamespacesSync(names: readonly string[]): void {
  for (const ns of names) for (const pid of nsPidsSync(ns)) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
  for (const ns of names) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore", timeout: 5000 });
}

function cleanupAllSync(): void {
  const all = [...live.values()].flat();
  live.clear();
  if (all.length > 0) removeNamespacesSync(all);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", cleanupAllSync);
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.on(sig, () => {
      cleanupAllSync();
      process.exit(code);
    });
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === "EPERM"; }
}

/** Names of every lab namespace present on the machine (ours and others'). */
export function labNamespaces(): string[] {
  let names: string[];
  try { names = readdirSync("/run/netns"); } catch { return []; }
  return names.filter((n) => NAME_RE.test(n)).sort();
}

/** Removes the lab namespaces left by runs whose process is no longer alive (SIGKILL, crash).
 *  Returns the names removed. Namespaces of live runs (this one included) are kept. */
export function sweepStale(): string[] {
  const stale = labNamespaces().filter((n) => {
    const pid = Number(NAME_RE.exec(n)![1]);
    return pid !== process.pid && !alive(pid);
  });
  if (stale.length > 0) removeNamespacesSync(stale);
  return stale;
}

/** Creates the two namespaces, the veth pair, addresses (both families), sysctls, and turns off
 *  TSO/GSO/GRO on both ends (else the capture shows 64 KiB super-segments). Sweeps stale
 *  namespaces first (once per process). On any failure what was made is removed again. */
export async function createTopology(options: TopologyOptions = {}): Promise<Topology> {
  if (!swept) { swept = true; sweepStale(); }
  installHandlers();
  const id = `${NETNS_PREFIX}${process.pid}-${++counter}`;
  const routed = options.router === true;
  const client: LabHost = { ns: `${id}-c`, dev: LAB_DEV, ...LAB_ADDRESSES.client };
  const server: LabHost = { ns: `${id}-s`, dev: LAB_DEV, ...(routed ? ROUTED_ADDRESSES.server : LAB_ADDRESSES.server) };
  const router: LabHost | undefined = routed ? { ns: `${id}-r`, dev: LAB_DEV, ...ROUTED_ADDRESSES.routerClientSide } : undefined;
  const names = [client.ns, server.ns, ...(router ? [router.ns] : [])];
  live.set(id, names);
  const nsOf = (p: Place): string => (p === "client" ? client.ns : p === "server" ? server.ns : router?.ns ?? server.ns);
  const exec = (p: Place, cmd: string, args: readonly string[], input?: string) =>
    run("ip", ["netns", "exec", nsOf(p), cmd, ...args], input);
  let destroyed: Promise<void> | undefined;
  const destroy = (): Promise<void> => {
    destroyed ??= (async () => {
      live.delete(id);
      removeNamespacesSync(names);
    })();
    return destroyed;
  };
  // TCP hands the qdisc multi-segment skbs even with GSO off (they are cut after it): one segment
  // per skb (gso_max_segs 1), so tc classifies, and nft counts, single segments.
  // Fixed MACs and permanent neighbours: no ARP or neighbour discovery on the wire. A lost first
  // neighbour solicitation once held the SYN back for a second, and the kernel's RTT estimate (taken
  // from the SYN's send time) with it, so the loss scenarios' timers went wrong over IPv6.
  const linkUp = (dev: string, own: { v4: string; v6: string }, peer: { v4: string; v6: string }) => [
    `ip link set ${dev} address ${labMac(own.v4)}`,
    `ip addr add ${own.v4}/${V4_PREFIX} dev ${dev}`, `ip addr add ${own.v6}/${V6_PREFIX} dev ${dev} nodad`,
    `ip link set ${dev} gso_max_segs 1`, `ip link set ${dev} up`, `ethtool -K ${dev} tso off gso off gro off`,
    `ip neigh replace ${peer.v4} lladdr ${labMac(peer.v4)} dev ${dev} nud permanent`,
    `ip -6 neigh replace ${peer.v6} lladdr ${labMac(peer.v4)} dev ${dev} nud permanent`,
  ];
  const sysctl = (ctl: Record<string, string | number>) => {
    for (const [k, v] of Object.entries(ctl)) {
      if (!/^[a-z0-9_.]+$/.test(k) || !/^[0-9 ]+$/.test(String(v))) throw new LabError(`bad sysctl ${k}=${v}`, "BAD_SCENARIO");
    }
    return `sysctl -q -e -w ${Object.entries(ctl).map(([k, v]) => `${k}="${v}"`).join(" ")}`;
  };
  const quiet = (dev: string) => ({ [`net.ipv6.conf.${dev}.accept_ra`]: 0, [`net.ipv6.conf.${dev}.accept_dad`]: 0 });
  try {
    await Promise.all(names.map((n) => run("ip", ["netns", "add", n])));
    if (router === undefined) {
      await run("ip", ["link", "add", LAB_DEV, "netns", client.ns, "type", "veth", "peer", "name", LAB_DEV, "netns", server.ns]);
    } else {
      await run("ip", ["link", "add", LAB_DEV, "netns", client.ns, "type", "veth", "peer", "name", LAB_DEV, "netns", router.ns]);
      await run("ip", ["link", "add", ROUTER_SERVER_DEV, "netns", router.ns, "type", "veth", "peer", "name", LAB_DEV, "netns", server.ns]);
    }
    // One shell per namespace (each spawn costs ~50 ms): links, addresses, routes, sysctls, offloads.
    const scripts: Array<[Place, string[]]> = [];
    for (const side of ["client", "server"] as const) {
      const h = side === "client" ? client : server;
      const gw = side === "client" ? ROUTED_ADDRESSES.routerClientSide : ROUTED_ADDRESSES.routerServerSide;
      const peer = router === undefined ? (side === "client" ? server : client) : gw;
      scripts.push([side, ["ip link set lo up", ...linkUp(LAB_DEV, h, peer),
        ...(router ? [`ip route add default via ${gw.v4}`, `ip -6 route add default via ${gw.v6}`] : []),
        sysctl({ ...quiet(LAB_DEV), ...(options.sysctls?.[side] ?? {}) })]]);
    }
    if (router !== undefined) {
      const r2 = ROUTED_ADDRESSES.routerServerSide;
      scripts.push(["router", ["ip link set lo up", ...linkUp(LAB_DEV, router, client), ...linkUp(ROUTER_SERVER_DEV, r2, server),
        sysctl({ ...quiet(LAB_DEV), ...quiet(ROUTER_SERVER_DEV), "net.ipv4.ip_forward": 1, "net.ipv6.conf.all.forwarding": 1 })]]);
    }
    await Promise.all(scripts.map(([p, lines]) => exec(p, "sh", ["-c", ["set -e", ...lines].join("\n")])));
  } catch (err) {
    await destroy();
    throw err;
  }
  return { id, client, server, router, exec, destroy };
}

/** Which tools the lab runs, and the Debian package of each. */
export const LAB_TOOLS: ReadonlyArray<{ cmd: string; pkg: string }> = [
  { cmd: "ip", pkg: "iproute2" }, { cmd: "tc", pkg: "iproute2" }, { cmd: "nft", pkg: "nftables" },
  { cmd: "tcpdump", pkg: "tcpdump" }, { cmd: "ethtool", pkg: "ethtool" }, { cmd: "sysctl", pkg: "procps" },
];

/** Why `synack lab run` cannot run here, as one line, or undefined when it can: root (or
 *  CAP_NET_ADMIN + CAP_NET_RAW) and the tools of LAB_TOOLS on PATH. */
export function labPreflight(): string | undefined {
  if (!hasNetCaps()) {
    return "the lab needs root, or CAP_NET_ADMIN and CAP_NET_RAW (it creates network namespaces); without them, `synack lab show NAME` replays a recorded capture";
  }
  const missing = LAB_TOOLS.filter((t) => !onPath(t.cmd));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((t) => t.pkg))];
    return `${missing.map((t) => t.cmd).join(", ")} not found: install ${pkgs.join(" ")} (Debian/Ubuntu: sudo apt-get install ${pkgs.join(" ")})`;
  }
  return undefined;
}

/** CAP_NET_ADMIN (12) and CAP_NET_RAW (13) in this process's effective set (root has both). */
function hasNetCaps(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    const m = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m === null) return false;
    const eff = BigInt("0x" + m[1]);
    return (eff & (1n << 12n)) !== 0n && (eff & (1n << 13n)) !== 0n;
  } catch { return false; }
}

/** Whether `cmd` is on PATH (the lab spawns its tools through PATH). */
export function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}
