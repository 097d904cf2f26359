/** Per-connection summaries (one per tcp.stream): phases with their frames, who opened and who
 *  closed first, packets and bytes each way, iRTT, retransmission / zero-window / dup-ACK counts,
 *  first/last time, duration and how the connection ended. `ConversationSummaries` is a streaming
 *  collector fed with each segment and its analysis result; it keeps a bounded number of summaries
 *  (STYLE §6). Per packet it only updates numbers; it allocates once per connection. */
import { A_ANY_RETRANSMISSION, A_DUPLICATE_ACK, A_ZERO_WINDOW } from "./flags.js";
import type { AnalysisResult } from "./result.js";
import { ACK, FIN, RST, SYN, type TcpSegment } from "./segment.js";
import type { ConnectionPhase, EndpointState } from "./states.js";

/** Summaries kept by default: about 1 KiB each, so ≈ 10 MiB at the cap. */
export const DEFAULT_MAX_SUMMARIES = 10_000;

/** Totals of one direction of a connection. */
export class DirectionTotals {
  /** TCP headers sent this way (ICMP-quoted copies excluded). */
  packets = 0;
  /** Captured frame lengths as passed to `observe` (tshark `-z conv,tcp` "Bytes"). */
  frameBytes = 0;
  /** TCP payload bytes, retransmitted copies included (phantom bytes of bogus headers too, spec §12.2). */
  payloadBytes = 0;
  /** Payload bytes of segments not flagged as any kind of retransmission (spec §6.1). */
  payloadBytesNoRetrans = 0;
  /** Segments flagged retransmission, fast or spurious retransmission (tcp.analysis.retransmission). */
  retransmissions = 0;
  /** Segments flagged zero window / duplicate ACK. */
  zeroWindows = 0;
  dupAcks = 0;
}

/** First and last frame of a phase, and how many packets it had (firstFrame 0: phase not seen). */
export class PhaseRange {
  firstFrame = 0;
  lastFrame = 0;
  packets = 0;
}

/** How a connection ended (or had not, at the end of the capture):
 *  "fin" both sides sent a FIN (before any RST); "reset-by-client"/"reset-by-server" a RST came
 *  first; "half-closed" only one side sent a FIN; "incomplete" a SYN was seen but the handshake
 *  never completed; "open" none of these, still open at the end of the capture. */
export type ConnectionEnd = "fin" | "reset-by-client" | "reset-by-server" | "half-closed" | "incomplete" | "open";

/** Who opened: "client" (its SYN, or a SYN-ACK towards it, was seen), "both" (simultaneous open:
 *  pure SYNs from both sides), "unknown" (the capture started mid-connection). */
export type Opener = "client" | "both" | "unknown";

const OPEN_STATES: ReadonlySet<EndpointState> = new Set<EndpointState>(["ESTABLISHED", "FIN-WAIT-1",
  "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"]);

/** The summary of one connection (tcp.stream). Client per the rule of states.ts. */
export class ConversationSummary {
  /** tcp.stream. */
  readonly stream: number;
  family: 4 | 6 = 4;
  /** Client and server address (IPv4 in word 0; IPv6 as four big-endian words) and port. */
  readonly clientAddr = new Uint32Array(4);
  readonly serverAddr = new Uint32Array(4);
  clientPort = 0;
  serverPort = 0;
  /** First and last frame, and packets (ICMP-quoted copies are counted in `icmpQuoted` only). */
  firstFrame = 0;
  lastFrame = 0;
  packets = 0;
  icmpQuoted = 0;
  /** Capture time of the first and the last packet (seconds + ns, as in the capture). */
  firstSec = 0; firstNsec = 0;
  lastSec = 0; lastNsec = 0;
  /** Latest packet time minus the first counted packet's, integer ns (ICMP-quoted copies are not
   *  counted, like tshark's `-z conv,tcp`). */
  durationNs = 0;
  #firstRelNs = 0;
  /** Phases (ConnectionPhase) with their frame ranges. */
  readonly handshake = new PhaseRange();
  readonly data = new PhaseRange();
  readonly teardown = new PhaseRange();
  readonly reset = new PhaseRange();
  /** Client → server and server → client totals. */
  readonly clientToServer = new DirectionTotals();
  readonly serverToClient = new DirectionTotals();
  /** iRTT in ns (0: never known, spec §7.2). */
  initialRttNs = 0;
  /** Who sent the first FIN / the first RST (undefined: none). */
  firstFinBy: "client" | "server" | undefined = undefined;
  firstRstBy: "client" | "server" | undefined = undefined;
  /** Sides that sent a FIN. */
  clientFin = false;
  serverFin = false;
  /** Pure SYNs from each side, SYN-ACK seen, handshake completed (both ends past SYN-RECEIVED). */
  clientSyn = false;
  serverSyn = false;
  synAckSeen = false;
  established = false;
  /** States after the latest packet. */
  clientState: EndpointState = "CLOSED";
  serverState: EndpointState = "CLOSED";

  constructor(stream: number) { this.stream = stream; }

  /** Who opened the connection. */
  get opener(): Opener {
    if (this.clientSyn && this.serverSyn) return "both";
    return this.clientSyn || this.synAckSeen ? "client" : "unknown";
  }
  /** Who closed first: the first FIN's sender, else the first RST's. */
  get closedFirstBy(): "client" | "server" | undefined { return this.firstFinBy ?? this.firstRstBy; }
  /** FIN both ways or a RST: nothing more is expected. */
  get closed(): boolean { return this.firstRstBy !== undefined || (this.clientFin && this.serverFin); }
  /** How it ended (see ConnectionEnd). A RST after both FINs does not change "fin". */
  get end(): ConnectionEnd {
    if (this.#rstBeforeFins) return this.firstRstBy === "client" ? "reset-by-client" : "reset-by-server";
    if (this.clientFin && this.serverFin) return "fin";
    if (this.clientFin || this.serverFin) return "half-closed";
    if ((this.clientSyn || this.serverSyn || this.synAckSeen) && !this.established) return "incomplete";
    return "open";
  }
  /** The range of one phase. */
  phase(p: ConnectionPhase): PhaseRange {
    return p === "handshake" ? this.handshake : p === "data" ? this.data : p === "teardown" ? this.teardown : this.reset;
  }

  #rstBeforeFins = false;

  /** Add one segment and its analysis result (see ConversationSummaries.observe). */
  add(s: TcpSegment, r: AnalysisResult, frameBytes: number): void {
    if (!r.statesPresent) { this.icmpQuoted++; return; }
    const fromClient = r.fromClient;
    if (this.packets === 0) {
      this.family = s.family;
      this.clientAddr.set(fromClient ? s.srcAddr : s.dstAddr);
      this.serverAddr.set(fromClient ? s.dstAddr : s.srcAddr);
      this.clientPort = fromClient ? s.srcPort : s.dstPort;
      this.serverPort = fromClient ? s.dstPort : s.srcPort;
      this.firstFrame = r.frame; this.firstSec = s.tsSec; this.firstNsec = s.tsNsec;
      this.#firstRelNs = r.timeRelativeNs;
    }
    this.packets++;
    this.lastFrame = r.frame; this.lastSec = s.tsSec; this.lastNsec = s.tsNsec;
    if (r.timeRelativeNs - this.#firstRelNs > this.durationNs) this.durationNs = r.timeRelativeNs - this.#firstRelNs;
    if (r.phase !== "none") {
      const range = this.phase(r.phase);
      if (range.packets === 0) range.firstFrame = r.frame;
      range.lastFrame = r.frame; range.packets++;
    }
    const d = fromClient ? this.clientToServer : this.serverToClient;
    d.packets++;
    d.frameBytes += frameBytes;
    const len = r.seglen > 0 ? r.seglen : 0;
    d.payloadBytes += len;
    const fl = r.analysisPresent ? r.flags : 0;
    if ((fl & A_ANY_RETRANSMISSION) !== 0) d.retransmissions++;
    else d.payloadBytesNoRetrans += len;
    if ((fl & A_ZERO_WINDOW) !== 0) d.zeroWindows++;
    if ((fl & A_DUPLICATE_ACK) !== 0) d.dupAcks++;
    if (this.initialRttNs === 0 && r.initialRttNs !== 0) this.initialRttNs = r.initialRttNs;
    const f = s.flags, side = fromClient ? "client" : "server";
    if ((f & (SYN | ACK)) === SYN) { if (fromClient) this.clientSyn = true; else this.serverSyn = true; }
    if ((f & (SYN | ACK)) === (SYN | ACK)) this.synAckSeen = true;
    if ((f & RST) !== 0 && this.firstRstBy === undefined) {
      this.firstRstBy = side;
      this.#rstBeforeFins = !(this.clientFin && this.serverFin);
    }
    if ((f & FIN) !== 0 && (f & RST) === 0) {
      this.firstFinBy ??= side;
      if (fromClient) this.clientFin = true; else this.serverFin = true;
    }
    this.clientState = r.client; this.serverState = r.server;
    if (OPEN_STATES.has(r.client) && OPEN_STATES.has(r.server)) this.established = true;
  }
}

/** Options of the collector. */
export interface SummaryOptions {
  /** Most summaries kept; beyond it the oldest closed one (else the oldest open one) is evicted. */
  readonly maxKept?: number;
  /** Called with each summary just before it is evicted (to print or store it elsewhere). */
  readonly onEvict?: (s: ConversationSummary) => void;
}

/** Streaming collector: `observe(segment, result)` after each `TcpAnalyzer.observe`. */
export class ConversationSummaries {
  readonly maxKept: number;
  readonly #onEvict: ((s: ConversationSummary) => void) | undefined;
  readonly #byStream = new Map<number, ConversationSummary>();
  #closedQueue: number[] = [];
  #closedHead = 0;
  #maxStream = -1;
  /** Closed summaries evicted because of maxKept. */
  evictedClosed = 0;
  /** Open summaries evicted because no closed one was left to evict. */
  evictedOpen = 0;
  /** Packets of already evicted streams (not counted anywhere). */
  packetsAfterEviction = 0;

  constructor(opts: SummaryOptions = {}) {
    this.maxKept = Math.max(1, opts.maxKept ?? DEFAULT_MAX_SUMMARIES);
    this.#onEvict = opts.onEvict;
  }

  /** Add a segment and the analyzer's result for it. `frameBytes`: the frame's length on the wire
   *  (for byte counts comparable to `tshark -z conv,tcp`), 0 if unknown. Returns its summary. */
  observe(s: TcpSegment, r: AnalysisResult, frameBytes = 0): ConversationSummary | undefined {
    let sum = this.#byStream.get(r.stream);
    if (sum === undefined) {
      // Streams are numbered in creation order without gaps (spec §2.1): an older number is evicted.
      if (r.stream <= this.#maxStream) { this.packetsAfterEviction++; return undefined; }
      this.#maxStream = r.stream;
      sum = new ConversationSummary(r.stream);
      this.#byStream.set(r.stream, sum);
      if (this.#byStream.size > this.maxKept) this.#evictOne();
    }
    const wasClosed = sum.closed;
    sum.add(s, r, frameBytes);
    if (!wasClosed && sum.closed) this.#closedQueue.push(sum.stream);
    return sum;
  }

  /** The summary of a stream, if kept. */
  get(stream: number): ConversationSummary | undefined { return this.#byStream.get(stream); }
  /** Kept summaries in stream order. */
  all(): ConversationSummary[] { return [...this.#byStream.values()].sort((a, b) => a.stream - b.stream); }
  /** Number of kept summaries. */
  get size(): number { return this.#byStream.size; }

  #evictOne(): void {
    let victim: ConversationSummary | undefined;
    while (this.#closedHead < this.#closedQueue.length && victim === undefined) {
      victim = this.#byStream.get(this.#closedQueue[this.#closedHead++]!);
    }
    if (this.#closedHead > 1024 && this.#closedHead * 2 > this.#closedQueue.length) {
      this.#closedQueue = this.#closedQueue.slice(this.#closedHead);
      this.#closedHead = 0;
    }
    if (victim !== undefined) this.evictedClosed++;
    else {
      victim = this.#byStream.values().next().value as ConversationSummary;
      this.evictedOpen++;
    }
    this.#byStream.delete(victim.stream);
    this.#onEvict?.(victim);
  }
}
