/** TCP analysis: conversations (tcp.stream), sequence analysis and expert flags, window
 *  scaling, endpoint states, RTT and bytes in flight (spec/tcp-analysis.md). */
export {};
