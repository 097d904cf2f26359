/** What a lab scenario is: a small declarative description of the two hosts (sysctls inside each
 *  namespace), their programs (agent specs with socket options and steps), the faults, and the
 *  phenomena the capture must show, each a Wireshark display filter that synack's filter engine
 *  evaluates over synack's analysis (and that tshark -Y evaluates identically, in the tests). */
import type { PacketFacts } from "../analysis/index.js";
import type { AgentConnection } from "./agent.js";
import type { Fault } from "./faults.js";
import type { Side } from "./netns.js";

/** The program of one host. `listen` on `port`; `connect` to the peer's `port` (from
 *  `connections[i].localPort` if set); `none`: the host runs nothing (a closed port). */
export interface HostProgram {
  mode: "listen" | "connect" | "none";
  port: number;
  connections: readonly AgentConnection[];
}

/** One behaviour the capture must show (or must not, with `absent`). */
export interface Phenomenon {
  /** Short name used in verdict lines and tests: "retransmission". */
  id: string;
  /** What it means, in words. */
  label: string;
  /** The frames that show it: a display filter in Wireshark's language. Fields named `synack.*`
   *  are synack's own (tshark has no such field, so the tshark cross-check skips the phenomenon). */
  filter: string;
  /** At least this many frames must match (default 1). */
  min?: number;
  /** The filter must match no frame. */
  absent?: boolean;
  /** A further condition on the matched frames (order, timing); returns why it fails, or undefined. */
  check?: (matched: readonly PacketFacts[], all: readonly PacketFacts[]) => string | undefined;
}

/** A scenario of `synack lab`. */
export interface Scenario {
  /** CLI name: `synack lab run NAME`. */
  name: string;
  /** One line: what happens. */
  title: string;
  /** What it teaches, two or three sentences. */
  about: string;
  /** A router namespace between the hosts (for a queue in the path). */
  router?: boolean;
  /** Sysctls inside each namespace. */
  sysctls?: Partial<Record<Side, Readonly<Record<string, string | number>>>>;
  /** What each host runs. The server starts first (and is listening before the client starts). */
  server: HostProgram;
  client: HostProgram;
  faults?: readonly Fault[];
  phenomena: readonly Phenomenon[];
  /** Timing decides the outcome (races, timers): the tests retry it once. */
  timing?: boolean;
  /** Capture this long after both programs ended (late ACKs, TIME-WAIT); default 200 ms. */
  settleMs?: number;
  /** How the setup works, when it is not obvious (how the SYNs were made to cross, …). */
  notes?: readonly string[];
}

/** The server's listening port in every scenario: the article's 20000. */
export const LAB_PORT = 20000;

/** Bytes of payload per full segment: MSS 1460 minus 12 bytes of timestamps option (veth MTU 1500). */
export const SEGMENT = 1448;

/** A check: the first frame of `a` comes before the first of `b` (by frame number). */
export function before(all: readonly PacketFacts[], a: (p: PacketFacts) => boolean, b: (p: PacketFacts) => boolean,
    what: string): string | undefined {
  const fa = all.find(a), fb = all.find(b);
  if (fa === undefined || fb === undefined) return `${what}: not both seen`;
  return fa.frame < fb.frame ? undefined : `${what}: frame ${fb.frame} came before frame ${fa.frame}`;
}
