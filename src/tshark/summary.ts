/** The default one-line summary of a frame, as tshark 4.0 prints it without `-V`/`-T`:
 *  No., relative time, Source, Destination, Protocol, Length, Info. TCP frames take their Info from
 *  the Info column (info.ts); other frames get the best protocol name we decode and a short Info. */
import { addressLayer, type DecodedFrame, destinationText, formatIpv6, type IpLayer, sourceText } from "../decode/index.js";

/** The seven columns of one summary line. */
export interface SummaryColumns {
  /** frame.number. */
  number: number;
  /** Relative time text (formatRelativeTime). */
  time: string;
  source: string;
  destination: string;
  protocol: string;
  /** frame.len: bytes on the wire. */
  length: number;
  info: string;
}

const NS = 1_000_000_000;
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/** Decimals tshark 4.0 shows for a time with the file's resolution: an if_tsresol byte (pcap: 6 or 9).
 *  tshark 4.0 knows only s, ds, cs, ms, µs and ns precisions, so 10^-7 and 10^-8 show as µs. */
export function timeDigits(tsresol: number): number {
  const exp = tsresol & 0x7f;
  // A power-of-two unit counts as the coarsest decimal precision that is at least as fine.
  const unitsLog10 = (tsresol & 0x80) !== 0 ? exp * Math.log10(2) : exp;
  if (unitsLog10 >= 9) return 9;
  if (unitsLog10 >= 6) return 6;
  if (unitsLog10 >= 3) return 3;
  if (unitsLog10 >= 2) return 2;
  if (unitsLog10 >= 1) return 1;
  return 0;
}

/** `sec.frac` of the time from (baseSec, baseNsec) to (sec, nsec), with `digits` decimals, truncated,
 *  `-` in front when negative (integer arithmetic only, STYLE §5). */
export function formatRelativeTime(sec: number, nsec: number, baseSec: number, baseNsec: number,
    digits: number): string {
  let ds = sec - baseSec, dn = nsec - baseNsec;
  if (dn < 0) { ds -= 1; dn += NS; }
  let neg = false;
  if (ds < 0) { neg = true; ds = -ds - 1; dn = NS - dn; if (dn === NS) { dn = 0; ds += 1; } }
  let s = (neg ? "-" : "") + String(ds);
  if (digits > 0) s += "." + String(Math.floor(dn / POW10[9 - digits]!)).padStart(digits, "0");
  return s;
}

/** The line: `%5u %10s %12s → %-12s %s %u %s`, as tshark pads the default columns. */
export function formatSummaryLine(c: SummaryColumns): string {
  return String(c.number).padStart(5, " ") + " " + c.time.padStart(10, " ") + " " + c.source.padStart(12, " ")
    + " → " + c.destination.padEnd(12, " ") + " " + c.protocol + " " + String(c.length) + " " + c.info;
}

/** Protocol column of a frame carrying TCP: `TCP`, `MPTCP` with an MPTCP option (kind 30), `ICMP`/`ICMPv6`
 *  when the TCP header is quoted in an ICMP error, `GTP <…>` when a GTP-U tunnel carries it. */
export function tcpProtocol(frame: DecodedFrame): string {
  const t = frame.tcp[0]!;
  if (t.quoted) {
    const carrier = addressLayer(frame);
    return carrier !== undefined && carrier.version === 6 ? "ICMPv6" : "ICMP";
  }
  let name = "TCP";
  if (t.optionsCaptured > 0 && hasOption(t.bytes, t.optionsOffset, t.optionsCaptured, 30)) name = "MPTCP";
  for (let i = 0; i < frame.ipCount; i++) if (frame.ip[i]!.encap === "gtpu") return `GTP <${name}>`;
  return name;
}

/** True when the option list holds an option of `kind` (walks kinds and lengths, stops at EOL or damage). */
export function hasOption(b: Uint8Array, at: number, len: number, kind: number): boolean {
  let p = at;
  const end = at + len;
  while (p < end) {
    const k = b[p]!;
    if (k === kind) return true;
    if (k === 0) return false;
    if (k === 1) { p++; continue; }
    const l = b[p + 1];
    if (l === undefined || l < 2) return false;
    p += l;
  }
  return false;
}

const IP_PROTOCOLS: Readonly<Record<number, string>> = {
  1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 41: "IPv6", 47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6",
  89: "OSPF", 103: "PIMv2", 112: "VRRP", 132: "SCTP",
};
const ICMP4_TYPES: Readonly<Record<number, string>> = {
  0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench (flow control)", 5: "Redirect",
  8: "Echo (ping) request", 11: "Time-to-live exceeded", 12: "Parameter problem", 13: "Timestamp request",
  14: "Timestamp reply",
};
const ICMP6_TYPES: Readonly<Record<number, string>> = {
  1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded", 4: "Parameter Problem",
  128: "Echo (ping) request", 129: "Echo (ping) reply", 133: "Router Solicitation", 134: "Router Advertisement",
  135: "Neighbor Solicitation", 136: "Neighbor Advertisement", 137: "Redirect",
};

/** Protocol, Source, Destination and a short Info for a frame without TCP (best effort: IP protocols we
 *  name, UDP ports and length, ICMP types, ARP; else the link's ethertype). */
export function otherColumns(frame: DecodedFrame): { protocol: string; source: string; destination: string; info: string } {
  const ip = addressLayer(frame);
  if (ip !== undefined) {
    const b = ip.bytes, at = ip.offset + ip.headerLength;
    const have = b.length - at;
    const name = IP_PROTOCOLS[ip.protocol] ?? (ip.version === 4 ? "IPv4" : "IPv6");
    let info = "";
    if (ip.fragment) info = `Fragmented IP protocol (proto=${name} ${ip.protocol})`;
    else if (ip.protocol === 17 && have >= 8) {
      const sp = (b[at]! << 8) | b[at + 1]!, dp = (b[at + 2]! << 8) | b[at + 3]!, ulen = (b[at + 4]! << 8) | b[at + 5]!;
      info = `${sp} → ${dp} Len=${ulen >= 8 ? ulen - 8 : 0}`;
    } else if ((ip.protocol === 1 || ip.protocol === 58) && have >= 1) {
      info = (ip.protocol === 1 ? ICMP4_TYPES : ICMP6_TYPES)[b[at]!] ?? `Type ${b[at]!}`;
    }
    return { protocol: ip.fragment ? (ip.version === 4 ? "IPv4" : "IPv6") : name,
      source: sourceText(ip), destination: destinationText(ip), info };
  }
  const b = frame.bytes;
  if (frame.linkType === 1 && b.length >= 14) {
    const src = mac(b, 6), dst = mac(b, 0);
    const type = (b[12]! << 8) | b[13]!;
    if (type === 0x0806 && b.length >= 14 + 28) {
      const op = (b[20]! << 8) | b[21]!;
      const spa = ipv4Text(b, 28), tpa = ipv4Text(b, 38);
      const info = op === 1 ? `Who has ${tpa}? Tell ${spa}` : op === 2 ? `${spa} is at ${mac(b, 22)}` : `Opcode ${op}`;
      return { protocol: "ARP", source: src, destination: dst, info };
    }
    const protocol = type <= 1500 ? "LLC" : "0x" + type.toString(16).padStart(4, "0");
    return { protocol, source: src, destination: dst, info: "Ethernet II" };
  }
  return { protocol: "Frame", source: "", destination: "", info: `Link type ${frame.linkType}` };
}

function mac(b: Uint8Array, at: number): string {
  let s = "";
  for (let i = 0; i < 6; i++) s += (i === 0 ? "" : ":") + (b[at + i] ?? 0).toString(16).padStart(2, "0");
  return s;
}

function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at] ?? 0}.${b[at + 1] ?? 0}.${b[at + 2] ?? 0}.${b[at + 3] ?? 0}`;
}
