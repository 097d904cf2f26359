/** Building blocks shared by the scenario descriptions: direction filters, common programs. */
import type { AgentConnection, AgentStep } from "../agent.js";
import { LAB_PORT, type HostProgram, type Phenomenon } from "../scenario.js";

/** Display-filter terms for the two directions (by the server's port: right for both families). */
export const C2S = `tcp.dstport == ${LAB_PORT}`;
export const S2C = `tcp.srcport == ${LAB_PORT}`;
/** A SYN without ACK, a SYN-ACK, a FIN, a RST, a segment with data. */
export const SYN = "tcp.flags.syn == 1 && tcp.flags.ack == 0";
export const SYN_ACK = "tcp.flags.syn == 1 && tcp.flags.ack == 1";
export const FIN = "tcp.flags.fin == 1";
export const RST = "tcp.flags.reset == 1";
export const DATA = "tcp.len > 0";

/** An echo server for `n` connections: echoes everything, closes after the client's FIN. */
export function echoServer(n = 1): HostProgram {
  return { mode: "listen", port: LAB_PORT, connections: Array.from({ length: n }, () => ({ steps: [{ op: "echo" }] })) };
}

/** A server for one connection that reads until the client's FIN, then closes. */
export function sinkServer(extra: Partial<AgentConnection> = {}, before: readonly AgentStep[] = []): HostProgram {
  return { mode: "listen", port: LAB_PORT, connections: [{ ...extra, steps: [...before, { op: "readEnd" }, { op: "end" }] }] };
}

/** A client that connects once with these steps. */
export function client(steps: readonly AgentStep[], extra: Partial<AgentConnection> = {}): HostProgram {
  return { mode: "connect", port: LAB_PORT, connections: [{ ...extra, steps }] };
}

/** The article's client: send "AB", read the echo, shut down, wait for the server's FIN. */
export const AB_STEPS: readonly AgentStep[] = [{ op: "write", text: "AB" }, { op: "read", bytes: 2 }, { op: "end" }, { op: "readEnd" }];

/** A client that sends `bytes` in one write (with TCP_NODELAY), then closes. */
export function bulkClient(bytes: number): HostProgram {
  return client([{ op: "write", bytes }, { op: "end" }, { op: "readEnd" }], { noDelay: true });
}

/** The handshake seen: the SYN and the SYN-ACK. */
export const HANDSHAKE: readonly Phenomenon[] = [
  { id: "syn", label: "the client's SYN opens the connection", filter: `${C2S} && ${SYN}` },
  { id: "syn-ack", label: "the server answers SYN-ACK", filter: `${S2C} && ${SYN_ACK}` },
];

/** Frames by time: milliseconds between two packets. */
export const gapMs = (a: { tsSec: number; tsNsec: number }, b: { tsSec: number; tsNsec: number }): number =>
  (b.tsSec - a.tsSec) * 1000 + (b.tsNsec - a.tsNsec) / 1e6;
