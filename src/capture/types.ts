/** Shared shapes of the capture readers and writers: records, file information, problems, limits. */

/** One packet of a capture file. The reader refills a single instance per record:
 *  `bytes` (and the object itself) are valid until the next record; copy what you keep. */
export interface CaptureRecord {
  /** 1-based frame number in the file, as tshark 4.0 numbers frames (pcapng custom blocks take a number, see reader.ts). */
  index: number;
  /** pcapng interface id within its section (0 for pcap). */
  interface: number;
  /** pcapng: number of the section (SHB) the record is in, from 1; 0 for pcap. */
  section?: number;
  /** LINKTYPE_* value (pcap: the link-type field without the FCS/reserved bits). */
  linkType: number;
  /** Seconds since the epoch, integer (after if_tsoffset). */
  tsSec: number;
  /** Nanoseconds 0..999_999_999. */
  tsNsec: number;
  /** Bytes present in the file for this packet (`bytes.length`). */
  capturedLength: number;
  /** Length of the packet on the wire, as the file states it. */
  originalLength: number;
  /** View into the chunk (or the reader's carry buffer), valid until the next record. */
  bytes: Uint8Array;
  /** pcapng opt_comment options of the packet block, in file order; undefined when it has none
   *  (the common case allocates nothing). */
  comments?: string[] | undefined;
  /** pcapng epb_flags (option 2 of an EPB or PB): the 32-bit flags word; undefined without one. */
  packetFlags?: number | undefined;
  /** pcap only, when the sub-second field is out of range (tsSec/tsNsec are then normalised): the
   *  record's seconds field and its sub-second field as nanoseconds in a signed 32-bit int, which is
   *  what tshark 4.0 shows. Undefined for every valid record. */
  rawTime?: { readonly sec: number; readonly nsec: number } | undefined;
}

/** Creates an empty record to be filled by a reader. */
export function newRecord(): CaptureRecord {
  return { index: 0, interface: 0, section: 0, linkType: 0, tsSec: 0, tsNsec: 0, capturedLength: 0, originalLength: 0,
    bytes: new Uint8Array(0), comments: undefined, packetFlags: undefined, rawTime: undefined };
}

/** One pcapng interface (an IDB), or the single pseudo-interface of a pcap file. */
export interface InterfaceInfo {
  /** LINKTYPE_* value. */
  linkType: number;
  /** Snapshot length; 0 means "no limit". */
  snaplen: number;
  /** The if_tsresol byte (pcapng, default 6: µs); pcap: 6 or 9. Bit 7 set means 2^-n, else 10^-n. */
  tsresol: number;
  /** if_tsoffset in seconds (0 when absent). */
  tsOffset: number;
  /** pcapng if_name and if_description (UTF-8), when the IDB has them. */
  name?: string;
  description?: string;
}

/** One pcapng section (an SHB with its IDBs). */
export interface SectionInfo {
  littleEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  /** Interfaces in IDB order; a record's `interface` indexes this list. */
  interfaces: InterfaceInfo[];
}

/** What the file header says. pcap fills `pcap`, pcapng fills `sections` as they arrive. */
export interface CaptureInfo {
  /** "empty" for a zero-byte input (tshark 4.0 reads it as a file with no packets). */
  format: "pcap" | "pcapng" | "empty";
  /** Byte order of the pcap header, or of the first pcapng section. */
  littleEndian: boolean;
  /** pcap only. */
  pcap?: PcapHeaderInfo;
  /** pcapng only: the first `Limits.maxSections` sections (later ones are read but not listed). */
  sections: SectionInfo[];
  /** Interfaces of the current (last read) section; for pcap the single pseudo-interface. */
  interfaces: InterfaceInfo[];
}

/** The pcap file header. */
export interface PcapHeaderInfo {
  versionMajor: number;
  versionMinor: number;
  /** true for magic a1b23c4d (nanosecond timestamps). */
  nanos: boolean;
  snaplen: number;
  /** The whole 32-bit link-type field as found (FCS bits included). */
  linkTypeField: number;
  /** Link type: the low 16 bits of the field. */
  linkType: number;
  /** FCS length in bytes when the P bit (0x04000000) says it is known: the top 4 bits count 16-bit words. */
  fcsBytes: number | undefined;
  /** The thiszone field (seconds); ignored for timestamps, as tshark 4.0 does. */
  thiszone: number;
}

/** Every problem a reader can report: a closed union, named in Wireshark's expert style. */
export type CaptureProblemCode =
  // pcap, fatal: reading stops after the last complete record
  | "pcap.truncated_record"          // the file ends inside a record header or its data
  | "pcap.record_too_large"          // captured length above Limits.maxRecordBytes (tshark 4.0: 262144)
  // pcap, warnings: the record is still returned
  | "pcap.caplen_exceeds_snaplen"
  | "pcap.caplen_exceeds_origlen"
  | "pcap.bad_subsec"                // µs ≥ 1e6 or ns ≥ 1e9; the record's time is normalised
  // pcapng, fatal
  | "pcapng.truncated_block"
  | "pcapng.block_too_short"         // total length below the block type's minimum
  | "pcapng.block_length_unaligned"  // total length not a multiple of 4
  | "pcapng.block_too_large"         // total length above Limits.maxBlockBytes
  | "pcapng.trailer_mismatch"        // the trailing length differs from the leading one
  | "pcapng.bad_byte_order"          // an SHB with an unknown byte-order magic
  | "pcapng.unknown_version"         // an SHB version other than 1.0 and 1.2
  | "pcapng.bad_option"              // an option runs past the end of its block
  | "pcapng.unknown_interface"       // EPB/PB interface id not declared in this section
  | "pcapng.no_interface"            // SPB before any IDB of the section
  | "pcapng.caplen_exceeds_block"    // the packet data does not fit the block
  | "pcapng.record_too_large"        // captured length above Limits.maxRecordBytes
  | "pcapng.too_many_interfaces"     // more IDBs in a section than Limits.maxInterfaces
  // pcapng, warnings
  | "pcapng.caplen_exceeds_snaplen"
  | "pcapng.caplen_exceeds_origlen"
  // our own bug, caught at the chunk boundary
  | "internal_error";

/** A problem found while reading: where, what, and whether reading stopped. */
export interface CaptureProblem {
  code: CaptureProblemCode;
  /** The record (frame number) the problem belongs to: for fatal problems, the one that could not be read. */
  record: number;
  /** Absolute byte offset of the record or block in the input. */
  at: number;
  /** true when reading stopped here (tshark 4.0 stops too, and exits 2 after the frames before). */
  fatal: boolean;
  /** The offending raw value (a length, a sub-second field, a version...), when there is one. */
  value: number;
  /** One line: `record 17 at byte 1234: captured length 70000 exceeds snaplen 65535`. */
  message: string;
}

/** Caps on what a reader buffers and remembers. Hitting one is a problem value, never growth. */
export interface Limits {
  /** Largest captured length accepted (tshark 4.0, WTAP_MAX_PACKET_SIZE_STANDARD: 262144). */
  maxRecordBytes: number;
  /** Largest pcapng block buffered (default 16 MiB; tshark 4.0 accepts up to about 128 MiB). */
  maxBlockBytes: number;
  /** Most interfaces per pcapng section. */
  maxInterfaces: number;
  /** Most sections listed in `CaptureInfo.sections` (further ones are read, not listed). */
  maxSections: number;
  /** Most warnings kept in `problems` (further ones are only counted). */
  maxProblems: number;
}

/** Defaults: tshark 4.0's packet size cap, 16 MiB blocks, 4096 interfaces per section, 64 sections listed, 1000 problems. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRecordBytes: 262_144,
  maxBlockBytes: 16 * 1024 * 1024,
  maxInterfaces: 4096,
  maxSections: 64,
  maxProblems: 1000,
});

/** Stable codes of the file-level refusals (tshark 4.0 refuses the same files and exits 2). */
export type CaptureFileErrorCode =
  | "E_PCAP_MAGIC"              // neither a pcap nor a pcapng magic number
  | "E_CAPTURE_TRUNCATED"       // the input ends inside the file header / first SHB
  | "E_PCAP_VERSION"            // pcap major version below 2
  | "E_PCAP_LINKTYPE_RESERVED"  // reserved bits 0x03FF0000 of the link-type field set
  | "E_PCAPNG_BYTE_ORDER"       // first SHB with an unknown byte-order magic
  | "E_PCAPNG_VERSION"          // first SHB version other than 1.0 / 1.2
  | "E_PCAPNG_SHB";             // first SHB damaged (too short, bad option, trailer mismatch)

/** A file we refuse to read at all, with a stable code and a one-line message. */
export class CaptureFileError extends Error {
  override readonly name = "CaptureFileError";
  constructor(readonly code: CaptureFileErrorCode, message: string) { super(message); }
}
