/** `synack ui` in a real Chromium: the packet list, details and bytes, filters, ladder, security. */
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { PcapWriter } from "../../src/capture/index.js";
import { execFileSync, spawnSync } from "node:child_process";
import { launch, loadedCount, openUi, shot, tsharkFilterCount, tsharkFrameCount, waitStatus } from "./harness.js";
import type { UiServer } from "../../src/web/server.js";
import { sharedDir } from "../support/paths.js";
import type { BrowserContext, Page } from "playwright-core";

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

/** tshark's -Y error, as lines without the `tshark: ` prefix and the 4-space indent. */
function tsharkFilterError(file: string, filter: string): string[] {
  const r = spawnSync("tshark", ["-n", "-r", file, "-Y", filter], {
    env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" }, encoding: "utf8" });
  return r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Running as user"))
    .map((l) => l.replace(/^tshark: /, "").replace(/^ {4}/, ""));
}

suite("web/ui panes in chromium", () => {
  let ctx: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let server: UiServer;
  let page: Page;
  let dialogs: string[];
  let errors: string[];
  before(async () => {
    const b = await launch(); ctx = b.browser; closeBrowser = b.close;
    ({ server, page, dialogs, errors } = await openUi(ctx, { file: SSH_DUPS }));
    await loadedCount(page);
  });
  after(async () => { await server.close(); await closeBrowser(); });

  test("select a frame: details tree, field → bytes and byte → field", async () => {
    await page.click("#packet-list .row[data-index='0']");
    await page.waitForSelector("#details .node");
    const tcpLabel = await page.textContent("#details .tree > li > .node:text-matches('^.?Transmission Control Protocol')");
    const [sport, dport, seqRaw] = tsharkFields(SSH_DUPS, 1, ["tcp.srcport", "tcp.dstport", "tcp.seq_raw"]);
    assert.match(tcpLabel ?? "", new RegExp(`^.?Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}`));
    // Click the Source Port field: exactly its two bytes light up, and they spell the port.
    await page.click("#details .node:text-matches('^.?Source Port: ')");
    const hl = await page.$$eval("#bytes .hex .byte.hl", (es) => es.map((e) => e.textContent ?? ""));
    assert.equal(hl.length, 2);
    assert.equal(parseInt(hl.join(""), 16), Number(sport));
    await shot(page, "details-field-to-bytes");
    // Click the first byte of the sequence number: its field is selected.
    const seqAt = Number(await page.$eval("#bytes .hex .byte.hl", (e) => e.getAttribute("data-at"))) + 4;
    await page.click(`#bytes .hex .byte[data-at='${seqAt}']`);
    const sel = await page.textContent("#details .node.selected");
    assert.match(sel ?? "", /Sequence Number/);
    const seqHex = await page.$$eval("#bytes .hex .byte.hl", (es) => es.map((e) => e.textContent ?? "").join(""));
    assert.equal(parseInt(seqHex, 16), Number(seqRaw));
    await shot(page, "details-byte-to-field");
  });

  test("filter bar: the -Y language, counts as tshark's", async () => {
    // The last three read fields only the field tree has (the catalogue, as `read -Y`).
    for (const f of ["tcp.analysis.retransmission", "tcp.flags.syn == 1 || tcp.flags.fin == 1", "tcp.len > 100 && tcp.srcport == 22",
      "tcp.options.timestamp.tsecr > 2000000000", "eth.dst[0:3] == 00:00:00 || ip.id > 30000", "tcp.analysis.ack_rtt > 0.01"]) {
      await page.fill("#filter", f);
      await page.press("#filter", "Enter");
      const want = tsharkFilterCount(SSH_DUPS, f);
      await waitStatus(page, `^${want} of `);
      const first = await page.textContent("#packet-list .row:not(.pending) .no");
      const firstWant = tsharkFields(SSH_DUPS, undefined, ["frame.number"], f)[0];
      assert.equal(first?.trim(), firstWant, f);
    }
    await shot(page, "filter-good");
  });

  test("filter bar: a bad filter shows tshark's message and caret", async () => {
    const bad = "tcp.port == 22 && tcp.flgs.syn == 1";
    await page.fill("#filter", bad);
    await page.press("#filter", "Enter");
    await page.waitForSelector("#filter-error");
    const shown = (await page.textContent("#filter-error"))!.split("\n");
    assert.deepEqual(shown, tsharkFilterError(SSH_DUPS, bad));
    await shot(page, "filter-bad");
    await page.fill("#filter", "");
    await page.press("#filter", "Enter");
    await waitStatus(page, "^\\d+ packets$");
  });

  test("ladder: one arrow per segment of the stream; an arrow selects its packet", async () => {
    await page.click("#packet-list .row[data-index='0']");
    await page.click("#tab-ladder");
    await page.waitForSelector("#ladder svg");
    assert.equal(await ladderSegments(page), tsharkFilterCount(SSH_DUPS, "tcp.stream == 0"));
    await page.click("#ladder .arrow[data-index='2'] text:not(.state):not(.frame)");
    await page.waitForSelector("#packet-list .row.selected[data-index='2']");
    await page.waitForSelector("#ladder .arrow.selected[data-index='2']");
    await shot(page, "ladder");
  });

  test("explanation, conversations and expert summary", async () => {
    await page.click("#packet-list .row[data-index='0']");
    await page.click("#tab-explain");
    await page.waitForSelector("#explain .diagram");
    // The RFC 9293 diagram with tshark's values of frame 1.
    const diagram = (await page.textContent("#explain .diagram")) ?? "";
    const [sport, dport, seqRaw, hdrLen] = tsharkFields(SSH_DUPS, 1, ["tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.hdr_len"]);
    const hex = (v: string, d: number) => "0x" + Number(v).toString(16).padStart(d, "0");
    assert.match(diagram, /\|\s+Source Port\s+\|\s+Destination Port\s+\|\s+0\n/);
    assert.match(diagram, new RegExp(`\\|\\s+${sport} = ${hex(sport!, 4)}\\s+\\|\\s+${dport} = ${hex(dport!, 4)}\\s+\\|`));
    assert.match(diagram, new RegExp(`\\|\\s+${seqRaw} = ${hex(seqRaw!, 8)}\\s+\\|`));
    assert.match(diagram, new RegExp(`\\|\\s*${Number(hdrLen) / 4}=0x${(Number(hdrLen) / 4).toString(16)}\\s*\\|`), "data offset = tcp.hdr_len / 4");
    assert.match((await page.textContent("#explain .headline")) ?? "", /^frame 1 at 0\.000 ms: /);
    // The one narrative (src/explain), as synack explain says it: the handshake step, the options.
    const said = await page.$$eval("#explain ul.narrative li", (es) => es.map((e) => e.textContent ?? ""));
    assert.equal(said[0], "Step 1 of the three-way handshake: the client asks to open a connection.");
    assert.ok(said.includes("option: MSS 1460 — maximum segment size: the largest payload the sender wants to receive in one segment (RFC 9293 §3.7.1)"), said.join("\n"));
    await shot(page, "explain");
    // A packet with payload: the bytes primer, one row per byte, as tshark's tcp.payload has them.
    await page.click("#packet-list .row[data-index='3']");
    await page.waitForSelector("#explain table.primer tbody tr");
    const payload = tsharkFields(SSH_DUPS, 4, ["tcp.payload"])[0]!.replace(/:/g, "");
    const primer = await page.$$eval("#explain table.primer tbody tr", (es) => es.map((e) => [...e.children].map((c) => c.textContent ?? "")));
    assert.equal(primer.length, Math.min(64, payload.length / 2));
    primer.forEach((r, k) => {
      const b = parseInt(payload.slice(2 * k, 2 * k + 2), 16);
      assert.deepEqual(r.slice(0, 5), [String(k), b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : r[1]!, String(b),
        "0x" + b.toString(16).padStart(2, "0"), b.toString(2).padStart(8, "0")], `byte ${k}`);
    });
    const said4 = await page.$$eval("#explain ul.narrative li", (es) => es.map((e) => e.textContent ?? ""));
    assert.ok(said4.includes(`data: 21 bytes, the first 16: "SSH-2.0-OpenSSH_…" = ${[..."SSH-2.0-OpenSSH_"].map((c) => "0x" + c.charCodeAt(0).toString(16)).join(" ")} …`), said4.join("\n"));
    await page.locator("#explain table.primer").scrollIntoViewIfNeeded();
    await shot(page, "explain-primer");
    await page.click("#tab-conversations");
    await page.waitForSelector("#conversations tbody tr");
    assert.equal(await page.$$eval("#conversations tbody tr", (es) => es.length), 1);
    await page.click("#tab-expert");
    await page.waitForSelector("#expert tbody tr");
    const rows = await page.$$eval("#expert tbody tr", (es) => es.map((e) => [...e.children].map((c) => c.textContent ?? "")));
    const dup = rows.find((r) => r[2] === "tcp.analysis.duplicate_ack");
    assert.equal(dup?.[3], String(tsharkFilterCount(SSH_DUPS, "tcp.analysis.duplicate_ack")));
    await shot(page, "expert");
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
  });
});

/** Segments drawn in the ladder: arrows plus the segments inside folded runs. */
async function ladderSegments(page: Page): Promise<number> {
  type El = { classList: { contains(c: string): boolean }; getAttribute(n: string): string | null };
  return page.$$eval("#ladder .arrow, #ladder .run:not(.expanded)", (es) => (es as unknown as El[])
    .reduce((n, e) => n + (e.classList.contains("run") ? Number(e.getAttribute("data-count")) : 1), 0));
}

suite("web/ui ladder runs in chromium", () => {
  let ctx: BrowserContext;
  let closeBrowser: () => Promise<void>;
  const TLS = join(CAPTURES, "ndpi", "tls_change_cipher.pcap");
  before(async () => { const b = await launch(); ctx = b.browser; closeBrowser = b.close; });
  after(async () => { await closeBrowser(); });

  test("a run of plain data is folded; a click opens it, its arrows select packets, a click folds it", async () => {
    const { server, page, errors } = await openUi(ctx, { file: TLS });
    try {
      await loadedCount(page);
      await page.click("#packet-list .row[data-index='0']");
      await page.click("#tab-ladder");
      await page.waitForSelector("#ladder svg");
      const want = tsharkFilterCount(TLS, "tcp.stream == 0");
      assert.equal(await ladderSegments(page), want);
      const folded = await page.$$eval("#ladder .run:not(.expanded)", (es) => es.length);
      assert.equal(folded, 1, "the long run of client data is one band");
      const arrowsFolded = await page.$$eval("#ladder .arrow", (es) => es.length);
      assert.ok(arrowsFolded < want);
      await shot(page, "ladder-run-folded");
      await page.click("#ladder .run:not(.expanded)");
      await page.waitForSelector("#ladder .run.expanded");
      assert.equal(await page.$$eval("#ladder .arrow", (es) => es.length), want, "every segment drawn once opened");
      await page.click("#ladder .arrow[data-index='7'] .label");
      await page.waitForSelector("#packet-list .row.selected[data-index='7']");
      await page.waitForSelector("#ladder .arrow.selected[data-index='7']");
      await shot(page, "ladder-run-open");
      await page.click("#ladder .run.expanded text");
      await page.waitForSelector("#ladder .run:not(.expanded)");
      assert.equal(await page.$$eval("#ladder .arrow", (es) => es.length), arrowsFolded);
      assert.deepEqual(errors, []);
    } finally {
      await page.close(); await server.close();
    }
  });
});

/** Values of `fields` for one frame (or the first frame passing `filter`), from tshark. */
function tsharkFields(file: string, frame: number | undefined, fields: string[], filter?: string): string[] {
  const args = ["-n", "-r", file, "-T", "fields", ...fields.flatMap((f) => ["-e", f])];
  if (frame !== undefined) args.push("-Y", `frame.number == ${frame}`);
  else if (filter !== undefined) args.push("-Y", filter);
  const out = execFileSync("tshark", args, { env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" }, encoding: "utf8" });
  return out.split("\n")[0]!.split("\t");
}

/** Ethernet + IPv4 + TCP frame carrying `payload` from 10.0.0.1:40000 to 10.0.0.2:80. */
function frame(seq: number, ack: number, flags: number, payload: Uint8Array, fromClient: boolean): Uint8Array {
  const b = new Uint8Array(54 + payload.length);
  const dv = new DataView(b.buffer);
  b.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], 0);
  dv.setUint16(12, 0x0800);
  dv.setUint8(14, 0x45); dv.setUint16(16, 40 + payload.length); dv.setUint8(22, 64); dv.setUint8(23, 6);
  const [a, c] = fromClient ? [[10, 0, 0, 1], [10, 0, 0, 2]] : [[10, 0, 0, 2], [10, 0, 0, 1]];
  b.set(a, 26); b.set(c, 30);
  dv.setUint16(34, fromClient ? 40000 : 80); dv.setUint16(36, fromClient ? 80 : 40000);
  dv.setUint32(38, seq); dv.setUint32(42, ack); dv.setUint8(46, 0x50); dv.setUint8(47, flags); dv.setUint16(48, 65535);
  b.set(payload, 54);
  return b;
}

suite("web/ui: hostile captures in chromium", () => {
  let ctx: BrowserContext;
  let closeBrowser: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), "synack-xss-"));
  before(async () => { const b = await launch(); ctx = b.browser; closeBrowser = b.close; });
  after(async () => { await closeBrowser(); rmSync(dir, { recursive: true, force: true }); });

  test("markup in the payload renders inert: no dialog, no script, no image", async () => {
    const evil = new TextEncoder().encode(`<script>alert("xss")</script><img src=x onerror="alert('img');window.__xss=1">`);
    const w = new PcapWriter({ linkType: 1 });
    w.header();
    const recs: Array<[number, number, number, Uint8Array, boolean]> = [
      [1000, 0, 0x02, new Uint8Array(0), true], [5000, 1001, 0x12, new Uint8Array(0), false],
      [1001, 5001, 0x10, new Uint8Array(0), true], [1001, 5001, 0x18, evil, true],
      [5001, 1001 + evil.length, 0x18, evil, false],
    ];
    recs.forEach(([s, a, f, p, c], k) => { const bytes = frame(s, a, f, p, c); w.add({ tsSec: 1_700_000_000, tsNsec: k * 1000, originalLength: bytes.length, bytes }); });
    const file = join(dir, "xss.pcap");
    writeFileSync(file, w.take());
    const { server, page, dialogs, errors } = await openUi(ctx);
    try {
      // The upload path (same as drag & drop): the page reads the file itself.
      await page.setInputFiles("#file-input", file);
      assert.equal(await loadedCount(page), 5);
      await page.click("#packet-list .row[data-index='3']");
      await page.waitForSelector("#bytes .byte");
      await page.click("#tab-explain");
      await page.waitForSelector("#explain .primer");
      await page.click("#details .node:text-matches('^.?Transmission')");
      await page.click("#details .node:text-matches('TCP payload')");
      const ascii = await page.$$eval("#bytes .ascii .byte.hl", (es) => es.map((e) => e.textContent).join(""));
      assert.ok(ascii.startsWith("<script>alert("), ascii);
      const injected = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
        return { scripts: d.querySelectorAll("#root script").length, imgs: d.querySelectorAll("img").length,
          flag: (globalThis as unknown as { __xss?: number }).__xss ?? 0 };
      });
      assert.deepEqual(injected, { scripts: 0, imgs: 0, flag: 0 });
      await shot(page, "xss-inert");
      assert.deepEqual(dialogs, []);
      assert.deepEqual(errors, []);

      // A file that is not a capture: an error banner, the page keeps working.
      const junk = join(dir, "notes.txt");
      writeFileSync(junk, "<b>not a capture</b>\n".repeat(10));
      await page.setInputFiles("#file-input", junk);
      await page.waitForSelector("#error-banner");
      assert.match((await page.textContent("#error-banner")) ?? "", /notes\.txt: .*/);
      await shot(page, "not-a-capture");
      assert.deepEqual(errors, []);
    } finally {
      await page.close(); await server.close();
    }
  });
});
