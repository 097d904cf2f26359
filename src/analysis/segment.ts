/** The analysis input: one TCP header as the engine needs it. A plain object, refilled per packet
 *  (STYLE §5); `from-decoded.ts` fills it from a decoded frame, tests fill it by hand. */

/** TCP flag bits (spec §0, RFC 9293 §3.1; AE = RFC 9768, ex-NS). */
export const FIN = 0x001;
export const SYN = 0x002;
export const RST = 0x004;
export const PSH = 0x008;
export const ACK = 0x010;
export const URG = 0x020;
export const ECE = 0x040;
export const CWR = 0x080;
export const AE = 0x100;

/** `seglen` value when the TCP payload length is unknown: short segment (spec §12.2) or a header
 *  quoted inside an ICMP error (spec §2.1). Such segments never reach the sequence analysis. */
export const SEGLEN_UNKNOWN = -1;

/** Address family of `srcAddr`/`dstAddr`: 4 uses word 0 only, 6 uses all four words. */
export type AddressFamily = 4 | 6;

/** One TCP header. Numbers are unsigned 32-bit unless stated. */
export interface TcpSegment {
  /** frame.number, 1-based. */
  frame: number;
  /** Capture time: seconds since the epoch and nanoseconds (0…999 999 999). */
  tsSec: number;
  tsNsec: number;
  /** Family of the (innermost) IP header carrying this TCP header. */
  family: AddressFamily;
  /** Source/destination address: IPv4 as word 0 (others 0), IPv6 as four big-endian words. */
  srcAddr: Uint32Array;
  dstAddr: Uint32Array;
  srcPort: number;
  dstPort: number;
  /** Raw sequence and acknowledgment fields, as on the wire. */
  seqRaw: number;
  ackRaw: number;
  /** The 12 flag bits (FIN = 0x001 … AE = 0x100, reserved 0xE00). */
  flags: number;
  /** Raw, unscaled 16-bit window. */
  windowRaw: number;
  /** TCP payload length from the IP *reported* length (spec §0), or SEGLEN_UNKNOWN. With a bogus
   *  header length it is reported length − 4·data offset, phantom bytes included (spec §12.2). */
  seglen: number;
  /** Data offset < 5: tshark 4.0 still analyses it but stops output right after (spec §12.2). */
  headerBogus: boolean;
  /** The option area is cut by the capture or the packet (spec §11.1): analysis state is updated,
   *  the packet's analysis output is lost, and the SYN window-scale check does not run. */
  optionsTruncated: boolean;
  /** Header quoted inside an ICMP error (spec §2.1): looks up/creates the conversation only. */
  icmpQuoted: boolean;
  /** MSS option value, or −1 when absent (or of the wrong length). */
  mss: number;
  /** Window-scale option shift as sent (not clamped), or −1 when absent (or of the wrong length). */
  wsShift: number;
  /** SACK-permitted option present. */
  sackPerm: boolean;
  /** Number of complete SACK blocks; edges in `sackLeft`/`sackRight` (raw), at most their length. */
  sackCount: number;
  sackLeft: Uint32Array;
  sackRight: Uint32Array;
  /** Timestamps option present (RFC 7323 §3). */
  hasTimestamps: boolean;
  /** TSval and TSecr of the timestamps option (RFC 7323 §3.2), uint32; 0 when absent. */
  tsVal: number;
  tsEcr: number;
}

/** Most SACK blocks a segment can carry in 40 option bytes (RFC 2018 §3). */
export const MAX_SACK_BLOCKS_IN_HEADER = 4;

/** A blank segment (IPv4, all zero, seglen 0). Allocate once, refill per packet. */
export function newSegment(): TcpSegment {
  // seqRaw and ackRaw are uint32: double fields from the start (see DOUBLE_FIELD in result.ts).
  const s: TcpSegment = {
    frame: 0, tsSec: 0, tsNsec: 0, family: 4,
    srcAddr: new Uint32Array(4), dstAddr: new Uint32Array(4), srcPort: 0, dstPort: 0,
    seqRaw: -0, ackRaw: -0, flags: 0, windowRaw: 0, seglen: 0,
    headerBogus: false, optionsTruncated: false, icmpQuoted: false,
    mss: -1, wsShift: -1, sackPerm: false, sackCount: 0,
    sackLeft: new Uint32Array(MAX_SACK_BLOCKS_IN_HEADER), sackRight: new Uint32Array(MAX_SACK_BLOCKS_IN_HEADER),
    hasTimestamps: false, tsVal: -0, tsEcr: -0,
  };
  s.seqRaw = 0; s.ackRaw = 0; s.tsVal = 0; s.tsEcr = 0;
  return s;
}

/** Reset the per-packet option facts and problem markers (addresses and numbers are overwritten anyway). */
export function clearSegmentOptions(s: TcpSegment): void {
  s.headerBogus = false; s.optionsTruncated = false; s.icmpQuoted = false;
  s.mss = -1; s.wsShift = -1; s.sackPerm = false; s.sackCount = 0; s.hasTimestamps = false;
  s.tsVal = 0; s.tsEcr = 0;
}
