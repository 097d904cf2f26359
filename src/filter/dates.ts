/** Date-and-time literals (FT_ABSOLUTE_TIME fields such as `frame.time`), as tshark 4.0.17 reads
 *  them: ISO 8601 (`2020-07-04T12:34:56`, the `T` may be a space; `Z` or an offset from UTC) or
 *  the legacy `Sep 26, 2004 23:18:04.954975` (optionally followed by `UTC`). Anything else is
 *  local time (wireshark-filter(4), "Date and time values"). The edge cases below were measured
 *  with tshark 4.0.17. */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Seconds since the epoch of a calendar time, in UTC or in the process's local time zone. */
function epochSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number, utc: boolean): number {
  const t = utc ? new Date(Date.UTC(2000, mo - 1, d, h, mi, s)) : new Date(2000, mo - 1, d, h, mi, s);
  // Years 0-99 are years, not 1900-1999.
  if (utc) t.setUTCFullYear(y + t.getUTCFullYear() - 2000); else t.setFullYear(y + t.getFullYear() - 2000);
  return t.getTime() / 1000;
}

/** `.141151` → 0.141151 as `Number` reads it (the tree's values are summed the same way). */
const fraction = (digits: string): number => (digits === "" ? 0 : Number("0." + digits));

/** A date-and-time literal → seconds since 1970-01-01 UTC, or tshark's message for it. */
export function parseAbsoluteTime(text: string): number | { error: string } {
  const iso = isoTime(text);
  if (iso !== undefined) return iso;
  const legacy = legacyTime(text);
  if (legacy !== undefined) return legacy;
  return { error: `"${text}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"` };
}

const UNEXPECTED = { error: "Unexpected data after time value." };

/** ISO 8601 with tshark's leniency: one- or two-digit fields, hour only or hour:minute, `,` or `.`
 *  before the fraction, `Z`, `±hh`, `±hhmm`, `±hh:mm`, or a trailing `UTC` / blanks. */
function isoTime(text: string): number | { error: string } | undefined {
  const d = /^(\d+)-(\d{1,2})-(\d{1,2})/.exec(text);
  if (d === null) return undefined;
  const y = Number(d[1]), mo = Number(d[2]), day = Number(d[3]);
  if (mo < 1 || mo > 12 || day < 1 || day > 31) return undefined;
  let rest = text.slice(d[0].length);
  let h = 0, mi = 0, s = 0, frac = 0;
  const t = /^[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?/.exec(rest);
  if (t !== null) {
    h = Number(t[1]); mi = Number(t[2] ?? 0); s = Number(t[3] ?? 0); frac = fraction(t[4] ?? "");
    if (h > 23 || mi > 59 || s > 60) return UNEXPECTED;
    rest = rest.slice(t[0].length);
  }
  const z = /^(?:Z|([+-])(\d{1,2})(?::?(\d{1,2}))?)$/.exec(rest);
  if (z !== null) {
    const off = z[1] === undefined ? 0 : (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3] ?? 0) * 60);
    return epochSeconds(y, mo, day, h, mi, s, true) - off + frac;
  }
  const u = /^\s*(UTC)?\s*$/.exec(rest);
  if (u === null) return UNEXPECTED;
  return epochSeconds(y, mo, day, h, mi, s, u[1] !== undefined) + frac;
}

/** `Mon DD, YYYY HH:MM:SS[.fraction][ UTC]`: month names in any case, blanks optional around
 *  the numbers, seconds up to 61, at most nine fraction digits. */
function legacyTime(text: string): number | { error: string } | undefined {
  const m = /^([A-Za-z]{3})\s*(\d{1,2})\s*,\s*(\d+)\s*(\d{1,2}):(\d{1,2}):(\d{1,2})/.exec(text);
  if (m === null) return undefined;
  const mo = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  const day = Number(m[2]), y = Number(m[3]), h = Number(m[4]), mi = Number(m[5]), s = Number(m[6]);
  if (mo === 0 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 61) return undefined;
  let rest = text.slice(m[0].length), frac = 0;
  if (rest.startsWith(".")) {
    const f = /^\.(\d*)/.exec(rest)!;
    if (f[1] === "") return { error: "Subseconds value is not a number." };
    if (f[1]!.length > 9) return { error: "Subseconds value is invalid." };
    frac = fraction(f[1]!);
    rest = rest.slice(f[0].length);
  }
  const u = /^\s*(UTC)?\s*$/.exec(rest);
  if (u === null) return UNEXPECTED;
  return epochSeconds(y, mo, day, h, mi, s, u[1] !== undefined) + frac;
}
