/** Messages between the page (main thread) and the decode worker. Plain data only. */
import type { BytesPrimer, LadderModel } from "../../explain/diagrams/index.js";
import type { SummaryColumns } from "../../tshark/summary.js";
import type { GraphType, StreamDir } from "../../analysis/index.js";
import type { GraphView } from "./graphs.js";

/** One packet-list row, formatted in the worker: the summary columns of `synack read` plus the
 *  row's key and colour. All strings are rendered as text. */
export interface Row extends SummaryColumns {
  /** Index in the capture (0-based), the key for selection. */
  index: number;
  /** Colour rule: "bad" | "rst" | "synfin" | "tcp" | "udp" | "icmp" | "arp" | "other". */
  color: string;
}

/** A node of the details tree: a node of `buildDetailsTree` (src/tshark, `synack read -V`)
 *  with the properties the pane reads. */
export interface DetailNode {
  /** The -V text. */
  label: string;
  /** Data source of the byte range: index in `Details.sources` (0 = the frame). */
  source: number;
  /** First byte covered, in that source. */
  offset: number;
  /** Bytes covered; 0 for generated items, which highlight nothing. */
  length: number;
  /** tshark's field name, when the node shows one field. */
  field?: string;
  children: DetailNode[];
}

/** A block of bytes the tree's ranges refer to: the frame, or a reassembled datagram. */
export interface DataSourceBytes {
  /** `Frame`, `Reassembled IPv4`, `Reassembled IPv6`. */
  name: string;
  bytes: Uint8Array;
}

/** Everything the panes show for the selected packet. */
export interface Details {
  index: number;
  number: number;
  /** The frame's bytes first, then each reassembled datagram (tshark's data sources). */
  sources: DataSourceBytes[];
  tree: DetailNode[];
  /** The TCP stream (tcp.stream) or −1. */
  stream: number;
  /** The stream's ladder (src/explain's model: arrows, collapsed runs, states, marks); undefined if
   *  not TCP, or until the worker's "ladder" message brings it. */
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
  | { type: "stats" }
  /** The Graphs tab: graph `graph` of stream `stream`, direction `dir`, in [t0, t1] ns (whole
   *  stream without them), drawn width × height px. */
  | { type: "graph"; req: number; stream: number; graph: GraphType; dir: StreamDir; width: number; height: number; t0?: number; t1?: number }
  /** The Diagnosis tab: `synack doctor` on the capture loaded so far. */
  | { type: "doctor"; req: number };

export type FromWorker =
  | { type: "progress"; total: number; shown: number; done: boolean; name: string }
  | { type: "error"; message: string }
  | { type: "rows"; req: number; start: number; rows: Row[] }
  | { type: "details"; details: Details }
  /** The selected frame's stream ladder, after its details (it needs the whole capture replayed). */
  | { type: "ladder"; index: number; stream: number; ladder: LadderModel; frameIndex: Record<number, number> }
  | { type: "filter"; ok: true; text: string; shown: number }
  | { type: "filter"; ok: false; text: string; message: string; column: number | undefined; length: number }
  | { type: "stats"; conversations: Conversation[]; expert: ExpertLine[] }
  | { type: "graph"; req: number; view: GraphView }
  | { type: "graph-error"; req: number; message: string }
  /** `synack doctor`'s text of the capture (every connection, worst first). */
  | { type: "doctor"; req: number; text: string; frames: number };
