/** pcap and pcapng writers: records in, Uint8Array chunks out (no I/O here; see node.ts for files). */

import { timeHalves } from "./time.js";


/** What a writer needs of a record; a CaptureRecord fits. The captured length is `bytes.length`. */
export interface WritableRecord {
  tsSec: number;
  tsNsec: number;
  originalLength: number;
  bytes: Uint8Array;
  /** pcapng: the writer's interface id (default 0); ignored by the pcap writer. */
  interface?: number;
}

/** A growable output buffer handed out in chunks. */
class OutBuffer {
  #buf: Uint8Array = new Uint8Array(65_536);
  #dv: DataView = new DataView(this.#buf.buffer);
  #len = 0;

  /** Makes room for n more bytes; returns the offset to write them at (through `dv` / `u8`). */
  reserve(n: number): number {
    if (this.#len + n > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < this.#len + n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
      this.#dv = new DataView(grown.buffer);
    }
    const at = this.#len;
    this.#len += n;
    return at;
  }
  get dv(): DataView { return this.#dv; }
  get u8(): Uint8Array { return this.#buf; }
  get length(): number { return this.#len; }
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    return out;
  }
}

function checkUint32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${what} ${v} is not a uint32`);
}

/** pcap writer options. */
export interface PcapWriterOptions {
  /** LINKTYPE_* value, or the whole 32-bit link-type field (FCS bits included). */
  linkType: number;
  /** Nanosecond timestamps (magic a1b23c4d); default false: microseconds, sub-µs truncated. */
  nanos?: boolean;
  /** Byte order; default true (little-endian). */
  littleEndian?: boolean;
  /** Snapshot length written in the header; default 262144. */
  snaplen?: number;
  /** Version written in the header; default 2.4. */
  versionMajor?: number;
  versionMinor?: number;
}

/** Writes a pcap file: `header()` once, `add(rec)` per record, `take()` for the bytes so far. */
export class PcapWriter {
  readonly #out = new OutBuffer();
  readonly #le: boolean;
  readonly #nanos: boolean;
  readonly #opts: PcapWriterOptions;

  constructor(opts: PcapWriterOptions) {
    checkUint32(opts.linkType, "link type");
    this.#opts = opts;
    this.#le = opts.littleEndian ?? true;
    this.#nanos = opts.nanos ?? false;
  }

  /** The 24-byte file header (also appended to the buffer). */
  header(): void {
    const at = this.#out.reserve(24);
    const dv = this.#out.dv, le = this.#le;
    dv.setUint32(at, this.#nanos ? 0xa1b23c4d : 0xa1b2c3d4, le);
    dv.setUint16(at + 4, this.#opts.versionMajor ?? 2, le);
    dv.setUint16(at + 6, this.#opts.versionMinor ?? 4, le);
    dv.setInt32(at + 8, 0, le);
    dv.setUint32(at + 12, 0, le);
    dv.setUint32(at + 16, this.#opts.snaplen ?? 262_144, le);
    dv.setUint32(at + 20, this.#opts.linkType, le);
  }

  /** Appends one record, copying its bytes. Throws RangeError for a time pcap cannot hold. */
  add(rec: WritableRecord): void {
    const cl = rec.bytes.length;
    checkUint32(rec.tsSec, "seconds");
    checkUint32(rec.originalLength, "original length");
    if (!Number.isInteger(rec.tsNsec) || rec.tsNsec < 0 || rec.tsNsec >= 1e9) throw new RangeError(`nanoseconds ${rec.tsNsec} out of range`);
    const at = this.#out.reserve(16 + cl);
    const dv = this.#out.dv, le = this.#le;
    dv.setUint32(at, rec.tsSec, le);
    dv.setUint32(at + 4, this.#nanos ? rec.tsNsec : Math.floor(rec.tsNsec / 1000), le);
    dv.setUint32(at + 8, cl, le);
    dv.setUint32(at + 12, rec.originalLength, le);
    this.#out.u8.set(rec.bytes, at + 16);
  }

  /** Bytes buffered since the last take(). */
  get buffered(): number { return this.#out.length; }

  /** The bytes written since the last take(), as a new Uint8Array. */
  take(): Uint8Array { return this.#out.take(); }
}

/** One pcapng interface to declare. */
export interface PcapngInterfaceOptions {
  linkType: number;
  /** Default 0 (no limit). */
  snaplen?: number;
  /** if_tsresol: 6 (µs, the pcapng default: no option written) or 9 (ns). Default 9. */
  tsresol?: 6 | 9;
}

/** pcapng writer options. */
export interface PcapngWriterOptions {
  /** Byte order of the section; default true (little-endian). */
  littleEndian?: boolean;
  /** Interfaces declared right after the SHB; more can be added with addInterface(). */
  interfaces?: PcapngInterfaceOptions[];
}

/** Writes a pcapng file: one SHB, IDBs (if_tsresol), EPBs. `header()` once, `add(rec)`, `take()`. */
export class PcapngWriter {
  readonly #out = new OutBuffer();
  readonly #le: boolean;
  readonly #resol: number[] = [];
  readonly #initial: PcapngInterfaceOptions[];

  constructor(opts: PcapngWriterOptions = {}) {
    this.#le = opts.littleEndian ?? true;
    this.#initial = opts.interfaces ?? [];
  }

  /** Appends the SHB (version 1.0, unknown section length) and the initial IDBs. */
  header(): void {
    const at = this.#out.reserve(28);
    const dv = this.#out.dv, le = this.#le;
    dv.setUint32(at, 0x0a0d0d0a, le);
    dv.setUint32(at + 4, 28, le);
    dv.setUint32(at + 8, 0x1a2b3c4d, le);
    dv.setUint16(at + 12, 1, le);
    dv.setUint16(at + 14, 0, le);
    dv.setInt32(at + 16, -1, le);
    dv.setInt32(at + 20, -1, le);
    dv.setUint32(at + 24, 28, le);
    for (const i of this.#initial) this.addInterface(i);
  }

  /** Appends an IDB; returns its interface id. */
  addInterface(iface: PcapngInterfaceOptions): number {
    const resol = iface.tsresol ?? 9;
    if (!Number.isInteger(iface.linkType) || iface.linkType < 0 || iface.linkType > 0xffff) {
      throw new RangeError(`link type ${iface.linkType} does not fit an IDB`);
    }
    const optLen = resol === 6 ? 0 : 12; // if_tsresol (4 + 1, padded to 8) + opt_endofopt (4)
    const len = 20 + optLen;
    const at = this.#out.reserve(len);
    const dv = this.#out.dv, le = this.#le;
    dv.setUint32(at, 1, le);
    dv.setUint32(at + 4, len, le);
    dv.setUint16(at + 8, iface.linkType, le);
    dv.setUint16(at + 10, 0, le);
    dv.setUint32(at + 12, iface.snaplen ?? 0, le);
    if (optLen > 0) {
      dv.setUint16(at + 16, 9, le);
      dv.setUint16(at + 18, 1, le);
      dv.setUint32(at + 20, 0, le);
      dv.setUint8(at + 20, resol);
      dv.setUint32(at + 24, 0, le); // opt_endofopt
    }
    dv.setUint32(at + len - 4, len, le);
    this.#resol.push(resol);
    return this.#resol.length - 1;
  }

  /** Appends one EPB for the record on interface `rec.interface` (default 0), copying its bytes. */
  add(rec: WritableRecord, interfaceId: number = rec.interface ?? 0): void {
    const resol = this.#resol[interfaceId];
    if (resol === undefined) throw new RangeError(`interface ${interfaceId} was not declared`);
    checkUint32(rec.originalLength, "original length");
    const cl = rec.bytes.length;
    const padded = (cl + 3) & ~3;
    const len = 32 + padded;
    const [hi, lo] = timeHalves(rec.tsSec, rec.tsNsec, resol === 9);
    const at = this.#out.reserve(len);
    const dv = this.#out.dv, le = this.#le;
    dv.setUint32(at, 6, le);
    dv.setUint32(at + 4, len, le);
    dv.setUint32(at + 8, interfaceId, le);
    dv.setUint32(at + 12, hi, le);
    dv.setUint32(at + 16, lo, le);
    dv.setUint32(at + 20, cl, le);
    dv.setUint32(at + 24, rec.originalLength, le);
    const u8 = this.#out.u8;
    u8.set(rec.bytes, at + 28);
    u8.fill(0, at + 28 + cl, at + 28 + padded);
    dv.setUint32(at + len - 4, len, le);
  }

  /** Bytes buffered since the last take(). */
  get buffered(): number { return this.#out.length; }

  /** The bytes written since the last take(), as a new Uint8Array. */
  take(): Uint8Array { return this.#out.take(); }
}

/** Size at which the chunk generators hand a chunk out. */
const FLUSH_BYTES = 1 << 20;

/** Streams a pcap file: the header, then chunks of about 1 MiB. Records are copied as they arrive. */
export async function* pcapChunks(recs: AsyncIterable<WritableRecord> | Iterable<WritableRecord>,
    opts: PcapWriterOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const w = new PcapWriter(opts);
  w.header();
  for await (const r of recs) {
    w.add(r);
    if (w.buffered >= FLUSH_BYTES) yield w.take();
  }
  if (w.buffered > 0) yield w.take();
}

/** Streams a pcapng file (one section, the given interfaces, EPBs) in chunks of about 1 MiB. */
export async function* pcapngChunks(recs: AsyncIterable<WritableRecord> | Iterable<WritableRecord>,
    opts: PcapngWriterOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const w = new PcapngWriter(opts);
  w.header();
  for await (const r of recs) {
    w.add(r);
    if (w.buffered >= FLUSH_BYTES) yield w.take();
  }
  if (w.buffered > 0) yield w.take();
}
