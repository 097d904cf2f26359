/** `-V`: the field tree of a frame as tshark prints it, four spaces a level, hidden items left out,
 *  and the byte dump tshark writes after each Data item. */
import { buildFieldTree, type DataSource, type DetailsInput, type FieldNode } from "../fields/index.js";
import type { ByteOut } from "./bytes-out.js";
import { hexDumpLines } from "./hexdump.js";

export type { DetailsInput, FieldNode as TreeNode };
/** The details tree (-V, the page's details pane) is the field tree. */
export const buildDetailsTree = buildFieldTree;

/** Four spaces a level, made once per depth. */
const INDENT: string[] = [""];
function indent(depth: number): string {
  while (INDENT.length <= depth) INDENT.push(INDENT[INDENT.length - 1]! + "    ");
  return INDENT[depth]!;
}

/** Text of the tree as tshark -V prints it: four spaces per level, one shown node a line.
 *  `only` (-O PROTOS): the top-level items of other protocols show their line alone. */
export function renderDetailsTree(nodes: readonly FieldNode[], dataHex?: readonly DataSource[], only?: ReadonlySet<string>): string {
  let s = "";
  for (let i = 0; i < nodes.length; i++) s = renderNode(s, nodes[i]!, 0, dataHex, only);
  return s;
}

/** `s` + the lines of `n` and its shown descendants. */
function renderNode(s: string, n: FieldNode, depth: number, dataHex: readonly DataSource[] | undefined,
    only: ReadonlySet<string> | undefined): string {
  if (n.hidden === true) return s;
  s += indent(depth) + n.label + "\n";
  if (depth === 0 && only !== undefined && (n.field === undefined || !only.has(n.field))) return s;
  // tshark -V without -x dumps the bytes of each Data item after its line (print.c's
  // "uninterpreted data"): a blank line, then the dump with offsets from the item's first byte.
  const src = n.field === "data" && dataHex !== undefined ? dataHex[n.source] : undefined;
  if (src !== undefined) {
    s += "\n";
    for (const l of hexDumpLines(src.bytes.subarray(n.offset, n.offset + n.length))) s += l + "\n";
  }
  const kids = n.children;
  for (let i = 0; i < kids.length; i++) s = renderNode(s, kids[i]!, depth + 1, dataHex, undefined);
  return s;
}

/** A frame's -V lines as parts (indent, label, line break …), reused frame after frame. */
const PARTS: string[] = [];

/** renderDetailsTree's text written into `out`: the frame's parts joined into one flat string and
 *  encoded at once (a ByteOut.str call per line, or the concatenated rope, measured slower). */
export function writeDetailsTree(out: ByteOut, nodes: readonly FieldNode[], dataHex?: readonly DataSource[], only?: ReadonlySet<string>): void {
  PARTS.length = 0;
  for (let i = 0; i < nodes.length; i++) partsOf(PARTS, nodes[i]!, 0, dataHex, only);
  out.str(PARTS.join(""));
  PARTS.length = 0;
}

/** renderNode's lines of `n`, as parts pushed onto `p`. */
function partsOf(p: string[], n: FieldNode, depth: number, dataHex: readonly DataSource[] | undefined,
    only: ReadonlySet<string> | undefined): void {
  if (n.hidden === true) return;
  p.push(indent(depth), n.label, "\n");
  if (depth === 0 && only !== undefined && (n.field === undefined || !only.has(n.field))) return;
  const src = n.field === "data" && dataHex !== undefined ? dataHex[n.source] : undefined;
  if (src !== undefined) {
    p.push("\n");
    for (const l of hexDumpLines(src.bytes.subarray(n.offset, n.offset + n.length))) p.push(l, "\n");
  }
  const kids = n.children;
  for (let i = 0; i < kids.length; i++) partsOf(p, kids[i]!, depth + 1, dataHex, undefined);
}
