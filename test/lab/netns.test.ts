/** The namespace lab's topology on the real kernel (CI runs as root): creation, addresses, offloads
 *  off, removal, the sweep of a SIGKILLed run's namespaces, cleanup on SIGTERM. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createTopology, labNamespaces, sweepStale } from "../../src/lab/index.js";

const root = process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });
const ofPid = (pid: number) => labNamespaces().filter((n) => n.startsWith(`synack-${pid}-`));

/** Waits until `cond` holds (polling), or fails after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test("netns: two namespaces joined by a veth with lab addresses, offloads off; destroy removes them", { skip: !root && "needs root" }, async () => {
  const t = await createTopology({ sysctls: { server: { "net.ipv4.tcp_sack": 0 } } });
  try {
    assert.deepEqual(ofPid(process.pid).sort(), [t.client.ns, t.server.ns].sort());
    const addrs = await t.exec("client", "ip", ["-o", "addr", "show", "dev", t.client.dev]);
    assert.match(addrs, /inet 198\.18\.0\.1\/24/);
    assert.match(addrs, /inet6 fd53:796e:6163::1\/64/);
    // Fixed MACs, and the peer's in permanent neighbour entries: no ARP or NDP before the SYN.
    assert.match(await t.exec("client", "ip", ["-o", "link", "show", "dev", t.client.dev]), /link\/ether 02:00:c6:12:00:01 /);
    const neigh = await t.exec("client", "ip", ["neigh", "show", "dev", t.client.dev]);
    assert.match(neigh, /^198\.18\.0\.2 lladdr 02:00:c6:12:00:02 PERMANENT *$/m);
    assert.match(neigh, /^fd53:796e:6163::2 lladdr 02:00:c6:12:00:02 PERMANENT *$/m);
    const k = await t.exec("server", "ethtool", ["-k", t.server.dev]);
    for (const f of ["tcp-segmentation-offload", "generic-segmentation-offload", "generic-receive-offload"]) assert.match(k, new RegExp(`${f}: off`));
    assert.equal((await t.exec("server", "sysctl", ["-n", "net.ipv4.tcp_sack"])).trim(), "0");
    assert.equal((await t.exec("client", "sysctl", ["-n", "net.ipv4.tcp_sack"])).trim(), "1", "sysctls stay inside their namespace");
    // The host has no veth of ours: both ends were created inside the namespaces.
    assert.doesNotMatch(sh("ip", ["-o", "link"]).stdout, /synack/);
  } finally {
    await t.destroy();
  }
  assert.deepEqual(ofPid(process.pid), []);
  await t.destroy(); // idempotent
});

test("netns: with a router, the hosts are on two links and the router forwards between them", { skip: !root && "needs root" }, async () => {
  const t = await createTopology({ router: true });
  try {
    assert.equal(ofPid(process.pid).length, 3);
    assert.match(await t.exec("server", "ip", ["-o", "addr", "show", "dev", t.server.dev]), /inet 198\.18\.1\.2\/24/);
    assert.match(await t.exec("client", "ip", ["route"]), /default via 198\.18\.0\.254/);
    assert.equal((await t.exec("router", "sysctl", ["-n", "net.ipv4.ip_forward"])).trim(), "1");
    assert.match(await t.exec("server", "ip", ["neigh", "show", "dev", t.server.dev]), /^fd53:796e:6163:1::fe lladdr 02:00:c6:12:01:fe PERMANENT *$/m);
    assert.match(await t.exec("router", "ip", ["neigh", "show", "dev", "synack1"]), /^198\.18\.1\.2 lladdr 02:00:c6:12:01:02 PERMANENT *$/m);
  } finally {
    await t.destroy();
  }
  assert.deepEqual(ofPid(process.pid), []);
});

/** A child process that creates a topology and then idles (a run in the middle of its scenario). */
function holder(): ReturnType<typeof spawn> {
  const lab = new URL("../../src/lab/index.js", import.meta.url).href;
  return spawn(process.execPath, ["--input-type=module", "-e",
    `const m = await import(${JSON.stringify(lab)}); await m.createTopology(); setInterval(() => {}, 1000);`],
  { stdio: ["ignore", "ignore", "pipe"] });
}

test("netns: a process killed with SIGKILL leaves its namespaces; the next start sweeps them", { skip: !root && "needs root" }, async () => {
  const child = holder();
  const pid = child.pid!;
  try {
    await until(() => ofPid(pid).length === 2, 8000, "the child's namespaces");
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    const left = ofPid(pid);
    assert.equal(left.length, 2, "SIGKILL cannot be caught: the namespaces are still there");
    // The next start: the first createTopology of a process sweeps namespaces whose pid is dead.
    const next = spawnSync(process.execPath, ["--input-type=module", "-e",
      `const m = await import(${JSON.stringify(new URL("../../src/lab/index.js", import.meta.url).href)}); const t = await m.createTopology(); await t.destroy();`],
    { encoding: "utf8" });
    assert.equal(next.status, 0, next.stderr);
    assert.deepEqual(ofPid(pid), []);
  } finally {
    child.kill("SIGKILL");
    sweepStale();
  }
});

test("netns: SIGTERM removes the namespaces and exits 143", { skip: !root && "needs root" }, async () => {
  const child = holder();
  const pid = child.pid!;
  try {
    await until(() => ofPid(pid).length === 2, 8000, "the child's namespaces");
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 143);
    assert.deepEqual(ofPid(pid), []);
  } finally {
    child.kill("SIGKILL");
  }
});

test("netns: sweepStale keeps the namespaces of live processes", { skip: !root && "needs root" }, async () => {
  const t = await createTopology();
  try {
    assert.deepEqual(sweepStale().filter((n) => n.startsWith(`synack-${process.pid}-`)), []);
    assert.equal(ofPid(process.pid).length, 2);
  } finally {
    await t.destroy();
  }
});
