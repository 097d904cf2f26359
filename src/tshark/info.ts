/** The Info column as tshark 4.0 writes it for TCP (spec §10): ports, flag names, Seq/Ack/Win,
 *  Urg, Len, option tokens, and the `[TCP …]` analysis tags prepended in reverse order. */
import {
  A_ACK_LOST_SEGMENT, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK,
  A_LOST_SEGMENT, A_OUT_OF_ORDER, A_RETRANSMISSION, A_REUSED_PORTS, A_SPURIOUS_RETRANSMISSION,
  A_WINDOW_FULL, A_WINDOW_UPDATE, A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK,
} from "../analysis/index.js";
import { asciiBytes, type ByteOut } from "./bytes-out.js";

const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"] as const;
/** Cache of ` [SYN, ACK]` texts per 12-bit flag value (filled on first use). */
const flagText: Array<string | undefined> = new Array<string | undefined>(4096);

/** ` [<names>]` for the 12 flag bits: bit order FIN … AE, then `Reserved`; `<None>` when none is set. */
export function infoFlags(flags: number): string {
  const f = flags & 0xfff;
  let s = flagText[f];
  if (s !== undefined) return s;
  const names: string[] = [];
  for (let i = 0; i < FLAG_NAMES.length; i++) if ((f & (1 << i)) !== 0) names.push(FLAG_NAMES[i]!);
  if ((f & 0xe00) !== 0) names.push("Reserved");
  s = ` [${names.length === 0 ? "<None>" : names.join(", ")}]`;
  flagText[f] = s;
  return s;
}

/** `infoFlags(flags)` written into `out` (ASCII). */
export function infoFlagsTo(out: ByteOut, flags: number): void { out.ascii(infoFlagsBytes(flags)); }
/** infoFlagsTo's bytes (ASCII, at most 60). */
export function infoFlagsBytes(flags: number): Uint8Array {
  const f = flags & 0xfff;
  return flagBytes[f] ??= asciiBytes(infoFlags(f));
}
/** ` [SYN, ACK]` … as bytes, per 12-bit flag value (made on first use; the texts are ASCII). */
const flagBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(4096);

/** Tags in tshark 4.0's emission order (spec §10.2); each is prepended, so the last one shows first. */
const TAGS: ReadonlyArray<readonly [bit: number, tag: string]> = [
  [A_REUSED_PORTS, "[TCP Port numbers reused] "],
  [A_RETRANSMISSION, "[TCP Retransmission] "],
  [A_FAST_RETRANSMISSION, "[TCP Fast Retransmission] "],
  [A_SPURIOUS_RETRANSMISSION, "[TCP Spurious Retransmission] "],
  [A_OUT_OF_ORDER, "[TCP Out-Of-Order] "],
  [A_LOST_SEGMENT, "[TCP Previous segment not captured] "],
  [A_ACK_LOST_SEGMENT, "[TCP ACKed unseen segment] "],
  [A_WINDOW_UPDATE, "[TCP Window Update] "],
  [A_WINDOW_FULL, "[TCP Window Full] "],
  [A_KEEP_ALIVE, "[TCP Keep-Alive] "],
  [A_KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] "],
  [A_DUPLICATE_ACK, ""],
  [A_ZERO_WINDOW_PROBE, "[TCP ZeroWindowProbe] "],
  [A_ZERO_WINDOW, "[TCP ZeroWindow] "],
  [A_ZERO_WINDOW_PROBE_ACK, "[TCP ZeroWindowProbeAck] "],
];

/** The `[TCP …] ` prefix for a packet's analysis flags, visible order (spec §10.2). */
export function analysisTags(flags: number, dupAckFrame: number, dupAckNum: number): string {
  if (flags === 0) return "";
  let s = "";
  for (const [bit, tag] of TAGS) {
    if ((flags & bit) === 0) continue;
    s = (bit === A_DUPLICATE_ACK ? `[TCP Dup ACK ${dupAckFrame}#${dupAckNum}] ` : tag) + s;
  }
  return s;
}

/** `analysisTags(…)` written into `out`: the tags in visible order (the reverse of emission). */
export function analysisTagsTo(out: ByteOut, flags: number, dupAckFrame: number, dupAckNum: number): void {
  if (flags === 0) return;
  for (let k = TAGS.length - 1; k >= 0; k--) {
    const t = TAGS[k]!;
    if ((flags & t[0]) === 0) continue;
    if (t[0] === A_DUPLICATE_ACK) {
      out.str("[TCP Dup ACK "); out.uint(dupAckFrame); out.byte(35); out.uint(dupAckNum); out.str("] ");
    } else out.str(t[1]);
  }
}

/** The ICMP/ICMPv6 error texts tshark 4.0 shows in Info for a frame quoting a TCP header. */
export function icmpInfo(version: 4 | 6, type: number, code: number): string {
  if (version === 4) {
    switch (type) {
      case 3: return `Destination unreachable (${ICMP4_UNREACH[code] ?? "Unknown code"})`;
      case 4: return "Source quench (flow control)";
      case 5: return `Redirect (${ICMP4_REDIRECT[code] ?? "Unknown code"})`;
      case 11: return `Time-to-live exceeded (${code === 0 ? "Time to live exceeded in transit" : code === 1 ? "Fragment reassembly time exceeded" : "Unknown code"})`;
      case 12: return "Parameter problem";
      default: return "";
    }
  }
  switch (type) {
    case 1: return `Destination Unreachable (${ICMP6_UNREACH[code] ?? "Unknown"})`;
    case 2: return "Packet Too Big";
    case 3: return `Time Exceeded (${code === 0 ? "hop limit exceeded in transit" : "fragment reassembly time exceeded"})`;
    case 4: return "Parameter Problem";
    default: return "";
  }
}

const ICMP4_UNREACH: Readonly<Record<number, string>> = {
  0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable", 3: "Port unreachable",
  4: "Fragmentation needed", 5: "Source route failed", 6: "Destination network unknown",
  7: "Destination host unknown", 8: "Source host isolated", 9: "Network administratively prohibited",
  10: "Host administratively prohibited", 11: "Network unreachable for TOS", 12: "Host unreachable for TOS",
  13: "Communication administratively filtered", 14: "Host precedence violation", 15: "Precedence cutoff in effect",
};
const ICMP4_REDIRECT: Readonly<Record<number, string>> = {
  0: "Redirect for network", 1: "Redirect for host", 2: "Redirect for TOS and network", 3: "Redirect for TOS and host",
};
const ICMP6_UNREACH: Readonly<Record<number, string>> = {
  0: "no route to destination", 1: "communication with destination administratively prohibited",
  2: "beyond scope of source address", 3: "address unreachable", 4: "port unreachable",
};
