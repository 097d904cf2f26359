/** TCP options with tshark 4.0's parsing rules (spec §11.1). */
import { u16, u32, u8 } from "./bytes.js";

/** Option kinds with a name (IANA TCP option kind numbers). */
export const TcpOptionKind = { EOL: 0, NOP: 1, MSS: 2, WSCALE: 3, SACK_PERM: 4, SACK: 5,
  TIMESTAMP: 8, MPTCP: 30, TFO: 34 } as const;

/** Problems found while walking the option area; Wireshark expert names (spec §11.1–§11.2). */
export type TcpOptionProblem =
  /** Non-zero byte after EOL; parsing stopped. */
  | "tcp.non_zero_bytes_after_eol"
  /** Four NOPs counted within aligned words: a middlebox may have stripped options. */
  | "tcp.nop"
  /** Length byte missing, < 2, past the end (loop stopped), or wrong for a fixed-size kind. */
  | "tcp.option.len.invalid"
  /** A SACK edge cut short; parsing stopped. */
  | "tcp.suboption_malformed"
  /** Window scale shift > 14 (used as 14, RFC 7323 §2.3). */
  | "tcp.options.wscale.shift.invalid"
  /** The option bytes end before the header says (captured too short): tshark throws here. */
  | "tcp.options_truncated";

/** Fixed option lengths tshark 4.0 checks ("option length should be N"). */
const FIXED_LEN: Readonly<Record<number, number>> = { 2: 4, 3: 3, 4: 2, 6: 6, 7: 6, 8: 10, 11: 6, 12: 6, 13: 6,
  19: 18, 27: 8, 28: 4 };

interface OptionBase {
  /** Kind byte. */
  kind: number;
  /** Length byte (1 for EOL and NOP). */
  len: number;
  /** Offset of the kind byte in the option area. */
  at: number;
  /** A problem tied to this option (wrong fixed length, bad shift, malformed SACK). */
  problem?: TcpOptionProblem;
}
/** One parsed option. Value fields are absent when the length is wrong (tshark 4.0 shows none then). */
export type TcpOption = OptionBase & (
  | { type: "eol" } | { type: "nop" }
  /** RFC 2018 §2; tshark prints the raw bytes (`0402`) as `tcp.options.sack_perm`. */
  | { type: "sack_perm" }
  /** RFC 9293 §3.2. */
  | { type: "mss"; value?: number }
  /** RFC 7323 §2.2: `shift` is the raw byte, `multiplier` 2^min(shift, 14). */
  | { type: "wscale"; shift?: number; multiplier?: number }
  /** RFC 2018 §3: edges in wire order (a dangling left edge included); `count` complete blocks. */
  | { type: "sack"; edges: number[]; count: number }
  /** RFC 7323 §3.2. */
  | { type: "timestamp"; tsval?: number; tsecr?: number }
  /** RFC 8684: subtype is the high nibble of the third byte. */
  | { type: "mptcp"; subtype?: number; data: Uint8Array }
  /** RFC 7413: a request when the length is 2, else a cookie. */
  | { type: "tfo"; cookie: Uint8Array }
  | { type: "unknown"; data: Uint8Array }
);

/** What `tcpOptions` found: options in wire order and problems in the order tshark raises them. */
export interface TcpOptionList {
  options: TcpOption[];
  problems: TcpOptionProblem[];
  /** True when the loop stopped on a length error, garbage after EOL or missing bytes (no `tcp.options.mss.absent` then). */
  stopped: boolean;
}

/** Parses an option area (header bytes 20 … headerLength). `declaredLength` (default: all of
 *  `bytes`) is headerLength − 20; when it exceeds `bytes.length` the capture cut the options and
 *  the walk stops with `tcp.options_truncated` where tshark would throw (spec §11.1). */
export function tcpOptions(bytes: Uint8Array, declaredLength: number = bytes.length): TcpOptionList {
  const options: TcpOption[] = [];
  const problems: TcpOptionProblem[] = [];
  const have = bytes.length;
  let i = 0, nops = 0, stopped = false;
  const end = declaredLength;
  const cut = (): TcpOptionList => { problems.push("tcp.options_truncated"); return { options, problems, stopped: true }; };
  while (i < end) {
    if (i >= have) return cut();
    const kind = u8(bytes, i);
    if (kind === TcpOptionKind.EOL) {
      options.push({ type: "eol", kind, len: 1, at: i });
      // tshark 4.0: any later non-zero byte is flagged and ends the walk; the zeros are padding.
      for (let j = i + 1; j < end; j++) {
        if (j >= have) return cut();
        if (u8(bytes, j) !== 0) { problems.push("tcp.non_zero_bytes_after_eol"); stopped = true; break; }
      }
      return { options, problems, stopped };
    }
    if (kind === TcpOptionKind.NOP) {
      options.push({ type: "nop", kind, len: 1, at: i });
      // tshark 4.0: NOPs are counted across the whole area; the 4th raises tcp.nop once.
      if (++nops === 4) problems.push("tcp.nop");
      i++;
      continue;
    }
    if (i + 1 >= end) { problems.push("tcp.option.len.invalid"); stopped = true; break; }
    if (i + 1 >= have) return cut();
    const len = u8(bytes, i + 1);
    if (len < 2) { problems.push("tcp.option.len.invalid"); stopped = true; break; }
    if (i + len > end) { problems.push("tcp.option.len.invalid"); stopped = true; break; }
    if (i + len > have) return cut();
    const body = bytes.subarray(i + 2, i + len);
    const want = FIXED_LEN[kind];
    const bad = want !== undefined && want !== len;
    let opt: TcpOption;
    switch (kind) {
      case TcpOptionKind.MSS:
        opt = bad ? { type: "mss", kind, len, at: i } : { type: "mss", kind, len, at: i, value: u16(body, 0) };
        break;
      case TcpOptionKind.WSCALE: {
        if (bad) { opt = { type: "wscale", kind, len, at: i }; break; }
        const shift = u8(body, 0);
        opt = { type: "wscale", kind, len, at: i, shift, multiplier: 2 ** Math.min(shift, 14) };
        if (shift > 14) { opt.problem = "tcp.options.wscale.shift.invalid"; problems.push(opt.problem); }
        break;
      }
      case TcpOptionKind.SACK_PERM:
        opt = { type: "sack_perm", kind, len, at: i };
        break;
      case TcpOptionKind.SACK: {
        const edges: number[] = [];
        let k = 0, count = 0;
        for (;;) {
          if (k >= body.length) break;
          if (body.length - k < 4) { opt = { type: "sack", kind, len, at: i, edges, count, problem: "tcp.suboption_malformed" }; break; }
          edges.push(u32(body, k)); k += 4;
          if (body.length - k < 4) { opt = { type: "sack", kind, len, at: i, edges, count, problem: "tcp.suboption_malformed" }; break; }
          edges.push(u32(body, k)); k += 4; count++;
        }
        opt ??= { type: "sack", kind, len, at: i, edges, count };
        break;
      }
      case TcpOptionKind.TIMESTAMP:
        opt = bad ? { type: "timestamp", kind, len, at: i }
          : { type: "timestamp", kind, len, at: i, tsval: u32(body, 0), tsecr: u32(body, 4) };
        break;
      case TcpOptionKind.MPTCP:
        opt = body.length > 0 ? { type: "mptcp", kind, len, at: i, subtype: u8(body, 0) >> 4, data: body }
          : { type: "mptcp", kind, len, at: i, data: body };
        break;
      case TcpOptionKind.TFO:
        opt = { type: "tfo", kind, len, at: i, cookie: body };
        break;
      default:
        opt = { type: "unknown", kind, len, at: i, data: body };
    }
    if (bad) { opt.problem = "tcp.option.len.invalid"; problems.push("tcp.option.len.invalid"); }
    else if (opt.problem === "tcp.suboption_malformed") problems.push(opt.problem);
    options.push(opt);
    i += len;
  }
  return { options, problems, stopped };
}
