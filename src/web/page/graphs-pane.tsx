/** The Graphs tab: the selected packet's stream drawn by src/explain's SVG renderer (the same
 *  drawing `synack graph` writes), shown as an image (no markup enters the DOM). Drag across the
 *  plot to zoom into that time span, double-click to see the whole stream again; hovering names
 *  the nearest segment (the worker sends each drawn point's place), a click selects its packet. */
import { useEffect, useRef } from "preact/hooks";
import { signal } from "@preact/signals";
import type { GraphType, StreamDir } from "../../analysis/index.js";
import type { GraphView } from "./graphs.js";
import type { ToWorker } from "./protocol.js";

const TYPES: Array<[GraphType, string]> = [["tseq", "Time-sequence (tcptrace)"], ["stevens", "Time-sequence (Stevens)"],
  ["throughput", "Throughput"], ["rtt", "Round-trip time"], ["inflight", "Bytes in flight"], ["window", "Window scaling"]];

const graphType = signal<GraphType>("tseq");
const graphDir = signal<StreamDir>("a");
/** Zoom: the time window shown, for the stream it was chosen on. */
const zoom = signal<{ stream: number; t0: number; t1: number } | undefined>(undefined);
const view = signal<GraphView | undefined>(undefined);
const graphError = signal("");
const hover = signal(-1);
const drag = signal<{ x0: number; x1: number } | undefined>(undefined);
/** The pane's width in px (a ResizeObserver keeps it). */
const paneWidth = signal(0);
let req = 0;

/** The worker's answers for this tab (main.tsx routes them here). */
export function onGraphMessage(m: { type: "graph"; req: number; view: GraphView } | { type: "graph-error"; req: number; message: string }): void {
  if (m.req !== req) return;
  if (m.type === "graph-error") { graphError.value = m.message; view.value = undefined; return; }
  graphError.value = ""; view.value = m.view; hover.value = -1;
}

/** The drawn point nearest (x, y) within a few px, or −1. */
function nearest(v: GraphView, x: number, y: number): number {
  const h = v.hits;
  let best = -1, bestD = 9;
  for (let i = 0; i < h.x.length; i++) {
    const dx = Math.abs(h.x[i]! - x);
    if (dx >= bestD) continue;
    const top = h.hi[i]!, bottom = h.lo[i]!;
    const dy = y < top ? top - y : y > bottom ? y - bottom : 0;
    const d = dx + dy;
    if (d < bestD) { bestD = d; best = i; }
  }
  return best;
}

/** Time (ns) at pixel column x of the view's plot. */
function timeAt(v: GraphView, x: number): number {
  const L = v.layout;
  const c = Math.max(L.left, Math.min(L.right, x));
  return Math.round(L.t0 + ((c - L.left) / (L.right - L.left)) * (L.t1 - L.t0));
}

export function GraphsPane({ stream, send, select }: { stream: number; send: (m: ToWorker) => void; select: (index: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const z = zoom.value !== undefined && zoom.value.stream === stream ? zoom.value : undefined;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => { paneWidth.value = el.clientWidth; });
    ro.observe(el);
    return () => ro.disconnect();
  }, [stream < 0]);
  // Small steps of width, so a resize redraws only now and then.
  const width = Math.max(420, Math.min(900, Math.floor(((paneWidth.value || 600) - 4) / 20) * 20));
  const height = Math.round(width * 0.625);
  useEffect(() => {
    if (stream < 0) return;
    const m: ToWorker = { type: "graph", req: ++req, stream, graph: graphType.value, dir: graphDir.value, width, height };
    if (z !== undefined) { m.t0 = z.t0; m.t1 = z.t1; }
    send(m);
  }, [stream, graphType.value, graphDir.value, z?.t0, z?.t1, width, height]);
  if (stream < 0) return <p class="muted">Select a TCP packet to graph its stream.</p>;
  const v = view.value !== undefined && view.value.stream === stream ? view.value : undefined;
  const pos = (e: MouseEvent): [number, number] => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const h = v !== undefined && hover.value >= 0 && hover.value < v.hits.x.length ? hover.value : -1;
  const d = drag.value;
  return (
    <div id="graphs" ref={box}>
      <div class="graph-controls">
        <select id="graph-type" value={graphType.value} onChange={(e) => { graphType.value = (e.currentTarget as HTMLSelectElement).value as GraphType; }}>
          {TYPES.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
        </select>
        <select id="graph-dir" value={graphDir.value} onChange={(e) => { graphDir.value = (e.currentTarget as HTMLSelectElement).value as StreamDir; }}>
          <option value="a">{v === undefined ? "a → b" : graphDir.value === "a" ? `${v.from} → ${v.to}` : `${v.to} → ${v.from}`}</option>
          <option value="b">{v === undefined ? "b → a" : graphDir.value === "b" ? `${v.from} → ${v.to}` : `${v.to} → ${v.from}`}</option>
        </select>
        <span class="muted">{z !== undefined ? "zoomed: double-click for the whole stream" : "drag across the plot to zoom"}</span>
      </div>
      {graphError.value !== "" && <p class="muted">{graphError.value}</p>}
      {v === undefined && graphError.value === "" && <p class="muted">Reading stream {stream} through the whole capture…</p>}
      {v !== undefined && (
        <div id="graph-plot" style={{ width: `${width}px`, height: `${height}px` }} data-graph={v.graph} data-dir={v.dir}
          data-t0={v.layout.t0} data-t1={v.layout.t1} data-hits={v.hits.x.length}
          onMouseDown={(e) => { e.preventDefault(); const [x] = pos(e); drag.value = { x0: x, x1: x }; }}
          onMouseMove={(e) => {
            const [x, y] = pos(e);
            if (drag.value !== undefined) { drag.value = { x0: drag.value.x0, x1: x }; return; }
            hover.value = nearest(v, x, y);
          }}
          onMouseLeave={() => { hover.value = -1; drag.value = undefined; }}
          onMouseUp={(e) => {
            const g = drag.value;
            drag.value = undefined;
            if (g === undefined) return;
            const [x] = pos(e);
            if (Math.abs(x - g.x0) > 4) {
              const a = timeAt(v, Math.min(x, g.x0)), b = timeAt(v, Math.max(x, g.x0));
              if (b > a) zoom.value = { stream, t0: a, t1: b };
              return;
            }
            const [, y] = pos(e);
            const k = nearest(v, x, y);
            if (k >= 0 && v.hits.index[k]! >= 0) select(v.hits.index[k]!);
          }}
          onDblClick={() => { zoom.value = undefined; }}>
          <img id="graph-img" alt={`graph of stream ${stream}`} width={width} height={height} draggable={false}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(v.svg)}`} />
          {d !== undefined && Math.abs(d.x1 - d.x0) > 1 && <div class="graph-drag" style={{ left: `${Math.min(d.x0, d.x1)}px`, width: `${Math.abs(d.x1 - d.x0)}px`,
            top: `${v.layout.top}px`, height: `${v.layout.bottom - v.layout.top}px` }} />}
          {h >= 0 && <div class="graph-cursor" style={{ left: `${v.hits.x[h]! - 4}px`, top: `${v.hits.hi[h]! - 4}px`, height: `${v.hits.lo[h]! - v.hits.hi[h]! + 8}px` }} />}
        </div>
      )}
      <p id="graph-hover" class="muted">{h >= 0 ? v!.hits.text[h] : "\u00a0"}</p>
    </div>
  );
}
