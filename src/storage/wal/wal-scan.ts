// Replay of one WAL file with bounded memory: validates the header and each record frame, hands valid records to
// a callback and describes the first damage (docs/format/wal.md#recovery). Never writes; never throws for damage.
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { CorruptError, UnavailableError } from "../../base/index.ts";
import {
  WAL_HEADER_BYTES,
  WAL_MAX_PAYLOAD_BYTES,
  WAL_RECORD_HEADER_BYTES,
  checkWalHeader,
  getU32,
  hex,
  walRecordCrc,
} from "./wal-format.ts";
import type { WalPosition } from "./wal-types.ts";

/** Default read-ahead of replay, in bytes: large enough for few syscalls, small next to a 64 MiB file. */
const WAL_SCAN_CHUNK_BYTES = 1024 * 1024;

/** Receives one valid record; `payload` aliases the scan buffer and is valid only during the call. */
export type WalRecordCallback = (type: number, payload: Uint8Array, position: WalPosition) => void;

/** What a scan of one file found. Offsets are bytes from the start of the file. */
export interface WalFileScan {
  /** Valid records delivered to the callback. */
  records: number;
  /** File size in bytes when scanned. */
  sizeBytes: number;
  /** Whether the file header was valid; when false no record was read and `validEnd` is 0. */
  headerOk: boolean;
  /** End of the valid prefix: the offset replay stopped at (the file size when there is no damage). */
  validEnd: number;
  /** Description of the damage at `validEnd`, or "" when the file is intact. */
  reason: string;
  /**
   * True when the damage reaches the end of the file (an incomplete record, or a bad record followed only by
   * zeros or nothing): cutting the file at `validEnd` loses no readable byte.
   */
  tail: boolean;
}

/**
 * Reads file `path` (named `name` in positions) expecting header sequence `seq`, calling `onRecord` for each
 * valid record in order. Memory stays near `chunkBytes` plus the largest record. Async; the file is closed before
 * the promise settles. Throws CorruptError `STORAGE_WAL_VERSION` for a valid header of another format version,
 * UnavailableError `STORAGE_WAL_OPEN` when reading fails, and rethrows whatever `onRecord` throws.
 */
export async function scanWalFile(
  path: string,
  name: string,
  seq: number,
  onRecord: WalRecordCallback,
  chunkBytes = WAL_SCAN_CHUNK_BYTES,
): Promise<WalFileScan> {
  const fh = await io(name, 0, () => open(path, "r"));
  try {
    const st = await io(name, 0, () => fh.stat());
    const reader = new WalChunkReader(fh, name, st.size, chunkBytes);
    return await scanOpened(reader, name, seq, onRecord);
  } finally {
    await io(name, 0, () => fh.close());
  }
}

async function scanOpened(
  r: WalChunkReader,
  name: string,
  seq: number,
  onRecord: WalRecordCallback,
): Promise<WalFileScan> {
  const size = r.sizeBytes;
  const headerBytes = Math.min(size, WAL_HEADER_BYTES);
  await r.load(0, headerBytes);
  const header = checkWalHeader(r.buf.subarray(0, headerBytes), seq);
  if (header.foreign) {
    throw new CorruptError("STORAGE_WAL_VERSION", `wal file ${name}: ${header.reason}`, name, 4);
  }
  if (!header.ok) {
    const tail = size <= WAL_HEADER_BYTES || (await r.isZeroFrom(0));
    return { records: 0, sizeBytes: size, headerOk: false, validEnd: 0, reason: header.reason, tail };
  }
  let records = 0;
  let off = WAL_HEADER_BYTES;
  while (off < size) {
    if (!(await r.load(off, WAL_RECORD_HEADER_BYTES))) {
      const tail = true;
      const reason = (await r.isZeroFrom(off))
        ? "zero-filled tail"
        : `torn record header: ${size - off} of ${WAL_RECORD_HEADER_BYTES} bytes`;
      return { records, sizeBytes: size, headerOk: true, validEnd: off, reason, tail };
    }
    let p = off - r.start;
    const payloadBytes = getU32(r.buf, p);
    const wantCrc = getU32(r.buf, p + 4);
    const type = r.buf[p + 8];
    if (type === 0 || payloadBytes > WAL_MAX_PAYLOAD_BYTES) {
      // A frame that cannot be valid: either zeros from a torn write or corruption in the middle.
      const zero = await r.isZeroFrom(off);
      const reason = zero
        ? "zero-filled tail"
        : type === 0
          ? "bad record type 0"
          : `record length ${payloadBytes} exceeds limit ${WAL_MAX_PAYLOAD_BYTES}`;
      return { records, sizeBytes: size, headerOk: true, validEnd: off, reason, tail: zero };
    }
    const end = off + WAL_RECORD_HEADER_BYTES + payloadBytes;
    if (end > size) {
      // Indistinguishable from a length corrupted to point past the end; both are cut (docs/format/wal.md).
      const reason = `torn record: length ${payloadBytes} runs ${end - size} bytes past end of file`;
      return { records, sizeBytes: size, headerOk: true, validEnd: off, reason, tail: true };
    }
    await r.load(off, end - off);
    p = off - r.start;
    const gotCrc = walRecordCrc(r.buf, p, payloadBytes);
    if (gotCrc !== wantCrc) {
      const tail = end === size || (await r.isZeroFrom(end));
      const reason = `record crc mismatch: want 0x${hex(wantCrc)}, got 0x${hex(gotCrc)}`;
      return { records, sizeBytes: size, headerOk: true, validEnd: off, reason, tail };
    }
    const start = p + WAL_RECORD_HEADER_BYTES;
    onRecord(type, r.buf.subarray(start, start + payloadBytes), { file: name, offset: off });
    records++;
    off = end;
  }
  return { records, sizeBytes: size, headerOk: true, validEnd: size, reason: "", tail: false };
}

/**
 * A sliding window over a file: `buf[0 .. end-start)` holds file bytes `[start, end)`. Grows only to fit the
 * largest record asked for. Mutable; used by one scan at a time.
 */
class WalChunkReader {
  /** Immutable after construction. */
  readonly fh: FileHandle;
  readonly name: string;
  readonly sizeBytes: number;
  readonly chunkBytes: number;
  /** Window storage; replaced when a record needs more room. */
  buf: Uint8Array;
  /** File offset of `buf[0]`. */
  start: number;
  /** File offset just past the last loaded byte. */
  end: number;

  constructor(fh: FileHandle, name: string, sizeBytes: number, chunkBytes: number) {
    this.fh = fh;
    this.name = name;
    this.sizeBytes = sizeBytes;
    this.chunkBytes = Math.max(chunkBytes, WAL_HEADER_BYTES);
    this.buf = new Uint8Array(Math.min(this.chunkBytes, Math.max(sizeBytes, WAL_HEADER_BYTES)));
    this.start = 0;
    this.end = 0;
  }

  /** Makes file bytes `[offset, offset + n)` available in `buf`; false when they run past the end of file. */
  async load(offset: number, n: number): Promise<boolean> {
    if (offset + n > this.sizeBytes) return false;
    if (offset >= this.start && offset + n <= this.end) return true;
    const keep = offset >= this.start && offset < this.end ? this.end - offset : 0;
    const capacity = Math.max(this.chunkBytes, this.buf.length);
    const want = Math.max(n, Math.min(capacity, this.sizeBytes - offset));
    if (want > this.buf.length) {
      const grown = new Uint8Array(want);
      grown.set(this.buf.subarray(offset - this.start, offset - this.start + keep));
      this.buf = grown;
    } else if (keep > 0) {
      this.buf.copyWithin(0, offset - this.start, offset - this.start + keep);
    }
    this.start = offset;
    this.end = offset + keep;
    while (this.end - this.start < want) {
      const at = this.end - this.start;
      const pos = this.end;
      const { bytesRead } = await io(this.name, pos, () => this.fh.read(this.buf, at, want - at, pos));
      if (bytesRead === 0) {
        throw new UnavailableError("STORAGE_WAL_OPEN", `wal file ${this.name} shrank while reading at offset ${pos}`);
      }
      this.end += bytesRead;
    }
    return true;
  }

  /** True when every byte from `offset` to the end of file is zero (true for an empty range). */
  async isZeroFrom(offset: number): Promise<boolean> {
    let off = offset;
    while (off < this.sizeBytes) {
      const n = Math.min(this.chunkBytes, this.sizeBytes - off);
      await this.load(off, n);
      const base = off - this.start;
      for (let i = 0; i < n; i++) if (this.buf[base + i] !== 0) return false;
      off += n;
    }
    return true;
  }
}

/** Runs one file-system call, wrapping its failure as UnavailableError `STORAGE_WAL_OPEN` naming file and offset. */
async function io<T>(name: string, offset: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new UnavailableError("STORAGE_WAL_OPEN", `read wal file ${name} at offset ${offset} failed`, { cause: err });
  }
}
