/** The Graphs tab in a real Chromium: the selected packet's stream drawn by the same renderer as
 *  `synack graph`, the direction switch, hover naming a segment, a click selecting its packet,
 *  drag to zoom and double-click to reset. Counts come from tshark. */
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launch, loadedCount, openUi, shot, tsharkFilterCount } from "./harness.js";
import type { UiServer } from "../../src/web/server.js";
import { sharedDir } from "../support/paths.js";
import type { BrowserContext, Page } from "playwright-core";

const FILE = join(sharedDir(), "captures", "public", "zeek", "http__206_example_a.pcap");

/** The SVG the tab shows, from its image's data URL. */
async function shownSvg(page: Page): Promise<string> {
  const src = await page.getAttribute("#graph-img", "src");
  return decodeURIComponent(src!.slice(src!.indexOf(",") + 1));
}

async function plotAttr(page: Page, name: string): Promise<number> {
  return Number(await page.getAttribute("#graph-plot", name));
}

suite("web/ui Graphs tab in chromium", () => {
  let ctx: BrowserContext, closeBrowser: () => Promise<void>;
  let server: UiServer, page: Page, errors: string[];
  before(async () => {
    const b = await launch(); ctx = b.browser; closeBrowser = b.close;
    ({ server, page, errors } = await openUi(ctx, { file: FILE }));
    await loadedCount(page);
  });
  after(async () => { await server.close(); await closeBrowser(); });

  test("the selected packet's stream, as synack graph draws it; the direction switch", async () => {
    // Frame 8 is the first of stream 1 (tshark: tcp.stream == 1).
    await page.click("#packet-list .row[data-index='7']");
    await page.click("#tab-graphs");
    await page.waitForSelector("#graph-plot[data-graph='tseq'][data-dir='a'] #graph-img");
    assert.match(await shownSvg(page), /<svg [^>]*data-type="tseq" data-stream="1" data-dir="a"/);
    await page.selectOption("#graph-dir", "b");
    await page.waitForSelector("#graph-plot[data-dir='b']");
    const svg = await shownSvg(page);
    const want = tsharkFilterCount(FILE, "tcp.stream == 1 && tcp.srcport == 80 && tcp.analysis.retransmission && tcp.len > 0");
    assert.match(svg, new RegExp(`data-series="retransmission" data-points="${want}"`));
    assert.equal(await page.$eval("#graph-dir", (e) => (e as unknown as { selectedOptions: Array<{ textContent: string }> }).selectedOptions[0]!.textContent),
      "129.174.93.161:80 → 10.101.84.70:10978");
    await shot(page, "graphs-tseq");
  });

  test("hover names a segment; a click selects its packet", async () => {
    const svg = await shownSvg(page);
    const m = /data-series="retransmission"[\s\S]*?<path class="pt" data-frame="(\d+)"[^>]* d="M([\d.]+),([\d.]+)V([\d.]+)/.exec(svg)!;
    const box = (await page.$("#graph-plot"))!;
    const b = (await box.boundingBox())!;
    const x = b.x + Number(m[2]), y = b.y + (Number(m[3]) + Number(m[4])) / 2;
    await page.mouse.move(x, y);
    await page.waitForFunction(() => /frame \d+/.test((globalThis as unknown as { document: { getElementById(i: string): { textContent: string } } }).document.getElementById("graph-hover").textContent));
    const text = (await page.textContent("#graph-hover"))!;
    const frame = Number(/frame (\d+)/.exec(text)![1]);
    assert.ok(Math.abs(frame - Number(m[1])) < 40, `${text} near frame ${m[1]}`);
    await page.mouse.down(); await page.mouse.up();
    await page.waitForFunction((f) => ((globalThis as unknown as { document: { getElementById(i: string): { textContent: string } | null } })
      .document.getElementById("details")?.textContent ?? "").includes(`Frame ${f}:`), frame);
    await shot(page, "graphs-hover");
  });

  test("drag zooms into that time span, double-click shows the whole stream again", async () => {
    const t0 = await plotAttr(page, "data-t0"), t1 = await plotAttr(page, "data-t1");
    const svg = await shownSvg(page);
    const [left, , right] = /data-plot="([\d.]+) ([\d.]+) ([\d.]+)/.exec(svg)!.slice(1).map(Number);
    const b = (await (await page.$("#graph-plot"))!.boundingBox())!;
    await page.mouse.move(b.x + left! + 100, b.y + 200);
    await page.mouse.down();
    await page.mouse.move(b.x + left! + 150, b.y + 210, { steps: 4 });
    await page.mouse.move(b.x + left! + 200, b.y + 220, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((old) => (globalThis as unknown as { document: { getElementById(i: string): { getAttribute(n: string): string } } })
      .document.getElementById("graph-plot").getAttribute("data-t0") !== old, String(t0));
    const z0 = await plotAttr(page, "data-t0"), z1 = await plotAttr(page, "data-t1");
    const want0 = t0 + ((100) / (right! - left!)) * (t1 - t0), want1 = t0 + ((200) / (right! - left!)) * (t1 - t0);
    assert.ok(Math.abs(z0 - want0) < (t1 - t0) / 200 && Math.abs(z1 - want1) < (t1 - t0) / 200, `${z0}–${z1}, want ${want0}–${want1}`);
    assert.match(await shownSvg(page), new RegExp(`data-t0="${z0}" data-t1="${z1}"`));
    await shot(page, "graphs-zoomed");
    await page.dblclick("#graph-plot");
    await page.waitForFunction((old) => (globalThis as unknown as { document: { getElementById(i: string): { getAttribute(n: string): string } } })
      .document.getElementById("graph-plot").getAttribute("data-t0") === old, String(t0));
    assert.equal(await plotAttr(page, "data-t1"), t1);
  });

  test("every graph type draws; no page errors", async () => {
    for (const type of ["stevens", "throughput", "rtt", "inflight", "window", "tseq"]) {
      await page.selectOption("#graph-type", type);
      await page.waitForSelector(`#graph-plot[data-graph='${type}']`);
      assert.match(await shownSvg(page), new RegExp(`data-type="${type}"`));
      await shot(page, `graphs-${type}`);
    }
    assert.deepEqual(errors, []);
  });
});
