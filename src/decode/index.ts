/** Packet decoding: link layers, IPv4, IPv6, TCP and options, as views and Reprs.
 *  Imports nothing, not even node:*, so it runs in a browser too (STYLE.md §1).
 *
 *  Hot path: one `FrameDecoder` and one `DecodedFrame` per capture; `decoder.decode(linkType,
 *  bytes, originalLength, frameNumber, frame)` refills `frame` (IP layers and TCP headers,
 *  outermost first) and never throws on packet bytes. `decodePacket` is the allocating form.
 *  Fastest: `decoder.decodeAt(linkType, source, offset, capturedLength, originalLength, frameNumber,
 *  frame)` for a frame lying inside a larger array (a record taken with `RecordBatch.nextInPlace`):
 *  Ethernet → IPv4/IPv6 → TCP frames are decoded without a view, `frame.bytes` made on first read. */
export { formatIpv4, formatIpv6, ipv6ZeroRun, parseIpv4Text, addressLayer, sourceText, destinationText } from "./address.js";
export { verifyTcpChecksum, tcpChecksumIpv4, tcpChecksumIpv6 } from "./checksum.js";
export { DecodedFrame, IpLayer, TcpLayer, TcpField, LinkType, MAX_IP_LAYERS, MAX_TCP_LAYERS, MAX_DEPTH } from "./decoded-frame.js";
export type { IpEncap } from "./decoded-frame.js";
export { FrameDecoder, decodePacket } from "./frame.js";
export { Ipv4View, parseIpv4, emitIpv4, ipv4Length, IPV4_MIN_HEADER, Ipv4Off } from "./ipv4.js";
export type { Ipv4Repr, Ipv4Problem } from "./ipv4.js";
export { Ipv6View, parseIpv6, emitIpv6, ipv6Length, IPV6_HEADER, Ipv6Ext, isIpv6Extension,
  ipv6ExtensionLength } from "./ipv6.js";
export type { Ipv6Repr, Ipv6ExtRepr, Ipv6Problem } from "./ipv6.js";
export type { DecodeProblem, Decoded, TcpProblem } from "./problems.js";
export { IpReassembler, FRAG_MAX_BYTES, FRAG_MAX_DATAGRAMS, FRAG_MAX_DATAGRAM } from "./reassembly.js";
export type { FragmentResult } from "./reassembly.js";
export { TcpView, parseTcp, emitTcp, tcpLength, tcpFlagsString, tcpFlagsHex, TcpOff, TcpFlag,
  TCP_MIN_HEADER } from "./tcp.js";
export type { TcpRepr } from "./tcp.js";
export { tcpOptions, TcpOptionKind } from "./tcp-options.js";
export type { TcpOption, TcpOptionList, TcpOptionProblem } from "./tcp-options.js";
