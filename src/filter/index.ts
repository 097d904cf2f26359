/** Display filters (`synack read -Y`): a documented subset of Wireshark 4.0's language
 *  (docs/filters.md), compiled once to a closure tree and run per frame without allocating. */
export { compileFilter, formatFilterError, FILTER_ALIASES } from "./compile.js";
export type {
  CompileResult, DisplayFilter, FilterError, FilterFieldInfo, FilterFields, FilterFrame, FilterKind, FilterValue,
} from "./types.js";
