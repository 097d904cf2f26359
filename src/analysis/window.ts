/** Window scaling (spec §5): learning the shift from options, and the scaled window and scale
 *  factor shown for display. The analysis itself always uses the raw 16-bit window. */
import { FlowState, WS_NOT_USED, WS_UNKNOWN } from "./flow.js";

/** RFC 7323 §2.3: a shift above 14 is used as 14. tshark 4.0 does the same (spec §5.2). */
export const MAX_WINDOW_SHIFT = 14;

/** 2^n for n = 0…14 (`2 ** n` is a Math.pow call on the per-packet path). */
const POW2: readonly number[] = Array.from({ length: MAX_WINDOW_SHIFT + 1 }, (_, n) => 2 ** n);
const pow2 = (n: number): number => (n <= MAX_WINDOW_SHIFT ? POW2[n]! : 2 ** n);

/** Window-scale option seen on any packet of `fwd` (SYN or not): effective from its next packet. */
export function learnWindowScale(fwd: FlowState, shift: number): void {
  fwd.winScale = shift > MAX_WINDOW_SHIFT ? MAX_WINDOW_SHIFT : shift;
}

/** After a SYN's options (spec §5.2): no WS on the SYN means no scaling either way; a SYN-ACK
 *  without WS after a SYN without WS keeps the sender at "not used". */
export function negotiateWindowScale(fwd: FlowState, rev: FlowState, synAck: boolean): void {
  if (fwd.winScale === WS_UNKNOWN) { fwd.winScale = WS_NOT_USED; rev.winScale = WS_NOT_USED; }
  else if (synAck && rev.winScale === WS_NOT_USED) fwd.winScale = WS_NOT_USED;
}

/** tcp.window_size: SYN windows are never scaled; unknown scale uses the default-scaling pref if set. */
export function scaledWindow(fwd: FlowState, windowRaw: number, isSyn: boolean, defaultShift: number): number {
  if (isSyn) return windowRaw;
  const ws = fwd.winScale;
  if (ws >= 0) return windowRaw * pow2(ws);
  if (ws === WS_UNKNOWN && defaultShift >= 0) return windowRaw * pow2(defaultShift);
  return windowRaw;
}

/** tcp.window_size_scalefactor (non-SYN only): the multiplier, −1 unknown, −2 not used (spec §5.1). */
export function windowScaleFactor(fwd: FlowState, defaultShift: number): number {
  const ws = fwd.winScale;
  if (ws >= 0) return pow2(ws);
  if (ws === WS_UNKNOWN) return defaultShift >= 0 ? pow2(defaultShift) : -1;
  return -2;
}
