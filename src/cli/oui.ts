/** Loads the IEEE vendor names (data/ieee-oui.tsv.gz, scripts/make-oui.mjs) into the field tree's
 *  OUI resolver, for the outputs that print `eth.*.oui_resolved` (JSON, -e, -Y). Missing data
 *  leaves the names out (tshark without its manuf file does the same). */
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
  setOuiResolver((oui) => names.get(oui));
}
