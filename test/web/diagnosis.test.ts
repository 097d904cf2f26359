/** The Diagnosis tab in a real Chromium: the page's worker runs the same diagnosis as
 *  `synack doctor --all` and shows its text, word for word. */
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { launch, loadedCount, openUi, shot } from "./harness.js";
import type { UiServer } from "../../src/web/server.js";
import { CLI, sharedDir } from "../support/paths.js";
import type { BrowserContext, Page } from "playwright-core";

const FILE = join(sharedDir(), "captures", "public", "ndpi", "ipp.pcap");

suite("web/ui Diagnosis tab in chromium", () => {
  let ctx: BrowserContext, closeBrowser: () => Promise<void>;
  let server: UiServer, page: Page, errors: string[];
  before(async () => {
    const b = await launch(); ctx = b.browser; closeBrowser = b.close;
    ({ server, page, errors } = await openUi(ctx, { file: FILE }));
    await loadedCount(page);
  });
  after(async () => { await server.close(); await closeBrowser(); });

  test("the Diagnosis tab shows synack doctor's text for the capture", async () => {
    await page.click("#tab-diagnosis");
    await page.waitForSelector("#diagnosis");
    const shown = (await page.textContent("#diagnosis"))!;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.FORCE_COLOR;
    const cli = spawnSync(process.execPath, [CLI, "doctor", "-r", FILE, "--all"], { env, encoding: "utf8" });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(shown, /zero window|receiver-limited/);
    assert.equal(shown, cli.stdout);
    assert.deepEqual(errors, []);
    await shot(page, "diagnosis");
  });
});
