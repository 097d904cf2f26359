/** Header diagram and bytes primer: the right numbers in the right rows, checked against values
 *  computed by hand from the segment bytes in streams.ts. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesPrimer, renderBytesPrimer, tcpHeaderDiagram, tcpHeaderModel, ROW_RULE } from "../../../src/explain/index.js";
import { ARTICLE, C_ISN, frameOf, SERVER } from "./streams.js";

/** The diagram's rows: the lines between consecutive rule lines. */
function rows(lines: string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const l of lines) {
    if (l === ROW_RULE) { if (cur !== undefined) out.push(cur); cur = []; continue; }
    if (cur !== undefined && l.startsWith("|")) cur.push(l);
    else if (cur !== undefined) { cur = undefined; }
  }
  return out;
}

const SYN_FRAME = frameOf(ARTICLE[0]!); // IPv4 header of 20 bytes, then TCP
const CTX = { relative: true, seq: 0, ack: 0, seqBase: C_ISN, ackBase: 0 };

test("header: the bit ruler and 32-bit rows fit 80 columns", () => {
  const lines = tcpHeaderDiagram(SYN_FRAME, 20, CTX);
  assert.match(lines[0]!, /^ 0 {19}1 {19}2 {19}3$/);
  assert.equal(lines[1], " 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1");
  for (const l of lines) assert.ok(l.length <= 80, `too wide: ${l}`);
  // 5 fixed rows + 5 option rows (20 option bytes).
  assert.equal(rows(lines).length, 10);
});

test("header: ports in row 1, raw and relative seq in row 2, data offset and flags in row 4", () => {
  const r = rows(tcpHeaderDiagram(SYN_FRAME, 20, CTX));
  const text = (i: number): string => r[i]!.join("\n");
  // 54321 = 0xd431 = 11010100 00110001; 20000 = 0x4e20.
  assert.match(text(0), /Source Port/);
  assert.match(text(0), /54321 = 0xd431/);
  assert.match(text(0), /11010100 00110001/);
  assert.match(text(0), new RegExp(`${SERVER.port} = 0x4e20`));
  // C_ISN 1234567890 = 0x499602d2.
  assert.match(text(1), /Sequence Number/);
  assert.match(text(1), /1234567890 = 0x499602d2/);
  assert.match(text(1), /01001001 10010110 00000010 11010010/);
  assert.match(text(1), /relative 0/);
  assert.match(text(2), /Acknowledgment Number/);
  assert.match(text(2), /ACK flag clear/);
  // Data offset 10 words = 40 bytes; SYN is the only flag: the flag column reads 0 0 0 0 0 0 1 0.
  assert.match(text(3), /10=0xa/);
  assert.match(text(3), /\b1010\b/);
  assert.match(text(3), /40 B/);
  assert.match(text(3), /\|C\|E\|U\|A\|P\|R\|S\|F\|/);
  assert.match(text(3), /\|0\|0\|0\|0\|0\|0\|1\|0\|/);
  assert.match(text(3), /65495 = 0xffd7/); // window
  assert.match(text(4), /Checksum/);
  assert.match(text(4), /Urgent Pointer/);
});

test("header: options decoded below the option rows", () => {
  const lines = tcpHeaderDiagram(SYN_FRAME, 20, CTX);
  const r = rows(lines);
  assert.match(r[5]!.join("\n"), /MSS value/);
  assert.match(r[5]!.join("\n"), /65495 = 0xffd7/);
  assert.match(r[7]!.join("\n"), /TSval/);
  assert.match(r[7]!.join("\n"), /123456 = 0x0001e240/);
  const after = lines.slice(lines.indexOf("Options:")).join("\n");
  assert.match(after, /MSS \(kind 2\) 65495/);
  assert.match(after, /SACK_PERM \(kind 4\)/);
  assert.match(after, /TSval 123456 TSecr 0/);
  assert.match(after, /WS \(kind 3\) shift 7 = ×128/);
  assert.match(after, /Flags 0x002 = 000000000010: SYN/);
});

test("header: relative ack and the window scale from the analysis; ACK set", () => {
  const f = frameOf(ARTICLE[3]!); // PSH,ACK with AB
  const m = tcpHeaderModel(f, 20, { relative: true, seq: 1, ack: 1, seqBase: C_ISN, ackBase: 3000000000, windowSize: 65536, scaleFactor: 128 });
  assert.equal(m.rows.length, 5);
  assert.equal(m.rows[1]!.cells[0]!.value, C_ISN + 1);
  assert.equal(m.rows[2]!.cells[0]!.value, 3000000001);
  assert.ok(m.rows[2]!.cells[0]!.lines.some((l) => l.includes("relative 1")));
  const flags = m.rows[3]!.cells.filter((c) => c.bits === 1).map((c) => `${c.name}=${c.value}`);
  assert.deepEqual(flags, ["CWR=0", "ECE=0", "URG=0", "ACK=1", "PSH=1", "RST=0", "SYN=0", "FIN=0"]);
  assert.ok(m.rows[3]!.cells.at(-1)!.lines.some((l) => l === "×128 = 65536 bytes"));
});

test("header: a cut header says what is missing and never throws", () => {
  const f = frameOf(ARTICLE[0]!).subarray(0, 20 + 10);
  const lines = tcpHeaderDiagram(f, 20);
  assert.match(lines.join("\n"), /54321 = 0xd431/);
  assert.match(lines.join("\n"), /not captured/);
  assert.match(lines.join("\n"), /Only 10 of the 20 fixed header bytes/);
});

test("primer: AB is 65 = 0x41 = 01000001 and 66 = 0x42 = 01000010", () => {
  const p = bytesPrimer(new TextEncoder().encode("AB"));
  assert.deepEqual(p.rows.map((r) => [r.index, r.char, r.decimal, r.hex, r.bits]),
    [[0, "A", 65, "0x41", "01000001"], [1, "B", 66, "0x42", "01000010"]]);
  assert.equal(p.allPrintable, true);
  const text = renderBytesPrimer(p).join("\n");
  assert.match(text, /'A' += +65 = 0x41 = 01000001/);
  assert.match(text, /as ASCII text: "AB"/);
});

test("primer: non-printable bytes are escaped with the reason", () => {
  const p = bytesPrimer(new Uint8Array([0x0a, 0x00, 0x7f, 0xc3]));
  assert.deepEqual(p.rows.map((r) => r.char), ["\\n", "\\0", "\\x7f", "\\xc3"]);
  assert.ok(p.rows.every((r) => !r.printable && r.note !== undefined));
  assert.match(p.rows[0]!.note!, /LF.*line feed/);
  assert.match(p.rows[3]!.note!, /not ASCII/);
  const text = renderBytesPrimer(p);
  assert.match(text.join("\n"), /'\.' marks a byte that is not printable/);
  for (const l of text) assert.ok(l.length <= 80, l);
});

test("primer: a long payload is cut with a count", () => {
  const p = bytesPrimer(new Uint8Array(1000).fill(0x42));
  assert.equal(p.rows.length, 64);
  assert.equal(p.omitted, 936);
  assert.match(renderBytesPrimer(p).at(-1)!, /936 more bytes not shown/);
  assert.match(renderBytesPrimer(bytesPrimer(new Uint8Array(0)))[0]!, /No payload/);
});
