/** The small contract between the display-filter engine and whoever supplies field values
 *  (the read command's field registry and per-frame extraction). */

/** What a field holds, which decides the literals and operators it accepts:
 *  - `uint`/`int`: integers (`bytes` gives the width used for range checks and messages);
 *  - `bool`: a flag bit such as `tcp.flags.syn`, value 0 or 1 (any non-zero number is true);
 *  - `flag`: a marker that is present or absent (`tcp.analysis.retransmission`); existence only;
 *  - `ipv4`: uint32 address; `ipv6`: 16 bytes;
 *  - `string`: text; `bytes`: raw bytes (`tcp.payload`);
 *  - `time`: a relative time or duration in seconds; `float`: any other number;
 *  - `abstime`: a date and time (FT_ABSOLUTE_TIME), seconds since 1970-01-01 UTC;
 *  - `protocol`: a layer (`tcp`, `ip`): its value is the layer's bytes, header first;
 *  - `ether`: a MAC address, 6 bytes (FT_ETHER). */
export type FilterKind = "uint" | "int" | "bool" | "flag" | "ipv4" | "ipv6" | "string" | "bytes"
  | "time" | "abstime" | "float" | "protocol" | "ether";

/** Compile-time facts about one field. Adapters may extend it with whatever they need to find
 *  the values fast at run time: the engine hands the same object back to `FilterFrame.values`. */
export interface FilterFieldInfo {
  /** What the field holds. */
  readonly kind: FilterKind;
  /** Width in bytes of a `uint`/`int` field (1, 2, 3, 4 or 8); 4 when absent. */
  readonly bytes?: number;
}

/** One occurrence of a field's value, by kind: number for uint, int, bool, ipv4 (uint32), time
 *  (seconds) and float; Uint8Array for ipv6 (16 bytes), ether (6), bytes and protocol; string for string.
 *  A `flag` occurrence may be any value. */
export type FilterValue = number | string | Uint8Array;

/** The known field names, asked once per name while compiling. */
export interface FilterFields<F extends FilterFieldInfo = FilterFieldInfo> {
  /** The field called `name` (a Wireshark name such as `tcp.srcport`), or undefined. */
  lookup(name: string): F | undefined;
}

/** One frame, asked for values while a compiled filter runs. */
export interface FilterFrame<F extends FilterFieldInfo = FilterFieldInfo> {
  /** Writes every occurrence of `field` in this frame to out[at], out[at+1], … and returns how
   *  many it wrote (0 when the field is absent). `out` grows as needed; reuse it. */
  values(field: F, out: FilterValue[], at: number): number;
}

/** A compiled display filter. */
export interface DisplayFilter<F extends FilterFieldInfo = FilterFieldInfo> {
  /** The filter text it was compiled from. */
  readonly text: string;
  /** Every field the filter reads, each once (after alias expansion). */
  readonly fields: readonly F[];
  /** True when the frame passes. Allocates nothing once the scratch buffers have grown. */
  matches(frame: FilterFrame<F>): boolean;
}

/** Why a filter did not compile, with the span to underline (`column` is a 0-based character
 *  offset into the filter text; undefined when the filter ended too early). */
export interface FilterError {
  readonly ok: false;
  /** tshark 4.0's wording where we know it. */
  readonly message: string;
  readonly column: number | undefined;
  readonly length: number;
}

/** compileFilter's result. */
export type CompileResult<F extends FilterFieldInfo = FilterFieldInfo> =
  | { readonly ok: true; readonly filter: DisplayFilter<F> }
  | FilterError;
