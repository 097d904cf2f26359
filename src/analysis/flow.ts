/** Per-direction analysis state (spec §3). "0 means unknown" is literal for nextseq,
 *  maxseqtobeacked and lastack (spec §15 item 2). */
import { MAX_SACK_BLOCKS_IN_HEADER } from "./segment.js";

/** Window scale: shift ≥ 0 once learned, WS_UNKNOWN before, WS_NOT_USED after a handshake without it (spec §5). */
export const WS_UNKNOWN = -1;
export const WS_NOT_USED = -2;

/** Unacked segments of one flow, oldest at index 0 (tshark walks them newest first). Struct of
 *  arrays that grow once to the flow's peak and are reused; capped by AnalysisLimits. */
export class UnackedList {
  seq: number[] = [];
  nextseq: number[] = [];
  frame: number[] = [];
  timeNs: number[] = [];
  count = 0;
  /** Append the newest entry. */
  push(seq: number, nextseq: number, frame: number, timeNs: number): void {
    const i = this.count++;
    this.seq[i] = seq; this.nextseq[i] = nextseq; this.frame[i] = frame; this.timeNs[i] = timeNs;
  }
  /** Remove entry i, keeping order. */
  removeAt(i: number): void {
    const n = this.count - 1;
    for (let j = i; j < n; j++) {
      this.seq[j] = this.seq[j + 1]!; this.nextseq[j] = this.nextseq[j + 1]!;
      this.frame[j] = this.frame[j + 1]!; this.timeNs[j] = this.timeNs[j + 1]!;
    }
    this.count = n;
  }
  clear(): void { this.count = 0; }
}

/** One direction of a conversation generation. */
export class FlowState {
  baseSeq = 0;
  baseSet = false;
  /** Window-scale shift, WS_UNKNOWN or WS_NOT_USED. */
  winScale = WS_UNKNOWN;
  /** Last raw window sent; 0xFFFFFFFF never equals a 16-bit value (spec §3). */
  window = 0xffff_ffff;
  nextseq = 0;
  nextseqFrame = 0;
  nextseqTimeNs = 0;
  maxSeqToBeAcked = 0;
  lastAck = 0;
  lastAckTimeNs = 0;
  dupAckNum = 0;
  lastNonDupAck = 0;
  lastSegmentFlags = 0;
  validBif = true;
  pushBytesSent = 0;
  pushSetLast = false;
  /** Set by a SYN from this flow, cleared by its first ACK without SYN (spec §1 steps 15–16). */
  isFirstAck = false;
  readonly unacked = new UnackedList();
  /** SACK blocks of this flow's latest packet (raw edges), for the peer's bytes in flight. */
  sackCount = 0;
  readonly sackLeft = new Uint32Array(MAX_SACK_BLOCKS_IN_HEADER);
  readonly sackRight = new Uint32Array(MAX_SACK_BLOCKS_IN_HEADER);
  /** Segments not remembered because the unacked cap was reached. */
  unackedDropped = 0;

  /** Back to the state of a new conversation generation (spec §3 initial values). */
  reset(): void {
    this.baseSeq = 0; this.baseSet = false; this.winScale = WS_UNKNOWN; this.window = 0xffff_ffff;
    this.nextseq = 0; this.nextseqFrame = 0; this.nextseqTimeNs = 0; this.maxSeqToBeAcked = 0;
    this.lastAck = 0; this.lastAckTimeNs = 0; this.dupAckNum = 0; this.lastNonDupAck = 0;
    this.lastSegmentFlags = 0; this.validBif = true; this.pushBytesSent = 0; this.pushSetLast = false;
    this.isFirstAck = false; this.unacked.clear(); this.sackCount = 0; this.unackedDropped = 0;
  }
}
