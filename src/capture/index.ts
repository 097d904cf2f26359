/** Capture files: pcap and pcapng reading and writing as streams of records.
 *  Core code: no node:*; file and stdin glue lives in capture/node.ts.
 *
 *  Reading (auto-detects pcap / pcapng from the magic number):
 *  ```ts
 *  const reader = readCapture(openCaptureFile(path));          // chunks: any AsyncIterable<Uint8Array>
 *  for await (const rec of reader.records()) { ... }           // simple: one CaptureRecord, refilled
 *  for await (const batch of reader.batches())                 // fast: one await per chunk
 *    while (batch.next(rec)) { ... }
 *  for await (const batch of reader.batches())                 // fastest: no view per record, the
 *    while (batch.nextInPlace(rec)) { batch.source; batch.sourceOffset; } // bytes by offset (rec.bytes empty)
 *  reader.info; reader.problems; reader.fatal;                 // header, warnings, why reading stopped
 *  ```
 *  A refused file (bad magic, unsupported version, reserved link-type bits, damaged first SHB) throws a
 *  `CaptureFileError` with a stable `code`. Damage later in the file never throws: the records before it
 *  are returned, then `reader.fatal` holds a `CaptureProblem` (tshark 4.0 stops at the same frame and exits 2).
 *  Records are views valid until the next record. `readCaptureBytes(u8)` reads an in-memory file, copying.
 *  `openCaptureFile(path)` (capture/node.ts) reads a file into two reused 1 MiB buffers (stdin for "-").
 *
 *  Writing: `PcapWriter`, `PcapngWriter` (append records, take Uint8Array chunks), `pcapChunks`/`pcapngChunks`. */
export * from "./types.js";
export { CaptureParser } from "./parser.js";
export type { RecordBatch } from "./parser.js";
export { CaptureReader, readCapture, records, readCaptureBytes } from "./reader.js";
export type { CaptureContents } from "./reader.js";
export { timeUnit, setPcapngTime, timeHalves } from "./time.js";
export type { TimeUnit } from "./time.js";
export { PcapWriter, PcapngWriter, pcapChunks, pcapngChunks } from "./writer.js";
export type { WritableRecord, PcapWriterOptions, PcapngWriterOptions, PcapngInterfaceOptions } from "./writer.js";
