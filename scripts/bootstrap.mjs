// Bootstrap for `npm start` / `npm test` on a fresh clone (prestart/pretest):
//   1. `npm ci` when node_modules is missing or older than package-lock.json;
//   2. build (tsc, then vite for the web page into dist/web) when dist/ is missing or older than any
//      file in src/, test/, scripts/, a tsconfig or vite.config.ts;
//   3. tcpdump: install it with apt-get when missing and we are root, else say how.
// Only node:* here: it runs before any dependency is installed.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const say = (line) => process.stderr.write(`bootstrap: ${line}\n`);

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    say(`'${cmd} ${args.join(" ")}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const modules = join(root, "node_modules");
const lock = join(root, "package-lock.json");
const stamp = join(modules, ".package-lock.json"); // npm writes it on every install
if (!existsSync(modules) || !existsSync(stamp) || statSync(stamp).mtimeMs < statSync(lock).mtimeMs) {
  say("installing dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
}

const built = join(root, "dist", ".built");
const sources = Math.max(...["src", "test", "scripts", "tsconfig.json", "tsconfig.core.json", "package.json", "vite.config.ts"]
  .map((p) => newest(join(root, p))));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  say("building (tsc, vite)");
  run("npm", ["run", "--silent", "build"]);
  execFileSync("touch", [built]);
}

function onPath(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0
    || ["/usr/sbin", "/usr/bin", "/sbin"].some((d) => existsSync(join(d, cmd)));
}
if (!onPath("tcpdump")) {
  if (process.getuid?.() === 0 && onPath("apt-get")) {
    say("tcpdump is missing: apt-get install -y tcpdump");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    let r = spawnSync("apt-get", ["install", "-y", "-qq", "tcpdump"], { stdio: "inherit", env });
    if (r.status !== 0) {
      spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
      r = spawnSync("apt-get", ["install", "-y", "-qq", "tcpdump"], { stdio: "inherit", env });
    }
    if (r.status !== 0) say("could not install tcpdump; live capture will be unavailable");
  } else {
    say("tcpdump is missing: install it (e.g. `sudo apt-get install tcpdump`) for live capture");
  }
}
