/** Regenerates known-diffs.tsv from the current differences, giving each the reason of the rule
 *  that matches it; a difference no rule explains is printed and not written (fix it instead).
 *  `node dist/test/diff/make-ledger.js > test/diff/known-diffs.tsv` */
import { compareAll } from "./compare.js";

const RULES: ReadonlyArray<{ capture: RegExp; field: RegExp; want?: RegExp; reason: string; issue: string }> = [
  { capture: /timestamp_invalid_nano\.pcap$/, field: /^tcp\.(time_relative|time_delta|analysis\.(ack|initial)_rtt)$/, issue: "4",
    reason: "pcap sub-second field out of range: tshark 4.0 subtracts the raw, unnormalised times (ns as a signed 32-bit value) and prints the odd result (1.1147483649); we subtract the normalised record times" },
  { capture: /pcapng-example\.pcapng$/, field: /^tcp\.analysis\.ack_rtt$/, issue: "5",
    reason: "ack RTT across ~46 years exceeds 2^53 ns: src/analysis keeps ns since the conversation start in a double (time_relative/time_delta here use sec+ns pairs and agree)" },
  { capture: /filter__http_PPI\.pcap$/, field: /^_ws\.expert\./, issue: "4",
    reason: "PPI 802.11n MAC+PHY field experts (no STBC / FEC information); the decoder skips PPI field TLVs" },
];

const { diffs } = await compareAll();
const out = ["capture\tframe\tfield\treason\tissue"];
for (const d of diffs) {
  const rule = RULES.find((r) => r.capture.test(d.capture) && r.field.test(d.field));
  if (rule === undefined) { process.stderr.write(`unexplained: ${d.capture} frame ${d.frame} ${d.field}: want ${JSON.stringify(d.want)} got ${JSON.stringify(d.got)}\n`); continue; }
  out.push(`${d.capture}\t${d.frame}\t${d.field}\t${rule.reason}\t${rule.issue}`);
}
process.stdout.write(out.join("\n") + "\n");
