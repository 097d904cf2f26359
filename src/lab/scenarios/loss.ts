/** Losing segments: timeout retransmission, fast retransmission with and without SACK, reordering,
 *  random loss. */
import { SEGMENT, type Scenario } from "../scenario.js";
import { bulkClient, C2S, client, DATA, echoServer, S2C, sinkServer, SYN } from "./common.js";

export const dataLost: Scenario = {
  name: "data-lost",
  title: "the only data segment is lost: retransmitted when the RTO fires",
  about: "Nothing follows the lost segment, so no duplicate ACK can tell the sender about it: only the retransmission "
    + "timer does (RFC 6298: at least 200 ms on Linux). Tail-loss probes are switched off (net.ipv4.tcp_early_retrans=0) "
    + "so the timer itself is seen.",
  timing: true,
  sysctls: { client: { "net.ipv4.tcp_early_retrans": 0 } },
  server: echoServer(),
  client: client([{ op: "write", bytes: 1000 }, { op: "read", bytes: 1000 }, { op: "end" }, { op: "readEnd" }], { noDelay: true }),
  faults: [{ kind: "drop", what: "data", from: "client", nth: [1] }],
  phenomena: [
    { id: "retransmission", label: "the data segment is sent again", filter: `${C2S} && ${DATA} && tcp.analysis.retransmission` },
    { id: "rto", label: "after the retransmission timeout (≥ 200 ms)", filter: `${C2S} && tcp.analysis.rto >= 0.2` },
    { id: "no-fast-retransmission", label: "no duplicate ACKs, no fast retransmission", filter: "tcp.analysis.duplicate_ack || tcp.analysis.fast_retransmission", absent: true },
  ],
};

export const sackLoss: Scenario = {
  name: "sack-loss",
  title: "one segment of a burst is lost; SACK tells the sender exactly which",
  about: "The receiver keeps getting segments after the hole, so it repeats its ACK (duplicate ACKs) and adds SACK blocks "
    + "(RFC 2018) naming the bytes it has beyond the hole. The sender retransmits the missing segment at once (fast "
    + "retransmit, RFC 5681 §3.2), long before any timer.",
  server: sinkServer(),
  client: bulkClient(20 * SEGMENT),
  faults: [{ kind: "drop", what: "data", from: "client", nth: [4] }],
  phenomena: [
    { id: "sack-permitted", label: "both SYNs offer SACK", filter: "tcp.options.sack_perm", min: 2 },
    { id: "duplicate-ack", label: "duplicate ACKs from the receiver", filter: `${S2C} && tcp.analysis.duplicate_ack`, min: 2 },
    { id: "sack-blocks", label: "ACKs carry SACK blocks", filter: `${S2C} && tcp.options.sack_le` },
    { id: "fast-retransmission", label: "the hole is retransmitted after the duplicate ACKs", filter: `${C2S} && tcp.analysis.fast_retransmission` },
  ],
};

export const noSackLoss: Scenario = {
  name: "nosack-loss",
  title: "the same loss with SACK switched off: only duplicate ACKs",
  about: "With net.ipv4.tcp_sack=0 the SYNs carry no SACK-permitted option, so the receiver can only repeat its cumulative "
    + "ACK. After three duplicates the sender retransmits (RFC 5681 §3.2, NewReno RFC 6582).",
  sysctls: { client: { "net.ipv4.tcp_sack": 0 }, server: { "net.ipv4.tcp_sack": 0 } },
  server: sinkServer(),
  client: bulkClient(20 * SEGMENT),
  faults: [{ kind: "drop", what: "data", from: "client", nth: [4] }],
  phenomena: [
    { id: "no-sack", label: "no SACK option anywhere", filter: "tcp.options.sack_perm || tcp.options.sack_le", absent: true },
    { id: "duplicate-ack", label: "three or more duplicate ACKs", filter: `${S2C} && tcp.analysis.duplicate_ack`, min: 3 },
    { id: "retransmission", label: "the lost segment is retransmitted", filter: `${C2S} && ${DATA} && tcp.analysis.retransmission` },
  ],
};

export const reordering: Scenario = {
  name: "reordering",
  title: "one segment is overtaken by later ones: out of order, duplicate ACKs",
  about: "Nothing is lost, but segment 6 is held back in a slow queue while the next ones pass. The receiver "
    + "sees a hole, sends duplicate ACKs with SACK blocks; when the late segment arrives the hole closes.",
  notes: ["u32 picks the segments whose payload starts with \"SLOW\": segment 3 drains the slow class's bucket, segment 6 then waits in it"],
  timing: true,
  server: sinkServer(),
  client: client([{ op: "write", bytes: 24 * SEGMENT, marker: { text: "SLOW", blocks: [2, 5] } },
    { op: "end" }, { op: "readEnd" }], { noDelay: true }),
  faults: [{ kind: "reorder", from: "client", marker: "SLOW", slowKbit: 400 }],
  phenomena: [
    { id: "late-segment", label: "a segment arrives after higher ones (out of order, or taken for a retransmission)",
      filter: `${C2S} && ${DATA} && (tcp.analysis.out_of_order || tcp.analysis.retransmission)` },
    { id: "duplicate-ack", label: "duplicate ACKs while the hole is open", filter: `${S2C} && tcp.analysis.duplicate_ack` },
    { id: "sack-blocks", label: "SACK blocks name the bytes beyond the hole", filter: `${S2C} && tcp.options.sack_le` },
  ],
};

export const randomLoss: Scenario = {
  name: "random-loss",
  title: "3% of the data segments are lost at random (--seed chooses which)",
  about: "A bulk transfer with random loss: each loss is repaired by a fast retransmission after duplicate ACKs and "
    + "SACK blocks, or by a timeout when too little follows it.",
  timing: true,
  server: sinkServer(),
  client: bulkClient(200 * SEGMENT),
  faults: [{ kind: "drop", what: "data", from: "client", percent: 3 }],
  phenomena: [
    { id: "syn", label: "handshake", filter: `${C2S} && ${SYN}` },
    { id: "retransmission", label: "lost segments are retransmitted", filter: `${C2S} && ${DATA} && tcp.analysis.retransmission` },
    { id: "duplicate-ack", label: "duplicate ACKs", filter: `${S2C} && tcp.analysis.duplicate_ack` },
  ],
};
