/** pcap and pcapng reading: the synchronous push parser (`CaptureParser`); reader.ts streams on top.
 *
 *  Behaviour follows tshark 4.0.17 (wiretap), checked against the corpus and crafted files:
 *  - pcap: magic a1b2c3d4 (µs) / a1b23c4d (ns), either byte order; major version < 2 refused; link-type
 *    field: low 16 bits are the link type, bits 0x03FF0000 reserved (non-zero: refused), 0x04000000 = FCS length
 *    present, top 4 bits = FCS length in 16-bit words; thiszone ignored; versions 2.0–2.2 store captured and
 *    original length swapped, 2.3 when captured > original (libpcap's rule, which tshark keeps);
 *    caplen > snaplen and caplen > origlen are read on (warnings); sub-second fields out of range are
 *    normalised (warning); a captured length above 262144 or a cut record stops reading.
 *  - pcapng: sections of either byte order (SHB version 1.0 or 1.2), IDB if_tsresol (first one wins, length must
 *    be 1) and if_tsoffset, EPB, SPB (captured length = min(original, IDB 0 snaplen); no timestamp: 0), obsolete
 *    PB, NRB/ISB/DSB/unknown blocks skipped. Custom blocks (0xBAD, 0x40000BAD) are frames in tshark 4.0: they take
 *    a frame number but are not returned, so `index` stays equal to tshark's frame.number.
 *    Fatal, as in tshark: short or unaligned blocks, trailer ≠ header length, options running past their block,
 *    unknown interface ids, data larger than its block, captured length above 262144.
 */

import {
  CaptureFileError, DEFAULT_LIMITS,
  type CaptureInfo, type CaptureProblem, type CaptureProblemCode, type CaptureRecord, type InterfaceInfo,
  type Limits, type SectionInfo,
} from "./types.js";
import { setPcapngTime, timeUnit, type TimeUnit } from "./time.js";
import { utf8Text } from "./utf8.js";

const EMPTY_U8: Uint8Array = new Uint8Array(0);
const EMPTY_DV: DataView = new DataView(new ArrayBuffer(0));
const NS = 1_000_000_000;

/** pcap magic numbers as read big-endian from the first 4 bytes. */
const PCAP_US_BE = 0xa1b2c3d4, PCAP_US_LE = 0xd4c3b2a1, PCAP_NS_BE = 0xa1b23c4d, PCAP_NS_LE = 0x4d3cb2a1;
/** pcapng block types. */
const SHB = 0x0a0d0d0a, IDB = 1, PB = 2, SPB = 3, EPB = 6, CB_COPY = 0x00000bad, CB_NOCOPY = 0x40000bad;
const BOM = 0x1a2b3c4d;
const PCAP_FILE_HEADER = 24, PCAP_RECORD_HEADER = 16;
/** tshark 4.0 minimum block sizes (header + fixed fields + trailer). */
const MIN_SHB = 28, MIN_IDB = 20, MIN_EPB = 32, MIN_SPB = 16, MIN_PB = 32, MIN_BLOCK = 12;
/** pcapng option codes we read. */
const OPT_ENDOFOPT = 0, OPT_COMMENT = 1, EPB_FLAGS = 2, IF_NAME = 2, IF_DESCRIPTION = 3, IF_TSRESOL = 9, IF_TSOFFSET = 14;
/** Link-type field bits (pcap; libpcap's LT_* layout). */
const LT_RESERVED = 0x03ff0000, LT_FCS_PRESENT = 0x04000000;

const S_HEADER = 0, S_PCAP = 1, S_PCAPNG = 2, S_DONE = 3;

/** One interface of the current pcapng section, with its precomputed time unit. */
interface Iface { info: InterfaceInfo; unit: TimeUnit; }

/** A batch of records: call `next(rec)` until it returns false, then wait for the next batch. */
export interface RecordBatch {
  /** Fills `rec` with the next complete record; false when the batch is exhausted (or reading stopped). */
  next(rec: CaptureRecord): boolean;
  /** As next(), without making `rec.bytes` (left empty): the record's bytes are `source` from
   *  `sourceOffset`, `rec.capturedLength` long, valid as long as `rec.bytes` would be. For consumers
   *  that take bytes by offset (`FrameDecoder.decodeAt`): a view per record is ~20 ns and garbage. */
  nextInPlace(rec: CaptureRecord): boolean;
  /** The array holding the bytes of the record last returned (the input chunk or a carry buffer). */
  readonly source: Uint8Array;
  /** Where that record's bytes start in `source`. */
  readonly sourceOffset: number;
}

/** Synchronous push parser for pcap and pcapng, auto-detected from the magic number.
 *  `push(chunk)`, then `next(rec)` until false; at end of input `end()`, then `next(rec)` until false.
 *  Holds at most one incomplete record/block (capped by `Limits`) between chunks. */
export class CaptureParser implements RecordBatch {
  readonly limits: Limits;
  /** File information; undefined until the file header has been read. */
  info: CaptureInfo | undefined;
  /** Warnings (the first `limits.maxProblems`) and the fatal problem, in file order. */
  readonly problems: CaptureProblem[] = [];
  /** Number of problems found, including warnings not kept. */
  problemCount = 0;
  /** The problem that stopped reading, if any. */
  fatal: CaptureProblem | undefined;
  /** 0-based pcapng section of the last record returned (0 for pcap). */
  section = 0;

  #state = S_HEADER;
  #index = 0;
  /** false inside nextInPlace(): records get no `bytes` view. */
  #view = true;
  #recSource: Uint8Array = EMPTY_U8;
  #recOffset = 0;
  #ended = false;
  // the current input chunk
  #chunk: Uint8Array = EMPTY_U8;
  #cdv: DataView = EMPTY_DV;
  #pos = 0;
  #end = 0;
  // bytes of the current unit (record or block) that began in earlier chunks
  #carry: Uint8Array = EMPTY_U8;
  #carryDv: DataView = EMPTY_DV;
  #carryLen = 0;
  // where the current unit is: in the chunk (at #pos) or in the carry buffer (at 0)
  #src: Uint8Array = EMPTY_U8;
  // #src's buffer and byte offset: records are made with the Uint8Array constructor, about twice as
  // fast as subarray() (which looks up the species constructor) and this is once per record.
  #srcBuf: ArrayBufferLike = EMPTY_U8.buffer;
  #srcOff = 0;
  #chunkBuf: ArrayBufferLike = EMPTY_U8.buffer;
  #chunkOff = 0;
  #sdv: DataView = EMPTY_DV;
  #at = 0;
  /** Absolute input offset of the current unit. */
  #abs = 0;
  #le = true;
  // pcap
  #linkType = 0;
  #snaplen = 0;
  #subMul = 1000;
  #swap = 0; // 0 never, 1 always (v2.0–2.2), 2 when captured > original (v2.3)
  // pcapng
  #ifaces: Iface[] = [];
  #sectionNo = -1;
  #optLen = 0;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** true once reading has finished (end of input or a fatal problem). */
  get done(): boolean { return this.#state === S_DONE; }

  /** true while the current chunk still holds bytes that next() has not looked at. */
  get pending(): boolean { return this.#pos < this.#end; }

  /** Frames numbered so far. */
  get frameCount(): number { return this.#index; }

  /** Adds the next chunk. The previous one must have been drained (next() returned false). */
  push(chunk: Uint8Array): void {
    if (this.#pos < this.#end) throw new Error("CaptureParser.push: the previous chunk was not drained");
    if (this.#ended) throw new Error("CaptureParser.push: after end()");
    // A plain Uint8Array view: subarray() on a node Buffer goes through Buffer's species constructor,
    // several times slower per record, and Buffer#slice() would not copy.
    this.#chunk = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#cdv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#chunkBuf = chunk.buffer; this.#chunkOff = chunk.byteOffset;
    this.#pos = 0;
    this.#end = chunk.byteLength;
  }

  /** Marks the end of input; the following next() calls drain what is left and report a cut record. */
  end(): void { this.#ended = true; }

  next(rec: CaptureRecord): boolean {
    this.#view = true;
    return this.#next(rec);
  }

  nextInPlace(rec: CaptureRecord): boolean {
    this.#view = false;
    return this.#next(rec);
  }

  get source(): Uint8Array { return this.#recSource; }
  get sourceOffset(): number { return this.#recOffset; }

  /** Sets the record's bytes: where they lie, and a view of them unless in nextInPlace(). */
  #bytes(rec: CaptureRecord, at: number, length: number): void {
    this.#recSource = this.#src; this.#recOffset = at;
    rec.bytes = this.#view ? new Uint8Array(this.#srcBuf, this.#srcOff + at, length) : EMPTY_U8;
  }

  #next(rec: CaptureRecord): boolean {
    try {
      if (this.#state === S_PCAP) return this.#nextPcap(rec);
      if (this.#state === S_PCAPNG) return this.#nextPcapng(rec);
      if (this.#state === S_HEADER && this.#readHeader()) return this.#next(rec);
      return false;
    } catch (err) {
      if (err instanceof CaptureFileError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      return this.#fail("internal_error", this.#index + 1, 0, `internal error: ${msg}`);
    }
  }

  // ---- buffering -------------------------------------------------------------------------------

  /** Makes the next n bytes of the current unit contiguous; false when the input has fewer so far. */
  #ensure(n: number): boolean {
    if (this.#carryLen === 0 && this.#end - this.#pos >= n) {
      this.#src = this.#chunk; this.#sdv = this.#cdv; this.#at = this.#pos;
      this.#srcBuf = this.#chunkBuf; this.#srcOff = this.#chunkOff;
      return true;
    }
    if (this.#carry.length < n) {
      const grown = new Uint8Array(Math.max(n, Math.min(this.#carry.length * 2, this.limits.maxBlockBytes + 64), 256));
      grown.set(this.#carry.subarray(0, this.#carryLen));
      this.#carry = grown;
      this.#carryDv = new DataView(grown.buffer);
    }
    const take = Math.min(n - this.#carryLen, this.#end - this.#pos);
    if (take > 0) {
      this.#carry.set(this.#chunk.subarray(this.#pos, this.#pos + take), this.#carryLen);
      this.#carryLen += take;
      this.#pos += take;
    }
    if (this.#carryLen < n) return false;
    this.#src = this.#carry; this.#sdv = this.#carryDv; this.#at = 0;
    this.#srcBuf = this.#carry.buffer; this.#srcOff = 0;
    return true;
  }

  /** Drops the current unit (n bytes, all ensured). */
  #consume(n: number): void {
    if (this.#carryLen > 0) this.#carryLen = 0;
    else this.#pos += n;
    this.#abs += n;
  }

  /** Bytes of the current incomplete unit seen so far (after a failed #ensure). */
  get #partial(): number { return this.#carryLen; }

  // ---- problems --------------------------------------------------------------------------------

  #warn(code: CaptureProblemCode, record: number, value: number, what: string): void {
    this.problemCount++;
    if (this.problems.length < this.limits.maxProblems) {
      this.problems.push({ code, record, at: this.#abs, fatal: false, value,
        message: `record ${record} at byte ${this.#abs}: ${what}` });
    }
  }

  #fail(code: CaptureProblemCode, record: number, value: number, what: string): false {
    this.problemCount++;
    const p: CaptureProblem = { code, record, at: this.#abs, fatal: true, value,
      message: `record ${record} at byte ${this.#abs}: ${what}` };
    this.problems.push(p);
    this.fatal = p;
    this.#state = S_DONE;
    return false;
  }

  /** A failed #ensure: wait for more input, or finish (cleanly, or on a cut unit). */
  #short(code: "pcap.truncated_record" | "pcapng.truncated_block", want: number): false {
    if (!this.#ended) return false;
    if (this.#partial === 0) { this.#state = S_DONE; return false; }
    const what = code === "pcap.truncated_record" ? "record" : "block";
    return this.#fail(code, this.#index + 1, this.#partial,
      `file ends ${this.#partial} bytes into a ${want > 0 ? `${want}-byte ` : ""}${what}`);
  }

  // ---- file header -----------------------------------------------------------------------------

  /** Reads the pcap header or the first SHB; throws CaptureFileError when the file is refused. */
  #readHeader(): boolean {
    if (!this.#ensure(4)) return this.#headerShort(4);
    const magic = this.#sdv.getUint32(this.#at, false);
    if (magic === PCAP_US_BE || magic === PCAP_US_LE || magic === PCAP_NS_BE || magic === PCAP_NS_LE) {
      if (!this.#ensure(PCAP_FILE_HEADER)) return this.#headerShort(PCAP_FILE_HEADER);
      this.#readPcapHeader(magic);
      return true;
    }
    if (magic === SHB) {
      if (!this.#ensure(12)) return this.#headerShort(12);
      const bom = this.#sdv.getUint32(this.#at + 8, true);
      if (bom !== BOM && bom !== 0x4d3c2b1a) {
        throw new CaptureFileError("E_PCAPNG_BYTE_ORDER",
          `pcapng: unknown byte-order magic 0x${hex8(this.#sdv.getUint32(this.#at + 8, false))} in the first section header`);
      }
      const le = bom === BOM;
      const len = this.#sdv.getUint32(this.#at + 4, le);
      if (len < MIN_SHB || len % 4 !== 0 || len > this.limits.maxBlockBytes) {
        throw new CaptureFileError("E_PCAPNG_SHB", `pcapng: first section header has a bad total length ${len}`);
      }
      if (!this.#ensure(len)) return this.#headerShort(len);
      const bad = this.#sectionHeader(le, len);
      if (bad !== undefined) throw new CaptureFileError(bad[0] === "pcapng.unknown_version" ? "E_PCAPNG_VERSION" : "E_PCAPNG_SHB",
        `pcapng: ${bad[1]}`);
      this.#consume(len);
      this.#state = S_PCAPNG;
      return true;
    }
    throw new CaptureFileError("E_PCAP_MAGIC",
      `not a pcap or pcapng file (magic number 0x${hex8(magic)})`);
  }

  #headerShort(want: number): false {
    if (!this.#ended) return false;
    if (this.#partial === 0) {
      // tshark 4.0 reads a zero-byte file as an empty capture and exits 0.
      this.info = { format: "empty", littleEndian: true, sections: [], interfaces: [] };
      this.#state = S_DONE;
      return false;
    }
    throw new CaptureFileError("E_CAPTURE_TRUNCATED",
      `file ends after ${this.#partial} bytes, inside its ${want}-byte header`);
  }

  #readPcapHeader(magic: number): void {
    const le = magic === PCAP_US_LE || magic === PCAP_NS_LE;
    const nanos = magic === PCAP_NS_BE || magic === PCAP_NS_LE;
    const dv = this.#sdv, at = this.#at;
    const versionMajor = dv.getUint16(at + 4, le), versionMinor = dv.getUint16(at + 6, le);
    const thiszone = dv.getInt32(at + 8, le);
    const snaplen = dv.getUint32(at + 16, le);
    const field = dv.getUint32(at + 20, le);
    if (versionMajor < 2) {
      throw new CaptureFileError("E_PCAP_VERSION", `pcap: major version ${versionMajor} unsupported`);
    }
    if ((field & LT_RESERVED) !== 0) {
      throw new CaptureFileError("E_PCAP_LINKTYPE_RESERVED",
        `pcap: link-type field 0x${hex8(field)} has reserved bits set (0x${hex8((field & LT_RESERVED) >>> 0)})`);
    }
    const linkType = field & 0xffff;
    const fcsBytes = (field & LT_FCS_PRESENT) !== 0 ? (field >>> 28) * 2 : undefined;
    const iface: InterfaceInfo = { linkType, snaplen, tsresol: nanos ? 9 : 6, tsOffset: 0 };
    this.info = {
      format: "pcap", littleEndian: le, sections: [], interfaces: [iface],
      pcap: { versionMajor, versionMinor, nanos, snaplen, linkTypeField: field, linkType, fcsBytes, thiszone },
    };
    this.#le = le;
    this.#linkType = linkType;
    this.#snaplen = snaplen;
    this.#subMul = nanos ? 1 : 1000;
    this.#swap = versionMajor === 2 && versionMinor < 3 ? 1 : versionMajor === 2 && versionMinor === 3 ? 2 : 0;
    this.#consume(PCAP_FILE_HEADER);
    this.#state = S_PCAP;
  }

  // ---- pcap records ----------------------------------------------------------------------------

  #nextPcap(rec: CaptureRecord): boolean {
    const le = this.#le;
    let dv: DataView, at: number, cl: number, ol: number;
    const pos = this.#pos;
    if (this.#carryLen === 0 && this.#swap === 0 && this.#end - pos >= PCAP_RECORD_HEADER
        && (cl = this.#cdv.getUint32(pos + 8, le)) <= this.#end - pos - PCAP_RECORD_HEADER
        && cl <= this.limits.maxRecordBytes) {
      // Fast path: the whole record is in the current chunk.
      dv = this.#cdv; at = pos; this.#src = this.#chunk;
      this.#srcBuf = this.#chunkBuf; this.#srcOff = this.#chunkOff;
      ol = dv.getUint32(pos + 12, le);
    } else {
      if (!this.#ensure(PCAP_RECORD_HEADER)) return this.#short("pcap.truncated_record", 0);
      cl = this.#sdv.getUint32(this.#at + 8, le);
      ol = this.#sdv.getUint32(this.#at + 12, le);
      if (this.#swap !== 0 && (this.#swap === 1 || cl > ol)) { const t = cl; cl = ol; ol = t; }
      if (cl > this.limits.maxRecordBytes) {
        return this.#fail("pcap.record_too_large", this.#index + 1, cl,
          `captured length ${cl} exceeds the maximum of ${this.limits.maxRecordBytes}`);
      }
      if (!this.#ensure(PCAP_RECORD_HEADER + cl)) return this.#short("pcap.truncated_record", PCAP_RECORD_HEADER + cl);
      dv = this.#sdv; at = this.#at;
    }
    const total = PCAP_RECORD_HEADER + cl;
    const index = ++this.#index;
    rec.index = index;
    rec.interface = 0;
    rec.linkType = this.#linkType;
    const sec = dv.getUint32(at, le);
    const sub = dv.getUint32(at + 4, le);
    let ns = sub * this.#subMul;
    if (ns >= NS) {
      const carry = Math.floor(ns / NS);
      this.#warn("pcap.bad_subsec", index, sub, `${this.#subMul === 1 ? "nanosecond" : "microsecond"} field ${sub} out of range`);
      rec.tsSec = sec + carry;
      ns -= carry * NS;
      rec.rawTime = { sec, nsec: Math.imul(sub, this.#subMul) };
    } else {
      rec.tsSec = sec;
      rec.rawTime = undefined;
    }
    rec.tsNsec = ns;
    rec.capturedLength = cl;
    rec.originalLength = ol;
    this.#bytes(rec, at + PCAP_RECORD_HEADER, cl);
    if (cl > this.#snaplen && this.#snaplen !== 0) {
      this.#warn("pcap.caplen_exceeds_snaplen", index, cl, `captured length ${cl} exceeds snaplen ${this.#snaplen}`);
    }
    if (cl > ol) this.#warn("pcap.caplen_exceeds_origlen", index, cl, `captured length ${cl} exceeds original length ${ol}`);
    this.#consume(total);
    return true;
  }

  // ---- pcapng blocks ---------------------------------------------------------------------------

  #nextPcapng(rec: CaptureRecord): boolean {
    for (;;) {
      if (!this.#ensure(8)) return this.#short("pcapng.truncated_block", 0);
      let le = this.#le;
      const type = this.#sdv.getUint32(this.#at, le);
      if (type === SHB) {
        if (!this.#ensure(12)) return this.#short("pcapng.truncated_block", 0);
        const bom = this.#sdv.getUint32(this.#at + 8, true);
        if (bom === BOM) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          return this.#fail("pcapng.bad_byte_order", this.#index + 1, bom,
            `section header with unknown byte-order magic 0x${hex8(this.#sdv.getUint32(this.#at + 8, false))}`);
        }
      }
      const len = this.#sdv.getUint32(this.#at + 4, le);
      const min = type === EPB ? MIN_EPB : type === SHB ? MIN_SHB : type === IDB ? MIN_IDB
        : type === SPB ? MIN_SPB : type === PB ? MIN_PB : MIN_BLOCK;
      if (len < min) {
        return this.#fail("pcapng.block_too_short", this.#index + 1, len,
          `block of type 0x${hex8(type)} has total length ${len}, less than the minimum ${min}`);
      }
      if (len % 4 !== 0) {
        return this.#fail("pcapng.block_length_unaligned", this.#index + 1, len,
          `block of type 0x${hex8(type)} has total length ${len}, not a multiple of 4`);
      }
      if (len > this.limits.maxBlockBytes) {
        return this.#fail("pcapng.block_too_large", this.#index + 1, len,
          `block of type 0x${hex8(type)} has total length ${len}, above the maximum of ${this.limits.maxBlockBytes}`);
      }
      if (!this.#ensure(len)) return this.#short("pcapng.truncated_block", len);
      const trailer = this.#sdv.getUint32(this.#at + len - 4, le);
      if (trailer !== len) {
        return this.#fail("pcapng.trailer_mismatch", this.#index + 1, trailer,
          `block total lengths differ (first ${len}, second ${trailer})`);
      }
      if (type === EPB) return this.#packet(rec, len, 28, this.#sdv.getUint32(this.#at + 8, le));
      if (type === SPB) return this.#simplePacket(rec, len);
      if (type === PB) return this.#packet(rec, len, 28, this.#sdv.getUint16(this.#at + 8, le));
      if (type === IDB) {
        if (!this.#interface(len)) return false;
      } else if (type === SHB) {
        const bad = this.#sectionHeader(le, len);
        if (bad !== undefined) return this.#fail(bad[0], this.#index + 1, bad[2], bad[1]);
      } else if (type === CB_COPY || type === CB_NOCOPY) {
        this.#index++; // tshark 4.0 shows a custom block as a frame of its own
      }
      this.#consume(len);
    }
  }

  /** EPB and PB: interface id, 64-bit time, captured and original length at +12..+27, data at +28. */
  #packet(rec: CaptureRecord, len: number, dataAt: number, ifid: number): boolean {
    const dv = this.#sdv, at = this.#at, le = this.#le;
    const iface = this.#ifaces[ifid];
    if (iface === undefined) {
      return this.#fail("pcapng.unknown_interface", this.#index + 1, ifid,
        `interface id ${ifid} is not less than the section's interface count ${this.#ifaces.length}`);
    }
    const cl = dv.getUint32(at + 20, le);
    const ol = dv.getUint32(at + 24, le);
    if (cl > this.limits.maxRecordBytes) {
      return this.#fail("pcapng.record_too_large", this.#index + 1, cl,
        `captured length ${cl} exceeds the maximum of ${this.limits.maxRecordBytes}`);
    }
    if (dataAt + cl > len - 4) {
      return this.#fail("pcapng.caplen_exceeds_block", this.#index + 1, cl,
        `block total length ${len} is too small for ${cl} bytes of packet data`);
    }
    const optAt = dataAt + ((cl + 3) & ~3);
    if (optAt < len - 4 && !this.#optionsOk(at + optAt, at + len - 4, le)) {
      return this.#fail("pcapng.bad_option", this.#index + 1, this.#optLen,
        `option of length ${this.#optLen} runs past the end of its block`);
    }
    const index = ++this.#index;
    rec.index = index;
    rec.interface = ifid;
    rec.section = this.#sectionNo + 1;
    rec.linkType = iface.info.linkType;
    setPcapngTime(iface.unit, dv.getUint32(at + 12, le), dv.getUint32(at + 16, le), rec);
    rec.capturedLength = cl;
    rec.originalLength = ol;
    this.#bytes(rec, at + dataAt, cl);
    rec.comments = undefined;
    rec.packetFlags = undefined;
    if (optAt < len - 4) this.#packetOptions(rec, at + optAt, at + len - 4, le);
    this.section = this.#sectionNo;
    const snap = iface.info.snaplen;
    if (cl > snap && snap !== 0) {
      this.#warn("pcapng.caplen_exceeds_snaplen", index, cl, `captured length ${cl} exceeds snaplen ${snap}`);
    }
    if (cl > ol) this.#warn("pcapng.caplen_exceeds_origlen", index, cl, `captured length ${cl} exceeds original length ${ol}`);
    this.#consume(len);
    return true;
  }

  /** SPB: original length at +8, data at +12; captured length = min(original, snaplen of interface 0). */
  #simplePacket(rec: CaptureRecord, len: number): boolean {
    const iface = this.#ifaces[0];
    if (iface === undefined) {
      return this.#fail("pcapng.no_interface", this.#index + 1, 0, "simple packet block before any interface description");
    }
    const ol = this.#sdv.getUint32(this.#at + 8, this.#le);
    const snap = iface.info.snaplen;
    const cl = snap !== 0 && snap < ol ? snap : ol;
    if (cl > this.limits.maxRecordBytes) {
      return this.#fail("pcapng.record_too_large", this.#index + 1, cl,
        `captured length ${cl} exceeds the maximum of ${this.limits.maxRecordBytes}`);
    }
    if (12 + cl > len - 4) {
      return this.#fail("pcapng.caplen_exceeds_block", this.#index + 1, cl,
        `block total length ${len} is too small for ${cl} bytes of packet data`);
    }
    rec.index = ++this.#index;
    rec.interface = 0;
    rec.section = this.#sectionNo + 1;
    rec.linkType = iface.info.linkType;
    rec.tsSec = 0; // an SPB has no timestamp; tshark 4.0 shows none
    rec.tsNsec = 0;
    rec.capturedLength = cl;
    rec.originalLength = ol;
    this.#bytes(rec, this.#at + 12, cl);
    rec.comments = undefined;
    rec.packetFlags = undefined;
    this.section = this.#sectionNo;
    this.#consume(len);
    return true;
  }

  /** IDB: link type, snaplen, if_tsresol, if_tsoffset. False after a fatal problem. */
  #interface(len: number): boolean {
    const dv = this.#sdv, at = this.#at, le = this.#le;
    if (this.#ifaces.length >= this.limits.maxInterfaces) {
      return this.#fail("pcapng.too_many_interfaces", this.#index + 1, this.#ifaces.length,
        `more than ${this.limits.maxInterfaces} interfaces in one section`);
    }
    if (!this.#optionsOk(at + 16, at + len - 4, le)) {
      return this.#fail("pcapng.bad_option", this.#index + 1, this.#optLen,
        `interface description option of length ${this.#optLen} runs past the end of its block`);
    }
    let tsresol = -1;
    let tsOffset: number | undefined, name: string | undefined, description: string | undefined;
    for (let p = at + 16, end = at + len - 4; end - p >= 4;) {
      const code = dv.getUint16(p, le), olen = dv.getUint16(p + 2, le);
      if (code === OPT_ENDOFOPT) break;
      // tshark 4.0: the first if_tsresol / if_tsoffset counts; one with the wrong length is ignored.
      if (code === IF_TSRESOL && olen === 1 && tsresol < 0) tsresol = dv.getUint8(p + 4);
      if (code === IF_TSOFFSET && olen === 8 && tsOffset === undefined) tsOffset = Number(dv.getBigInt64(p + 4, le));
      if (code === IF_NAME && name === undefined) name = this.#utf8(p + 4, olen);
      if (code === IF_DESCRIPTION && description === undefined) description = this.#utf8(p + 4, olen);
      p += 4 + ((olen + 3) & ~3);
    }
    if (tsresol < 0) tsresol = 6;
    const info: InterfaceInfo = { linkType: dv.getUint16(at + 8, le), snaplen: dv.getUint32(at + 12, le),
      tsresol, tsOffset: tsOffset ?? 0 };
    if (name !== undefined) info.name = name;
    if (description !== undefined) info.description = description;
    this.#ifaces.push({ info, unit: timeUnit(tsresol, info.tsOffset) });
    this.info!.interfaces.push(info);
    return true;
  }

  /** Validates and starts a section; returns [code, message, value] when the SHB is unacceptable. */
  #sectionHeader(le: boolean, len: number): [CaptureProblemCode, string, number] | undefined {
    const dv = this.#sdv, at = this.#at;
    const versionMajor = dv.getUint16(at + 12, le), versionMinor = dv.getUint16(at + 14, le);
    // tshark 4.0 reads versions 1.0 and 1.2 and refuses every other one.
    if (versionMajor !== 1 || (versionMinor !== 0 && versionMinor !== 2)) {
      return ["pcapng.unknown_version", `unknown section header version ${versionMajor}.${versionMinor}`,
        versionMajor * 65536 + versionMinor];
    }
    if (!this.#optionsOk(at + 24, at + len - 4, le)) {
      return ["pcapng.bad_option", `section header option of length ${this.#optLen} runs past the end of its block`,
        this.#optLen];
    }
    const trailer = dv.getUint32(at + len - 4, le);
    if (trailer !== len) {
      return ["pcapng.trailer_mismatch", `block total lengths differ (first ${len}, second ${trailer})`, trailer];
    }
    this.#le = le;
    this.#sectionNo++;
    this.#ifaces = [];
    const section: SectionInfo = { littleEndian: le, versionMajor, versionMinor, interfaces: [] };
    if (this.info === undefined) {
      this.info = { format: "pcapng", littleEndian: le, sections: [section], interfaces: section.interfaces };
    } else {
      if (this.info.sections.length < this.limits.maxSections) this.info.sections.push(section);
      this.info.interfaces = section.interfaces;
    }
    return undefined;
  }

  /** An option's text at `p` of `olen` bytes, up to a NUL inside it (as tshark shows it). */
  #utf8(p: number, olen: number): string {
    let e = p;
    while (e < p + olen && this.#src[e] !== 0) e++;
    return utf8Text(this.#src, p, e);
  }

  /** The opt_comment values and the epb_flags word among the options from p to end (already
   *  checked) into `rec` (of several epb_flags, the last). */
  #packetOptions(rec: CaptureRecord, p: number, end: number, le: boolean): void {
    const dv = this.#sdv;
    while (end - p >= 4) {
      const code = dv.getUint16(p, le), olen = dv.getUint16(p + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (code === OPT_COMMENT) {
        // The text ends at its length or at a NUL inside it, as tshark 4.0 shows it.
        (rec.comments ??= []).push(this.#utf8(p + 4, olen));
      } else if (code === EPB_FLAGS && olen === 4) {
        rec.packetFlags = dv.getUint32(p + 4, le);
      }
      p += 4 + ((olen + 3) & ~3);
    }
  }

  /** Checks that every option from p to end fits; sets #optLen to the offending length when not. */
  #optionsOk(p: number, end: number, le: boolean): boolean {
    const dv = this.#sdv;
    while (end - p >= 4) {
      const code = dv.getUint16(p, le), olen = dv.getUint16(p + 2, le);
      if (code === OPT_ENDOFOPT) return true;
      if (olen > end - p - 4) { this.#optLen = olen; return false; }
      p += 4 + ((olen + 3) & ~3);
    }
    return true;
  }
}

function hex8(n: number): string { return (n >>> 0).toString(16).padStart(8, "0"); }
