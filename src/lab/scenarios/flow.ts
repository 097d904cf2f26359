/** Flow control and congestion: a full receiver, window scaling off, a bottleneck, Nagle and
 *  delayed ACKs. */
import type { AgentStep } from "../agent.js";
import { LAB_PORT, SEGMENT, type Scenario } from "../scenario.js";
import { bulkClient, C2S, client, DATA, S2C, sinkServer, SYN, SYN_ACK } from "./common.js";

export const zeroWindow: Scenario = {
  name: "zero-window",
  title: "the receiver stops reading: its window fills, closes, is probed, reopens",
  about: "The server's receive buffer is small (net.ipv4.tcp_rmem) and its program does not read for 1.5 s. The "
    + "advertised window shrinks to 0 (RFC 9293 §3.8.6.1); the sender keeps the connection alive with zero-window "
    + "probes (Linux sends 0 bytes at seq − 1, which Wireshark calls keep-alives) until a window update reopens it.",
  timing: true,
  sysctls: { server: { "net.ipv4.tcp_rmem": "4096 16384 16384" } },
  server: sinkServer({}, [{ op: "pause" }, { op: "sleep", ms: 1500 }, { op: "resume" }]),
  client: bulkClient(200_000),
  phenomena: [
    { id: "window-full", label: "the sender fills the receiver's window", filter: `${C2S} && tcp.analysis.window_full` },
    { id: "zero-window", label: "the receiver advertises window 0", filter: `${S2C} && tcp.analysis.zero_window` },
    { id: "probe", label: "the sender probes the closed window", filter: `${C2S} && (tcp.analysis.zero_window_probe || tcp.analysis.keep_alive)` },
    { id: "window-update", label: "a window update reopens it", filter: `${S2C} && tcp.analysis.window_update` },
  ],
};

export const noWindowScaling: Scenario = {
  name: "no-window-scaling",
  title: "window scaling switched off: the window can never exceed 65,535 bytes",
  about: "With net.ipv4.tcp_window_scaling=0 the client's SYN has no window-scale option (RFC 7323 §2), so neither side "
    + "scales: the 16-bit window field is the window, and at most 64 KiB can be in flight.",
  sysctls: { client: { "net.ipv4.tcp_window_scaling": 0 } },
  server: sinkServer(),
  client: bulkClient(400_000),
  phenomena: [
    { id: "no-wscale", label: "no SYN carries the window-scale option", filter: "tcp.options.wscale.shift", absent: true },
    { id: "unscaled", label: "windows are not scaled (scale factor -2: none used)", filter: "tcp.window_size_scalefactor == -2", min: 10 },
    { id: "small-window", label: "no window above 65,535", filter: "tcp.window_size > 65535", absent: true },
    { id: "in-flight-bound", label: "bytes in flight stay within 64 KiB", filter: "tcp.analysis.bytes_in_flight > 65535", absent: true },
  ],
};

export const bottleneck: Scenario = {
  name: "bottleneck",
  title: "bulk transfer through a 10 Mbit/s bottleneck: slow start, growing flight",
  about: "A router between the hosts forwards the client's data through a token bucket (tc tbf) and its queue. The sender starts with a small congestion window (10 segments, "
    + "RFC 6928) and doubles it every round trip (slow start, RFC 5681 §3.1): the bytes in flight grow until the queue "
    + "at the bottleneck sets the pace.",
  timing: true,
  router: true,
  server: sinkServer(),
  client: bulkClient(800_000),
  faults: [{ kind: "rate", from: "client", at: "router", kbit: 10_000, burstBytes: 4000, latencyMs: 50 }],
  phenomena: [
    { id: "syn", label: "handshake", filter: `${C2S} && ${SYN}` },
    { id: "flight-grows", label: "bytes in flight grow past 10 initial segments", filter: `${C2S} && tcp.analysis.bytes_in_flight > ${10 * SEGMENT + 1}`,
      check: (m, all) => {
        const first = all.find((p) => p.fromClient && p.seglen > 0);
        const max = Math.max(...m.map((p) => p.bytesInFlight));
        return first !== undefined && first.bytesInFlight <= 2 * SEGMENT && max >= 3 * 10 * SEGMENT ? undefined
          : `first ${first?.bytesInFlight}, max ${max}`;
      } },
    { id: "paced", label: "the transfer takes at least the bottleneck's time (800 kB at 10 Mbit/s ≈ 0.64 s)", filter: `${C2S} && ${DATA}`,
      check: (m) => {
        const ms = (m[m.length - 1]!.tsSec - m[0]!.tsSec) * 1000 + (m[m.length - 1]!.tsNsec - m[0]!.tsNsec) / 1e6;
        return ms >= 450 ? undefined : `took only ${ms.toFixed(0)} ms`;
      } },
  ],
};

/** `rounds` request/response rounds: the client writes 10 + 10 bytes, the server answers 20. */
function rounds(n: number, side: "client" | "server"): AgentStep[] {
  const out: AgentStep[] = [];
  for (let i = 1; i <= n; i++) {
    if (side === "client") out.push({ op: "write", text: "HEAD-12345" }, { op: "write", text: "BODY-12345" }, { op: "read", bytes: 20 * i });
    else out.push({ op: "read", bytes: 20 * i }, { op: "write", text: "RESPONSE-0123456789" + "\n" });
  }
  return out;
}
const ROUNDS = 8;

export const nagle: Scenario = {
  name: "nagle-delayed-ack",
  title: "Nagle's algorithm meets delayed ACKs (stream 0), then TCP_NODELAY (stream 1)",
  about: "Each round the client writes two small pieces and waits for the answer. With Nagle on (RFC 9293 §3.7.4) the "
    + "second piece waits until the first is acknowledged, and the server delays that ACK hoping to send data with it "
    + "(RFC 1122 §4.2.3.2, ~40 ms on Linux): every round stalls. With TCP_NODELAY both pieces leave at once.",
  timing: true,
  server: { mode: "listen", port: LAB_PORT, connections: [
    { steps: [...rounds(ROUNDS, "server"), { op: "readEnd" }, { op: "end" }] },
    { steps: [...rounds(ROUNDS, "server"), { op: "readEnd" }, { op: "end" }] },
  ] },
  client: { mode: "connect", port: LAB_PORT, connections: [
    { noDelay: false, steps: [...rounds(ROUNDS, "client"), { op: "end" }, { op: "readEnd" }] },
    { noDelay: true, steps: [...rounds(ROUNDS, "client"), { op: "end" }, { op: "readEnd" }] },
  ] },
  phenomena: [
    { id: "delayed-ack", label: "with Nagle: a delayed ACK (≥ 30 ms) releases the held piece", filter: `tcp.stream == 0 && ${S2C} && tcp.analysis.ack_rtt >= 0.03` },
    { id: "nodelay-prompt", label: "with TCP_NODELAY: no ACK waits 30 ms", filter: `tcp.stream == 1 && tcp.analysis.ack_rtt >= 0.03`, absent: true },
    { id: "two-streams", label: "two connections", filter: `${SYN_ACK}`, min: 2 },
  ],
};
