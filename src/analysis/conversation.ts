/** Conversations and `tcp.stream` numbering (spec §2): an unordered endpoint pair, found by a
 *  symmetric numeric hash plus a tuple compare (STYLE §5), one generation per port reuse. */
import { FlowState } from "./flow.js";
import type { TcpSegment } from "./segment.js";
import { EndpointTracker } from "./states.js";

/** One conversation generation: a `tcp.stream` with its two flows. */
export class Conversation {
  /** tcp.stream: creation order in the file, from 0, no gaps. */
  stream = 0;
  /** Endpoint A = source of the packet that created this generation. */
  family: 4 | 6 = 4;
  readonly addrA = new Uint32Array(4);
  readonly addrB = new Uint32Array(4);
  portA = 0;
  portB = 0;
  /** Flow of packets sent by A (A → B) and by B. */
  readonly flowA = new FlowState();
  readonly flowB = new FlowState();
  /** tcp.completeness bits (spec §9). */
  completeness = 0;
  /** Time of the creating packet: the conversation's epoch for its ns arithmetic. */
  epochSec = 0;
  epochNsec = 0;
  /** Capture times (ns since the epoch) of the first and previous packet (spec §7.7). */
  tsFirstNs = 0;
  tsPrevNs = 0;
  /** Time of the most recent pure SYN, and whether there was one (spec §7.2). */
  tsMruSynNs = 0;
  mruSynSet = false;
  /** Initial RTT in ns; 0 = not known yet (tshark 4.0 treats a zero iRTT as unset). */
  irttNs = 0;
  /** Endpoint states (STYLE §7). */
  readonly endpoints = new EndpointTracker();
  /** Set once both sides sent FIN or one sent RST: candidate for forgetting (AnalysisLimits). */
  closed = false;
  /** Hash chain in the table. */
  hash = 0;
  next: Conversation | undefined = undefined;

  /** A capture time as integer ns since this conversation's epoch (may be negative). */
  nsSinceEpoch(tsSec: number, tsNsec: number): number {
    return (tsSec - this.epochSec) * 1_000_000_000 + (tsNsec - this.epochNsec);
  }

  /** Does `s` travel from A to B? (Call only on a conversation that matches `s`.) */
  isFromA(s: TcpSegment): boolean {
    return s.srcPort === this.portA && s.dstPort === this.portB && sameAddr(s.srcAddr, this.addrA, s.family)
      && sameAddr(s.dstAddr, this.addrB, s.family);
  }
  /** Does `s` belong to this conversation, in either direction? */
  matches(s: TcpSegment): boolean {
    if (s.family !== this.family) return false;
    if (s.srcPort === this.portA && s.dstPort === this.portB
      && sameAddr(s.srcAddr, this.addrA, s.family) && sameAddr(s.dstAddr, this.addrB, s.family)) return true;
    return s.srcPort === this.portB && s.dstPort === this.portA
      && sameAddr(s.srcAddr, this.addrB, s.family) && sameAddr(s.dstAddr, this.addrA, s.family);
  }
}

function sameAddr(x: Uint32Array, y: Uint32Array, family: 4 | 6): boolean {
  if (x[0] !== y[0]) return false;
  return family === 4 || (x[1] === y[1] && x[2] === y[2] && x[3] === y[3]);
}

/** Hash of one endpoint (murmur-style mixing; any good 32-bit mix works). */
function endpointHash(addr: Uint32Array, port: number, family: 4 | 6): number {
  let h = Math.imul(addr[0]! ^ 0x9e3779b9, 0x85ebca6b) ^ port;
  if (family === 6) {
    h = Math.imul(h ^ addr[1]!, 0xc2b2ae35);
    h = Math.imul(h ^ addr[2]!, 0x85ebca6b);
    h = Math.imul(h ^ addr[3]!, 0xc2b2ae35);
  }
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d); h ^= h >>> 15;
  return h >>> 0;
}

/** Symmetric: the same for both directions of a conversation. */
export function conversationHash(s: TcpSegment): number {
  return (endpointHash(s.srcAddr, s.srcPort, s.family) + endpointHash(s.dstAddr, s.dstPort, s.family)
    + s.family) >>> 0;
}

/** The live conversation generations, keyed by the symmetric hash (numeric Map keys, chained). */
export class ConversationTable {
  readonly #byHash = new Map<number, Conversation>();
  #nextStream = 0;
  #closedQueue: Conversation[] = [];
  #closedHead = 0;
  /** Closed conversations forgotten because of `maxClosed`. */
  forgotten = 0;
  constructor(readonly maxClosed: number) {}

  /** Number of streams created so far (the next tcp.stream). */
  get streamCount(): number { return this.#nextStream; }

  /** The current generation for `s`'s endpoint pair, if any (spec §2.1, single pass). */
  find(s: TcpSegment, hash: number): Conversation | undefined {
    for (let c = this.#byHash.get(hash); c !== undefined; c = c.next) if (c.matches(s)) return c;
    return undefined;
  }

  /** Create a generation for `s` (A = its source), replacing any current one for the same pair. */
  create(s: TcpSegment, hash: number, tsSec: number, tsNsec: number): Conversation {
    const c = new Conversation();
    c.stream = this.#nextStream++;
    c.family = s.family; c.addrA.set(s.srcAddr); c.addrB.set(s.dstAddr);
    c.portA = s.srcPort; c.portB = s.dstPort; c.hash = hash;
    c.epochSec = tsSec; c.epochNsec = tsNsec; c.tsFirstNs = 0; c.tsPrevNs = 0;
    this.#unlink(s, hash);
    c.next = this.#byHash.get(hash);
    this.#byHash.set(hash, c);
    return c;
  }

  /** Note that `c` just closed; forget the oldest closed ones beyond the cap. */
  markClosed(c: Conversation): void {
    if (c.closed) return;
    c.closed = true;
    this.#closedQueue.push(c);
    while (this.#closedQueue.length - this.#closedHead > this.maxClosed) {
      const old = this.#closedQueue[this.#closedHead]!;
      this.#closedQueue[this.#closedHead++] = undefined as unknown as Conversation;
      if (old.closed && this.#removeExact(old)) this.forgotten++;
    }
    if (this.#closedHead > 1024 && this.#closedHead * 2 > this.#closedQueue.length) {
      this.#closedQueue = this.#closedQueue.slice(this.#closedHead);
      this.#closedHead = 0;
    }
  }

  /** Live generations in the table. */
  get size(): number {
    let n = 0;
    for (const head of this.#byHash.values()) for (let c: Conversation | undefined = head; c; c = c.next) n++;
    return n;
  }

  #unlink(s: TcpSegment, hash: number): void {
    let prev: Conversation | undefined;
    for (let c = this.#byHash.get(hash); c !== undefined; prev = c, c = c.next) {
      if (!c.matches(s)) continue;
      if (prev === undefined) { if (c.next === undefined) this.#byHash.delete(hash); else this.#byHash.set(hash, c.next); }
      else prev.next = c.next;
      c.next = undefined;
      return;
    }
  }

  #removeExact(target: Conversation): boolean {
    let prev: Conversation | undefined;
    for (let c = this.#byHash.get(target.hash); c !== undefined; prev = c, c = c.next) {
      if (c !== target) continue;
      if (prev === undefined) { if (c.next === undefined) this.#byHash.delete(c.hash); else this.#byHash.set(c.hash, c.next); }
      else prev.next = c.next;
      c.next = undefined;
      return true;
    }
    return false;
  }
}
