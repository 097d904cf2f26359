/** Hand-built IPv4 packets for tests: a TCP header (its checksum computed) inside an IPv4 header. */
import { emitIpv4, emitTcp, ipv4Length, tcpChecksumIpv4, tcpLength, type Ipv4Repr, type TcpRepr } from "../../src/decode/index.js";

/** The IPv4 packet (DF set, TTL 64) from `src` to `dst` carrying `tcp`, whose checksum is filled in. */
export function ipv4TcpPacket(src: number, dst: number, tcp: TcpRepr): Uint8Array {
  const seg = new Uint8Array(tcpLength(tcp));
  emitTcp({ ...tcp, checksum: 0 }, seg);
  emitTcp({ ...tcp, checksum: tcpChecksumIpv4(src, dst, seg) }, seg);
  const ip: Ipv4Repr = { version: 4, ihl: 5, tos: 0, totalLength: 20 + seg.length, id: 0, flagsFragment: 0x4000,
    ttl: 64, protocol: 6, checksum: 0, src, dst, options: new Uint8Array(0), payload: seg };
  const pkt = new Uint8Array(ipv4Length(ip));
  emitIpv4(ip, pkt);
  return pkt;
}
