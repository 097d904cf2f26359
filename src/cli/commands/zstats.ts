/** tshark's `-z` statistics as `synack read -q -z SPEC …` takes them (and `synack stats` accepts the
 *  same spellings): `conv,tcp`, `conv,ip`, `conv,ipv6`, `endpoints,tcp`, `expert`, `io,stat,INTERVAL`, `follow,tcp,ascii|hex|raw,N`. Each
 *  prints what tshark 4.0.17 prints; several `-z` print in tshark's order, the last given first. */
import { collectPackets } from "../../analysis/index.js";
import {
  ConvCollector, ExpertCollector, followStream, formatConv, formatEndpoints, formatExpert, formatFollow, formatIo, type FollowFormat,
  IO_MAX_ROWS, IoCollector, IpConvCollector, ioRowCount, parseIoInterval,
} from "../../tshark/index.js";
import { CliError } from "../errors.js";
import { captureRecords } from "./capture-input.js";

/** One statistic: collected from the records of one pass, or (follow) from a pass of its own. */
type ZStat =
  | { kind: "pass"; add: (rec: Parameters<ConvCollector["add"]>[0]) => void; text: () => string }
  | { kind: "follow"; stream: number; format: FollowFormat };

const SUPPORTED = "conv,tcp | conv,ip | conv,ipv6 | endpoints,tcp | expert | io,stat,INTERVAL | follow,tcp,ascii|hex|raw,N";

/** Parses one `-z` argument, or throws tshark's kind of message (exit 1). */
function parseZ(spec: string): ZStat {
  if (spec === "conv,tcp") {
    const c = new ConvCollector();
    return { kind: "pass", add: (r) => c.add(r), text: () => formatConv(c.table()) };
  }
  if (spec === "conv,ip" || spec === "conv,ipv6") {
    const v6 = spec === "conv,ipv6", c = new IpConvCollector(v6 ? 6 : 4);
    return { kind: "pass", add: (r) => c.add(r), text: () => formatConv(c.table(), v6 ? "IPv6 Conversations" : "IPv4 Conversations", 20) };
  }
  if (spec === "endpoints,tcp") {
    const c = new ConvCollector();
    return { kind: "pass", add: (r) => c.add(r), text: () => formatEndpoints(c.table()) };
  }
  if (spec === "expert") {
    const c = new ExpertCollector();
    return { kind: "pass", add: (r) => c.add(r), text: () => formatExpert(c.table()) };
  }
  const io = /^io,stat,([^,]+)$/.exec(spec);
  if (io !== null) {
    const interval = parseIoInterval(io[1]!);
    if (interval === undefined) throw new CliError(`Invalid -z argument "${spec}": the interval must be seconds ≥ 0.000001, or 0`, 1);
    const c = new IoCollector(interval);
    return {
      kind: "pass", add: (r) => c.add(r), text: () => {
        const t = c.table();
        if (ioRowCount(t) > IO_MAX_ROWS) throw new CliError(`-z ${spec} would print more than ${IO_MAX_ROWS} rows; choose a longer interval`, 1);
        return formatIo(t);
      },
    };
  }
  const fo = /^follow,tcp,(ascii|hex|raw),(\d+)$/.exec(spec);
  if (fo !== null) return { kind: "follow", format: fo[1] as FollowFormat, stream: Number(fo[2]) };
  if (spec.startsWith("io,stat,")) throw new CliError(`-z ${spec}: io,stat with columns (COUNT, SUM, …) is not supported yet (${SUPPORTED})`, 1);
  throw new CliError(`Invalid -z argument "${spec}"; synack takes ${SUPPORTED}`, 1);
}

/** Checks every `-z` before anything is read. */
export function checkZ(specs: readonly string[]): void { for (const s of specs) parseZ(s); }

/** The first `limit` records of `path` (-c N). */
async function* firstRecords(path: string, limit: number, damage: { message?: string }): ReturnType<typeof captureRecords> {
  let n = 0;
  for await (const rec of captureRecords(path, damage)) { yield rec; if (++n >= limit) return; }
}

/** Reads `path` (its first `limit` frames, -c) and returns the text of every statistic in `specs`,
 *  in tshark's order, and where a damaged file stopped (its complete records are counted). */
export async function zStatsText(path: string, specs: readonly string[], limit = Infinity): Promise<{ text: string; damage?: string }> {
  const damage: { message?: string } = {};
  const stats = specs.map(parseZ);
  const passes = stats.filter((s): s is Extract<ZStat, { kind: "pass" }> => s.kind === "pass");
  const reread = stats.length - passes.length + (passes.length > 0 ? 1 : 0) > 1;
  if (path === "-" && reread) throw new CliError("-z follow reads the capture once more: give a file, not stdin, or one -z", 1);
  if (passes.length > 0) for await (const rec of firstRecords(path, limit, damage)) for (const s of passes) s.add(rec);
  const texts: string[] = [];
  for (const s of stats) {
    if (s.kind === "pass") { texts.push(s.text()); continue; }
    const packets = await collectPackets(firstRecords(path, limit, damage), { stream: s.stream });
    texts.push(formatFollow(followStream(packets, s.stream), s.format));
  }
  const text = texts.reverse().join("");
  return damage.message === undefined ? { text } : { text, damage: damage.message };
}

/** `synack stats` spellings of tshark's: `conv,tcp` → conv, `io,stat,N` → io,N (others unchanged). */
export function statsAlias(what: string): string {
  if (what === "conv,tcp") return "conv";
  if (what === "endpoints,tcp") return "endpoints";
  const io = /^io,stat,([^,]+)$/.exec(what);
  return io !== null ? `io,${io[1]}` : what;
}
