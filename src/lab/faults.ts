/** Faults as data, with what this kernel has: nftables for drops (random, the Nth segment of a kind,
 *  for a while) and duplication; tc `tbf` for a bottleneck rate and queue; `htb` classes chosen by a
 *  `u32` match for reordering; `netem` delay only where the kernel has it (probed).
 *
 *  Drops are made where the receiver takes the packet in (nft `input` hook of the receiving host):
 *  a drop in the sender's own output path is no loss on the wire (TCP gets a local error and sends
 *  the same bytes again, nothing visible). tcpdump taps the veth before that hook, so the capture
 *  shows the lost segment itself, and then its retransmission. */
import { ROUTER_SERVER_DEV, LAB_DEV, type Place, type Side } from "./netns.js";

/** Which segments a fault applies to. "data": carries payload (see DATA_MIN_LENGTH); "ack": a pure
 *  ACK (no SYN/FIN/RST, no payload). */
export type SegmentKind = "syn" | "syn-ack" | "data" | "fin" | "ack" | "rst";

/** A fault of a scenario. `from` is the side that sends the affected segments. */
export type Fault =
  /** Drop segments of a kind: the `nth` ones (1-based, counted over what reaches the rule, so a
   *  retransmission counts too), or `percent` of them (chosen by the run's seed), or all of them
   *  `during` a time window measured from the start of the programs. */
  | { kind: "drop"; what: SegmentKind; from: Side; nth?: readonly number[]; percent?: number;
      during?: { startMs: number; forMs: number } }
  /** Send the `nth` segments of a kind twice (nft `dup` on the sender's egress). */
  | { kind: "duplicate"; what: SegmentKind; from: Side; nth: readonly number[] }
  /** A token-bucket bottleneck (tc tbf) for what `from` sends: rate, bucket, the queue's bound in ms.
   *  On the sender's own veth, or with `at: "router"` on the router's veth towards the receiver (a
   *  queue in the path; on the sender itself TCP small queues keep the qdisc nearly empty). */
  | { kind: "rate"; from: Side; kbit: number; burstBytes: number; latencyMs: number; at?: "router" }
  /** Reordering: segments whose payload starts with `marker` go through a slow htb class (chosen by
   *  u32 at the payload offset), the others through a fast one, so a marked segment is overtaken. */
  | { kind: "reorder"; from: Side; marker: string; slowKbit: number }
  /** A middlebox rewrites a header field of the segments of a kind that `from` sends, in the router's
   *  forward hook (nft fixes the checksums): `mss` sets the MSS option (clamping, as routers do for
   *  tunnels), `ttl` the IPv4 TTL or IPv6 hop limit. Needs `router: true`. */
  | { kind: "rewrite"; what: SegmentKind; from: Side; field: "mss" | "ttl"; value: number }
  /** A fixed delay (tc netem); skipped with a note where the kernel has no netem. */
  | { kind: "delay"; from: Side; ms: number };

/** A segment longer than this (IP length, bytes) carries data: IPv4 20 + TCP at most 60 = 80, IPv6
 *  40 + 60 = 100. So "data" means payload beyond the longest possible header; scenarios that target
 *  data segments send ≥ 100 bytes per segment. */
export const DATA_MIN_LENGTH = { 4: 80, 6: 100 } as const;

/** The nft table every lab rule lives in (one per namespace; removed with the namespace). */
export const NFT_TABLE = "synack";
/** numgen counts up to this and wraps: far more segments than a scenario sends. */
const NUMGEN_MOD = 1_000_000;
/** Random drops choose among this many first segments of the kind. */
const RANDOM_SPAN = 20_000;

const other = (s: Side): Side => (s === "client" ? "server" : "client");

/** The nft match for a segment kind (inet family). */
export function nftMatch(what: SegmentKind, family: 4 | 6): string {
  const len = DATA_MIN_LENGTH[family];
  switch (what) {
    case "syn": return "tcp flags & (syn | ack) == syn";
    case "syn-ack": return "tcp flags & (syn | ack) == syn | ack";
    case "fin": return "tcp flags & fin == fin";
    case "rst": return "tcp flags & rst == rst";
    case "data": return `meta l4proto tcp meta length > ${len}`;
    case "ack": return `tcp flags & (syn | fin | rst | ack) == ack meta length <= ${len}`;
  }
}

/** A small deterministic PRNG (mulberry32): the same seed chooses the same segments. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The occurrences (1-based) a `percent` drop hits with this seed, among the first RANDOM_SPAN. */
export function randomOccurrences(percent: number, seed: number, span = RANDOM_SPAN): number[] {
  const r = prng(seed), out: number[] = [];
  for (let i = 1; i <= span; i++) if (r() * 100 < percent) out.push(i);
  return out;
}

/** `numgen inc` counts each packet that reached it (expressions run left to right, so only those
 *  that matched the kind); a set of counter values picks the Nth ones. */
function nthExpr(nth: readonly number[]): string {
  return `numgen inc mod ${NUMGEN_MOD} { ${nth.map((n) => n - 1).join(", ")} }`;
}

/** What to apply on each side: an nft ruleset, tc commands, timed rules, and notes. */
export interface FaultPlan {
  /** nft ruleset text (`nft -f -`) per namespace, or absent. */
  nft: Partial<Record<Place, string>>;
  /** tc argument lists per namespace. */
  tc: Partial<Record<Place, string[][]>>;
  /** Rules added at `startMs` and removed at `startMs + forMs` (into a chain of its own). */
  timed: Array<{ side: Side; chain: string; rule: string; startMs: number; forMs: number }>;
  /** Lines to show (netem missing, …). */
  notes: string[];
}

/** Turns faults into rules for a topology with veth `dev`. `hasNetem`: the kernel has sch_netem. */
export function planFaults(faults: readonly Fault[], family: 4 | 6, dev: string, seed: number, hasNetem: boolean): FaultPlan {
  const input: Record<Side, string[]> = { client: [], server: [] };
  const egress: Record<Side, string[]> = { client: [], server: [] };
  const chains: Record<Side, string[]> = { client: [], server: [] };
  const forward: string[] = [];
  const plan: FaultPlan = { nft: {}, tc: {}, timed: [], notes: [] };
  faults.forEach((f, i) => {
    switch (f.kind) {
      case "drop": {
        const at = other(f.from);
        const m = nftMatch(f.what, family);
        if (f.during !== undefined) {
          const chain = `timed${i}`;
          chains[at].push(chain);
          input[at].push(`jump ${chain}`);
          plan.timed.push({ side: at, chain, rule: `${m} counter drop`, startMs: f.during.startMs, forMs: f.during.forMs });
        } else {
          const nth = f.nth ?? (f.percent !== undefined ? randomOccurrences(f.percent, seed) : undefined);
          input[at].push(`${m}${nth !== undefined ? " " + nthExpr(nth) : ""} counter drop`);
        }
        break;
      }
      case "duplicate": {
        // At netdev egress the length includes the 14-byte Ethernet header.
        const m = nftMatch(f.what, family).replace(/meta length (>|<=) (\d+)/, (_x, op: string, n: string) => `meta length ${op} ${Number(n) + 14}`);
        egress[f.from].push(`meta protocol ${family === 4 ? "ip" : "ip6"} ${m} ${nthExpr(f.nth)} dup to "${dev}"`);
        break;
      }
      case "rate": {
        const on = f.at === "router" ? (f.from === "client" ? ROUTER_SERVER_DEV : LAB_DEV) : dev;
        (plan.tc[f.at ?? f.from] ??= []).push(["qdisc", "add", "dev", on, "root", "tbf", "rate", `${f.kbit}kbit`,
          "burst", String(f.burstBytes), "latency", `${f.latencyMs}ms`]);
        break;
      }
      case "reorder": {
        // Payload offset from the IP header: 20 or 40, + 32 for a TCP header with timestamps.
        const at = (family === 4 ? 20 : 40) + 32;
        const word = Buffer.from(f.marker.padEnd(4, "\0").slice(0, 4), "latin1").readUInt32BE(0);
        plan.tc[f.from] = [
          ...(plan.tc[f.from] ?? []),
          ["qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "10"],
          ["class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit"],
          ["class", "add", "dev", dev, "parent", "1:", "classid", "1:20", "htb", "rate", `${f.slowKbit}kbit`, "burst", "1", "cburst", "1"],
          ["filter", "add", "dev", dev, "parent", "1:", "protocol", family === 4 ? "ip" : "ipv6", "prio", "1", "u32",
            "match", "u32", `0x${word.toString(16).padStart(8, "0")}`, "0xffffffff", "at", String(at), "flowid", "1:20"],
        ];
        break;
      }
      case "rewrite": {
        // The router's veth towards the client is LAB_DEV, towards the server ROUTER_SERVER_DEV.
        const iif = f.from === "client" ? LAB_DEV : ROUTER_SERVER_DEV;
        const set = f.field === "mss" ? `tcp option maxseg size set ${f.value}` : `${family === 4 ? "ip ttl" : "ip6 hoplimit"} set ${f.value}`;
        forward.push(`iifname "${iif}" ${nftMatch(f.what, family)} ${set}`);
        break;
      }
      case "delay":
        if (!hasNetem) { plan.notes.push(`no netem in this kernel: the ${f.ms} ms delay on the ${f.from}'s link is left out`); break; }
        (plan.tc[f.from] ??= []).push(["qdisc", "add", "dev", dev, "root", "netem", "delay", `${f.ms}ms`]);
        break;
    }
  });
  for (const side of ["client", "server"] as const) {
    if (input[side].length === 0 && egress[side].length === 0) continue;
    let text = `table inet ${NFT_TABLE} {\n`;
    for (const c of chains[side]) text += `  chain ${c} {\n  }\n`;
    if (input[side].length > 0) text += `  chain input {\n    type filter hook input priority -300; policy accept;\n${input[side].map((r) => `    ${r}\n`).join("")}  }\n`;
    text += "}\n";
    if (egress[side].length > 0) {
      text += `table netdev ${NFT_TABLE} {\n  chain egress {\n    type filter hook egress device "${dev}" priority 0; policy accept;\n`
        + egress[side].map((r) => `    ${r}\n`).join("") + "  }\n}\n";
    }
    plan.nft[side] = text;
  }
  if (forward.length > 0) {
    plan.nft.router = `table inet ${NFT_TABLE} {\n  chain forward {\n    type filter hook forward priority -150; policy accept;\n`
      + forward.map((r) => `    ${r}\n`).join("") + "  }\n}\n";
  }
  return plan;
}

const KIND_WORDS: Record<SegmentKind, string> = {
  syn: "SYN", "syn-ack": "SYN-ACK", data: "data segment", fin: "FIN", ack: "pure ACK", rst: "RST",
};

const ordinal = (n: number): string => `${n}${n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th"}`;

/** A fault in words: "the server drops the 3rd data segment from the client on arrival". */
export function describeFault(f: Fault, seed: number): string {
  const k = (what: SegmentKind, plural: boolean) => KIND_WORDS[what] + (plural ? "s" : "");
  switch (f.kind) {
    case "drop": {
      const by = `the ${other(f.from)} drops`, src = `from the ${f.from} on arrival (nft input hook)`;
      if (f.during !== undefined) return `${by} every ${k(f.what, false)} ${src} from ${f.during.startMs} ms to ${f.during.startMs + f.during.forMs} ms`;
      if (f.nth !== undefined) return `${by} the ${f.nth.map(ordinal).join(" and ")} ${k(f.what, f.nth.length > 1)} ${src}`;
      const hits = randomOccurrences(f.percent ?? 0, seed);
      return `${by} ${f.percent}% of the ${k(f.what, true)} ${src}, chosen by seed ${seed} (the ${hits.slice(0, 5).map(ordinal).join(", ")}${hits.length > 5 ? ", …" : ""})`;
    }
    case "duplicate": return `the ${f.from} sends the ${f.nth.map(ordinal).join(" and ")} ${k(f.what, f.nth.length > 1)} twice (nft dup on egress)`;
    case "rate": return `${f.at === "router" ? `the router forwards what the ${f.from} sends at` : `the ${f.from}'s link is a`} ${f.kbit} kbit/s${f.at === "router" ? "" : " bottleneck"} (tc tbf, ${f.burstBytes}-byte bucket, queue up to ${f.latencyMs} ms)`;
    case "reorder": return `segments from the ${f.from} that start with "${f.marker}" queue in a ${f.slowKbit} kbit/s htb class (u32 match), the rest overtake them`;
    case "rewrite": return `the router rewrites the ${f.field === "mss" ? "MSS option" : "TTL / hop limit"} of ${f.from === "client" ? "the client's" : "the server's"} ${k(f.what, true)} to ${f.value} (nft forward hook, checksums fixed)`;
    case "delay": return `the ${f.from}'s link delays every packet by ${f.ms} ms (tc netem)`;
  }
}
