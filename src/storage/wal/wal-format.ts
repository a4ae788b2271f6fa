// WAL byte layout: file names, the 16-byte file header and the record frame (docs/format/wal.md).
// Pure functions over Uint8Array; knows nothing of files, queues or what payloads mean.
import { crc32 } from "../../base/index.ts";

/** File magic, ASCII "STWL" (docs/format/wal.md#file-header). */
const WAL_MAGIC = 0x4c575453; // "STWL" read as a little-endian u32
/** Format version written in every file header; readers refuse any other version. */
const WAL_VERSION = 1;
/** Bytes in a file header: magic u32, version u16, reserved u16, sequence u32, header crc u32. */
export const WAL_HEADER_BYTES = 16;
/** Bytes in a record frame before the payload: length u32, crc u32, type u8. */
export const WAL_RECORD_HEADER_BYTES = 9;
/**
 * Largest payload a record may carry, in bytes (128 MiB). It bounds the replay read buffer and lets replay tell a
 * corrupted length field from a plausible one (docs/format/wal.md#records).
 */
export const WAL_MAX_PAYLOAD_BYTES = 128 * 1024 * 1024;

const NAME_PATTERN = /^(\d{8,})\.wal$/;

/** File name of WAL file `seq`: the sequence zero-padded to 8 digits plus `.wal` (`00000001.wal`). */
export function walFileName(seq: number): string {
  return String(seq).padStart(8, "0") + ".wal";
}

/** Sequence number encoded in a WAL file name, or -1 when `name` is not a WAL file name. */
export function parseWalFileName(name: string): number {
  const m = NAME_PATTERN.exec(name);
  if (m === null) return -1;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) && seq >= 1 && seq <= 0xffffffff ? seq : -1;
}

/** Returns a new 16-byte header for file `seq` (1..2^32-1). The caller owns the returned buffer. */
export function encodeWalHeader(seq: number): Uint8Array {
  const buf = new Uint8Array(WAL_HEADER_BYTES);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, WAL_MAGIC, true);
  dv.setUint16(4, WAL_VERSION, true);
  dv.setUint16(6, 0, true);
  dv.setUint32(8, seq, true);
  dv.setUint32(12, crc32(buf.subarray(0, 12)), true);
  return buf;
}

/** Outcome of checking a file header: `ok`, or damage described by `reason`, or a foreign format version. */
export interface WalHeaderCheck {
  ok: boolean;
  /** True when magic and crc are valid but the version is not WAL_VERSION: not damage, another format. */
  foreign: boolean;
  /** Why the header is unusable; empty when `ok`. */
  reason: string;
}

/**
 * Checks the header at the start of `bytes` (which holds `min(fileSize, 16)` bytes of the file) against
 * `expectedSeq`. Never throws; `bytes` is only read.
 */
export function checkWalHeader(bytes: Uint8Array, expectedSeq: number): WalHeaderCheck {
  if (bytes.length === 0) return { ok: false, foreign: false, reason: "empty file" };
  if (bytes.length < WAL_HEADER_BYTES) {
    return { ok: false, foreign: false, reason: `truncated header: ${bytes.length} of ${WAL_HEADER_BYTES} bytes` };
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, WAL_HEADER_BYTES);
  const magic = dv.getUint32(0, true);
  if (magic !== WAL_MAGIC) return { ok: false, foreign: false, reason: `bad magic 0x${hex(magic)}` };
  const want = dv.getUint32(12, true);
  const got = crc32(bytes.subarray(0, 12));
  if (want !== got)
    return { ok: false, foreign: false, reason: `header crc mismatch: want 0x${hex(want)}, got 0x${hex(got)}` };
  const version = dv.getUint16(4, true);
  if (version !== WAL_VERSION) return { ok: false, foreign: true, reason: `unsupported version ${version}` };
  const seq = dv.getUint32(8, true);
  if (seq !== expectedSeq) {
    return {
      ok: false,
      foreign: false,
      reason: `header sequence ${seq} does not match file name sequence ${expectedSeq}`,
    };
  }
  return { ok: true, foreign: false, reason: "" };
}

/**
 * Writes the frame header of a record whose type byte and payload are already at `buf[pos + 8 ..]`: length at
 * `pos`, then the crc of length, type and payload at `pos + 4`. `payloadBytes` is the payload length.
 */
export function sealWalRecord(buf: Uint8Array, pos: number, payloadBytes: number): void {
  putU32(buf, pos, payloadBytes);
  putU32(buf, pos + 4, walRecordCrc(buf, pos, payloadBytes));
}

/**
 * CRC-32 (IEEE) a record frame must carry: over its 4 length bytes, then its type byte and payload
 * (`buf[pos .. pos+4) ++ buf[pos+8 .. pos+9+payloadBytes)`), so a corrupted length is caught too.
 */
export function walRecordCrc(buf: Uint8Array, pos: number, payloadBytes: number): number {
  const c = crc32(buf.subarray(pos, pos + 4));
  return crc32(buf.subarray(pos + 8, pos + WAL_RECORD_HEADER_BYTES + payloadBytes), c);
}

/** Little-endian u32 at `buf[pos]`, unsigned. */
export function getU32(buf: Uint8Array, pos: number): number {
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
}

/** Writes `value` (0..2^32-1) as a little-endian u32 at `buf[pos]`. */
function putU32(buf: Uint8Array, pos: number, value: number): void {
  buf[pos] = value & 0xff;
  buf[pos + 1] = (value >>> 8) & 0xff;
  buf[pos + 2] = (value >>> 16) & 0xff;
  buf[pos + 3] = (value >>> 24) & 0xff;
}

/** Lower-case hex of an unsigned 32-bit number, for messages. */
export function hex(value: number): string {
  return (value >>> 0).toString(16);
}
