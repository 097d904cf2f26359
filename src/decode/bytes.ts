/** Big-endian reads on a Uint8Array. Views read through these instead of a DataView so that
 *  pointing a view at a new frame allocates nothing (a DataView per frame would). Callers
 *  check bounds first; out-of-range bytes read as 0, never throw. */

/** An empty byte array, the initial target of every view. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** Unsigned 8-bit value at `at` (0 past the end). */
export const u8 = (b: Uint8Array, at: number): number => b[at] ?? 0;
/** Unsigned big-endian 16-bit value at `at`. */
export const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
/** Unsigned big-endian 32-bit value at `at`, as a uint32 number. */
export const u32 = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
/** Unsigned little-endian 16-bit value at `at`. */
export const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
/** Unsigned little-endian 32-bit value at `at`, as a uint32 number. */
export const u32le = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;

/** Writes a big-endian 16-bit value. */
export function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 255; b[at + 1] = v & 255;
}
/** Writes a big-endian 32-bit value. */
export function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 255; b[at + 1] = (v >>> 16) & 255; b[at + 2] = (v >>> 8) & 255; b[at + 3] = v & 255;
}
