/** Teaching: the packet narrative, colours, header and ladder diagrams, the bytes primer. */
export * from "./color.js";
export * from "./narrative.js";
export * from "./diagrams/index.js";
