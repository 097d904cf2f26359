/** Loads the IEEE vendor names (data/ieee-oui.tsv.gz, scripts/make-oui.mjs) into the field tree's
 *  OUI resolver, for the outputs that print `eth.*.oui_resolved` (JSON, -e, -Y). The prefixes
 *  that tshark words differently (data/oui-wording.tsv, a ledger with the reason per line) take
 *  tshark's wording. Missing data leaves the names out (tshark without its manuf file does the same). */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { setOuiResolver } from "../fields/index.js";

let loaded = false;
/** Installs the resolver once; later calls do nothing. */
export function loadOuiNames(): void {
  if (loaded) return;
  loaded = true;
  let text: string;
  try {
    text = gunzipSync(readFileSync(new URL("../../../data/ieee-oui.tsv.gz", import.meta.url))).toString("utf8");
  } catch {
    return;
  }
  const names = new Map<number, string>();
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab === 6) names.set(parseInt(line.slice(0, 6), 16), line.slice(7));
  }
  let wording = "";
  try {
    wording = readFileSync(new URL("../../../data/oui-wording.tsv", import.meta.url), "utf8");
  } catch {
    // IEEE's names alone.
  }
  for (const line of wording.split("\n")) {
    const [oui, name] = line.split("\t");
    if (oui !== undefined && name !== undefined && /^[0-9A-F]{6}$/.test(oui)) names.set(parseInt(oui, 16), name);
  }
  setOuiResolver((oui) => names.get(oui));
}
