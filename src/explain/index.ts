/** Explanations and rendering models: field registry, Info column, tshark-style rows,
 *  header diagrams and ladder diagrams. */
export {};
// Narrative, diagrams, ladders, follow, stats (issue 7).
export * from "./packets.js";
export * from "./color.js";
export * from "./follow.js";
export * from "./narrative.js";
// Field registry, expert items, Info column and tshark -T fields rows (issues 4-5).
export * from "./fields.js";
export * from "./expert.js";
export * from "./info.js";
export * from "./rows.js";
// Header diagram, bytes primer, ladder diagrams (issue 7).
export * from "./diagrams/index.js";
