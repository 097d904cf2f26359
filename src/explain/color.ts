/** Terminal colour: when to use it, and the few ANSI styles explain output uses. Core code: the
 *  caller passes the TTY and environment facts in. */

/** What decides colour: stdout is a TTY, `--color` was given, NO_COLOR / FORCE_COLOR values. */
export interface ColorContext {
  isTTY: boolean;
  flag: boolean;
  noColor: string | undefined;
  forceColor: string | undefined;
}

/** Colour only on a TTY unless `--color` or FORCE_COLOR (not "0"/"false"); never with a non-empty NO_COLOR
 *  (no-color.org: present and not empty disables colour, whatever else says). */
export function colorEnabled(c: ColorContext): boolean {
  if (c.noColor !== undefined && c.noColor !== "") return false;
  if (c.flag) return true;
  if (c.forceColor !== undefined && c.forceColor !== "0" && c.forceColor !== "false") return true;
  return c.isTTY;
}

/** Named styles; `paint(style, text, on)` wraps in SGR codes when `on`. */
export const STYLES = {
  bold: "1", dim: "2", red: "31", green: "32", yellow: "33", blue: "34", magenta: "35", cyan: "36",
} as const;
export type Style = keyof typeof STYLES;

/** `text` in the given style when `on`, else unchanged. */
export function paint(style: Style, text: string, on: boolean): string {
  return on ? `\x1b[${STYLES[style]}m${text}\x1b[0m` : text;
}

/** Removes SGR colour codes (for width computations and tests). */
export function stripColor(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}
