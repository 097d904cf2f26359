/** Browser test harness: Debian's chromium driven by playwright-core (no browser download), a
 *  `synack ui` server on 127.0.0.1:0, and screenshots under screenshots/web (git-ignored). */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startUiServer, type UiServer, type UiServerOptions } from "../../src/web/server.js";
import { REPO_ROOT } from "../support/paths.js";

export const CHROMIUM = process.env.SYNACK_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO_ROOT, "screenshots", "web");

/** One browser per test file: a fresh profile, headless, no network side channels. */
export async function launch(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "synack-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    browser,
    close: async () => { await browser.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

export type { Browser, Page };

/** Starts a UI server and opens its URL in a new page; collects console errors and dialogs. */
export async function openUi(ctx: BrowserContext, opts: UiServerOptions = {}): Promise<{
  server: UiServer; page: Page; dialogs: string[]; errors: string[];
}> {
  const server = await startUiServer({ host: "127.0.0.1", port: 0, ...opts });
  const page = await ctx.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => { dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss(); });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  return { server, page, dialogs, errors };
}

/** Waits until the page says the capture is fully read, and returns the packet count it shows. */
export async function loadedCount(page: Page, timeout = 60_000): Promise<number> {
  await waitStatus(page, "^\\d+ packets$", timeout);
  const text = await page.textContent("#status");
  return Number(/^(\d+)/.exec(text ?? "")![1]);
}

/** Saves a screenshot as screenshots/web/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const TSHARK_ENV = { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" };

/** tshark 4.0's frame count for a file (it prints one line per frame; exit 2 after a damaged record). */
export function tsharkFrameCount(file: string): number {
  let out: string;
  try {
    out = execFileSync("tshark", ["-n", "-r", file, "-T", "fields", "-e", "frame.number"], { env: TSHARK_ENV, encoding: "utf8", maxBuffer: 1 << 28 });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? "");
  }
  return out.split("\n").filter((l) => l !== "").length;
}

/** tshark's -Y count for a display filter. */
export function tsharkFilterCount(file: string, filter: string): number {
  const out = execFileSync("tshark", ["-n", "-r", file, "-Y", filter, "-T", "fields", "-e", "frame.number"], { env: TSHARK_ENV, encoding: "utf8", maxBuffer: 1 << 28 });
  return out.split("\n").filter((l) => l !== "").length;
}

/** The page's DOM as far as the waits below need it (the tests compile without lib DOM). */
type Doc = { document: { getElementById(id: string): { textContent: string | null } | null } };

/** Waits until #status matches the regular expression `source`. A function, not a string: the
 *  page's CSP forbids eval, and Playwright runs functions without it. */
export async function waitStatus(page: Page, source: string, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction((src) => new RegExp(src).test((globalThis as unknown as Doc).document.getElementById("status")?.textContent ?? ""),
      source, { timeout });
  } catch (err) {
    const now = await page.textContent("#status").catch(() => null);
    throw new Error(`status never matched /${source}/ (it says ${JSON.stringify(now)}): ${String(err)}`);
  }
}
