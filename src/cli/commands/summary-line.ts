/** The default one-line summary of `synack read` (tshark 4.0's columns: No., Time, Source,
 *  Destination, Protocol, Length, Info) and its `-t` time formats: `summaryLine` as text,
 *  `writeSummaryLine` as bytes for the usual TCP frame. */
import { addressLayer, destinationText, sourceText, type DecodedFrame } from "../../decode/index.js";
import { formatRelativeTime, hasOption, formatSummaryLine, otherColumns, tcpProtocol } from "../../tshark/summary.js";
import { type ByteOut, putDigits, putIpv4, putIpv6, putUint } from "../../tshark/bytes-out.js";
import { CliError } from "../errors.js";
import type { FrameContext } from "./read-output.js";

/** tshark 4.0's `-t` time formats of the summary line. */
export const TIME_FORMATS = ["a", "ad", "adoy", "d", "dd", "e", "r", "u", "ud", "udoy"] as const;
export type TimeFormat = typeof TIME_FORMATS[number];

/** `-t FORMAT` checked as tshark 4.0 checks it (its message and exit status 1). */
export function parseTimeFormat(v: string): TimeFormat {
  if ((TIME_FORMATS as readonly string[]).includes(v)) return v as TimeFormat;
  throw new CliError(`Invalid time stamp type "${v}"; it must be one of:
	"a"    for absolute
	"ad"   for absolute with YYYY-MM-DD date
	"adoy" for absolute with YYYY/DOY date
	"d"    for delta
	"dd"   for delta displayed
	"e"    for epoch
	"r"    for relative
	"u"    for absolute UTC
	"ud"   for absolute UTC with YYYY-MM-DD date
	"udoy" for absolute UTC with YYYY/DOY date`, 1);
}

const p2 = (n: number): string => (n < 10 ? "0" : "") + String(n);
/** Wall-clock text of `sec` (already shifted to the wanted zone): `HH:MM:SS`, with the date as
 *  `YYYY-MM-DD ` (date "ymd") or `YYYY/DOY ` (date "doy") before it. Integer civil-date arithmetic. */
function clock(sec: number, date: "" | "ymd" | "doy"): string {
  const days = Math.floor(sec / 86400), tod = sec - days * 86400;
  const hms = `${p2(Math.floor(tod / 3600))}:${p2(Math.floor(tod / 60) % 60)}:${p2(tod % 60)}`;
  if (date === "") return hms;
  const z = days + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)), mp = Math.floor((5 * doyMar + 2) / 153);
  const day = doyMar - Math.floor((153 * mp + 2) / 5) + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (date === "ymd") return `${year}-${p2(month)}-${p2(day)} ${hms}`;
  // Days from 1970-01-01 to 1 January of `year` (the same civil arithmetic, backwards).
  const y = year - 1, e = Math.floor(y / 400), ye = y - e * 400;
  const jan1 = e * 146097 + ye * 365 + Math.floor(ye / 4) - Math.floor(ye / 100) + 306 - 719468;
  return `${year}/${String(days - jan1 + 1).padStart(3, "0")} ${hms}`;
}

/** The time column of a frame in `-t` format `fmt` (file-resolution decimals, truncated). */
export function timeColumn(c: FrameContext, fmt: TimeFormat = c.timeFormat ?? "r"): string {
  const rec = c.rec, digits = c.timeDigits;
  switch (fmt) {
    case "r": return formatRelativeTime(rec.tsSec, rec.tsNsec, c.firstSec, c.firstNsec, digits);
    case "d": return formatRelativeTime(rec.tsSec, rec.tsNsec, c.prevSec, c.prevNsec, digits);
    case "dd": return formatRelativeTime(rec.tsSec, rec.tsNsec, c.shownSec ?? rec.tsSec, c.shownNsec ?? rec.tsNsec, digits);
    case "e": return formatRelativeTime(rec.tsSec, rec.tsNsec, 0, 0, digits);
    default: {
      // a, ad, adoy: local time (the machine's zone, as tshark's localtime); u, ud, udoy: UTC.
      const local = fmt.startsWith("a");
      const off = local ? -new Date(rec.tsSec * 1000).getTimezoneOffset() * 60 : 0;
      const sec = rec.tsSec + (Number.isNaN(off) ? 0 : off);
      const date = fmt.endsWith("doy") ? "doy" : fmt.endsWith("d") ? "ymd" : "";
      const frac = digits > 0 ? "." + String(Math.floor(rec.tsNsec / POW10[9 - digits]!)).padStart(digits, "0") : "";
      return clock(sec, date) + frac;
    }
  }
}

/** The default summary line of a frame (no newline). */
export function summaryLine(c: FrameContext): string {
  const f = c.frame, rec = c.rec;
  const time = timeColumn(c);
  if (f.tcpCount > 0) {
    const ip = addressLayer(f);
    const t = f.tcp[0]!;
    const info = t.quoted && c.info === "" ? otherColumns(f).info : c.info;
    return formatSummaryLine({ number: rec.index, time, source: ip !== undefined ? sourceText(ip) : "", destination: ip !== undefined ? destinationText(ip) : "",
      protocol: tcpProtocol(f), length: rec.originalLength, info });
  }
  const o = otherColumns(f);
  return formatSummaryLine({ number: rec.index, time, source: o.source, destination: o.destination,
    protocol: o.protocol, length: rec.originalLength, info: o.info });
}

function decimalLength(n: number): number { let d = 1; for (let p = 10; p <= n; p *= 10) d++; return d; }
/** Decimal digits of each byte value. */
const BYTE_DIGITS = Uint8Array.from({ length: 256 }, (_, v) => (v < 10 ? 1 : v < 100 ? 2 : 3));
function ipv4Length(a: number): number {
  return 3 + BYTE_DIGITS[a >>> 24]! + BYTE_DIGITS[(a >>> 16) & 255]! + BYTE_DIGITS[(a >>> 8) & 255]! + BYTE_DIGITS[a & 255]!;
}
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/** `summaryLine(c)` and a newline, written into `out`: TCP frames (IPv4 or IPv6) at or after the
 *  first frame's time go in as bytes, Info included, anything else through `summaryLine`. */
export function writeSummaryLine(out: ByteOut, c: FrameContext): void {
  const f = c.frame, rec = c.rec, rows = c.rows;
  const ip = f.tcpCount > 0 && !f.tcp[0]!.quoted && rows !== undefined && !rows.infoEmpty ? addressLayer(f) : undefined;
  let ds = rec.tsSec - c.firstSec, dn = rec.tsNsec - c.firstNsec;
  if (dn < 0) { ds -= 1; dn += 1_000_000_000; }
  if (ip === undefined || ip.pseudoSrcAt >= 0 || ip.pseudoDstAt >= 0 || ds < 0 || rec.index > 99999999
      || (c.timeFormat !== undefined && c.timeFormat !== "r")) {
    out.str(summaryLine(c)); out.byte(10); return;
  }
  // %5u %10s %12s → %-12s %s %u %s (formatSummaryLine, formatRelativeTime), through one cursor:
  // the fixed part is at most ~160 bytes (two 45-byte IPv6 addresses, a protocol name), then Info
  // (FieldRows.putInfo copies its buffers whole: infoRoom).
  const room = 192 + rows!.infoRoom;
  if (out.len + room > out.buf.length) out.ensure(room);
  const b = out.buf;
  let o = out.len;
  for (let n = 5 - decimalLength(rec.index); n > 0; n--) b[o++] = 32;
  o = putUint(b, o, rec.index); b[o++] = 32;
  const digits = c.timeDigits;
  for (let n = 10 - decimalLength(ds) - (digits > 0 ? digits + 1 : 0); n > 0; n--) b[o++] = 32;
  o = putUint(b, o, ds);
  if (digits > 0) { b[o++] = 46; o = putDigits(b, o, Math.floor(dn / POW10[9 - digits]!), digits); }
  b[o++] = 32;
  if (ip.version === 4) {
    for (let n = 12 - ipv4Length(ip.src4); n > 0; n--) b[o++] = 32;
    o = putIpv4(b, o, ip.src4);
    b[o] = 32; b[o + 1] = 0xe2; b[o + 2] = 0x86; b[o + 3] = 0x92; b[o + 4] = 32; o += 5;
    const d = o;
    o = putIpv4(b, o, ip.dst4);
    for (let n = 12 - (o - d); n > 0; n--) b[o++] = 32;
  } else {
    // Written first, then right-aligned in place when shorter than the column (IPv6 text is ASCII).
    const at = o;
    o = putIpv6(b, o, ip.src, 0);
    const n = o - at;
    if (n < 12) { b.copyWithin(at + 12 - n, at, at + n); b.fill(32, at, at + 12 - n); o = at + 12; }
    b[o] = 32; b[o + 1] = 0xe2; b[o + 2] = 0x86; b[o + 3] = 0x92; b[o + 4] = 32; o += 5;
    const d = o;
    o = putIpv6(b, o, ip.dst, 0);
    for (let k = 12 - (o - d); k > 0; k--) b[o++] = 32;
  }
  b[o++] = 32;
  if (plainTcp(f)) { b[o] = 84; b[o + 1] = 67; b[o + 2] = 80; o += 3; }
  else { out.len = o; out.str(tcpProtocol(f)); o = out.len; out.ensure(32 + rows!.infoRoom); }
  const bb = out.buf;
  bb[o++] = 32; o = putUint(bb, o, rec.originalLength); bb[o++] = 32;
  o = rows!.putInfo(bb, o);
  bb[o++] = 10;
  out.len = o;
}

/** The protocol column of a TCP frame is plain "TCP" (no MPTCP option, not inside GTP-U). */
function plainTcp(f: DecodedFrame): boolean {
  const t = f.tcp[0]!;
  if (t.optionsCaptured !== 0 && hasOption(t.source, t.sourceBase + t.optionsOffset, t.optionsCaptured, 30)) return false;
  for (let i = 0; i < f.ipCount; i++) if (f.ip[i]!.encap === "gtpu") return false;
  return true;
}
