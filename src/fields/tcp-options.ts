/** The `Options:` subtree of a TCP header, walked by tshark 4.0's rules (spec §11.1): each option
 *  with its kind, length and values, the expert items where tshark hangs them, and how the walk
 *  ended (an exception ends the TCP layer: no analysis, a Malformed or "size limited" item). */
import type { TcpLayer } from "../decode/index.js";
import { type AnalysisResult, isDsack, SYN } from "../analysis/index.js";
import { Group, optionName, Severity, TcpExpert } from "./expert.js";
import { expertNode, hexBytes, u16, u32 } from "./expert-node.js";
import { bytesItem, type FieldNode, gen, genAt, hidden, item, text } from "./node.js";
import type { MptcpInfo } from "./mptcp-analysis.js";
import { mptcpOption } from "./mptcp.js";

/** How the option walk ended: `limited` and `malformed`/`contained` are tshark's exceptions
 *  (capture cut the options / the reported length did); `stopped` ended the walk without one;
 *  `mptcpMalformed`: an MPTCP field ran past its option (`[Malformed Packet: MPTCP]`). */
export const OptEnd = { ok: 0, stopped: 1, limited: 2, malformed: 3, contained: 4, mptcpMalformed: 5 } as const;

/** Option titles of the `TCP Option - …` lines and of the `Options:` summary. */
const TITLES: Readonly<Record<number, string>> = {
  0: "End of Option List (EOL)", 1: "No-Operation (NOP)", 2: "Maximum segment size", 3: "Window scale",
  4: "SACK permitted", 5: "SACK", 8: "Timestamps", 19: "TCP MD5 signature", 20: "SCPS capabilities", 29: "TCP AO",
  30: "Multipath TCP", 34: "TCP Fast Open",
};
/** `Kind:` value names (tshark 4.0.17). */
const KINDS: Readonly<Record<number, string>> = {
  0: "End of Option List", 1: "No-Operation", 2: "Maximum Segment Size", 3: "Window Scale", 4: "SACK Permitted",
  5: "SACK", 8: "Time Stamp Option", 19: "MD5 Signature Option", 20: "SCPS Capabilities",
  29: "The TCP Authentication Option", 30: "Multipath TCP", 34: "TCP Fast Open Cookie",
};
/** Field name suffix (`tcp.options.<x>`) per kind; others are `unknown`. */
const FIELDS: Readonly<Record<number, string>> = {
  0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sack_perm", 5: "sack", 8: "timestamp", 19: "md5", 20: "scps",
  29: "ao", 30: "mptcp", 34: "tfo",
};
/** Fixed option lengths tshark 4.0 checks ("option length should be N"). */
const FIXED_LEN: Readonly<Record<number, number>> = { 2: 4, 3: 3, 4: 2, 6: 6, 7: 6, 8: 10, 11: 6, 12: 6, 13: 6,
  19: 18, 27: 8, 28: 4 };

/** A text item holding an expert item; a Malformed one also carries tshark's hidden `_ws.malformed`. */
export function expertText(message: string, severity: number, group: number, src: number, offset: number, length: number): FieldNode {
  const k = [expertNode(message, severity, group)];
  if (group === Group.Malformed) k.push(hidden("_ws.malformed", "Malformed Packet", src, offset, length));
  return text(message, src, offset, length, k);
}

/** The options subtree of `t` and how its walk ended (OptEnd); `mp`: the header's MPTCP connection. */
export function optionsTree(t: TcpLayer, r: AnalysisResult | undefined, src: number, mp?: MptcpInfo): { node: FieldNode; end: number } {
  const b = t.bytes, base = t.optionsOffset, declared = t.optionsLength;
  const repAvail = t.reportedLength < 0 ? declared : Math.max(0, Math.min(declared, t.reportedLength - 20));
  const capAvail = t.optionsCaptured;
  const lim = Math.min(repAvail, capAvail);
  const throwKind = repAvail <= capAvail ? OptEnd.malformed : OptEnd.limited;
  const syn = (t.flags & SYN) !== 0;
  const kids: FieldNode[] = [], names: string[] = [];
  let nops = 0, eol = false, sawMss = false, end: number = OptEnd.ok;
  const kindItem = (kind: number, at: number): FieldNode =>
    item("tcp.option_kind", String(kind), `Kind: ${KINDS[kind] ?? "Unknown"} (${kind})`, src, at, 1);
  let i = 0;
  while (i < declared) {
    if (i >= lim) { end = throwKind; break; }
    const at = base + i, kind = b[at]!;
    if (kind === 0) {
      // tshark 4.0: each zero byte from an EOL on is another EOL; a non-zero one ends the walk.
      kids.push(bytesItem("tcp.options.eol", hexBytes(b, at, at + 1), `TCP Option - ${TITLES[0]}`, src, at, 1, [kindItem(0, at)]));
      names.push(TITLES[0]!);
      if (!eol && declared > lim) {
        // The padding after the first EOL is read at once: a capture cut inside it throws.
        for (let j = i + 1; j < lim; j++) {
          if (b[base + j] !== 0) { kids.push(expertText(TcpExpert.nonZeroAfterEol[0], Severity.Error, Group.Protocol, src, at + 1, lim - i - 1)); break; }
        }
        end = throwKind; break;
      }
      eol = true; i++; continue;
    }
    if (eol) {
      kids.push(expertText(TcpExpert.nonZeroAfterEol[0], Severity.Error, Group.Protocol, src, at, declared - i));
      end = OptEnd.stopped; break;
    }
    if (kind === 1) {
      // tshark 4.0 (corpus): NOPs are counted over the whole area; the item is raised when the
      // fourth one ends an aligned 32-bit word, and only for the fourth.
      if (++nops === 4 && (i & 3) === 3) kids.push(expertNode(TcpExpert.nop[0], Severity.Warning, Group.Protocol));
      kids.push(bytesItem("tcp.options.nop", hexBytes(b, at, at + 1), `TCP Option - ${TITLES[1]}`, src, at, 1, [kindItem(1, at)]));
      names.push(TITLES[1]!);
      i++; continue;
    }
    if (i + 1 >= declared) {
      kids.push(expertText(`${optionName(kind)} (length byte past end of options)`, Severity.Note, Group.Sequence, src, at, 1));
      end = OptEnd.stopped; break;
    }
    if (i + 1 >= lim) { end = throwKind; break; }
    const len = b[at + 1]!;
    if (len < 2) {
      kids.push(expertText(`${optionName(kind)} (with too-short option length = ${len} byte${len === 1 ? "" : "s"})`, Severity.Note, Group.Sequence, src, at, 2));
      end = OptEnd.stopped; break;
    }
    if (i + len > declared) {
      kids.push(expertText(`${optionName(kind)} (option length = ${len} bytes says option goes past end of options)`, Severity.Note, Group.Sequence, src, at, declared - i));
      end = OptEnd.stopped; break;
    }
    const cut = i + len > lim;
    const shown = Math.min(len, lim - i);
    const c: FieldNode[] = [];
    if (kind === 2 && !syn) c.push(expertNode(TcpExpert.mssPresent[0], Severity.Warning, Group.Protocol));
    if (kind === 2) sawMss = true;
    c.push(kindItem(kind, at));
    const lenNode = item("tcp.option_len", String(len), `Length: ${len}`, src, at + 1, 1);
    c.push(lenNode);
    const fixed = FIXED_LEN[kind];
    const bad = fixed !== undefined && fixed !== len;
    if (bad && !cut) lenNode.children.push(expertNode(`option length should be ${fixed}`, Severity.Note, Group.Sequence));
    if (kind === 30 && !bad) {
      // tshark 4.0: the option is an `mptcp` protocol item ("MPTCP" in the summary).
      const m = mptcpOption(b, at, len, shown, src, c, mp);
      kids.push(m.node);
      if (cut) { end = throwKind === OptEnd.malformed ? OptEnd.contained : throwKind; break; }
      if (m.overrun) { end = OptEnd.mptcpMalformed; break; }
      names.push("MPTCP");
      i += len;
      continue;
    }
    const title = TITLES[kind] ?? "Unknown";
    let label = `TCP Option - ${title}`;
    const o = at + 2, room = shown - 2;
    switch (kind) {
      case 2:
        if (!bad && room >= 2) { const v = u16(b, o); label += `: ${v} bytes`; c.push(item("tcp.options.mss_val", String(v), `MSS Value: ${v}`, src, o, 2)); }
        break;
      case 3:
        if (!bad && room >= 1) {
          const shift = b[o]!, mult = 2 ** Math.min(shift, 14);
          label += `: ${shift} (multiply by ${mult})`;
          c.push(item("tcp.options.wscale.shift", String(shift), `Shift count: ${shift}`, src, o, 1,
            shift > 14 ? [expertNode(TcpExpert.wscaleInvalid[0], Severity.Warning, Group.Protocol)] : []),
          genAt("tcp.options.wscale.multiplier", String(mult), `Multiplier: ${mult}`, src, o, 1));
        }
        break;
      case 5: label = sackItems(b, o, room, len - 2, t.ackRaw, r, src, c, label); break;
      case 8:
        if (!bad) {
          if (room >= 4) c.push(item("tcp.options.timestamp.tsval", String(u32(b, o)), `Timestamp value: ${u32(b, o)}`, src, o, 4));
          if (room >= 8) {
            c.push(item("tcp.options.timestamp.tsecr", String(u32(b, o + 4)), `Timestamp echo reply: ${u32(b, o + 4)}`, src, o + 4, 4));
            label += `: TSval ${u32(b, o)}, TSecr ${u32(b, o + 4)}`;
          }
        }
        break;
      case 19:
        if (!bad && room >= 16) c.push(bytesItem("tcp.options.md5.digest", hexBytes(b, o, o + 16), `MD5 digest: ${hexBytes(b, o, o + 16)}`, src, o, 16));
        break;
      case 20: label = `Illegal SCPS Extended Capabilities (${byteWord(len)})`; break;
      case 29:
        if (room >= 1) c.push(item("tcp.options.ao.keyid", String(b[o]!), `AO KeyID: ${b[o]!}`, src, o, 1));
        if (room >= 2) c.push(item("tcp.options.ao.rnextkeyid", String(b[o + 1]!), `AO RNextKeyID: ${b[o + 1]!}`, src, o + 1, 1));
        if (room >= len - 2 && len > 4) c.push(bytesItem("tcp.options.ao.mac", hexBytes(b, o + 2, at + len), `AO MAC: ${hexBytes(b, o + 2, at + len)}`, src, o + 2, len - 4));
        break;
      case 1: case 4: case 34: break;
      default:
        if (!cut && len > 2) c.push(bytesItem("tcp.options.unknown.payload", hexBytes(b, o, at + len), `Payload: ${hexBytes(b, o, at + len)}`, src, o, len - 2));
    }
    kids.push(bytesItem(`tcp.options.${FIELDS[kind] ?? "unknown"}`, hexBytes(b, at, at + shown), label, src, at, shown, c));
    if (cut) { end = throwKind === OptEnd.malformed ? OptEnd.contained : throwKind; break; }
    names.push(TITLES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, "0")})`);
    i += len;
  }
  if (end === OptEnd.ok && syn && declared > 0 && !sawMss) kids.push(expertNode(TcpExpert.mssAbsent[0], Severity.Note, Group.Protocol));
  // tshark 4.0 keeps at most 239 characters of a label (ITEM_LABEL_LENGTH).
  const label = `Options: (${declared} bytes)${names.length > 0 ? ", " + names.join(", ") : ""}`.slice(0, 239);
  const node = bytesItem("tcp.options", hexBytes(b, base, base + capAvail), label, src, base, capAvail, kids);
  return { node, end };
}

const byteWord = (n: number): string => (n === 1 ? "1 byte" : `${n} bytes`);

/** SACK edges (relative to the peer's base when relative numbers are on), count, D-SACK; the
 *  option's label. A dangling edge ends the blocks with a Malformed text item (no exception). */
function sackItems(b: Uint8Array, o: number, room: number, body: number, ackRaw: number, r: AnalysisResult | undefined,
    src: number, c: FieldNode[], label: string): string {
  const base = r !== undefined && r.relative ? r.ackBase : 0;
  const rel = r !== undefined && r.relative ? " (relative)" : "";
  const edges: number[] = [], parts: string[] = [];
  let k = 0, count = 0;
  const avail = Math.min(room, body);
  while (k < body) {
    if (body - k < 4) {
      c.push(expertText(TcpExpert.suboptionMalformed[0], Severity.Error, Group.Malformed, src, o + k, body - k));
      break;
    }
    if (k + 4 > avail) return label;
    const le = u32(b, o + k);
    c.push(item("tcp.options.sack_le", String((le - base) >>> 0), `left edge = ${(le - base) >>> 0}${rel}`, src, o + k, 4));
    edges.push(le); k += 4;
    if (body - k < 4) {
      c.push(expertText(TcpExpert.suboptionMalformed[0], Severity.Error, Group.Malformed, src, o + k, body - k));
      break;
    }
    if (k + 4 > avail) return label;
    const re = u32(b, o + k);
    c.push(item("tcp.options.sack_re", String((re - base) >>> 0), `right edge = ${(re - base) >>> 0}${rel}`, src, o + k, 4));
    edges.push(re); k += 4;
    parts.push(`${(le - base) >>> 0}-${(re - base) >>> 0}`);
    count++;
  }
  c.push(gen("tcp.options.sack.count", String(count), `TCP SACK Count: ${count}`));
  if (isDsack(edges, count, ackRaw)) {
    const dl = (edges[0]! - base) >>> 0, dr = (edges[1]! - base) >>> 0;
    c.push(genAt("tcp.options.sack.dsack_le", String(dl), `D-SACK Left Edge = ${dl}${rel}`, src, o, 4),
      genAt("tcp.options.sack.dsack_re", String(dr), `D-SACK Right Edge = ${dr}${rel}`, src, o + 4, 4),
      // tshark 4.0: a text item (JSON key = its text) holding the expert, which carries the field.
      text("D-SACK Sequence", src, o, 8, [expertNode(TcpExpert.dsack[0], Severity.Warning, Group.Sequence)]));
  }
  return `${label} ${parts.join(" ")}`;
}
