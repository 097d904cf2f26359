/** The decoded frame: every IP layer and TCP header of one captured frame, outermost first,
 *  refilled in place by a per-capture `FrameDecoder` (frame.ts; STYLE.md §5). */
import { formatIpv4, formatIpv6 } from "./address.js";
import { EMPTY_BYTES } from "./bytes.js";
import type { DecodeProblem } from "./problems.js";
import type { FragmentPiece } from "./reassembly.js";
const NO_PIECES: readonly FragmentPiece[] = [];

/** Most IP layers kept per frame (outer, tunnels, ICMP-quoted); deeper ones raise `frame.too_many_layers`. */
export const MAX_IP_LAYERS = 8;
/** Most TCP headers kept per frame (the carried one plus quoted ones). */
export const MAX_TCP_LAYERS = 4;
/** Most nested link/tunnel headers walked per frame. */
export const MAX_DEPTH = 24;

/** Link-layer header types (LINKTYPE_* numbers of pcap/pcapng) this decoder understands. */
export const LinkType = { NULL: 0, ETHERNET: 1, ARCNET_BSD: 7, PPP: 9, FDDI: 10, RAW_BSD12: 12, RAW_BSD14: 14,
  RAW: 101, CHDLC: 104, IEEE802_11: 105, ARCNET_LINUX: 129, RADIOTAP: 127, SLL: 113, JUNIPER_ETHER: 178,
  PPI: 192, NFLOG: 239, IPOIB: 242, IPV4: 228, IPV6: 229, SLL2: 276 } as const;

/** Which tshark 4.0 `tcp.*` fields a TCP header yields (bits of `TcpLayer.fields`); spec §12.2 and the corpus:
 *  a bogus data offset keeps ports, seq_raw, hdr_len and len only; a header quoted in an ICMP error has no seq_raw
 *  and no len; a short segment has no len. */
export const TcpField = { ports: 1, seqRaw: 2, ackRaw: 4, hdrLen: 8, flags: 16, window: 32, checksumStatus: 64,
  urgent: 128, options: 256, len: 512 } as const;

/** How an IP layer was reached. */
export type IpEncap = "link" | "ip-in-ip" | "gre" | "vxlan" | "geneve" | "gtpu" | "icmp-quoted" | "mpls";

/** One IPv4 or IPv6 header of the frame. Owned by a `DecodedFrame` and reused; copy what you keep. */
export class IpLayer {
  /** The frame this layer belongs to (its pool owner), for `bytes` of a layer that lies in the frame. */
  readonly #frame: DecodedFrame | undefined;
  /** undefined: the layer lies in its frame's bytes (read through DecodedFrame.bytes). */
  #bytes: Uint8Array | undefined = EMPTY_BYTES;
  constructor(frame?: DecodedFrame) { this.#frame = frame; }
  /** 4 or 6. */
  version: 4 | 6 = 4;
  /** How this layer was reached (tunnel kind, quoted in an ICMP error, …). */
  encap: IpEncap = "link";
  /** Bytes holding the header: the frame (`=== DecodedFrame.bytes`), or a reassembly buffer for a reassembled inner layer. */
  get bytes(): Uint8Array { return this.#bytes ?? this.#frame?.bytes ?? EMPTY_BYTES; }
  set bytes(b: Uint8Array) { this.#bytes = b; }
  /** The decoder's: the layer lies in its frame's bytes, `offset` counted from the frame start. */
  inFrame(): void { this.#bytes = undefined; }
  /** Offset of the header in `bytes`. */
  offset = 0;
  /** Header bytes: IHL × 4 for IPv4; 40 plus extension headers for IPv6. */
  headerLength = 0;
  /** Upper-layer protocol number (after IPv6 extension headers). */
  protocol = 0;
  /** Reported upper-layer length: IP total length (or IPv6 payload / jumbo length) minus the header,
   *  bounded by the frame's original length; what tshark derives `tcp.len` from. */
  payloadLength = 0;
  /** IPv4 source address as a uint32 (0 for IPv6). */
  src4 = 0;
  /** IPv4 destination address as a uint32 (0 for IPv6). */
  dst4 = 0;
  /** Source address bytes (4 used for IPv4, 16 for IPv6); a copy owned by the layer. */
  readonly src: Uint8Array = new Uint8Array(16);
  /** Destination address bytes (4 used for IPv4, 16 for IPv6). */
  readonly dst: Uint8Array = new Uint8Array(16);
  /** `src` as a DataView: the decoder stores the address as 32-bit big-endian words (4 stores, not 16). */
  readonly srcWords: DataView = new DataView(this.src.buffer);
  /** `dst` as a DataView. */
  readonly dstWords: DataView = new DataView(this.dst.buffer);
  #srcHash = 0;
  #dstHash = 0;
  #hashed = false;
  /** TTL / hop limit. */
  ttl = 0;
  /** IPv6: offset in `bytes` of the address the TCP/UDP pseudo-header uses as source (a home address
   *  option, RFC 6275 §6.3), or −1 for `src`. */
  pseudoSrcAt = -1;
  /** IPv6: offset in `bytes` of the final destination of a routing header with segments left (RFC 8200 §8.1),
   *  or −1 for `dst`. */
  pseudoDstAt = -1;
  /** True when this header is a fragment (MF set or offset > 0) not reassembled on this frame. */
  fragment = false;
  /** True when the payload after this header was rebuilt from fragments on this frame. */
  reassembled = false;
  /** The fragments of a reassembled layer, in offset order (empty otherwise). */
  fragments: readonly FragmentPiece[] = NO_PIECES;
  /** True inside an ICMP/ICMPv6 error (the quoted datagram). */
  quoted = false;
  #srcText: string | undefined;
  #dstText: string | undefined;

  /** Source address as tshark -n prints it (`ip.src` / `ipv6.src`); computed on first use. */
  get srcText(): string {
    return this.#srcText ??= this.version === 4 ? formatIpv4(this.src4) : formatIpv6(this.src);
  }
  /** Destination address as tshark -n prints it (`ip.dst` / `ipv6.dst`). */
  get dstText(): string {
    return this.#dstText ??= this.version === 4 ? formatIpv4(this.dst4) : formatIpv6(this.dst);
  }
  /** 32-bit hash of the source address (the address itself for IPv4), for flow tables; computed on first use. */
  get srcHash(): number {
    if (this.version === 4) return this.src4;
    if (!this.#hashed) this.#hash();
    return this.#srcHash;
  }
  /** 32-bit hash of the destination address. */
  get dstHash(): number {
    if (this.version === 4) return this.dst4;
    if (!this.#hashed) this.#hash();
    return this.#dstHash;
  }
  /** FNV-1a over the 16 bytes of each IPv6 address (the values tables saw before it became lazy). */
  #hash(): void {
    let hs = 0x811c9dc5, hd = 0x811c9dc5;
    const s = this.src, d = this.dst;
    for (let i = 0; i < 16; i++) { hs = Math.imul(hs ^ s[i]!, 0x01000193); hd = Math.imul(hd ^ d[i]!, 0x01000193); }
    this.#srcHash = hs >>> 0; this.#dstHash = hd >>> 0; this.#hashed = true;
  }
  /** Clears cached text; called when the layer is refilled. */
  reset(): void {
    this.#srcText = undefined; this.#dstText = undefined; this.#hashed = false;
    this.fragment = false; this.reassembled = false; this.quoted = false;
    this.src4 = 0; this.dst4 = 0;
    if (this.fragments.length !== 0) this.fragments = NO_PIECES;
    this.pseudoSrcAt = -1; this.pseudoDstAt = -1;
  }
}

/** One TCP header of the frame. Owned by a `DecodedFrame` and reused; copy what you keep. */
export class TcpLayer {
  /** The frame this header belongs to (its pool owner). */
  readonly #frame: DecodedFrame | undefined;
  /** undefined: the header lies in its frame's bytes. */
  #bytes: Uint8Array | undefined = EMPTY_BYTES;
  constructor(frame?: DecodedFrame) { this.#frame = frame; }
  /** Bytes holding the header: the frame (`=== DecodedFrame.bytes`), or a reassembly buffer. */
  get bytes(): Uint8Array { return this.#bytes ?? this.#frame?.bytes ?? EMPTY_BYTES; }
  set bytes(b: Uint8Array) { this.#bytes = b; }
  /** The array `bytes` lies in, without making a view: offset `o` of `bytes` is `sourceBase + o` of
   *  this array (after FrameDecoder.decodeAt, the record's source array). */
  get source(): Uint8Array { return this.#bytes ?? this.#frame?.source ?? EMPTY_BYTES; }
  /** Where `bytes` starts in `source`. */
  get sourceBase(): number { return this.#bytes !== undefined ? 0 : this.#frame?.sourceOffset ?? 0; }
  /** The decoder's: the header lies in its frame's bytes, offsets counted from the frame start. */
  inFrame(): void { this.#bytes = undefined; }
  /** Offset of the header in `bytes`. */
  offset = 0;
  /** Index in `DecodedFrame.ip` of the IP layer carrying this header. */
  ipIndex = 0;
  /** True for a header quoted in an ICMP/ICMPv6 error (tshark still gives it a `tcp` row). */
  quoted = false;
  /** True when `bytes` is a reassembly buffer (the frame completed an IP datagram). */
  reassembled = false;
  /** Captured bytes of the segment from `offset` (header and payload). */
  capturedLength = 0;
  /** Bits of `TcpField`: the fields tshark 4.0 shows for this header. */
  fields = 0;
  srcPort = 0;
  dstPort = 0;
  /** Raw sequence number (uint32). */
  seqRaw = 0;
  /** Raw acknowledgement number (uint32). */
  ackRaw = 0;
  /** Data offset in 32-bit words, as found (may be < 5). */
  dataOffset = 0;
  /** dataOffset × 4 (`tcp.hdr_len`). */
  headerLength = 0;
  /** The 12 flag bits. */
  flags = 0;
  /** Unscaled window (`tcp.window_size_value`). */
  windowRaw = 0;
  /** Checksum as found. */
  checksum = 0;
  /** Urgent pointer. */
  urgent = 0;
  /** Offset of the option area in `bytes`. */
  optionsOffset = 0;
  /** Option bytes the header declares (headerLength − 20, 0 when bogus). */
  optionsLength = 0;
  /** Option bytes actually captured (< optionsLength when the capture cut them: tshark throws there). */
  optionsCaptured = 0;
  /** Reported TCP length (IP payload length), −1 when unknown (fragment, quoted). */
  reportedLength = -1;
  /** Bytes the checksum covers (the carrying IP's payload length, also for a quoted header), −1 for a fragment. */
  checksumLength = -1;
  /** `tcp.len`: reported length minus header length; −1 when unknown (fragment, quoted, short segment). */
  seglen = -1;
  /** Offset of the payload in `bytes`. */
  payloadOffset = 0;
  /** Captured payload bytes (≤ seglen when the capture cut the frame). */
  payloadLength = 0;
  /** Problems of this header (`tcp.bogus_header_length`, `tcp.short_segment`, …). */
  readonly problems: DecodeProblem[] = [];

  /** The captured option bytes (a subarray, no copy). Parse with `tcpOptions(opts, optionsLength)`. */
  options(): Uint8Array { return this.bytes.subarray(this.optionsOffset, this.optionsOffset + this.optionsCaptured); }
  /** The captured payload bytes (a subarray, no copy). */
  payload(): Uint8Array { return this.bytes.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength); }
}

/** Everything decoded from one frame. Made once per capture and refilled by `FrameDecoder.decode`;
 *  layers live in fixed pools, only the first `ipCount` / `tcpCount` entries are valid. */
export class DecodedFrame {
  /** 1-based frame number given to decode(). */
  frameNumber = 0;
  /** Link type the frame was decoded with. */
  linkType = 0;
  // The frame's bytes, or undefined until first read after setSource(): then source[offset, offset + length).
  #bytes: Uint8Array | undefined = EMPTY_BYTES;
  #source: Uint8Array = EMPTY_BYTES;
  #sourceOffset = 0;
  #length = 0;
  /** The frame bytes (valid as long as the caller keeps them). After `FrameDecoder.decodeAt` a view
   *  made on first read (decoding itself makes none). */
  get bytes(): Uint8Array {
    return this.#bytes ??= new Uint8Array(this.#source.buffer, this.#source.byteOffset + this.#sourceOffset, this.#length);
  }
  set bytes(b: Uint8Array) { this.#bytes = b; }
  /** The array the frame's bytes lie in (`bytes` itself once made or given; the record's source
   *  array after `FrameDecoder.decodeAt`), and where the frame starts in it: no view is made. */
  get source(): Uint8Array { return this.#bytes ?? this.#source; }
  get sourceOffset(): number { return this.#bytes !== undefined ? 0 : this.#sourceOffset; }
  /** Points the frame at `length` bytes of `source` from `offset`, without making a view (FrameDecoder.decodeAt). */
  setSource(source: Uint8Array, offset: number, length: number): void {
    this.#bytes = undefined; this.#source = source; this.#sourceOffset = offset; this.#length = length;
  }
  /** Length on the wire (pcap original length). */
  originalLength = 0;
  /** IP layers, outermost first; valid entries are [0, ipCount). */
  readonly ip: IpLayer[] = [];
  /** Valid entries in `ip`. */
  ipCount = 0;
  /** TCP headers, outermost first (a quoted one after its ICMP carrier); valid entries are [0, tcpCount). */
  readonly tcp: TcpLayer[] = [];
  /** Valid entries in `tcp`. */
  tcpCount = 0;
  /** Frame-level problems (truncated headers, unknown link type, reassembly cap, internal_error). */
  readonly problems: DecodeProblem[] = [];

  constructor() {
    for (let i = 0; i < MAX_IP_LAYERS; i++) this.ip.push(new IpLayer(this));
    for (let i = 0; i < MAX_TCP_LAYERS; i++) this.tcp.push(new TcpLayer(this));
  }
  /** True when a TCP header was found (tshark's `-Y tcp` would show the frame). */
  get hasTcp(): boolean { return this.tcpCount > 0; }
}
