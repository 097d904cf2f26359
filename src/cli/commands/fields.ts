import { glossaryLines } from "../../fields/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";

export const FIELDS_USAGE = `synack fields [PREFIX]
  Lists every field synack knows, one a line, as tshark 4.0 -G fields does: protocols as
  P<TAB>name<TAB>abbrev, fields as F<TAB>name<TAB>abbrev<TAB>type<TAB>protocol<TAB>base<TAB>bitmask<TAB>
  (tshark's descriptions are not copied; synack's own synack.* fields carry ours). PREFIX keeps the
  names that start with it (tcp.flags, ip.). Every field listed is accepted by read -e and -Y.
  The same list: synack read -G fields.`;

/** Prints the glossary lines of the fields starting with `prefix` (all without one). */
export function writeGlossary(prefix = ""): void {
  const lines = glossaryLines(prefix);
  process.stdout.write(lines.length === 0 ? "" : lines.join("\n") + "\n");
}

/** `synack fields [PREFIX]`: the field catalogue; exit 0, or 1 when PREFIX matches nothing. */
export async function fieldsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions({ args, options: { help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
  if (values.help) { process.stdout.write(FIELDS_USAGE + "\n"); return 0; }
  if (positionals.length > 1) throw new CliError(`unexpected argument '${positionals[1]}'`, EXIT_USAGE);
  const prefix = positionals[0] ?? "";
  if (glossaryLines(prefix).length === 0) throw new CliError(`no field starts with '${prefix}'`, 1);
  writeGlossary(prefix);
  return 0;
}
