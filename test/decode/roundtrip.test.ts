/** emit(parse(x)) is byte-identical for every IPv4, IPv6 and TCP header of the corpus. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DecodedFrame, emitIpv4, emitIpv6, emitTcp, FrameDecoder, ipv4Length, ipv6Length, parseIpv4, parseIpv6,
  parseTcp, tcpLength } from "../../src/decode/index.js";
import { sharedDir } from "../support/paths.js";
import { readCaptureFile, referenceCaptures } from "./corpus-compare.js";

test("round trip: every IP and TCP header of the corpus", () => {
  const dir = join(sharedDir(), "captures");
  let ip = 0, tcp = 0;
  for (const file of referenceCaptures(dir)) {
    const dec = new FrameDecoder(), f = new DecodedFrame();
    for (const r of readCaptureFile(join(dir, file))) {
      dec.decode(r.linkType, r.bytes, r.originalLength, r.index, f);
      for (let i = 0; i < f.ipCount; i++) {
        const l = f.ip[i]!;
        const input = l.bytes.subarray(l.offset);
        const p = l.version === 4 ? parseIpv4(input) : parseIpv6(input);
        if (!p.ok) continue; // e.g. an ICMP quote cut inside an extension header
        const out = new Uint8Array(l.version === 4 ? ipv4Length(p.value as never) : ipv6Length(p.value as never));
        if (l.version === 4) emitIpv4(p.value as never, out); else emitIpv6(p.value as never, out);
        assert.deepEqual(out, input.subarray(0, out.length), `${file} frame ${r.index} ip ${i}`);
        ip++;
      }
      for (let i = 0; i < f.tcpCount; i++) {
        const t = f.tcp[i]!;
        const input = t.bytes.subarray(t.offset, t.offset + t.capturedLength);
        const p = parseTcp(input);
        if (!p.ok) continue;
        const out = new Uint8Array(tcpLength(p.value));
        emitTcp(p.value, out);
        assert.deepEqual(out, input, `${file} frame ${r.index} tcp ${i}`);
        tcp++;
      }
    }
  }
  assert.ok(ip > 10000 && tcp > 10000, `ip ${ip} tcp ${tcp}`);
});
