/** Expert items as tshark 4.0 lists them in `_ws.expert.message/.severity/.group`: exact texts
 *  (short output tokens, spec §14.2), numeric codes, and the order they are raised (spec §1). */
import {
  A_ACK_LOST_SEGMENT, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK,
  A_LOST_SEGMENT, A_OUT_OF_ORDER, A_RETRANSMISSION, A_REUSED_PORTS, A_SPURIOUS_RETRANSMISSION,
  A_WINDOW_FULL, A_WINDOW_UPDATE, A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK,
} from "../analysis/index.js";

/** `_ws.expert.severity` codes (spec §14.2). */
export const Severity = { Comment: 1048576, Chat: 2097152, Note: 4194304, Warning: 6291456, Error: 8388608 } as const;
/** `_ws.expert.group` codes (spec §14.2). */
export const Group = { Checksum: 16777216, Sequence: 33554432, Malformed: 117440512, Protocol: 150994944,
  Comment: 184549376, Assumption: 218103808, Deprecated: 234881024 } as const;

/** The expert items of one frame, in raise order. Reused per frame (STYLE §5). */
export class ExpertList {
  readonly message: string[] = [];
  readonly severity: number[] = [];
  readonly group: number[] = [];
  /** False: items are not recorded (nobody reads them; saves building their texts per packet). */
  on = true;
  get length(): number { return this.message.length; }
  clear(): void {
    // `length = 0` on an empty array is still a runtime call: skip it (most frames have no items).
    if (this.message.length === 0) return;
    this.message.length = 0; this.severity.length = 0; this.group.length = 0;
  }
  add(message: string, severity: number, group: number): void {
    if (!this.on) return;
    this.message.push(message); this.severity.push(severity); this.group.push(group);
  }
  /** Inserts an item at position `at` (an item of an outer layer found late). */
  insert(at: number, message: string, severity: number, group: number): void {
    if (!this.on) return;
    this.message.splice(at, 0, message); this.severity.splice(at, 0, severity); this.group.splice(at, 0, group);
  }
}

/** Analysis flags with their expert texts, in the order tshark 4.0 prints them (spec §8, §10.2);
 *  fast and spurious retransmissions are followed by the generic retransmission item. */
const ANALYSIS_EXPERTS: ReadonlyArray<readonly [bit: number, message: string, severity: number]> = [
  [A_REUSED_PORTS, "A new tcp session is started with the same ports as an earlier session in this trace", Severity.Note],
  [A_FAST_RETRANSMISSION, "This frame is a (suspected) fast retransmission", Severity.Note],
  [A_SPURIOUS_RETRANSMISSION, "This frame is a (suspected) spurious retransmission", Severity.Note],
  [A_RETRANSMISSION | A_FAST_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION, "This frame is a (suspected) retransmission", Severity.Note],
  [A_OUT_OF_ORDER, "This frame is a (suspected) out-of-order segment", Severity.Warning],
  [A_LOST_SEGMENT, "Previous segment(s) not captured (common at capture start)", Severity.Warning],
  [A_ACK_LOST_SEGMENT, "ACKed segment that wasn't captured (common at capture start)", Severity.Warning],
  [A_WINDOW_UPDATE, "TCP window update", Severity.Chat],
  [A_WINDOW_FULL, "TCP window specified by the receiver is now completely full", Severity.Warning],
  [A_KEEP_ALIVE, "TCP keep-alive segment", Severity.Note],
  [A_KEEP_ALIVE_ACK, "ACK to a TCP keep-alive segment", Severity.Note],
  [A_DUPLICATE_ACK, "", Severity.Note],
  [A_ZERO_WINDOW_PROBE, "TCP Zero Window Probe", Severity.Note],
  [A_ZERO_WINDOW, "TCP Zero Window segment", Severity.Warning],
  [A_ZERO_WINDOW_PROBE_ACK, "ACK to a TCP Zero Window Probe", Severity.Note],
];

/** Adds the analysis items of a packet's flags (spec §8), `dupAckNum` for the duplicate-ACK text. */
export function addAnalysisExperts(list: ExpertList, flags: number, dupAckNum: number): void {
  if (!list.on) return;
  for (const [bit, message, severity] of ANALYSIS_EXPERTS) {
    if ((flags & bit) === 0) continue;
    list.add(bit === A_DUPLICATE_ACK ? `Duplicate ACK (#${dupAckNum})` : message, severity, Group.Sequence);
  }
}

/** Option names tshark 4.0 uses in option-length expert texts (kind → name). */
const OPTION_NAMES: Readonly<Record<number, string>> = {
  0: "End of Option List (EOL)", 1: "No-Operation (NOP)", 2: "Maximum segment size", 3: "Window scale",
  4: "SACK permitted", 5: "SACK", 6: "Echo", 7: "Echo reply", 8: "Timestamps", 9: "Partial Order Connection Permitted",
  10: "Partial Order Service Profile", 11: "CC", 12: "CC.NEW", 13: "CC.ECHO", 14: "TCP Alternate Checksum Request",
  15: "TCP Alternate Checksum Data", 19: "MD5 signature", 21: "Selective Negative Acknowledgement", 27: "Quick-Start",
  28: "User Timeout", 29: "TCP Authentication Option", 30: "Multipath TCP", 34: "TCP Fast Open",
};

/** The name of option `kind` in expert texts: `Unknown (0x25)` when it has none. */
export function optionName(kind: number): string {
  return OPTION_NAMES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, "0")})`;
}

/** Fixed texts of the TCP expert items that are not analysis flags. */
export const TcpExpert = {
  shortSegment: ["Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)", Severity.Warning, Group.Malformed],
  ackNonzero: ["The acknowledgment number field is nonzero while the ACK flag is not set", Severity.Note, Group.Protocol],
  urgentNonzero: ["The urgent pointer field is nonzero while the URG flag is not set", Severity.Note, Group.Protocol],
  tfoAccept: ["TCP SYN-ACK accepting TFO data", Severity.Note, Group.Sequence],
  rst: ["Connection reset (RST)", Severity.Warning, Group.Sequence],
  fin: ["Connection finish (FIN)", Severity.Chat, Group.Sequence],
  finActive: ["This frame initiates the connection closing", Severity.Note, Group.Sequence],
  finPassive: ["This frame undergoes the connection closing", Severity.Note, Group.Sequence],
  nop: ["4 NOP in a row - a router may have removed some options", Severity.Warning, Group.Protocol],
  nonZeroAfterEol: ["Non-zero header padding", Severity.Error, Group.Protocol],
  mssAbsent: ["The SYN packet does not contain a MSS option", Severity.Note, Group.Protocol],
  mssPresent: ["The non-SYN packet does contain a MSS option", Severity.Warning, Group.Protocol],
  wscaleInvalid: ["Window scale shift exceeds 14", Severity.Warning, Group.Protocol],
  dsack: ["D-SACK Sequence", Severity.Warning, Group.Sequence],
  suboptionMalformed: ["suboption would go past end of option", Severity.Error, Group.Malformed],
  malformed: ["Malformed Packet (Exception occurred)", Severity.Error, Group.Malformed],
} as const satisfies Record<string, readonly [string, number, number]>;

/** tshark 4.0.17's text for a TTL other than 1 to 224.0.0.0/24 (RFC 3171). */
export const LNCB_TTL = "\"Time To Live\" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)";

/** Adds one of the fixed items of `TcpExpert`. */
export function addExpert(list: ExpertList, item: readonly [string, number, number]): void {
  list.add(item[0], item[1], item[2]);
}

/** Expert field names by message (tshark 4.0.17: the field an expert item carries, seen on the
 *  corpus as the first key of each `_ws.expert` object). Exact messages first, then prefixes. */
const EXPERT_FIELDS: ReadonlyMap<string, string> = new Map([
  ["This frame is a (suspected) retransmission", "tcp.analysis.retransmission"],
  ["This frame is a (suspected) fast retransmission", "tcp.analysis.fast_retransmission"],
  ["This frame is a (suspected) spurious retransmission", "tcp.analysis.spurious_retransmission"],
  ["This frame is a (suspected) out-of-order segment", "tcp.analysis.out_of_order"],
  ["Previous segment(s) not captured (common at capture start)", "tcp.analysis.lost_segment"],
  ["ACKed segment that wasn't captured (common at capture start)", "tcp.analysis.ack_lost_segment"],
  ["TCP window update", "tcp.analysis.window_update"],
  ["TCP window specified by the receiver is now completely full", "tcp.analysis.window_full"],
  ["TCP keep-alive segment", "tcp.analysis.keep_alive"],
  ["ACK to a TCP keep-alive segment", "tcp.analysis.keep_alive_ack"],
  ["TCP Zero Window Probe", "tcp.analysis.zero_window_probe"],
  ["TCP Zero Window segment", "tcp.analysis.zero_window"],
  ["ACK to a TCP Zero Window Probe", "tcp.analysis.zero_window_probe_ack"],
  ["A new tcp session is started with the same ports as an earlier session in this trace", "tcp.analysis.reused_ports"],
  ["TCP SYN-ACK accepting TFO data", "tcp.analysis.tfo_ack"],
  ["Connection reset (RST)", "tcp.connection.rst"],
  ["Connection finish (FIN)", "tcp.connection.fin"],
  ["This frame initiates the connection closing", "tcp.connection.fin_active"],
  ["This frame undergoes the connection closing", "tcp.connection.fin_passive"],
  ["D-SACK Sequence", "tcp.options.sack.dsack"],
  ["The acknowledgment number field is nonzero while the ACK flag is not set", "tcp.ack.nonzero"],
  ["The urgent pointer field is nonzero while the URG flag is not set", "tcp.urgent_pointer.non_zero"],
  ["Non-zero header padding", "tcp.non_zero_bytes_after_eol"],
  ["The SYN packet does not contain a MSS option", "tcp.options.mss.absent"],
  ["The non-SYN packet does contain a MSS option", "tcp.options.mss.present"],
  ["suboption would go past end of option", "tcp.suboption_malformed"],
  ["Malformed Packet (Exception occurred)", "_ws.malformed.expert"],
  ["Retransmission (retry)", "wlan.fc.retry.expert"],
  ["Routing header type is deprecated", "ipv6.routing.deprecated"],
  ["Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", "eth.padding_bad"],
  ["No stbc information was available, assuming no stbc.", "wlan_radio.assumed.no_stbc"],
  ["No fec type information was available, assuming bcc fec.", "wlan_radio.assumed.bcc_fec"],
  ["No preamble length information was available, assuming short preamble.", "wlan_radio.assumed.short_preamble"],
]);
const EXPERT_PREFIXES: ReadonlyArray<readonly [prefix: string, field: string]> = [
  ["Duplicate ACK (#", "tcp.analysis.duplicate_ack"],
  ["Connection establish request (SYN)", "tcp.connection.syn"],
  ["Connection establish acknowledge (SYN+ACK)", "tcp.connection.synack"],
  ["Short segment.", "tcp.short_segment"],
  ["Bogus TCP header length", "tcp.bogus_header_length"],
  ["Window scale shift exceeds", "tcp.options.wscale.shift.invalid"],
  ["Source MAC must not be a group address", "eth.src_not_group"],
  ["\"Time To Live\" only", "ip.ttl.too_small"],
  ["\"Time To Live\" != 1 for a packet sent to the Local Network Control Block", "ip.ttl.lncb"],
  ["Arrival Time: Fractional second", "frame.time_invalid"],
];

/** The field an expert item with `message` carries (`tcp.connection.syn`); `severity` and `group`
 *  settle the few messages shared by several items. */
export function expertField(message: string, group: number): string {
  const exact = EXPERT_FIELDS.get(message);
  if (exact !== undefined) return exact;
  for (const [p, f] of EXPERT_PREFIXES) if (message.startsWith(p)) return f;
  if (/^IPv\d total length exceeds packet length/.test(message)) return "ip.bogus_ip_length";
  if (/ NOP in a row/.test(message)) return "tcp.nop";
  if (group === Group.Comment) return "frame.comment.expert";
  if (/option length|length byte past end/.test(message)) return "tcp.option.len.invalid";
  return "_ws.expert";
}
