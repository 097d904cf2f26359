/** tshark-compatible outputs: the summary line and Info column, `-T fields` rows, `-V` details,
 *  `-T json`, the hex dump, `-z` statistics and `follow`. */
export * from "./bytes-out.js";
export * from "./info.js";
export * from "./rows.js";
export * from "./tree-rows.js";
export * from "./summary.js";
export * from "./hexdump.js";
export * from "./tree.js";
export * from "./json.js";
export * from "./stats.js";
export * from "./iostat.js";
export * from "./follow.js";
export * from "./session.js";
export * from "./frame-filter.js";
export * from "./json-options.js";
export * from "./ek.js";
