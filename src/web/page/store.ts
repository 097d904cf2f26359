/** The worker's packet store: captured bytes in large blocks plus one typed-array column per
 *  field the packet list needs, so a million packets cost ~60 bytes each beyond their bytes and
 *  nothing is allocated per packet (STYLE §5). Rows are formatted only when they are shown; the
 *  records can be replayed (`record`) through the capture session for a frame's details. */
import type { CaptureRecord } from "../../capture/index.js";

const BLOCK_BYTES = 16 * 1024 * 1024;

/** A growable typed-array column. */
class Column<A extends Float64Array | Uint32Array | Int32Array | Uint16Array> {
  data: A;
  constructor(private readonly make: (n: number) => A) { this.data = make(1024); }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const grown = this.make(size);
    grown.set(this.data as never);
    this.data = grown;
  }
}

/** tcp-related bits kept beside the 12 TCP flag bits. */
export const HAS_TCP = 1 << 12;
export const ACK_PRESENT = 1 << 13;
export const WIN_PRESENT = 1 << 14;
export const SEQ_PRESENT = 1 << 15;

export class PacketStore {
  count = 0;
  readonly #blocks: Uint8Array[] = [];
  #blockUsed = BLOCK_BYTES;
  readonly number = new Column((n) => new Uint32Array(n));
  readonly tsSec = new Column((n) => new Float64Array(n));
  readonly tsNsec = new Column((n) => new Uint32Array(n));
  readonly origLen = new Column((n) => new Uint32Array(n));
  readonly linkType = new Column((n) => new Uint32Array(n));
  readonly block = new Column((n) => new Uint32Array(n));
  readonly offset = new Column((n) => new Uint32Array(n));
  readonly capLen = new Column((n) => new Uint32Array(n));
  /** pcapng section (from 1, 0 for pcap) and interface id of each record. */
  readonly section = new Column((n) => new Uint16Array(n));
  readonly iface = new Column((n) => new Uint32Array(n));
  /** pcapng packet comments, by index (few frames have any). */
  readonly comments = new Map<number, string[]>();
  /** pcapng epb_flags words, by index (only records that carry one). */
  readonly packetFlags = new Map<number, number>();
  /** tcp.stream as tshark shows it (the first analysed TCP header's, quoted ones included), −1 without one. */
  readonly stream = new Column((n) => new Int32Array(n));
  /** TCP flags (12 bits) | HAS_TCP | ACK_PRESENT | WIN_PRESENT | SEQ_PRESENT. */
  readonly tflags = new Column((n) => new Uint16Array(n));
  readonly seq = new Column((n) => new Float64Array(n));
  readonly ack = new Column((n) => new Float64Array(n));
  readonly win = new Column((n) => new Float64Array(n));
  readonly seglen = new Column((n) => new Int32Array(n));
  /** Analysis flag bits (A_* of src/analysis), 0 when none. */
  readonly aflags = new Column((n) => new Uint32Array(n));
  readonly dupAckFrame = new Column((n) => new Uint32Array(n));
  readonly dupAckNum = new Column((n) => new Uint32Array(n));

  /** Appends a record (bytes copied) and its fixed columns; returns its index. */
  addRecord(rec: CaptureRecord): number {
    const i = this.add(rec.index, rec.linkType, rec.tsSec, rec.tsNsec, rec.originalLength, rec.bytes);
    this.section.data[i] = rec.section ?? 0; this.iface.data[i] = rec.interface;
    if (rec.comments !== undefined) this.comments.set(i, rec.comments.slice());
    if (rec.packetFlags !== undefined) this.packetFlags.set(i, rec.packetFlags);
    return i;
  }

  /** Points `rec` at record i again (bytes: a view into the store), for a replay in capture order. */
  record(i: number, rec: CaptureRecord): CaptureRecord {
    rec.index = this.number.data[i]!; rec.linkType = this.linkType.data[i]!;
    rec.tsSec = this.tsSec.data[i]!; rec.tsNsec = this.tsNsec.data[i]!;
    rec.originalLength = this.origLen.data[i]!; rec.capturedLength = this.capLen.data[i]!;
    rec.section = this.section.data[i]!; rec.interface = this.iface.data[i]!;
    rec.bytes = this.bytes(i); rec.comments = this.comments.get(i);
    rec.packetFlags = this.packetFlags.get(i);
    return rec;
  }

  /** Appends a record's bytes and fixed columns; returns its index. */
  add(frameNumber: number, linkType: number, tsSec: number, tsNsec: number, origLen: number, bytes: Uint8Array): number {
    const i = this.count;
    const n = i + 1;
    this.section.ensure(n); this.iface.ensure(n); this.section.data[i] = 0; this.iface.data[i] = 0;
    this.number.ensure(n); this.tsSec.ensure(n); this.tsNsec.ensure(n); this.origLen.ensure(n);
    this.linkType.ensure(n); this.block.ensure(n); this.offset.ensure(n); this.capLen.ensure(n);
    this.stream.ensure(n); this.tflags.ensure(n); this.seq.ensure(n); this.ack.ensure(n); this.win.ensure(n);
    this.seglen.ensure(n); this.aflags.ensure(n); this.dupAckFrame.ensure(n); this.dupAckNum.ensure(n);
    if (this.#blockUsed + bytes.length > BLOCK_BYTES || this.#blocks.length === 0) {
      this.#blocks.push(new Uint8Array(Math.max(BLOCK_BYTES, bytes.length)));
      this.#blockUsed = 0;
    }
    const b = this.#blocks.length - 1;
    this.#blocks[b]!.set(bytes, this.#blockUsed);
    this.block.data[i] = b; this.offset.data[i] = this.#blockUsed; this.capLen.data[i] = bytes.length;
    this.#blockUsed += bytes.length;
    this.number.data[i] = frameNumber; this.linkType.data[i] = linkType;
    this.tsSec.data[i] = tsSec; this.tsNsec.data[i] = tsNsec; this.origLen.data[i] = origLen;
    this.stream.data[i] = -1; this.tflags.data[i] = 0; this.aflags.data[i] = 0; this.seglen.data[i] = -1;
    this.seq.data[i] = 0; this.ack.data[i] = 0; this.win.data[i] = 0; this.dupAckFrame.data[i] = 0; this.dupAckNum.data[i] = 0;
    this.count = n;
    return i;
  }

  /** The captured bytes of packet i (a view: copy before posting it away). */
  bytes(i: number): Uint8Array {
    const at = this.offset.data[i]!;
    return this.#blocks[this.block.data[i]!]!.subarray(at, at + this.capLen.data[i]!);
  }
}
