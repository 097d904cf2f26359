// Writes dist/cli/main.js, the package's "bin", as a two-line launcher for the compiled
// CLI at dist/src/cli/main.js (tsc keeps src/ and test/ side by side under dist/).
import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
const target = new URL("../dist/cli/main.js", import.meta.url);
mkdirSync(new URL("../dist/cli/", import.meta.url), { recursive: true });
writeFileSync(target, '#!/usr/bin/env node\nimport "../src/cli/main.js";\n');
chmodSync(target, 0o755);
