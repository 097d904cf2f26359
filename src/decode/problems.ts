/** Problem codes raised while decoding a frame. A closed union: Wireshark expert names where
 *  one exists (`tcp.bogus_header_length`), otherwise in the same style. STYLE.md §4. */
export type DecodeProblem =
  /** The TCP header has fewer than 20 captured bytes. */
  | "truncated"
  /** Data offset < 5 (header length < 20 bytes), spec §12.2. */
  | "tcp.bogus_header_length"
  /** Reported TCP length is shorter than the header length, spec §12.2. */
  | "tcp.short_segment"
  /** The option bytes are not all captured: tshark 4.0 throws and drops the analysis output, spec §11.1. */
  | "tcp.options_truncated"
  /** An IPv4 header with a version, IHL or total length that tshark rejects. */
  | "ip.bogus_header_length"
  | "ip.bogus_ip_length"
  | "ip.bogus_ip_version"
  /** The captured bytes end inside a link, IP or tunnel header. */
  | "frame.truncated"
  /** IPv6 header shorter than 40 bytes or an extension header past the end. */
  | "ipv6.bogus_header"
  /** A fragment was dropped because the reassembler hit its cap (FRAG_MAX_*). */
  | "ip.reassembly_cap"
  /** A link type this decoder does not know. */
  | "frame.unknown_link_type"
  /** Nesting deeper than MAX_LAYERS (tunnel in tunnel in …). */
  | "frame.too_many_layers"
  /** A bug in this decoder: an exception was caught and turned into a value (STYLE.md §4). */
  | "internal_error";

/** Result of a parse function: a value, or a problem and the byte offset where it was found. */
export type Decoded<T, P extends string> =
  | { ok: true; value: T }
  | { ok: false; problem: P; at: number };

/** Problems of one TCP header, as found by the header parser. */
export type TcpProblem = "truncated" | "tcp.bogus_header_length" | "tcp.short_segment" | "tcp.options_truncated";
