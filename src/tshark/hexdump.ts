/** tshark 4.0's `-x` hex + ASCII dump: 16 bytes a line, offset, hex, three spaces, printable ASCII.
 *  When a frame has more than one data source (an IP datagram reassembled on this frame), each block
 *  is headed `Frame (N bytes):` / `Reassembled IPv4 (N bytes):`, as tshark prints them. */
import type { DecodedFrame } from "../decode/index.js";
import { dataSources, type DataSource } from "../fields/index.js";
export { dataSources, type DataSource };

const HEX = "0123456789abcdef";
/** Printable ASCII (0x20–0x7e) as itself, everything else as '.'. */
const ASCII: string[] = [];
for (let i = 0; i < 256; i++) ASCII.push(i >= 0x20 && i < 0x7f ? String.fromCharCode(i) : ".");
const HEXBYTE: string[] = [];
for (let i = 0; i < 256; i++) HEXBYTE.push(HEX[i >> 4]! + HEX[i & 15]!);

/** Hex digits of the offset column: 4 up to 0xffff bytes, one more per further hex digit the length needs. */
function offsetDigits(length: number): number {
  let d = 4;
  let max = 0xffff;
  while (length > max && d < 8) { d++; max = max * 16 + 15; }
  return d;
}

/** The dump lines of one block of bytes (no trailing newline on the last line). Offsets start at 0. */
export function hexDumpLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  const digits = offsetDigits(bytes.length);
  for (let at = 0; at < bytes.length; at += 16) {
    const end = Math.min(at + 16, bytes.length);
    let hex = "", ascii = "";
    for (let i = at; i < end; i++) {
      const b = bytes[i]!;
      hex += i === at ? HEXBYTE[b]! : " " + HEXBYTE[b]!;
      ascii += ASCII[b]!;
    }
    lines.push(at.toString(16).padStart(digits, "0") + "  " + hex.padEnd(47, " ") + "   " + ascii);
  }
  return lines;
}

/** The whole `-x` block for one frame, with the blank line tshark prints after it. */
export function formatHexDump(frame: DecodedFrame): string {
  const sources = dataSources(frame);
  let s = "";
  if (sources.length === 1) {
    for (const l of hexDumpLines(frame.bytes)) s += l + "\n";
  } else {
    for (const src of sources) {
      s += `${src.name} (${src.bytes.length} bytes):\n`;
      for (const l of hexDumpLines(src.bytes)) s += l + "\n";
    }
  }
  return s + "\n";
}
