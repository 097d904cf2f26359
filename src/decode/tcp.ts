/** TCP header: view for the hot path, Repr for tests and tools (RFC 9293 §3.1, spec §12). */
import { EMPTY_BYTES, put16, put32, u16, u32, u8 } from "./bytes.js";
import type { Decoded, TcpProblem } from "./problems.js";

/** Offsets in the fixed TCP header, RFC 9293 §3.1. */
export const TcpOff = { srcPort: 0, dstPort: 2, seq: 4, ack: 8, dataOffset: 12, flags: 12,
  window: 14, checksum: 16, urgent: 18, options: 20 } as const;
/** Bytes in a TCP header without options. */
export const TCP_MIN_HEADER = 20;

/** TCP flag bits (12 bits, spec §0). */
export const TcpFlag = { FIN: 0x001, SYN: 0x002, RST: 0x004, PSH: 0x008, ACK: 0x010, URG: 0x020,
  ECE: 0x040, CWR: 0x080, AE: 0x100 } as const;

/** A TCP header inside a frame. Owns no bytes: `point()` moves it, so one instance serves a
 *  whole capture. Getters read 0 past the captured bytes; call `check()` first. */
export class TcpView {
  #b: Uint8Array = EMPTY_BYTES; #at = 0; #len = 0;
  /** Points the view at `len` captured bytes starting at `at` of `bytes`. */
  point(bytes: Uint8Array, at: number, len: number): this {
    this.#b = bytes; this.#at = at; this.#len = len; return this;
  }
  /** Offset of the header in the bytes it points at. */
  get at(): number { return this.#at; }
  /** Captured bytes from the header start. */
  get capturedLength(): number { return this.#len; }
  /** undefined when the fixed header and options are all there, else the first problem. */
  check(): TcpProblem | undefined {
    if (this.#len < TCP_MIN_HEADER) return "truncated";
    if (this.headerLength < TCP_MIN_HEADER) return "tcp.bogus_header_length";
    if (this.headerLength > this.#len) return "tcp.options_truncated";
    return undefined;
  }
  /** Source port. */
  get srcPort(): number { return u16(this.#b, this.#at); }
  /** Destination port. */
  get dstPort(): number { return u16(this.#b, this.#at + 2); }
  /** Raw 32-bit sequence number. Relative numbers are display-only (spec §4). */
  get seqRaw(): number { return u32(this.#b, this.#at + 4); }
  /** Raw 32-bit acknowledgement number (meaningful when ACK is set). */
  get ackRaw(): number { return u32(this.#b, this.#at + 8); }
  /** Data offset in 32-bit words, kept even when < 5. */
  get dataOffset(): number { return u8(this.#b, this.#at + 12) >> 4; }
  /** Data offset × 4: header length in bytes, options included. */
  get headerLength(): number { return (u8(this.#b, this.#at + 12) >> 4) * 4; }
  /** The 12 flag bits, FIN = 0x001 … AE = 0x100, reserved 0xE00 (spec §0). */
  get flags(): number { return u16(this.#b, this.#at + 12) & 0x0fff; }
  /** Raw (unscaled) window, RFC 7323 §2.2. */
  get windowRaw(): number { return u16(this.#b, this.#at + 14); }
  /** Checksum as found. */
  get checksum(): number { return u16(this.#b, this.#at + 16); }
  /** Urgent pointer. */
  get urgent(): number { return u16(this.#b, this.#at + 18); }
}

/** Every wire field of a TCP segment, so that emit(parse(bytes)) is byte-identical. */
export interface TcpRepr {
  srcPort: number; dstPort: number; seqRaw: number; ackRaw: number;
  /** 32-bit words, kept even when bogus. */
  dataOffset: number;
  /** All 12 bits, reserved ones included. */
  flags: number;
  /** Unscaled; scaling belongs to analysis (RFC 7323 §2.2). */
  windowRaw: number;
  /** As found; verifying it is a separate step (spec §12.1). */
  checksum: number;
  urgent: number;
  /** Raw option bytes incl. padding; `tcpOptions()` parses on demand. */
  options: Uint8Array;
  /** Subarray of the input, never a copy. */
  payload: Uint8Array;
}

/** Parses a TCP segment (header + payload). A bogus data offset or missing option bytes are problems. */
export function parseTcp(bytes: Uint8Array): Decoded<TcpRepr, TcpProblem> {
  const v = new TcpView().point(bytes, 0, bytes.length);
  const p = v.check();
  if (p !== undefined) return { ok: false, problem: p, at: p === "truncated" ? bytes.length : 12 };
  const hl = v.headerLength;
  return { ok: true, value: {
    srcPort: v.srcPort, dstPort: v.dstPort, seqRaw: v.seqRaw, ackRaw: v.ackRaw,
    dataOffset: v.dataOffset, flags: v.flags, windowRaw: v.windowRaw, checksum: v.checksum,
    urgent: v.urgent, options: bytes.subarray(TCP_MIN_HEADER, hl), payload: bytes.subarray(hl),
  } };
}

/** Bytes `emitTcp` writes: header, options, payload. */
export function tcpLength(r: TcpRepr): number {
  return TCP_MIN_HEADER + r.options.length + r.payload.length;
}

/** Writes `r` into `out` from offset 0. The data offset is written as given (not recomputed). */
export function emitTcp(r: TcpRepr, out: Uint8Array): void {
  put16(out, 0, r.srcPort); put16(out, 2, r.dstPort);
  put32(out, 4, r.seqRaw); put32(out, 8, r.ackRaw);
  put16(out, 12, ((r.dataOffset & 15) << 12) | (r.flags & 0x0fff));
  put16(out, 14, r.windowRaw); put16(out, 16, r.checksum); put16(out, 18, r.urgent);
  out.set(r.options, TCP_MIN_HEADER);
  out.set(r.payload, TCP_MIN_HEADER + r.options.length);
}

/** tshark's `tcp.flags.str`: 12 characters MSB first, `RRRACEUAPRSF`, `·` for a clear bit (spec §14.2). */
export function tcpFlagsString(flags: number): string {
  const letters = "RRRACEUAPRSF";
  let s = "";
  for (let i = 0; i < 12; i++) s += (flags & (0x800 >> i)) !== 0 ? letters[i] : "\u00b7";
  return s;
}

/** tshark's `tcp.flags` text: `0x` and 4 lowercase hex digits (spec §14.2). */
export function tcpFlagsHex(flags: number): string {
  return "0x" + (flags & 0xfff).toString(16).padStart(4, "0");
}
