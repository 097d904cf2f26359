/** tcp.completeness bits (spec §9). Shown before the update, so single pass shows what the
 *  earlier packets of the stream contributed. */
import { ACK, FIN, RST, SYN } from "./segment.js";

export const COMPLETE_SYN = 1;
export const COMPLETE_SYN_ACK = 2;
export const COMPLETE_ACK = 4;
export const COMPLETE_DATA = 8;
export const COMPLETE_FIN = 16;
export const COMPLETE_RST = 32;

/** Bits this packet adds. `created`: it created the conversation (plain "not found" path), where
 *  only a pure SYN counts (spec §9, §15 item 4). seglen < 0 (unknown) counts as no data. */
export function completenessBits(flags: number, seglen: number, created: boolean): number {
  const syn = (flags & SYN) !== 0, ack = (flags & ACK) !== 0;
  if (created) return syn && !ack ? COMPLETE_SYN | (seglen > 0 ? COMPLETE_DATA : 0) : 0;
  let bits = 0;
  if (syn && ack) bits |= COMPLETE_SYN_ACK;
  if (ack && !syn) bits |= seglen > 0 ? COMPLETE_DATA : COMPLETE_ACK;
  if ((flags & FIN) !== 0 && ack) bits |= COMPLETE_FIN;
  if ((flags & RST) !== 0) bits |= COMPLETE_RST;
  return bits;
}
