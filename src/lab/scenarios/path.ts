/** What the path does to segments besides losing them: a copy delivered twice, a middlebox that
 *  rewrites the MSS option. */
import { SEGMENT, type Scenario } from "../scenario.js";
import { bulkClient, C2S, DATA, S2C, sinkServer, SYN, SYN_ACK } from "./common.js";

export const duplicated: Scenario = {
  name: "duplicate",
  title: "the network delivers a data segment twice: the receiver names the copy in a D-SACK",
  about: "A copy of the 3rd data segment follows the original. The receiver already has those bytes: it acknowledges "
    + "again at once, and its SACK option names the duplicated bytes in a block below the ACK number, a D-SACK (RFC 2883). "
    + "Wireshark takes the copy for a retransmission; the D-SACK tells the sender it was the network's doing.",
  server: sinkServer(),
  client: bulkClient(6 * SEGMENT),
  faults: [{ kind: "duplicate", what: "data", from: "client", nth: [3] }],
  phenomena: [
    { id: "copy", label: "the same data segment twice on the wire (taken for a retransmission)", filter: `${C2S} && ${DATA} && tcp.analysis.retransmission`,
      check: (m, all) => {
        const copy = m[0]!;
        const first = all.find((p) => p.fromClient && p.seglen === copy.seglen && p.seq === copy.seq);
        return first !== undefined && first.frame < copy.frame ? undefined : `no earlier segment with seq ${copy.seq}`;
      } },
    { id: "dsack", label: "an ACK whose SACK block lies below its ACK number: a D-SACK", filter: `${S2C} && tcp.options.sack.dsack_le` },
    { id: "one-copy", label: "only the copy: no other retransmission", filter: `${C2S} && tcp.analysis.retransmission`, min: 1,
      check: (m) => (m.length === 1 ? undefined : `${m.length} retransmissions`) },
  ],
};

/** The MSS a tunnel's router clamps to (RFC 879's default segment size + 40: IPv4's minimum datagram). */
const CLAMP = 536;

export const mssClamp: Scenario = {
  name: "mss-clamp",
  title: "a router rewrites the SYN-ACK's MSS option to 536: the client sends smaller segments",
  about: "The MSS option says how large a segment the sender of the SYN can take (RFC 9293 §3.7.1). Routers in front of "
    + "tunnels lower it in passing (MSS clamping) so that segments fit the smaller path MTU. The server offered more, the "
    + "router rewrote it, and the client keeps every segment to 536 bytes of TCP: 524 of data beside the 12 of the "
    + "Timestamps option.",
  router: true,
  server: sinkServer(),
  client: bulkClient(8 * SEGMENT),
  faults: [{ kind: "rewrite", what: "syn-ack", from: "server", field: "mss", value: CLAMP }],
  phenomena: [
    { id: "offered", label: "the client's SYN offers its own, larger MSS", filter: `${C2S} && ${SYN} && tcp.options.mss_val > ${CLAMP}` },
    { id: "clamped", label: `the SYN-ACK arrives with MSS ${CLAMP}`, filter: `${S2C} && ${SYN_ACK} && tcp.options.mss_val == ${CLAMP}` },
    { id: "small-segments", label: `full segments carry ${CLAMP - 12} bytes`, filter: `${C2S} && tcp.len == ${CLAMP - 12}`, min: 10 },
    { id: "none-larger", label: "no segment is larger", filter: `${C2S} && tcp.len > ${CLAMP - 12}`, absent: true },
  ],
};
