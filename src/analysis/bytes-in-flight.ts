/** Bytes in flight and push bytes sent (spec §6 N, §7.3, §7.4). */
import type { SeqContext } from "./context.js";
import { FIN, PSH, SYN } from "./segment.js";

/** Values at or above this are treated as nonsense and not stored. tshark 4.0, spec §7.3. */
export const BYTES_IN_FLIGHT_LIMIT = 2_000_000_000;

/** N. Gate: data, something unacked (default method) and no lost segment since the peer's last ACK. */
export function bytesInFlight(c: SeqContext): void {
  const { s, fwd, rev } = c;
  if (!c.opts.trackBytesInFlight || c.seglen === 0 || !fwd.validBif) return;
  const list = fwd.unacked;
  let inFlight: number;
  if (c.opts.bifSeqBased) {
    inFlight = (fwd.nextseq - rev.lastAck) >>> 0;
  } else {
    if (list.count === 0) return;
    // Span from the oldest unacked byte to the highest end, relative to the base to survive wrap.
    const base = fwd.baseSeq;
    let lo = 0xffff_ffff, hi = 0;
    const d = list.d;
    for (let i = 0, end = 4 * list.count; i < end; i += 4) {
      const a = (d[i]! - base) >>> 0, b = (d[i + 1]! - base) >>> 0;
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
    inFlight = (hi - lo) >>> 0;
  }
  c.hasRecord = true;
  // SACKed bytes from the peer's most recent packet, first three blocks only (spec §7.3).
  const n = rev.sackCount < c.limits.maxSackBlocks ? rev.sackCount : c.limits.maxSackBlocks;
  for (let i = 0; i < n; i++) inFlight = (inFlight - ((rev.sackRight[i]! - rev.sackLeft[i]!) >>> 0)) >>> 0;
  if (inFlight > 0 && inFlight < BYTES_IN_FLIGHT_LIMIT) {
    c.r.bytesInFlight = inFlight - ((s.flags & (SYN | FIN)) !== 0 ? 1 : 0);
  }
  // Push bytes: restart the count after a PSH boundary (spec §7.4 table).
  const psh = (s.flags & PSH) !== 0;
  if (fwd.pushSetLast) fwd.pushBytesSent = c.seglen;
  else fwd.pushBytesSent += c.seglen;
  fwd.pushSetLast = psh;
  c.r.pushBytesSent = fwd.pushBytesSent;
}
