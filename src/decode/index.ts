/** Packet decoding: link layers, IPv4, IPv6, TCP and options, as views and Reprs.
 *  Imports nothing, not even node:*, so it runs in a browser too (STYLE.md §1). */
export {};
