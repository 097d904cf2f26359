/** Expert items of the layers below TCP that the `-T fields` rows raise (FieldRows, when an
 *  `_ws.expert.*` field is read): 802.11 retries, PPI radio assumptions, Ethernet source and
 *  padding, IPv4 lengths and TTLs, deprecated IPv6 routing headers. */
import type { DecodedFrame, IpLayer } from "../decode/index.js";
import { type ExpertList, Group, LNCB_TTL, Severity } from "../fields/expert.js";
import { ethernetTail } from "../fields/index.js";

/** The PHY a PPI header (LINKTYPE 192) describes, as tshark infers it: "ht" with an 802.11n
 *  MAC+PHY field (type 4), "dsss" when its 802.11-Common field (type 2) gives a DSSS/CCK rate
 *  (1, 2, 5.5 or 11 Mb/s; the rate is in 500 kb/s units after TSFT and flags), else undefined. */
function ppiPhy(b: Uint8Array): "ht" | "dsss" | undefined {
  const len = b[2]! | (b[3]! << 8);
  let rate = -1;
  for (let at = 8; at + 4 <= len && at + 4 <= b.length;) {
    const type = b[at]! | (b[at + 1]! << 8), flen = b[at + 2]! | (b[at + 3]! << 8);
    if (type === 4) return "ht";
    if (type === 2 && flen >= 12 && at + 16 <= b.length) rate = b[at + 14]! | (b[at + 15]! << 8);
    at += 4 + flen;
  }
  return rate === 2 || rate === 4 || rate === 11 || rate === 22 ? "dsss" : undefined;
}

/** Experts of the link layer (before IP). */
export function linkExperts(ex: ExpertList, frame: DecodedFrame): void {
  const b = frame.bytes, lt = frame.linkType;
  if (lt === 105) wlanRetry(ex, b, 0);
  else if (lt === 127 && b.length >= 4) wlanRetry(ex, b, b[2]! | (b[3]! << 8));
  else if (lt === 192 && b.length >= 8 && (b[4]! | (b[5]! << 8)) === 105) {
    // tshark 4.0.17's 802.11 radio information, computing the frame's duration: an HT (802.11n)
    // PHY described by PPI's MAC+PHY field has no STBC nor FEC information; an 802.11b one (PPI
    // 802.11-Common rate 1, 2, 5.5 or 11 Mb/s) no preamble length. Each assumption is a Warning.
    const phy = ppiPhy(b);
    if (phy === "ht") {
      ex.add("No stbc information was available, assuming no stbc.", Severity.Warning, Group.Assumption);
      ex.add("No fec type information was available, assuming bcc fec.", Severity.Warning, Group.Assumption);
    } else if (phy === "dsss") {
      ex.add("No preamble length information was available, assuming short preamble.", Severity.Warning, Group.Assumption);
    }
    wlanRetry(ex, b, b[2]! | (b[3]! << 8));
  }
  if (frame.linkType === 1 && frame.bytes.length >= 14) {
    // IEEE 802.3 §3.2.3(b): the source address is never a group address.
    if ((frame.bytes[6]! & 1) !== 0) {
      ex.add("Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)", Severity.Warning, Group.Protocol);
    }
  }
}

/** tshark 4.0: Ethernet pads frames to 60 bytes (FCS excluded) with zeros; padding that is not
 *  all zeros is reported. Bytes past 60 are a trailer and not checked. */
export function ethTrailer(ex: ExpertList, frame: DecodedFrame, comments: number): void {
  const tail = ethernetTail(frame);
  if (tail !== undefined && !tail.zeros) {
    const c = comments;
    const at = ex.length > c && ex.message[c]!.startsWith("Source MAC") ? c + 1 : c;
    ex.insert(at, "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", Severity.Note, Group.Protocol);
  }
}

/** IEEE 802.11 data frame with the Retry bit of its frame control set. */
function wlanRetry(ex: ExpertList, b: Uint8Array, at: number): void {
  if (at + 2 > b.length || ((b[at]! >> 2) & 3) !== 2) return;
  if ((b[at + 1]! & 0x08) !== 0) ex.add("Retransmission (retry)", Severity.Note, Group.Sequence);
}

/** Experts of an IP header. */
export function ipExperts(ex: ExpertList, l: IpLayer): void {
  const b = l.bytes, at = l.offset;
  if (l.protocol === 47 && !l.quoted && !l.fragment) {
    // GRE carrying 802.11 (Aruba 0x8200/0x9000): the wireless header's Retry bit.
    const g = at + l.headerLength;
    if (g + 4 <= b.length) {
      const fv = (b[g]! << 8) | b[g + 1]!, proto = (b[g + 2]! << 8) | b[g + 3]!;
      let p = g + 4;
      if ((fv & 0xc000) !== 0) p += 4;
      if ((fv & 0x2000) !== 0) p += 4;
      if ((fv & 0x1000) !== 0) p += 4;
      if (proto === 0x8200 || proto === 0x9000) wlanRetry(ex, b, p);
    }
  }
  if (l.version === 4) {
    const tl = (b[at + 2]! << 8) | b[at + 3]!;
    const have = l.payloadLength + l.headerLength;
    if (tl !== 0 && tl > have && !l.quoted) {
      ex.add(`IPv4 total length exceeds packet length (${have} bytes)`, Severity.Error, Group.Protocol);
    }
    // The tree's rule (fields/ip.ts ttlExperts), quoted headers included.
    const d0 = b[at + 16]!;
    if (d0 === 224 && b[at + 17] === 0 && b[at + 18] === 0) {
      if (l.ttl !== 1) ex.add(LNCB_TTL, Severity.Note, Group.Sequence);
    } else if (l.ttl < 5 && !(d0 >= 224 && d0 < 240)) {
      ex.add(`"Time To Live" only ${l.ttl}`, Severity.Note, Group.Sequence);
    }
  } else if (!l.quoted) {
    // Walk the extension headers for a type-0 routing header (RFC 5095 deprecates it).
    let nh = b[at + 6]!, p = at + 40;
    const end = at + l.headerLength;
    while (p + 2 <= end && (nh === 0 || nh === 43 || nh === 60)) {
      if (nh === 43 && b[p + 2] === 0) { ex.add("Routing header type is deprecated", Severity.Note, Group.Deprecated); break; }
      const len = (b[p + 1]! + 1) * 8;
      nh = b[p]!; p += len;
    }
  }
}
