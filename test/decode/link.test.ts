/** One test per link type, on the first TCP frame tshark lists in a corpus capture of that type:
 *  our decode fields must equal that row of the capture's tshark 4.0.17 reference. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { sharedDir } from "../support/paths.js";
import { FIELDS, fieldsOf, readCaptureFile } from "./corpus-compare.js";

const CASES: Array<[what: string, linkType: number, file: string]> = [
  ["Ethernet", 1, "public/gopacket/pcap__test_ethernet.pcap"],
  ["Ethernet + 802.1Q", 1, "public/ndpi/bot.pcap"],
  ["Ethernet + QinQ + GTP-U", 1, "public/ndpi/tls_change_cipher.pcap"],
  ["Ethernet + VLAN + GRE + Aruba 802.11", 1, "public/zeek/tunnels__gre-aruba.pcap"],
  ["Ethernet + Geneve", 1, "public/libpcap/filter__geneve.pcap"],
  ["Ethernet + IPv6 + VXLAN (GSO)", 1, "public/tcpdump/gso-ipv6-vxlan-ipv4.pcap"],
  ["Ethernet + IPv6 hop-by-hop jumbo", 1, "public/tcpdump/bigtcp-ipv6-hbh.pcap"],
  ["Ethernet + IPv6 routing type 0", 1, "public/zeek/chksums__ip6-route0-tcp-bad-chksum.pcap"],
  ["Ethernet + IPv6 home address", 1, "public/zeek/chksums__ip6-hoa-tcp-good-chksum.pcap"],
  ["Ethernet + ICMP-quoted TCP", 1, "public/pcapplusplus/PacketppTest__PacketExamples__IcmpPackets.pcap"],
  ["Ethernet + IPv4 fragments", 1, "public/pcapplusplus/ExamplesTest__pcap_examples__frag_http_req.pcap"],
  ["Ethernet + FabricPath", 1, "malformed/ndpi/ajp.pcap"],
  ["NULL", 0, "public/zeek/redis__client-skip-while-off.pcap"],
  ["ARCNET Linux (RFC 1201)", 129, "public/libpcap/filter__arcnet-rfc1201-arp-icmp-http.pcap"],
  ["ARCNET Linux (RFC 1051)", 129, "public/tcpdump/arcnet-rfc1051-arp-icmp-http.pcap"],
  ["PPP (Cisco HDLC framing)", 9, "public/ndpi/BGP_Cisco_hdlc_slarp.pcap"],
  ["PPP", 9, "public/tcpdump/bgp_vpn_attrset.pcap"],
  ["FDDI", 10, "public/zeek/dns-inverse-query.pcap"],
  ["raw IP (12)", 12, "public/pcapplusplus/PcapppTest__PcapExamples__four_ipv6_http_streams.pcap"],
  ["raw IP (101)", 101, "public/zeek/rotation.pcap"],
  ["Cisco HDLC + MPLS", 104, "public/ndpi/BGP_redist.pcap"],
  ["Linux SLL", 113, "public/pcapplusplus/PcapppTest__PcapExamples__sll.pcap"],
  ["Juniper Ethernet", 178, "public/tcpdump/bgp-aigp.pcap"],
  ["PPI + 802.11", 192, "public/libpcap/filter__http_PPI.pcap"],
  ["IPv4 (228)", 228, "public/zeek/http__261__variant-08-leading_zeros.pcap"],
  ["IPv6 (229)", 229, "public/pcapplusplus/PcapppTest__PcapExamples__linktype_ipv6.pcap"],
  ["NFLOG", 239, "public/zeek/nflog-http.pcap"],
  ["IPoIB", 242, "public/tcpdump/ipoib.pcap"],
  ["Linux SLL2", 276, "public/pcapplusplus/PcapppTest__PcapExamples__sll2.pcap"],
];

for (const [what, linkType, file] of CASES) {
  test(`link ${linkType} ${what}: first TCP frame of ${file.split("/").pop()} matches tshark`, () => {
    const dir = join(sharedDir(), "captures");
    const lines = readFileSync(join(dir, file + ".tshark.tsv"), "utf8").split("\n");
    const header = (lines[0] ?? "").split("\t"), row = (lines[1] ?? "").split("\t");
    const n = Number(row[0]);
    const records = readCaptureFile(join(dir, file));
    const dec = new FrameDecoder(), f = new DecodedFrame();
    for (const r of records) if (r.index <= n) dec.decode(r.linkType, r.bytes, r.originalLength, r.index, f);
    assert.equal(records.find((r) => r.index === n)?.linkType, linkType);
    assert.ok(f.tcpCount > 0, "no TCP found");
    const got = fieldsOf(f);
    for (const name of FIELDS) assert.equal(got[name], row[header.indexOf(name)] ?? "", `${file} frame ${n} ${name}`);
  });
}
