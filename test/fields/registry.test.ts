/** The field registry (STYLE §8) and the number formatting of `-T fields` (spec §14.2). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIELDS, FIELD_NAMES, fieldId, REFERENCE_FIELDS } from "../../src/fields/registry.js";
import { FieldRows, formatNs, formatSecNs, UnknownFieldError } from "../../src/tshark/rows.js";
import { sharedDir } from "../support/paths.js";

test("fields: the registry holds the reference fields of make-refs.sh, in its order", () => {
  const script = readFileSync(join(sharedDir(), "captures", "make-refs.sh"), "utf8");
  const list = /FIELDS=\(([\s\S]*?)\)/.exec(script)![1]!.split(/\s+/).filter((f) => f !== "");
  assert.ok(list.length >= 62);
  assert.deepEqual([...REFERENCE_FIELDS], list);
});

test("fields: every field has a kind and a one-line doc", () => {
  for (const name of FIELD_NAMES) {
    const def = FIELDS[name];
    assert.ok(def.kind.length > 0, name);
    assert.ok(def.doc.length > 10 && !def.doc.includes("\n"), name);
    assert.equal(FIELD_NAMES[fieldId(name)], name);
  }
  assert.equal(fieldId("bogus.field"), -1);
  assert.equal(fieldId("toString"), -1);
});

test("fields: an unknown field is refused with every bad name", () => {
  assert.throws(() => new FieldRows(["frame.number", "nope", "tcp.nope"]),
    (e: unknown) => e instanceof UnknownFieldError && e.fields.join() === "nope,tcp.nope");
});

test("fields: durations print with 9 decimals by integer arithmetic", () => {
  assert.equal(formatNs(0), "0.000000000");
  assert.equal(formatNs(1_000_000), "0.001000000");
  assert.equal(formatNs(-53_576), "-0.000053576");
  assert.equal(formatNs(1_000_000_001), "1.000000001");
  // 46 years apart (shared/captures pcapng-example frames 1-2): beyond 2^53 ns, exact from sec + ns.
  assert.equal(formatSecNs(2894531997 - 1422527998, 938836488 - 578402281), "1472003999.360434207");
  assert.equal(formatSecNs(1422527998 - 2894531997, 578455857 - 938836488), "-1472003999.360380631");
  assert.equal(formatSecNs(5, -1), "4.999999999");
});
