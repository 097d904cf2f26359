/** IPv4/IPv6 fragment reassembly as tshark 4.0 does by default: the datagram is rebuilt on the
 *  frame whose fragment completes it. Only fragments touch this code, so string keys and one
 *  buffer per datagram are acceptable here (not the per-packet hot path, STYLE.md §5). */

/** Most datagrams held incomplete at once; the oldest is dropped beyond this. */
export const FRAG_MAX_DATAGRAMS = 1024;
/** Most fragment bytes held at once (all datagrams); the oldest datagrams are dropped beyond this. */
export const FRAG_MAX_BYTES = 8 * 1024 * 1024;
/** Largest datagram rebuilt (IPv4 and non-jumbo IPv6 limit). */
export const FRAG_MAX_DATAGRAM = 65535;

interface Piece { offset: number; data: Uint8Array; frame: number }
/** One fragment of a reassembled datagram: its frame, byte offset and length. */
export interface FragmentPiece { frame: number; offset: number; length: number }
interface Datagram { pieces: Piece[]; total: number; bytes: number }

/** What `add` did with a fragment. */
export type FragmentResult =
  | { done: false; dropped: boolean }
  | { done: true; payload: Uint8Array; pieces: FragmentPiece[] };

/** Holds fragments of incomplete datagrams, within FRAG_MAX_DATAGRAMS and FRAG_MAX_BYTES. */
export class IpReassembler {
  #held = new Map<string, Datagram>();
  #bytes = 0;

  /** Bytes of fragment data currently held. */
  get heldBytes(): number { return this.#bytes; }
  /** Datagrams currently incomplete. */
  get heldDatagrams(): number { return this.#held.size; }

  /** Adds the fragment `data` (copied) at byte `offset` of datagram `key`; `last` when it has
   *  no more-fragments flag; `frame` its frame number. Returns the whole payload, and the pieces in
   *  offset order, when this fragment completes it. */
  add(key: string, offset: number, data: Uint8Array, last: boolean, frame = 0): FragmentResult {
    if (offset + data.length > FRAG_MAX_DATAGRAM) return { done: false, dropped: true };
    let d = this.#held.get(key);
    if (d === undefined) {
      d = { pieces: [], total: -1, bytes: 0 };
      this.#held.set(key, d);
    }
    let dropped = false;
    while (this.#held.size > FRAG_MAX_DATAGRAMS || this.#bytes + data.length > FRAG_MAX_BYTES) {
      const oldest = this.#held.keys().next();
      if (oldest.done === true || oldest.value === key) break;
      this.#drop(oldest.value);
      dropped = true;
    }
    if (this.#bytes + data.length > FRAG_MAX_BYTES) return { done: false, dropped: true };
    d.pieces.push({ offset, data: data.slice(), frame });
    d.bytes += data.length; this.#bytes += data.length;
    if (last) d.total = offset + data.length;
    if (d.total < 0) return { done: false, dropped };
    // Complete when the pieces, sorted by offset, cover [0, total) without a hole.
    d.pieces.sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const p of d.pieces) {
      if (p.offset > covered) return { done: false, dropped };
      covered = Math.max(covered, p.offset + p.data.length);
    }
    if (covered < d.total) return { done: false, dropped };
    const out = new Uint8Array(d.total);
    // Earlier-sorted pieces first; a later piece overlapping keeps the bytes already placed.
    let filled = 0;
    for (const p of d.pieces) {
      const end = Math.min(p.offset + p.data.length, d.total);
      if (end > filled) { out.set(p.data.subarray(filled - p.offset > 0 ? filled - p.offset : 0, end - p.offset), Math.max(filled, p.offset)); filled = end; }
    }
    this.#drop(key);
    return { done: true, payload: out, pieces: d.pieces.map((p) => ({ frame: p.frame, offset: p.offset, length: p.data.length })) };
  }

  /** Forgets every held fragment. */
  clear(): void { this.#held.clear(); this.#bytes = 0; }

  #drop(key: string): void {
    const d = this.#held.get(key);
    if (d === undefined) return;
    this.#bytes -= d.bytes;
    this.#held.delete(key);
  }
}
