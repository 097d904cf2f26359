/** The worker's capture: src/capture's streaming parser, the capture session loop that
 *  `synack read` runs (src/tshark/session.ts: decoder + analyzer + FIN sides + times) and the
 *  packet store the panes read. Plain TypeScript without DOM or worker globals, so tests run it
 *  in Node exactly as the page's worker does. */
import { CaptureParser, newRecord } from "../../capture/index.js";
import { CaptureSession, frameStream, timeDigits } from "../../tshark/index.js";
import { ACK_PRESENT, HAS_TCP, PacketStore, SEQ_PRESENT, WIN_PRESENT } from "./store.js";

/** Analysis options of the reading pass: the store's columns read neither rule traces nor
 *  endpoint states, and neither changes anything else (AnalysisOptions); the details pass
 *  (details.ts) replays the capture with -V's options. */
export const INGEST_OPTIONS = { traces: false, states: false } as const;

/** One capture as the page has it: push chunks, and every complete record is decoded, analysed and
 *  stored, in capture order. */
export class CaptureModel {
  readonly store = new PacketStore();
  readonly parser = new CaptureParser();
  readonly #session = new CaptureSession(INGEST_OPTIONS);
  readonly #rec = newRecord();
  /** Time of the first frame and the Time column's decimals (the first interface's resolution). */
  baseSec = 0; baseNsec = 0; digits = 6;

  /** Feeds a chunk of the file; calls `added(i)` for each record stored. */
  push(chunk: Uint8Array, added?: (i: number) => void): void {
    this.parser.push(chunk);
    this.drain(added);
  }

  /** The input ended: stores what the parser still holds. */
  end(added?: (i: number) => void): void {
    this.parser.end();
    this.drain(added);
  }

  /** Decodes, analyses and stores every complete record of the parser's current chunk. */
  drain(added?: (i: number) => void): void {
    const rec = this.#rec, store = this.store, s = this.#session;
    while (this.parser.next(rec)) {
      const i = store.addRecord(rec);
      // Decimals of the Time column from the first frame's interface resolution (tshark shows what the file holds).
      if (i === 0) { this.baseSec = rec.tsSec; this.baseNsec = rec.tsNsec; this.digits = timeDigits(this.parser.info?.interfaces[rec.interface]?.tsresol ?? 6); }
      s.step(rec, this.parser.info);
      store.stream.data[i] = frameStream(s);
      const f = s.frame;
      // The packet list's TCP columns: the first analysed TCP header not quoted in an ICMP error.
      for (let t = 0; t < f.tcpCount; t++) {
        const r = s.results[t];
        if (r === undefined || f.tcp[t]!.quoted) continue;
        const flags = f.tcp[t]!.flags;
        let tf = (flags & 0xfff) | HAS_TCP;
        if (r.ackPresent && (flags & 0x010) !== 0) tf |= ACK_PRESENT;
        if (r.windowPresent) tf |= WIN_PRESENT;
        if (!f.tcp[t]!.problems.includes("tcp.bogus_header_length")) tf |= SEQ_PRESENT;
        store.tflags.data[i] = tf;
        store.seq.data[i] = r.seq; store.ack.data[i] = r.ack; store.win.data[i] = r.windowSize;
        store.seglen.data[i] = r.seglen;
        if (r.analysisPresent) {
          store.aflags.data[i] = r.flags;
          store.dupAckFrame.data[i] = r.dupAckFrame; store.dupAckNum.data[i] = r.dupAckNum;
        }
        break;
      }
      added?.(i);
    }
  }
}
