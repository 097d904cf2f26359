/** Endpoint states as an observer on the path can infer them: RFC 9293 §3.3.2 plus PARTIAL
 *  (the capture began mid-connection, no evidence yet) and RESET (ended by a RST).
 *  Each segment is a *send* event for its source and a *receive* event for its destination
 *  (assumed delivered). One small function per current state (STYLE §7). */
import { seqGe } from "./seq.js";
import { ACK, FIN, RST, SYN, type TcpSegment } from "./segment.js";

/** RFC 9293 §3.3.2 states plus PARTIAL and RESET. */
export type EndpointState = "CLOSED" | "LISTEN" | "SYN-SENT" | "SYN-RECEIVED" | "ESTABLISHED"
  | "FIN-WAIT-1" | "FIN-WAIT-2" | "CLOSE-WAIT" | "CLOSING" | "LAST-ACK" | "TIME-WAIT"
  | "PARTIAL" | "RESET";

/** What the segment meant for one endpoint; "none" when it changed nothing we can infer. */
export type EndpointEvent = "none" | "send SYN" | "send SYN-ACK" | "send ACK" | "send FIN" | "send RST"
  | "receive SYN" | "receive SYN-ACK" | "receive ACK of SYN" | "receive ACK of FIN" | "receive FIN"
  | "receive RST";

/** The phase of a connection's life a packet belongs to. Phases only move forward
 *  (handshake → data → teardown) and a RST moves to "reset" from any of them; "none" is the
 *  label of a packet with no states (an ICMP-quoted header). */
export type ConnectionPhase = "handshake" | "data" | "teardown" | "reset";

/** Every EndpointState, for validation and exhaustive tests. The tracker works on a state's
 *  index in this list (its code); the codes below follow this order. */
export const ENDPOINT_STATES: readonly EndpointState[] = Object.freeze(["CLOSED", "LISTEN", "SYN-SENT",
  "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
  "PARTIAL", "RESET"]);

/** Every EndpointEvent, in code order. */
export const ENDPOINT_EVENTS: readonly EndpointEvent[] = Object.freeze(["none", "send SYN", "send SYN-ACK",
  "send ACK", "send FIN", "send RST", "receive SYN", "receive SYN-ACK", "receive ACK of SYN", "receive ACK of FIN",
  "receive FIN", "receive RST"]);

/** Every ConnectionPhase, in code order. */
export const CONNECTION_PHASES: readonly ConnectionPhase[] = Object.freeze(["handshake", "data", "teardown", "reset"]);

// Codes: indices into the lists above (the hot path compares small integers, not strings;
// `checkCodes` below makes sure the two agree).
const CLOSED = 0, LISTEN = 1, SYN_SENT = 2, SYN_RECEIVED = 3, ESTABLISHED = 4, FIN_WAIT_1 = 5,
  CLOSE_WAIT = 7, CLOSING = 8, LAST_ACK = 9, TIME_WAIT = 10, PARTIAL = 11, RESET = 12;
const E_NONE = 0, SEND_SYN = 1, SEND_SYN_ACK = 2, SEND_ACK = 3, SEND_FIN = 4, SEND_RST = 5, RECEIVE_SYN = 6,
  RECEIVE_SYN_ACK = 7, RECEIVE_ACK_OF_SYN = 8, RECEIVE_ACK_OF_FIN = 9, RECEIVE_FIN = 10, RECEIVE_RST = 11;
const HANDSHAKE = 0, DATA = 1, TEARDOWN = 2, PHASE_RESET = 3;

/** States in which the three-way handshake is still under way for that endpoint
 *  (CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED). */
const opening = (st: number): boolean => st <= SYN_RECEIVED;

/** The endpoint is finished with the connection (a RST it sends or receives ends nothing). */
const done = (st: number): boolean => st === CLOSED || st === TIME_WAIT;

type Transition = (ev: EndpointEvent) => EndpointState;

/** Next state per current state and event; an event not listed keeps the state. */
const FROM: Record<EndpointState, Transition> = {
  "CLOSED": (ev) => ev === "send SYN" ? "SYN-SENT" : ev === "send SYN-ACK" ? "SYN-RECEIVED"
    : ev === "receive SYN" ? "SYN-RECEIVED" : "CLOSED",
  "LISTEN": (ev) => ev === "receive SYN" || ev === "send SYN-ACK" ? "SYN-RECEIVED"
    : ev === "send SYN" ? "SYN-SENT" : "LISTEN",
  // RFC 9293 §3.5: a SYN received in SYN-SENT is a simultaneous open.
  "SYN-SENT": (ev) => ev === "receive SYN-ACK" ? "ESTABLISHED" : ev === "receive SYN" ? "SYN-RECEIVED"
    : ev === "send ACK" ? "ESTABLISHED" /* its SYN-ACK was not captured */ : ev === "send FIN" ? "FIN-WAIT-1"
    : "SYN-SENT",
  "SYN-RECEIVED": (ev) => ev === "receive ACK of SYN" || ev === "receive SYN-ACK" ? "ESTABLISHED"
    : ev === "send FIN" ? "FIN-WAIT-1" : ev === "receive FIN" ? "CLOSE-WAIT" : "SYN-RECEIVED",
  "ESTABLISHED": (ev) => ev === "send FIN" ? "FIN-WAIT-1" : ev === "receive FIN" ? "CLOSE-WAIT" : "ESTABLISHED",
  "FIN-WAIT-1": (ev) => ev === "receive ACK of FIN" ? "FIN-WAIT-2" : ev === "receive FIN" ? "CLOSING" : "FIN-WAIT-1",
  "FIN-WAIT-2": (ev) => ev === "receive FIN" ? "TIME-WAIT" : "FIN-WAIT-2",
  "CLOSE-WAIT": (ev) => ev === "send FIN" ? "LAST-ACK" : "CLOSE-WAIT",
  "CLOSING": (ev) => ev === "receive ACK of FIN" ? "TIME-WAIT" : "CLOSING",
  "LAST-ACK": (ev) => ev === "receive ACK of FIN" ? "CLOSED" : "LAST-ACK",
  "TIME-WAIT": (ev) => ev === "send SYN" ? "SYN-SENT" : "TIME-WAIT",
  // Mid-connection start: only a FIN, a SYN or a RST is evidence.
  "PARTIAL": (ev) => ev === "send FIN" ? "FIN-WAIT-1" : ev === "receive FIN" ? "CLOSE-WAIT"
    : ev === "send SYN" ? "SYN-SENT" : ev === "send SYN-ACK" ? "SYN-RECEIVED" : "PARTIAL",
  "RESET": (ev) => ev === "send SYN" ? "SYN-SENT" : ev === "receive SYN" ? "SYN-RECEIVED" : "RESET",
};

/** Code → name lookups for the hot path: plain arrays (a frozen array's elements are loaded
 *  through a generic IC in optimized code, a plain one's inline). */
export const STATE_NAME: EndpointState[] = [...ENDPOINT_STATES];
export const EVENT_NAME: EndpointEvent[] = [...ENDPOINT_EVENTS];
export const PHASE_NAME: ConnectionPhase[] = [...CONNECTION_PHASES];

/** Number of EndpointEvent codes (row length of NEXT). */
const N_EVENTS = 12;

/** FROM as a table of codes: NEXT[state × N_EVENTS + event] = next state. Built once from FROM,
 *  which stays the one place where the transitions are written. */
const NEXT = new Uint8Array(ENDPOINT_STATES.length * N_EVENTS);
for (let st = 0; st < ENDPOINT_STATES.length; st++) {
  for (let ev = 0; ev < N_EVENTS; ev++) {
    NEXT[st * N_EVENTS + ev] = ENDPOINT_STATES.indexOf(FROM[ENDPOINT_STATES[st]!](ENDPOINT_EVENTS[ev]!));
  }
}
const next = (st: number, ev: number): number => NEXT[st * N_EVENTS + ev]!;

/** The code constants above against the name lists (throws at load if they ever disagree). */
function checkCodes(): void {
  const states: Array<[number, EndpointState]> = [[CLOSED, "CLOSED"], [LISTEN, "LISTEN"], [SYN_SENT, "SYN-SENT"],
    [SYN_RECEIVED, "SYN-RECEIVED"], [ESTABLISHED, "ESTABLISHED"], [FIN_WAIT_1, "FIN-WAIT-1"], [CLOSE_WAIT, "CLOSE-WAIT"],
    [CLOSING, "CLOSING"], [LAST_ACK, "LAST-ACK"], [TIME_WAIT, "TIME-WAIT"], [PARTIAL, "PARTIAL"], [RESET, "RESET"]];
  const events: Array<[number, EndpointEvent]> = [[E_NONE, "none"], [SEND_SYN, "send SYN"], [SEND_SYN_ACK, "send SYN-ACK"],
    [SEND_ACK, "send ACK"], [SEND_FIN, "send FIN"], [SEND_RST, "send RST"], [RECEIVE_SYN, "receive SYN"],
    [RECEIVE_SYN_ACK, "receive SYN-ACK"], [RECEIVE_ACK_OF_SYN, "receive ACK of SYN"],
    [RECEIVE_ACK_OF_FIN, "receive ACK of FIN"], [RECEIVE_FIN, "receive FIN"], [RECEIVE_RST, "receive RST"]];
  const phases: Array<[number, ConnectionPhase]> = [[HANDSHAKE, "handshake"], [DATA, "data"], [TEARDOWN, "teardown"],
    [PHASE_RESET, "reset"]];
  for (const [code, name] of states) if (ENDPOINT_STATES[code] !== name) throw new Error(`state code ${code} ≠ ${name}`);
  for (const [code, name] of events) if (ENDPOINT_EVENTS[code] !== name) throw new Error(`event code ${code} ≠ ${name}`);
  for (const [code, name] of phases) if (CONNECTION_PHASES[code] !== name) throw new Error(`phase code ${code} ≠ ${name}`);
  if (ENDPOINT_EVENTS.length !== N_EVENTS) throw new Error("N_EVENTS");
}
checkCodes();

/** Both endpoints of one conversation generation. A = source of the creating packet.
 *  The client is the endpoint that sent the first SYN (inferred as the receiver when the first
 *  packet is a SYN-ACK); when the capture starts mid-connection it is the endpoint with the
 *  higher port (ephemeral ports are usually the higher ones), A on a tie.
 *  States, events and phases are codes: indices into ENDPOINT_STATES, ENDPOINT_EVENTS and
 *  CONNECTION_PHASES. */
export class EndpointTracker {
  stateA = CLOSED;
  stateB = CLOSED;
  /** Which endpoint opened (sent the first pure SYN, or received the first SYN-ACK); A unless known otherwise. */
  clientIsA = true;
  /** Raw seq after each side's SYN (ISN + 1) and FIN (its end + 1), when seen; kept as int32
   *  (`| 0`: small integers, never boxed), which sequence-space comparisons read the same. */
  synEndA = 0; synSeenA = false; synEndB = 0; synSeenB = false;
  finEndA = 0; finSeenA = false; finEndB = 0; finSeenB = false;
  rstSeen = false;
  /** Per packet: states before, and the events applied to A and B. */
  beforeA = CLOSED;
  beforeB = CLOSED;
  eventA = E_NONE;
  eventB = E_NONE;
  /** Phase of the connection after the last packet (HANDSHAKE before any packet). */
  phase = HANDSHAKE;
  /** Phase label of the last packet applied. */
  packetPhase = HANDSHAKE;
  /** No packet applied yet. */
  fresh = true;

  /** Back to a new tracker's state (a recycled conversation). */
  reset(): void {
    this.stateA = CLOSED; this.stateB = CLOSED; this.clientIsA = true;
    this.synEndA = 0; this.synSeenA = false; this.synEndB = 0; this.synSeenB = false;
    this.finEndA = 0; this.finSeenA = false; this.finEndB = 0; this.finSeenB = false; this.rstSeen = false;
    this.beforeA = CLOSED; this.beforeB = CLOSED; this.eventA = E_NONE; this.eventB = E_NONE;
    this.phase = HANDSHAKE; this.packetPhase = HANDSHAKE; this.fresh = true;
  }

  /** Initial states from the packet that created the generation (before it is applied).
   *  `portA`/`portB`: its source and destination ports (pick the client of a mid-connection start). */
  start(flags: number, portA = 0, portB = 0): void {
    const syn = (flags & SYN) !== 0, ack = (flags & ACK) !== 0;
    if (syn && !ack) { this.stateA = CLOSED; this.stateB = LISTEN; this.clientIsA = true; }
    else if (syn && ack) { this.stateA = LISTEN; this.stateB = SYN_SENT; this.clientIsA = false; }
    else { this.stateA = PARTIAL; this.stateB = PARTIAL; this.clientIsA = portA >= portB; }
  }

  /** Apply one segment sent by A (`fromA`) or B. Records before/after and the events. */
  apply(s: TcpSegment, fromA: boolean, seglen: number): void {
    const a = this.stateA, b = this.stateB;
    this.beforeA = a; this.beforeB = b;
    let x = fromA ? a : b;
    let y = fromA ? b : a;
    let evX = E_NONE, evY = E_NONE;
    const f = s.flags;
    const len = seglen < 0 ? 0 : seglen;
    if ((f & RST) !== 0) {
      // RFC 9293 §3.5.2: the sender aborts; the receiver drops the connection too (we assume the
      // RST is acceptable). A sender already CLOSED or in TIME-WAIT had finished: its RST answers a
      // stray segment (§3.10.7.1) and ends nothing, both sides are CLOSED; a TIME-WAIT receiver
      // closes early (§3.10.7.4).
      evX = SEND_RST; evY = RECEIVE_RST; this.rstSeen = true;
      if (done(x)) { x = CLOSED; y = CLOSED; }
      else { x = RESET; y = done(y) ? CLOSED : RESET; }
    } else {
      if ((f & SYN) !== 0) {
        const synEnd = (s.seqRaw + 1) | 0;
        if (fromA) { this.synEndA = synEnd; this.synSeenA = true; } else { this.synEndB = synEnd; this.synSeenB = true; }
        if ((f & ACK) !== 0) {
          evX = SEND_SYN_ACK;
          if (x !== ESTABLISHED) x = next(x, evX);
          evY = RECEIVE_SYN_ACK; y = next(y, evY);
        } else {
          // A SYN from a side that already received one: simultaneous open, it stays SYN-RECEIVED.
          evX = SEND_SYN;
          if (x !== SYN_RECEIVED) x = next(x, evX);
          evY = RECEIVE_SYN; y = next(y, evY);
        }
      } else if ((f & ACK) !== 0) {
        evX = SEND_ACK; x = next(x, evX);
        if (y === SYN_RECEIVED) {
          const ySynSeen = fromA ? this.synSeenB : this.synSeenA;
          if (!ySynSeen || seqGe(s.ackRaw, fromA ? this.synEndB : this.synEndA)) { evY = RECEIVE_ACK_OF_SYN; y = next(y, evY); }
        }
        if ((y === FIN_WAIT_1 || y === CLOSING || y === LAST_ACK) && (fromA ? this.finSeenB : this.finSeenA)
            && seqGe(s.ackRaw, fromA ? this.finEndB : this.finEndA)) {
          evY = RECEIVE_ACK_OF_FIN; y = next(y, evY);
        }
      }
      if ((f & FIN) !== 0) {
        const end = (s.seqRaw + len + 1) | 0;
        if (fromA) { this.finEndA = end; this.finSeenA = true; } else { this.finEndB = end; this.finSeenB = true; }
        // A side whose peer already closed is in CLOSE-WAIT even if we never saw it established.
        const peerFinSeen = fromA ? this.finSeenB : this.finSeenA;
        if (x === PARTIAL && peerFinSeen) x = CLOSE_WAIT;
        evX = SEND_FIN;
        // Simultaneous close (RFC 9293 §3.6, figure 13): a FIN whose ack does not cover the peer's
        // FIN left before that FIN arrived: a side in CLOSE-WAIT has already acknowledged it
        // (§3.10.7.4), so this one was in FIN-WAIT-1 and is CLOSING now that the peer's FIN is in.
        if (x === CLOSE_WAIT && peerFinSeen
            && ((f & ACK) === 0 || !seqGe(s.ackRaw, fromA ? this.finEndB : this.finEndA))) x = CLOSING;
        else x = next(x, evX);
        evY = RECEIVE_FIN; y = next(y, evY);
      }
    }
    if (fromA) { this.stateA = x; this.stateB = y; this.eventA = evX; this.eventB = evY; }
    else { this.stateB = x; this.stateA = y; this.eventB = evX; this.eventA = evY; }
    this.#advancePhase(f, len);
  }

  /** Without the states (AnalysisOptions.states off): only what `finished` reads, as `apply`
   *  records it (a RST; else a FIN from A or B). */
  noteEnd(flags: number, fromA: boolean): void {
    if ((flags & RST) !== 0) this.rstSeen = true;
    else if ((flags & FIN) !== 0) { if (fromA) this.finSeenA = true; else this.finSeenB = true; }
  }

  /** The packet's phase label and the connection's phase after it (see ConnectionPhase). */
  #advancePhase(f: number, len: number): void {
    const fresh = this.fresh, phase = this.phase;
    this.fresh = false;
    let p: number;
    if ((f & RST) !== 0 || phase === PHASE_RESET) p = PHASE_RESET;
    else if ((f & FIN) !== 0 || phase === TEARDOWN) p = TEARDOWN;
    else if ((f & SYN) !== 0) p = phase === DATA ? DATA : HANDSHAKE;
    else if (fresh || phase === DATA || len > 0) p = DATA;
    else p = HANDSHAKE;
    this.packetPhase = p;
    // The handshake is over once neither endpoint is still opening (or data flowed).
    this.phase = p !== HANDSHAKE ? p : opening(this.stateA) || opening(this.stateB) ? HANDSHAKE : DATA;
  }

  /** Both sides sent a FIN, or a RST was seen. */
  get finished(): boolean { return this.rstSeen || (this.finSeenA && this.finSeenB); }
}
