/** Minimal classic-pcap reader for tests (both byte orders, µs and ns). Stands in for
 *  src/capture until it lands; the probe captures are classic pcap. */
export interface LiteRecord { linkType: number; tsSec: number; tsNsec: number; originalLength: number; bytes: Uint8Array }

export function* readPcapLite(file: Uint8Array): Generator<LiteRecord> {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = dv.getUint32(0, false);
  let le: boolean, nano: boolean;
  if (magic === 0xa1b2c3d4) { le = false; nano = false; }
  else if (magic === 0xd4c3b2a1) { le = true; nano = false; }
  else if (magic === 0xa1b23c4d) { le = false; nano = true; }
  else if (magic === 0x4d3cb2a1) { le = true; nano = true; }
  else throw new Error(`not a classic pcap (magic ${magic.toString(16)})`);
  const linkType = dv.getUint32(20, le) & 0x0fff_ffff;
  let at = 24;
  while (at + 16 <= file.length) {
    const tsSec = dv.getUint32(at, le), sub = dv.getUint32(at + 4, le);
    const incl = dv.getUint32(at + 8, le), orig = dv.getUint32(at + 12, le);
    at += 16;
    if (at + incl > file.length) return;
    yield { linkType, tsSec, tsNsec: nano ? sub : sub * 1000, originalLength: orig, bytes: file.subarray(at, at + incl) };
    at += incl;
  }
}
