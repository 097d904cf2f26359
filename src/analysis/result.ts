/** The analysis of one segment: every field value as a number (formatting to tshark text is
 *  the explain layer's job). One instance is refilled per packet (STYLE §5): copy what you keep. */
import {
  type ConnectionPhase, CONNECTION_PHASES, ENDPOINT_EVENTS, ENDPOINT_STATES, type EndpointEvent, type EndpointState,
  EVENT_NAME, PHASE_NAME, STATE_NAME,
} from "./states.js";
import { WhyList } from "./why.js";

/** The first value of a number field that will hold numbers beyond the 32-bit integers (uint32
 *  sequence numbers, ns, values read from a double array). V8 gives a field the representation
 *  of its first value: a small-integer field that later takes a double moves every object of its
 *  class to a new hidden class, and every function optimized for the old one deoptimizes and is
 *  compiled again (observe() and its callees are large: tens of ms of compile each time). −0 is
 *  a double; the constructors store 0 over it at once (the field stays a double field). */
export const DOUBLE_FIELD = -0;

/** `AnalysisResult.phaseCode` of a packet without states ("none"). */
export const PHASE_NONE = -1;

/** Per-packet output of `TcpAnalyzer.observe`. "present" booleans mirror tshark's field presence. */
export class AnalysisResult {
  /** frame.number of the segment. */
  frame = 0;
  /** The segment's 12 TCP flag bits (FIN 0x001 … AE 0x100), for traces and summaries. */
  tcpFlags = 0;
  /** tcp.stream. */
  stream = 0;
  /** tcp.completeness as shown (before this packet's contribution, spec §9). */
  completeness = 0;
  /** tcp.len, or −1 when unknown (short segment, ICMP-quoted header). */
  seglen = -1;
  /** tcp.seq as shown (relative when relative numbering applies, else raw). */
  seq = DOUBLE_FIELD;
  /** tcp.ack as shown (relative only with the ACK flag, spec §4.2); absent with a bogus header. */
  ack = DOUBLE_FIELD;
  ackPresent = false;
  /** tcp.nxtseq (seq + len, +1 for SYN/FIN); present when seglen is known and the header is valid. */
  nxtseq = DOUBLE_FIELD;
  nxtseqPresent = false;
  /** Bases used for relative numbers of this direction (seq) and the other one (ack, SACK edges). */
  seqBase = DOUBLE_FIELD;
  ackBase = DOUBLE_FIELD;
  /** Relative numbers apply to this packet (both prefs on and seglen known). */
  relative = false;
  /** tcp.window_size (scaled) and tcp.window_size_value (raw); absent with a bogus header. */
  windowSize = DOUBLE_FIELD;
  windowPresent = false;
  /** tcp.window_size_scalefactor: multiplier, −1 unknown, −2 not used; absent on SYNs. */
  scaleFactor = DOUBLE_FIELD;
  scaleFactorPresent = false;
  /** tcp.time_relative / tcp.time_delta in integer ns (may be negative if timestamps go back). */
  timeRelativeNs = DOUBLE_FIELD;
  timeDeltaNs = DOUBLE_FIELD;
  /** The same two times as seconds + ns parts (any signs), exact however long: the ns values
   *  round past 2^53 ns (~104 days). */
  timeRelativeSec = DOUBLE_FIELD;
  timeRelativeSubNs = DOUBLE_FIELD;
  timeDeltaSec = DOUBLE_FIELD;
  timeDeltaSubNs = DOUBLE_FIELD;
  timePresent = false;
  /** tcp.analysis present: the packet has an analysis record and its output was not lost. */
  analysisPresent = false;
  /** Analysis flag bits (A_* in flags.ts); only meaningful when analysisPresent. */
  flags = 0;
  /** tcp.analysis.acks_frame (0 = absent) and tcp.analysis.ack_rtt in ns (0 = absent). */
  acksFrame = DOUBLE_FIELD;
  ackRttNs = DOUBLE_FIELD;
  /** The same ack RTT as seconds + ns parts (any signs), exact however long: ackRttNs rounds past
   *  2^53 ns (~104 days). Meaningful when ackRttNs ≠ 0. */
  ackRttSec = DOUBLE_FIELD;
  ackRttSubNs = DOUBLE_FIELD;
  /** tcp.analysis.initial_rtt in ns (0 = absent). */
  initialRttNs = DOUBLE_FIELD;
  /** The same iRTT as seconds + ns parts (any signs), exact however long: initialRttNs rounds past
   *  2^53 ns (~104 days). Meaningful when initialRttNs ≠ 0. */
  initialRttSec = DOUBLE_FIELD;
  initialRttSubNs = DOUBLE_FIELD;
  /** tcp.analysis.bytes_in_flight and push_bytes_sent; present when bytesInFlight ≠ 0. */
  bytesInFlight = DOUBLE_FIELD;
  pushBytesSent = DOUBLE_FIELD;
  /** tcp.analysis.duplicate_ack_num / _frame (present when num ≠ 0). */
  dupAckNum = 0;
  dupAckFrame = 0;
  /** tcp.analysis.rto in ns and rto_frame (present when rto ≠ 0). */
  rtoNs = DOUBLE_FIELD;
  rtoFrame = DOUBLE_FIELD;
  /** The same RTO as seconds + ns parts (any signs), exact however long (see initialRttSec).
   *  Meaningful when rtoNs ≠ 0. */
  rtoSec = DOUBLE_FIELD;
  rtoSubNs = DOUBLE_FIELD;
  /** The analysis ran but its output is lost (truncated options or bogus header, spec §11.1, §12.2). */
  outputSuppressed = false;
  /** Rules that fired, in evaluation order, with the values compared. */
  readonly why = new WhyList();
  /** The packet travels from the client to the server. */
  fromClient = true;
  /** The state fields above describe this packet (false for ICMP-quoted headers: stale values). */
  statesPresent = false;
  // Endpoint states, events and phase as codes: indices into ENDPOINT_STATES, ENDPOINT_EVENTS and
  // CONNECTION_PHASES (PHASE_NONE: "none"). The analyzer stores small integers per packet
  // (`setStates`); the name properties read them. Names per packet cost loads, compares and
  // write barriers (measured: the analyzer ~8 % slower).
  #clientBefore = 0;
  #serverBefore = 0;
  #client = 0;
  #server = 0;
  #clientEvent = 0;
  #serverEvent = 0;
  #phase = PHASE_NONE;
  /** Endpoint states of the conversation's client and server, before and after this packet. */
  declare clientBefore: EndpointState;
  declare serverBefore: EndpointState;
  declare client: EndpointState;
  declare server: EndpointState;
  /** What this packet meant for each endpoint. */
  declare clientEvent: EndpointEvent;
  declare serverEvent: EndpointEvent;
  /** Phase of the connection this packet belongs to; "none" when statesPresent is false. */
  declare phase: ConnectionPhase | "none";

  /** The analyzer's per-packet store of the codes behind the names above. */
  setStates(clientBefore: number, serverBefore: number, client: number, server: number, clientEvent: number,
    serverEvent: number, phase: number): void {
    this.#clientBefore = clientBefore; this.#serverBefore = serverBefore; this.#client = client; this.#server = server;
    this.#clientEvent = clientEvent; this.#serverEvent = serverEvent; this.#phase = phase;
  }
  /** The seven codes in one number, 4 bits each (the phase + 1, so PHASE_NONE is 0): what the
   *  analysis wire between threads carries (cli/commands/analysis-wire.ts). */
  packStates(): number {
    return this.#clientBefore | (this.#serverBefore << 4) | (this.#client << 8) | (this.#server << 12)
      | (this.#clientEvent << 16) | (this.#serverEvent << 20) | ((this.#phase + 1) << 24);
  }
  /** The codes back from `packStates`. */
  unpackStates(v: number): void {
    this.#clientBefore = v & 15; this.#serverBefore = (v >> 4) & 15; this.#client = (v >> 8) & 15;
    this.#server = (v >> 12) & 15; this.#clientEvent = (v >> 16) & 15; this.#serverEvent = (v >> 20) & 15;
    this.#phase = ((v >> 24) & 15) - 1;
  }
  /** Phase code only (PHASE_NONE for a packet without states). */
  setPhaseCode(phase: number): void { this.#phase = phase; }

  // The names are own enumerable accessor properties (set in the constructor from one shared set
  // of descriptors, so every result has the same hidden class): a result still lists, copies and
  // compares like a plain record of its fields (Object.keys, Object.entries).
  static readonly #NAMES: PropertyDescriptorMap = {
    clientBefore: stateProperty((r) => r.#clientBefore, (r, v) => { r.#clientBefore = v; }),
    serverBefore: stateProperty((r) => r.#serverBefore, (r, v) => { r.#serverBefore = v; }),
    client: stateProperty((r) => r.#client, (r, v) => { r.#client = v; }),
    server: stateProperty((r) => r.#server, (r, v) => { r.#server = v; }),
    clientEvent: eventProperty((r) => r.#clientEvent, (r, v) => { r.#clientEvent = v; }),
    serverEvent: eventProperty((r) => r.#serverEvent, (r, v) => { r.#serverEvent = v; }),
    phase: {
      enumerable: true,
      get(this: AnalysisResult) { return this.#phase === PHASE_NONE ? "none" : PHASE_NAME[this.#phase]!; },
      set(this: AnalysisResult, v: ConnectionPhase | "none") {
        this.#phase = v === "none" ? PHASE_NONE : CONNECTION_PHASES.indexOf(v);
      },
    },
  };

  constructor() {
    Object.defineProperties(this, AnalysisResult.#NAMES);
    this.clear();
  }

  /** Back to "nothing known" for the next packet. */
  clear(): void {
    this.frame = 0; this.tcpFlags = 0; this.stream = 0; this.completeness = 0; this.seglen = -1;
    this.seq = 0; this.ack = 0; this.ackPresent = false; this.nxtseq = 0; this.nxtseqPresent = false;
    this.seqBase = 0; this.ackBase = 0; this.relative = false;
    this.windowSize = 0; this.windowPresent = false; this.scaleFactor = 0; this.scaleFactorPresent = false;
    this.timeRelativeNs = 0; this.timeDeltaNs = 0; this.timePresent = false;
    this.timeRelativeSec = 0; this.timeRelativeSubNs = 0; this.timeDeltaSec = 0; this.timeDeltaSubNs = 0;
    this.analysisPresent = false; this.flags = 0; this.acksFrame = 0; this.ackRttNs = 0; this.ackRttSec = 0; this.ackRttSubNs = 0;
    this.initialRttNs = 0; this.initialRttSec = 0; this.initialRttSubNs = 0; this.bytesInFlight = 0; this.pushBytesSent = 0;
    this.dupAckNum = 0; this.dupAckFrame = 0; this.rtoNs = 0; this.rtoFrame = 0; this.rtoSec = 0; this.rtoSubNs = 0;
    this.outputSuppressed = false; this.why.clear();
    this.statesPresent = false; this.#phase = PHASE_NONE;
  }
}

function stateProperty(get: (r: AnalysisResult) => number, set: (r: AnalysisResult, v: number) => void): PropertyDescriptor {
  return {
    enumerable: true,
    get(this: AnalysisResult): EndpointState { return STATE_NAME[get(this)]!; },
    set(this: AnalysisResult, v: EndpointState) { set(this, ENDPOINT_STATES.indexOf(v)); },
  };
}

function eventProperty(get: (r: AnalysisResult) => number, set: (r: AnalysisResult, v: number) => void): PropertyDescriptor {
  return {
    enumerable: true,
    get(this: AnalysisResult): EndpointEvent { return EVENT_NAME[get(this)]!; },
    set(this: AnalysisResult, v: EndpointEvent) { set(this, ENDPOINT_EVENTS.indexOf(v)); },
  };
}

// packStates keeps 4 bits per code.
if (ENDPOINT_STATES.length > 16 || ENDPOINT_EVENTS.length > 16 || CONNECTION_PHASES.length > 15) {
  throw new Error("state, event or phase codes no longer fit 4 bits (AnalysisResult.packStates)");
}
