/** The words of the narrative: what each flag, state and option means, the payload as text and
 *  hex, and the one-sentence summary of a packet (with the handshake step it is). Plain functions
 *  of one packet's facts; narrative.ts decides which to say and in what order. */
import { A_DUPLICATE_ACK, A_KEEP_ALIVE, A_WINDOW_UPDATE, ACK, AE, CWR, ECE, FIN, isDsack, PSH, seqLe, RST, SYN, URG, stateLabel, type EndpointState } from "../analysis/index.js";
import { tcpOptions, type TcpOption } from "../decode/index.js";
import type { PacketFacts } from "../analysis/index.js";

/** "client" or "server". */
export type Role = "client" | "server";

/** The sender and the receiver of `p`. */
export function roles(p: PacketFacts): { sender: Role; receiver: Role } {
  return p.fromClient ? { sender: "client", receiver: "server" } : { sender: "server", receiver: "client" };
}

/** `n byte` / `n bytes`. */
export const bytesText = (n: number): string => `${n} byte${n === 1 ? "" : "s"}`;

/** The three-way handshake step a packet is (RFC 9293 §3.5): 1 the SYN, 2 the SYN-ACK, 3 the ACK
 *  that moves the SYN's sender's peer to ESTABLISHED; undefined for any other packet. */
export function handshakeStep(p: PacketFacts): 1 | 2 | 3 | undefined {
  const f = p.flags;
  if ((f & RST) !== 0) return undefined;
  if ((f & SYN) !== 0) return (f & ACK) !== 0 ? 2 : 1;
  const receiverEvent = p.fromClient ? p.serverEvent : p.clientEvent;
  return (f & ACK) !== 0 && receiverEvent === "receive ACK of SYN" ? 3 : undefined;
}

/** One flag and what it means on this packet. */
export interface FlagMeaning { flag: string; meaning: string }

/** What each set flag means here, in the order of `ladderFlags` (SYN, FIN, RST, PSH, URG, ACK, ECE, CWR, AE). */
export function flagMeanings(p: PacketFacts): FlagMeaning[] {
  const f = p.flags, out: FlagMeaning[] = [];
  const { sender, receiver } = roles(p);
  if ((f & SYN) !== 0) {
    out.push({ flag: "SYN", meaning: (f & ACK) !== 0
      ? `synchronize: the ${sender} accepts the connection and announces its own initial sequence number (ISN) ${p.seqRaw}`
      : `synchronize: the ${sender} asks to open a connection and announces its initial sequence number (ISN) ${p.seqRaw}, `
        + "chosen at random by its kernel (RFC 9293 §3.4.1)" });
  }
  if ((f & FIN) !== 0) {
    out.push({ flag: "FIN", meaning: `finish: the ${sender} has no more data to send (its application called shutdown or close); `
      + "it can still receive. The FIN takes one sequence number" });
  }
  if ((f & RST) !== 0) out.push({ flag: "RST", meaning: `reset: the ${sender} aborts the connection at once; both sides drop it, nothing more is acknowledged (RFC 9293 §3.5.2)` });
  if ((f & PSH) !== 0) out.push({ flag: "PSH", meaning: "push: the receiver should hand the data to its application now, not wait for more" });
  if ((f & URG) !== 0) out.push({ flag: "URG", meaning: `urgent: the urgent pointer (${p.urgent}) is meaningful` });
  if ((f & ACK) !== 0) {
    out.push({ flag: "ACK", meaning: (f & SYN) !== 0
      ? `the acknowledgment number is valid: it acknowledges the ${receiver}'s SYN`
      : `the acknowledgment number ${p.ack} is valid: it names the next byte the ${sender} expects` });
  }
  if ((f & ECE) !== 0) out.push({ flag: "ECE", meaning: "ECN echo: congestion was signalled (on a SYN: the sender offers ECN, RFC 3168)" });
  if ((f & CWR) !== 0) out.push({ flag: "CWR", meaning: "congestion window reduced: the sender reacted to an ECN echo" });
  if ((f & AE) !== 0) out.push({ flag: "AE", meaning: "accurate ECN (the former nonce-sum bit)" });
  return out;
}

/** What a state means for the endpoint in it (RFC 9293 §3.3.2 as an observer infers it). */
export function stateMeaning(state: EndpointState, role: Role): string {
  const peer = role === "client" ? "server" : "client";
  switch (state) {
    case "CLOSED": return `CLOSED: the ${role} has no connection (any more)`;
    case "LISTEN": return `LISTEN: the ${role} waits for a connection request`;
    case "SYN-SENT": return `SYN-SENT: the ${role} sent its SYN and waits for the ${peer}'s SYN-ACK`;
    case "SYN-RECEIVED": return `SYN-RECEIVED: the ${role} received a SYN and answered it; it waits for the ACK of its own SYN`;
    case "ESTABLISHED": return `ESTABLISHED: the connection is open for the ${role}: data can flow both ways`;
    case "FIN-WAIT-1": return `FIN-WAIT-1: the ${role} sent its FIN and waits for it to be acknowledged; it can still receive data`;
    case "FIN-WAIT-2": return `FIN-WAIT-2: the ${role}'s FIN is acknowledged; it waits for the ${peer}'s FIN, and the ${peer} may still send data (a half-close)`;
    case "CLOSE-WAIT": return `CLOSE-WAIT: the ${role} received the ${peer}'s FIN (its application reads end of file); TCP waits for the ${role}'s application to close too`;
    case "CLOSING": return `CLOSING: both sides sent a FIN at the same time; the ${role} waits for the ACK of its own FIN`;
    case "LAST-ACK": return `LAST-ACK: the ${role} closed after the ${peer}; it waits for the last ACK, of its own FIN, then it is CLOSED`;
    case "TIME-WAIT": return `TIME-WAIT: both FINs are acknowledged. The ${role} closed first, so it waits 2·MSL (twice the maximum segment lifetime; `
      + "RFC 9293 §3.3.2 and §3.6; Linux waits 60 s) before it forgets the connection: long enough to acknowledge the "
      + `${peer}'s FIN again if the last ACK is lost, and for old duplicate segments to die out before the same port pair is reused`;
    case "PARTIAL": return `${stateLabel(state)}: the capture began mid-connection; nothing seen yet shows the ${role}'s state`;
    case "RESET": return `RESET: a RST ended the connection for the ${role} (synack's name for it; RFC 9293 says the connection goes to CLOSED)`;
  }
}

/** The path each side takes through the teardown, in words (RFC 9293 §3.6). */
export const TEARDOWN_PATHS = "The side that closes first goes FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT (FIN-WAIT-1 → CLOSING → TIME-WAIT when "
  + "both close at once), the other CLOSE-WAIT → LAST-ACK → CLOSED (RFC 9293 §3.6).";

/** `"AB"`: the first `max` bytes as text, non-printable ones escaped (`\r`, `\n`, `\t`, `\x00`). */
export function quotedText(b: Uint8Array, max = 16): string {
  let s = "";
  for (let i = 0; i < Math.min(b.length, max); i++) {
    const c = b[i]!;
    s += c === 0x22 ? "\\\"" : c === 0x5c ? "\\\\" : c === 0x0d ? "\\r" : c === 0x0a ? "\\n" : c === 0x09 ? "\\t"
      : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `"${s}${b.length > max ? "…" : ""}"`;
}

/** `0x41 0x42`: the first `max` bytes in hex. */
export function hexText(b: Uint8Array, max = 16): string {
  const out: string[] = [];
  for (let i = 0; i < Math.min(b.length, max); i++) out.push(`0x${b[i]!.toString(16).padStart(2, "0")}`);
  return out.join(" ") + (b.length > max ? " …" : "");
}

/** The payload named: `2 bytes "AB" = 0x41 0x42` (the first 16 bytes as text and hex). */
export function payloadText(payload: Uint8Array, seglen: number): string {
  const first = payload.length > 16 ? ", the first 16:" : "";
  const cut = payload.length < seglen ? ` (only ${payload.length} captured)` : "";
  if (payload.length === 0) return `${bytesText(seglen)}${cut}`;
  return `${bytesText(seglen)}${cut}${first} ${quotedText(payload)} = ${hexText(payload)}`;
}

/** One option as the narrative says it: `MSS 65495`, and what it means. */
export interface OptionWords { kind: string; text: string; meaning: string }

/** The options of a packet, NOP and EOL padding folded into one entry (kind "padding"). */
export function optionWords(p: PacketFacts): OptionWords[] {
  const out: OptionWords[] = [];
  let pad = 0;
  for (const o of tcpOptions(p.options, p.options.length).options) {
    if (o.type === "nop" || o.type === "eol") { pad++; continue; }
    out.push(optionOne(o, p));
  }
  if (pad > 0) {
    out.push({ kind: "padding", text: `${pad} NOP/EOL byte${pad === 1 ? "" : "s"}`,
      meaning: "padding: no-operation (NOP) and end-of-list (EOL) bytes only align the options to 4-byte words (RFC 9293 §3.2)" });
  }
  return out;
}

function optionOne(o: TcpOption, p: PacketFacts): OptionWords {
  switch (o.type) {
    case "mss": return { kind: "mss", text: `MSS ${o.value ?? "?"}`,
      meaning: "maximum segment size: the largest payload the sender wants to receive in one segment (RFC 9293 §3.7.1)"
        + (o.value === 65495 ? "; on loopback the largest IPv4 packet, 65535 bytes, minus 20 IP and 20 TCP header bytes" : "") };
    case "sack_perm": return { kind: "sack_perm", text: "SACK permitted",
      meaning: "the sender understands selective acknowledgments (RFC 2018 §2)" };
    case "timestamp": return { kind: "timestamp", text: `TS val ${o.tsval ?? "?"} ecr ${o.tsecr ?? "?"}`,
      meaning: "timestamps: TSval is the sender's clock, TSecr echoes the peer's last TSval; used to measure the RTT and to reject old duplicates (RFC 7323 §3)" };
    case "wscale": return { kind: "wscale", text: `WS shift ${o.shift ?? "?"} (×${o.multiplier ?? "?"})`,
      meaning: `window scale: the sender's later windows are multiplied by 2^${o.shift ?? "?"} = ${o.multiplier ?? "?"}; used only if both SYNs carry it (RFC 7323 §2)` };
    case "sack": {
      const blocks: string[] = [];
      for (let i = 0; i + 1 < o.edges.length; i += 2) {
        const rel = (e: number) => (p.relative ? (e - p.ackBase) >>> 0 : e);
        blocks.push(`${rel(o.edges[i]!)}–${rel(o.edges[i + 1]!)}`);
      }
      if (isDsack(o.edges, o.count, p.ackRaw)) {
        return { kind: "sack", text: `SACK ${blocks.join(", ")}`,
          meaning: `a D-SACK: the first block, ${blocks[0]}, ${seqLe(o.edges[1]!, p.ackRaw) ? `ends at or below the ack ${p.ack}` : `lies inside the second, ${blocks[1]}`}: `
            + "those bytes arrived twice (RFC 2883 §4)"
            + (blocks.length > 1 ? "; the other blocks are ranges received beyond the ack (RFC 2018 §3)" : "") };
      }
      return { kind: "sack", text: `SACK ${blocks.join(", ")}`,
        meaning: "selective acknowledgment: byte ranges received beyond the ack, so only the gap needs re-sending (RFC 2018 §3)" };
    }
    case "mptcp": return { kind: "mptcp", text: `MPTCP subtype ${o.subtype ?? "?"}`, meaning: "Multipath TCP (RFC 8684)" };
    case "tfo": return { kind: "tfo", text: o.cookie.length === 0 ? "TFO cookie request" : `TFO cookie (${bytesText(o.cookie.length)})`,
      meaning: "TCP Fast Open: data may ride on the SYN of a later connection (RFC 7413)" };
    default: return { kind: `kind ${o.kind}`, text: `option kind ${o.kind} (${bytesText(o.len)})`, meaning: "an option synack does not explain" };
  }
}

/** The packet in one sentence, naming the handshake step, the payload and what closes. */
export function summarySentence(p: PacketFacts): string {
  const f = p.flags, len = Math.max(p.seglen, 0);
  const { sender, receiver } = roles(p);
  const step = handshakeStep(p);
  const data = len > 0 && p.payload.length > 0 ? ` ${quotedText(p.payload)}` : "";
  const receiverBefore = p.fromClient ? p.serverBefore : p.clientBefore;
  const receiverAfter = p.fromClient ? p.server : p.client;
  if ((f & RST) !== 0) return `The ${sender} resets the connection.`;
  if (step === 1) {
    return receiverBefore === "SYN-SENT"
      ? `The ${sender} asks to open a connection too: both SYNs cross, a simultaneous open (RFC 9293 §3.5).`
      : `Step 1 of the three-way handshake: the ${sender} asks to open a connection.`;
  }
  if (step === 2) return `Step 2 of the three-way handshake: the ${sender} accepts and opens its own direction.`;
  if (step === 3) {
    return `Step 3 of the three-way handshake: the ${sender} acknowledges the ${receiver}'s SYN; `
      + `${p.client === "ESTABLISHED" && p.server === "ESTABLISHED" ? "both sides are" : `the ${receiver} is`} now ESTABLISHED.`
      + (len > 0 ? ` It already carries ${bytesText(len)}${data}.` : "");
  }
  if ((f & FIN) !== 0) {
    const head = len > 0 ? `The ${sender} sends its last ${bytesText(len)}${data} and closes its direction.`
      : `The ${sender} closes its direction: it will send nothing more.`;
    const both = receiverBefore === "FIN-WAIT-1" && receiverAfter === "TIME-WAIT"
      ? ` Its ACK also acknowledges the ${receiver}'s FIN, so the four steps of the teardown fit in three segments.` : "";
    return head + both;
  }
  if (len > 0) return `The ${sender} sends ${bytesText(len)}${data} to the ${receiver}.`;
  const receiverEvent = p.fromClient ? p.serverEvent : p.clientEvent;
  if (receiverEvent === "receive ACK of FIN") {
    return `The ${sender} acknowledges the ${receiver}'s FIN${receiverAfter === "CLOSED" ? `: the ${receiver} is CLOSED` : ""}.`;
  }
  if ((p.analysisFlags & A_WINDOW_UPDATE) !== 0) return `The ${sender} announces a new window (no data, nothing new acknowledged).`;
  if ((p.analysisFlags & A_DUPLICATE_ACK) !== 0) return `The ${sender} repeats its last acknowledgment (a duplicate ACK).`;
  if ((p.analysisFlags & A_KEEP_ALIVE) !== 0) return `The ${sender} checks that the ${receiver} is still there (a keep-alive).`;
  return `The ${sender} acknowledges what it received.`;
}
