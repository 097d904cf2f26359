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

/** Every EndpointState, for validation and exhaustive tests. */
export const ENDPOINT_STATES: readonly EndpointState[] = Object.freeze(["CLOSED", "LISTEN", "SYN-SENT",
  "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
  "PARTIAL", "RESET"]);

/** States in which the three-way handshake is still under way for that endpoint. */
const OPENING = (st: EndpointState): boolean =>
  st === "CLOSED" || st === "LISTEN" || st === "SYN-SENT" || st === "SYN-RECEIVED";

/** The endpoint is finished with the connection (a RST it sends or receives ends nothing). */
const done = (st: EndpointState): boolean => st === "CLOSED" || st === "TIME-WAIT";

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

/** Both endpoints of one conversation generation. A = source of the creating packet.
 *  The client is the endpoint that sent the first SYN (inferred as the receiver when the first
 *  packet is a SYN-ACK); when the capture starts mid-connection it is the endpoint with the
 *  higher port (ephemeral ports are usually the higher ones), A on a tie. */
export class EndpointTracker {
  stateA: EndpointState = "CLOSED";
  stateB: EndpointState = "CLOSED";
  /** Which endpoint opened (sent the first pure SYN, or received the first SYN-ACK); A unless known otherwise. */
  clientIsA = true;
  /** Raw seq after each side's SYN (ISN + 1) and FIN (its end + 1), when seen. */
  synEndA = 0; synSeenA = false; synEndB = 0; synSeenB = false;
  finEndA = 0; finSeenA = false; finEndB = 0; finSeenB = false;
  rstSeen = false;
  /** Per packet: states before, and the events applied to A and B. */
  beforeA: EndpointState = "CLOSED";
  beforeB: EndpointState = "CLOSED";
  eventA: EndpointEvent = "none";
  eventB: EndpointEvent = "none";
  /** Phase of the connection after the last packet ("handshake" before any packet). */
  phase: ConnectionPhase = "handshake";
  /** Phase label of the last packet applied. */
  packetPhase: ConnectionPhase = "handshake";
  /** No packet applied yet. */
  #fresh = true;

  /** Initial states from the packet that created the generation (before it is applied).
   *  `portA`/`portB`: its source and destination ports (pick the client of a mid-connection start). */
  start(flags: number, portA = 0, portB = 0): void {
    const syn = (flags & SYN) !== 0, ack = (flags & ACK) !== 0;
    if (syn && !ack) { this.stateA = "CLOSED"; this.stateB = "LISTEN"; this.clientIsA = true; }
    else if (syn && ack) { this.stateA = "LISTEN"; this.stateB = "SYN-SENT"; this.clientIsA = false; }
    else { this.stateA = "PARTIAL"; this.stateB = "PARTIAL"; this.clientIsA = portA >= portB; }
  }

  /** Apply one segment sent by A (`fromA`) or B. Records before/after and the events. */
  apply(s: TcpSegment, fromA: boolean, seglen: number): void {
    this.beforeA = this.stateA; this.beforeB = this.stateB;
    this.eventA = "none"; this.eventB = "none";
    let x = fromA ? this.stateA : this.stateB;
    let y = fromA ? this.stateB : this.stateA;
    let evX: EndpointEvent = "none", evY: EndpointEvent = "none";
    const f = s.flags;
    const len = seglen < 0 ? 0 : seglen;
    if ((f & RST) !== 0) {
      // RFC 9293 §3.5.2: the sender aborts; the receiver drops the connection too (we assume the
      // RST is acceptable). A sender already CLOSED or in TIME-WAIT had finished: its RST answers a
      // stray segment (§3.10.7.1) and ends nothing, both sides are CLOSED; a TIME-WAIT receiver
      // closes early (§3.10.7.4).
      evX = "send RST"; evY = "receive RST"; this.rstSeen = true;
      if (done(x)) { x = "CLOSED"; y = "CLOSED"; }
      else { x = "RESET"; y = done(y) ? "CLOSED" : "RESET"; }
    } else {
      if ((f & SYN) !== 0) {
        this.#noteSyn(fromA, s.seqRaw);
        if ((f & ACK) !== 0) {
          evX = "send SYN-ACK";
          if (x !== "ESTABLISHED") x = FROM[x](evX);
          evY = "receive SYN-ACK"; y = FROM[y](evY);
        } else {
          // A SYN from a side that already received one: simultaneous open, it stays SYN-RECEIVED.
          evX = "send SYN";
          if (x !== "SYN-RECEIVED") x = FROM[x](evX);
          evY = "receive SYN"; y = FROM[y](evY);
        }
      } else if ((f & ACK) !== 0) {
        evX = "send ACK"; x = FROM[x](evX);
        const ySynEnd = fromA ? this.synEndB : this.synEndA;
        const ySynSeen = fromA ? this.synSeenB : this.synSeenA;
        if (y === "SYN-RECEIVED" && (!ySynSeen || seqGe(s.ackRaw, ySynEnd))) { evY = "receive ACK of SYN"; y = FROM[y](evY); }
      }
      if ((f & ACK) !== 0 && (f & SYN) === 0) {
        const yFinSeen = fromA ? this.finSeenB : this.finSeenA;
        const yFinEnd = fromA ? this.finEndB : this.finEndA;
        if (yFinSeen && seqGe(s.ackRaw, yFinEnd) && (y === "FIN-WAIT-1" || y === "CLOSING" || y === "LAST-ACK")) {
          evY = "receive ACK of FIN"; y = FROM[y](evY);
        }
      }
      if ((f & FIN) !== 0) {
        const end = (s.seqRaw + len + 1) >>> 0;
        if (fromA) { this.finEndA = end; this.finSeenA = true; } else { this.finEndB = end; this.finSeenB = true; }
        // A side whose peer already closed is in CLOSE-WAIT even if we never saw it established.
        const peerFinSeen = fromA ? this.finSeenB : this.finSeenA;
        if (x === "PARTIAL" && peerFinSeen) x = "CLOSE-WAIT";
        evX = "send FIN";
        // Simultaneous close (RFC 9293 §3.6, figure 13): a FIN whose ack does not cover the peer's
        // FIN left before that FIN arrived: a side in CLOSE-WAIT has already acknowledged it
        // (§3.10.7.4), so this one was in FIN-WAIT-1 and is CLOSING now that the peer's FIN is in.
        if (x === "CLOSE-WAIT" && peerFinSeen
            && ((f & ACK) === 0 || !seqGe(s.ackRaw, fromA ? this.finEndB : this.finEndA))) x = "CLOSING";
        else x = FROM[x](evX);
        evY = "receive FIN"; y = FROM[y](evY);
      }
    }
    if (fromA) { this.stateA = x; this.stateB = y; this.eventA = evX; this.eventB = evY; }
    else { this.stateB = x; this.stateA = y; this.eventB = evX; this.eventA = evY; }
    this.#advancePhase(f, len);
  }

  /** The packet's phase label and the connection's phase after it (see ConnectionPhase). */
  #advancePhase(f: number, len: number): void {
    const fresh = this.#fresh;
    this.#fresh = false;
    let p: ConnectionPhase;
    if ((f & RST) !== 0 || this.phase === "reset") p = "reset";
    else if ((f & FIN) !== 0 || this.phase === "teardown") p = "teardown";
    else if ((f & SYN) !== 0) p = this.phase === "data" ? "data" : "handshake";
    else if (fresh || this.phase === "data" || len > 0) p = "data";
    else p = "handshake";
    this.packetPhase = p;
    // The handshake is over once neither endpoint is still opening (or data flowed).
    this.phase = p === "handshake" && (OPENING(this.stateA) || OPENING(this.stateB)) ? "handshake"
      : p === "handshake" ? "data" : p;
  }

  /** Both sides sent a FIN, or a RST was seen. */
  get finished(): boolean { return this.rstSeen || (this.finSeenA && this.finSeenB); }

  #noteSyn(fromA: boolean, seq: number): void {
    const end = (seq + 1) >>> 0;
    if (fromA) { this.synEndA = end; this.synSeenA = true; } else { this.synEndB = end; this.synSeenB = true; }
  }
}
