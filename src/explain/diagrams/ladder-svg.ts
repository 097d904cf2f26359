/** The ladder model drawn as SVG by hand (no drawing library): lifelines, one
 *  `<line class="arrow" data-frame="N">` per segment, states beside the lifelines where they
 *  change, marks in red, and each collapsed run as `<g class="run" data-frames="A-B">` that
 *  the web view can expand (the run's segments are in the model). All text is XML-escaped. */
import { ladderTime, type LadderArrow, type LadderModel, type LadderRun } from "./ladder.js";

/** SVG rendering options. */
export interface LadderSvgOptions {
  /** Runs to draw segment by segment, by first frame; `true` expands all. */
  expand?: boolean | ReadonlySet<number>;
  /** Adds a `<title>` (default: `TCP stream N`). */
  title?: string;
}

/** Text safe inside an XML element or a double-quoted attribute. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;"))
    // XML 1.0 forbids most C0 controls even escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "\uFFFD");
}

/** Geometry, in SVG user units (px). */
const G = {
  width: 820, clientX: 270, serverX: 650, top: 64, row: 40, slope: 14, markRow: 14, ghostRow: 22, runRow: 54,
} as const;

const STYLE = `
.lifeline{stroke:#555;stroke-width:2}
.arrow{stroke:#1f4e8c;stroke-width:1.5;marker-end:url(#head)}
.arrow.s2c{stroke:#2e7d32}
.arrow.problem{stroke:#c62828;stroke-dasharray:6 3}
.ghost{stroke:#c62828;stroke-width:1.2;stroke-dasharray:3 3}
text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;fill:#222}
.head{font-weight:bold;font-size:13px}
.state{fill:#6a1b9a;font-weight:bold}
.frame{fill:#666}
.mark.problem{fill:#c62828}
.mark.note{fill:#8d6e00}
.run rect{fill:#e3ecf7;stroke:#1f4e8c;stroke-dasharray:4 2}
`;

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Draws the ladder; valid standalone SVG 1.1. */
export function renderLadderSvg(m: LadderModel, opts: LadderSvgOptions = {}): string {
  const { clientX: cx, serverX: sx } = G;
  const mid = (cx + sx) / 2;
  const body: string[] = [];
  let y = G.top;

  const expanded = (r: LadderRun): boolean =>
    opts.expand === true || (opts.expand instanceof Set && opts.expand.has(r.firstFrame));

  const arrow = (a: LadderArrow, indent: string): void => {
    const problem = a.marks.some((k) => k.severity === "problem");
    const x1 = a.fromClient ? cx : sx, x2 = a.fromClient ? sx : cx;
    if (a.marks.some((k) => k.id === "lost_segment")) {
      // A segment before this one is missing from the capture: a dashed arrow that ends in a cross.
      const gx = a.fromClient ? cx + (sx - cx) * 0.55 : sx - (sx - cx) * 0.55, gy = y + 10;
      body.push(`${indent}<g class="ghost-segment" data-before-frame="${a.frame}">` +
        `<line class="ghost" x1="${x1}" y1="${f(y)}" x2="${f(gx)}" y2="${f(gy)}"/>` +
        `<text class="mark problem" x="${f(gx)}" y="${f(gy + 4)}" text-anchor="middle">×</text>` +
        `<text class="mark problem" x="${f(a.fromClient ? gx + 10 : gx - 10)}" y="${f(gy + 4)}" text-anchor="${a.fromClient ? "start" : "end"}">not captured</text></g>`);
      y += G.ghostRow;
    }
    const ack = a.ack === undefined ? "" : ` ack=${a.ack}`;
    const label = `${a.flags} seq=${a.seq}${ack} len=${a.len}`;
    const cls = `arrow ${a.fromClient ? "c2s" : "s2c"}${problem ? " problem" : ""}${a.marks.map((k) => " " + k.id).join("")}`;
    const y1 = y + 16, y2 = y1 + G.slope;
    const lines: string[] = [];
    lines.push(`<text class="frame" x="8" y="${f(y2)}">#${a.frame}  ${xmlEscape(ladderTime(a.timeNs))} ms</text>`);
    lines.push(`<text class="label" x="${mid}" y="${f(y + 12)}" text-anchor="middle">${xmlEscape(label)}</text>`);
    lines.push(`<line class="${cls}" data-frame="${a.frame}" x1="${x1}" y1="${f(y1)}" x2="${x2}" y2="${f(y2)}"/>`);
    if (a.clientState !== undefined) lines.push(`<text class="state" x="${cx - 8}" y="${f(a.fromClient ? y1 + 4 : y2 + 4)}" text-anchor="end">${xmlEscape(a.clientState)}</text>`);
    if (a.serverState !== undefined) lines.push(`<text class="state" x="${sx + 8}" y="${f(a.fromClient ? y2 + 4 : y1 + 4)}">${xmlEscape(a.serverState)}</text>`);
    y += G.row;
    const shown = a.marks.filter((k) => k.id !== "lost_segment");
    if (shown.length > 0) {
      const sev = shown.some((k) => k.severity === "problem") ? "problem" : "note";
      lines.push(`<text class="mark ${sev}" x="${mid}" y="${f(y + 2)}" text-anchor="middle">[${xmlEscape(shown.map((k) => k.label).join(", "))}]</text>`);
      y += G.markRow;
    }
    body.push(`${indent}<g class="segment" data-frame="${a.frame}">${lines.join("")}</g>`);
  };

  for (const it of m.items) {
    if (it.kind === "segment") { arrow(it, "  "); continue; }
    const frames = `${it.firstFrame}-${it.lastFrame}`;
    if (expanded(it)) {
      body.push(`  <g class="run expanded" data-frames="${frames}" data-count="${it.count}">`);
      for (const a of it.members) arrow(a, "    ");
      body.push("  </g>");
      continue;
    }
    const h = G.runRow - 8;
    body.push(`  <g class="run" data-frames="${frames}" data-count="${it.count}">` +
      `<rect x="${cx}" y="${f(y + 4)}" width="${sx - cx}" height="${h}" rx="4"/>` +
      `<text class="frame" x="8" y="${f(y + 20)}">#${frames}</text>` +
      `<text class="frame" x="8" y="${f(y + 36)}">${xmlEscape(ladderTime(it.timeStartNs))}–${xmlEscape(ladderTime(it.timeEndNs))} ms</text>` +
      `<text class="label" x="${mid}" y="${f(y + 20)}" text-anchor="middle">${it.count} segments of data and ACKs (frames ${frames})</text>` +
      `<text class="label" x="${mid}" y="${f(y + 36)}" text-anchor="middle">→ ${it.bytesFromClient} B in ${it.segmentsFromClient} segments   ← ${it.bytesFromServer} B in ${it.segmentsFromServer} segments</text></g>`);
    y += G.runRow;
  }

  const bottom = y + 16;
  const height = bottom + 24;
  const title = opts.title ?? `TCP stream ${m.stream}`;
  const cName = `client ${m.client.address}:${m.client.port}`, sName = `server ${m.server.address}:${m.server.port}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" class="ladder" data-stream="${m.stream}" width="${G.width}" height="${f(height)}" viewBox="0 0 ${G.width} ${f(height)}">`,
    `  <title>${xmlEscape(title)}</title>`,
    `  <defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">` +
      `<path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>`,
    `  <style>${STYLE}</style>`,
    `  <text class="head" x="${cx}" y="20" text-anchor="middle">${xmlEscape(cName)}</text>`,
    `  <text class="head" x="${sx}" y="20" text-anchor="middle">${xmlEscape(sName)}</text>`,
    `  <text class="state" x="${cx - 8}" y="${G.top - 6}" text-anchor="end">${xmlEscape(m.client.initial)}</text>`,
    `  <text class="state" x="${sx + 8}" y="${G.top - 6}">${xmlEscape(m.server.initial)}</text>`,
    `  <line class="lifeline" x1="${cx}" y1="30" x2="${cx}" y2="${f(bottom)}"/>`,
    `  <line class="lifeline" x1="${sx}" y1="30" x2="${sx}" y2="${f(bottom)}"/>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}
