/** `hex` tagged template (STYLE.md §10): hex digits to bytes; whitespace and `# comments` are dropped. */
export function hex(strings: TemplateStringsArray, ...values: unknown[]): Uint8Array {
  let text = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) text += String(values[i]) + (strings[i + 1] ?? "");
  const digits = text.split("\n").map((line) => line.replace(/#.*$/, "")).join("").replace(/\s+/g, "");
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) throw new Error(`hex: bad digits in ${JSON.stringify(text)}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
