/** The MPTCP connection analysis tshark 4.0.17 shows under `[MPTCP analysis]` (mptcp.analyze_mptcp,
 *  on by default): which MPTCP connection (`mptcp.stream`) each TCP subflow belongs to, its master
 *  subflow and subflow list, and the data sequence spaces that make `mptcp.ack` and `mptcp.dss.dsn`
 *  relative. One tracker per capture sees every frame in order (CaptureSession), like UdpStreams.
 *
 *  The rules, as tshark 4.0.17 behaves on the corpus and on test/fixtures/mptcp/probe.pcap:
 *  - a subflow gets a connection when an MP_CAPABLE option carries a key (the key's token finds an
 *    existing connection, else a new one), when an MP_JOIN arrives (a SYN's token finds one, else a
 *    new one), or at the first option of any later subtype (a new one); a key-less MP_CAPABLE SYN
 *    (RFC 8684 v1) gives none yet;
 *  - an MP_CAPABLE with a key makes its subflow the master; it and a join SYN put the subflow at the
 *    head of the subflow list;
 *  - each direction has a data sequence space; a key (sender's, or the receiver's of the third
 *    ACK for the other direction) sets its base to the key's IDSN, an 8-byte DSN marks it known
 *    with base 0; relative values exist only for a known space. */
import type { DecodedFrame, IpLayer } from "../decode/index.js";
import type { AnalysisResult } from "../analysis/index.js";
import { sha1, sha256 } from "./sha.js";

/** What the field tree shows of one TCP header's MPTCP connection. */
export interface MptcpInfo {
  /** mptcp.stream: the connection's index, from 0 in order of first sight. */
  stream: number;
  /** tcp.stream of the master subflow, −1 when none is known (`[Master flow: False]`). */
  master: number;
  /** True when this header's subflow is the master (mptcp.master). */
  isMaster: boolean;
  /** mptcp.analysis.subflows: the subflows' tcp.stream, each followed by a space, newest first. */
  subflows: string;
  /** Base of the sender's data sequence space (mptcp.dss.dsn), undefined while unknown. */
  fwdBase: bigint | undefined;
  /** Base of the peer's data sequence space (mptcp.ack), undefined while unknown. */
  revBase: bigint | undefined;
}

/** A key's token (most significant 32 bits of its hash) and IDSN (least significant 64 bits):
 *  SHA-1 for version 0 (RFC 6824 §3.1), SHA-256 from version 1 (RFC 8684 §3.1). */
export function keyHashes(b: Uint8Array, at: number, version: number): { token: number; idsn: bigint } {
  const key = b.subarray(at, at + 8);
  const d = version === 0 ? sha1(key) : sha256(key);
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  return { token: dv.getUint32(0), idsn: dv.getBigUint64(d.length - 8) };
}

/** One direction's data sequence space. */
interface Meta { known: boolean; keyed: boolean; base: bigint }
/** One MPTCP connection. */
interface Conn { stream: number; master: number; subflows: number[]; metas: [Meta, Meta] }
/** One TCP subflow: its connection, the side that sent its first MPTCP option (source port and
 *  address hash: "the client" here), and the space that side sends in. */
interface Sub { conn: Conn | undefined; clientMeta: number; port: number; hash: number }

/** At most this many subflows and tokens are remembered (STYLE §6): later ones get no analysis. */
const MAX_TRACKED = 1 << 16;
const MPTCP_KIND = 30;

/** The MPTCP analysis of one capture. */
export class MptcpTracker {
  readonly #subs = new Map<number, Sub>();
  readonly #tokens = new Map<number, { conn: Conn; meta: number }>();
  #next = 0;

  /** Takes frame `f` (its TCP headers' analysis `results`) and writes each header's MptcpInfo to
   *  `out` (undefined for a header whose subflow has no MPTCP connection). */
  observe(f: DecodedFrame, results: ReadonlyArray<AnalysisResult | undefined>, out: Array<MptcpInfo | undefined>): void {
    out.length = f.tcpCount;
    for (let i = 0; i < f.tcpCount; i++) {
      out[i] = undefined;
      const r = results[i], t = f.tcp[i]!;
      if (r === undefined || t.quoted) continue;
      const ip = f.ip[t.ipIndex]!;
      if (t.optionsLength > 0) this.#options(t.bytes, t.optionsOffset, t.optionsLength, t.optionsCaptured, r.stream, t.srcPort, ip);
      const sub = this.#subs.get(r.stream);
      const conn = sub?.conn;
      if (sub === undefined || conn === undefined) continue;
      // The analysis's fromClient needs endpoint states, which not every reader turns on.
      const fromClient = t.srcPort === sub.port && ip.srcHash === sub.hash;
      const fwd = conn.metas[fromClient ? sub.clientMeta : 1 - sub.clientMeta]!;
      const rev = conn.metas[fromClient ? 1 - sub.clientMeta : sub.clientMeta]!;
      let list = "";
      for (const s of conn.subflows) list += `${s} `;
      out[i] = { stream: conn.stream, master: conn.master, isMaster: conn.master === r.stream, subflows: list,
        fwdBase: fwd.known ? fwd.base : undefined, revBase: rev.known ? rev.base : undefined };
    }
  }

  /** Walks the options as tshark's walk reaches them and takes each MPTCP option. */
  #options(b: Uint8Array, base: number, declared: number, captured: number, stream: number, port: number, ip: IpLayer): void {
    const lim = Math.min(declared, captured);
    let i = 0;
    while (i < lim) {
      const kind = b[base + i]!;
      if (kind === 0 || kind === 1) { i++; continue; }
      if (i + 1 >= lim) return;
      const len = b[base + i + 1]!;
      if (len < 2 || i + len > declared) return;
      if (kind === MPTCP_KIND && len >= 3 && i + 2 < lim) this.#option(b, base + i, len, Math.min(len, lim - i), stream, port, ip.srcHash);
      if (i + len > lim) return;
      i += len;
    }
  }

  /** One MPTCP option at `at` (`len` bytes, `have` of them captured), sent from `port` and the
   *  address with hash `hash`. */
  #option(b: Uint8Array, at: number, len: number, have: number, stream: number, port: number, hash: number): void {
    let sub = this.#subs.get(stream);
    if (sub === undefined) {
      if (this.#subs.size >= MAX_TRACKED) return;
      sub = { conn: undefined, clientMeta: 0, port, hash };
      this.#subs.set(stream, sub);
    }
    const fromClient = port === sub.port && hash === sub.hash;
    const subtype = b[at + 2]! >> 4;
    if (subtype > 1 && sub.conn === undefined) sub.conn = this.#alloc();
    const fwdMeta = (s: Sub): number => (fromClient ? s.clientMeta : 1 - s.clientMeta);
    if (subtype === 0) {
      const version = b[at + 2]! & 0x0f;
      if ((len !== 12 && len !== 20 && len !== 22 && len !== 24) || have < 12) return;
      const k = keyHashes(b, at + 4, version);
      const known = this.#tokens.get(k.token);
      if (known !== undefined) {
        sub.conn = known.conn;
        sub.clientMeta = fromClient ? known.meta : 1 - known.meta;
      } else {
        sub.conn ??= this.#alloc();
        this.#setKey(sub.conn, fwdMeta(sub), k);
      }
      const conn = sub.conn;
      conn.master = stream;
      attach(conn, stream);
      if (len !== 12 && have >= 20) this.#setKey(conn, 1 - fwdMeta(sub), keyHashes(b, at + 12, version));
    } else if (subtype === 1) {
      if (len === 12 && have >= 8) {
        const token = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
        const known = this.#tokens.get(token);
        if (known !== undefined && sub.conn === undefined) {
          // The SYN names the receiver's token: the sender sends in the other space.
          sub.conn = known.conn;
          sub.clientMeta = fromClient ? 1 - known.meta : known.meta;
        }
        sub.conn ??= this.#alloc();
        attach(sub.conn, stream);
      } else sub.conn ??= this.#alloc();
    } else if (subtype === 2 && have >= 4) {
      const flags = b[at + 3]!;
      // An 8-byte DSN makes the sender's space known (base 0 without a key).
      if ((flags & 0x04) !== 0 && (flags & 0x08) !== 0) {
        const m = sub.conn!.metas[fwdMeta(sub)]!;
        m.known = true;
      }
    }
  }

  #alloc(): Conn {
    return { stream: this.#next++, master: -1, subflows: [], metas: [newMeta(), newMeta()] };
  }

  /** A key for space `meta` of `conn`: its base is the key's IDSN; the token finds the connection. */
  #setKey(conn: Conn, meta: number, k: { token: number; idsn: bigint }): void {
    const m = conn.metas[meta]!;
    if (!m.keyed) { m.keyed = true; m.known = true; m.base = k.idsn; }
    if (!this.#tokens.has(k.token) && this.#tokens.size < MAX_TRACKED) this.#tokens.set(k.token, { conn, meta });
  }
}

const newMeta = (): Meta => ({ known: false, keyed: false, base: 0n });

/** Puts subflow `stream` at the head of the connection's list (once). */
function attach(conn: Conn, stream: number): void {
  if (!conn.subflows.includes(stream)) conn.subflows.unshift(stream);
}
