/** Whole `-V` frames (Frame, link, 802.1Q, IPv4/IPv6, TCP, payload) against tshark 4.0.17 run live,
 *  byte for byte, on corpus captures of the link types and stacks whose every line we print:
 *  Ethernet (padding, trailers with their Note, FCS, 802.1Q tags), Linux cooked capture, Cisco
 *  HDLC, Linux ARCNET, raw IPv6 with
 *  SLAAC addresses, DSCP/ECN values, retransmissions of every kind, pcapng sections and interfaces.
 *  Only synack's own subtree is left out. (Other stacks — 802.11, GRE, ARCNET, tunnels — are not
 *  all there yet: the TCP part of their frames is checked by tree.test.ts.) */
import { test } from "node:test";
import assert from "node:assert/strict";
import { pool } from "../diff/summary-compare.js";
import { compareWholeFrames } from "./tree-compare.js";

const WHOLE = [
  "public/gopacket/pcap__test_ethernet.pcap",
  "public/ndpi/KakaoTalk_chat.pcap",
  "public/ndpi/ethereum.pcap",
  "public/ndpi/bot.pcap",
  "public/ndpi/weibo.pcap",
  "public/ndpi/wechat.pcap",
  "public/pcapplusplus/PcapppTest__PcapExamples__four_ipv6_http_streams.pcap",
  "public/pcapplusplus/PcapppTest__PcapExamples__sll.pcap",
  "public/zeek/tcp__ssh-dups.pcap",
  "public/tcpdump/of10_pf5240.pcap",
  // Ethernet frames of 64 bytes and more with a frame check sequence.
  "public/zeek/http__m57-long-49583-80.pcap",
  // pcapng: section number, interface id, if_name (or "unknown"), if_description.
  "public/ndpi/radmin3.pcapng",
  "public/zeek/ldap__modify-request.pcapng",
  "public/ndpi/tls_multiple_synack_different_seq.pcapng",
  // Packet comments, arrival times in the year 586524, stream times over 46 years (exact ns),
  // payloads cut by the snap length.
  "public/pcapplusplus/PcapppTest__PcapExamples__pcapng-example.pcapng",
  // Cisco HDLC under LINKTYPE_PPP (with "Time To Live" notes), Linux ARCNET.
  "public/ndpi/BGP_Cisco_hdlc_slarp.pcap",
  "public/tcpdump/arcnet-rfc1051-arp-icmp-http.pcap",
];

test("-V: whole frames equal tshark 4.0.17's on Ethernet, 802.1Q, SLL, raw IP, Cisco HDLC, ARCNET and pcapng captures", async () => {
  let frames = 0;
  const diffs: string[] = [];
  await pool(WHOLE, 4, async (rel) => {
    const { ref, got } = await compareWholeFrames(rel);
    for (const [n, want] of ref) {
      frames++;
      const have = got.get(n);
      if (have === want) continue;
      const a = want.split("\n"), b = (have ?? "").split("\n"), i = a.findIndex((l, k) => l !== b[k]);
      diffs.push(`${rel} frame ${n} line ${i + 1}: want ${JSON.stringify(a[i])} got ${JSON.stringify(b[i])}`);
    }
  });
  assert.deepEqual(diffs.slice(0, 10), []);
  assert.ok(frames > 5000, `${frames} frames compared`);
});
