/** Conversations and `tcp.stream` numbering (spec §2): an unordered endpoint pair, found by a
 *  symmetric numeric hash plus a tuple compare (STYLE §5), one generation per port reuse. */
import { FlowState } from "./flow.js";
import { nsOf } from "./ns.js";
import type { TcpSegment } from "./segment.js";
import { EndpointTracker } from "./states.js";

/** One conversation generation: a `tcp.stream` with its two flows. It is its own endpoint-state
 *  tracker (it extends EndpointTracker; `endpoints` is itself): one object less, and fewer cache
 *  lines, to reach per packet. */
export class Conversation extends EndpointTracker {
  // Field order is memory order (the tracker's fields come first): the lookup (`find`) reads
  // the next few fields only.
  /** Hash chain in the table. */
  hash = 0;
  next: Conversation | undefined = undefined;
  /** Endpoint A = source of the packet that created this generation. Address words of A and B
   *  as int32 (`| 0`, so they stay small integers, not boxed numbers): IPv4 in word 0, IPv6 as
   *  four big-endian words. Inline fields instead of two typed arrays keep the lookup to one
   *  object and a conversation small (STYLE §6). */
  portA = 0;
  portB = 0;
  a0 = 0; b0 = 0;
  family: 4 | 6 = 4;
  a1 = 0; a2 = 0; a3 = 0;
  b1 = 0; b2 = 0; b3 = 0;
  /** tcp.stream: creation order in the file, from 0, no gaps. */
  stream = 0;
  /** Flow of packets sent by A (A → B) and by B. */
  readonly flowA = new FlowState();
  readonly flowB = new FlowState();
  /** tcp.completeness bits (spec §9). */
  completeness = 0;
  /** Time of the creating packet: the conversation's epoch for its ns arithmetic. */
  epochSec = 0;
  epochNsec = 0;
  /** Capture times (ns since the epoch) of the first and previous packet (spec §7.7); the
   *  previous one kept as seconds + ns parts (small integers, see FlowState). */
  tsFirstNs = 0;
  prevSec = 0;
  prevSub = 0;
  get tsPrevNs(): number { return nsOf(this.prevSec, this.prevSub); }
  /** Capture time (seconds, ns) of the most recent pure SYN, and whether there was one (spec §7.2). */
  mruSynSec = 0;
  mruSynNsec = 0;
  mruSynSet = false;
  /** Initial RTT in ns; 0 = not known yet (tshark 4.0 treats a zero iRTT as unset). */
  irttNs = 0;
  /** The iRTT as exact seconds + ns parts (irttNs rounds past 2^53 ns). */
  irttSec = 0;
  irttSubNs = 0;
  /** Endpoint states (STYLE §7): the conversation itself. */
  get endpoints(): EndpointTracker { return this; }
  /** Set once both sides sent FIN or one sent RST: candidate for forgetting (AnalysisLimits). */
  closed = false;
  /** Position in the table's closed queue (counted from the first ever queued), −1 when not queued. */
  queued = -1;

  /** Back to a new generation's state (the table recycles released generations, STYLE §5). */
  override reset(): void {
    super.reset();
    this.stream = 0; this.family = 4;
    this.a0 = 0; this.a1 = 0; this.a2 = 0; this.a3 = 0; this.b0 = 0; this.b1 = 0; this.b2 = 0; this.b3 = 0;
    this.portA = 0; this.portB = 0;
    this.flowA.reset(); this.flowB.reset();
    this.completeness = 0; this.epochSec = 0; this.epochNsec = 0; this.tsFirstNs = 0; this.prevSec = 0; this.prevSub = 0;
    this.mruSynSec = 0; this.mruSynNsec = 0; this.mruSynSet = false; this.irttNs = 0; this.irttSec = 0; this.irttSubNs = 0;
    this.closed = false; this.queued = -1; this.hash = 0; this.next = undefined;
  }

  /** A capture time as integer ns since this conversation's epoch (may be negative). */
  nsSinceEpoch(tsSec: number, tsNsec: number): number {
    return nsOf(tsSec - this.epochSec, tsNsec - this.epochNsec);
  }

  /** Address of A as four uint32 words (allocates; not for the hot path). */
  get addrA(): Uint32Array { return Uint32Array.of(this.a0, this.a1, this.a2, this.a3); }
  /** Address of B as four uint32 words (allocates). */
  get addrB(): Uint32Array { return Uint32Array.of(this.b0, this.b1, this.b2, this.b3); }

  /** Sets A and B from a segment's source and destination. */
  setEndpoints(s: TcpSegment): void {
    const x = s.srcAddr, y = s.dstAddr;
    this.family = s.family;
    this.a0 = x[0]! | 0; this.a1 = x[1]! | 0; this.a2 = x[2]! | 0; this.a3 = x[3]! | 0;
    this.b0 = y[0]! | 0; this.b1 = y[1]! | 0; this.b2 = y[2]! | 0; this.b3 = y[3]! | 0;
    this.portA = s.srcPort; this.portB = s.dstPort;
  }

  /** Does `s` travel from A to B? (Call only on a conversation that matches `s`.) */
  isFromA(s: TcpSegment): boolean {
    return s.srcPort === this.portA && s.dstPort === this.portB && this.#isA(s.srcAddr, s.family)
      && this.#isB(s.dstAddr, s.family);
  }
  /** 1: `s` travels from A to B, 2: from B to A, 0: it belongs to another conversation. */
  direction(s: TcpSegment): number {
    if (s.family !== this.family) return 0;
    const sp = s.srcPort, dp = s.dstPort, x = s.srcAddr, y = s.dstAddr;
    if (sp === this.portA && dp === this.portB && this.#isA(x, s.family) && this.#isB(y, s.family)) return 1;
    if (sp === this.portB && dp === this.portA && this.#isB(x, s.family) && this.#isA(y, s.family)) return 2;
    return 0;
  }
  /** Does `s` belong to this conversation, in either direction? */
  matches(s: TcpSegment): boolean {
    if (s.family !== this.family) return false;
    if (s.srcPort === this.portA && s.dstPort === this.portB
      && this.#isA(s.srcAddr, s.family) && this.#isB(s.dstAddr, s.family)) return true;
    return s.srcPort === this.portB && s.dstPort === this.portA
      && this.#isB(s.srcAddr, s.family) && this.#isA(s.dstAddr, s.family);
  }

  #isA(x: Uint32Array, family: 4 | 6): boolean {
    if ((x[0]! | 0) !== this.a0) return false;
    return family === 4 || ((x[1]! | 0) === this.a1 && (x[2]! | 0) === this.a2 && (x[3]! | 0) === this.a3);
  }
  #isB(x: Uint32Array, family: 4 | 6): boolean {
    if ((x[0]! | 0) !== this.b0) return false;
    return family === 4 || ((x[1]! | 0) === this.b1 && (x[2]! | 0) === this.b2 && (x[3]! | 0) === this.b3);
  }
}

/** Released generations kept for reuse; in a steady state one leaves per one created. */
const MAX_FREE_CONVERSATIONS = 1024;

/** Hash of one endpoint (murmur-style mixing; any good 32-bit mix works). */
function endpointHash(addr: Uint32Array, port: number, family: 4 | 6): number {
  let h = Math.imul(addr[0]! ^ 0x9e3779b9, 0x85ebca6b) ^ port;
  if (family === 6) {
    h = Math.imul(h ^ addr[1]!, 0xc2b2ae35);
    h = Math.imul(h ^ addr[2]!, 0x85ebca6b);
    h = Math.imul(h ^ addr[3]!, 0xc2b2ae35);
  }
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d); h ^= h >>> 15;
  return h;
}

/** Symmetric: the same for both directions of a conversation. */
export function conversationHash(s: TcpSegment): number {
  // An int32 (a small integer to V8, never a boxed number): used for `& mask` and equality only.
  return (endpointHash(s.srcAddr, s.srcPort, s.family) + endpointHash(s.dstAddr, s.dstPort, s.family)
    + s.family) | 0;
}

/** The live conversation generations: a power-of-two bucket array indexed by the symmetric hash,
 *  chained through `Conversation.next` (a Map with uint32 keys boxes every key that is not a Smi). */
export class ConversationTable {
  #buckets: (Conversation | undefined)[] = [];
  #mask = 0;
  #count = 0;
  #nextStream = 0;
  /** Closed generations, oldest first; a slot is emptied when its generation leaves the table early
   *  (replaced by a new one on port reuse), so the queue does not keep it alive. */
  #closed = new ClosedRing();
  /** Closed conversations forgotten because of `maxClosed`. */
  forgotten = 0;
  /** Generations that left the table (replaced on port reuse, or forgotten), kept for reuse:
   *  a generation lives long enough to leave the young generation of the GC, so allocating a
   *  new one per stream costs a promotion and an old-space collection later. */
  readonly #free: Conversation[] = [];
  constructor(readonly maxClosed: number) {
    // Stored a second time here, so that V8 sees fields that change: it embeds a field stored
    // only once in optimized code as a constant, and the first #grow would then deoptimize
    // observe() (compiled again: tens of ms).
    this.#buckets = new Array<Conversation | undefined>(1024).fill(undefined);
    this.#mask = 1023;
  }

  /** Number of streams created so far (the next tcp.stream). */
  get streamCount(): number { return this.#nextStream; }

  /** Direction of `s` in the generation the last `find` returned: from A (its creator's side). */
  foundFromA = true;
  /** `conversationHash` of the segment of the last `find` (for `create`). */
  foundHash = 0;

  /** The current generation for `s`'s endpoint pair, if any (spec §2.1, single pass); sets
   *  `foundFromA` and `foundHash`. */
  find(s: TcpSegment): Conversation | undefined {
    const hash = this.foundHash = conversationHash(s);
    const family = s.family, sp = s.srcPort, dp = s.dstPort, x0 = s.srcAddr[0]! | 0, y0 = s.dstAddr[0]! | 0;
    for (let c = this.#buckets[hash & this.#mask]; c !== undefined; c = c.next) {
      if (c.hash !== hash || c.family !== family) continue;
      // IPv4 compared here (the ports and word 0 sit next to the hash); IPv6 by `direction`.
      if (family === 4) {
        if (sp === c.portA && dp === c.portB && x0 === c.a0 && y0 === c.b0) { this.foundFromA = true; return c; }
        if (sp === c.portB && dp === c.portA && x0 === c.b0 && y0 === c.a0) { this.foundFromA = false; return c; }
        continue;
      }
      const dir = c.direction(s);
      if (dir !== 0) { this.foundFromA = dir === 1; return c; }
    }
    return undefined;
  }

  /** Create a generation for `s` (A = its source), replacing any current one for the same pair. */
  create(s: TcpSegment, hash: number, tsSec: number, tsNsec: number): Conversation {
    // The generation replaced here (port reuse) is released first and so reused at once, while
    // its memory is still in the cache.
    this.#unlink(s, hash);
    const c = this.#free.pop() ?? new Conversation();
    c.stream = this.#nextStream++;
    c.setEndpoints(s); c.hash = hash;
    c.epochSec = tsSec; c.epochNsec = tsNsec; c.tsFirstNs = 0; c.prevSec = 0; c.prevSub = 0;
    const i = hash & this.#mask;
    c.next = this.#buckets[i];
    this.#buckets[i] = c;
    if (++this.#count > this.#buckets.length) this.#grow();
    return c;
  }

  /** Note that `c` just closed; forget the oldest closed ones beyond the cap. */
  markClosed(c: Conversation): void {
    if (c.closed) return;
    c.closed = true;
    const ring = this.#closed;
    c.queued = ring.push(c);
    // Emptied slots still count, as the generations they held did before: which ones are
    // forgotten, and when, does not depend on the emptying.
    while (ring.length > this.maxClosed) {
      const old = ring.shift();
      if (old === undefined) continue;
      old.queued = -1;
      if (old.closed && this.#removeExact(old)) this.forgotten++;
    }
  }

  /** Live generations in the table. */
  get size(): number { return this.#count; }

  /** Doubles the bucket array when there are more generations than buckets. */
  #grow(): void {
    const old = this.#buckets;
    const size = old.length * 2;
    const buckets = new Array<Conversation | undefined>(size).fill(undefined);
    const mask = size - 1;
    for (let i = 0; i < old.length; i++) {
      for (let c = old[i]; c !== undefined;) {
        const next = c.next, j = c.hash & mask;
        c.next = buckets[j]; buckets[j] = c;
        c = next;
      }
    }
    this.#buckets = buckets; this.#mask = mask;
  }

  #unlink(s: TcpSegment, hash: number): void {
    const i = hash & this.#mask;
    let prev: Conversation | undefined;
    for (let c = this.#buckets[i]; c !== undefined; prev = c, c = c.next) {
      if (c.hash !== hash || !c.matches(s)) continue;
      if (prev === undefined) this.#buckets[i] = c.next; else prev.next = c.next;
      c.next = undefined;
      this.#count--;
      // Replaced: it can no longer be found, so the closed queue need not hold it.
      if (c.queued >= 0) { this.#closed.empty(c.queued, c); c.queued = -1; }
      this.#release(c);
      return;
    }
  }

  /** `c` left the table and nothing refers to it any more: reset it for the next `create`. */
  #release(c: Conversation): void {
    if (this.#free.length >= MAX_FREE_CONVERSATIONS) return;
    c.reset();
    this.#free.push(c);
  }

  #removeExact(target: Conversation): boolean {
    const i = target.hash & this.#mask;
    let prev: Conversation | undefined;
    for (let c = this.#buckets[i]; c !== undefined; prev = c, c = c.next) {
      if (c !== target) continue;
      if (prev === undefined) this.#buckets[i] = c.next; else prev.next = c.next;
      c.next = undefined;
      this.#count--;
      this.#release(c);
      return true;
    }
    return false;
  }
}

/** The closed generations in closing order: a ring that doubles when full (up to the table's
 *  cap), addressed by queue numbers counted from the first generation ever queued. */
class ClosedRing {
  #slots: (Conversation | undefined)[] = new Array<Conversation | undefined>(64).fill(undefined);
  #head = 0;
  #tail = 0;
  /** Queued entries, emptied slots included. */
  get length(): number { return this.#tail - this.#head; }
  /** Appends `c`; returns its queue number. */
  push(c: Conversation): number {
    if (this.#tail - this.#head === this.#slots.length) this.#grow();
    const n = this.#tail++;
    this.#slots[n & (this.#slots.length - 1)] = c;
    return n;
  }
  /** Removes the oldest entry (undefined when its slot was emptied). */
  shift(): Conversation | undefined {
    const i = this.#head++ & (this.#slots.length - 1);
    const c = this.#slots[i];
    this.#slots[i] = undefined;
    return c;
  }
  /** Empties the slot of queue number `n` if it still holds `c`. */
  empty(n: number, c: Conversation): void {
    if (n < this.#head || n >= this.#tail) return;
    const i = n & (this.#slots.length - 1);
    if (this.#slots[i] === c) this.#slots[i] = undefined;
  }
  #grow(): void {
    const old = this.#slots, mask = old.length - 1;
    const slots = new Array<Conversation | undefined>(old.length * 2).fill(undefined);
    for (let n = this.#head; n < this.#tail; n++) slots[n & (slots.length - 1)] = old[n & mask];
    this.#slots = slots;
  }
}
