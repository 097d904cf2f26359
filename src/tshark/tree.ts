/** `-V`: the field tree of a frame as tshark prints it, four spaces a level, hidden items left out,
 *  and the byte dump tshark writes after each Data item. */
import { buildFieldTree, type DataSource, type DetailsInput, type FieldNode } from "../fields/index.js";
import { hexDumpLines } from "./hexdump.js";

export type { DetailsInput, FieldNode as TreeNode };
/** The details tree (-V, the page's details pane) is the field tree. */
export const buildDetailsTree = buildFieldTree;

/** Text of the tree as tshark -V prints it: four spaces per level, one shown node a line.
 *  `only` (-O PROTOS): the top-level items of other protocols show their line alone. */
export function renderDetailsTree(nodes: readonly FieldNode[], dataHex?: readonly DataSource[], only?: ReadonlySet<string>): string {
  let s = "";
  const walk = (n: FieldNode, depth: number): void => {
    if (n.hidden === true) return;
    s += " ".repeat(4 * depth) + n.label + "\n";
    if (depth === 0 && only !== undefined && (n.field === undefined || !only.has(n.field))) return;
    // tshark -V without -x dumps the bytes of each Data item after its line (print.c's
    // "uninterpreted data"): a blank line, then the dump with offsets from the item's first byte.
    const src = n.field === "data" ? dataHex?.[n.source] : undefined;
    if (src !== undefined) {
      s += "\n";
      for (const l of hexDumpLines(src.bytes.subarray(n.offset, n.offset + n.length))) s += l + "\n";
    }
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const n of nodes) walk(n, 0);
  return s;
}
