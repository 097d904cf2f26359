import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CaptureFileError, CaptureParser, newRecord, type CaptureProblem, type CaptureRecord, type Limits }
  from "../../src/capture/index.js";
import { sharedDir } from "../support/paths.js";

/** The captures folder of the shared material. */
export const CAPTURES = join(sharedDir(), "captures");

/** Every capture listed in MANIFEST.tsv (paths relative to CAPTURES). */
export function corpusFiles(): string[] {
  return readFileSync(join(CAPTURES, "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1)
    .map((l) => l.split("\t")[0]!).filter((f) => f.length > 0);
}

/** What reading produced: copied records, problems, and the refusal code when the file was refused. */
export interface ReadResult {
  records: CaptureRecord[];
  /** pcapng section (0-based) of each record. */
  sections: number[];
  problems: CaptureProblem[];
  fatal: CaptureProblem | undefined;
  refused: CaptureFileError | undefined;
  parser: CaptureParser;
}

/** Feeds `bytes` to a CaptureParser in chunks of `size` bytes (whole input when size ≤ 0). */
export function readChunked(bytes: Uint8Array, size = 0, limits: Partial<Limits> = {}): ReadResult {
  const p = new CaptureParser(limits);
  const records: CaptureRecord[] = [];
  const sections: number[] = [];
  const rec = newRecord();
  const keep = (): void => { records.push({ ...rec, bytes: rec.bytes.slice() }); sections.push(p.section); };
  const step = size > 0 ? size : Math.max(bytes.length, 1);
  try {
    for (let i = 0; i < bytes.length && !p.done; i += step) {
      p.push(bytes.subarray(i, i + step));
      while (p.next(rec)) keep();
    }
    p.end();
    while (p.next(rec)) keep();
  } catch (err) {
    if (err instanceof CaptureFileError) return { records, sections, problems: p.problems, fatal: p.fatal, refused: err, parser: p };
    throw err;
  }
  return { records, sections, problems: p.problems, fatal: p.fatal, refused: undefined, parser: p };
}

/** An async iterable of `bytes` in chunks of `size` (whole input when size ≤ 0). */
export async function* chunksOf(bytes: Uint8Array, size = 0): AsyncGenerator<Uint8Array> {
  const step = size > 0 ? size : Math.max(bytes.length, 1);
  for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, i + step);
}

/** `sec.nnnnnnnnn`, as tshark prints frame.time_epoch. */
export function epoch(r: { tsSec: number; tsNsec: number }): string {
  return `${r.tsSec}.${String(r.tsNsec).padStart(9, "0")}`;
}

/** A comparable summary line per record (the bytes as a 32-bit FNV-1a hash). */
export function summary(r: CaptureRecord): string {
  return `${r.index} if${r.interface} lt${r.linkType} ${epoch(r)} ${r.capturedLength}/${r.originalLength} ${fnv(r.bytes)}`;
}

/** 32-bit FNV-1a of the bytes. */
export function fnv(u8: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < u8.length; i++) h = Math.imul(h ^ u8[i]!, 0x01000193);
  return h >>> 0;
}

export function hexOf(u8: Uint8Array): string {
  let s = "";
  for (const b of u8) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Hex bytes; whitespace and `#` comments are ignored. */
export function hex(strings: TemplateStringsArray, ...values: unknown[]): Uint8Array {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += String(values[i]) + strings[i + 1]!;
  const clean = text.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (clean.length % 2 !== 0) throw new Error(`odd hex length ${clean.length}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Little builders for crafted files, field by field (layouts: pcap header/record, pcapng blocks). */
export class Bytes {
  readonly #parts: number[] = [];
  constructor(readonly le = true) {}
  u8(v: number): this { this.#parts.push(v & 0xff); return this; }
  u16(v: number): this {
    const b = [v & 0xff, (v >>> 8) & 0xff];
    this.#parts.push(...(this.le ? b : b.reverse()));
    return this;
  }
  u32(v: number): this {
    const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    this.#parts.push(...(this.le ? b : b.reverse()));
    return this;
  }
  u64(v: bigint): this {
    const hi = Number((v >> 32n) & 0xffffffffn), lo = Number(v & 0xffffffffn);
    return this.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  /** A pcapng timestamp: high 32 bits first, then low, each in the section's byte order. */
  ts(v: bigint): this { return this.u32(Number((v >> 32n) & 0xffffffffn)).u32(Number(v & 0xffffffffn)); }
  bytes(b: ArrayLike<number>): this { for (let i = 0; i < b.length; i++) this.#parts.push(b[i]!); return this; }
  fill(n: number, v: number): this { for (let i = 0; i < n; i++) this.#parts.push(v); return this; }
  pad4(): this { while (this.#parts.length % 4 !== 0) this.#parts.push(0); return this; }
  get length(): number { return this.#parts.length; }
  done(): Uint8Array { return Uint8Array.from(this.#parts); }
}

/** A pcap file: header fields then records [sec, sub, caplen, origlen] with `caplen` bytes of 0x11. */
export function pcapFile(o: { le?: boolean; nanos?: boolean; major?: number; minor?: number; snaplen?: number;
    linkType?: number; records: Array<[number, number, number, number]>; dataLen?: number }): Uint8Array {
  const b = new Bytes(o.le ?? true);
  b.u32(o.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(o.major ?? 2).u16(o.minor ?? 4).u32(0).u32(0)
    .u32(o.snaplen ?? 65535).u32(o.linkType ?? 1);
  for (const [s, sub, cl, ol] of o.records) b.u32(s).u32(sub).u32(cl).u32(ol).fill(Math.min(cl, o.dataLen ?? cl), 0x11);
  return b.done();
}

/** pcapng block: type, total length, body (padded), trailer. `trailer`/`length` override for damage. */
export function block(type: number, body: Uint8Array, le = true, o: { trailer?: number; length?: number } = {}): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const len = o.length ?? 12 + padded;
  return new Bytes(le).u32(type).u32(len).bytes(body).fill(padded - body.length, 0).u32(o.trailer ?? len).done();
}

export function option(code: number, value: ArrayLike<number>, le = true): Uint8Array {
  return new Bytes(le).u16(code).u16(value.length).bytes(value).pad4().done();
}

export function shb(le = true, major = 1, minor = 0): Uint8Array {
  return block(0x0a0d0d0a, new Bytes(le).u32(0x1a2b3c4d).u16(major).u16(minor).u32(0xffffffff).u32(0xffffffff).done(), le);
}

export function idb(o: { le?: boolean; linkType?: number; snaplen?: number; options?: Uint8Array[] } = {}): Uint8Array {
  const le = o.le ?? true;
  const b = new Bytes(le).u16(o.linkType ?? 1).u16(0).u32(o.snaplen ?? 0);
  if (o.options !== undefined) { for (const x of o.options) b.bytes(x); b.u32(0); }
  return block(1, b.done(), le);
}

export function epb(ts: bigint, o: { le?: boolean; ifid?: number; cl?: number; ol?: number; data?: Uint8Array;
    options?: Uint8Array; trailer?: number } = {}): Uint8Array {
  const le = o.le ?? true;
  const data = o.data ?? new Uint8Array(o.cl ?? 60).fill(0x22);
  const b = new Bytes(le).u32(o.ifid ?? 0).ts(ts).u32(o.cl ?? data.length).u32(o.ol ?? o.cl ?? data.length)
    .bytes(data).pad4();
  if (o.options !== undefined) b.bytes(o.options);
  return block(6, b.done(), le, o.trailer !== undefined ? { trailer: o.trailer } : {});
}

export function spb(originalLength: number, dataLength: number, le = true): Uint8Array {
  return block(3, new Bytes(le).u32(originalLength).fill(dataLength, 0x33).done(), le);
}
