/** UTF-8 decoding for option texts (pcapng comments, interface names). */

/** UTF-8 bytes → text (core code has no TextDecoder); a malformed sequence becomes U+FFFD. */
export function utf8Text(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to;) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    if (n < 0) { s += "\ufffd"; i++; continue; }
    let cp = n === 0 ? c : c & (0x3f >> n);
    let ok = true;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || i + k >= to || (d & 0xc0) !== 0x80) { ok = false; break; }
      cp = (cp << 6) | (d & 0x3f);
    }
    if (!ok) { s += "\ufffd"; i++; continue; }
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}
