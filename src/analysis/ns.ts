/** Nanosecond arithmetic that V8 compiles as floating point from the first run. */

/** 10^9 held as a double (a heap number, not a small integer). `sec * NS_PER_SEC + sub` is then
 *  floating-point arithmetic from the start; with a small-integer 10^9 V8 first speculates that
 *  the product fits 32 bits, and the first time it does not (3 s into a conversation) the
 *  function deoptimizes and is compiled again (observe() and its callees: tens of ms each). */
export const NS_PER_SEC: number = new Float64Array([1e9])[0]!;

/** seconds + ns parts → ns (rounded past 2^53 ns, ~104 days). */
export const nsOf = (sec: number, sub: number): number => sec * NS_PER_SEC + sub;
