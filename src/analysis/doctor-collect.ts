/** `synack doctor`'s input: a capture run through the one analysis loop (`analyseCapture`) into a
 *  DoctorCollector. Core (the web page's worker runs it too). */
import type { CaptureRecord } from "../capture/index.js";
import { analyseCapture } from "./packets.js";
import { DoctorCollector, type DoctorPacketInfo, doctorInfoFromDecoded } from "./doctor-model.js";

/** Every TCP header of `records` (ICMP-quoted ones analysed but not counted) into a collector;
 *  `stream`: only that tcp.stream is kept. */
export async function collectDoctor(records: AsyncIterable<CaptureRecord>, stream?: number): Promise<DoctorCollector> {
  const col = new DoctorCollector(stream);
  const info: DoctorPacketInfo = { ipId: -1, checksum: 0, payloadCaptured: 0, frameLength: 0, src: "", dst: "" };
  await analyseCapture(records, (a) => {
    if (a.frame.tcp[a.tcpIndex]!.quoted) return;
    col.observe(a.seg, a.result, doctorInfoFromDecoded(a.frame, a.tcpIndex, info));
  });
  return col;
}
