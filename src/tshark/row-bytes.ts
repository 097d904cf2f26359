/** Byte writers of the `-T fields` rows (FieldRows): values written at an offset of a buffer
 *  (put*: no string made), the flag texts, and the TCP tokens of the Info column. */
import { ACK, type AnalysisResult } from "../analysis/index.js";
import { type TcpLayer, tcpFlagsString } from "../decode/index.js";
import { asciiBytes, ByteOut, putBytes, putDigits, putUint } from "./bytes-out.js";
import { infoFlagsBytes } from "./info.js";
import { AD_ACK, AD_ACKS_FRAME, AD_BIF, AD_COMPLETENESS, AD_DUP_NUM, AD_NXTSEQ, AD_PUSH, AD_SEQ, AD_STREAM, AD_WIN,
  D_ACKRAW, D_CHECKSUM, D_DSTPORT, D_FLAGS, D_FLAGSSTR, D_HDRLEN, D_LEN, D_SEQRAW, D_SRCPORT, D_URGENT, D_WIN } from "./row-kinds.js";

/** `tcp.flags.str` texts per 12-bit flag value, made on first use. */
const FLAGS_STR: Array<string | undefined> = new Array<string | undefined>(4096);
export const flagsStr = (f: number): string => FLAGS_STR[f & 0xfff] ??= tcpFlagsString(f & 0xfff);

export function pad9(n: number): string {
  const s = String(n);
  return s.length >= 9 ? s : "000000000".slice(s.length) + s;
}

export const HEX = "0123456789abcdef";

/** Info tokens as bytes. */
export const T_SEQ = asciiBytes(" Seq="),
  T_ACK = asciiBytes(" Ack="),
  T_WIN = asciiBytes(" Win="),
  T_URG = asciiBytes(" Urg="),
  T_LEN = asciiBytes(" Len="),
  T_MSS = asciiBytes(" MSS="),
  T_WS = asciiBytes(" WS="),
  T_SACKPERM = asciiBytes(" SACK_PERM"),
  T_SLE = asciiBytes(" SLE="),
  T_SRE = asciiBytes(" SRE="),
  T_TSVAL = asciiBytes(" TSval="),
  T_TSECR = asciiBytes(" TSecr="),
  T_MD5 = asciiBytes(" MD5");

/** `tcp.flags.str` as UTF-8 bytes per 12-bit flag value, made on first use. */
const FLAGS_STR_BYTES: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(4096);
export function flagsStrBytes(f: number): Uint8Array {
  let b = FLAGS_STR_BYTES[f & 0xfff];
  if (b === undefined) {
    const o = new ByteOut(64);
    o.str(flagsStr(f));
    b = FLAGS_STR_BYTES[f & 0xfff] = o.buf.slice(0, o.len);
  }
  return b;
}
const HEX_BYTES = asciiBytes(HEX);
/** `tcp.flags` as 0x and 4 lowercase hex digits of its 12 bits, at `o` of `b` (6 bytes). */
export function putFlagsHex(b: Uint8Array, o: number, flags: number): number {
  const f = flags & 0xfff;
  b[o] = 48; b[o + 1] = 120; b[o + 2] = 48;
  b[o + 3] = HEX_BYTES[f >> 8]!; b[o + 4] = HEX_BYTES[(f >> 4) & 15]!; b[o + 5] = HEX_BYTES[f & 15]!;
  return o + 6;
}

/** One TCP header's value of direct kind `d` (D_SRCPORT…D_URGENT) at `o` of `b` (≤ 36 bytes). */
export function putTcpDirect(b: Uint8Array, o: number, t: TcpLayer, d: number): number {
  switch (d) {
    case D_SRCPORT: return putUint(b, o, t.srcPort);
    case D_DSTPORT: return putUint(b, o, t.dstPort);
    case D_LEN: if (t.seglen >= 0) return putUint(b, o, t.seglen); b[o] = 45; return putUint(b, o + 1, -t.seglen);
    case D_SEQRAW: return putUint(b, o, t.seqRaw);
    case D_ACKRAW: return putUint(b, o, t.ackRaw);
    case D_HDRLEN: return putUint(b, o, t.headerLength);
    case D_FLAGS: return putFlagsHex(b, o, t.flags);
    case D_FLAGSSTR: { const s = flagsStrBytes(t.flags); for (let x = 0; x < s.length; x++) b[o++] = s[x]!; return o; }
    case D_WIN: return putUint(b, o, t.windowRaw);
    // Unverified (2): direct only with tcp.check_checksum off.
    case D_CHECKSUM: b[o] = 50; return o + 1;
    default: return putUint(b, o, t.urgent);
  }
}

/** Analysis kind `d` (a plain unsigned number: not ack_rtt nor the times) of `r` at `o` of `b`,
 *  or −1 when the list path (#tcpLayer) would have listed nothing for it. */
export function putAnalysisDirect(b: Uint8Array, o: number, r: AnalysisResult, d: number): number {
  switch (d) {
    case AD_STREAM: return putUint(b, o, r.stream);
    case AD_COMPLETENESS: return putUint(b, o, r.completeness);
    case AD_SEQ: return putUint(b, o, r.seq);
    case AD_NXTSEQ: return r.nxtseqPresent ? putUint(b, o, r.nxtseq) : -1;
    case AD_ACK: return r.ackPresent ? putUint(b, o, r.ack) : -1;
    case AD_WIN: return r.windowPresent ? putUint(b, o, r.windowSize) : -1;
    case AD_ACKS_FRAME: return r.analysisPresent && r.acksFrame !== 0 ? putUint(b, o, r.acksFrame) : -1;
    case AD_BIF: return r.analysisPresent && r.bytesInFlight !== 0 ? putUint(b, o, r.bytesInFlight) : -1;
    case AD_PUSH: return r.analysisPresent && r.bytesInFlight !== 0 ? putUint(b, o, r.pushBytesSent) : -1;
    case AD_DUP_NUM: return r.analysisPresent && r.dupAckNum !== 0 ? putUint(b, o, r.dupAckNum) : -1;
    default: return r.analysisPresent && r.dupAckNum !== 0 ? putUint(b, o, r.dupAckFrame) : -1;
  }
}
/** formatNs(ns) at `o` of `b` (≤ 27 bytes): seconds, a dot, 9 digits; a minus sign when negative. */
export function putSignedNs(b: Uint8Array, o: number, ns: number): number {
  if (ns < 0) { b[o++] = 45; ns = -ns; }
  const sec = Math.floor(ns / 1e9);
  o = putUint(b, o, sec); b[o++] = 46;
  return putDigits(b, o, ns - sec * 1e9, 9);
}

/** formatNs(ns) written into `out`. */
export function writeNs(out: ByteOut, ns: number): void {
  if (ns < 0) { out.byte(45); ns = -ns; }
  const sec = Math.floor(ns / 1e9);
  out.uint(sec); out.byte(46); out.digits(ns - sec * 1e9, 9);
}

/** `tcp.flags` as tcpFlagsHex prints it: 0x and 4 lowercase hex digits of the 12 bits. */
export function flagsHex(out: ByteOut, flags: number): void {
  const f = flags & 0xfff;
  out.byte(48); out.byte(120); out.byte(48);
  out.byte(HEX.charCodeAt(f >> 8)); out.byte(HEX.charCodeAt((f >> 4) & 15)); out.byte(HEX.charCodeAt(f & 15));
}

/** Info's "sport → dport", then with `withFlags` " [FLAGS] Seq=… Ack=… Win=…" (the shown numbers:
 *  relative with the analysis, else raw), through one cursor (≤ 160 bytes; the flag text ≤ 64). */
export function infoHeader(ib: ByteOut, t: TcpLayer, r: AnalysisResult | undefined, withFlags: boolean, winShown: number): void {
  if (ib.len + 160 > ib.buf.length) ib.ensure(160);
  const b = ib.buf, flags = t.flags;
  let o = putUint(b, ib.len, t.srcPort);
  b[o] = 32; b[o + 1] = 0xe2; b[o + 2] = 0x86; b[o + 3] = 0x92; b[o + 4] = 32; o += 5;
  o = putUint(b, o, t.dstPort);
  if (withFlags) {
    o = putBytes(b, o, infoFlagsBytes(flags));
    o = putBytes(b, o, T_SEQ); o = putUint(b, o, r !== undefined ? r.seq : t.seqRaw);
    if ((flags & ACK) !== 0) { o = putBytes(b, o, T_ACK); o = putUint(b, o, r !== undefined ? r.ack : t.ackRaw); }
    o = putBytes(b, o, T_WIN); o = putUint(b, o, winShown);
  }
  ib.len = o;
}

/** Info's " Len=…". */
export function infoLen(ib: ByteOut, seglen: number): void {
  if (ib.len + 24 > ib.buf.length) ib.ensure(24);
  ib.len = putUint(ib.buf, putBytes(ib.buf, ib.len, T_LEN), seglen);
}
