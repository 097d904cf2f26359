/** Sequence-space arithmetic, mod 2^32 (RFC 9293 §3.4). tshark 4.0 orders sequence numbers by
 *  the signed 32-bit difference (spec §0); plain equality is bitwise. */

/** a < b in sequence space: the signed 32-bit difference a − b is negative. */
export const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
/** a ≤ b in sequence space. */
export const seqLe = (a: number, b: number): boolean => ((a - b) | 0) <= 0;
/** a > b in sequence space. */
export const seqGt = (a: number, b: number): boolean => ((b - a) | 0) < 0;
/** a ≥ b in sequence space. */
export const seqGe = (a: number, b: number): boolean => ((b - a) | 0) <= 0;
/** a + n mod 2^32, as an unsigned 32-bit number. */
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
/** a − b mod 2^32, as an unsigned 32-bit number (a relative sequence number when b is a base). */
export const seqSub = (a: number, b: number): number => (a - b) >>> 0;
/** All-ones u32: tshark 4.0 parks a dup-ACK counter here after an ACKed-unseen repeat (spec §6 G). */
export const U32_ALL_ONES = 0xffff_ffff;

/** RFC 2883 §4, as tshark 4.0 applies it (spec §11.2): a SACK option's first block reports
 *  duplicate bytes (a D-SACK) when its right edge is at or below the ACK number, or when it lies
 *  inside the second block. `edges`: raw left/right edges, `count` complete blocks. */
export function isDsack(edges: readonly number[], count: number, ackRaw: number): boolean {
  return count > 0 && (seqLe(edges[1]!, ackRaw) || (count >= 2 && seqLt(edges[2]!, edges[1]!) && seqLe(edges[1]!, edges[3]!)));
}
