/** Diagrams of issues 7 and 17: the RFC 9293 §3.1 header diagram with a packet's values, the bytes
 *  primer, ladder diagrams of a stream (model, ASCII, SVG) and stream graphs (SVG). Core code: no node:*. */
export * from "./header.js";
export * from "./primer.js";
export * from "./ladder.js";
export * from "./ladder-svg.js";
export * from "./graph-axes.js";
export * from "./graph-svg.js";
