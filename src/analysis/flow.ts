/** Per-direction analysis state (spec §3). "0 means unknown" is literal for nextseq,
 *  maxseqtobeacked and lastack (spec §15 item 2). */
import { FIN, MAX_SACK_BLOCKS_IN_HEADER, SYN, type TcpSegment } from "./segment.js";
import { nsOf } from "./ns.js";

/** Window scale: shift ≥ 0 once learned, WS_UNKNOWN before, WS_NOT_USED after a handshake without it (spec §5). */
export const WS_UNKNOWN = -1;
export const WS_NOT_USED = -2;

/** Unacked segments of one flow, oldest at index 0 (tshark walks them newest first). One
 *  interleaved number array (seq, nextseq, frame, timeNs per entry) that grows once to the flow's
 *  peak and is reused; capped by AnalysisLimits. One small array per flow instead of four keeps a
 *  conversation near 1 KiB, which is what bounds memory with 100 000 closed conversations kept. */
export class UnackedList {
  /** Entry i is at d[4i] (seq), d[4i+1] (nextseq), d[4i+2] (frame), d[4i+3] (timeNs). */
  d: number[] = [];
  count = 0;
  /** Exact times of entries whose timeNs is not exact (more than ~104 days from the conversation's
   *  epoch, beyond 2^53 ns): x[2i] seconds and x[2i+1] ns since the epoch, NaN seconds when timeNs
   *  is exact. Allocated on first use: almost no capture needs it. Kept in step with d. */
  x: number[] | undefined = undefined;
  seqAt(i: number): number { return this.d[4 * i]!; }
  nextseqAt(i: number): number { return this.d[4 * i + 1]!; }
  frameAt(i: number): number { return this.d[4 * i + 2]!; }
  timeNsAt(i: number): number { return this.d[4 * i + 3]!; }
  /** Append `s` as the newest entry: its seq, its end (seq + seglen, +1 for SYN or FIN), its frame
   *  and the time `at.nowNs`. (Objects in, no numbers: a call that is not inlined would box them.) */
  add(s: TcpSegment, seglen: number, at: { readonly nowNs: number }): void {
    const d = this.d, j = 4 * this.count++, seq = s.seqRaw;
    d[j] = seq; d[j + 1] = (seq + seglen + ((s.flags & (SYN | FIN)) !== 0 ? 1 : 0)) >>> 0;
    d[j + 2] = s.frame; d[j + 3] = at.nowNs;
    if (this.x !== undefined) this.x[j >> 1] = NaN;
  }
  /** Records entry i's exact time as seconds + ns since the epoch (for a timeNs beyond 2^53). */
  setExact(i: number, sec: number, ns: number): void {
    let x = this.x;
    if (x === undefined) { x = this.x = []; for (let k = 0; k < this.count; k++) x[2 * k] = NaN; }
    x[2 * i] = sec; x[2 * i + 1] = ns;
  }
  /** Entry i's time as exact seconds + ns since the epoch (split from timeNs when that is exact). */
  timeSecAt(i: number): number {
    const s = this.x === undefined ? NaN : this.x[2 * i]!;
    return s === s ? s : Math.floor(this.d[4 * i + 3]! / 1e9);
  }
  timeSubNsAt(i: number): number {
    const s = this.x === undefined ? NaN : this.x[2 * i]!;
    return s === s ? this.x![2 * i + 1]! : this.d[4 * i + 3]! - Math.floor(this.d[4 * i + 3]! / 1e9) * 1e9;
  }
  /** Remove entry i, keeping order. */
  removeAt(i: number): void {
    const d = this.d, end = 4 * (this.count - 1);
    for (let j = 4 * i; j < end; j++) d[j] = d[j + 4]!;
    const x = this.x;
    if (x !== undefined) for (let j = 2 * i, e = end >> 1; j < e; j++) x[j] = x[j + 2]!;
    this.count--;
  }
  clear(): void { this.count = 0; }
  /** Empty, for a recycled flow: a list that grew large gives its storage back. */
  reset(): void {
    this.count = 0; this.x = undefined;
    if (this.d.length > RECYCLED_UNACKED_NUMBERS) this.d = [];
  }
}

/** Entries × 4 numbers an unacked list may keep when its flow is recycled (larger ones start over). */
const RECYCLED_UNACKED_NUMBERS = 4 * 64;

/** One direction of a conversation generation.
 *  Storage (STYLE §5): a number field that holds a double lives in a heap box of its own, and
 *  the boxes of a recycled flow end up anywhere in the heap: one cache miss each per packet. So
 *  every field is a small integer: the uint32 sequence-space fields are kept as int32 (`| 0`)
 *  and read back as uint32 through accessors, and times as whole seconds + ns since the
 *  conversation's epoch, read back as ns. Readers see plain numbers. */
export class FlowState extends UnackedList {
  #baseSeq = 0;
  #window = -1;
  #nextseq = 0;
  #maxSeqToBeAcked = 0;
  #lastAck = 0;
  #dupAckNum = 0;
  /** Base for relative numbers of this direction (spec §4.1), valid when baseSet. */
  get baseSeq(): number { return this.#baseSeq >>> 0; }
  set baseSeq(v: number) { this.#baseSeq = v | 0; }
  baseSet = false;
  /** Window-scale shift, WS_UNKNOWN or WS_NOT_USED. */
  winScale = WS_UNKNOWN;
  /** Last raw window sent; 0xFFFFFFFF never equals a 16-bit value (spec §3). */
  get window(): number { return this.#window >>> 0; }
  set window(v: number) { this.#window = v | 0; }
  /** Highest seq + len (+1 for SYN/FIN) sent; 0 = unknown (spec §3). */
  get nextseq(): number { return this.#nextseq >>> 0; }
  set nextseq(v: number) { this.#nextseq = v | 0; }
  nextseqFrame = 0;
  /** Time of the packet that last raised nextseq: seconds + ns since the conversation's epoch
   *  (the parts give exact RTOs, rtt.ts), and the same in ns. */
  nextseqSec = 0;
  nextseqSub = 0;
  get nextseqTimeNs(): number { return nsOf(this.nextseqSec, this.nextseqSub); }
  /** Highest contiguous end sent (spec §6 K); 0 = unknown. */
  get maxSeqToBeAcked(): number { return this.#maxSeqToBeAcked >>> 0; }
  set maxSeqToBeAcked(v: number) { this.#maxSeqToBeAcked = v | 0; }
  /** Raw ack field of this flow's last analysed packet, and its time (as nextseq's). */
  get lastAck(): number { return this.#lastAck >>> 0; }
  set lastAck(v: number) { this.#lastAck = v | 0; }
  lastAckSec = 0;
  lastAckSub = 0;
  get lastAckTimeNs(): number { return nsOf(this.lastAckSec, this.lastAckSub); }
  /** Duplicate-ACK counter (u32; parked at all-ones after an ACKed-unseen repeat, spec §6 G). */
  get dupAckNum(): number { return this.#dupAckNum >>> 0; }
  set dupAckNum(v: number) { this.#dupAckNum = v | 0; }
  lastNonDupAck = 0;
  lastSegmentFlags = 0;
  validBif = true;
  pushBytesSent = 0;
  pushSetLast = false;
  /** Set by a SYN from this flow, cleared by its first ACK without SYN (spec §1 steps 15–16). */
  isFirstAck = false;
  /** This flow's unacked segments. The flow is its own list (it extends UnackedList): one object
   *  less, and one cache line less, to reach per packet. */
  get unacked(): UnackedList { return this; }
  /** SACK blocks of this flow's latest packet (raw edges), for the peer's bytes in flight. */
  sackCount = 0;
  #sackLeft: Uint32Array | undefined = undefined;
  #sackRight: Uint32Array | undefined = undefined;
  /** Left edges (MAX_SACK_BLOCKS_IN_HEADER slots), allocated on first use: most flows never SACK. */
  get sackLeft(): Uint32Array { return this.#sackLeft ??= new Uint32Array(MAX_SACK_BLOCKS_IN_HEADER); }
  /** Right edges, allocated on first use. */
  get sackRight(): Uint32Array { return this.#sackRight ??= new Uint32Array(MAX_SACK_BLOCKS_IN_HEADER); }
  /** Segments not remembered because the unacked cap was reached. */
  unackedDropped = 0;

  /** Back to the state of a new conversation generation (spec §3 initial values). */
  override reset(): void {
    this.#baseSeq = 0; this.baseSet = false; this.winScale = WS_UNKNOWN; this.#window = -1;
    this.#nextseq = 0; this.nextseqFrame = 0; this.nextseqSec = 0; this.nextseqSub = 0;
    this.#maxSeqToBeAcked = 0;
    this.#lastAck = 0; this.lastAckSec = 0; this.lastAckSub = 0; this.#dupAckNum = 0; this.lastNonDupAck = 0;
    this.lastSegmentFlags = 0; this.validBif = true; this.pushBytesSent = 0; this.pushSetLast = false;
    this.isFirstAck = false; super.reset(); this.sackCount = 0; this.unackedDropped = 0;
  }
}
