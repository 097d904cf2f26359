/** runReadOutput: -c stops after N frames read (as tshark 4.0 counts), -w writes the displayed frames
 *  (read back: same bytes, lengths and times), the progress line only on a TTY for a large file,
 *  -T json / ndjson framing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture, type CaptureRecord } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";
import { Progress, runReadOutput, tcpOnly } from "../../src/cli/commands/read-output.js";
import { CAPTURES, tshark } from "../diff/summary-compare.js";

const KAKAO = join(CAPTURES, "public/ndpi/KakaoTalk_chat.pcap");
const quiet = { isTTY: false, write: () => true };

async function records(path: string): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const r of readCapture(openCaptureFile(path)).records()) out.push({ ...r, bytes: r.bytes.slice() });
  return out;
}

async function run(o: Parameters<typeof runReadOutput>[0]): Promise<string> {
  let s = "";
  await runReadOutput({ progressStream: quiet, write: (x) => { s += x; }, ...o });
  return s;
}

test("-c N stops after N frames read, like tshark 4.0", async () => {
  const want = await tshark(["-n", "-r", KAKAO, "-d", "tcp.port==1-65535,data", "-Y", "tcp", "-c", "25"]);
  const got = await run({ path: KAKAO, filter: tcpOnly, count: 25 });
  assert.equal(got.split("\n").filter((l) => l !== "").length, want.split("\n").filter((l) => l !== "").length);
  assert.equal(await run({ path: KAKAO, count: 3 }).then((s) => s.split("\n").length - 1), 3);
});

for (const ext of ["pcapng", "pcap"]) {
  test(`-w ${ext}: the frames passing the filter are written and read back identical`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "synack-w-"));
    try {
      const out = join(dir, `out.${ext}`);
      const filter = tcpOnly;
      await run({ path: KAKAO, filter, writePath: out });
      const all = await records(KAKAO);
      const back = await records(out);
      let shown = "";
      await runReadOutput({ path: KAKAO, filter, progressStream: quiet, write: (s) => { shown += s; } });
      const numbers = shown.split("\n").filter((l) => l !== "").map((l) => Number(/^\s*(\d+)/.exec(l)![1]));
      assert.equal(back.length, numbers.length);
      assert.ok(back.length > 0 && back.length < all.length, "the filter dropped some frames");
      for (let i = 0; i < back.length; i++) {
        const src = all[numbers[i]! - 1]!, got = back[i]!;
        assert.deepEqual(got.bytes, src.bytes, `frame ${numbers[i]}`);
        assert.equal(got.originalLength, src.originalLength);
        assert.equal(got.linkType, src.linkType);
        assert.equal(got.tsSec, src.tsSec);
        assert.equal(got.tsNsec, src.tsNsec);
      }
      // And tshark reads our file with the same frame count.
      const lines = (await tshark(["-n", "-r", out])).split("\n").filter((l) => l !== "");
      assert.equal(lines.length, back.length);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test("progress line: only on a TTY, only for a large file, cleared at the end", async () => {
  const tty = { isTTY: true, lines: [] as string[], write(s: string) { this.lines.push(s); return true; } };
  const pipe = { isTTY: false, lines: [] as string[], write(s: string) { this.lines.push(s); return true; } };
  await runReadOutput({ path: KAKAO, write: () => {}, progressStream: tty, progressMinBytes: 1 });
  await runReadOutput({ path: KAKAO, write: () => {}, progressStream: pipe, progressMinBytes: 1 });
  assert.deepEqual(pipe.lines, []);
  assert.ok(tty.lines.length >= 2, "drawn and cleared");
  assert.match(tty.lines[0]!, /^\r *\d+% \d+ frames$/);
  assert.equal(tty.lines.at(-1), "\r\x1b[K");
  const small = new Progress(1000, { isTTY: true, write: () => true });
  assert.equal(small.enabled, false, "small files get no progress line");
});

test("-T json is an array (empty: []), -T ndjson one object a line", async () => {
  const json = await run({ path: KAKAO, filter: tcpOnly, format: "json", count: 60 });
  const arr = JSON.parse(json) as Array<{ _source: { layers: Record<string, unknown> } }>;
  assert.ok(arr.length > 5);
  assert.ok("tcp" in arr[0]!._source.layers);
  assert.equal(await run({ path: KAKAO, filter: () => false, format: "json" }), "[]\n");
  const nd = (await run({ path: KAKAO, filter: tcpOnly, format: "ndjson", count: 60 })).trim().split("\n");
  assert.equal(nd.length, arr.length);
  for (const l of nd) assert.equal(typeof (JSON.parse(l) as Record<string, unknown>)["tcp.srcport"], "number");
});

test("a file that is not a capture: one-line error, exit status 2", async () => {
  await assert.rejects(run({ path: join(CAPTURES, "MANIFEST.tsv") }), (e: { exitCode?: number; message: string }) =>
    e.exitCode === 2 && !e.message.includes("\n"));
  await assert.rejects(run({ path: "/nonexistent/x.pcap" }), (e: { exitCode?: number }) => e.exitCode === 2);
});

test("-V frame.time_delta: the gap to the previous captured frame, as tshark prints it", async () => {
  // The caller reuses one record object for every frame: the previous frame's time must be kept apart.
  const file = join(CAPTURES, "public/tcpdump/of10_pf5240.pcap");
  const pick = (s: string): string[] => s.split("\n").filter((l) => l.includes("Time delta from previous captured frame"));
  const want = pick(await tshark(["-n", "-r", file, "-V"]));
  const got = pick(await run({ path: file, details: true }));
  assert.ok(want.length > 40 && want.some((l) => !l.includes(" 0.000000000 ")));
  assert.deepEqual(got, want);
});
