/**
 * `npm run bench:echo`: synack's echo server against the C epoll reference server
 * (../shared/bench/echo), alternating them in one run, with the C load generator as the client.
 * Prints each measurement and the ratio synack / C. Not a test: nothing here asserts timings.
 *   --rounds N   alternations per measurement (default 3; the median is kept)
 *   --bytes N    throughput transfer size (default 1 GiB)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT, CLI, sharedDir } from "../support/paths.js";
import { freePort } from "../support/net.js";

const { values } = parseArgs({ options: { rounds: { type: "string" }, bytes: { type: "string" }, hold: { type: "string" } } });
const ROUNDS = Number(values.rounds ?? 3);
const BYTES = Number(values.bytes ?? 1024 ** 3);
const HOLD = Number(values.hold ?? 10000);

const src = join(sharedDir(), "bench", "echo");
const bin = join(REPO_ROOT, ".tmp", "bench-echo");
mkdirSync(bin, { recursive: true });
for (const name of ["cecho", "echobench"]) {
  const r = spawnSync("gcc", ["-O2", "-o", join(bin, name), join(src, `${name}.c`)], { stdio: "inherit" });
  if (r.status !== 0) { console.error(`bench:echo: gcc failed for ${name}.c (is gcc installed?)`); process.exit(1); }
}


async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = spawnSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: "ignore" });
      resolve(c.status === 0);
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Server { name: string; port: number; child: ChildProcess }
async function startServers(): Promise<Server[]> {
  const cPort = await freePort();
  const sPort = await freePort();
  const c = spawn(join(bin, "cecho"), [String(cPort)], { stdio: "ignore" });
  const s = spawn(process.execPath, [CLI, "server", "--port", String(sPort), "--quiet"], { stdio: "ignore" });
  await waitListening(cPort);
  await waitListening(sPort);
  return [{ name: "C", port: cPort, child: c }, { name: "synack", port: sPort, child: s }];
}

function rssKiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) : NaN;
}

function echobench(args: string[]): Record<string, number | string | boolean> {
  const r = spawnSync(join(bin, "echobench"), args, { encoding: "utf8", maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try { return JSON.parse(line); } catch { throw new Error(`echobench ${args.join(" ")}: ${r.stdout}${r.stderr}`); }
}

/** hold mode: N idle connections, then one AB round trip each; server RSS before/after. */
async function hold(server: Server, n: number): Promise<{ perConnKiB: number; echoed: number }> {
  const before = rssKiB(server.child.pid!);
  const child = spawn(join(bin, "echobench"), ["hold", String(server.port), String(n), "30", "30"], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const waitFor = (re: RegExp) => new Promise<void>((resolve, reject) => {
    const check = () => { if (re.test(out)) { child.stdout!.off("data", onData); resolve(); } };
    const onData = (c: Buffer) => { out += c; check(); };
    child.stdout!.on("data", onData);
    child.once("exit", () => reject(new Error(`hold exited early: ${out}`)));
    check();
  });
  await waitFor(/ESTABLISHED/);
  child.stdin!.write("\n");
  await waitFor(/RT_DONE/);
  await new Promise((r) => setTimeout(r, 200));
  const after = rssKiB(server.child.pid!);
  child.stdin!.write("\n");
  await waitFor(/CLOSED/);
  child.stdin!.end();
  const json = JSON.parse(out.slice(out.indexOf("RT_DONE ") + 8).split("\n")[0]!);
  return { perConnKiB: (after - before) / n, echoed: Number(json.echoed) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const servers = await startServers();
  const results: Record<string, Record<string, number[]>> = { C: {}, synack: {} };
  const put = (who: string, key: string, v: number) => { (results[who]![key] ??= []).push(v); };
  console.log(`bench:echo: ${ROUNDS} round(s), alternating C and synack; throughput on ${BYTES} bytes`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
      const t = echobench(["tput", String(s.port), String(BYTES), "120"]);
      if (t.verify_ok !== true) throw new Error(`${s.name}: throughput echo did not verify`);
      put(s.name, "MBps", Number(t.MBps));
      const rr = echobench(["rr", String(s.port), "20000", "60"]);
      put(s.name, "rtps", Number(rr.rtps)); put(s.name, "p50_us", Number(rr.p50_us)); put(s.name, "p99_us", Number(rr.p99_us));
      const c = echobench(["conn", String(s.port), "3", "32", "5"]);
      put(s.name, "cps", Number(c.cps));
      console.log(`  round ${round + 1} ${s.name.padEnd(6)} tput ${t.MBps} MB/s  rr ${rr.rtps}/s p50 ${rr.p50_us} µs p99 ${rr.p99_us} µs  conn ${c.cps}/s`);
    }
  }
  // Fresh servers for the memory measure, so earlier rounds' heap does not hide the growth.
  for (const s of servers) s.child.kill("SIGTERM");
  servers.splice(0, servers.length, ...(await startServers()));
  for (const s of servers) {
    const h = await hold(s, HOLD);
    put(s.name, "holdKiB", h.perConnKiB);
    put(s.name, "holdEchoed", h.echoed);
    console.log(`  hold ${s.name.padEnd(6)} ${h.echoed}/${HOLD} echoed, server RSS +${h.perConnKiB.toFixed(2)} KiB per connection`);
  }
  for (const s of servers) s.child.kill("SIGTERM");
  const m = (who: string, k: string) => median(results[who]![k]!);
  const ratio = (k: string, inverse = false) => (inverse ? m("C", k) / m("synack", k) : m("synack", k) / m("C", k));
  const line = (label: string, k: string, unit: string, target: string, inverse = false) =>
    console.log(`${label.padEnd(22)} C ${m("C", k).toFixed(1).padStart(9)} ${unit.padEnd(6)} synack ${m("synack", k).toFixed(1).padStart(9)} ${unit.padEnd(6)} ratio ${ratio(k, inverse).toFixed(2)}×  (target ${target})`);
  console.log("\nmedians (ratio = synack relative to C; for latencies C/synack, so higher is better)");
  line("throughput", "MBps", "MB/s", "≥ 0.6×");
  line("round trips", "rtps", "/s", "≥ 0.8×");
  line("round trip p50", "p50_us", "µs", "≥ 0.8×", true);
  line("round trip p99", "p99_us", "µs", "≥ 0.8×", true);
  line("connections", "cps", "/s", "≥ 0.75×");
  console.log(`${"idle conn memory".padEnd(22)} C ${m("C", "holdKiB").toFixed(2)} KiB/conn   synack ${m("synack", "holdKiB").toFixed(2)} KiB/conn  (target ≤ 8 KiB, ${m("synack", "holdEchoed")}/${HOLD} echoed)`);
}

main().catch((err: unknown) => {
  console.error(`bench:echo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
