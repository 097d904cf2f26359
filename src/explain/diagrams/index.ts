/** Diagrams of issue 7: the RFC 9293 §3.1 header diagram with a packet's values, the bytes
 *  primer, and ladder diagrams of a stream (model, ASCII, SVG). Core code: no node:*. */
export * from "./header.js";
export * from "./primer.js";
export * from "./ladder.js";
export * from "./ladder-svg.js";
