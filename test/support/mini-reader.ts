/** Test-only pcap/pcapng reader (whole file in memory) used until src/capture's reader lands.
 *  Stops quietly at the first record it cannot read. */
import { readFileSync } from "node:fs";

/** One packet record, the fields of src/capture's CaptureRecord that decode tests need. */
export interface MiniRecord {
  index: number; interface: number; linkType: number;
  capturedLength: number; originalLength: number; bytes: Uint8Array;
}

/** Every readable record of the pcap or pcapng file at `path`. */
export function readCaptureFile(path: string): MiniRecord[] {
  const buf = readFileSync(path);
  const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 4) return [];
  const m = dv.getUint32(0, false);
  if (m === 0x0a0d0d0a) return readPcapng(b, dv);
  return readPcap(b, dv);
}

function readPcap(b: Uint8Array, dv: DataView): MiniRecord[] {
  const out: MiniRecord[] = [];
  if (b.length < 24) return out;
  const mBe = dv.getUint32(0, false);
  let le: boolean;
  if (mBe === 0xa1b2c3d4 || mBe === 0xa1b23c4d) le = false;
  else if (mBe === 0xd4c3b2a1 || mBe === 0x4d3cb2a1) le = true;
  else return out;
  const linkType = dv.getUint32(20, le) & 0xffff;
  let p = 24;
  while (p + 16 <= b.length) {
    const incl = dv.getUint32(p + 8, le), orig = dv.getUint32(p + 12, le);
    if (p + 16 + incl > b.length || incl > 0x4000000) break;
    out.push({ index: out.length, interface: 0, linkType, capturedLength: incl, originalLength: orig,
      bytes: b.subarray(p + 16, p + 16 + incl) });
    p += 16 + incl;
  }
  return out;
}

function readPcapng(b: Uint8Array, dv: DataView): MiniRecord[] {
  const out: MiniRecord[] = [];
  let le = true;
  let ifaces: Array<{ linkType: number; snaplen: number }> = [];
  let p = 0;
  while (p + 12 <= b.length) {
    let type = dv.getUint32(p, le);
    if (dv.getUint32(p, false) === 0x0a0d0d0a) {
      type = 0x0a0d0d0a;
      const bom = dv.getUint32(p + 8, true);
      if (bom === 0x1a2b3c4d) le = true; else if (bom === 0x4d3c2b1a) le = false; else break;
      ifaces = [];
    }
    const len = dv.getUint32(p + 4, le);
    if (len < 12 || p + len > b.length) break;
    if (type === 1) {
      ifaces.push({ linkType: dv.getUint16(p + 8, le), snaplen: dv.getUint32(p + 12, le) });
    } else if (type === 6 || type === 2) {
      const ifc = type === 6 ? dv.getUint32(p + 8, le) : dv.getUint16(p + 8, le);
      const incl = dv.getUint32(p + 20, le), orig = dv.getUint32(p + 24, le);
      const i = ifaces[ifc];
      if (i === undefined || 28 + incl > len) break;
      out.push({ index: out.length, interface: ifc, linkType: i.linkType, capturedLength: incl, originalLength: orig,
        bytes: b.subarray(p + 28, p + 28 + incl) });
    } else if (type === 3) {
      const i = ifaces[0];
      if (i === undefined) break;
      const orig = dv.getUint32(p + 8, le);
      const incl = Math.min(orig, i.snaplen === 0 ? orig : i.snaplen, len - 16);
      out.push({ index: out.length, interface: 0, linkType: i.linkType, capturedLength: incl, originalLength: orig,
        bytes: b.subarray(p + 12, p + 12 + incl) });
    }
    p += len;
  }
  return out;
}
