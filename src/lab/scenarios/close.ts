/** Ending and idling: RST with SO_LINGER 0, half-close, simultaneous close, keep-alive, TIME-WAIT. */
import { before, LAB_PORT, type Scenario } from "../scenario.js";
import { AB_STEPS, C2S, client, DATA, echoServer, FIN, RST, S2C, SYN } from "./common.js";

/** a ≥ b in sequence space (RFC 9293 §3.4: the signed 32-bit difference). */
const seqGe = (a: number, b: number): boolean => ((a - b) | 0) >= 0;

export const rstMidStream: Scenario = {
  name: "rst-linger0",
  title: "the client aborts mid-transfer (SO_LINGER 0): a RST instead of a FIN",
  about: "The server is still sending when the client closes with SO_LINGER set to 0 (Node: resetAndDestroy()). The "
    + "kernel discards the socket and sends a RST (RFC 9293 §3.10.7.4 ABORT); data still on its way in is answered with RSTs too.",
  server: { mode: "listen", port: LAB_PORT, connections: [{ steps: [{ op: "write", bytes: 400_000 }, { op: "waitClose" }] }] },
  client: client([{ op: "read", bytes: 20_000 }, { op: "reset" }]),
  phenomena: [
    { id: "rst", label: "a RST from the client", filter: `${C2S} && ${RST}` },
    { id: "no-client-fin", label: "the client sends no FIN", filter: `${C2S} && ${FIN}`, absent: true },
    { id: "data-before", label: "the server was sending data", filter: `${S2C} && ${DATA}`, min: 5 },
  ],
};

export const halfClose: Scenario = {
  name: "half-close",
  title: "the client shuts down its sending side; the server keeps sending",
  about: "shutdown(SHUT_WR) sends a FIN: the client will send no more, but can still receive (RFC 9293 §3.6). The "
    + "server, in CLOSE-WAIT, sends 20 KB more before its own FIN.",
  server: { mode: "listen", port: LAB_PORT, connections: [{ steps: [{ op: "readEnd" }, { op: "sleep", ms: 50 }, { op: "write", bytes: 20_000 }, { op: "end" }] }] },
  client: client([{ op: "write", bytes: 300 }, { op: "end" }, { op: "readEnd" }]),
  phenomena: [
    { id: "client-fin", label: "the client's FIN (shutdown of its sending side)", filter: `${C2S} && ${FIN}` },
    { id: "data-after-fin", label: "server data after the client's FIN", filter: `${S2C} && ${DATA}`, min: 2,
      check: (_m, all) => before(all, (p) => p.fromClient && (p.flags & 1) !== 0, (p) => !p.fromClient && p.seglen > 0, "client FIN, then server data") },
    { id: "server-fin", label: "the server's FIN at the end", filter: `${S2C} && ${FIN}` },
  ],
};

export const simultaneousClose: Scenario = {
  name: "simultaneous-close",
  title: "both sides send a FIN before seeing the other's: CLOSING on both",
  about: "Each side is in FIN-WAIT-1 when the other's FIN arrives, so both go through CLOSING to TIME-WAIT "
    + "(RFC 9293 §3.6, figure 13) instead of one being the passive closer.",
  notes: ["the server drops the client's first FIN and closes 60 ms later: its FIN reaches a client still waiting for the ACK of its own (on a µs link two FINs cannot otherwise cross)"],
  timing: true,
  server: { mode: "listen", port: LAB_PORT, connections: [{ steps: [{ op: "read", bytes: 2 }, { op: "write", text: "AB" }, { op: "sleep", ms: 60 }, { op: "end" }, { op: "readEnd" }] }] },
  client: client([{ op: "write", text: "AB" }, { op: "read", bytes: 2 }, { op: "end" }, { op: "readEnd" }]),
  faults: [{ kind: "drop", what: "fin", from: "client", nth: [1] }],
  phenomena: [
    { id: "crossing-fins", label: "each side's FIN is sent before it acknowledged the other's", filter: FIN, min: 2,
      check: (m) => {
        const c = m.find((p) => p.fromClient), s = m.find((p) => !p.fromClient);
        if (c === undefined || s === undefined) return "FINs not from both sides";
        // A side has acknowledged the other's FIN when its ack is beyond that FIN's sequence number.
        return !seqGe(s.ackRaw, (c.seqRaw + c.seglen + 1) >>> 0) && !seqGe(c.ackRaw, (s.seqRaw + s.seglen + 1) >>> 0) ? undefined
          : "one FIN acknowledged the other";
      } },
    { id: "closing", label: "synack's state analysis shows CLOSING", filter: "synack.state.client contains \"CLOSING\" || synack.state.server contains \"CLOSING\"" },
  ],
};

export const keepAlive: Scenario = {
  name: "keep-alive",
  title: "an idle connection with SO_KEEPALIVE: probes every second",
  about: "After TCP_KEEPIDLE (1 s here) without traffic, the kernel sends a keep-alive: an ACK with seq one below the "
    + "next, carrying nothing (RFC 9293 §3.8.4). The peer answers with an ACK; probes repeat every "
    + "TCP_KEEPINTVL (net.ipv4.tcp_keepalive_intvl=1).",
  timing: true,
  sysctls: { client: { "net.ipv4.tcp_keepalive_intvl": 1 } },
  server: echoServer(),
  client: client([{ op: "write", text: "AB" }, { op: "read", bytes: 2 }, { op: "sleep", ms: 3600 }, { op: "end" }, { op: "readEnd" }], { keepAliveMs: 1000 }),
  phenomena: [
    { id: "keep-alive", label: "keep-alive probes from the client", filter: `${C2S} && tcp.analysis.keep_alive`, min: 2 },
    { id: "keep-alive-ack", label: "the server answers each", filter: `${S2C} && tcp.analysis.keep_alive_ack`, min: 2 },
  ],
};

/** The client's fixed port for TIME-WAIT and reuse. */
const TW_PORT = 40002;

export const timeWait: Scenario = {
  name: "time-wait",
  title: "the active closer waits in TIME-WAIT; the same port pair is used again",
  about: "The side that closes first ends in TIME-WAIT (RFC 9293 §3.6.1) so that late segments of the old connection "
    + "cannot be taken for a new one. A new connection on the same four-tuple is still possible: Linux allows it with "
    + "net.ipv4.tcp_tw_reuse=1 when timestamps tell the two apart (RFC 6191).",
  timing: true,
  sysctls: { client: { "net.ipv4.tcp_tw_reuse": 1 } },
  server: echoServer(2),
  client: { mode: "connect", port: LAB_PORT, connections: [
    { localPort: TW_PORT, steps: AB_STEPS },
    { localPort: TW_PORT, delayMs: 1100, steps: AB_STEPS },
  ] },
  phenomena: [
    { id: "time-wait", label: "the client (active closer) enters TIME-WAIT", filter: "synack.state.client contains \"TIME-WAIT\"" },
    { id: "reused-ports", label: "a new SYN on the same port pair", filter: `${C2S} && ${SYN} && tcp.analysis.reused_ports` },
    { id: "fin-first", label: "the client's FIN comes first", filter: FIN, min: 4,
      check: (m) => m[0]!.fromClient ? undefined : "the server closed first" },
  ],
};
