/** The verdict of a scenario's capture: for each expected phenomenon, the frames whose display
 *  filter holds, evaluated by synack's own filter engine over synack's analysis (the same text that
 *  `tshark -Y` takes, so the tests can compare the two frame lists), plus any further check. */
import { readCaptureBytes, type CaptureRecord } from "../capture/index.js";
import { collectPackets, type PacketFacts } from "../analysis/index.js";
import { compileFrameFilter } from "../tshark/index.js";
import type { Phenomenon, Scenario } from "./scenario.js";

/** One phenomenon's outcome. */
export interface PhenomenonVerdict {
  id: string;
  label: string;
  filter: string;
  /** Frames the filter matched (frame.number), in order. */
  frames: number[];
  /** Whether the phenomenon is as expected (present, or absent when `absent`). */
  ok: boolean;
  /** Why not, when not ok. */
  why?: string;
}

/** The verdict of a whole capture. */
export interface Verdict {
  phenomena: PhenomenonVerdict[];
  ok: boolean;
  /** Every TCP segment, as explain sees it (for the narrative of key frames). */
  packets: PacketFacts[];
}

async function* iterate(recs: readonly CaptureRecord[]): AsyncGenerator<CaptureRecord> { for (const r of recs) yield r; }

/** The frames of `records` a display filter matches (synack's engine and analysis). Any field of the
 *  catalogue works: those outside the fast registry are read off each frame's field tree, as
 *  `synack read -Y` reads them. Throws an Error naming the filter when it does not compile (a
 *  scenario bug). */
export function framesMatching(records: readonly CaptureRecord[], filter: string): number[] {
  const c = compileFrameFilter(filter);
  if (!c.ok) throw new Error(`display filter '${filter}' does not compile: ${c.message}`);
  const out: number[] = [];
  for (const r of records) if (c.filter.matches(r)) out.push(r.index);
  return out;
}

/** Evaluates one phenomenon. */
export function judge(p: Phenomenon, records: readonly CaptureRecord[], packets: readonly PacketFacts[]): PhenomenonVerdict {
  const frames = framesMatching(records, p.filter);
  const base = { id: p.id, label: p.label, filter: p.filter, frames };
  const min = p.min ?? 1;
  if (p.absent === true) {
    return frames.length === 0 ? { ...base, ok: true } : { ...base, ok: false, why: `expected none, found ${frames.length}` };
  }
  if (frames.length < min) return { ...base, ok: false, why: `expected at least ${min}, found ${frames.length}` };
  if (p.check !== undefined) {
    const set = new Set(frames);
    const why = p.check(packets.filter((q) => set.has(q.frame)), packets);
    if (why !== undefined) return { ...base, ok: false, why };
  }
  return { ...base, ok: true };
}

/** Reads a capture (pcap or pcapng bytes) and judges every phenomenon of the scenario. */
export async function verdictOf(s: Scenario, capture: Uint8Array): Promise<Verdict> {
  const { records } = readCaptureBytes(capture);
  const packets = await collectPackets(iterate(records));
  const phenomena = s.phenomena.map((p) => judge(p, records, packets));
  return { phenomena, ok: phenomena.every((v) => v.ok), packets };
}

/** Frame numbers compactly: "3, 5, 7–12" (at most `max` items, then "… (N in all)"). */
export function frameList(frames: readonly number[], max = 12): string {
  const parts: string[] = [];
  for (let i = 0; i < frames.length; i++) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${frames[i]}–${frames[j]}` : j === i ? `${frames[i]}` : `${frames[i]}, ${frames[j]}`);
    i = j;
  }
  const shown = parts.slice(0, max).join(", ");
  return parts.length > max ? `${shown}, … (${frames.length} in all)` : shown;
}

/** The verdict line of a phenomenon: "present  retransmission: … (frames 9, 14)". */
export function verdictLine(v: PhenomenonVerdict, absent: boolean): string {
  const state = absent ? (v.ok ? "absent " : "PRESENT") : (v.ok ? "present" : "MISSING");
  const frames = v.frames.length > 0 ? ` (frame${v.frames.length === 1 ? "" : "s"} ${frameList(v.frames)})` : "";
  return `${v.ok ? "ok  " : "FAIL"} ${state} ${v.id}: ${v.label}${frames}${v.ok ? "" : ` — ${v.why}`}`;
}
