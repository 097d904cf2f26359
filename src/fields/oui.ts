/** Vendor names of MAC address prefixes (`eth.*.oui_resolved`). The table (the IEEE MA-L registry,
 *  data/ieee-oui.tsv.gz, made by scripts/make-oui.mjs from Debian's ieee-data) is large, so the
 *  core holds only a resolver that a host (the CLI) installs when an output needs the names. */
let resolver: ((oui: number) => string | undefined) | undefined;

/** Installs (or with undefined removes) the vendor-name lookup. */
export function setOuiResolver(fn: ((oui: number) => string | undefined) | undefined): void { resolver = fn; }

/** The vendor of a 24-bit OUI, when a resolver is installed and knows it. */
export function ouiName(oui: number): string | undefined { return resolver?.(oui); }
