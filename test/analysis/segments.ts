/** The TCP segments of a capture file, in order, as the analyzer takes them (one reused segment):
 *  reader → FrameDecoder → segmentFromDecoded. Stops quietly at a damage the reader refuses (the
 *  corpus holds such files: what was read before counts). */
import { DecodedFrame, FrameDecoder } from "../../src/decode/index.js";
import { newSegment, type TcpSegment } from "../../src/analysis/index.js";
import { segmentFromDecoded } from "../../src/analysis/from-decoded.js";
import { CaptureFileError, readCapture } from "../../src/capture/index.js";
import { openCaptureFile } from "../../src/capture/node.js";

export async function* captureSegments(path: string): AsyncGenerator<TcpSegment> {
  const decoder = new FrameDecoder(), frame = new DecodedFrame(), seg = newSegment();
  try {
    for await (const rec of readCapture(openCaptureFile(path)).records()) {
      decoder.decode(rec.linkType, rec.bytes, rec.originalLength, rec.index, frame);
      for (let i = 0; i < frame.tcpCount; i++) if (segmentFromDecoded(frame, i, rec.tsSec, rec.tsNsec, seg)) yield seg;
    }
  } catch (e) {
    if (!(e instanceof CaptureFileError)) throw e;
  }
}
