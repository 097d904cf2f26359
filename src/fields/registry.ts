/** The field registry: the only place user-facing field names are spelled (CLI `-e`, TSV headers,
 *  JSON, web). Names are Wireshark's, verbatim (STYLE §8); descriptions are our own words. */

/** How a field's value is printed by `-T fields` (spec §14.2). */
export type FieldKind =
  /** Unsigned decimal. */
  | "uint"
  /** Signed decimal. */
  | "int"
  /** Dotted-quad IPv4 address. */
  | "ipv4"
  /** RFC 5952 IPv6 address. */
  | "ipv6"
  /** Seconds since the epoch with 9 decimals. */
  | "abs_time"
  /** A duration in seconds with 9 decimals. */
  | "rel_time"
  /** `0x` and 4 lowercase hex digits. */
  | "hex16"
  /** Text. */
  | "string"
  /** Raw bytes as lowercase hex without separators. */
  | "bytes"
  /** Presence only: prints `1` when present (Wireshark FT_NONE / expert items). */
  | "none";

/** One registered field. */
export interface FieldDef {
  readonly kind: FieldKind;
  /** One line, our own words. */
  readonly doc: string;
}

/** Every field `synack read -e` knows: the tshark reference list in its order (spec §14.1), then
 *  synack's own fields (`synack.*`, not in Wireshark: endpoint states and the connection phase). */
export const FIELDS = {
  "frame.number": { kind: "uint", doc: "Frame number in the capture file, from 1" },
  "frame.time_epoch": { kind: "abs_time", doc: "Capture time in seconds since 1970-01-01 UTC" },
  "ip.src": { kind: "ipv4", doc: "IPv4 source address, outermost header first" },
  "ip.dst": { kind: "ipv4", doc: "IPv4 destination address, outermost header first" },
  "ipv6.src": { kind: "ipv6", doc: "IPv6 source address, outermost header first" },
  "ipv6.dst": { kind: "ipv6", doc: "IPv6 destination address, outermost header first" },
  "tcp.srcport": { kind: "uint", doc: "TCP source port" },
  "tcp.dstport": { kind: "uint", doc: "TCP destination port" },
  "tcp.stream": { kind: "uint", doc: "Conversation index, from 0 in order of first appearance" },
  "tcp.completeness": { kind: "uint", doc: "Bits of the handshake/data/teardown seen so far in the stream (1 SYN … 32 RST)" },
  "tcp.len": { kind: "uint", doc: "Payload bytes of the segment, from the IP length" },
  "tcp.seq": { kind: "uint", doc: "Sequence number, relative to the flow's first unless relative numbers are off" },
  "tcp.seq_raw": { kind: "uint", doc: "Sequence number as on the wire" },
  "tcp.nxtseq": { kind: "uint", doc: "Sequence number expected next: seq + len, +1 for SYN or FIN" },
  "tcp.ack": { kind: "uint", doc: "Acknowledgment number, relative to the peer's first when ACK is set" },
  "tcp.ack_raw": { kind: "uint", doc: "Acknowledgment number as on the wire" },
  "tcp.hdr_len": { kind: "uint", doc: "Header length in bytes (data offset × 4)" },
  "tcp.flags": { kind: "hex16", doc: "The 12 flag bits" },
  "tcp.flags.str": { kind: "string", doc: "The flag bits as letters, most significant first, · when clear" },
  "tcp.window_size_value": { kind: "uint", doc: "Window field as on the wire, unscaled" },
  "tcp.window_size": { kind: "uint", doc: "Window after applying the flow's scale factor" },
  "tcp.window_size_scalefactor": { kind: "int", doc: "Window multiplier in use: −1 not known yet, −2 no scaling" },
  "tcp.checksum.status": { kind: "uint", doc: "Checksum verdict: 0 bad, 1 good, 2 not verified" },
  "tcp.urgent_pointer": { kind: "uint", doc: "Urgent pointer field" },
  "tcp.option_kind": { kind: "uint", doc: "Kind byte of each option, in header order" },
  "tcp.options.mss_val": { kind: "uint", doc: "Maximum segment size announced" },
  "tcp.options.wscale.shift": { kind: "uint", doc: "Window scale shift as sent" },
  "tcp.options.wscale.multiplier": { kind: "uint", doc: "Window multiplier the shift means (2^shift, shift at most 14)" },
  "tcp.options.sack_perm": { kind: "bytes", doc: "The SACK-permitted option's bytes" },
  "tcp.options.sack_le": { kind: "uint", doc: "Left edge of each SACK block, relative to the peer's first sequence number" },
  "tcp.options.sack_re": { kind: "uint", doc: "Right edge of each SACK block, relative to the peer's first sequence number" },
  "tcp.options.sack.count": { kind: "uint", doc: "Complete SACK blocks in the option" },
  "tcp.options.timestamp.tsval": { kind: "uint", doc: "Timestamp value of the sender" },
  "tcp.options.timestamp.tsecr": { kind: "uint", doc: "Timestamp echoed back from the peer" },
  "tcp.time_relative": { kind: "rel_time", doc: "Seconds since the stream's first segment" },
  "tcp.time_delta": { kind: "rel_time", doc: "Seconds since the stream's previous segment" },
  "tcp.analysis": { kind: "none", doc: "The segment has sequence-analysis results" },
  "tcp.analysis.flags": { kind: "none", doc: "At least one analysis flag is set" },
  "tcp.analysis.acks_frame": { kind: "uint", doc: "Frame of the oldest segment this ACK acknowledges" },
  "tcp.analysis.ack_rtt": { kind: "rel_time", doc: "Seconds between that segment and this ACK" },
  "tcp.analysis.initial_rtt": { kind: "rel_time", doc: "Seconds from the last SYN to the first ACK of the handshake" },
  "tcp.analysis.bytes_in_flight": { kind: "uint", doc: "Bytes sent and not yet acknowledged, after this segment" },
  "tcp.analysis.push_bytes_sent": { kind: "uint", doc: "Bytes sent since the last PSH flag" },
  "tcp.analysis.retransmission": { kind: "none", doc: "Resends data seen before (also on fast and spurious ones)" },
  "tcp.analysis.fast_retransmission": { kind: "none", doc: "Retransmission right after two or more duplicate ACKs" },
  "tcp.analysis.spurious_retransmission": { kind: "none", doc: "Resends data the peer had already acknowledged" },
  "tcp.analysis.out_of_order": { kind: "none", doc: "Fills a gap soon after later data: reordered, not resent" },
  "tcp.analysis.lost_segment": { kind: "none", doc: "Starts beyond the next expected byte: something before it was not captured" },
  "tcp.analysis.ack_lost_segment": { kind: "none", doc: "Acknowledges data that was never seen" },
  "tcp.analysis.duplicate_ack": { kind: "none", doc: "Repeats the previous ACK without data or window change" },
  "tcp.analysis.duplicate_ack_num": { kind: "uint", doc: "How many duplicates of this ACK so far" },
  "tcp.analysis.duplicate_ack_frame": { kind: "uint", doc: "Frame of the ACK being duplicated" },
  "tcp.analysis.zero_window": { kind: "none", doc: "Announces a zero receive window" },
  "tcp.analysis.zero_window_probe": { kind: "none", doc: "One byte sent into a zero window to probe it" },
  "tcp.analysis.zero_window_probe_ack": { kind: "none", doc: "Answers a zero-window probe" },
  "tcp.analysis.keep_alive": { kind: "none", doc: "Keep-alive: one byte below the next expected sequence number" },
  "tcp.analysis.keep_alive_ack": { kind: "none", doc: "Answers a keep-alive" },
  "tcp.analysis.window_update": { kind: "none", doc: "No data, same ACK: only the window changed" },
  "tcp.analysis.window_full": { kind: "none", doc: "This data fills the receiver's announced window exactly" },
  "tcp.analysis.reused_ports": { kind: "none", doc: "A new connection on the ports of an earlier one" },
  "tcp.analysis.rto": { kind: "rel_time", doc: "Seconds since the first transmission of retransmitted data" },
  "tcp.analysis.rto_frame": { kind: "uint", doc: "Frame of that first transmission" },
  "_ws.expert.message": { kind: "string", doc: "Text of each expert item of the frame, in the order raised" },
  "_ws.expert.severity": { kind: "uint", doc: "Severity code of each expert item (Chat 2097152 … Error 8388608)" },
  "_ws.expert.group": { kind: "uint", doc: "Group code of each expert item (Checksum, Sequence, Malformed, Protocol, …)" },
  "_ws.col.Info": { kind: "string", doc: "One-line summary of the frame (tshark's Info column)" },
  "synack.state.client": { kind: "string", doc: "Client's RFC 9293 state after the packet, or before → after when the packet changed it" },
  "synack.state.server": { kind: "string", doc: "Server's RFC 9293 state after the packet, or before → after when the packet changed it" },
  "synack.state.client_before": { kind: "string", doc: "Client's state before the packet (UNKNOWN until a mid-capture start shows evidence)" },
  "synack.state.client_after": { kind: "string", doc: "Client's state after the packet (UNKNOWN until a mid-capture start shows evidence)" },
  "synack.state.server_before": { kind: "string", doc: "Server's state before the packet (UNKNOWN until a mid-capture start shows evidence)" },
  "synack.state.server_after": { kind: "string", doc: "Server's state after the packet (UNKNOWN until a mid-capture start shows evidence)" },
  "synack.phase": { kind: "string", doc: "Part of the connection's life the packet belongs to: handshake, data, teardown or reset" },
} as const satisfies Record<string, FieldDef>;

/** A registered field name. */
export type FieldName = keyof typeof FIELDS;

/** Field names in registry order; a field's index here is its numeric id in hot loops. */
export const FIELD_NAMES: readonly FieldName[] = Object.keys(FIELDS) as FieldName[];

/** Numeric id of a field name, or −1 when it is not registered. */
export function fieldId(name: string): number {
  return Object.hasOwn(FIELDS, name) ? FIELD_NAMES.indexOf(name as FieldName) : -1;
}

/** Registry names of synack's own fields (tshark has no such field). */
export const isSynackField = (name: string): boolean => name.startsWith("synack.");

/** The fields of the tshark reference command (`shared/captures/make-refs.sh`: spec §14.1 plus time and addresses), in its order. */
export const REFERENCE_FIELDS: readonly FieldName[] = FIELD_NAMES.filter((n) => !isSynackField(n));
