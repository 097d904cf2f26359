/** The details pane and the bytes pane. The tree is `synack read -V`'s (buildDetailsTree, sent by
 *  the worker), node for node; a click on a node lights exactly its bytes (data source, offset,
 *  length) in the bytes pane, which has one tab per data source (the frame, each reassembled
 *  datagram); a click on a byte selects the narrowest node that covers it. Capture data reaches
 *  the DOM only as text nodes. */
import { signal, batch } from "@preact/signals";
import type { DetailNode, Details } from "./protocol.js";

/** Path of a node: its index at each depth, joined with "." ("3.7.1"). */
type Path = string;
/** What the bytes pane lights: source, first byte, end (exclusive); end ≤ start lights nothing. */
type Range = { source: number; start: number; end: number };
const NONE: Range = { source: 0, start: 0, end: 0 };

const selectedPath = signal<Path>("");
const highlight = signal<Range>(NONE);
/** The data source the bytes pane shows. */
const activeSource = signal(0);
/** Expanded subtrees, by key (see nodeKey): they stay open from packet to packet, as in Wireshark. */
const openKeys = signal(new Set<string>(["tcp"]));

/** Clears the selection (a new packet's details arrived). */
export function resetDetailsSelection(): void {
  batch(() => { selectedPath.value = ""; highlight.value = NONE; activeSource.value = 0; });
}

/** A node's key for its open/closed state: its field name, or its label up to the first value. */
function nodeKey(parent: string, n: DetailNode): string {
  const own = n.field ?? n.label.replace(/^\[/, "").replace(/[:(,=[].*$/, "").trim();
  return parent === "" ? own : `${parent}>${own}`;
}

/** Selects a node: generated nodes (no bytes) light nothing; others switch to their source. */
function selectNode(path: Path, n: DetailNode): void {
  batch(() => {
    selectedPath.value = path;
    if (n.length > 0) { activeSource.value = n.source; highlight.value = { source: n.source, start: n.offset, end: n.offset + n.length }; }
    else highlight.value = NONE;
  });
}

function toggle(key: string): void {
  const s = new Set(openKeys.value);
  if (s.has(key)) s.delete(key); else s.add(key);
  openKeys.value = s;
}

/** Every key of the tree, to expand it all. */
function allKeys(nodes: readonly DetailNode[], parent: string, out: Set<string>): Set<string> {
  for (const n of nodes) {
    if (n.children.length === 0) continue;
    const k = nodeKey(parent, n);
    out.add(k);
    allKeys(n.children, k, out);
  }
  return out;
}

function Tree({ nodes, depth, path, parent }: { nodes: readonly DetailNode[]; depth: number; path: string; parent: string }) {
  return (
    <ul class={depth === 0 ? "tree" : ""}>
      {nodes.map((n, k) => {
        const p = path === "" ? String(k) : `${path}.${k}`;
        const key = nodeKey(parent, n);
        const open = n.children.length > 0 && openKeys.value.has(key);
        return (
          <li key={p}>
            <div class={`node${selectedPath.value === p ? " selected" : ""}${n.length > 0 ? " has-bytes" : ""}`}
              data-path={p} data-depth={depth} onClick={() => selectNode(p, n)}
              onDblClick={() => { if (n.children.length > 0) toggle(key); }}>
              <span class="twisty" onClick={(e) => { e.stopPropagation(); toggle(key); }}>{n.children.length === 0 ? "" : open ? "▾" : "▸"}</span>
              {n.label}
            </div>
            {open && <Tree nodes={n.children} depth={depth + 1} path={p} parent={key} />}
          </li>
        );
      })}
    </ul>
  );
}

/** A node found under a byte: with its path, depth and its ancestors' keys. */
type Hit = { n: DetailNode; path: Path; depth: number; keys: string[] };

/** The narrowest node of `source` whose bytes hold `at`, as Wireshark picks the field under a
 *  clicked byte: on a tie the deeper one, then the first (Version before Header Length). */
function nodeAt(nodes: readonly DetailNode[], source: number, at: number, path: string, parent: string, keys: string[],
    best?: Hit): Hit | undefined {
  const depth = keys.length;
  nodes.forEach((n, k) => {
    const p = path === "" ? String(k) : `${path}.${k}`;
    if (n.length > 0 && n.source === source && at >= n.offset && at < n.offset + n.length
        && (best === undefined || n.length < best.n.length || (n.length === best.n.length && depth > best.depth))) {
      best = { n, path: p, depth, keys };
    }
    const key = nodeKey(parent, n);
    best = nodeAt(n.children, source, at, p, key, [...keys, key], best);
  });
  return best;
}

function clickByte(d: Details, at: number): void {
  const source = activeSource.value;
  const hit = nodeAt(d.tree, source, at, "", "", []);
  if (hit === undefined) { batch(() => { selectedPath.value = ""; highlight.value = { source, start: at, end: at + 1 }; }); return; }
  const s = new Set(openKeys.value);
  for (const k of hit.keys) s.add(k);
  batch(() => { openKeys.value = s; selectNode(hit.path, hit.n); });
  requestAnimationFrame(() => document.querySelector(`[data-path="${hit.path}"]`)?.scrollIntoView({ block: "nearest" }));
}

/** The details tree with Expand all / Collapse all. */
export function DetailsPane({ d }: { d: Details }) {
  return (
    <>
      <div class="tree-tools">
        <button id="expand-all" onClick={() => { openKeys.value = allKeys(d.tree, "", new Set()); }}>Expand all</button>
        <button id="collapse-all" onClick={() => { openKeys.value = new Set(); }}>Collapse all</button>
      </div>
      <Tree nodes={d.tree} depth={0} path="" parent="" />
    </>
  );
}

const HEX = "0123456789abcdef";
/** The bytes of the shown data source, 16 a line, and a tab per source when there are several. */
export function BytesPane({ d }: { d: Details }) {
  const source = Math.min(activeSource.value, d.sources.length - 1);
  const bytes = d.sources[source]?.bytes ?? new Uint8Array(0);
  const h = highlight.value;
  const [hs, he] = h.source === source ? [h.start, h.end] : [0, 0];
  const lines = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const hexCells = [], ascii = [];
    for (let k = o; k < Math.min(bytes.length, o + 16); k++) {
      const b = bytes[k]!;
      const cls = k >= hs && k < he ? "byte hl" : "byte";
      hexCells.push(<span class={cls} data-at={k} key={k} onClick={() => clickByte(d, k)}>{HEX[b >> 4]! + HEX[b & 15]!}</span>);
      ascii.push(<span class={cls} data-at={k} key={k} onClick={() => clickByte(d, k)}>{b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."}</span>);
    }
    lines.push(<div class="hexline" key={o}><span class="off">{o.toString(16).padStart(4, "0")}</span><span class="hex">{hexCells}</span><span class="ascii">{ascii}</span></div>);
  }
  return (
    <div id="bytes" data-source={source}>
      {d.sources.length > 1 && (
        <nav class="sources">{d.sources.map((s, k) => (
          <button key={k} class={k === source ? "active" : ""} data-source={k} onClick={() => { activeSource.value = k; }}>
            {s.name} ({s.bytes.length} bytes)</button>
        ))}</nav>
      )}
      {lines}
    </div>
  );
}
