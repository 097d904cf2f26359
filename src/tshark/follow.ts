/** Follow a TCP stream: each direction's bytes in sequence order, as tshark 4.0's
 *  `-z follow,tcp,ascii|hex|raw,N -q` prints them. Retransmitted bytes are shown once, a segment
 *  that overlaps what was already delivered contributes only its new tail, a segment beyond the
 *  next expected sequence number waits until the gap is filled (or until the peer acknowledges
 *  past it: then a "[N bytes missing in capture file]" marker stands in for the gap). */
import { seqGt, seqLt } from "../analysis/index.js";
import { SYN } from "../analysis/index.js";
import type { PacketFacts } from "../analysis/packets.js";

/** Output formats of `synack follow`. */
export type FollowFormat = "ascii" | "hex" | "raw";

/** One delivered chunk: which side sent it, the frame it came from, its bytes. */
export interface FollowChunk {
  /** 0 = the stream's first sender ("Node 0"), 1 = the other side. */
  node: 0 | 1;
  frame: number;
  /** A gap marker ("[N bytes missing in capture file]") rather than captured bytes. */
  missing: boolean;
  bytes: Uint8Array;
}

/** The followed stream: both endpoints and the chunks in delivery order. */
export interface FollowedStream {
  stream: number;
  /** Address:port of node 0 (first packet's source) and node 1; undefined when the stream has no packets. */
  node0: { addr: string; port: number; family: 4 | 6 } | undefined;
  node1: { addr: string; port: number; family: 4 | 6 } | undefined;
  chunks: FollowChunk[];
  /** Bytes delivered per node. */
  bytes: [number, number];
}

interface Pending { seq: number; frame: number; bytes: Uint8Array }

/** ASCII text → bytes (core code has no TextEncoder in lib ES2022). */
function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

/** Reassembles the stream `stream` from its packets (in capture order). */
export function followStream(packets: readonly PacketFacts[], stream: number): FollowedStream {
  const out: FollowedStream = { stream, node0: undefined, node1: undefined, chunks: [], bytes: [0, 0] };
  const next = [0, 0];
  const started = [false, false];
  const pending: Pending[][] = [[], []];
  let n0addr = "", n0port = -1;

  /** Delivers waiting segments that now fit (`useAck`: also give up on a gap the peer acknowledged past). */
  const drain = (node: 0 | 1, acked: number, frame: number, useAck: boolean): boolean => {
    const list = pending[node]!;
    if (list.length === 0) return false;
    let lowest = list[0]!.seq;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (seqGt(lowest, p.seq)) lowest = p.seq;
      if (seqLt(p.seq, next[node]!)) {
        const end = (p.seq + p.bytes.length) >>> 0;
        if (seqGt(end, next[node]!)) {
          const skip = (next[node]! - p.seq) >>> 0;
          if (p.bytes.length > skip) deliver(node, p.frame, p.bytes.subarray(skip), false);
          next[node] = (next[node]! + (p.bytes.length - skip)) >>> 0;
        }
        list.splice(i, 1);
        return true;
      }
      if (p.seq === next[node]) {
        if (p.bytes.length > 0) deliver(node, p.frame, p.bytes, false);
        next[node] = (next[node]! + p.bytes.length) >>> 0;
        list.splice(i, 1);
        return true;
      }
    }
    if (useAck && seqGt(acked, lowest)) {
      // The receiver acknowledged bytes we never saw: stand in a marker (with its C string's NUL,
      // as tshark 4.0 writes it) and carry on from the lowest waiting segment.
      const gap = ((lowest - next[node]!) | 0);
      const text = ascii(`[${gap} bytes missing in capture file]\0`);
      deliver(node, frame, text, true);
      next[node] = lowest;
      return true;
    }
    return false;
  };
  const deliver = (node: 0 | 1, frame: number, bytes: Uint8Array, missing: boolean): void => {
    out.chunks.push({ node, frame, missing, bytes });
    out.bytes[node] += bytes.length;
  };

  for (const p of packets) {
    if (p.stream !== stream) continue;
    if (out.node0 === undefined) {
      out.node0 = { addr: p.src, port: p.srcPort, family: p.family };
      out.node1 = { addr: p.dst, port: p.dstPort, family: p.family };
      n0addr = p.src; n0port = p.srcPort;
    }
    const node: 0 | 1 = p.src === n0addr && p.srcPort === n0port ? 0 : 1;
    const other: 0 | 1 = node === 0 ? 1 : 0;
    let seq = p.seqRaw;
    if ((p.flags & SYN) !== 0) seq = (seq + 1) >>> 0;
    // An acknowledgment may reveal that the receiver got bytes the capture missed.
    if (pending[other]!.length > 0) while (drain(other, p.ackRaw, p.frame, true));
    // tshark 4.0: the first segment of a direction, and every SYN (a SYN-ACK with a new ISN
    // included), set the next expected sequence number.
    if (!started[node] || (p.flags & SYN) !== 0) { next[node] = seq; started[node] = true; }
    let data = p.payload;
    let len = p.seglen < 0 ? 0 : p.seglen;
    if (seqLt(seq, next[node]!)) {
      const end = (seq + len) >>> 0;
      if (seqGt(end, next[node]!)) {
        const skip = (next[node]! - seq) >>> 0;
        data = data.length <= skip ? data.subarray(0, 0) : data.subarray(skip);
        seq = next[node]!;
        len = (end - next[node]!) >>> 0;
      }
    }
    if (data.length === 0 || seqLt(seq, next[node]!)) continue;
    if (seq === next[node]) {
      next[node] = (next[node]! + len) >>> 0;
      deliver(node, p.frame, data, false);
      while (drain(node, 0, p.frame, false));
    } else {
      pending[node]!.push({ seq, frame: p.frame, bytes: data });
    }
  }
  return out;
}

const RULE = "===================================================================";

function nodeText(n: FollowedStream["node0"]): string {
  if (n === undefined) return ":0";
  return n.family === 6 ? `[${n.addr}]:${n.port}` : `${n.addr}:${n.port}`;
}

const HEX = "0123456789abcdef";
function hex2(b: number): string { return HEX[b >> 4]! + HEX[b & 15]!; }

/** Printable in tshark's ascii view: visible ASCII, space, and the line ends \n and \r (a tab becomes '.'). */
function asciiChar(b: number): string {
  return (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d ? String.fromCharCode(b) : ".";
}

/** The text of `tshark -q -z follow,tcp,<format>,<stream>` for this stream. */
export function formatFollow(f: FollowedStream, format: FollowFormat): string {
  const lines: string[] = ["", RULE, `Follow: tcp,${format}`, `Filter: tcp.stream eq ${f.stream}`,
    `Node 0: ${nodeText(f.node0)}`, `Node 1: ${nodeText(f.node1)}`];
  let text = lines.join("\n") + "\n";
  const offset = [0, 0];
  for (const c of f.chunks) {
    const tab = c.node === 1 ? "\t" : "";
    if (format === "raw") {
      let s = tab;
      for (const b of c.bytes) s += hex2(b);
      text += s + "\n";
    } else if (format === "ascii") {
      let s = `${tab}${c.bytes.length}\n`;
      for (const b of c.bytes) s += asciiChar(b);
      text += s + "\n";
    } else {
      text += hexDump(c.bytes, offset[c.node]!, tab);
      offset[c.node]! += c.bytes.length;
    }
  }
  return text + RULE + "\n";
}

/** 16 bytes a line: offset (8 uppercase hex digits, counted per direction), the bytes in two groups
 *  of 8, then the same bytes as text (non-printables as '.') in two groups. */
function hexDump(bytes: Uint8Array, start: number, tab: string): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 16) {
    let line = tab + (start + i).toString(16).toUpperCase().padStart(8, "0") + "  ";
    let txt = "";
    for (let j = 0; j < 16; j++) {
      if (j === 8) line += " ";
      if (i + j < bytes.length) {
        const b = bytes[i + j]!;
        line += hex2(b) + " ";
        txt += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
        // The gap between the two text groups follows the 8th byte, even when no 9th comes.
        if (j === 7) txt += " ";
      } else line += "   ";
    }
    // tshark 4.0 then drops one trailing space of the text column (not all of them).
    if (txt.endsWith(" ")) txt = txt.slice(0, -1);
    out += line + " " + txt + "\n";
  }
  return out;
}
