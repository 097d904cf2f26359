/** Printable form of bytes for the terminal: ASCII with escapes, and spaced hex. */
const MAX_SHOWN = 64;

/** `"AB"`, with \n, \t, \r, \\, \" and \xNN escapes; long data is cut at 64 bytes with "…". */
export function asText(bytes: Uint8Array, max = MAX_SHOWN): string {
  let s = '"';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) s += "\\n";
    else if (b === 0x0d) s += "\\r";
    else if (b === 0x09) s += "\\t";
    else if (b === 0x5c) s += "\\\\";
    else if (b === 0x22) s += '\\"';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\x" + b.toString(16).padStart(2, "0");
  }
  return s + (bytes.length > n ? '"…' : '"');
}

/** `41 42`: lowercase two-digit hex per byte, cut at 64 bytes with "…". */
export function asHex(bytes: Uint8Array, max = MAX_SHOWN): string {
  const n = Math.min(bytes.length, max);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(bytes[i]!.toString(16).padStart(2, "0"));
  return parts.join(" ") + (bytes.length > n ? " …" : "");
}
