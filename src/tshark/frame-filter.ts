/** A display filter run over a capture's records in capture order, exactly as `synack read -Y`
 *  runs it: the registry's fields from FieldRows (which analyses every frame itself), any other
 *  field of the catalogue from the frame's field tree (a CaptureSession then decodes and analyses
 *  too). Used by the lab's verdicts and the web page's filter bar.
 *  ```ts
 *  const c = compileFrameFilter("tcp.options.mss_val < 1000");
 *  if (!c.ok) return c;                          // tshark's message, column and length
 *  for (const rec of records) if (c.filter.matches(rec, info)) keep(rec.index);
 *  ```
 *  Every record must be passed, in order (the analysis sees them all); `restart()` starts again
 *  from the first frame. */
import type { CaptureInfo, CaptureRecord } from "../capture/index.js";
import type { DisplayFilter, FilterError } from "../filter/index.js";
import { compileRowFilter, FieldRows, type RowFilterField } from "./rows.js";
import { CaptureSession } from "./session.js";
import { filterTreeValues } from "./tree-rows.js";

/** A compiled filter and the analysis state of the frames it has seen. */
export class FrameFilter {
  #rows!: FieldRows;
  #session: CaptureSession | undefined;
  #tree: ReturnType<typeof filterTreeValues>;

  constructor(readonly compiled: DisplayFilter<RowFilterField>) { this.restart(); }

  /** Forgets every frame seen: the next record is the capture's first. */
  restart(): void {
    this.#rows = new FieldRows([], {}, {}, false);
    this.#rows.useFilter(this.compiled);
    this.#tree = filterTreeValues(this.compiled);
    this.#session = undefined;
    if (this.#tree !== undefined) {
      this.#rows.useTree(this.#tree);
      this.#session = new CaptureSession();
    }
  }

  /** Whether the filter keeps `rec`, the next record of the capture; `info` names pcapng interfaces. */
  matches(rec: CaptureRecord, info?: CaptureInfo): boolean {
    if (this.#tree !== undefined) this.#tree.point(this.#session!.step(rec, info));
    return this.#rows.matches(rec);
  }
}

/** Compiles `text` with every field of the catalogue, or says why not (tshark's message). */
export function compileFrameFilter(text: string): { ok: true; filter: FrameFilter } | FilterError {
  const c = compileRowFilter(text, true);
  return c.ok ? { ok: true, filter: new FrameFilter(c.filter) } : c;
}
