/** The page: Wireshark's three panes plus synack's explanation, ladder, conversations and expert
 *  summary. Capture data reaches the DOM only as text nodes (Preact escapes; no innerHTML). */
import { render } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { signal, computed, batch } from "@preact/signals";
import type { Conversation, Details, ExpertLine, FromWorker, LadderSegment, Row, ToWorker, TreeNode } from "./protocol.js";
import "./style.css";

const ROW_HEIGHT = 20;
const token = new URLSearchParams(location.search).get("token") ?? "";
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker): void => worker.postMessage(m);

// ---- state ----------------------------------------------------------------------------------
const name = signal("");
const total = signal(0);
const shown = signal(0);
const loaded = signal(false);
const errorText = signal("");
const live = signal(false);
const demoBusy = signal(false);
const rowsVersion = signal(0);
const rowCache = new Map<number, Row>();
const selected = signal(-1);
const details = signal<Details | undefined>(undefined);
const highlight = signal<[number, number]>([-1, -1]);
const selectedNode = signal(-1);
const filterError = signal<{ text: string; message: string; column: number | undefined; length: number } | undefined>(undefined);
const activeFilter = signal("");
const tab = signal<"explain" | "ladder" | "conversations" | "expert">("explain");
const convs = signal<Conversation[]>([]);
const experts = signal<ExpertLine[]>([]);
let rowReq = 0;
let pendingRange = "";

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case "progress":
      batch(() => {
        if (m.shown !== shown.value) { rowCache.clear(); pendingRange = ""; rowsVersion.value++; }
        total.value = m.total; shown.value = m.shown; loaded.value = m.done; name.value = m.name;
      });
      if (tab.value === "conversations" || tab.value === "expert") send({ type: "stats" });
      break;
    case "error": errorText.value = m.message; break;
    case "rows":
      if (m.req !== rowReq) return;
      m.rows.forEach((r, k) => rowCache.set(m.start + k, r));
      rowsVersion.value++;
      break;
    case "details":
      batch(() => { details.value = m.details; highlight.value = [-1, -1]; selectedNode.value = -1; });
      break;
    case "filter":
      batch(() => {
        rowCache.clear(); pendingRange = ""; rowsVersion.value++;
        if (m.ok) { filterError.value = undefined; activeFilter.value = m.text; shown.value = m.shown; }
        else filterError.value = { text: m.text, message: m.message, column: m.column, length: m.length };
      });
      break;
    case "stats":
      batch(() => { convs.value = m.conversations; experts.value = m.expert; });
      break;
  }
};

function openFile(f: File): void {
  batch(() => {
    errorText.value = ""; selected.value = -1; details.value = undefined; activeFilter.value = ""; filterError.value = undefined;
    rowCache.clear(); pendingRange = ""; rowsVersion.value++;
  });
  send({ type: "open-file", file: f, name: f.name });
}

function select(index: number): void {
  selected.value = index;
  send({ type: "select", index });
}

async function start(): Promise<void> {
  if (token === "") return;
  try {
    const r = await fetch(`/api/session?token=${encodeURIComponent(token)}`);
    if (!r.ok) { errorText.value = `the server refused this page (HTTP ${r.status}): open the URL synack ui printed`; return; }
    const s = await r.json() as { mode: string; name?: string; liveError?: string };
    if (s.liveError) errorText.value = `live capture: ${s.liveError}`;
    if (s.mode === "file") send({ type: "open-url", url: `/api/capture?token=${encodeURIComponent(token)}`, name: s.name ?? "capture" });
    else if (s.mode === "live") {
      live.value = true;
      send({ type: "open-ws", url: `ws://${location.host}/ws?token=${encodeURIComponent(token)}`, name: s.name ?? "live" });
    }
  } catch (err) {
    errorText.value = `cannot reach the synack ui server: ${String(err)}`;
  }
}

async function runDemo(): Promise<void> {
  demoBusy.value = true;
  try {
    const r = await fetch(`/api/demo?token=${encodeURIComponent(token)}`, { method: "POST" });
    const body = await r.json() as { error?: string };
    if (!r.ok) errorText.value = `demo: ${body.error ?? r.status}`;
  } catch (err) {
    errorText.value = `demo: ${String(err)}`;
  } finally {
    demoBusy.value = false;
  }
}

// ---- header and filter ----------------------------------------------------------------------
function Header() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <header>
      <strong class="brand">synack</strong>
      <span id="capture-name">{name.value || "no capture"}</span>
      <span id="status">{shown.value === total.value ? `${total.value} packets` : `${shown.value} of ${total.value} packets shown`}{loaded.value ? "" : live.value ? " (live)" : " …"}</span>
      <span class="spacer" />
      {live.value && <button id="demo" disabled={demoBusy.value} onClick={() => void runDemo()}>{demoBusy.value ? "running…" : "Run the echo demo"}</button>}
      <button onClick={() => input.current?.click()}>Open capture…</button>
      <input ref={input} id="file-input" type="file" accept=".pcap,.pcapng,.cap" hidden
        onChange={(e) => { const f = (e.currentTarget as HTMLInputElement).files?.[0]; if (f) openFile(f); }} />
    </header>
  );
}

function FilterBar() {
  const input = useRef<HTMLInputElement>(null);
  const apply = (): void => send({ type: "filter", text: input.current?.value ?? "" });
  const err = filterError.value;
  return (
    <div id="filter-bar" class={err ? "bad" : activeFilter.value ? "good" : ""}>
      <input ref={input} id="filter" placeholder="Apply a display filter … (e.g. tcp.flags.syn == 1 && tcp.port == 20000)"
        spellcheck={false} onKeyDown={(e) => { if (e.key === "Enter") apply(); }} />
      <button id="filter-apply" onClick={apply}>Apply</button>
      {err && (
        <pre id="filter-error">{err.message}{err.column !== undefined
          ? `\n${err.text}\n${" ".repeat(err.column)}^${"~".repeat(Math.max(0, err.length - 1))}` : ""}</pre>
      )}
    </div>
  );
}

// ---- packet list ------------------------------------------------------------------------------
const scrollTop = signal(0);
const viewHeight = signal(400);

function PacketList() {
  const box = useRef<HTMLDivElement>(null);
  void rowsVersion.value;
  const n = shown.value;
  const first = Math.max(0, Math.floor(scrollTop.value / ROW_HEIGHT));
  const count = Math.ceil(viewHeight.value / ROW_HEIGHT) + 1;
  const last = Math.min(n, first + count);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => { viewHeight.value = el.clientHeight; });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Ask the worker for the rows on screen (plus a margin) that are not cached yet.
  let missing = false;
  for (let k = first; k < last; k++) if (!rowCache.has(k)) { missing = true; break; }
  if (missing) {
    // A wide margin both ways: fast scrolling finds its rows already formatted.
    const from = Math.max(0, first - 200), want = last - from + 400;
    const key = `${from}:${want}:${n}`;
    if (key !== pendingRange) {
      pendingRange = key;
      if (rowCache.size > 20000) rowCache.clear();
      send({ type: "rows", start: from, count: want, req: ++rowReq });
    }
  }
  const rows = [];
  for (let k = first; k < last; k++) {
    const r = rowCache.get(k);
    rows.push(r === undefined
      ? <div class="row pending" key={k} style={{ top: `${k * ROW_HEIGHT}px` }} />
      : <div class={`row c-${r.color}${r.index === selected.value ? " selected" : ""}`} key={k} data-index={r.index}
          style={{ top: `${k * ROW_HEIGHT}px` }} onClick={() => select(r.index)}>
          <span class="no">{r.number}</span><span class="time">{r.time}</span><span class="src">{r.source}</span>
          <span class="dst">{r.destination}</span><span class="proto">{r.protocol}</span><span class="len">{r.length}</span>
          <span class="info">{r.info}</span>
        </div>);
  }
  return (
    <section id="packets">
      <div class="row head"><span class="no">No.</span><span class="time">Time</span><span class="src">Source</span>
        <span class="dst">Destination</span><span class="proto">Protocol</span><span class="len">Length</span><span class="info">Info</span></div>
      <div id="packet-list" ref={box} tabIndex={0} onScroll={(e) => { scrollTop.value = (e.currentTarget as HTMLDivElement).scrollTop; }}
        onKeyDown={(e) => keyNav(e, box.current)}>
        <div class="spacer" style={{ height: `${n * ROW_HEIGHT}px` }}>{rows}</div>
        {n === 0 && <div class="empty">{loaded.value || token === "" ? "Drop a pcap or pcapng file here, or use Open capture…" : "Reading…"}</div>}
      </div>
    </section>
  );
}

function keyNav(e: KeyboardEvent, el: HTMLDivElement | null): void {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  e.preventDefault();
  let pos = -1;
  for (const [k, r] of rowCache) if (r.index === selected.value) { pos = k; break; }
  const next = Math.max(0, Math.min(shown.value - 1, pos + (e.key === "ArrowDown" ? 1 : -1)));
  const r = rowCache.get(next);
  if (r) select(r.index);
  if (el) {
    const y = next * ROW_HEIGHT;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_HEIGHT - el.clientHeight;
  }
}

// ---- details tree and bytes -------------------------------------------------------------------
const collapsed = signal(new Set<number>());

function Tree({ nodes, depth }: { nodes: TreeNode[]; depth: number }) {
  return (
    <ul class={depth === 0 ? "tree" : ""}>
      {nodes.map((n) => {
        const open = depth > 0 ? !collapsed.value.has(n.id) : !collapsed.value.has(n.id) && n.label.startsWith("Transmission");
        const toggle = (): void => {
          const s = new Set(collapsed.value);
          if (depth === 0 && !n.label.startsWith("Transmission")) { if (s.has(-n.id)) s.delete(-n.id); else s.add(-n.id); }
          else if (s.has(n.id)) s.delete(n.id); else s.add(n.id);
          collapsed.value = s;
        };
        const expanded = depth === 0 && !n.label.startsWith("Transmission") ? collapsed.value.has(-n.id) : open;
        return (
          <li key={n.id}>
            <div class={`node${selectedNode.value === n.id ? " selected" : ""}${n.start >= 0 ? " has-bytes" : ""}`} data-node={n.id}
              onClick={() => { selectedNode.value = n.id; highlight.value = [n.start, n.end]; }}>
              <span class="twisty" onClick={(e) => { e.stopPropagation(); toggle(); }}>{n.children.length === 0 ? "" : expanded ? "▾" : "▸"}</span>
              {n.label}
            </div>
            {expanded && n.children.length > 0 && <Tree nodes={n.children} depth={depth + 1} />}
          </li>
        );
      })}
    </ul>
  );
}

/** The narrowest node whose byte range holds `at` (the deeper one on a tie), as Wireshark picks
 *  the field under a clicked byte. */
function nodeAt(nodes: TreeNode[], at: number, best?: TreeNode): TreeNode | undefined {
  for (const n of nodes) {
    if (n.start >= 0 && at >= n.start && at < n.end && (best === undefined || n.end - n.start <= best.end - best.start)) best = n;
    best = nodeAt(n.children, at, best);
  }
  return best;
}

/** Path of ids from the root to `target`, to open the branches that hold it. */
function pathTo(nodes: TreeNode[], target: number): TreeNode[] | undefined {
  for (const n of nodes) {
    if (n.id === target) return [n];
    const p = pathTo(n.children, target);
    if (p) return [n, ...p];
  }
  return undefined;
}

function clickByte(at: number): void {
  const d = details.value;
  if (!d) return;
  const n = nodeAt(d.tree, at);
  if (!n) { highlight.value = [at, at + 1]; selectedNode.value = -1; return; }
  const path = pathTo(d.tree, n.id) ?? [];
  const s = new Set(collapsed.value);
  path.forEach((p, k) => { if (k === 0 && !p.label.startsWith("Transmission")) s.add(-p.id); else s.delete(p.id); });
  batch(() => { collapsed.value = s; selectedNode.value = n.id; highlight.value = [n.start, n.end]; });
  requestAnimationFrame(() => document.querySelector(`[data-node="${n.id}"]`)?.scrollIntoView({ block: "nearest" }));
}

const HEX = "0123456789abcdef";
function Bytes({ bytes }: { bytes: Uint8Array }) {
  const [hs, he] = highlight.value;
  const lines = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const hexCells = [], ascii = [];
    for (let k = o; k < Math.min(bytes.length, o + 16); k++) {
      const b = bytes[k]!;
      const cls = k >= hs && k < he ? "byte hl" : "byte";
      hexCells.push(<span class={cls} data-at={k} key={k} onClick={() => clickByte(k)}>{HEX[b >> 4]! + HEX[b & 15]!}</span>);
      ascii.push(<span class={cls} data-at={k} key={k} onClick={() => clickByte(k)}>{b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."}</span>);
    }
    lines.push(<div class="hexline" key={o}><span class="off">{o.toString(16).padStart(4, "0")}</span><span class="hex">{hexCells}</span><span class="ascii">{ascii}</span></div>);
  }
  return <div id="bytes">{lines}</div>;
}

// ---- explanation, ladder, conversations, expert ------------------------------------------------
function Explain({ d }: { d: Details }) {
  return (
    <div id="explain">
      <h3>What happens</h3>
      {d.narrative.map((l, k) => <p key={k}>{l}</p>)}
      {d.why.length > 0 && <><h3>Why (analysis rules)</h3><ul>{d.why.map((w, k) => <li key={k}>{w}</li>)}</ul></>}
      {d.diagram.length > 0 && <><h3>TCP header (RFC 9293 §3.1)</h3><pre class="diagram">{d.diagram.join("\n")}</pre></>}
      {d.primer.length > 0 && <><h3>Payload bytes</h3><pre class="primer">{d.primer.join("\n")}</pre></>}
    </div>
  );
}

const LADDER_MAX = 400;
function Ladder({ d }: { d: Details }) {
  if (d.stream < 0 || d.segments.length === 0) return <p class="muted">Select a TCP packet to see its stream's ladder.</p>;
  const from = Math.max(0, Math.min(d.at - LADDER_MAX / 2, d.segments.length - LADDER_MAX));
  const segs = d.segments.slice(from, from + LADDER_MAX);
  const W = 640, left = 150, right = W - 150, step = 34, top = 40;
  const H = top + segs.length * step + 20;
  const label = (s: LadderSegment): string =>
    `${s.tags.length ? `[${s.tags.join("] [")}] ` : ""}[${s.flags}] Seq=${s.seq}${s.ackPresent ? ` Ack=${s.ack}` : ""} Len=${s.len}`;
  return (
    <div id="ladder">
      <p class="muted">Stream {d.stream}: client {d.client} ↔ server {d.server}
        {d.segments.length > LADDER_MAX ? ` (segments ${from + 1}–${from + segs.length} of ${d.segments.length})` : ""}</p>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`ladder of stream ${d.stream}`}>
        <text x={left} y={16} text-anchor="middle" class="who">client</text>
        <text x={right} y={16} text-anchor="middle" class="who">server</text>
        <line x1={left} y1={24} x2={left} y2={H} class="lifeline" />
        <line x1={right} y1={24} x2={right} y2={H} class="lifeline" />
        <defs><marker id="arrowhead" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" /></marker></defs>
        {segs.map((s, k) => {
          const y1 = top + k * step, y2 = y1 + step * 0.7;
          const [x1, x2] = s.fromClient ? [left, right] : [right, left];
          const sel = s.index === selected.value;
          const prev = k > 0 ? segs[k - 1] : undefined;
          return (
            <g key={s.index} class={`arrow${sel ? " selected" : ""}${s.tags.length ? " flagged" : ""}`} data-index={s.index}
              onClick={() => select(s.index)}>
              <line x1={x1} y1={y1} x2={x2} y2={y2} marker-end="url(#arrowhead)" />
              <line x1={x1} y1={y1} x2={x2} y2={y2} class="hit" />
              <text x={(left + right) / 2} y={(y1 + y2) / 2 - 4} text-anchor="middle">{label(s)}</text>
              {(prev === undefined || prev.client !== s.client) && <text x={left - 6} y={y2} text-anchor="end" class="state">{s.client}</text>}
              {(prev === undefined || prev.server !== s.server) && <text x={right + 6} y={y2} class="state">{s.server}</text>}
              <text x={4} y={y1 + 4} class="frame">#{s.number}</text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function Conversations() {
  return (
    <table id="conversations"><thead><tr><th>Stream</th><th>Address A</th><th>Address B</th><th>Packets</th><th>Bytes</th><th>Duration (s)</th></tr></thead>
      <tbody>{convs.value.map((c) => (
        <tr key={c.stream} onClick={() => select(c.firstIndex)}><td>{c.stream}</td><td>{c.a}</td><td>{c.b}</td><td>{c.packets}</td><td>{c.bytes}</td><td>{(c.durationNs / 1e9).toFixed(6)}</td></tr>
      ))}</tbody></table>
  );
}

function Expert() {
  if (experts.value.length === 0) return <p class="muted">No analysis flags in this capture.</p>;
  return (
    <table id="expert"><thead><tr><th>Severity</th><th>Group</th><th>Field</th><th>Count</th></tr></thead>
      <tbody>{experts.value.map((e) => (
        <tr key={e.summary} class={`sev-${e.severity}`} onClick={() => select(e.firstIndex)}><td>{e.severity}</td><td>{e.group}</td><td>{e.summary}</td><td>{e.count}</td></tr>
      ))}</tbody></table>
  );
}

function SidePane() {
  const d = details.value;
  const tabs: Array<[typeof tab.value, string]> = [["explain", "Explanation"], ["ladder", "Ladder"], ["conversations", "Conversations"], ["expert", "Expert"]];
  return (
    <section id="side">
      <nav>{tabs.map(([id, label]) => (
        <button key={id} id={`tab-${id}`} class={tab.value === id ? "active" : ""}
          onClick={() => { tab.value = id; if (id === "conversations" || id === "expert") send({ type: "stats" }); }}>{label}</button>
      ))}</nav>
      <div class="pane">
        {tab.value === "explain" && (d ? <Explain d={d} /> : <p class="muted">Select a packet.</p>)}
        {tab.value === "ladder" && (d ? <Ladder d={d} /> : <p class="muted">Select a TCP packet.</p>)}
        {tab.value === "conversations" && <Conversations />}
        {tab.value === "expert" && <Expert />}
      </div>
    </section>
  );
}

const dragging = signal(false);
function App() {
  useEffect(() => {
    const over = (e: DragEvent): void => { e.preventDefault(); dragging.value = true; };
    const leave = (): void => { dragging.value = false; };
    const drop = (e: DragEvent): void => {
      e.preventDefault(); dragging.value = false;
      const f = e.dataTransfer?.files[0];
      if (f) openFile(f);
    };
    window.addEventListener("dragover", over); window.addEventListener("dragleave", leave); window.addEventListener("drop", drop);
    void start();
    return () => { window.removeEventListener("dragover", over); window.removeEventListener("dragleave", leave); window.removeEventListener("drop", drop); };
  }, []);
  const d = details.value;
  return (
    <div id="app" class={dragging.value ? "dragging" : ""}>
      <Header />
      <FilterBar />
      {errorText.value && <div id="error-banner" role="alert">{errorText.value}<button onClick={() => { errorText.value = ""; }}>×</button></div>}
      <PacketList />
      <div id="lower">
        <section id="details">{d ? <Tree nodes={d.tree} depth={0} /> : <p class="muted">No packet selected.</p>}</section>
        <section id="bytes-pane">{d ? <Bytes bytes={d.bytes} /> : null}</section>
        <SidePane />
      </div>
    </div>
  );
}

export const hasSelection = computed(() => selected.value >= 0);
render(<App />, document.getElementById("root")!);
