import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { wrapText } from "../../explain/index.js";
import {
  labCapturePath, labPreflight, labReport, LabError, netemPresent, runScenario, scenarioByName, SCENARIOS,
  type LabReport, type Scenario,
} from "../../lab/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";
import { writeOut } from "./capture-input.js";

export const LAB_USAGE = `synack lab list
synack lab run NAME [-w out.pcapng [--force]] [--ipv6] [--seed N]
synack lab show NAME
  TCP behaviours made to happen on the real kernel: two network namespaces joined by a veth
  pair (198.18.0.0/15, fd53:796e:6163::/48), faults from nft and tc, a live capture (tcpdump),
  then the packet list, the ladder, the key packets explained and a verdict line per expected
  phenomenon (exit 0 when all are as expected, 1 otherwise).
  run    needs root (or CAP_NET_ADMIN + CAP_NET_RAW), nft, tc, tcpdump, ethtool
  show   the same report on a capture recorded with the package (no privileges needed)
  --ipv6 run over IPv6; --seed N chooses the random drops (random-loss)`;

const WIDTH = 100;

/** \`synack lab\`. */
export async function labCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions({
    args, strict: true, allowPositionals: true, options: {
      write: { type: "string", short: "w" }, force: { type: "boolean" }, ipv6: { type: "boolean" },
      seed: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(LAB_USAGE + "\n"); return 0; }
  const [sub, name, ...extra] = positionals;
  if (sub === undefined) throw new CliError("give a subcommand: list, run NAME or show NAME (synack lab --help)", EXIT_USAGE);
  if (extra.length > 0) throw new CliError(`unexpected argument '${extra[0]}'`, EXIT_USAGE);
  if (sub === "list") {
    if (name !== undefined) throw new CliError(`unexpected argument '${name}'`, EXIT_USAGE);
    const w = Math.max(...SCENARIOS.map((s) => s.name.length));
    await writeOut(SCENARIOS.map((s) => `${s.name.padEnd(w)}  ${s.title}${existsSync(labCapturePath(s.name)) ? "" : "  (no recorded capture)"}`).join("\n") + "\n");
    return 0;
  }
  if (sub !== "run" && sub !== "show") throw new CliError(`unknown subcommand '${sub}' (list, run or show)`, EXIT_USAGE);
  if (name === undefined) throw new CliError(`give a scenario name: synack lab ${sub} NAME (synack lab list shows them)`, EXIT_USAGE);
  const s = scenarioByName(name);
  if (s === undefined) throw new CliError(`unknown scenario '${name}' (synack lab list shows them)`, EXIT_USAGE);
  if (sub === "show") {
    if (values.write !== undefined || values.ipv6 || values.seed !== undefined) throw new CliError("-w, --ipv6 and --seed go with lab run", EXIT_USAGE);
    const path = labCapturePath(s.name);
    if (!existsSync(path)) throw new CliError(`no recorded capture for '${s.name}' (${path}); record it as root with: node scripts/record-lab.mjs ${s.name}`);
    const capture = new Uint8Array(readFileSync(path));
    const out = header(s, [`recorded capture: ${path}`], []);
    return finish(out, await labReport(s, capture));
  }
  const seed = values.seed === undefined ? 1 : /^\d+$/.test(values.seed) ? Number(values.seed) : NaN;
  if (!Number.isSafeInteger(seed)) throw new CliError(`--seed must be a non-negative integer, not '${values.seed}'`, EXIT_USAGE);
  const file = values.write;
  if (file !== undefined && !values.force && existsSync(file)) throw new CliError(`'${file}' exists; add --force to overwrite it`);
  const why = labPreflight();
  if (why !== undefined) throw new CliError(why, EXIT_USAGE);
  let run;
  try {
    run = await runScenario(s, { family: values.ipv6 ? 6 : 4, seed });
  } catch (err) {
    if (err instanceof LabError) throw new CliError(err.message, err.code === "TIMEOUT" ? 1 : EXIT_USAGE);
    throw err;
  }
  const setup = [...run.setup, ...run.events.client.concat(run.events.server).filter((e) => e.event === "error")
    .map((e) => `program: ${e.event === "error" ? `${e.code} (${e.message})` : ""}`)];
  if (file !== undefined) {
    try { writeFileSync(file, run.pcapng, { flag: values.force ? "w" : "wx" }); } catch (err) {
      throw new CliError(`cannot write '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    setup.push(`capture (${run.packets.length} packets) written to ${file}`);
  }
  setup.push(`ran in ${(run.durationMs / 1000).toFixed(1)} s`);
  const notes = netemPresent() === false ? run.notes : run.notes;
  return finish(header(s, setup, notes), await labReport(s, run.pcapng));
}

function header(s: Scenario, setup: readonly string[], notes: readonly string[]): string[] {
  const out = [`== ${s.name}: ${s.title} ==`, ...wrapText(s.about, WIDTH, ""), "", "== Setup =="];
  for (const l of setup) out.push(...wrapText(`  ${l}`, WIDTH, "    "));
  for (const n of notes) out.push(...wrapText(`  note: ${n}`, WIDTH, "    "));
  return out;
}

async function finish(out: string[], r: LabReport): Promise<number> {
  out.push("", "== Packet list ==", ...r.list);
  for (const l of r.ladders) out.push("", `== Ladder (TCP stream ${l.stream}) ==`, ...l.lines);
  out.push("", "== Key packets ==");
  for (const k of r.keys) {
    out.push(...wrapText(`  ${k.summary}`, WIDTH, "    "));
    for (const l of k.lines.slice(1)) out.push(...wrapText(`      ${l}`, WIDTH, "        "));
  }
  if (r.keys.length === 0) out.push("  (none)");
  out.push("", "== Verdict ==", ...r.verdictLines);
  const bad = r.verdict.phenomena.filter((v) => !v.ok).length;
  out.push(bad === 0 ? `all ${r.verdict.phenomena.length} expected phenomena seen` : `${bad} of ${r.verdict.phenomena.length} expected phenomena not as expected`);
  await writeOut(out.join("\n") + "\n");
  return bad === 0 ? 0 : 1;
}
