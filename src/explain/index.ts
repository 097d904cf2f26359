/** Explanations and rendering models: field registry, Info column, tshark-style rows,
 *  header diagrams and ladder diagrams. */
export {};
