/** synack lab in the page (as root): choose a scenario, run it; its packets stream into the list
 *  as they are captured in the namespaces, then the report shows the key packets, the ladder and
 *  the verdict. Chromium through playwright-core, as the other web tests. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, loadedCount, openUi, shot } from "./harness.js";
import type { BrowserContext } from "playwright-core";

const root = process.getuid?.() === 0;
let ctx: BrowserContext;
let closeBrowser: () => Promise<void>;
before(async () => { if (root) { const b = await launch(); ctx = b.browser; closeBrowser = b.close; } });
after(async () => { if (root) await closeBrowser(); });

test("web lab: a scenario runs from the page, packets arrive, then key packets, ladder and verdict", { skip: !root && "needs root" }, async () => {
  const { server, page, errors, dialogs } = await openUi(ctx, {});
  try {
    await page.waitForSelector("#lab-scenario");
    const names = await page.$$eval("#lab-scenario option", (os) => os.map((o) => (o as unknown as { value: string }).value));
    assert.ok(names.includes("sack-loss") && names.includes("handshake-echo"), names.join(","));
    await page.selectOption("#lab-scenario", "sack-loss");
    await page.click("#lab-run");
    await page.waitForFunction(() => /Verdict:/.test((globalThis as unknown as { document: { getElementById(i: string): { textContent: string | null } | null } })
      .document.getElementById("lab-report")?.textContent ?? ""), undefined, { timeout: 30_000 });
    const report = (await page.textContent("#lab-report")) ?? "";
    assert.match(report, /^sack-loss: /);
    assert.match(report, /fault: the server drops the 4th data segment from the client/);
    assert.match(report, /Ladder \(TCP stream 0\):/);
    assert.match(report, /retransmits at once after duplicate ACKs/);
    assert.match(report, /ok {3}present fast-retransmission/);
    assert.doesNotMatch(report, /FAIL/);
    const n = await loadedCount(page, 30_000);
    assert.ok(n >= 30, `${n} packets in the list`);
    const infos = await page.$$eval("#packet-list .row .info", (es) => es.map((e) => e.textContent ?? ""));
    assert.ok(infos.some((i) => i.includes("[SYN]")), infos.slice(0, 3).join(" | "));
    await shot(page, "lab-sack-loss");
    assert.deepEqual(errors, []);
    assert.deepEqual(dialogs, []);
  } finally {
    await page.close();
    await server.close();
  }
});
