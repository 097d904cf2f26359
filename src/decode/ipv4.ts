/** IPv4 header (RFC 791): view for the hot path, Repr for tests and tools. */
import { EMPTY_BYTES, put16, put32, u16, u32, u8 } from "./bytes.js";
import type { Decoded } from "./problems.js";

/** Offsets in the fixed IPv4 header, RFC 791 §3.1. */
export const Ipv4Off = { versionIhl: 0, tos: 1, totalLength: 2, id: 4, flagsFragment: 6, ttl: 8,
  protocol: 9, checksum: 10, src: 12, dst: 16, options: 20 } as const;
/** Bytes in an IPv4 header without options. */
export const IPV4_MIN_HEADER = 20;

/** Problems of an IPv4 header, named after tshark's experts. */
export type Ipv4Problem = "truncated" | "ip.bogus_ip_version" | "ip.bogus_header_length";

/** An IPv4 header inside a frame; owns no bytes, `point()` moves it. */
export class Ipv4View {
  #b: Uint8Array = EMPTY_BYTES; #at = 0; #len = 0;
  /** Points the view at `len` captured bytes from `at`. */
  point(bytes: Uint8Array, at: number, len: number): this {
    this.#b = bytes; this.#at = at; this.#len = len; return this;
  }
  /** undefined when the header (options included) is captured and sane. */
  check(): Ipv4Problem | undefined {
    if (this.#len < 1) return "truncated";
    if (this.version !== 4) return "ip.bogus_ip_version";
    if (this.headerLength < IPV4_MIN_HEADER) return "ip.bogus_header_length";
    if (this.#len < this.headerLength) return "truncated";
    return undefined;
  }
  /** Version nibble (4 when valid). */
  get version(): number { return u8(this.#b, this.#at) >> 4; }
  /** IHL × 4: header length in bytes. */
  get headerLength(): number { return (u8(this.#b, this.#at) & 15) * 4; }
  /** DSCP and ECN byte. */
  get tos(): number { return u8(this.#b, this.#at + 1); }
  /** Total length field; 0 on TSO/GSO captures. */
  get totalLength(): number { return u16(this.#b, this.#at + 2); }
  /** Identification. */
  get id(): number { return u16(this.#b, this.#at + 4); }
  /** More-fragments flag. */
  get moreFragments(): boolean { return (u8(this.#b, this.#at + 6) & 0x20) !== 0; }
  /** Don't-fragment flag. */
  get dontFragment(): boolean { return (u8(this.#b, this.#at + 6) & 0x40) !== 0; }
  /** Fragment offset in bytes. */
  get fragmentOffset(): number { return (u16(this.#b, this.#at + 6) & 0x1fff) * 8; }
  /** Time to live. */
  get ttl(): number { return u8(this.#b, this.#at + 8); }
  /** Upper-layer protocol number. */
  get protocol(): number { return u8(this.#b, this.#at + 9); }
  /** Header checksum as found. */
  get checksum(): number { return u16(this.#b, this.#at + 10); }
  /** Source address as a uint32. */
  get src(): number { return u32(this.#b, this.#at + 12); }
  /** Destination address as a uint32. */
  get dst(): number { return u32(this.#b, this.#at + 16); }
}

/** Every wire field of an IPv4 packet, so that emit(parse(bytes)) is byte-identical. */
export interface Ipv4Repr {
  /** Version nibble as found (4). */
  version: number;
  /** Header length in 32-bit words, kept as found. */
  ihl: number;
  tos: number;
  /** As found (may be 0 or exceed the bytes: GSO, truncation). */
  totalLength: number;
  id: number;
  /** Flags (3 bits) and fragment offset (13 bits, 8-byte units) as one 16-bit field. */
  flagsFragment: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: number;
  dst: number;
  /** Option bytes, padding included. */
  options: Uint8Array;
  /** Bytes after the header up to the total length or the end of the input. */
  payload: Uint8Array;
}

/** Parses an IPv4 header and its payload (bounded by the total length when it is sane). */
export function parseIpv4(bytes: Uint8Array): Decoded<Ipv4Repr, Ipv4Problem> {
  const v = new Ipv4View().point(bytes, 0, bytes.length);
  const p = v.check();
  if (p !== undefined) return { ok: false, problem: p, at: 0 };
  const hl = v.headerLength, tl = v.totalLength;
  const end = tl >= hl && tl <= bytes.length ? tl : bytes.length;
  return { ok: true, value: {
    version: v.version, ihl: hl / 4, tos: v.tos, totalLength: tl, id: v.id,
    flagsFragment: u16(bytes, 6), ttl: v.ttl, protocol: v.protocol, checksum: v.checksum,
    src: v.src, dst: v.dst, options: bytes.subarray(IPV4_MIN_HEADER, hl), payload: bytes.subarray(hl, end),
  } };
}

/** Bytes `emitIpv4` writes. */
export function ipv4Length(r: Ipv4Repr): number {
  return IPV4_MIN_HEADER + r.options.length + r.payload.length;
}

/** Writes `r` into `out` from offset 0; lengths and checksum are written as given. */
export function emitIpv4(r: Ipv4Repr, out: Uint8Array): void {
  out[0] = ((r.version & 15) << 4) | (r.ihl & 15);
  out[1] = r.tos & 255;
  put16(out, 2, r.totalLength); put16(out, 4, r.id); put16(out, 6, r.flagsFragment);
  out[8] = r.ttl & 255; out[9] = r.protocol & 255; put16(out, 10, r.checksum);
  put32(out, 12, r.src); put32(out, 16, r.dst);
  out.set(r.options, IPV4_MIN_HEADER);
  out.set(r.payload, IPV4_MIN_HEADER + r.options.length);
}
