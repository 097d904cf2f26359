/** Endpoint states of one analysis result as the user sees them: the client's and the server's
 *  state before and after the packet and the transition it caused (fields `synack.state.client`,
 *  `synack.state.server`). Allocates; call per displayed packet, not in the analysis loop.
 *
 *  Client rule (states.ts): the endpoint that sent the first SYN (the receiver of a SYN-ACK that
 *  opens the capture); when the capture starts mid-connection, the endpoint with the higher port,
 *  the first packet's source on a tie. */
import type { AnalysisResult } from "./result.js";
import type { EndpointEvent, EndpointState } from "./states.js";

/** Which endpoint of the conversation. */
export type EndpointRole = "client" | "server";

/** One endpoint's view of one packet. */
export interface EndpointStateView {
  readonly role: EndpointRole;
  /** State before and after the packet. PARTIAL: capture began mid-connection, state unknown. */
  readonly before: EndpointState;
  readonly after: EndpointState;
  /** What the packet meant for this endpoint ("none": nothing we can infer). */
  readonly event: EndpointEvent;
  /** The endpoint sent this packet (false: it is the receiver). */
  readonly sender: boolean;
  /** before ≠ after. */
  readonly changed: boolean;
  /** Field text: `ESTABLISHED`, or `SYN-SENT → ESTABLISHED` when the packet changed it. */
  readonly text: string;
}

/** A state for display: PARTIAL (no evidence yet) reads UNKNOWN, as the issue asks. */
export function stateLabel(st: EndpointState): string {
  return st === "PARTIAL" ? "UNKNOWN" : st;
}

/** Field text of `synack.state.client` / `synack.state.server`: "" when the packet has no states
 *  (an ICMP-quoted header), the state after the packet, or `before → after` when it changed. */
export function endpointStateText(r: AnalysisResult, role: EndpointRole): string {
  if (!r.statesPresent) return "";
  const before = role === "client" ? r.clientBefore : r.serverBefore;
  const after = role === "client" ? r.client : r.server;
  return before === after ? stateLabel(after) : `${stateLabel(before)} → ${stateLabel(after)}`;
}

/** The full view of one endpoint for JSON and explanations; undefined without states. */
export function endpointState(r: AnalysisResult, role: EndpointRole): EndpointStateView | undefined {
  if (!r.statesPresent) return undefined;
  const client = role === "client";
  const before = client ? r.clientBefore : r.serverBefore;
  const after = client ? r.client : r.server;
  return {
    role, before, after, event: client ? r.clientEvent : r.serverEvent,
    sender: client === r.fromClient, changed: before !== after, text: endpointStateText(r, role),
  };
}

/** One sentence for an explanation: `client SYN-SENT → ESTABLISHED (receive SYN-ACK)`. */
export function describeTransition(v: EndpointStateView): string {
  const ev = v.event === "none" ? "" : ` (${v.event})`;
  return v.changed ? `${v.role} ${stateLabel(v.before)} → ${stateLabel(v.after)}${ev}`
    : `${v.role} stays ${stateLabel(v.after)}${ev}`;
}
