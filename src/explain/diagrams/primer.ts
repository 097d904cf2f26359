/** The bytes primer: each payload byte as character, decimal, hex and 8 bits, the way the seed
 *  article teaches it (`A` = 65 = 0x41 = 01000001), with the reason when a byte is not
 *  printable text. Allocates per byte shown: explain output only (STYLE §5). */
import { bitString, hexString } from "./header.js";

/** One payload byte in every notation. */
export interface PrimerRow {
  /** Position in the payload (0-based). */
  index: number;
  /** The character for printable ASCII (0x20–0x7e), else an escape such as `\n` or `\xff`. */
  char: string;
  decimal: number;
  /** `0x41`. */
  hex: string;
  /** `01000001`, most significant bit first. */
  bits: string;
  printable: boolean;
  /** Why the byte is not printable text; undefined when it is. */
  note: string | undefined;
}

/** A primer of the first bytes of a payload. */
export interface BytesPrimer {
  rows: PrimerRow[];
  /** Payload length in bytes. */
  total: number;
  /** Bytes not shown (total − rows.length). */
  omitted: number;
  /** Every shown byte is printable ASCII. */
  allPrintable: boolean;
}

/** Rows shown by default; the rest of a long payload is counted, not listed. */
export const PRIMER_MAX_ROWS = 64;

/** Names of the C0 control characters (ASCII 0–31). */
const CONTROL_NAMES: readonly string[] = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF",
  "VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
  "FS", "GS", "RS", "US"];
const ESCAPES: Readonly<Record<number, string>> = { 0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r" };
const LONG_NAMES: Readonly<Record<number, string>> = { 0: "null byte", 9: "tab", 10: "line feed",
  13: "carriage return", 27: "escape" };

/** One byte in every notation. */
export function primerRow(b: number, index: number): PrimerRow {
  const printable = b >= 0x20 && b <= 0x7e;
  let char: string, note: string | undefined;
  if (printable) { char = String.fromCharCode(b); note = undefined; }
  else if (b < 0x20) {
    char = ESCAPES[b] ?? `\\x${b.toString(16).padStart(2, "0")}`;
    note = `${CONTROL_NAMES[b]} control character${LONG_NAMES[b] ? ` (${LONG_NAMES[b]})` : ""}`;
  } else if (b === 0x7f) { char = "\\x7f"; note = "DEL control character"; }
  else { char = `\\x${b.toString(16)}`; note = "not ASCII (> 127): UTF-8 or binary"; }
  return { index, char, decimal: b, hex: hexString(b, 2), bits: bitString(b, 8), printable, note };
}

/** The primer of `payload`, at most `maxRows` rows (default 64). */
export function bytesPrimer(payload: Uint8Array, maxRows = PRIMER_MAX_ROWS): BytesPrimer {
  const n = Math.min(payload.length, Math.max(0, maxRows));
  const rows: PrimerRow[] = [];
  let allPrintable = true;
  for (let i = 0; i < n; i++) {
    const r = primerRow(payload[i]!, i);
    if (!r.printable) allPrintable = false;
    rows.push(r);
  }
  return { rows, total: payload.length, omitted: payload.length - n, allPrintable };
}

/** The primer as text lines, one byte per line: `   0  'A' =  65 = 0x41 = 01000001`. */
export function renderBytesPrimer(p: BytesPrimer): string[] {
  if (p.total === 0) return ["No payload: this segment carries no data bytes."];
  const out: string[] = [`Payload: ${p.total} byte${p.total === 1 ? "" : "s"}` +
    (p.allPrintable ? `, as ASCII text: "${p.rows.map((r) => r.char).join("")}"${p.omitted > 0 ? "…" : ""}` : "")];
  const w = String(Math.max(0, p.rows.length - 1)).length;
  out.push(`  ${"#".padStart(w)}  char   dec    hex   bits`);
  for (const r of p.rows) {
    const shown = r.printable ? `'${r.char}'` : ".";
    const esc = r.printable ? "" : ` ${r.char}`;
    out.push(`  ${String(r.index).padStart(w)}  ${shown.padEnd(4)} = ${String(r.decimal).padStart(3)} = ${r.hex} = ${r.bits}` +
      (r.note === undefined ? "" : `  ${esc.trim()}: ${r.note}`));
  }
  if (p.omitted > 0) out.push(`  … ${p.omitted} more byte${p.omitted === 1 ? "" : "s"} not shown`);
  if (!p.allPrintable) out.push("  '.' marks a byte that is not printable ASCII text (0x20–0x7e).");
  return out;
}
