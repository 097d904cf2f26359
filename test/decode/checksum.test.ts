/** Checksum verification against tshark 4.0.17 with `-o tcp.check_checksum:TRUE` on every corpus TCP frame
 *  (goldens in checksum-status.tsv, produced by tshark; the command is in its first line). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DecodedFrame, FrameDecoder, TcpField, verifyTcpChecksum } from "../../src/decode/index.js";
import { REPO_ROOT, sharedDir } from "../support/paths.js";
import { readCaptureFile } from "./corpus-compare.js";

test("checksum: tcp.checksum.status equals tshark's on every corpus TCP frame", () => {
  const want = new Map<string, Map<number, string>>();
  for (const line of readFileSync(join(REPO_ROOT, "test", "decode", "checksum-status.tsv"), "utf8").split("\n")) {
    if (line === "" || line.startsWith("#") || line.startsWith("file\t")) continue;
    const [file, frame, status] = line.split("\t");
    let m = want.get(file!);
    if (m === undefined) want.set(file!, m = new Map());
    m.set(Number(frame), status ?? "");
  }
  const dir = join(sharedDir(), "captures");
  const bad: string[] = [];
  let equal = 0, total = 0;
  for (const [file, frames] of want) {
    const dec = new FrameDecoder(), f = new DecodedFrame();
    for (const r of readCaptureFile(join(dir, file))) {
      dec.decode(r.linkType, r.bytes, r.originalLength, r.index, f);
      const w = frames.get(r.index);
      if (w === undefined) continue;
      const got: number[] = [];
      for (let i = 0; i < f.tcpCount; i++) if ((f.tcp[i]!.fields & TcpField.checksumStatus) !== 0) got.push(verifyTcpChecksum(f, i));
      total++;
      if (got.join(",") === w) equal++; else bad.push(`${file} frame ${r.index}: want ${w} got ${got.join(",")}`);
    }
  }
  process.stdout.write(`# checksum status: ${equal}/${total}\n`);
  assert.deepEqual(bad.slice(0, 20), []);
});
