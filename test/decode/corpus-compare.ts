/** Shared by the corpus test: decode every frame of every reference capture and compare the decode
 *  fields with tshark 4.0.17's `.tshark.tsv`. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { readCaptureBytes, type CaptureRecord } from "../../src/capture/index.js";
import { DecodedFrame, FrameDecoder, TcpField, tcpFlagsHex } from "../../src/decode/index.js";

/** Every record src/capture reads from the file at `path` (1-based `index` = tshark's frame number);
 *  none when the file is refused. */
export function readCaptureFile(path: string): CaptureRecord[] {
  const buf = readFileSync(path);
  try {
    return readCaptureBytes(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)).records;
  } catch {
    return [];
  }
}

/** The compared columns (named as in the .tsv header). */
export const FIELDS = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.seq_raw",
  "tcp.ack_raw", "tcp.len", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value"] as const;
/** A compared column, or `tcp` for "tshark shows a TCP row on this frame". */
export type Field = (typeof FIELDS)[number] | "tcp";

/** One disagreement. */
export interface Mismatch { file: string; frame: number; field: Field; want: string; got: string }
/** Totals per field: cells compared and cells equal. */
export interface Tally { frames: number; framesEqual: number; cells: Record<string, { total: number; equal: number }> }

/** Every `*.tshark.tsv` under `dir`, as paths relative to `dir` without the suffix. */
export function referenceCaptures(dir: string): string[] {
  const out: string[] = [];
  (function walk(d: string): void {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".tshark.tsv")) out.push(relative(dir, p).slice(0, -".tshark.tsv".length));
    }
  })(dir);
  return out;
}

/** The value of each compared field for the decoded frame, all occurrences joined by "," (outermost first). */
export function fieldsOf(f: DecodedFrame): Record<Exclude<Field, "tcp">, string> {
  const v4s: string[] = [], v4d: string[] = [], v6s: string[] = [], v6d: string[] = [];
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    if (l.version === 4) { v4s.push(l.srcText); v4d.push(l.dstText); } else { v6s.push(l.srcText); v6d.push(l.dstText); }
  }
  const col = (bit: number, get: (i: number) => string): string => {
    const xs: string[] = [];
    for (let i = 0; i < f.tcpCount; i++) if ((f.tcp[i]!.fields & bit) !== 0) xs.push(get(i));
    return xs.join(",");
  };
  return {
    "ip.src": v4s.join(","), "ip.dst": v4d.join(","), "ipv6.src": v6s.join(","), "ipv6.dst": v6d.join(","),
    "tcp.srcport": col(TcpField.ports, (i) => String(f.tcp[i]!.srcPort)),
    "tcp.dstport": col(TcpField.ports, (i) => String(f.tcp[i]!.dstPort)),
    "tcp.seq_raw": col(TcpField.seqRaw, (i) => String(f.tcp[i]!.seqRaw)),
    "tcp.ack_raw": col(TcpField.ackRaw, (i) => String(f.tcp[i]!.ackRaw)),
    "tcp.len": col(TcpField.len, (i) => String(f.tcp[i]!.seglen)),
    "tcp.hdr_len": col(TcpField.hdrLen, (i) => String(f.tcp[i]!.headerLength)),
    "tcp.flags": col(TcpField.flags, (i) => tcpFlagsHex(f.tcp[i]!.flags)),
    "tcp.window_size_value": col(TcpField.window, (i) => String(f.tcp[i]!.windowRaw)),
  };
}

/** Compares one capture; `file` is relative to `dir`. Files tshark refused (exit status 2) are skipped. */
export function compareCapture(dir: string, file: string, mismatches: Mismatch[], tally: Tally): void {
  const errPath = join(dir, file + ".tshark.err");
  if (existsSync(errPath) && /# tshark exit status: 2/.test(readFileSync(errPath, "utf8"))) return;
  const lines = readFileSync(join(dir, file + ".tshark.tsv"), "utf8").split("\n").filter((l) => l.length > 0);
  const header = (lines[0] ?? "").split("\t");
  const rows = new Map<number, string[]>();
  for (const line of lines.slice(1)) {
    const cells = line.split("\t");
    rows.set(Number(cells[0]), cells);
  }
  const col = new Map(header.map((h, i) => [h, i] as const));
  const records = readCaptureFile(join(dir, file));
  const dec = new FrameDecoder();
  const frame = new DecodedFrame();
  for (const r of records) {
    const n = r.index;
    dec.decode(r.linkType, r.bytes, r.originalLength, n, frame);
    const row = rows.get(n);
    tally.frames++;
    if (row === undefined) {
      if (frame.tcpCount > 0) mismatches.push({ file, frame: n, field: "tcp", want: "absent", got: "present" });
      else tally.framesEqual++;
      continue;
    }
    if (frame.tcpCount === 0) {
      mismatches.push({ file, frame: n, field: "tcp", want: "present", got: "absent" });
      continue;
    }
    const got = fieldsOf(frame);
    let equal = true;
    for (const name of FIELDS) {
      const want = row[col.get(name) ?? -1] ?? "";
      const c = (tally.cells[name] ??= { total: 0, equal: 0 });
      c.total++;
      if (want === got[name]) c.equal++;
      else { equal = false; mismatches.push({ file, frame: n, field: name, want, got: got[name] }); }
    }
    if (equal) tally.framesEqual++;
  }
  const seen = new Set(records.map((r) => r.index));
  for (const n of rows.keys()) {
    if (!seen.has(n)) mismatches.push({ file, frame: n, field: "tcp", want: "present", got: "frame not read" });
  }
}
