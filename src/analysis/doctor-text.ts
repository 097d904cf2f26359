/** The diagnosis in words (`synack doctor` without --json): the capture's one-line summary, its
 *  artefacts, then each connection worst first with its claims. `paint` colours (or not). */
import type { CaptureDiagnosis, ConnDiagnosis, DoctorClaim } from "./doctor-report.js";
import { duration } from "./doctor-report.js";

/** How the text is coloured: a style name and the text (identity without colour). */
export type DoctorPaint = (style: "bold" | "red" | "yellow" | "green" | "dim", text: string) => string;

const MARK: Record<DoctorClaim["kind"], string> = { problem: "!", note: "-", artefact: "?" };

function claimLine(x: DoctorClaim, indent: string, paint: DoctorPaint): string {
  const mark = x.kind === "problem" ? paint("red", MARK.problem) : x.kind === "artefact" ? paint("yellow", MARK.artefact) : MARK.note;
  return `${indent}${mark} ${x.text}\n`;
}

/** One connection's block. */
export function formatConnDiagnosis(c: ConnDiagnosis, paint: DoctorPaint): string {
  let out = paint("bold", `tcp.stream ${c.stream}: ${c.a} ↔ ${c.b}`)
    + ` (frames ${c.frames[0]}–${c.frames[1]}, ${c.packets} packets, ${duration(c.durationNs)})\n`;
  out += `  ${c.ok ? paint("green", c.headline) : paint("red", c.headline)}\n`;
  for (const d of c.directions) {
    const [first, ...rest] = d.claims;
    if (first !== undefined) out += claimLine(first, "  ", paint);
    for (const x of rest) out += claimLine(x, "      ", paint);
  }
  for (const x of c.claims) out += claimLine(x, "  ", paint);
  return out;
}

/** The whole report: a capture with nothing wrong is one line; otherwise the artefacts, each
 *  connection with a problem in full (worst first), and the others a line each. `full` (--all,
 *  --stream) prints every connection in full. */
export function* doctorTextChunks(d: CaptureDiagnosis, paint: DoctorPaint, full = false): Generator<string> {
  yield (d.ok ? paint("green", d.summary) : paint("bold", d.summary)) + "\n";
  if (d.ok && !full) return;
  for (const x of d.artefacts) yield claimLine(x, "", paint);
  for (const c of d.connections) {
    if (full || !c.ok) yield "\n" + formatConnDiagnosis(c, paint);
    else yield `${c === d.connections.find((y) => y.ok) ? "\n" : ""}tcp.stream ${c.stream}: ${c.a} ↔ ${c.b}: ${paint("green", c.headline)}\n`;
  }
}
