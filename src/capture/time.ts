/** pcapng timestamps: a 64-bit count of 10^-n or 2^-n second units → integer seconds + nanoseconds. */

import type { CaptureRecord } from "./types.js";

const TWO32 = 4_294_967_296;
const MASK64 = (1n << 64n) - 1n;
const NS = 1_000_000_000;

/** The time unit of one interface, chosen once when its IDB is read. */
export interface TimeUnit {
  /** Units per second as a bigint (saturated at 2^64 - 1, as tshark 4.0 does for 10^-20 and finer). */
  unitsBig: bigint;
  /** Units per second as a number when below 2^32, else 0 (slow path). */
  units: number;
  /** Nanoseconds per unit when 1e9 is a multiple of `units` (µs, ns, ms, s, 2^-1..2^-9), else 0. */
  nsPerUnit: number;
  /** if_tsoffset, seconds. */
  offset: number;
}

/** The time unit for an if_tsresol byte (bit 7: power of 2, else power of 10) and an if_tsoffset. */
export function timeUnit(tsresol: number, offset: number): TimeUnit {
  const exp = tsresol & 0x7f;
  let big = (tsresol & 0x80) !== 0 ? 1n << BigInt(exp) : 10n ** BigInt(exp);
  // tshark 4.0: a resolution of 2^64 units per second or finer behaves as 2^64 - 1 (checked with crafted files).
  if (big > MASK64) big = MASK64;
  const units = big < BigInt(TWO32) ? Number(big) : 0;
  const nsPerUnit = units > 0 && NS % units === 0 ? NS / units : 0;
  return { unitsBig: big, units, nsPerUnit, offset };
}

/** Sets rec.tsSec/tsNsec from the two 32-bit halves of a pcapng timestamp.
 *  tshark 4.0 (wiretap): secs = ts / units; nsecs = ((ts % units) * 1e9 mod 2^64) / units, truncated;
 *  the 64-bit wrap of that product matters only for resolutions finer than about 2^-34 s. */
export function setPcapngTime(u: TimeUnit, hi: number, lo: number, rec: CaptureRecord): void {
  const units = u.nsPerUnit;
  if (units !== 0) {
    const U = u.units;
    const q1 = Math.floor(hi / U);
    if (q1 < 2_097_152) { // q1 · 2^32 stays below 2^53: exact in doubles
      // Long division of (hi · 2^32 + lo) by U in 16-bit steps; every intermediate is below 2^48.
      let r = hi - q1 * U;
      r = r * 65_536 + (lo >>> 16);
      const q2 = Math.floor(r / U);
      r = (r - q2 * U) * 65_536 + (lo & 0xffff);
      const q3 = Math.floor(r / U);
      r -= q3 * U;
      rec.tsSec = q1 * TWO32 + q2 * 65_536 + q3 + u.offset;
      rec.tsNsec = r * units;
      return;
    }
  }
  setPcapngTimeBig(u, hi, lo, rec);
}

/** The exact (bigint) path for unusual resolutions and very large counts. */
function setPcapngTimeBig(u: TimeUnit, hi: number, lo: number, rec: CaptureRecord): void {
  const ts = (BigInt(hi) << 32n) | BigInt(lo);
  const secs = ts / u.unitsBig;
  const rem = ts % u.unitsBig;
  rec.tsSec = Number(secs) + u.offset;
  rec.tsNsec = Number(((rem * 1_000_000_000n) & MASK64) / u.unitsBig);
}

/** For writers: sec + ns → the two 32-bit halves of a count of nanoseconds (`nanos`, if_tsresol 9) or of
 *  microseconds (if_tsresol 6, the sub-µs part truncated). Throws RangeError for times before the epoch or
 *  past 2^64 units (programmer error, not file data). */
export function timeHalves(tsSec: number, tsNsec: number, nanos = true): [hi: number, lo: number] {
  if (!(tsSec >= 0) || !(tsNsec >= 0) || tsNsec >= NS || !Number.isInteger(tsSec) || !Number.isInteger(tsNsec)) {
    throw new RangeError(`cannot write time ${tsSec}.${tsNsec}: need integer seconds ≥ 0 and 0 ≤ ns < 1e9`);
  }
  const units = nanos ? NS : 1_000_000;
  const sub = nanos ? tsNsec : Math.floor(tsNsec / 1000);
  if (tsSec < TWO32) {
    // tsSec = a·2^16 + b with a < 2^16: a·units·2^16 + b·units + sub, every product below 2^53.
    const a = Math.floor(tsSec / 65_536);
    const b = tsSec - a * 65_536;
    const low = b * units + sub; // < 2^46
    const lowHi = Math.floor(low / TWO32);
    const aU = a * units; // < 2^46
    const aHi = Math.floor(aU / 65_536);
    let lo = (aU - aHi * 65_536) * 65_536 + (low - lowHi * TWO32);
    let hi = aHi + lowHi;
    if (lo >= TWO32) { lo -= TWO32; hi += 1; }
    return [hi, lo];
  }
  const v = BigInt(tsSec) * BigInt(units) + BigInt(sub);
  if (v > MASK64) throw new RangeError(`cannot write time ${tsSec}.${tsNsec}: beyond 2^64 ${nanos ? "ns" : "µs"}`);
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}
