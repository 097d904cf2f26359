/** FrameDecoder: one captured frame's link, IP (tunnels, ICMP-quoted datagrams, reassembly) and TCP
 *  headers into a DecodedFrame (decoded-frame.ts), refilled in place per capture (STYLE.md §5). */
import { formatIpv6 } from "./address.js";
import { u16, u16le, u32, u32le, u8 } from "./bytes.js";
import { DecodedFrame, type IpEncap, type IpLayer, MAX_DEPTH, MAX_IP_LAYERS, MAX_TCP_LAYERS, TcpField, type TcpLayer }
  from "./decoded-frame.js";
import { isIpv6Extension, ipv6ExtensionLength } from "./ipv6.js";
import type { DecodeProblem } from "./problems.js";
import { IpReassembler } from "./reassembly.js";
import { TCP_MIN_HEADER } from "./tcp.js";

/** TcpLayer.fields of a truncated header, a bogus data offset, a whole header (carried / quoted: no seq_raw). */
const F_PORTS = TcpField.ports;
const F_BOGUS = TcpField.ports | TcpField.seqRaw | TcpField.hdrLen;
const F_HEADER = TcpField.ports | TcpField.seqRaw | TcpField.ackRaw | TcpField.hdrLen | TcpField.flags
  | TcpField.window | TcpField.checksumStatus | TcpField.urgent;
const F_HEADER_QUOTED = F_HEADER & ~TcpField.seqRaw;

/** Reported end given to an ICMP-quoted datagram: its own IP length decides (it is never clipped by the frame). */
const QUOTE_REP = 0x7fffffff;
const ICMP4_ERRORS = new Uint8Array(256);
for (const t of [3, 4, 5, 11, 12]) ICMP4_ERRORS[t] = 1;

/** Decodes frames of one capture. Holds the IP reassembly state, so use one per capture and feed
 *  frames in order. `decode` never throws on packet bytes. */
export class FrameDecoder {
  /** Fragments waiting for the rest of their datagram. */
  readonly reassembler = new IpReassembler();
  #out: DecodedFrame = new DecodedFrame();
  readonly #fast: boolean;

  /** `fastPath: false` decodes every frame through the general walk (tests compare the two; the
   *  default takes the fast path for Ethernet → IPv4/IPv6 → whole TCP header, see #fastTcp). */
  constructor(options: { fastPath?: boolean } = {}) {
    this.#fast = options.fastPath ?? true;
  }

  /** Refills `out` from one frame. `originalLength` is the length on the wire (pcap orig_len). */
  decode(linkType: number, bytes: Uint8Array, originalLength: number, frameNumber: number, out: DecodedFrame): void {
    out.frameNumber = frameNumber; out.linkType = linkType; out.bytes = bytes; out.originalLength = originalLength;
    out.ipCount = 0; out.tcpCount = 0;
    // Setting an array's length is a runtime call even when it is already 0: only clear a non-empty list.
    if (out.problems.length !== 0) out.problems.length = 0;
    this.#out = out;
    const cap = bytes.length;
    const rep = originalLength > cap ? originalLength : cap;
    try {
      // Ethernet carrying IPv4 or IPv6 straight away, nearly every frame of most captures: the same
      // calls #link → #ethernet → #ether would make, without walking them.
      if (linkType === 1 && cap >= 14) {
        const type = (bytes[12]! << 8) | bytes[13]!;
        if (type === 0x0800) {
          if (!this.#fast || !this.#fastTcp(bytes, 0, cap, rep, 4)) this.#ipv4(bytes, 14, cap, rep, 1, "link", false);
        } else if (type === 0x86dd) {
          if (!this.#fast || !this.#fastTcp(bytes, 0, cap, rep, 6)) this.#ipv6(bytes, 14, cap, rep, 1, "link", false);
        } else this.#link(linkType, bytes, 0, cap, rep);
      } else this.#link(linkType, bytes, 0, cap, rep);
    } catch {
      out.problems.push("internal_error");
    }
  }

  /** As decode(), for a frame lying in `source` from `offset`, `capturedLength` long (e.g. a record taken with
   *  RecordBatch.nextInPlace): the fast path (Ethernet → IPv4/IPv6 → TCP) makes no view of the frame;
   *  `out.bytes` is made on first read. Every other frame is decoded by decode() on a view. */
  decodeAt(linkType: number, source: Uint8Array, offset: number, capturedLength: number, originalLength: number,
      frameNumber: number, out: DecodedFrame): void {
    if (linkType === 1 && this.#fast && capturedLength >= 14) {
      const type = (source[offset + 12]! << 8) | source[offset + 13]!;
      if (type === 0x0800 || type === 0x86dd) {
        out.frameNumber = frameNumber; out.linkType = linkType; out.originalLength = originalLength;
        out.setSource(source, offset, capturedLength);
        out.ipCount = 0; out.tcpCount = 0;
        if (out.problems.length !== 0) out.problems.length = 0;
        this.#out = out;
        const rep = originalLength > capturedLength ? originalLength : capturedLength;
        try {
          if (this.#fastTcp(source, offset, offset + capturedLength, offset + rep, type === 0x0800 ? 4 : 6)) return;
        } catch {
          out.problems.push("internal_error");
          return;
        }
      }
    }
    this.decode(linkType, new Uint8Array(source.buffer, source.byteOffset + offset, capturedLength), originalLength,
      frameNumber, out);
  }

  #problem(p: DecodeProblem): void { this.#out.problems.push(p); }

  /** The common frame in one function: Ethernet, then IPv4 (not a fragment, total length ≥ header) or
   *  IPv6 (no extension header, payload length ≠ 0), then a TCP header whose 20 bytes and options are
   *  announced within the IP length (data offset ≥ 5, no short segment) and whose 20 fixed bytes were
   *  captured. Fills `#out` exactly as #ipv4/#ipv6 → #tcp would (test/decode/fast-path.test.ts compares
   *  the two on the corpus and on mutated frames). Returns false, having written nothing, for any other
   *  frame. Saves the calls and repeated checks of the general walk: ~15 ns of ~45 per IPv4 frame.
   *  The frame starts at `base` of `b` (0 from decode(), the record's offset from decodeAt()); `cap` and
   *  `rep` are positions in `b`; the offsets stored are counted from the frame start. */
  #fastTcp(b: Uint8Array, base: number, cap: number, rep: number, version: 4 | 6): boolean {
    const at = base + 14;
    let hl: number, end: number;
    if (version === 4) {
      if (cap - at < 20) return false;
      const vihl = b[at]!;
      hl = (vihl & 15) * 4;
      const tl = (b[at + 2]! << 8) | b[at + 3]!;
      if ((vihl >> 4) !== 4 || hl < 20 || tl < hl || cap - at < hl || b[at + 9] !== 6
        || (((b[at + 6]! << 8) | b[at + 7]!) & 0x3fff) !== 0) return false;
      end = at + tl;
    } else {
      if (cap - at < 40) return false;
      const plen = (b[at + 4]! << 8) | b[at + 5]!;
      if ((b[at]! >> 4) !== 6 || b[at + 6] !== 6 || plen === 0) return false;
      hl = 40; end = at + 40 + plen;
    }
    // As #ipv4/#ipv6: the reported end shrinks to the IP length, the captured end to the reported one.
    const repEnd = rep < end ? rep : end;
    const capEnd = cap < repEnd ? cap : repEnd;
    const tat = at + hl, have = capEnd - tat, repLen = repEnd - tat;
    if (have < TCP_MIN_HEADER || repLen < TCP_MIN_HEADER) return false;
    const doff = b[tat + 12]! >> 4, thl = doff * 4;
    if (thl < TCP_MIN_HEADER || repLen < thl) return false;

    const out = this.#out;
    out.ipCount = 1;
    const l = out.ip[0]!;
    l.reset();
    l.version = version; l.encap = "link"; l.inFrame(); l.offset = 14; l.headerLength = hl; l.protocol = 6;
    if (version === 4) {
      const src = u32(b, at + 12), dst = u32(b, at + 16);
      l.ttl = b[at + 8]!; l.src4 = src; l.dst4 = dst;
      l.srcWords.setUint32(0, src); l.dstWords.setUint32(0, dst);
    } else {
      l.ttl = b[at + 7]!;
      const sw = l.srcWords, dw = l.dstWords;
      sw.setUint32(0, u32(b, at + 8)); sw.setUint32(4, u32(b, at + 12));
      sw.setUint32(8, u32(b, at + 16)); sw.setUint32(12, u32(b, at + 20));
      dw.setUint32(0, u32(b, at + 24)); dw.setUint32(4, u32(b, at + 28));
      dw.setUint32(8, u32(b, at + 32)); dw.setUint32(12, u32(b, at + 36));
    }
    l.payloadLength = repEnd - tat;

    out.tcpCount = 1;
    const t = out.tcp[0]!;
    const rel = tat - base; // the header's offset in the frame
    t.inFrame(); t.offset = rel; t.ipIndex = 0; t.quoted = false; t.reassembled = false;
    t.capturedLength = have;
    if (t.problems.length !== 0) t.problems.length = 0;
    t.srcPort = u16(b, tat); t.dstPort = u16(b, tat + 2); t.seqRaw = u32(b, tat + 4); t.ackRaw = u32(b, tat + 8);
    t.dataOffset = doff; t.headerLength = thl;
    t.flags = u16(b, tat + 12) & 0x0fff;
    t.windowRaw = u16(b, tat + 14); t.checksum = u16(b, tat + 16); t.urgent = u16(b, tat + 18);
    t.optionsOffset = rel + TCP_MIN_HEADER;
    t.reportedLength = repLen; t.checksumLength = repLen;
    const optLen = thl - TCP_MIN_HEADER;
    const optCap = optLen < have - TCP_MIN_HEADER ? optLen : have - TCP_MIN_HEADER;
    t.optionsLength = optLen; t.optionsCaptured = optCap;
    t.seglen = repLen - thl;
    t.fields = optLen > 0 ? F_HEADER | TcpField.len | TcpField.options : F_HEADER | TcpField.len;
    if (optCap < optLen) t.problems.push("tcp.options_truncated");
    t.payloadOffset = rel + thl;
    t.payloadLength = have > thl ? have - thl : 0;
    return true;
  }

  #link(lt: number, b: Uint8Array, at: number, cap: number, rep: number): void {
    switch (lt) {
      case 1: this.#ethernet(b, at, cap, rep, 0); return;
      case 0: {
        if (cap - at < 4) return this.#problem("frame.truncated");
        // BSD loopback: address family in the capturing host's byte order.
        let fam = u32le(b, at);
        if ((fam & 0xffff0000) !== 0) fam = u32(b, at);
        if (fam === 2) this.#ipv4(b, at + 4, cap, rep, 0, "link", false);
        else if (fam === 24 || fam === 28 || fam === 30 || fam === 10) this.#ipv6(b, at + 4, cap, rep, 0, "link", false);
        return;
      }
      case 101: case 12: case 14: case 228: case 229: this.#ipAny(b, at, cap, rep, 0, "link"); return;
      case 9: this.#ppp(b, at, cap, rep, 0); return;
      case 104: this.#chdlc(b, at, cap, rep, 0); return;
      case 10: this.#fddi(b, at, cap, rep); return;
      case 7: {
        if (cap - at < 3) return this.#problem("frame.truncated");
        this.#arcnet(b, at + 2, cap, rep); return;
      }
      case 129: {
        if (cap - at < 5) return this.#problem("frame.truncated");
        this.#arcnet(b, at + 4, cap, rep); return;
      }
      case 105: this.#wlan(b, at, cap, rep, 0); return;
      case 127: {
        if (cap - at < 4) return this.#problem("frame.truncated");
        this.#wlan(b, at + u16le(b, at + 2), cap, rep, 0); return;
      }
      case 192: {
        if (cap - at < 8) return this.#problem("frame.truncated");
        const len = u16le(b, at + 2), dlt = u32le(b, at + 4);
        if (dlt === 192 || len < 8) return;
        this.#link(dlt, b, at + len, cap, rep); return;
      }
      case 113: {
        if (cap - at < 16) return this.#problem("frame.truncated");
        this.#ether(u16(b, at + 14), b, at + 16, cap, rep, 0); return;
      }
      case 276: {
        if (cap - at < 20) return this.#problem("frame.truncated");
        this.#ether(u16(b, at), b, at + 20, cap, rep, 0); return;
      }
      case 178: {
        // Juniper: "MGC" magic, flags; flags bit 0x80 adds a 2-byte length and extension TLVs.
        if (cap - at < 4 || u8(b, at) !== 0x4d || u8(b, at + 1) !== 0x47 || u8(b, at + 2) !== 0x43) return;
        let p = at + 4;
        if ((u8(b, at + 3) & 0x80) !== 0) p += 2 + u16(b, p);
        if ((u8(b, at + 3) & 0x02) !== 0) return; // no L2 header: not Ethernet
        this.#ethernet(b, p, cap, rep, 0); return;
      }
      case 242: {
        // IPoIB: 40 bytes of addresses, then the ethertype and 2 reserved bytes.
        if (cap - at < 44) return this.#problem("frame.truncated");
        this.#ether(u16(b, at + 40), b, at + 44, cap, rep, 0); return;
      }
      case 239: this.#nflog(b, at, cap, rep); return;
      default: this.#problem("frame.unknown_link_type");
    }
  }

  #ethernet(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 14) return this.#problem("frame.truncated");
    const type = u16(b, at + 12);
    if (type <= 1500) { this.#llc(b, at + 14, cap, rep, depth); return; }
    this.#ether(type, b, at + 14, cap, rep, depth);
  }

  /** 802.2 LLC; only SNAP (AA AA 03 + OUI + ethertype) carries IP here. */
  #llc(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 8) return;
    if (u8(b, at) !== 0xaa || u8(b, at + 1) !== 0xaa || u8(b, at + 2) !== 0x03) return;
    this.#ether(u16(b, at + 6), b, at + 8, cap, rep, depth);
  }

  #ether(type: number, b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (depth > MAX_DEPTH) return this.#problem("frame.too_many_layers");
    switch (type) {
      case 0x0800: this.#ipv4(b, at, cap, rep, depth + 1, "link", false); return;
      case 0x86dd: this.#ipv6(b, at, cap, rep, depth + 1, "link", false); return;
      case 0x8100: case 0x88a8: case 0x9100: {
        if (cap - at < 4) return this.#problem("frame.truncated");
        const t = u16(b, at + 2);
        if (t <= 1500) this.#llc(b, at + 4, cap, rep, depth + 1);
        else this.#ether(t, b, at + 4, cap, rep, depth + 1);
        return;
      }
      case 0x8847: case 0x8848: this.#mpls(b, at, cap, rep, depth + 1); return;
      case 0x880b: this.#ppp(b, at, cap, rep, depth + 1); return;
      case 0x6558: this.#ethernet(b, at, cap, rep, depth + 1); return;
      // Cisco FabricPath: 2 bytes of FTAG/TTL, the inner Ethernet frame, a 4-byte FCS that tshark 4.0 cuts off.
      case 0x8903: this.#ethernet(b, at + 2, Math.min(cap, rep - 4), rep - 4, depth + 1); return;
      default:
    }
  }

  /** MPLS label stack (RFC 3032): 4-byte entries until the bottom-of-stack bit; then IP by version nibble. */
  #mpls(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    let p = at;
    for (;;) {
      if (cap - p < 4) return this.#problem("frame.truncated");
      const bottom = (u8(b, p + 2) & 1) !== 0;
      p += 4;
      if (bottom) break;
      if (p - at > 4 * MAX_DEPTH) return this.#problem("frame.too_many_layers");
    }
    const v = u8(b, p) >> 4;
    if (v === 4) this.#ipv4(b, p, cap, rep, depth + 1, "mpls", false);
    else if (v === 6) this.#ipv6(b, p, cap, rep, depth + 1, "mpls", false);
  }

  /** PPP (RFC 1661), with or without the FF 03 HDLC address/control; Cisco HDLC when it starts 0x0F/0x8F. */
  #ppp(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 2) return this.#problem("frame.truncated");
    const first = u8(b, at);
    if (first === 0x0f || first === 0x8f) { this.#chdlc(b, at, cap, rep, depth); return; }
    let p = at;
    if (first === 0xff && u8(b, at + 1) === 0x03) p += 2;
    let proto = u8(b, p);
    if ((proto & 1) === 0) { proto = u16(b, p); p += 2; } else p += 1;
    if (p > cap) return this.#problem("frame.truncated");
    if (proto === 0x21) this.#ipv4(b, p, cap, rep, depth + 1, "link", false);
    else if (proto === 0x57) this.#ipv6(b, p, cap, rep, depth + 1, "link", false);
    else if (proto === 0x281 || proto === 0x283) this.#mpls(b, p, cap, rep, depth + 1);
  }

  /** Cisco HDLC: address, control, then an ethertype. */
  #chdlc(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 4) return this.#problem("frame.truncated");
    this.#ether(u16(b, at + 2), b, at + 4, cap, rep, depth + 1);
  }

  /** FDDI: frame control, destination, source (13 bytes), then LLC. */
  #fddi(b: Uint8Array, at: number, cap: number, rep: number): void {
    if (cap - at < 13) return this.#problem("frame.truncated");
    this.#llc(b, at + 13, cap, rep, 0);
  }

  /** ARCNET from the protocol byte: RFC 1051 (0xF0 IP) has a 1-byte header; RFC 1201 (0xD4 IP,
   *  0xC4 IPv6) adds split flag and sequence, plus 4 bytes for an exception packet (flag 0xFF). */
  #arcnet(b: Uint8Array, at: number, cap: number, rep: number): void {
    const proto = u8(b, at);
    if (proto === 0xf0) { this.#ipv4(b, at + 1, cap, rep, 0, "link", false); return; }
    if (proto !== 0xd4 && proto !== 0xc4) return;
    let p = at + 4;
    if (u8(b, at + 1) === 0xff) p += 4;
    if (proto === 0xd4) this.#ipv4(b, p, cap, rep, 0, "link", false);
    else this.#ipv6(b, p, cap, rep, 0, "link", false);
  }

  /** IEEE 802.11 data frame: header length from frame control (4-address, QoS, HT control), then LLC. */
  #wlan(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 24) return this.#problem("frame.truncated");
    const fc0 = u8(b, at), fc1 = u8(b, at + 1);
    if (((fc0 >> 2) & 3) !== 2) return;       // not a data frame
    const subtype = fc0 >> 4;
    if ((subtype & 4) !== 0) return;          // null data: no body
    if ((fc1 & 0x40) !== 0) return;           // protected: encrypted body
    let hl = 24;
    if ((fc1 & 3) === 3) hl += 6;
    if ((subtype & 8) !== 0) { hl += 2; if ((fc1 & 0x80) !== 0) hl += 4; }
    this.#llc(b, at + hl, cap, rep, depth + 1);
  }

  /** NFLOG: family, version, resource id, then TLVs (host-order lengths, 4-byte aligned); type 9 is the packet. */
  #nflog(b: Uint8Array, at: number, cap: number, rep: number): void {
    if (cap - at < 4) return this.#problem("frame.truncated");
    const family = u8(b, at);
    let p = at + 4;
    while (cap - p >= 4) {
      const len = u16le(b, p), type = u16le(b, p + 2);
      if (len < 4) return;
      if (type === 9) {
        const end = Math.min(cap, p + len);
        const repEnd = Math.min(rep, p + len);
        if (family === 2) this.#ipv4(b, p + 4, end, repEnd, 0, "link", false);
        else if (family === 10) this.#ipv6(b, p + 4, end, repEnd, 0, "link", false);
        else this.#ipAny(b, p + 4, end, repEnd, 0, "link");
        return;
      }
      p += (len + 3) & ~3;
    }
  }

  #ipAny(b: Uint8Array, at: number, cap: number, rep: number, depth: number, encap: IpEncap): void {
    if (cap - at < 1) return this.#problem("frame.truncated");
    const v = u8(b, at) >> 4;
    if (v === 4) this.#ipv4(b, at, cap, rep, depth, encap, false);
    else if (v === 6) this.#ipv6(b, at, cap, rep, depth, encap, false);
  }

  #newIp(): IpLayer | undefined {
    const out = this.#out;
    if (out.ipCount >= MAX_IP_LAYERS) { this.#problem("frame.too_many_layers"); return undefined; }
    const l = out.ip[out.ipCount++] as IpLayer;
    l.reset();
    return l;
  }

  #ipv4(b: Uint8Array, at: number, cap: number, rep: number, depth: number, encap: IpEncap, quoted: boolean): void {
    if (depth > MAX_DEPTH) return this.#problem("frame.too_many_layers");
    if (cap - at < 20) return this.#problem("frame.truncated");
    const vihl = u8(b, at);
    if ((vihl >> 4) !== 4) return this.#problem("ip.bogus_ip_version");
    const hl = (vihl & 15) * 4;
    if (hl < 20) return this.#problem("ip.bogus_header_length");
    let tl = u16(b, at + 2);
    // tshark 4.0: total length 0 is TSO/GSO: the datagram runs to the end of the frame.
    if (tl === 0) tl = (quoted ? cap : rep) - at;
    else if (tl < hl) return this.#problem("ip.bogus_ip_length");
    if (cap - at < hl) return this.#problem("frame.truncated");
    const l = this.#newIp();
    if (l === undefined) return;
    const src = u32(b, at + 12), dst = u32(b, at + 16);
    l.version = 4; l.encap = encap; l.bytes = b; l.offset = at; l.headerLength = hl;
    l.protocol = u8(b, at + 9); l.ttl = u8(b, at + 8); l.quoted = quoted;
    l.src4 = src; l.dst4 = dst;
    l.srcWords.setUint32(0, src); l.dstWords.setUint32(0, dst);
    // tshark 4.0 shrinks the reported length to the total length, never grows it past the frame.
    const repEnd = Math.min(rep, at + tl);
    const capEnd = Math.min(cap, repEnd);
    l.payloadLength = repEnd - at - hl;
    const ff = u16(b, at + 6);
    const more = (ff & 0x2000) !== 0, offset = (ff & 0x1fff) * 8;
    if (more || offset > 0) {
      this.#fragment(l, b, at + hl, capEnd, repEnd, depth, more, offset, quoted, at + tl <= cap,
        `4:${src}:${dst}:${u16(b, at + 4)}:${l.protocol}`);
      return;
    }
    if (l.protocol === 6) this.#tcp(this.#out.ipCount - 1, b, at + hl, capEnd, repEnd, quoted, false, false);
    else this.#transport(l.protocol, b, at + hl, capEnd, repEnd, depth, quoted, false);
  }

  /** A fragment: reassembled when all its announced bytes are captured (tshark's default); a first fragment that
   *  cannot be reassembled (cut by the snaplen, or quoted) is dissected as is, with an unknown tcp.len. */
  #fragment(l: IpLayer, b: Uint8Array, at: number, cap: number, rep: number, depth: number,
      more: boolean, offset: number, quoted: boolean, whole: boolean, key: string): void {
    const ipIndex = this.#out.ipCount - 1;
    l.fragment = true;
    // tshark 4.0 reassembles only when every byte the IP length announces was captured.
    if (!quoted && whole) {
      const r = this.reassembler.add(key, offset, b.subarray(at, rep), !more, this.#out.frameNumber);
      if (!r.done) { if (r.dropped) this.#problem("ip.reassembly_cap"); return; }
      l.fragment = false; l.reassembled = true; l.fragments = r.pieces;
      const p = r.payload;
      l.payloadLength = p.length;
      this.#transportOf(ipIndex, l.protocol, p, 0, p.length, p.length, depth, false, false, true);
      return;
    }
    if (offset === 0) this.#transportOf(ipIndex, l.protocol, b, at, cap, rep, depth, quoted, true, false);
  }

  #ipv6(b: Uint8Array, at: number, cap: number, rep: number, depth: number, encap: IpEncap, quoted: boolean): void {
    if (depth > MAX_DEPTH) return this.#problem("frame.too_many_layers");
    if (cap - at < 40) return this.#problem("frame.truncated");
    if ((u8(b, at) >> 4) !== 6) return this.#problem("ip.bogus_ip_version");
    const l = this.#newIp();
    if (l === undefined) return;
    l.version = 6; l.encap = encap; l.bytes = b; l.offset = at; l.ttl = u8(b, at + 7); l.quoted = quoted;
    const sw = l.srcWords, dw = l.dstWords;
    sw.setUint32(0, u32(b, at + 8)); sw.setUint32(4, u32(b, at + 12));
    sw.setUint32(8, u32(b, at + 16)); sw.setUint32(12, u32(b, at + 20));
    dw.setUint32(0, u32(b, at + 24)); dw.setUint32(4, u32(b, at + 28));
    dw.setUint32(8, u32(b, at + 32)); dw.setUint32(12, u32(b, at + 36));
    const plen = u16(b, at + 4);
    let nh = u8(b, at + 6), p = at + 40, jumbo = -1;
    let fragOffset = 0, fragMore = false, fragId = -1;
    while (isIpv6Extension(nh)) {
      if (cap - p < 2) { l.headerLength = p - at; return this.#problem("ipv6.bogus_header"); }
      const len = ipv6ExtensionLength(nh, b, p);
      if (cap - p < len) { l.headerLength = p - at; return this.#problem("ipv6.bogus_header"); }
      if (nh === 0) {
        // Hop-by-hop options: find a jumbo payload option (type 0xC2, RFC 2675).
        for (let o = p + 2; o < p + len;) {
          const t = u8(b, o);
          if (t === 0) { o++; continue; }
          if (t === 0xc2 && u8(b, o + 1) === 4) jumbo = u32(b, o + 2);
          o += 2 + u8(b, o + 1);
        }
      } else if (nh === 43) {
        const rtype = u8(b, p + 2);
        if ((rtype === 0 || rtype === 2) && u8(b, p + 3) > 0 && len >= 24) l.pseudoDstAt = p + len - 16;
      } else if (nh === 60) {
        for (let o = p + 2; o < p + len;) {
          const t = u8(b, o);
          if (t === 0) { o++; continue; }
          if (t === 0xc9 && u8(b, o + 1) === 16 && o + 18 <= p + len) l.pseudoSrcAt = o + 2;
          o += 2 + u8(b, o + 1);
        }
      } else if (nh === 44) {
        fragOffset = u16(b, p + 2) & 0xfff8; fragMore = (u8(b, p + 3) & 1) !== 0; fragId = u32(b, p + 4);
      }
      nh = u8(b, p); p += len;
      if (p - at > 40 + 8 * 64) break;
    }
    l.headerLength = p - at; l.protocol = nh;
    let total: number;
    if (plen === 0 && jumbo >= 0) total = 40 + jumbo;
    else if (plen === 0) total = (quoted ? cap : rep) - at; // TSO/GSO capture: to the end of the frame
    else total = 40 + plen;
    const repEnd = Math.max(p, Math.min(rep, at + total));
    const capEnd = Math.min(cap, repEnd);
    l.payloadLength = repEnd - p;
    // An atomic fragment (offset 0, no M flag, RFC 6946) is a whole datagram.
    if (fragId >= 0 && (fragMore || fragOffset > 0)) {
      this.#fragment(l, b, p, capEnd, repEnd, depth, fragMore, fragOffset, quoted, at + total <= cap,
        `6:${formatIpv6(l.src)}:${formatIpv6(l.dst)}:${fragId}`);
      return;
    }
    if (nh === 6) this.#tcp(this.#out.ipCount - 1, b, p, capEnd, repEnd, quoted, false, false);
    else this.#transport(nh, b, p, capEnd, repEnd, depth, quoted, false);
  }

  #transport(proto: number, b: Uint8Array, at: number, cap: number, rep: number, depth: number,
      quoted: boolean, fragment: boolean): void {
    this.#transportOf(this.#out.ipCount - 1, proto, b, at, cap, rep, depth, quoted, fragment, false);
  }

  #transportOf(ipIndex: number, proto: number, b: Uint8Array, at: number, cap: number, rep: number, depth: number,
      quoted: boolean, fragment: boolean, reassembled: boolean): void {
    switch (proto) {
      case 6: this.#tcp(ipIndex, b, at, cap, rep, quoted, fragment, reassembled); return;
      case 17: if (!quoted) this.#udp(b, at, cap, rep, depth); return;
      case 47: if (!quoted) this.#gre(b, at, cap, rep, depth); return;
      case 4: if (!quoted) this.#ipv4(b, at, cap, rep, depth + 1, "ip-in-ip", false); return;
      case 41: if (!quoted) this.#ipv6(b, at, cap, rep, depth + 1, "ip-in-ip", false); return;
      case 1:
        // The quote keeps its own IP length as reported length (QUOTE_REP), however much of it was captured.
        if (!quoted && cap - at >= 8 && ICMP4_ERRORS[u8(b, at)] === 1) this.#ipv4(b, at + 8, cap, QUOTE_REP, depth + 1, "icmp-quoted", true);
        return;
      case 58:
        if (!quoted && cap - at >= 8) {
          const t = u8(b, at);
          if (t >= 1 && t <= 4) this.#ipv6(b, at + 8, cap, QUOTE_REP, depth + 1, "icmp-quoted", true);
        }
        return;
      default:
    }
  }

  /** UDP, only to reach the tunnels in the corpus: VXLAN 4789, Geneve 6081, GTP-U 2152. */
  #udp(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 8) return;
    const sp = u16(b, at), dp = u16(b, at + 2), ulen = u16(b, at + 4);
    if (ulen >= 8 && at + ulen < rep) rep = at + ulen;
    if (cap > rep) cap = rep;
    const p = at + 8;
    if (dp === 4789 || sp === 4789) {
      if (cap - p < 8) return this.#problem("frame.truncated");
      this.#ethernet(b, p + 8, cap, rep, depth + 1);
    } else if (dp === 6081 || sp === 6081) {
      if (cap - p < 8) return this.#problem("frame.truncated");
      const optLen = (u8(b, p) & 0x3f) * 4;
      this.#ether(u16(b, p + 2), b, p + 8 + optLen, cap, rep, depth + 1);
    } else if (dp === 2152 || sp === 2152) {
      this.#gtpu(b, p, cap, rep, depth + 1);
    }
  }

  /** GTP-U (3GPP TS 29.281): version 1, message 0xFF (T-PDU); optional fields and extension headers. */
  #gtpu(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 8) return this.#problem("frame.truncated");
    const flags = u8(b, at);
    if ((flags >> 5) !== 1 || u8(b, at + 1) !== 0xff) return;
    let p = at + 8;
    if ((flags & 7) !== 0) {
      p += 4;
      if ((flags & 4) !== 0) {
        let next = u8(b, p - 1);
        while (next !== 0) {
          if (cap - p < 4) return this.#problem("frame.truncated");
          const len = u8(b, p) * 4;
          if (len === 0) return;
          next = u8(b, p + len - 1); p += len;
        }
      }
    }
    const v = u8(b, p) >> 4;
    if (v === 4) this.#ipv4(b, p, cap, rep, depth + 1, "gtpu", false);
    else if (v === 6) this.#ipv6(b, p, cap, rep, depth + 1, "gtpu", false);
  }

  /** GRE (RFC 2784/2890, PPTP's enhanced GRE version 1, ERSPAN, Aruba 802.11). */
  #gre(b: Uint8Array, at: number, cap: number, rep: number, depth: number): void {
    if (cap - at < 4) return this.#problem("frame.truncated");
    const fv = u16(b, at), proto = u16(b, at + 2);
    let p = at + 4;
    if ((fv & 0xc000) !== 0) p += 4;       // checksum (and offset) or routing present
    if ((fv & 0x2000) !== 0) p += 4;       // key
    if ((fv & 0x1000) !== 0) p += 4;       // sequence number
    if ((fv & 7) === 1 && (fv & 0x0080) !== 0) p += 4; // enhanced GRE acknowledgement
    if (p > cap) return this.#problem("frame.truncated");
    switch (proto) {
      case 0x88be: // ERSPAN type II has an 8-byte header when the sequence bit is set, type I none
        this.#ethernet(b, (fv & 0x1000) !== 0 ? p + 8 : p, cap, rep, depth + 1); return;
      case 0x22eb: this.#ethernet(b, p + 12, cap, rep, depth + 1); return; // ERSPAN type III
      case 0x8200: case 0x9000: this.#wlan(b, p, cap, rep, depth + 1); return; // Aruba: 802.11 frames
      case 0x0800: this.#ipv4(b, p, cap, rep, depth + 1, "gre", false); return;
      case 0x86dd: this.#ipv6(b, p, cap, rep, depth + 1, "gre", false); return;
      default: this.#ether(proto, b, p, cap, rep, depth + 1);
    }
  }

  #tcp(ipIndex: number, b: Uint8Array, at: number, cap: number, rep: number,
      quoted: boolean, fragment: boolean, reassembled: boolean): void {
    const out = this.#out;
    if (out.tcpCount >= MAX_TCP_LAYERS) return this.#problem("frame.too_many_layers");
    const have = cap - at;
    if (have <= 0) return; // tshark 4.0 shows no tcp item without a byte of it
    const t = out.tcp[out.tcpCount++] as TcpLayer;
    // Every field is written once, from locals (this runs for every TCP segment).
    t.bytes = b; t.offset = at; t.ipIndex = ipIndex; t.quoted = quoted; t.reassembled = reassembled;
    t.capturedLength = have;
    if (t.problems.length !== 0) t.problems.length = 0;
    t.srcPort = u16(b, at); t.dstPort = u16(b, at + 2); t.seqRaw = u32(b, at + 4); t.ackRaw = u32(b, at + 8);
    const doff = have > 12 ? u8(b, at + 12) >> 4 : 0;
    const hl = doff * 4;
    t.dataOffset = doff; t.headerLength = hl;
    t.flags = have > 13 ? u16(b, at + 12) & 0x0fff : 0;
    t.windowRaw = u16(b, at + 14); t.checksum = u16(b, at + 16); t.urgent = u16(b, at + 18);
    t.optionsOffset = at + TCP_MIN_HEADER;
    const repLen = rep - at;
    const reported = quoted || fragment ? -1 : repLen;
    t.reportedLength = reported;
    t.checksumLength = fragment ? -1 : repLen;
    // tshark 4.0 reads the ports, then throws when fewer than 20 bytes are there (captured and reported).
    const avail = repLen < have ? repLen : have;
    if (avail < TCP_MIN_HEADER || hl < TCP_MIN_HEADER) {
      t.optionsLength = 0; t.optionsCaptured = 0; t.payloadOffset = at; t.payloadLength = 0; t.seglen = -1;
      if (avail < TCP_MIN_HEADER) {
        t.problems.push("truncated");
        t.fields = avail >= 4 ? F_PORTS : 0;
        return;
      }
      // spec §12.2: a bogus data offset still yields ports, seq_raw, hdr_len and a seglen.
      t.problems.push("tcp.bogus_header_length");
      t.fields = F_BOGUS;
      if (reported >= hl) { t.seglen = reported - hl; t.fields = F_BOGUS | TcpField.len; }
      return;
    }
    const optLen = hl - TCP_MIN_HEADER;
    const optCap = optLen < have - TCP_MIN_HEADER ? optLen : have - TCP_MIN_HEADER;
    t.optionsLength = optLen; t.optionsCaptured = optCap;
    let fields = quoted ? F_HEADER_QUOTED : F_HEADER;
    if (optLen > 0) fields |= TcpField.options;
    let seglen = -1;
    if (reported >= 0) {
      if (reported >= hl) { seglen = reported - hl; fields |= TcpField.len; }
      else t.problems.push("tcp.short_segment");
    }
    t.seglen = seglen; t.fields = fields;
    if (optCap < optLen) t.problems.push("tcp.options_truncated");
    t.payloadOffset = at + hl;
    t.payloadLength = have > hl ? have - hl : 0;
  }
}

/** Decodes one frame with a fresh decoder and frame (allocates; for tests, `cli show`, the web detail pane).
 *  No reassembly across frames: fragments stay fragments. */
export function decodePacket(linkType: number, bytes: Uint8Array, originalLength: number = bytes.length,
    frameNumber = 1): DecodedFrame {
  const out = new DecodedFrame();
  new FrameDecoder().decode(linkType, bytes, originalLength, frameNumber, out);
  return out;
}
