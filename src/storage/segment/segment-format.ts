// Constants and fixed-size parts (header, trailer) of the segment file format, docs/format/segment.md.
// Knows byte layouts only; no I/O and nothing about how the engine names or orders segment files.
import { CorruptError, crc32 } from "../../base/index.ts";

/** "STSG" as it appears at offset 0 and in the last 4 bytes of every segment file. */
const SEGMENT_MAGIC = new Uint8Array([0x53, 0x54, 0x53, 0x47]);
/** Format version written by this code and the only one it reads (segment.md §1). */
const SEGMENT_VERSION = 1;
/** Header size in bytes (segment.md §2). Block 0 starts here. */
export const SEGMENT_HEADER_SIZE = 32;
/** Trailer size in bytes (segment.md §5). */
export const SEGMENT_TRAILER_SIZE = 28;
/** Suffix of the file a writer fills before renaming it to its final name. Never a segment. */
export const SEGMENT_TMP_SUFFIX = ".tmp";
/** Error code of every corruption found in a segment file. */
export const SEGMENT_CORRUPT = "STORAGE_SEGMENT_CORRUPT";
/** Error code of a well-formed segment file written by a newer, unknown format version. */
const SEGMENT_VERSION_UNSUPPORTED = "STORAGE_SEGMENT_VERSION";
/** Bytes per block beyond its encoded payload: 1 kind byte and a 4-byte crc32 (segment.md §3). */
export const BLOCK_OVERHEAD_BYTES = 5;
/** Offsets are integers in [0, 2^53): exact as doubles. */
export const MAX_OFFSET_EXCLUSIVE = 2 ** 53;

/** Value representation code in the high nibble of a block's kind byte (segment.md §3). */
export const Repr = { Float64: 0, BigInt64: 1, BigUint64: 2, Strings: 3 } as const;
export type Repr = (typeof Repr)[keyof typeof Repr];

/** Bits of a footer block entry's flags byte (segment.md §4.4). */
export const STAT_EXACT = 1;
export const STAT_NUMERIC = 2;
export const STAT_INTEGER = 4;
export const STAT_KNOWN_BITS = STAT_EXACT | STAT_NUMERIC | STAT_INTEGER;

/** Decoded fixed header. */
export interface SegmentHeader {
  partitionStartNs: bigint;
  partitionDurationNs: number;
}

/** Decoded fixed trailer. */
export interface SegmentTrailer {
  footerOffset: number;
  footerByteLength: number;
  footerCrc: number;
  blockCount: number;
}

function hasMagic(buf: Uint8Array, at: number): boolean {
  return (
    buf[at] === SEGMENT_MAGIC[0] &&
    buf[at + 1] === SEGMENT_MAGIC[1] &&
    buf[at + 2] === SEGMENT_MAGIC[2] &&
    buf[at + 3] === SEGMENT_MAGIC[3]
  );
}

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Encodes the 32-byte header (segment.md §2) into a new array. */
export function encodeSegmentHeader(header: SegmentHeader): Uint8Array {
  const buf = new Uint8Array(SEGMENT_HEADER_SIZE);
  const dv = view(buf);
  buf.set(SEGMENT_MAGIC, 0);
  dv.setUint16(4, SEGMENT_VERSION, true);
  dv.setUint16(6, 0, true);
  dv.setBigInt64(8, header.partitionStartNs, true);
  dv.setBigUint64(16, BigInt(header.partitionDurationNs), true);
  dv.setUint32(24, 0, true);
  dv.setUint32(28, crc32(buf.subarray(0, 28)), true);
  return buf;
}

/**
 * Decodes and validates the header in `buf[0, 32)`. Throws CorruptError (`STORAGE_SEGMENT_CORRUPT`) on a bad
 * magic, crc or value, and CorruptError (`STORAGE_SEGMENT_VERSION`) on a version other than SEGMENT_VERSION.
 */
export function decodeSegmentHeader(buf: Uint8Array, file: string): SegmentHeader {
  const dv = view(buf);
  if (!hasMagic(buf, 0)) throw new CorruptError(SEGMENT_CORRUPT, "bad segment header magic at offset 0", file, 0);
  const want = dv.getUint32(28, true);
  const got = crc32(buf.subarray(0, 28));
  if (want !== got) {
    throw new CorruptError(SEGMENT_CORRUPT, `segment header crc mismatch: want ${hex(want)}, got ${hex(got)}`, file, 0);
  }
  const version = dv.getUint16(4, true);
  if (version !== SEGMENT_VERSION) {
    throw new CorruptError(SEGMENT_VERSION_UNSUPPORTED, `unsupported segment version ${version}`, file, 4);
  }
  const duration = dv.getBigUint64(16, true);
  if (dv.getUint16(6, true) !== 0 || duration === 0n || duration >= 2n ** 53n) {
    throw new CorruptError(SEGMENT_CORRUPT, "bad segment header flags or duration", file, 6);
  }
  return { partitionStartNs: dv.getBigInt64(8, true), partitionDurationNs: Number(duration) };
}

/** Encodes the 28-byte trailer (segment.md §5) into a new array. */
export function encodeSegmentTrailer(trailer: SegmentTrailer): Uint8Array {
  const buf = new Uint8Array(SEGMENT_TRAILER_SIZE);
  const dv = view(buf);
  dv.setBigUint64(0, BigInt(trailer.footerOffset), true);
  dv.setUint32(8, trailer.footerByteLength, true);
  dv.setUint32(12, trailer.footerCrc, true);
  dv.setUint32(16, trailer.blockCount, true);
  dv.setUint32(20, crc32(buf.subarray(0, 20)), true);
  buf.set(SEGMENT_MAGIC, 24);
  return buf;
}

/**
 * Decodes and validates the trailer in `buf[0, 28)`, read from file offset `at` of a file of `fileByteLength`
 * bytes: magic, crc, and that the footer lies exactly between the header and the trailer. Throws CorruptError.
 */
export function decodeSegmentTrailer(
  buf: Uint8Array,
  at: number,
  fileByteLength: number,
  file: string,
): SegmentTrailer {
  const dv = view(buf);
  if (!hasMagic(buf, 24)) {
    throw new CorruptError(SEGMENT_CORRUPT, `bad segment trailer magic at offset ${at + 24}`, file, at + 24);
  }
  const want = dv.getUint32(20, true);
  const got = crc32(buf.subarray(0, 20));
  if (want !== got) {
    const msg = `segment trailer crc mismatch at offset ${at}: want ${hex(want)}, got ${hex(got)}`;
    throw new CorruptError(SEGMENT_CORRUPT, msg, file, at);
  }
  const footerOffset = Number(dv.getBigUint64(0, true));
  const footerByteLength = dv.getUint32(8, true);
  if (footerOffset < SEGMENT_HEADER_SIZE || footerOffset + footerByteLength !== at) {
    const msg = `segment footer [${footerOffset}, +${footerByteLength}) does not end at trailer offset ${at}`;
    throw new CorruptError(SEGMENT_CORRUPT, msg, file, at);
  }
  if (at + SEGMENT_TRAILER_SIZE !== fileByteLength) {
    throw new CorruptError(SEGMENT_CORRUPT, "segment trailer is not at the end of the file", file, at);
  }
  return { footerOffset, footerByteLength, footerCrc: dv.getUint32(12, true), blockCount: dv.getUint32(16, true) };
}

/** Formats a crc for error messages. */
export function hex(value: number): string {
  return "0x" + (value >>> 0).toString(16);
}
