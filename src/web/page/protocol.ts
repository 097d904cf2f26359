/** Messages between the page (main thread) and the decode worker. Plain data only. */
import type { BytesPrimer, LadderModel } from "../../explain/diagrams/index.js";
import type { SummaryColumns } from "../../tshark/summary.js";

/** One packet-list row, formatted in the worker: the summary columns of `synack read` plus the
 *  row's key and colour. All strings are rendered as text. */
export interface Row extends SummaryColumns {
  /** Index in the capture (0-based), the key for selection. */
  index: number;
  /** Colour rule: "bad" | "rst" | "synfin" | "tcp" | "udp" | "icmp" | "arp" | "other". */
  color: string;
}

/** A node of the details tree; `start`/`end` are byte offsets in the frame (end exclusive), −1 when none. */
export interface TreeNode {
  id: number;
  label: string;
  start: number;
  end: number;
  children: TreeNode[];
}

/** Everything the panes show for the selected packet. */
export interface Details {
  index: number;
  number: number;
  bytes: Uint8Array;
  tree: TreeNode[];
  /** The TCP stream (tcp.stream) or −1. */
  stream: number;
  /** The stream's ladder (src/explain's model: arrows, collapsed runs, states, marks); undefined if not TCP. */
  ladder: LadderModel | undefined;
  /** Store index of each frame number in the ladder, to select a packet from its arrow. */
  frameIndex: Record<number, number>;
  /** The explanation: src/explain's narrative of this packet (headline first). */
  narrative: string[];
  /** The RFC 9293 §3.1 header diagram with this packet's values (src/explain), monospace lines. */
  diagram: string[];
  /** The payload byte by byte (src/explain's bytes primer), undefined without payload. */
  primer: BytesPrimer | undefined;
}

export interface Conversation {
  stream: number;
  a: string;
  b: string;
  packets: number;
  bytes: number;
  firstNumber: number;
  firstIndex: number;
  durationNs: number;
}

export interface ExpertLine {
  severity: string;
  group: string;
  summary: string;
  count: number;
  firstIndex: number;
}

export type ToWorker =
  | { type: "open-url"; url: string; name: string }
  | { type: "open-file"; file: Blob; name: string }
  | { type: "open-ws"; url: string; name: string }
  | { type: "rows"; start: number; count: number; req: number }
  | { type: "select"; index: number }
  | { type: "filter"; text: string }
  | { type: "stats" };

export type FromWorker =
  | { type: "progress"; total: number; shown: number; done: boolean; name: string }
  | { type: "error"; message: string }
  | { type: "rows"; req: number; start: number; rows: Row[] }
  | { type: "details"; details: Details }
  | { type: "filter"; ok: true; text: string; shown: number }
  | { type: "filter"; ok: false; text: string; message: string; column: number | undefined; length: number }
  | { type: "stats"; conversations: Conversation[]; expert: ExpertLine[] };
