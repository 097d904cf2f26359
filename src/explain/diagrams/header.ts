/** The TCP header of one packet drawn in RFC 9293 §3.1's layout: 32-bit rows under a bit ruler,
 *  each field boxed over its bit span and filled with this packet's value in decimal, hex and
 *  bits; the options decoded below. Plain text, 68 columns. Allocates: explain output, not the
 *  hot path (STYLE §5). */
import { tcpOptions, type TcpOption } from "../../decode/index.js";

/** What the analysis adds to the raw header (an `AnalysisResult` or an explain snapshot fits). */
export interface HeaderContext {
  /** Relative numbering applies; `seq`/`ack` are then raw − `seqBase`/`ackBase` (mod 2^32). */
  relative: boolean;
  seq: number;
  ack: number;
  seqBase: number;
  ackBase: number;
  /** tcp.window_size (scaled) and the multiplier: > 0 known, −1 unknown, −2 not used, 0 absent. */
  windowSize?: number;
  scaleFactor?: number;
  /** When given and false, `scaleFactor` is absent (AnalysisResult's presence flag). */
  scaleFactorPresent?: boolean;
}

/** One boxed field of a row: its width in bits and the text lines written inside it. */
export interface HeaderCell {
  /** Field name as RFC 9293 §3.1 spells it (`Source Port`, `ACK`, `Options`). */
  name: string;
  bits: number;
  /** The value (unsigned), or undefined when the bytes were not captured. */
  value: number | undefined;
  lines: string[];
}

/** One 32-bit row of the diagram (row 1 = bytes 0–3 of the header). */
export interface HeaderRow {
  /** Byte offset of the row in the TCP header. */
  offset: number;
  cells: HeaderCell[];
}

/** The header as rows of cells plus decoded options and notes; `renderHeaderDiagram` draws it. */
export interface HeaderModel {
  rows: HeaderRow[];
  /** One line per option, in wire order (`MSS 65495: …`). */
  options: string[];
  /** Remarks: the flags set, a bogus data offset, bytes the capture did not keep. */
  notes: string[];
}

/** RFC 9293 §3.1 flag letters, most significant first (CWR … FIN), and their meaning. */
const FLAG_BITS: ReadonlyArray<{ name: string; bit: number; meaning: string }> = [
  { name: "CWR", bit: 0x080, meaning: "congestion window reduced (RFC 3168)" },
  { name: "ECE", bit: 0x040, meaning: "ECN echo (RFC 3168)" },
  { name: "URG", bit: 0x020, meaning: "the urgent pointer is significant" },
  { name: "ACK", bit: 0x010, meaning: "the acknowledgment number is significant" },
  { name: "PSH", bit: 0x008, meaning: "push: hand the data to the application now" },
  { name: "RST", bit: 0x004, meaning: "reset the connection" },
  { name: "SYN", bit: 0x002, meaning: "synchronize sequence numbers (opens a direction)" },
  { name: "FIN", bit: 0x001, meaning: "no more data from the sender (closes a direction)" },
];

/** Number of bits drawn per row and columns per bit (RFC 9293 §3.1 uses 2). */
const ROW_BITS = 32;

/** `n` in binary, `width` digits, a space between bytes when `grouped`. */
export function bitString(n: number, width: number, grouped = true): string {
  const s = (n >>> 0).toString(2).padStart(width, "0").slice(-width);
  if (!grouped || width <= 8) return s;
  let out = "";
  for (let i = 0; i < s.length; i += 8) out += (i === 0 ? "" : " ") + s.slice(i, i + 8);
  return out;
}

/** `0x` + lowercase hex, `digits` wide. */
export const hexString = (n: number, digits: number): string => "0x" + (n >>> 0).toString(16).padStart(digits, "0");

const be = (b: Uint8Array, at: number, n: number, end: number): number | undefined => {
  if (at + n > end) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[at + i]!;
  return v;
};

/** A 16- or 32-bit field: name, `decimal = 0xhex`, bits, and optional extra lines. */
function wideCell(name: string, bits: number, v: number | undefined, extra: string[] = []): HeaderCell {
  if (v === undefined) return { name, bits, value: undefined, lines: [name, "(not captured)"] };
  return { name, bits, value: v, lines: [name, `${v} = ${hexString(v, bits / 4)}`, bitString(v, bits), ...extra] };
}

/** Roles whose consecutive bytes form one number. */
const MERGED = /value|TSval|TSecr|SACK left|SACK right/;

/** Short option names used in the byte cells. */
function optionShort(o: TcpOption): string {
  switch (o.type) {
    case "eol": return "EOL";
    case "nop": return "NOP";
    case "mss": return "MSS";
    case "wscale": return "WS";
    case "sack_perm": return "SACK_PERM";
    case "sack": return "SACK";
    case "timestamp": return "TS";
    case "mptcp": return "MPTCP";
    case "tfo": return "TFO";
    default: return `kind ${o.kind}`;
  }
}

/** What each option says, one line each (RFC 9293 §3.2, RFC 7323, RFC 2018). */
function optionLine(o: TcpOption): string {
  const bad = o.problem !== undefined ? ` [${o.problem}]` : "";
  switch (o.type) {
    case "eol": return "EOL (kind 0): end of the option list; the rest is padding" + bad;
    case "nop": return "NOP (kind 1): padding, aligns the next option to 32 bits" + bad;
    case "mss": return (o.value === undefined ? `MSS (kind 2, length ${o.len}, should be 4)`
      : `MSS (kind 2) ${o.value}: the largest segment payload this side will accept`) + bad;
    case "wscale": return (o.shift === undefined ? `WS (kind 3, length ${o.len}, should be 3)`
      : `WS (kind 3) shift ${o.shift} = ×${o.multiplier}: this side's later windows are multiplied by ${o.multiplier}` +
        (o.shift > 14 ? " (RFC 7323 §2.3: a shift above 14 counts as 14)" : "")) + bad;
    case "sack_perm": return "SACK_PERM (kind 4): this side can take selective acknowledgments (RFC 2018)" + bad;
    case "sack": {
      const blocks: string[] = [];
      for (let i = 0; i + 1 < o.edges.length; i += 2) blocks.push(`${o.edges[i]}-${o.edges[i + 1]}`);
      return `SACK (kind 5) ${o.count} block${o.count === 1 ? "" : "s"}: received ${blocks.join(", ") || "nothing"} (raw edges)` + bad;
    }
    case "timestamp": return (o.tsval === undefined ? `TS (kind 8, length ${o.len}, should be 10)`
      : `TS (kind 8) TSval ${o.tsval} TSecr ${o.tsecr}: sender's clock, and the last TSval it received (RFC 7323 §3)`) + bad;
    case "mptcp": return `MPTCP (kind 30) subtype ${o.subtype ?? "?"}, ${o.len} bytes (RFC 8684)` + bad;
    case "tfo": return (o.len === 2 ? "TFO (kind 34): asks for a Fast Open cookie (RFC 7413)"
      : `TFO (kind 34): a ${o.cookie.length}-byte Fast Open cookie (RFC 7413)`) + bad;
    default: return `kind ${o.kind}, length ${o.len}: an option synack does not decode` + bad;
  }
}

/** Label of option byte `i` of the option area (kind, length, value part, padding). */
function byteRoles(opts: TcpOption[], length: number): string[] {
  const roles: string[] = new Array<string>(length).fill("");
  let eolAt = -1;
  for (const o of opts) {
    const name = optionShort(o);
    roles[o.at] = name;
    if (o.type === "eol") { eolAt = o.at; continue; }
    if (o.type === "nop") continue;
    if (o.at + 1 < length) roles[o.at + 1] = `${name} len`;
    for (let k = 2; k < o.len && o.at + k < length; k++) {
      let part = `${name} data`;
      if (o.type === "mss" || o.type === "wscale") part = `${name} value`;
      else if (o.type === "timestamp") part = k < 6 ? "TSval" : "TSecr";
      else if (o.type === "sack") part = ((k - 2) >> 2) % 2 === 0 ? "SACK left" : "SACK right";
      roles[o.at + k] = part;
    }
  }
  for (let i = 0; i < length; i++) if (roles[i] === "") roles[i] = eolAt >= 0 && i > eolAt ? "padding" : "?";
  return roles;
}

/** The header of the TCP segment at `tcpOffset` in `frame` as rows of cells (RFC 9293 §3.1),
 *  with relative numbers and the window scale from `ctx` when given. Never throws on short
 *  bytes: fields that were not captured say so. */
export function tcpHeaderModel(frame: Uint8Array, tcpOffset: number, ctx?: HeaderContext): HeaderModel {
  const at = tcpOffset, end = frame.length;
  const v = (off: number, n: number): number | undefined => be(frame, at + off, n, end);
  const notes: string[] = [];
  const srcPort = v(0, 2), dstPort = v(2, 2), seq = v(4, 4), ack = v(8, 4), w12 = v(12, 2);
  const window = v(14, 2), checksum = v(16, 2), urgent = v(18, 2);
  const flags = w12 === undefined ? 0 : w12 & 0x0fff;
  const has = (bit: number): boolean => (flags & bit) !== 0;
  const rows: HeaderRow[] = [];

  rows.push({ offset: 0, cells: [wideCell("Source Port", 16, srcPort), wideCell("Destination Port", 16, dstPort)] });

  const seqExtra: string[] = [];
  if (ctx !== undefined && ctx.relative && seq !== undefined) {
    seqExtra.push(`relative ${ctx.seq} = raw − ${ctx.seqBase} (${has(0x002) ? "the ISN" : "this side's base"})`);
  }
  rows.push({ offset: 4, cells: [wideCell("Sequence Number", 32, seq, seqExtra)] });

  const ackExtra: string[] = [];
  if (ack !== undefined && w12 !== undefined && !has(0x010)) ackExtra.push("ACK flag clear: this field means nothing");
  else if (ctx !== undefined && ctx.relative && ack !== undefined) {
    ackExtra.push(`relative ${ctx.ack} = raw − ${ctx.ackBase} (the other side's ISN)`);
    ackExtra.push(`"next byte I expect from you is ${ctx.ack}"`);
  }
  rows.push({ offset: 8, cells: [wideCell("Acknowledgment Number", 32, ack, ackExtra)] });

  // Row 4: Data Offset (4 bits), Rsrvd (4 bits: 3 reserved + AE, RFC 9768), 8 flag bits, Window.
  const cells4: HeaderCell[] = [];
  if (w12 === undefined) {
    cells4.push({ name: "Data Offset", bits: 4, value: undefined, lines: ["Data", "Offset", "?"] },
      { name: "Rsrvd", bits: 4, value: undefined, lines: ["", "Rsrvd", "?"] });
    for (const f of FLAG_BITS) cells4.push({ name: f.name, bits: 1, value: undefined, lines: [...f.name, "?"] });
  } else {
    const doff = w12 >>> 12, rsv = (w12 >>> 8) & 0xf;
    cells4.push({ name: "Data Offset", bits: 4, value: doff, lines: ["Data", "Offset", `${doff}=${hexString(doff, 1)}`, bitString(doff, 4), `${doff * 4} B`] });
    cells4.push({ name: "Rsrvd", bits: 4, value: rsv, lines: ["", "Rsrvd", `${rsv}=${hexString(rsv, 1)}`, bitString(rsv, 4), (rsv & 1) !== 0 ? "AE" : ""] });
    for (const f of FLAG_BITS) cells4.push({ name: f.name, bits: 1, value: has(f.bit) ? 1 : 0, lines: [...f.name, has(f.bit) ? "1" : "0"] });
    if (doff < 5) notes.push(`Data Offset ${doff} is below 5 (20 bytes): a bogus header length, options and data cannot be found.`);
  }
  const winExtra: string[] = [];
  if (window !== undefined && ctx !== undefined && ctx.scaleFactorPresent !== false && ctx.scaleFactor !== undefined) {
    const f = ctx.scaleFactor;
    if (f > 0) winExtra.push(`×${f} = ${ctx.windowSize ?? window * f} bytes`);
    else if (f === -1) winExtra.push("scale unknown (no SYN seen)");
    else if (f === -2) winExtra.push("not scaled (no WS on both SYNs)");
  }
  if (window !== undefined && has(0x002)) winExtra.push("never scaled on a SYN");
  cells4.push({ ...wideCell("Window", 16, window, winExtra) });
  // Keep the Window's lines under the flag letters' rows: name on line 0.
  rows.push({ offset: 12, cells: cells4 });

  const urgExtra = urgent !== undefined && w12 !== undefined && !has(0x020) ? ["URG clear: ignored"] : [];
  rows.push({ offset: 16, cells: [wideCell("Checksum", 16, checksum), wideCell("Urgent Pointer", 16, urgent, urgExtra)] });

  // Options: one row per 32-bit word, one cell per byte, labelled with the option it belongs to.
  const headerLength = w12 === undefined ? 20 : (w12 >>> 12) * 4;
  const optLen = Math.max(0, headerLength - 20);
  const optCaptured = Math.max(0, Math.min(optLen, end - (at + 20)));
  const optionLines: string[] = [];
  if (optLen > 0) {
    const bytes = frame.subarray(at + 20, at + 20 + optCaptured);
    const list = tcpOptions(bytes, optLen);
    const roles = byteRoles(list.options, optLen);
    for (let w = 0; w < optLen; w += 4) {
      const cells: HeaderCell[] = [];
      for (let k = 0; k < 4 && w + k < optLen;) {
        // Bytes of one multi-byte value (MSS, TSval, a SACK edge) share a cell within the row.
        const i = w + k, role = roles[i]!;
        let n = 1;
        if (MERGED.test(role)) while (k + n < 4 && roles[i + n] === role && i + n < optCaptured) n++;
        const val = be(bytes, i, n, optCaptured);
        cells.push(val === undefined ? { name: "Options", bits: 8 * n, value: undefined, lines: [role, "(not captured)"] }
          : { name: "Options", bits: 8 * n, value: val, lines: [role, `${val} = ${hexString(val, 2 * n)}`, bitString(val, 8 * n)] });
        k += n;
      }
      rows.push({ offset: 20 + w, cells });
    }
    for (const o of list.options) optionLines.push(optionLine(o));
    for (const p of list.problems) if (!optionLines.some((l) => l.includes(p))) notes.push(`Options: ${p}.`);
    if (optCaptured < optLen) notes.push(`Only ${optCaptured} of ${optLen} option bytes were captured.`);
  }
  if (w12 !== undefined) {
    const set = FLAG_BITS.filter((f) => has(f.bit));
    notes.unshift(`Flags ${hexString(flags, 3)} = ${bitString(flags, 12, false)}: ${set.length === 0 ? "none set" : set.map((f) => f.name).join(", ")}`,
      ...set.map((f) => `  ${f.name}: ${f.meaning}`));
    if ((flags & 0x100) !== 0) notes.push("AE (bit 7 of the reserved nibble): accurate ECN (RFC 9768).");
    if ((flags & 0xe00) !== 0) notes.push("Reserved bits set: senders must leave them zero (RFC 9293 §3.1).");
  }
  if (end - at < 20) notes.push(`Only ${Math.max(0, end - at)} of the 20 fixed header bytes were captured.`);
  return { rows, options: optionLines, notes };
}

/** `text` centred in `width` columns (cut when longer). */
function centre(text: string, width: number): string {
  const s = text.length > width ? text.slice(0, width) : text;
  const left = Math.floor((width - s.length) / 2);
  return " ".repeat(left) + s + " ".repeat(width - s.length - left);
}

/** The bit ruler of RFC 9293 §3.1: tens on the first line, units on the second. */
export const BIT_RULER: readonly string[] = [
  (" " + Array.from({ length: ROW_BITS }, (_, i) => (i % 10 === 0 ? String(i / 10) : " ")).join(" ")).trimEnd(),
  " " + Array.from({ length: ROW_BITS }, (_, i) => String(i % 10)).join(" "),
];
/** The line between rows. */
export const ROW_RULE = "+" + "-+".repeat(ROW_BITS);

/** Draws a header model: ruler, boxed rows (right margin: byte offset), options, notes. */
export function renderHeaderDiagram(m: HeaderModel): string[] {
  const out: string[] = [...BIT_RULER, ROW_RULE];
  for (const row of m.rows) {
    const height = Math.max(...row.cells.map((c) => c.lines.length));
    for (let l = 0; l < height; l++) {
      let line = "|";
      for (const c of row.cells) line += centre(c.lines[l] ?? "", c.bits * 2 - 1) + "|";
      out.push(l === 0 ? `${line} ${String(row.offset).padStart(2)}` : line);
    }
    out.push(ROW_RULE);
  }
  if (m.options.length > 0) {
    out.push("Options:");
    for (const o of m.options) out.push(...wrapText(`  ${o}`, 80, "      "));
  }
  for (const n of m.notes) out.push(...wrapText(n, 80, n.startsWith("  ") ? "      " : "  "));
  return out;
}

/** Splits `text` at spaces into lines of at most `width` columns; later lines start with `indent`. */
export function wrapText(text: string, width: number, indent: string): string[] {
  if (text.length <= width) return [text];
  const lead = /^ */.exec(text)![0];
  const out: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    const fresh = line === lead || line === indent;
    if (!fresh && line.length + 1 + word.length > width) { out.push(line); line = indent + word; }
    else line = fresh ? line + word : line + " " + word;
  }
  out.push(line);
  return out;
}

/** The RFC 9293 §3.1 header diagram of the TCP segment at `tcpOffset` in `frame`, as lines. */
export function tcpHeaderDiagram(frame: Uint8Array, tcpOffset: number, ctx?: HeaderContext): string[] {
  return renderHeaderDiagram(tcpHeaderModel(frame, tcpOffset, ctx));
}
