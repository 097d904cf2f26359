/** `synack ui` in a real Chromium: the packet list, details and bytes, filters, ladder, security. */
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launch, loadedCount, openUi, shot, tsharkFrameCount } from "./harness.js";
import { sharedDir } from "../support/paths.js";
import type { BrowserContext } from "playwright-core";

const CAPTURES = join(sharedDir(), "captures", "public");
const SSH_DUPS = join(CAPTURES, "zeek", "tcp__ssh-dups.pcap");
const PCAPNG = join(CAPTURES, "pcapplusplus", "PcapppTest__PcapExamples__pcapng-example.pcapng");

suite("web/ui in chromium", () => {
  let ctx: BrowserContext;
  let closeBrowser: () => Promise<void>;
  before(async () => { const b = await launch(); ctx = b.browser; closeBrowser = b.close; });
  after(async () => { await closeBrowser(); });

  for (const file of [SSH_DUPS, PCAPNG]) {
    test(`-r ${file.split("/").pop()}: one row per frame, as tshark counts them`, async () => {
      const { server, page, errors } = await openUi(ctx, { file });
      try {
        const want = tsharkFrameCount(file);
        assert.equal(await loadedCount(page), want);
        const spacer = await page.$eval("#packet-list .spacer", (e) => (e as unknown as { offsetHeight: number }).offsetHeight);
        assert.equal(spacer, want * 20, "the virtual list is as tall as its rows");
        await page.waitForSelector("#packet-list .row[data-index='0']");
        assert.equal((await page.textContent("#packet-list .row[data-index='0'] .no"))?.trim(), "1");
        // Scroll to the end: the last row is frame `want`.
        await page.$eval("#packet-list", (e) => { e.scrollTop = e.scrollHeight; });
        await page.waitForSelector(`#packet-list .row[data-index='${want - 1}']`);
        assert.equal((await page.textContent(`#packet-list .row[data-index='${want - 1}'] .no`))?.trim(), String(want));
        await shot(page, `list-${file.split("/").pop()}`);
        assert.deepEqual(errors, []);
      } finally {
        await page.close(); await server.close();
      }
    });
  }
});
