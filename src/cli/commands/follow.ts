import { collectPackets } from "../../analysis/index.js";
import { followStream, formatFollow, type FollowFormat } from "../../tshark/index.js";
import { CliError, EXIT_USAGE, parseOptions } from "../errors.js";
import { captureRecords, parseIndex, writeOut } from "./capture-input.js";

export const FOLLOW_USAGE = `synack follow -r FILE --stream N [--format ascii|hex|raw] [--json]
  The bytes of TCP stream N in each direction, in sequence order, exactly as
  tshark -q -z follow,tcp,FORMAT,N prints them (retransmitted bytes once, out-of-order data
  where it belongs). --json gives the chunks as data (bytes in hex).`;

const FORMATS: readonly FollowFormat[] = ["ascii", "hex", "raw"];

/** \`synack follow\`. */
export async function followCommand(args: string[]): Promise<number> {
  const { values } = parseOptions({
    args, strict: true, options: {
      read: { type: "string", short: "r" }, stream: { type: "string" }, format: { type: "string" },
      json: { type: "boolean" }, color: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { await writeOut(FOLLOW_USAGE + "\n"); return 0; }
  const stream = parseIndex(values.stream, "--stream");
  if (stream === undefined) throw new CliError("--stream N is required", EXIT_USAGE);
  const format = (values.format ?? "ascii") as FollowFormat;
  if (!FORMATS.includes(format)) throw new CliError(`--format must be ascii, hex or raw, not '${values.format}'`, EXIT_USAGE);
  const packets = await collectPackets(captureRecords(values.read), { stream });
  const f = followStream(packets, stream);
  if (values.json) {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    await writeOut(JSON.stringify({
      stream, node0: f.node0 ?? null, node1: f.node1 ?? null, bytes: f.bytes,
      chunks: f.chunks.map((c) => ({ node: c.node, frame: c.frame, missing: c.missing, length: c.bytes.length, hex: hex(c.bytes) })),
    }, null, 2) + "\n");
    return 0;
  }
  await writeOut(formatFollow(f, format));
  return 0;
}
