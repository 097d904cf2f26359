/** Capture files: pcap and pcapng reading and writing as streams of records.
 *  Core code: no node:*; file and stdin glue lives in capture/node.ts. */
export {};
