/** Node glue for capture files: read a path or stdin as chunks, write chunks to a path or stdout. */

import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Chunk size when reading files: large enough for one await per ~thousands of packets, small enough for flat memory. */
export const READ_CHUNK_BYTES = 1 << 20;

/** The bytes of a capture file ("-" = stdin) as chunks of at most `chunkBytes` (default 1 MiB).
 *  Open errors (ENOENT, EACCES) surface as a rejected first iteration. */
export function openCaptureFile(path: string, chunkBytes: number = READ_CHUNK_BYTES): AsyncIterable<Uint8Array> {
  if (path === "-") return process.stdin as AsyncIterable<Uint8Array>;
  return createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Uint8Array>;
}

/** Writes chunks (from pcapChunks / pcapngChunks) to a file ("-" = stdout), honouring backpressure. */
export async function writeCaptureFile(path: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  if (path !== "-") {
    await pipeline(Readable.from(chunks), createWriteStream(path));
    return;
  }
  for await (const chunk of chunks) {
    if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
  }
}
