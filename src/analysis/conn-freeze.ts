/** A lossless compact form of a connection's two `DirectionStats`: a closed connection (both FINs
 *  or a RST) rarely gets another packet, so the collector keeps it as bytes (about a tenth of the
 *  objects' size) and thaws it when one comes. Fields equal to a new DirectionStats' defaults are
 *  left out; the others are (field, value) pairs: a varint index, then a zigzag varint for a safe
 *  integer or 8 bytes for any other double. Sent ranges and the hardware-duplicate memory follow.
 *  The field lists below name every field (test/analysis/conn-stats.test.ts checks none is missing). */
import { DirectionStats, SentRange } from "./conn-stats.js";

export class DirectionFreezer {
  readonly #values = new Float64Array(DIRECTION_VALUES);
  // Made with the first freezer (conn-stats.ts imports this file: no DirectionStats at load time).
  readonly #defaults = new Float64Array(DIRECTION_VALUES);
  #buf: Uint8Array = new Uint8Array(4096);
  #at = 0;
  #view: DataView = new DataView(this.#buf.buffer);
  #rd: Uint8Array = new Uint8Array(0);
  #rdView: DataView = new DataView(new ArrayBuffer(0));

  constructor() { saveDirection(new DirectionStats(), this.#defaults); }

  /** Both directions as bytes (a view of the freezer's buffer, valid until the next call). */
  freeze(a: DirectionStats, b: DirectionStats): Uint8Array {
    this.#at = 0;
    this.#direction(a); this.#direction(b);
    return this.#buf.subarray(0, this.#at);
  }

  /** The two directions back from `freeze`'s bytes. */
  thaw(bytes: Uint8Array, a = new DirectionStats(), b = new DirectionStats()): [DirectionStats, DirectionStats] {
    this.#rd = bytes; this.#at = 0;
    if (this.#rdView.buffer !== bytes.buffer) this.#rdView = new DataView(bytes.buffer);
    this.#base = bytes.byteOffset;
    this.#readDirection(a); this.#readDirection(b);
    return [a, b];
  }

  #direction(d: DirectionStats): void {
    const v = this.#values, def = this.#defaults;
    saveDirection(d, v);
    for (let i = 0; i < DIRECTION_VALUES; i++) if (v[i] !== def[i]) this.#field(i, v[i]!);
    this.#uint(2 * DIRECTION_VALUES);
    this.#uint(d.ranges.length);
    for (const r of d.ranges) { this.#num(r.first); this.#num(r.last); this.#num(r.timeNs); this.#num(r.retrans); this.#num(r.acked); }
    this.#uint(d.hw.length);
    for (const x of d.hw) this.#num(x);
  }

  /** Back to a new DirectionStats' values, keeping the object (and its arrays) for reuse. */
  reset(d: DirectionStats): void {
    loadDirection(d, this.#defaults);
    d.ranges.length = 0; d.hw.length = 0;
  }

  #readDirection(d: DirectionStats): void {
    const v = this.#values;
    v.set(this.#defaults);
    for (;;) {
      const tag = this.#readUint();
      if (tag === 2 * DIRECTION_VALUES) break;
      v[tag >> 1] = (tag & 1) === 0 ? unzig(this.#readUint()) : this.#readFloat();
    }
    d.ranges.length = 0; d.hw.length = 0;
    loadDirection(d, v);
    const n = this.#readUint();
    for (let i = 0; i < n; i++) {
      const r = new SentRange(this.#readNum(), this.#readNum(), this.#readNum());
      r.retrans = this.#readNum(); r.acked = this.#readNum();
      d.ranges.push(r);
    }
    const h = this.#readUint();
    for (let i = 0; i < h; i++) d.hw.push(this.#readNum());
  }
  /** Field `i` with value `v`: tag 2i for a safe integer (zigzag varint follows), 2i + 1 for a double. */
  #field(i: number, v: number): void {
    if (Number.isSafeInteger(v) && Math.abs(v) < 2 ** 52) { this.#uint(2 * i); this.#uint(zig(v)); }
    else { this.#uint(2 * i + 1); this.#float(v); }
  }
  #num(v: number): void { this.#field(0, v); }
  #readNum(): number { const tag = this.#readUint(); return (tag & 1) === 0 ? unzig(this.#readUint()) : this.#readFloat(); }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const nb = new Uint8Array(this.#buf.length * 2 + n);
    nb.set(this.#buf.subarray(0, this.#at));
    this.#buf = nb; this.#view = new DataView(nb.buffer);
  }
  #uint(z: number): void {
    this.#room(8);
    while (z >= 128) { this.#buf[this.#at++] = (z % 128) | 128; z = Math.floor(z / 128); }
    this.#buf[this.#at++] = z;
  }
  #float(v: number): void { this.#room(8); this.#view.setFloat64(this.#at, v); this.#at += 8; }
  #readUint(): number {
    let z = 0, mul = 1;
    for (;;) {
      const b = this.#rd[this.#at++]!;
      z += (b & 127) * mul;
      if (b < 128) return z;
      mul *= 128;
    }
  }
  #readFloat(): number { const v = this.#rdView.getFloat64(this.#base + this.#at); this.#at += 8; return v; }
  #base = 0;
}

const zig = (v: number): number => v >= 0 ? 2 * v : -2 * v - 1;
const unzig = (z: number): number => z % 2 === 0 ? z / 2 : -(z + 1) / 2;

/** Number of values `saveDirection` writes. */
export const DIRECTION_VALUES = 88;

/** The number and boolean fields of `d` into a[0 … DIRECTION_VALUES) (booleans as 0/1). */
export function saveDirection(d: DirectionStats, a: Float64Array): void {
  a[0] = d.packets;
  a[1] = d.resets;
  a[2] = d.ackPkts;
  a[3] = d.pureAcks;
  a[4] = d.sackPkts;
  a[5] = d.dsackPkts;
  a[6] = d.maxSackBlocks;
  a[7] = d.sacksSent;
  a[8] = d.uniqueBytes;
  a[9] = d.dataPkts;
  a[10] = d.dataBytes;
  a[11] = d.rexmtPkts;
  a[12] = d.rexmtBytes;
  a[13] = d.zwndProbePkts;
  a[14] = d.zwndProbeBytes;
  a[15] = d.outOfOrderPkts;
  a[16] = d.pushedPkts;
  a[17] = d.syns;
  a[18] = d.fins;
  a[19] = d.wsRequested ? 1 : 0;
  a[20] = d.wsShift;
  a[21] = d.tsRequested ? 1 : 0;
  a[22] = d.sackRequested ? 1 : 0;
  a[23] = d.mss;
  a[24] = d.urgentPkts;
  a[25] = d.urgentBytes;
  a[26] = d.maxSegment;
  a[27] = d.minSegment;
  a[28] = d.maxWin;
  a[29] = d.minWin;
  a[30] = d.zeroWins;
  a[31] = d.winTotal;
  a[32] = d.winScaledPkts;
  a[33] = d.winScaledStats ? 1 : 0;
  a[34] = d.maxOwin;
  a[35] = d.minOwin;
  a[36] = d.owinTotal;
  a[37] = d.owinCount;
  a[38] = d.initialWinBytes;
  a[39] = d.initialWinPkts;
  a[40] = d.truncatedBytes;
  a[41] = d.truncatedPkts;
  a[42] = d.firstDataNs;
  a[43] = d.lastDataNs;
  a[44] = d.idleMaxNs;
  a[45] = d.hardwareDups;
  a[46] = d.rttFullSize;
  a[47] = d.rttFrom3whsNs;
  a[48] = d.postLossAcks;
  a[49] = d.segsCumAcked;
  a[50] = d.dupAcks;
  a[51] = d.tripleDupAcks;
  a[52] = d.maxRetrans;
  a[53] = d.rangesForgotten;
  a[54] = d.seqSet ? 1 : 0;
  a[55] = d.hiRaw;
  a[56] = d.hiAbs;
  a[57] = d.synRaw;
  a[58] = d.synAbs;
  a[59] = d.finAbs;
  a[60] = d.latestAbs;
  a[61] = d.ackSet ? 1 : 0;
  a[62] = d.lastAck;
  a[63] = d.winLast;
  a[64] = d.dataAcked ? 1 : 0;
  a[65] = d.lastNs;
  a[66] = d.rttLastNs;
  a[67] = d.hwAt;
  a[68] = d.rtt.count;
  a[69] = d.rtt.minNs;
  a[70] = d.rtt.maxNs;
  a[71] = d.rtt.sumNs;
  a[72] = d.rtt.sum2Us;
  a[73] = d.rttFull.count;
  a[74] = d.rttFull.minNs;
  a[75] = d.rttFull.maxNs;
  a[76] = d.rttFull.sumNs;
  a[77] = d.rttFull.sum2Us;
  a[78] = d.rttAmbiguous.count;
  a[79] = d.rttAmbiguous.minNs;
  a[80] = d.rttAmbiguous.maxNs;
  a[81] = d.rttAmbiguous.sumNs;
  a[82] = d.rttAmbiguous.sum2Us;
  a[83] = d.retrTime.count;
  a[84] = d.retrTime.minNs;
  a[85] = d.retrTime.maxNs;
  a[86] = d.retrTime.sumNs;
  a[87] = d.retrTime.sum2Us;
}

/** The fields of `d` from `saveDirection`'s values. */
export function loadDirection(d: DirectionStats, a: Float64Array): void {
  d.packets = a[0]!;
  d.resets = a[1]!;
  d.ackPkts = a[2]!;
  d.pureAcks = a[3]!;
  d.sackPkts = a[4]!;
  d.dsackPkts = a[5]!;
  d.maxSackBlocks = a[6]!;
  d.sacksSent = a[7]!;
  d.uniqueBytes = a[8]!;
  d.dataPkts = a[9]!;
  d.dataBytes = a[10]!;
  d.rexmtPkts = a[11]!;
  d.rexmtBytes = a[12]!;
  d.zwndProbePkts = a[13]!;
  d.zwndProbeBytes = a[14]!;
  d.outOfOrderPkts = a[15]!;
  d.pushedPkts = a[16]!;
  d.syns = a[17]!;
  d.fins = a[18]!;
  d.wsRequested = a[19]! !== 0;
  d.wsShift = a[20]!;
  d.tsRequested = a[21]! !== 0;
  d.sackRequested = a[22]! !== 0;
  d.mss = a[23]!;
  d.urgentPkts = a[24]!;
  d.urgentBytes = a[25]!;
  d.maxSegment = a[26]!;
  d.minSegment = a[27]!;
  d.maxWin = a[28]!;
  d.minWin = a[29]!;
  d.zeroWins = a[30]!;
  d.winTotal = a[31]!;
  d.winScaledPkts = a[32]!;
  d.winScaledStats = a[33]! !== 0;
  d.maxOwin = a[34]!;
  d.minOwin = a[35]!;
  d.owinTotal = a[36]!;
  d.owinCount = a[37]!;
  d.initialWinBytes = a[38]!;
  d.initialWinPkts = a[39]!;
  d.truncatedBytes = a[40]!;
  d.truncatedPkts = a[41]!;
  d.firstDataNs = a[42]!;
  d.lastDataNs = a[43]!;
  d.idleMaxNs = a[44]!;
  d.hardwareDups = a[45]!;
  d.rttFullSize = a[46]!;
  d.rttFrom3whsNs = a[47]!;
  d.postLossAcks = a[48]!;
  d.segsCumAcked = a[49]!;
  d.dupAcks = a[50]!;
  d.tripleDupAcks = a[51]!;
  d.maxRetrans = a[52]!;
  d.rangesForgotten = a[53]!;
  d.seqSet = a[54]! !== 0;
  d.hiRaw = a[55]!;
  d.hiAbs = a[56]!;
  d.synRaw = a[57]!;
  d.synAbs = a[58]!;
  d.finAbs = a[59]!;
  d.latestAbs = a[60]!;
  d.ackSet = a[61]! !== 0;
  d.lastAck = a[62]!;
  d.winLast = a[63]!;
  d.dataAcked = a[64]! !== 0;
  d.lastNs = a[65]!;
  d.rttLastNs = a[66]!;
  d.hwAt = a[67]!;
  d.rtt.count = a[68]!;
  d.rtt.minNs = a[69]!;
  d.rtt.maxNs = a[70]!;
  d.rtt.sumNs = a[71]!;
  d.rtt.sum2Us = a[72]!;
  d.rttFull.count = a[73]!;
  d.rttFull.minNs = a[74]!;
  d.rttFull.maxNs = a[75]!;
  d.rttFull.sumNs = a[76]!;
  d.rttFull.sum2Us = a[77]!;
  d.rttAmbiguous.count = a[78]!;
  d.rttAmbiguous.minNs = a[79]!;
  d.rttAmbiguous.maxNs = a[80]!;
  d.rttAmbiguous.sumNs = a[81]!;
  d.rttAmbiguous.sum2Us = a[82]!;
  d.retrTime.count = a[83]!;
  d.retrTime.minNs = a[84]!;
  d.retrTime.maxNs = a[85]!;
  d.retrTime.sumNs = a[86]!;
  d.retrTime.sum2Us = a[87]!;
}
