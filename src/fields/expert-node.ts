/** Expert items as nodes of the field tree, and small formatters the protocol builders share. */
import { expertField, Group, Severity } from "./expert.js";
import { type FieldNode, gen, hidden, proto } from "./node.js";

const SEVERITY_NAME: Readonly<Record<number, string>> = {
  [Severity.Chat]: "Chat", [Severity.Note]: "Note", [Severity.Warning]: "Warning", [Severity.Error]: "Error", [Severity.Comment]: "Comment",
};
const GROUP_NAME: Readonly<Record<number, string>> = {
  [Group.Checksum]: "Checksum", [Group.Sequence]: "Sequence", [Group.Malformed]: "Malformed", [Group.Protocol]: "Protocol",
  [Group.Comment]: "Comment", [Group.Assumption]: "Assumption", [Group.Deprecated]: "Deprecated",
};

/** An expert item as tshark's tree holds it: `_ws.expert` with the item's own field (its message
 *  in -V), the hidden message, the severity and the group. */
export function expertNode(message: string, severity: number, group: number, field = expertField(message, group)): FieldNode {
  const sev = SEVERITY_NAME[severity] ?? String(severity), grp = GROUP_NAME[group] ?? String(group);
  return proto("_ws.expert", `[Expert Info (${sev}/${grp}): ${message}]`, 0, 0, 0, [
    gen(field, undefined, message), hidden("_ws.expert.message", message, 0, 0, 0),
    gen("_ws.expert.severity", String(severity), `Severity level: ${sev}`), gen("_ws.expert.group", String(group), `Group: ${grp}`),
  ]);
}

const HEX = "0123456789abcdef";
/** Bytes `from`..`to` of `b` as plain lower-case hex. */
export function hexBytes(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) { const v = b[i] ?? 0; s += HEX[v >> 4]! + HEX[v & 15]!; }
  return s;
}
/** `0x` + `n` in hex, zero-padded to `digits`. */
export const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, "0")}`;
export const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
export const u32 = (b: Uint8Array, at: number): number => (u16(b, at) * 65536 + u16(b, at + 2));
/** `aa:bb:cc:dd:ee:ff` at `at`. */
export function mac(b: Uint8Array, at: number): string {
  let s = "";
  for (let i = 0; i < 6; i++) s += (i === 0 ? "" : ":") + HEX[(b[at + i] ?? 0) >> 4]! + HEX[(b[at + i] ?? 0) & 15]!;
  return s;
}
/** "1 byte", "2 bytes" (the plural rule of tshark's labels). */
export const byteCount = (n: number): string => (n === 1 ? "1 byte" : `${n} bytes`);
const pad9 = (n: number): string => String(n).padStart(9, "0");

/** Integer ns → seconds with 9 decimals by integer arithmetic (spec §14.2, STYLE §5). */
export function formatNs(ns: number): string {
  const neg = ns < 0, a = neg ? -ns : ns;
  const s = Math.floor(a / 1e9);
  return `${neg ? "-" : ""}${s}.${pad9(a - s * 1e9)}`;
}
/** A duration as seconds + nanoseconds parts (any signs), exact however long (spec §14.2). */
export function formatSecNs(sec: number, ns: number): string {
  if (sec > -9e6 && sec < 9e6) return formatNs(sec * 1e9 + ns);
  let total = BigInt(sec) * 1_000_000_000n + BigInt(ns);
  const neg = total < 0n;
  if (neg) total = -total;
  return `${neg ? "-" : ""}${total / 1_000_000_000n}.${pad9(Number(total % 1_000_000_000n))}`;
}
/** Time `sec.nsec` minus `bSec.bNsec`, as `s.nnnnnnnnn`. */
export function secsBetween(sec: number, nsec: number, bSec: number, bNsec: number): string {
  let ds = sec - bSec, dn = nsec - bNsec;
  if (dn < 0) { ds -= 1; dn += 1e9; }
  if (ds < 0) { ds = -ds - 1; dn = 1e9 - dn; if (dn === 1e9) { dn = 0; ds++; } return `-${ds}.${pad9(dn)}`; }
  return `${ds}.${pad9(dn)}`;
}
