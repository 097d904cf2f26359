/** Literal parsing for display filters: integers, booleans, IPv4/IPv6 with prefixes, byte
 *  strings and times, with tshark 4.0's error wording. Compile time only. */
import { FilterSyntaxError, type Token } from "./parse.js";
import type { FilterKind } from "./types.js";

/** tshark's name for a field type, as it appears in error messages. */
export function typeName(kind: FilterKind, bytes: number | undefined): string {
  const b = bytes ?? 4;
  switch (kind) {
    case "uint": return `Unsigned integer (${b} byte${b === 1 ? "" : "s"})`;
    case "int": return `Signed integer (${b} byte${b === 1 ? "" : "s"})`;
    case "bool": return "Boolean";
    case "flag": return "Label";
    case "ipv4": return "IPv4 address";
    case "ipv6": return "IPv6 address";
    case "string": return "Character string";
    case "bytes": return "Byte sequence";
    case "time": return "Time offset";
    case "abstime": return "Date and time";
    case "float": return "Floating point (double-precision)";
    case "protocol": return "Protocol";
    case "ether": return "Ethernet or other MAC address";
  }
}

/** Throws a FilterSyntaxError underlining `tok` (or `length` characters from its start). */
export function fail(message: string, tok: Token, length = tok.end - tok.start): never {
  throw new FilterSyntaxError(message, tok.start, length);
}

/** An integer as tshark 4.0 reads it: decimal, 0x hex, 0b binary, leading-0 octal, optional
 *  leading minus; undefined when the text is none of these. */
export function parseInteger(text: string): bigint | undefined {
  const neg = text.startsWith("-");
  const t = neg ? text.slice(1) : text;
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t)) v = BigInt(t);
  else if (/^0[0-7]+$/.test(t)) v = BigInt("0o" + t.slice(1));
  else if (/^(0|[1-9][0-9]*)$/.test(t)) v = BigInt(t);
  else return undefined;
  return neg ? -v : v;
}

/** A dotted-quad IPv4 address as a uint32; undefined unless exactly four decimal parts 0-255
 *  without leading zeros. Host names are not resolved. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith("0")) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

/** An IPv6 address in RFC 4291 §2.2 text form (`::` once, a trailing dotted quad allowed) as
 *  16 bytes; undefined when malformed. Zone ids (`%eth0`) are not accepted. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const left = groups(halves[0]!);
  if (left === undefined) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const right = groups(halves[1]!);
    if (right === undefined || left.length + right.length > 7) return undefined;
    all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else {
    if (left.length !== 8) return undefined;
    all = left;
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) { out[2 * i] = all[i]! >> 8; out[2 * i + 1] = all[i]! & 0xff; }
  return out;
}

/** Bytes written as hex: one or two digits (`4`, `47`), pairs joined by `:` `.` or `-`
 *  (`47:45:54`), or an even run of digits (`474554`); undefined otherwise. */
export function parseByteString(text: string): Uint8Array | undefined {
  if (/^[0-9a-fA-F]{1,2}$/.test(text)) return Uint8Array.of(parseInt(text, 16));
  let hex: string;
  if (/^[0-9a-fA-F]{2}([:.-][0-9a-fA-F]{2})+$/.test(text)) hex = text.replace(/[:.-]/g, "");
  else if (/^([0-9a-fA-F]{2})+$/.test(text)) hex = text;
  else return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A time literal in seconds (`1`, `0.25`, `-1`); undefined otherwise. */
export function parseTime(text: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

/** A floating-point literal; undefined otherwise. */
export function parseFloatLiteral(text: string): number | undefined {
  return /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}
