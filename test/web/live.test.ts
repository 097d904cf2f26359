/** Live mode in Chromium: `synack ui -i lo`, the "run the echo demo" button, packets arriving over
 *  the WebSocket. Needs tcpdump with capture rights (.ci/run runs as root with tcpdump installed). */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openUi, shot } from "./harness.js";
import type { BrowserContext } from "playwright-core";
import { freePort } from "../support/net.js";


let ctx: BrowserContext;
let closeBrowser: () => Promise<void>;
before(async () => { const b = await launch(); ctx = b.browser; closeBrowser = b.close; });
after(async () => { await closeBrowser(); });

test("live: the echo demo's packets appear as they are captured", async () => {
  const demoPort = await freePort();
  const { server, page, errors, dialogs } = await openUi(ctx, { live: { iface: "lo", filter: `tcp port ${demoPort}` }, demoPort });
  try {
    await page.waitForSelector("#demo");
    assert.equal(await page.$("#error-banner"), null, "tcpdump started");
    await page.click("#demo");
    await page.waitForSelector("#demo:not([disabled])", { timeout: 30_000 });
    await page.fill("#filter", "tcp.len == 2");
    await page.press("#filter", "Enter");
    // AB goes to the server and comes back: two data segments of 2 bytes, each way once.
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
      const infos = Array.from(d.querySelectorAll("#packet-list .row .info"), (e) => e.textContent ?? "");
      return infos.filter((i) => /\[PSH, ACK\] Seq=1 Ack=[13] .*Len=2/.test(i)).length >= 2;
    }, undefined, { timeout: 30_000 });
    await page.fill("#filter", "tcp.flags.syn == 1 || tcp.flags.fin == 1");
    await page.press("#filter", "Enter");
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
      const infos = Array.from(d.querySelectorAll("#packet-list .row .info"), (e) => e.textContent ?? "");
      return infos.some((i) => i.includes("[SYN]")) && infos.some((i) => i.includes("[SYN, ACK]"))
        && infos.filter((i) => i.includes("FIN")).length >= 2;
    }, undefined, { timeout: 30_000 });
    await page.fill("#filter", "");
    await page.press("#filter", "Enter");
    await shot(page, "live-demo");
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close(); await server.close();
  }
});
