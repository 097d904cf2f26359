/** Acceptance of issue 15's web part, in a real Chromium: the details pane of a frame is
 *  `synack read -V`'s tree for that frame, node for node (text and depth), on captures of
 *  different link types (Ethernet with IP reassembly, Linux SLL, raw IP, a Geneve tunnel, pcapng
 *  with interface lines); and a click on any node lights exactly its bytes in the bytes pane
 *  (its data source's tab, offset and length; generated nodes light nothing). */
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { buildDetailsTree, CaptureSession, dataSources, type TreeNode } from "../../src/tshark/index.js";
import { launch, loadedCount, openUi, shot } from "./harness.js";
import { CLI, sharedDir } from "../support/paths.js";

const PUBLIC = join(sharedDir(), "captures", "public");
/** Capture, frames to check, what it covers. */
const CASES: Array<[file: string, frames: number[], what: string]> = [
  ["pcapplusplus/ExamplesTest__pcap_examples__frag_http_req.pcap", [1, 11], "Ethernet; frame 11 reassembles IPv4 (data source 1)"],
  ["tcpdump/tcp-handshake-nano.pcap", [1, 3], "Linux SLL, ns timestamps"],
  ["zeek/rotation.pcap", [1, 3], "raw IP"],
  ["libpcap/filter__geneve.pcap", [1, 3, 6], "Geneve tunnel (frame 1: ICMP, no TCP)"],
  ["pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng", [2], "pcapng: section and interface lines"],
];

/** One line of the tree: depth and text. */
type Line = [depth: number, label: string];

/** `synack read -V` of frame `n`: its tree lines (the Data items' hex dumps are not nodes). */
function cliTree(file: string, n: number): Line[] {
  const out = execFileSync(process.execPath, [CLI, "read", "-r", file, "-V", "-c", String(n)], { encoding: "utf8", maxBuffer: 1 << 26 });
  const frames: Line[][] = [];
  let cur: Line[] = [];
  for (const raw of out.split("\n")) {
    if (raw === "" || /^[0-9a-f]{4,8} {2}[0-9a-f]{2}/.test(raw)) continue;
    const depth = (raw.length - raw.trimStart().length) / 4;
    const label = raw.slice(depth * 4);
    // A frame starts at its packet comments, else at its Frame line.
    if (depth === 0 && (label === "Packet comments" || (/^Frame \d+: /.test(label) && cur.some(([d, l]) => d === 0 && l.startsWith("Frame "))))) {
      frames.push(cur); cur = [];
    }
    cur.push([depth, label]);
  }
  frames.push(cur);
  return frames[frames.length - 1]!;
}

/** Our tree of frame `n`, in process (the same session loop and tree), visible nodes in order. */
async function ourTree(file: string, n: number): Promise<{ nodes: Array<TreeNode & { depth: number }>; sources: Uint8Array[] }> {
  const s = new CaptureSession();
  const reader = readCapture(openCaptureFile(file));
  for await (const rec of reader.records()) {
    s.step(rec, reader.info);
    if (rec.index !== n) continue;
    const nodes: Array<TreeNode & { depth: number }> = [];
    const walk = (ns: readonly TreeNode[], depth: number): void => {
      for (const x of ns) {
        if (x.hidden === true) continue;
        nodes.push({ ...x, depth });
        walk(x.children, depth + 1);
      }
    };
    walk(buildDetailsTree(s), 0);
    return { nodes, sources: dataSources(s.frame).map((d) => d.bytes.slice()) };
  }
  throw new Error(`${file} has no frame ${n}`);
}

type El = { getAttribute(n: string): string | null; textContent: string | null; firstElementChild: { textContent: string | null } | null; click(): void };
type Doc = { document: { querySelectorAll(s: string): ArrayLike<El>; querySelector(s: string): El | null } };

/** The pane's nodes as shown (all expanded): depth and text without the twisty. */
async function paneTree(page: Page): Promise<Line[]> {
  return page.$$eval("#details .node", (es) => (es as unknown as El[]).map((e) =>
    [Number(e.getAttribute("data-depth")), (e.textContent ?? "").slice((e.firstElementChild?.textContent ?? "").length)] as Line));
}

/** Clicks every node of the pane in turn (DOM clicks, in the page) and returns, per node, the
 *  bytes pane's source and the highlighted offsets with their hex text. */
async function clickEveryNode(page: Page): Promise<Array<{ source: number; at: number[]; hex: string }>> {
  return page.evaluate(async () => {
    const d = (globalThis as unknown as Doc).document;
    const out: Array<{ source: number; at: number[]; hex: string }> = [];
    const count = d.querySelectorAll("#details .node").length;
    for (let k = 0; k < count; k++) {
      d.querySelectorAll("#details .node")[k]!.click();
      await new Promise((r) => setTimeout(r, 0));
      const hl = Array.from(d.querySelectorAll("#bytes .hex .byte.hl"));
      out.push({ source: Number(d.querySelector("#bytes")?.getAttribute("data-source") ?? "-1"),
        at: hl.map((e) => Number(e.getAttribute("data-at"))), hex: hl.map((e) => e.textContent ?? "").join("") });
    }
    return out;
  });
}

suite("web/details pane = synack read -V, in chromium", () => {
  let ctx: BrowserContext;
  let closeBrowser: () => Promise<void>;
  before(async () => { const b = await launch(); ctx = b.browser; closeBrowser = b.close; });
  after(async () => { await closeBrowser(); });

  for (const [rel, frames, what] of CASES) {
    test(`${rel.split("/").pop()} (${what}): frames ${frames.join(", ")}`, async () => {
      const file = join(PUBLIC, rel);
      const { server, page, errors } = await openUi(ctx, { file });
      try {
        await loadedCount(page);
        for (const n of frames) {
          await page.click(`#packet-list .row[data-index='${n - 1}']`);
          await page.waitForFunction((no) => (globalThis as unknown as Doc).document.querySelector("#details .node")?.textContent?.includes(`Frame ${no}:`) === true, n);
          await page.click("#expand-all");
          const want = cliTree(file, n);
          const shown = await paneTree(page);
          assert.ok(want.length > 20, `frame ${n}: -V has ${want.length} lines`);
          assert.deepEqual(shown, want, `frame ${n}: the pane's nodes are -V's`);
          // Each node lights exactly its own bytes, in its own data source.
          const ours = await ourTree(file, n);
          assert.deepEqual(ours.nodes.map((x) => [x.depth, x.label]), want, `frame ${n}: the in-process tree is -V's`);
          const lit = await clickEveryNode(page);
          assert.equal(lit.length, ours.nodes.length);
          let ranged = 0;
          ours.nodes.forEach((x, k) => {
            const got = lit[k]!;
            if (x.length === 0) { assert.deepEqual(got.at, [], `frame ${n} "${x.label}": a generated node lights nothing`); return; }
            const src = ours.sources[x.source]!;
            const at: number[] = [];
            for (let o = x.offset; o < Math.min(x.offset + x.length, src.length); o++) at.push(o);
            const hex = Array.from(src.subarray(x.offset, x.offset + x.length), (b) => b.toString(16).padStart(2, "0")).join("");
            assert.deepEqual({ source: got.source, at: got.at, hex: got.hex }, { source: x.source, at, hex },
              `frame ${n} "${x.label}": source ${x.source}, bytes ${x.offset}+${x.length}`);
            ranged++;
          });
          assert.ok(ranged > 10, `frame ${n}: ${ranged} nodes with bytes`);
          if (ours.sources.length > 1) {
            assert.ok(ours.nodes.some((x) => x.source > 0 && x.length > 0), `frame ${n}: nodes in a reassembled source`);
            assert.equal(await page.$$eval("#bytes .sources button", (es) => es.length), ours.sources.length, "one tab per data source");
          }
          await shot(page, `details-${rel.split("/").pop()}-${n}`);
        }
        assert.deepEqual(errors, []);
      } finally {
        await page.close(); await server.close();
      }
    });
  }

  test("a real click: a field lights its bytes, a byte selects its field, tabs switch sources", async () => {
    const file = join(PUBLIC, CASES[0]![0]);
    const { server, page, errors } = await openUi(ctx, { file });
    try {
      await loadedCount(page);
      await page.click("#packet-list .row[data-index='10']");
      await page.waitForSelector("#details .node:text-matches('^.?Transmission Control Protocol')");
      // TCP opens by default; its Source Port lives in the reassembled datagram (source 1).
      await page.click("#details .node:text-matches('^.?Source Port: ')");
      assert.equal(await page.getAttribute("#bytes", "data-source"), "1");
      const hl = await page.$$eval("#bytes .hex .byte.hl", (es) => es.map((e) => e.textContent ?? ""));
      const sport = execFileSync("tshark", ["-n", "-r", file, "-Y", "frame.number == 11", "-T", "fields", "-e", "tcp.srcport"],
        { env: { ...process.env, WIRESHARK_CONFIG_DIR: "/nonexistent", LC_ALL: "C.UTF-8", TZ: "UTC" }, encoding: "utf8" }).trim();
      assert.deepEqual([hl.length, parseInt(hl.join(""), 16)], [2, Number(sport)]);
      // A generated node: nothing lit.
      await page.click("#details .node:text-is('[Stream index: 0]')");
      assert.equal(await page.textContent("#details .node.selected"), "[Stream index: 0]");
      assert.equal(await page.$$eval("#bytes .hex .byte.hl", (es) => es.length), 0);
      // Back to the frame's tab, a click on the first IP byte selects the IP version line.
      await page.click("#bytes .sources button[data-source='0']");
      await page.click("#bytes .hex .byte[data-at='14']");
      assert.match((await page.textContent("#details .node.selected")) ?? "", /Version: 4/);
      await shot(page, "details-reassembled-tabs");
      assert.deepEqual(errors, []);
    } finally {
      await page.close(); await server.close();
    }
  });
});
