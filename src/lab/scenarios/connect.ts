/** Opening a connection: the article's exchange, a closed port, a lost SYN, a simultaneous open. */
import { LAB_PORT, type Scenario } from "../scenario.js";
import { AB_STEPS, C2S, client, echoServer, gapMs, HANDSHAKE, RST, S2C, SYN, SYN_ACK, FIN } from "./common.js";

export const handshakeEcho: Scenario = {
  name: "handshake-echo",
  title: "three-way handshake, \"AB\" echoed, both sides close (the article)",
  about: "The client opens with SYN, the server answers SYN-ACK, the client ACKs: both are ESTABLISHED. "
    + "Two bytes go each way, each acknowledged; then each side sends its FIN and ACKs the other's.",
  server: echoServer(),
  client: client(AB_STEPS),
  phenomena: [
    ...HANDSHAKE,
    { id: "data", label: "\"AB\" (41 42) from the client", filter: `${C2S} && tcp.payload == 41:42` },
    { id: "echo", label: "\"AB\" echoed by the server", filter: `${S2C} && tcp.payload == 41:42` },
    { id: "fins", label: "a FIN from each side", filter: FIN, min: 2,
      check: (m) => m.some((p) => p.fromClient) && m.some((p) => !p.fromClient) ? undefined : "FINs not from both sides" },
    { id: "no-trouble", label: "no retransmission, loss or duplicate ACK", filter: "tcp.analysis.retransmission || tcp.analysis.lost_segment || tcp.analysis.duplicate_ack", absent: true },
  ],
};

export const closedPort: Scenario = {
  name: "closed-port",
  title: "SYN to a port nobody listens on: the kernel answers RST",
  about: "No socket listens on the server's port, so its kernel refuses the SYN with a RST-ACK (RFC 9293 §3.10.7.1: "
    + "a segment to a CLOSED port gets a reset). The client's connect() fails with ECONNREFUSED.",
  server: { mode: "none", port: LAB_PORT, connections: [] },
  client: client(AB_STEPS),
  phenomena: [
    { id: "syn", label: "the client's SYN", filter: `${C2S} && ${SYN}` },
    { id: "rst", label: "RST-ACK from the server's kernel", filter: `${S2C} && ${RST} && tcp.flags.ack == 1` },
    { id: "no-syn-ack", label: "no SYN-ACK", filter: SYN_ACK, absent: true },
  ],
};

export const synLost: Scenario = {
  name: "syn-lost",
  title: "the first two SYNs are lost: retries after 1 s, then 2 s (exponential backoff)",
  about: "The client's SYN gets no answer, so it sends it again when its retransmission timer fires: 1 s after the first "
    + "(RFC 6298 §2.1 initial RTO), then after twice as long. The third SYN gets through and the handshake completes. "
    + "Linux ≥ 6.5 waits linearly for the first SYN retries (net.ipv4.tcp_syn_linear_timeouts); it is set to 0 here.",
  timing: true,
  sysctls: { client: { "net.ipv4.tcp_syn_linear_timeouts": 0 } },
  server: echoServer(),
  client: client(AB_STEPS),
  faults: [{ kind: "drop", what: "syn", from: "client", nth: [1, 2] }],
  phenomena: [
    { id: "syn-retransmission", label: "the SYN is retransmitted twice", filter: `${C2S} && ${SYN} && tcp.analysis.retransmission`, min: 2 },
    { id: "backoff", label: "the second wait is about twice the first", filter: `${C2S} && ${SYN}`, min: 3,
      check: (m) => {
        const g1 = gapMs(m[0]!, m[1]!), g2 = gapMs(m[1]!, m[2]!);
        return g1 > 700 && g2 > 1.6 * g1 && g2 < 2.5 * g1 ? undefined : `waits ${g1.toFixed(0)} ms then ${g2.toFixed(0)} ms`;
      } },
    { id: "syn-ack", label: "the third SYN is answered", filter: `${S2C} && ${SYN_ACK}` },
  ],
};

/** The client's port when both sides connect to each other. */
const SIM_PORT = 40001;

export const simultaneousOpen: Scenario = {
  name: "simultaneous-open",
  title: "both sides send a SYN to each other: the connection opens without a listener",
  about: "RFC 9293 §3.5 (figure 8): each side is in SYN-SENT when the other's SYN arrives, moves to SYN-RECEIVED and "
    + "answers SYN-ACK. No socket listens: both sides called connect() with fixed ports.",
  notes: [
    `both programs connect (client port ${SIM_PORT} → ${LAB_PORT}, server port ${LAB_PORT} → ${SIM_PORT}); on a link of a few µs one SYN would arrive before the other was sent and get a RST,`
      + " so the server drops the client's first SYN and connects 100 ms later: its SYN finds the client in SYN-SENT",
  ],
  timing: true,
  server: { mode: "connect", port: SIM_PORT, connections: [{ localPort: LAB_PORT, delayMs: 100,
    steps: [{ op: "read", bytes: 2 }, { op: "write", text: "AB" }, { op: "readEnd" }, { op: "end" }] }] },
  client: { mode: "connect", port: LAB_PORT, connections: [{ localPort: SIM_PORT, steps: AB_STEPS }] },
  faults: [{ kind: "drop", what: "syn", from: "client", nth: [1] }],
  phenomena: [
    { id: "syn-client", label: "a SYN from the client", filter: `${C2S} && ${SYN}` },
    { id: "syn-server", label: "a SYN from the server (no ACK: it is opening too)", filter: `${S2C} && ${SYN}` },
    { id: "syn-ack", label: "a SYN-ACK answers a SYN while its sender is itself in SYN-SENT", filter: SYN_ACK },
    { id: "data", label: "data flows after it", filter: "tcp.payload == 41:42", min: 2 },
  ],
};
