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
const V4_PREFIX = 24, V6_PREFIX = 64;
const NAME_RE = /^synack-(\d+)-(\d+)-[cs]$/;

/** One of the two hosts. */
export type Side = "client" | "server";

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
}

/** A live topology. `destroy()` is idempotent and never throws. */
export interface Topology {
  readonly id: string;
  readonly client: LabHost;
  readonly server: LabHost;
  /** Runs a command inside a host's namespace; rejects with LabError on a non-zero exit. */
  exec(side: Side, cmd: string, args: readonly string[], input?: string): Promise<string>;
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
  const host = (side: Side): LabHost => ({ ns: `${id}-${side === "client" ? "c" : "s"}`, dev: LAB_DEV,
    v4: LAB_ADDRESSES[side].v4, v6: LAB_ADDRESSES[side].v6 });
  const client = host("client"), server = host("server");
  const names = [client.ns, server.ns];
  live.set(id, names);
  const hosts = { client, server };
  const exec = (side: Side, cmd: string, args: readonly string[], input?: string) =>
    run("ip", ["netns", "exec", hosts[side].ns, cmd, ...args], input);
  let destroyed: Promise<void> | undefined;
  const destroy = (): Promise<void> => {
    destroyed ??= (async () => {
      live.delete(id);
      removeNamespacesSync(names);
    })();
    return destroyed;
  };
  try {
    await Promise.all([run("ip", ["netns", "add", client.ns]), run("ip", ["netns", "add", server.ns])]);
    await run("ip", ["link", "add", LAB_DEV, "netns", client.ns, "type", "veth", "peer", "name", LAB_DEV, "netns", server.ns]);
    // One shell per namespace (each spawn costs ~50 ms): links, addresses, sysctls, offloads.
    await Promise.all((["client", "server"] as const).map((side) => {
      const h = hosts[side];
      const ctl: Record<string, string | number> = {
        [`net.ipv6.conf.${LAB_DEV}.accept_ra`]: 0, [`net.ipv6.conf.${LAB_DEV}.accept_dad`]: 0,
        ...(options.sysctls?.[side] ?? {}),
      };
      for (const [k, v] of Object.entries(ctl)) {
        if (!/^[a-z0-9_.]+$/.test(k) || !/^[0-9 ]+$/.test(String(v))) throw new LabError(`bad sysctl ${k}=${v}`, "BAD_SCENARIO");
      }
      const script = [
        "set -e",
        "ip link set lo up",
        `ip addr add ${h.v4}/${V4_PREFIX} dev ${LAB_DEV}`,
        `ip addr add ${h.v6}/${V6_PREFIX} dev ${LAB_DEV} nodad`,
        // TCP hands the qdisc multi-segment skbs even with GSO off (they are cut after it): one
        // segment per skb, so tc classifies, and nft counts, single segments.
        `ip link set ${LAB_DEV} gso_max_segs 1`,
        `ip link set ${LAB_DEV} up`,
        `sysctl -q -e -w ${Object.entries(ctl).map(([k, v]) => `${k}="${v}"`).join(" ")}`,
        `ethtool -K ${LAB_DEV} tso off gso off gro off`,
      ].join("\n");
      return exec(side, "sh", ["-c", script]);
    }));
  } catch (err) {
    await destroy();
    throw err;
  }
  return { id, client, server, exec, destroy };
}

/** Which tools the lab runs, and the Debian package of each. */
export const LAB_TOOLS: ReadonlyArray<{ cmd: string; pkg: string }> = [
  { cmd: "ip", pkg: "iproute2" }, { cmd: "tc", pkg: "iproute2" }, { cmd: "nft", pkg: "nftables" },
  { cmd: "tcpdump", pkg: "tcpdump" }, { cmd: "ethtool", pkg: "ethtool" }, { cmd: "sysctl", pkg: "procps" },
];

/** Why `synack lab run` cannot run here, as one line, or undefined when it can: root (or
 *  CAP_NET_ADMIN + CAP_NET_RAW) and the tools of LAB_TOOLS on PATH or in /usr/sbin, /sbin. */
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

/** Whether `cmd` can be run (PATH, or the sbin folders a non-root PATH often lacks). */
export function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd} || test -x /usr/sbin/${cmd} || test -x /sbin/${cmd}`], { stdio: "ignore" }).status === 0;
}
