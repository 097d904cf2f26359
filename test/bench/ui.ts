/**
 * `npm run bench:ui [-- --packets N]`: the web view on a large capture in Debian's chromium. Not a
 * test. Uses (or writes with bench:data) `.tmp/bench/synack-bench-<N>.pcap`, default 1 000 000
 * packets, serves it with `synack ui -r`, and prints
 *  - time to first rows: page navigation → the first packet-list row on screen (target < 2 s);
 *  - time until the whole file is decoded and analysed in the worker;
 *  - scrolling: the list scrolled by 600 px per animation frame for 3 s, frames per second
 *    (target ≥ 50) and the share of frames that showed rows still being formatted.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { launch, openUi } from "../web/harness.js";
import { REPO_ROOT } from "../support/paths.js";

const { values } = parseArgs({ options: { packets: { type: "string" } } });
const packets = Number(values.packets ?? 1_000_000);
const file = join(REPO_ROOT, ".tmp", "bench", `synack-bench-${packets}.pcap`);
if (!existsSync(file)) {
  process.stderr.write(`bench:ui: writing ${file} (bench:data)\n`);
  execFileSync(process.execPath, [join(REPO_ROOT, "dist", "test", "bench", "data.js"), "--packets", String(packets), "--out", file], { stdio: "inherit" });
}

type Doc = { document: { querySelector(s: string): unknown; getElementById(id: string): { scrollTop: number; textContent: string | null } | null } };
const b = await launch();
try {
  const t0 = performance.now();
  const { server, page } = await openUi(b.browser, { file });
  await page.waitForSelector("#packet-list .row[data-index='0']", { timeout: 60_000 });
  const firstRows = performance.now() - t0;
  await page.waitForFunction(() => /^\d+ packets$/.test((globalThis as unknown as Doc).document.getElementById("status")?.textContent ?? ""),
    undefined, { timeout: 600_000, polling: 100 });
  const loaded = performance.now() - t0;
  const status = await page.textContent("#status");
  const scroll = await page.evaluate(() => new Promise<{ frames: number; pending: number; ms: number }>((ok) => {
    const d = (globalThis as unknown as Doc).document;
    const el = d.getElementById("packet-list")!;
    const raf = (globalThis as unknown as { requestAnimationFrame(f: (t: number) => void): void }).requestAnimationFrame;
    let frames = 0, pending = 0;
    const start = performance.now();
    const step = (): void => {
      frames++;
      if (d.querySelector("#packet-list .row.pending") !== null) pending++;
      el.scrollTop += 600;
      if (performance.now() - start < 3000) raf(step);
      else ok({ frames, pending, ms: performance.now() - start });
    };
    raf(step);
  }));
  const fps = scroll.frames / (scroll.ms / 1000);
  process.stdout.write(`bench:ui ${file}\n  ${status}\n`
    + `  time to first rows: ${(firstRows / 1000).toFixed(2)} s (target < 2 s)\n`
    + `  whole file decoded and analysed: ${(loaded / 1000).toFixed(2)} s\n`
    + `  scrolling: ${fps.toFixed(1)} fps over ${(scroll.ms / 1000).toFixed(1)} s (target >= 50); `
    + `${((100 * scroll.pending) / scroll.frames).toFixed(1)} % of frames showed rows still being formatted\n`);
  await page.close(); await server.close();
} finally {
  await b.close();
}
