/** The filter bar: the display filter of `synack read -Y` (src/tshark's FrameFilter, so every
 *  field of the catalogue, with tshark's messages), run over the stored packets in capture order. */
import { newRecord, type CaptureInfo } from "../../capture/index.js";
import { compileFrameFilter } from "../../tshark/index.js";
import type { PacketStore } from "./store.js";

export type ViewFilter =
  | { ok: true; matches: (i: number) => boolean }
  | { ok: false; message: string; column: number | undefined; length: number };

/** Compiles `text`; `matches(i)` tests packet i of `store`. The filter's analysis sees every
 *  packet in order, so asking for packets in increasing order (as the worker does) costs one pass;
 *  an earlier packet starts again from the first. `info` names the pcapng interfaces. */
export function compileViewFilter(text: string, store: PacketStore, info: () => CaptureInfo | undefined): ViewFilter {
  const c = compileFrameFilter(text);
  if (!c.ok) return { ok: false, message: c.message, column: c.column, length: c.length };
  const f = c.filter, rec = newRecord();
  let next = 0, last = false;
  return {
    ok: true,
    matches: (i) => {
      if (i === next - 1) return last;
      if (i < next) { f.restart(); next = 0; }
      while (next <= i) { last = f.matches(store.record(next, rec), info()); next++; }
      return last;
    },
  };
}
