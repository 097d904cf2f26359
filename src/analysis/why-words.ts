/** The analysis rules that fired on a packet, said in words with their numbers and units and the
 *  RFC they rest on: the one words layer of the why, read by explain's narrative (CLI, demo,
 *  page); -V's synack subtree (src/fields/tcp.ts) is meant to read it too. The rule ids and named values (`whyToObject`) stay the
 *  machine-readable form (`why` in `--json`). Allocates; not for the analysis loop. */
import { citeOf, msText } from "./why-trace.js";

type Role = "client" | "server";
type Say = (v: (name: string) => number, s: Role, r: Role, initialRttNs: number) => string;

const bytesText = (n: number): string => `${n} byte${n === 1 ? "" : "s"}`;

const u32 = (n: number): number => n >>> 0;

/** Per rule id: the name a user reads, and the sentence with the rule's values. */
const WORDS: Readonly<Record<string, { name: (v: (name: string) => number) => string; say: Say }>> = {
  "reused_ports.syn": { name: () => "port numbers reused",
    say: (v) => `a SYN with ISN ${v("seqRaw")}, not ${v("baseRaw")} as in the earlier connection on these ports: a new connection, `
      + `stream ${v("newStream")} (the earlier one is stream ${v("oldStream")})` },
  "reused_ports.synack": { name: () => "port numbers reused",
    say: (v) => `a SYN-ACK with ISN ${v("seqRaw")}, not ${v("baseRaw")} as before on this stream: its numbers now count from the new ISN` },
  zero_window_probe: { name: () => "zero-window probe",
    say: (v, s, r) => `1 byte at the next expected seq ${v("nextseq")} while the ${r}'s window is 0: the ${s} asks whether it has reopened` },
  zero_window: { name: () => "zero window",
    say: (_v, s, r) => `the ${s} announces a window of 0 bytes: its receive buffer is full, the ${r} must stop sending` },
  lost_segment: { name: () => "previous segment not captured",
    say: (v) => `seq ${v("seq")} is beyond the next expected seq ${v("nextseq")}: ${bytesText(u32(v("seq") - v("nextseq")))} in between `
      + "were not captured (lost on the way, or missed by the capture)" },
  keep_alive: { name: () => "keep-alive",
    say: (v, s, r) => `${bytesText(v("seglen"))} at seq ${v("seq")}, one below the next expected ${v("nextseq")}: an old byte sent again on purpose `
      + `so that the ${r} answers; the ${s} checks that an idle connection is still alive` },
  window_update: { name: () => "window update",
    say: (v, s, r) => `no data and nothing newly acknowledged (the same ack ${v("ack")}), only the window changed, raw ${v("previousWindow")} → ${v("window")}: `
      + `the ${s}'s application read data out of its buffer, so the ${r} may send more` },
  window_full: { name: () => "window full",
    say: (v, s, r) => `the segment ends at seq ${v("seq") + v("seglen")}, exactly the ${r}'s last ack ${v("peerAck")} + its window `
      + `${bytesText(u32(v("peerWindow") * 2 ** v("peerShift")))} (raw ${v("peerWindow")} × 2^${v("peerShift")}): the ${s} must wait until the ${r} acknowledges or opens its window` },
  keep_alive_ack: { name: () => "keep-alive ACK",
    say: (v, s) => `no data, the same window (raw ${v("window")}) and the same ack ${v("ack")}: the ${s} answers the keep-alive` },
  zero_window_probe_ack: { name: () => "zero-window probe ACK",
    say: (v, s) => `no data, the window still 0, the same ack ${v("ack")}: the ${s} answers the probe, its buffer is still full` },
  duplicate_ack: { name: (v) => `duplicate ACK #${v("dupAckNum")} of frame ${v("dupAckFrame")}`,
    say: (v, s, r) => `no data, the same ack ${v("ack")} and window (raw ${v("window")}) as frame ${v("dupAckFrame")}: the ${s} repeats its acknowledgment, `
      + `usually because a segment after ${v("ack")} is missing or came out of order; after 3 duplicates the ${r} re-sends at once` },
  ack_lost_segment: { name: () => "ACKed unseen segment",
    say: (v, _s, r) => `the ack ${v("ack")} is beyond seq ${v("peerMaxSeqToBeAcked")}, the end of what was seen from the ${r}: `
      + `the capture missed data the ${r} sent` },
  spurious_retransmission: { name: () => "spurious retransmission",
    say: (v, s, r) => `the data ends at seq ${v("seq") + v("seglen")}, at or before the ${r}'s last ack ${v("peerAck")}: it had arrived already, `
      + `so the ${s}'s re-send was unnecessary` },
  fast_retransmission: { name: () => "fast retransmission",
    say: (v, s, r) => `seq ${v("seq")} is below the next expected seq ${v("nextseq")}, and the ${r} sent ${v("peerDupAckNum")} duplicate ACKs asking for it, `
      + `the last ${msText(v("sincePeerAckNs"))} before (Wireshark calls it fast under ${msText(v("thresholdNs"))}): the ${s} re-sends without waiting for its timer` },
  out_of_order: { name: () => "out of order",
    say: (v, _s, _r, irtt) => `seq ${v("seq")} is below the next expected seq ${v("nextseq")}, only ${msText(v("sinceNextseqNs"))} after the segment that raised it `
      + `(under ${msText(v("thresholdNs"))}, ${irtt === v("thresholdNs") ? "the initial RTT" : "Wireshark's default when the initial RTT is unknown"}): `
      + "the network reordered segments rather than losing one" },
  retransmission: { name: () => "retransmission",
    say: (v, s) => `seq ${v("seq")} is below the ${s}'s next expected seq ${v("nextseq")}: bytes sent before are sent again; `
      + "the first copy or its ACK was presumably lost" },
};

/** A fired rule (`whyToObject`'s plain object) in words: `duplicate ACK #2 of frame 7
 *  (tcp.analysis.duplicate_ack): no data, … (RFC 5681 §2, §4.2)`. `fromClient`: the packet's
 *  direction (names sender and receiver); `initialRttNs`: the connection's iRTT, 0 when unknown. */
export function whySentence(w: Readonly<Record<string, string | number>>, fromClient: boolean, initialRttNs: number): string {
  const id = String(w.id), flag = String(w.flag);
  const v = (name: string): number => Number(w[name] ?? 0);
  const cite = citeOf(id) === "" ? "" : ` (${citeOf(id)})`;
  const words = WORDS[id];
  if (words === undefined) return `${flag}: ${String(w.rule)}`;
  const [sender, receiver]: [Role, Role] = fromClient ? ["client", "server"] : ["server", "client"];
  return `${words.name(v)} (${flag}): ${words.say(v, sender, receiver, initialRttNs)}${cite}`;
}
