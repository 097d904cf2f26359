/** The page: Wireshark's three panes plus synack's explanation, ladder, stream graphs,
 *  conversations and expert summary. Capture data reaches the DOM only as text nodes (Preact escapes; no innerHTML). */
import { render } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { signal, computed, batch } from "@preact/signals";
import type { Conversation, Details, ExpertLine, FromWorker, Row, ToWorker } from "./protocol.js";
import { BytesPane, DetailsPane, resetDetailsSelection } from "./details-pane.js";
import { GraphsPane, onGraphMessage } from "./graphs-pane.js";
import { ladderTime, type BytesPrimer, type LadderArrow, type LadderModel, type LadderRun } from "../../explain/diagrams/index.js";
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
/** synack lab: the scenarios the server offers, the chosen one, and the last run's report text. */
const labScenarios = signal<Array<{ name: string; title: string }>>([]);
const labUnavailable = signal<string | undefined>(undefined);
const labChoice = signal("");
const labBusy = signal(false);
const labText = signal("");
const rowsVersion = signal(0);
const rowCache = new Map<number, Row>();
const selected = signal(-1);
const details = signal<Details | undefined>(undefined);
const filterError = signal<{ text: string; message: string; column: number | undefined; length: number } | undefined>(undefined);
const activeFilter = signal("");
const tab = signal<"explain" | "ladder" | "graphs" | "diagnosis" | "conversations" | "expert">("explain");
/** The Diagnosis tab's text (synack doctor on the frames loaded when it was asked), and its request. */
const diagnosis = signal<{ req: number; text: string; frames: number } | undefined>(undefined);
let diagnosisReq = 0;
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
      batch(() => { details.value = m.details; resetDetailsSelection(); });
      break;
    case "ladder": {
      const d = details.value;
      if (d !== undefined && d.index === m.index) details.value = { ...d, ladder: m.ladder, frameIndex: m.frameIndex };
      break;
    }
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
    case "graph": case "graph-error": onGraphMessage(m); break;
    case "doctor": if (m.req === diagnosisReq) diagnosis.value = m; break;
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
    void loadLab().catch(() => undefined);
    if (s.mode === "file") send({ type: "open-url", url: `/api/capture?token=${encodeURIComponent(token)}`, name: s.name ?? "capture" });
    else if (s.mode === "live") {
      live.value = true;
      send({ type: "open-ws", url: `ws://${location.host}/ws?token=${encodeURIComponent(token)}`, name: s.name ?? "live" });
    }
  } catch (err) {
    errorText.value = `cannot reach the synack ui server: ${String(err)}`;
  }
}

async function loadLab(): Promise<void> {
  const r = await fetch(`/api/lab?token=${encodeURIComponent(token)}`);
  if (!r.ok) return;
  const b = await r.json() as { scenarios: Array<{ name: string; title: string }>; unavailable?: string };
  labScenarios.value = b.scenarios;
  labUnavailable.value = b.unavailable;
  labChoice.value = b.scenarios[0]?.name ?? "";
}

/** Runs the chosen lab scenario: its packets stream in like a live capture, then the report. */
async function runLab(): Promise<void> {
  const n = labChoice.value;
  if (n === "") return;
  labBusy.value = true;
  labText.value = `running ${n}…`;
  send({ type: "open-ws", url: `ws://${location.host}/ws/lab?token=${encodeURIComponent(token)}&name=${encodeURIComponent(n)}`, name: `lab: ${n}` });
  try {
    for (let i = 0; i < 200; i++) {
      await new Promise((res) => setTimeout(res, 250));
      const r = await fetch(`/api/lab/report?token=${encodeURIComponent(token)}&name=${encodeURIComponent(n)}`);
      if (r.status === 202 || (r.status === 404 && i < 8)) continue;
      const b = await r.json() as { error?: string; title?: string; setup?: string[]; notes?: string[]; verdictLines?: string[]; keys?: string[]; ladders?: Array<{ stream: number; lines: string[] }> };
      labText.value = b.error !== undefined ? `lab ${n}: ${b.error}` : [`${n}: ${b.title}`, "", ...(b.setup ?? []), ...(b.notes ?? []).map((x) => `note: ${x}`),
        "", "Key packets:", ...(b.keys ?? []).map((k) => `  ${k}`),
        ...(b.ladders ?? []).flatMap((l) => ["", `Ladder (TCP stream ${l.stream}):`, ...l.lines]),
        "", "Verdict:", ...(b.verdictLines ?? [])].join("\n");
      return;
    }
    labText.value = `lab ${n}: no report`;
  } catch (err) {
    labText.value = `lab ${n}: ${String(err)}`;
  } finally {
    labBusy.value = false;
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
      {labScenarios.value.length > 0 && <select id="lab-scenario" title="synack lab scenarios" value={labChoice.value}
        onChange={(e) => { labChoice.value = (e.currentTarget as HTMLSelectElement).value; }}>
        {labScenarios.value.map((x) => <option value={x.name} title={x.title}>{x.name}</option>)}
      </select>}
      {labScenarios.value.length > 0 && <button id="lab-run" disabled={labBusy.value || labUnavailable.value !== undefined}
        title={labUnavailable.value ?? "run the scenario in network namespaces, live"} onClick={() => void runLab()}>{labBusy.value ? "running…" : "Run lab scenario"}</button>}
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

// ---- explanation, ladder, conversations, expert ------------------------------------------------
function Explain({ d }: { d: Details }) {
  const [headline, ...lines] = d.narrative;
  return (
    <div id="explain">
      <h3>What happens</h3>
      {headline !== undefined && <p class="headline">{headline}</p>}
      {lines.length > 0 && <ul class="narrative">{lines.map((l, k) => <li key={k}>{l}</li>)}</ul>}
      {d.diagram.length > 0 && <><h3>TCP header (RFC 9293 §3.1)</h3>
        <p class="muted">32 bits a row; each field with this packet's value in decimal, hex and bits; byte offset on the right.</p>
        <pre class="diagram">{d.diagram.join("\n")}</pre></>}
      {d.primer !== undefined && <Primer p={d.primer} />}
    </div>
  );
}

/** The bytes primer as a table: each payload byte as character, decimal, hex and bits. */
function Primer({ p }: { p: BytesPrimer }) {
  const text = p.allPrintable ? `, as ASCII text: "${p.rows.map((r) => r.char).join("")}${p.omitted > 0 ? "…" : ""}"` : "";
  return (
    <>
      <h3>Payload bytes</h3>
      <p class="muted">{p.total} byte{p.total === 1 ? "" : "s"}{text}. A byte is 8 bits: a number from 0 to 255, which ASCII maps to a character.</p>
      <table class="primer">
        <thead><tr><th>#</th><th>char</th><th>dec</th><th>hex</th><th>bits</th><th /></tr></thead>
        <tbody>{p.rows.map((r) => (
          <tr key={r.index} class={r.printable ? "" : "unprintable"}><td>{r.index}</td><td>{r.printable ? `'${r.char}'` : r.char}</td>
            <td>{r.decimal}</td><td>{r.hex}</td><td>{r.bits}</td><td class="muted">{r.note ?? ""}</td></tr>
        ))}</tbody>
      </table>
      {p.omitted > 0 && <p class="muted">… {p.omitted} more byte{p.omitted === 1 ? "" : "s"} not shown.</p>}
    </>
  );
}

// The ladder is drawn here from src/explain's model as Preact SVG elements (text nodes only, no
// markup from the capture), in the geometry of its SVG renderer narrowed to the pane.
const L = { width: 560, cx: 150, sx: 455, top: 56, row: 40, slope: 14, markRow: 14, ghostRow: 22, runRow: 54, headRow: 20 } as const;
const LADDER_MAX = 400;
/** Runs the user opened or folded, by first frame, for the stream shown. */
const runChoice = signal<{ stream: number; open: Set<number>; folded: Set<number> }>({ stream: -1, open: new Set(), folded: new Set() });

type LadderRow = { kind: "arrow"; a: LadderArrow } | { kind: "run"; r: LadderRun } | { kind: "open-run"; r: LadderRun };

/** Opens a folded run or folds an open one (`isOpen`: as drawn now). */
function toggleRun(stream: number, first: number, isOpen: boolean): void {
  const cur = runChoice.value;
  const open = new Set(cur.stream === stream ? cur.open : []), folded = new Set(cur.stream === stream ? cur.folded : []);
  if (isOpen) { open.delete(first); folded.add(first); } else { open.add(first); folded.delete(first); }
  runChoice.value = { stream, open, folded };
}

/** Rows to draw: arrows, folded runs, and open runs (a header row, then their arrows). A run
 *  holding the selected frame is drawn open unless the user folded it. */
function ladderRows(m: LadderModel, selectedFrame: number): LadderRow[] {
  const c = runChoice.value.stream === m.stream ? runChoice.value : { open: new Set<number>(), folded: new Set<number>() };
  const rows: LadderRow[] = [];
  for (const it of m.items) {
    if (it.kind === "segment") { rows.push({ kind: "arrow", a: it }); continue; }
    const holdsSelected = selectedFrame >= it.firstFrame && selectedFrame <= it.lastFrame && it.members.some((a) => a.frame === selectedFrame);
    if (c.open.has(it.firstFrame) || (holdsSelected && !c.folded.has(it.firstFrame))) {
      rows.push({ kind: "open-run", r: it });
      for (const a of it.members) rows.push({ kind: "arrow", a });
    } else rows.push({ kind: "run", r: it });
  }
  return rows;
}

function Ladder({ d }: { d: Details }) {
  const m = d.ladder;
  if (m === undefined && d.stream >= 0) return <p class="muted">Reading stream {d.stream} through the whole capture…</p>;
  if (m === undefined || m.segments === 0) return <p class="muted">Select a TCP packet to see its stream's ladder.</p>;
  const all = ladderRows(m, d.number);
  const at = Math.max(0, all.findIndex((r) => r.kind === "arrow" && r.a.frame === d.number));
  const from = Math.max(0, Math.min(at - LADDER_MAX / 2, all.length - LADDER_MAX));
  const rows = all.slice(from, from + LADDER_MAX);
  const { cx, sx } = L;
  const mid = (cx + sx) / 2;
  const out = [];
  let y = L.top;
  for (const row of rows) {
    if (row.kind === "run") {
      const r = row.r, frames = `${r.firstFrame}-${r.lastFrame}`;
      out.push(
        <g class="run" key={`run${r.firstFrame}`} data-frames={frames} data-count={r.count} onClick={() => toggleRun(m.stream, r.firstFrame, false)}>
          <title>Click to draw these {r.count} segments one by one</title>
          <rect x={cx} y={y + 4} width={sx - cx} height={L.runRow - 8} rx={4} />
          <text class="frame" x={4} y={y + 20}>#{r.firstFrame}–</text>
          <text class="frame" x={4} y={y + 34}>#{r.lastFrame}</text>
          <text class="label" x={mid} y={y + 20} text-anchor="middle">▸ {r.count} segments of data and ACKs</text>
          <text class="label" x={mid} y={y + 36} text-anchor="middle">→ {r.bytesFromClient} B in {r.segmentsFromClient} seg   ← {r.bytesFromServer} B in {r.segmentsFromServer} seg</text>
        </g>);
      y += L.runRow;
      continue;
    }
    if (row.kind === "open-run") {
      const r = row.r;
      out.push(
        <g class="run expanded" key={`open${r.firstFrame}`} data-frames={`${r.firstFrame}-${r.lastFrame}`} data-count={r.count}
          onClick={() => toggleRun(m.stream, r.firstFrame, true)}>
          <line class="bracket" x1={cx} y1={y + 10} x2={sx} y2={y + 10} />
          <text class="label" x={mid} y={y + 6} text-anchor="middle">▾ frames {r.firstFrame}–{r.lastFrame}: {r.count} segments (click to fold)</text>
        </g>);
      y += L.headRow;
      continue;
    }
    const a = row.a;
    const idx = d.frameIndex[a.frame] ?? -1;
    const problem = a.marks.some((k) => k.severity === "problem");
    const x1 = a.fromClient ? cx : sx, x2 = a.fromClient ? sx : cx;
    const parts = [];
    if (a.marks.some((k) => k.id === "lost_segment")) {
      const gx = a.fromClient ? cx + (sx - cx) * 0.55 : sx - (sx - cx) * 0.55;
      parts.push(<line class="ghost" key="g" x1={x1} y1={y} x2={gx} y2={y + 10} />,
        <text class="mark problem" key="gx" x={gx} y={y + 14} text-anchor="middle">×</text>,
        <text class="mark problem" key="gt" x={a.fromClient ? gx + 10 : gx - 10} y={y + 14} text-anchor={a.fromClient ? "start" : "end"}>not captured</text>);
      y += L.ghostRow;
    }
    const y1 = y + 16, y2 = y1 + L.slope;
    const label = `${a.flags} seq=${a.seq}${a.ack === undefined ? "" : ` ack=${a.ack}`} len=${a.len}`;
    parts.push(
      <text class="frame" key="f" x={4} y={y1 + 2}>#{a.frame}</text>,
      <text class="frame time" key="t" x={4} y={y2 + 4}>{ladderTime(a.timeNs)} ms</text>,
      <text class="label" key="l" x={mid} y={y + 12} text-anchor="middle">{label}</text>,
      <line class="shaft" key="s" x1={x1} y1={y1} x2={x2} y2={y2} marker-end={`url(#ladder-head-${problem ? "bad" : a.fromClient ? "c2s" : "s2c"})`} />,
      <line class="hit" key="h" x1={x1} y1={y1} x2={x2} y2={y2} />);
    if (a.clientState !== undefined) parts.push(<text class="state" key="cs" x={cx - 6} y={(a.fromClient ? y1 : y2) + 4} text-anchor="end">{a.clientState}</text>);
    if (a.serverState !== undefined) parts.push(<text class="state" key="ss" x={sx + 6} y={(a.fromClient ? y2 : y1) + 4}>{a.serverState}</text>);
    y += L.row;
    const shown = a.marks.filter((k) => k.id !== "lost_segment");
    if (shown.length > 0) {
      const sev = shown.some((k) => k.severity === "problem") ? "problem" : "note";
      parts.push(<text class={`mark ${sev}`} key="m" x={mid} y={y + 2} text-anchor="middle">[{shown.map((k) => k.label).join(", ")}]</text>);
      y += L.markRow;
    }
    out.push(
      <g key={`a${a.frame}`} class={`arrow ${a.fromClient ? "c2s" : "s2c"}${problem ? " problem" : ""}${idx === selected.value ? " selected" : ""}`}
        data-index={idx} data-frame={a.frame} onClick={() => { if (idx >= 0) select(idx); }}>{parts}</g>);
  }
  const bottom = y + 12, H = bottom + 8;
  const runs = m.items.filter((it) => it.kind === "run").length;
  return (
    <div id="ladder">
      <p class="muted">Stream {m.stream}: {m.segments} segments{runs > 0 ? `; ${runs} run${runs === 1 ? "" : "s"} of plain data folded (click to open)` : ""}
        {all.length > LADDER_MAX ? ` (rows ${from + 1}–${from + rows.length} of ${all.length} shown)` : ""}</p>
      <svg width={L.width} height={H} viewBox={`0 0 ${L.width} ${H}`} role="img" aria-label={`ladder of stream ${m.stream}`}>
        <defs>{(["c2s", "s2c", "bad"] as const).map((k) => (
          <marker key={k} id={`ladder-head-${k}`} class={k} viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse"
            markerWidth="10" markerHeight="10" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" /></marker>))}</defs>
        <text class="who" x={cx} y={14} text-anchor="middle">client</text>
        <text class="who" x={sx} y={14} text-anchor="middle">server</text>
        <text class="addr" x={cx} y={28} text-anchor="middle">{m.client.address}:{m.client.port}</text>
        <text class="addr" x={sx} y={28} text-anchor="middle">{m.server.address}:{m.server.port}</text>
        {from === 0 && <text class="state" x={cx - 6} y={L.top - 4} text-anchor="end">{m.client.initial}</text>}
        {from === 0 && <text class="state" x={sx + 6} y={L.top - 4}>{m.server.initial}</text>}
        <line class="lifeline" x1={cx} y1={34} x2={cx} y2={bottom} />
        <line class="lifeline" x1={sx} y1={34} x2={sx} y2={bottom} />
        {out}
      </svg>
    </div>
  );
}

/** Integer nanoseconds as seconds with 6 decimals, rounded, by integer arithmetic (STYLE §5). */
function seconds6(ns: number): string {
  const us = Math.round(ns / 1000);
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, "0")}`;
}

function Conversations() {
  return (
    <table id="conversations"><thead><tr><th>Stream</th><th>Address A</th><th>Address B</th><th>Packets</th><th>Bytes</th><th>Duration (s)</th></tr></thead>
      <tbody>{convs.value.map((c) => (
        <tr key={c.stream} onClick={() => select(c.firstIndex)}><td>{c.stream}</td><td>{c.a}</td><td>{c.b}</td><td>{c.packets}</td><td>{c.bytes}</td><td>{seconds6(c.durationNs)}</td></tr>
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
  const tabs: Array<[typeof tab.value, string]> = [["explain", "Explanation"], ["ladder", "Ladder"], ["graphs", "Graphs"], ["diagnosis", "Diagnosis"], ["conversations", "Conversations"], ["expert", "Expert"]];
  return (
    <section id="side">
      <nav>{tabs.map(([id, label]) => (
        <button key={id} id={`tab-${id}`} class={tab.value === id ? "active" : ""}
          onClick={() => {
            tab.value = id;
            if (id === "conversations" || id === "expert") send({ type: "stats" });
            if (id === "diagnosis") { diagnosis.value = undefined; send({ type: "doctor", req: ++diagnosisReq }); }
          }}>{label}</button>
      ))}</nav>
      <div class="pane">
        {tab.value === "explain" && (d ? <Explain d={d} /> : <p class="muted">Select a packet.</p>)}
        {tab.value === "ladder" && (d ? <Ladder d={d} /> : <p class="muted">Select a TCP packet.</p>)}
        {tab.value === "graphs" && <GraphsPane stream={d?.stream ?? -1} send={send} select={select} />}
        {tab.value === "diagnosis" && (diagnosis.value === undefined ? <p class="muted">Diagnosing…</p>
          : <pre id="diagnosis" class="diagnosis">{diagnosis.value.text}</pre>)}
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
      {labText.value !== "" && <pre id="lab-report">{labText.value}</pre>}
      <div id="lower">
        <section id="details">{d ? <DetailsPane d={d} /> : <p class="muted">No packet selected.</p>}</section>
        <section id="bytes-pane">{d ? <BytesPane d={d} /> : null}</section>
        <SidePane />
      </div>
    </div>
  );
}

export const hasSelection = computed(() => selected.value >= 0);
render(<App />, document.getElementById("root")!);
