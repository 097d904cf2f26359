/** tshark's `-z` statistics as `synack read -q -z SPEC …` takes them (and `synack stats` accepts the
 *  same spellings): `conv,tcp`, `conv,ip`, `conv,ipv6`, `endpoints,tcp`, `expert`, `io,stat,INTERVAL`, `follow,tcp,ascii|hex|raw,N`. Each
 *  prints what tshark 4.0.17 prints; several `-z` print in tshark's order, the last given first. */
import { collectPackets } from "../../analysis/index.js";
import {
  compileFrameFilter, compileIoFilters, ConvCollector, ExpertCollector, followStream, formatConv, formatEndpoints, formatExpert, formatFollow,
  formatIo, type FollowFormat, type FrameFilter, IO_MAX_ROWS, IoStatCollector, IoStatError, type IoStatSpec, IpConvCollector, ioRowCount,
  parseIoStat, primedFields,
} from "../../tshark/index.js";
import { CliError } from "../errors.js";
import { captureRecords } from "./capture-input.js";

/** One statistic: collected from the records of one pass, or (follow) from a pass of its own. */
type ZStat =
  | { kind: "pass"; add: (rec: Parameters<ConvCollector["add"]>[0]) => void; text: () => string; origin?: (rec: Parameters<ConvCollector["add"]>[0]) => void }
  | { kind: "io"; spec: IoStatSpec; filters: Array<FrameFilter | undefined>; arg: string }
  | { kind: "follow"; stream: number; format: FollowFormat };

const SUPPORTED = "conv,tcp | conv,ip | conv,ipv6 | endpoints,tcp | expert | io,stat,INTERVAL[,COLUMN]… | follow,tcp,ascii|hex|raw,N";

/** Parses one `-z` argument, or throws tshark's kind of message (exit 1). */
function parseZ(spec: string): ZStat {
  if (spec === "conv,tcp") {
    const c = new ConvCollector();
    return { kind: "pass", add: (r) => c.add(r), origin: (r) => c.origin(r), text: () => formatConv(c.table()) };
  }
  if (spec === "conv,ip" || spec === "conv,ipv6") {
    const v6 = spec === "conv,ipv6", c = new IpConvCollector(v6 ? 6 : 4);
    return { kind: "pass", add: (r) => c.add(r), origin: (r) => c.origin(r), text: () => formatConv(c.table(), v6 ? "IPv6 Conversations" : "IPv4 Conversations", 20) };
  }
  if (spec === "endpoints,tcp") {
    const c = new ConvCollector();
    return { kind: "pass", add: (r) => c.add(r), text: () => formatEndpoints(c.table()) };
  }
  if (spec === "expert") {
    const c = new ExpertCollector();
    return { kind: "pass", add: (r) => c.add(r), text: () => formatExpert(c.table()) };
  }
  if (spec.startsWith("io,stat")) {
    try {
      const io = parseIoStat(spec);
      return { kind: "io", spec: io, filters: compileIoFilters(io), arg: spec };
    } catch (e) {
      if (e instanceof IoStatError) throw new CliError(e.message, e.status);
      throw e;
    }
  }
  const fo = /^follow,tcp,(ascii|hex|raw),(\d+)$/.exec(spec);
  if (fo !== null) return { kind: "follow", format: fo[1] as FollowFormat, stream: Number(fo[2]) };
  throw new CliError(`Invalid -z argument "${spec}"; synack takes ${SUPPORTED}`, 1);
}

/** Checks every `-z` before anything is read. */
export function checkZ(specs: readonly string[]): void { for (const s of specs) parseZ(s); }

/** The first `limit` records of `path` (-c N). */
async function* firstRecords(path: string, limit: number, damage: { message?: string }): ReturnType<typeof captureRecords> {
  let n = 0;
  for await (const rec of captureRecords(path, damage)) { yield rec; if (++n >= limit) return; }
}

/** What else the run filters on: `-Y` (its fields are primed for io,stat calculations, as in
 *  tshark; the statistics still count every frame) and `-2 -R` (only the frames it keeps count). */
export interface ZFilters { display?: string | undefined; read?: string | undefined }

/** Reads `path` (its first `limit` frames, -c) and returns the text of every statistic in `specs`,
 *  in tshark's order, and where a damaged file stopped (its complete records are counted). */
export async function zStatsText(path: string, specs: readonly string[], limit = Infinity, filters: ZFilters = {}):
    Promise<{ text: string; damage?: string }> {
  const damage: { message?: string } = {};
  const stats = specs.map(parseZ);
  const extra: FrameFilter[] = [];
  for (const f of [filters.display, filters.read]) {
    if (f === undefined || f.trim() === "") continue;
    const c = compileFrameFilter(f);
    if (c.ok) extra.push(c.filter);
  }
  const read = filters.read !== undefined && filters.read.trim() !== "" ? extra[extra.length - 1] : undefined;
  const primed = primedFields([...extra, ...stats.flatMap((s) => s.kind === "io" ? s.filters.filter((f) => f !== undefined) : [])]);
  const collectors = new Map<ZStat, IoStatCollector>();
  for (const s of stats) if (s.kind === "io") collectors.set(s, new IoStatCollector(s.spec, s.filters, primed));
  const passes = stats.filter((s): s is Exclude<ZStat, { kind: "follow" }> => s.kind !== "follow");
  const reread = stats.length - passes.length + (passes.length > 0 ? 1 : 0) > 1;
  if (path === "-" && reread) throw new CliError("-z follow reads the capture once more: give a file, not stdin, or one -z", 1);
  if (passes.length > 0) {
    try {
      for await (const rec of firstRecords(path, limit, damage)) {
        const kept = read === undefined || read.matches(rec);
        for (const s of passes) {
          if (s.kind === "io") collectors.get(s)!.add(rec, undefined, kept);
          else if (kept) s.add(rec);
          else s.origin?.(rec);
        }
      }
    } catch (e) {
      if (e instanceof IoStatError) throw new CliError(e.message, e.status);
      throw e;
    }
  }
  const texts: string[] = [];
  for (const s of stats) {
    if (s.kind === "pass") { texts.push(s.text()); continue; }
    if (s.kind === "io") {
      const t = collectors.get(s)!.table();
      if (ioRowCount(t) > IO_MAX_ROWS) throw new CliError(`-z ${s.arg} would print more than ${IO_MAX_ROWS} rows; choose a longer interval`, 1);
      texts.push(formatIo(t));
      continue;
    }
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
  return what;
}
