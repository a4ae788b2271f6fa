// Opens a segment file (docs/format/segment.md): validates header, trailer and footer at open, then serves the
// block index and synchronous, crc-checked block reads. Knows nothing of partitions' other segments or the head.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { CorruptError, InvalidError, NotFoundError, UnavailableError, crc32, isTsdbError } from "../../base/index.ts";
import type { FieldType } from "../model/index.ts";
import type { BlockStats } from "../aggregate/index.ts";
import type { DecodedBlock } from "./decoded-block.ts";
import type { SegmentColumnMeta } from "./segment-column-meta.ts";
import { decodeSegmentBlock } from "./segment-block-codec.ts";
import type { BlockLocation } from "./segment-block-codec.ts";
import {
  S_FIRST,
  S_LAST,
  S_MAX,
  S_MAX_AT,
  S_MAX_OFF,
  S_MIN,
  S_MIN_AT,
  S_MIN_OFF,
  S_SUM,
  STATS_STRIDE,
  parseSegmentFooter,
} from "./segment-footer-parser.ts";
import type { SegmentFooter } from "./segment-footer-parser.ts";
import {
  SEGMENT_CORRUPT,
  SEGMENT_HEADER_SIZE,
  SEGMENT_TRAILER_SIZE,
  STAT_EXACT,
  decodeSegmentHeader,
  decodeSegmentTrailer,
  hex,
} from "./segment-format.ts";

function ioError(what: string, file: string, cause: unknown): Error {
  if (isTsdbError(cause)) return cause;
  const errno = (cause as { code?: string } | null)?.code ?? "error";
  if (errno === "ENOENT")
    return new NotFoundError("STORAGE_SEGMENT_NOT_FOUND", `${what} ${file}: no such file`, { cause });
  return new UnavailableError("STORAGE_SEGMENT_IO", `${what} ${file}: ${errno}`, { cause });
}

async function readAt(handle: FileHandle, file: string, position: number, byteLength: number): Promise<Uint8Array> {
  const buf = new Uint8Array(byteLength);
  let done = 0;
  while (done < byteLength) {
    const { bytesRead } = await handle.read(buf, done, byteLength - done, position + done);
    if (bytesRead === 0) {
      const at = position + done;
      throw new CorruptError(SEGMENT_CORRUPT, `segment ends at offset ${at}, want ${position + byteLength}`, file, at);
    }
    done += bytesRead;
  }
  return buf;
}

let nextReaderId = 1;

/**
 * One open, validated segment file. Immutable after open except the fd (released by close) and a read scratch
 * buffer, so it is not safe for concurrent readBlock calls from several threads (Node code on one thread is fine).
 * The typed arrays alias the parsed footer: do not mutate them.
 */
export class SegmentReader {
  /** Unique per opened reader in this process (a block cache key; a reopened file gets a new id). */
  readonly id: number = nextReaderId++;
  readonly path: string;
  /** Exact int64 ns start of the partition; block offsets count from here. */
  readonly partitionStartNs: bigint;
  /** Partition length in ns. */
  readonly partitionDurationNs: number;
  /** File size in bytes. */
  readonly byteLength: number;
  readonly blockCount: number;
  /** Per block, sorted by (seriesId, fieldId, minOff): series id, field id, FieldType code, point count. */
  readonly blockSeries: Uint32Array;
  readonly blockField: Uint32Array;
  readonly blockType: Uint8Array;
  readonly blockCountPoints: Uint32Array;
  private handle: FileHandle | null;
  private readonly fd: number;
  private readonly footer: SegmentFooter;
  private scratch: Uint8Array;
  private readonly loc: BlockLocation;

  private constructor(
    path: string,
    handle: FileHandle,
    start: bigint,
    duration: number,
    size: number,
    f: SegmentFooter,
  ) {
    this.path = path;
    this.partitionStartNs = start;
    this.partitionDurationNs = duration;
    this.byteLength = size;
    this.blockCount = f.blockCount.length;
    this.blockSeries = f.blockSeries;
    this.blockField = f.blockField;
    this.blockType = f.blockType;
    this.blockCountPoints = f.blockCount;
    this.handle = handle;
    this.fd = handle.fd;
    this.footer = f;
    this.scratch = new Uint8Array(4096);
    this.loc = { file: path, index: 0, fileOffset: 0 };
  }

  /**
   * Opens `path` and validates header, trailer and footer (magic, version, crcs, structure); block payloads are
   * checked only when read. Throws CorruptError (`STORAGE_SEGMENT_CORRUPT`, or `STORAGE_SEGMENT_VERSION` for an
   * unknown version; `file` and `offset` set) when they are unreadable, NotFoundError
   * (`STORAGE_SEGMENT_NOT_FOUND`) when the file is missing, UnavailableError (`STORAGE_SEGMENT_IO`) on I/O errors.
   * Holds an fd until close().
   */
  static async open(path: string): Promise<SegmentReader> {
    let handle: FileHandle;
    try {
      handle = await fsp.open(path, "r");
    } catch (err) {
      throw ioError("open segment", path, err);
    }
    try {
      const size = (await handle.stat()).size;
      if (size < SEGMENT_HEADER_SIZE + SEGMENT_TRAILER_SIZE) {
        throw new CorruptError(
          SEGMENT_CORRUPT,
          `segment of ${size} bytes is shorter than header + trailer`,
          path,
          size,
        );
      }
      const header = decodeSegmentHeader(await readAt(handle, path, 0, SEGMENT_HEADER_SIZE), path);
      const trailerAt = size - SEGMENT_TRAILER_SIZE;
      const trailerBytes = await readAt(handle, path, trailerAt, SEGMENT_TRAILER_SIZE);
      const trailer = decodeSegmentTrailer(trailerBytes, trailerAt, size, path);
      const body = await readAt(handle, path, trailer.footerOffset, trailer.footerByteLength);
      const got = crc32(body);
      if (got !== trailer.footerCrc) {
        const msg = `segment footer crc mismatch at offset ${trailer.footerOffset}: want ${hex(trailer.footerCrc)}, got ${hex(got)}`;
        throw new CorruptError(SEGMENT_CORRUPT, msg, path, trailer.footerOffset);
      }
      const footer = parseSegmentFooter(body, path, trailer.footerOffset, trailer.blockCount);
      return new SegmentReader(path, handle, header.partitionStartNs, header.partitionDurationNs, size, footer);
    } catch (err) {
      // The open failed already; a close error on the way out would only hide the reason.
      await handle.close().catch(() => undefined);
      throw ioError("read segment", path, err);
    }
  }

  /** Fills `out` with the statistics of block i (see BlockStats; offsets in ns from the partition start). */
  blockStats(i: number, out: BlockStats): void {
    const st = this.footer.stats;
    const k = i * STATS_STRIDE;
    out.count = this.blockCountPoints[i]!;
    out.minOff = st[k + S_MIN_OFF]!;
    out.maxOff = st[k + S_MAX_OFF]!;
    out.sum = st[k + S_SUM]!;
    out.min = st[k + S_MIN]!;
    out.max = st[k + S_MAX]!;
    out.minAtOff = st[k + S_MIN_AT]!;
    out.maxAtOff = st[k + S_MAX_AT]!;
    out.first = st[k + S_FIRST]!;
    out.last = st[k + S_LAST]!;
    out.statsExact = (this.footer.blockFlags[i] & STAT_EXACT) !== 0;
  }

  /** [first, end) block indexes of column (seriesId, fieldId), in time order; first === end when absent. */
  findBlocks(seriesId: number, fieldId: number): [number, number] {
    const { colSeries, colField, colFirstBlock } = this.footer;
    let lo = 0;
    let hi = colSeries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = colSeries[mid];
      if (s < seriesId || (s === seriesId && colField[mid] < fieldId)) lo = mid + 1;
      else hi = mid;
    }
    if (lo < colSeries.length && colSeries[lo] === seriesId && colField[lo] === fieldId) {
      return [colFirstBlock[lo], colFirstBlock[lo + 1]];
    }
    const at = lo < colSeries.length ? colFirstBlock[lo] : this.blockCount;
    return [at, at];
  }

  /** Distinct series ids present, ascending. Aliases footer memory: do not mutate. */
  seriesIds(): Uint32Array {
    return this.footer.seriesIds;
  }

  /** Every column the file holds, in (seriesId, fieldId) order; a new array of new objects per call. */
  columns(): SegmentColumnMeta[] {
    const f = this.footer;
    const out: SegmentColumnMeta[] = [];
    for (let c = 0; c < f.colSeries.length; c++) {
      out.push({
        seriesId: f.colSeries[c],
        seriesKey: f.seriesKeys[f.colSeriesIndex[c]],
        fieldId: f.colField[c],
        fieldName: f.fieldNames[f.colFieldName[c]],
        type: f.colType[c] as FieldType,
      });
    }
    return out;
  }

  /**
   * Reads block i with a synchronous pread, verifies its crc and decodes it into `out` (reusing and growing its
   * arrays; see DecodedBlock for aliasing). Throws CorruptError (`STORAGE_SEGMENT_CORRUPT`, naming file, block
   * index and offset) on a crc, decode or footer mismatch; other blocks stay readable. Throws InvalidError
   * (`STORAGE_SEGMENT_BLOCK`) for an index out of range, UnavailableError when closed or on I/O errors.
   */
  readBlock(i: number, out: DecodedBlock): void {
    if (this.handle === null) throw new UnavailableError("STORAGE_SEGMENT_CLOSED", `segment ${this.path} is closed`);
    if (!(i >= 0 && i < this.blockCount && Number.isInteger(i))) {
      throw new InvalidError("STORAGE_SEGMENT_BLOCK", `block ${i} out of range [0, ${this.blockCount})`);
    }
    const f = this.footer;
    const byteLength = f.blockLength[i];
    const position = f.blockOffset[i];
    if (this.scratch.length < byteLength) this.scratch = new Uint8Array(Math.max(byteLength, this.scratch.length * 2));
    const loc = this.loc;
    loc.index = i;
    loc.fileOffset = position;
    this.preadBlock(byteLength, position);
    const count = f.blockCount[i];
    decodeSegmentBlock(this.scratch, byteLength, count, f.blockType[i] as FieldType, out, loc);
    const k = i * STATS_STRIDE;
    if (out.offsets[0] !== f.stats[k + S_MIN_OFF] || out.offsets[count - 1] !== f.stats[k + S_MAX_OFF]) {
      const msg = `block ${i} at offset ${position}: time range disagrees with the footer`;
      throw new CorruptError(SEGMENT_CORRUPT, msg, this.path, position);
    }
  }

  private preadBlock(byteLength: number, position: number): void {
    let done = 0;
    while (done < byteLength) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.scratch, done, byteLength - done, position + done);
      } catch (err) {
        throw ioError("read segment", this.path, err);
      }
      if (n === 0) {
        const msg = `block ${this.loc.index} at offset ${position}: file ends at ${position + done}`;
        throw new CorruptError(SEGMENT_CORRUPT, msg, this.path, position);
      }
      done += n;
    }
  }

  /** Releases the fd. Idempotent; later readBlock calls throw UnavailableError. */
  async close(): Promise<void> {
    const handle = this.handle;
    if (handle === null) return;
    this.handle = null;
    await handle.close();
  }
}
