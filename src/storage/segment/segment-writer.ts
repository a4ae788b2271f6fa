// Writes one immutable segment file (docs/format/segment.md): blocks as columns arrive, then footer and trailer,
// then fsync + rename + directory fsync. Knows nothing of how the engine names, orders or compacts segments.
import * as fs from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import * as nodePath from "node:path";
import { InvalidError, UnavailableError, crc32, isTsdbError } from "../../base/index.ts";
import { FieldType, isFieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { ByteWriter } from "../codec/index.ts";
import { BlockStatsScratch, computeBlockStats } from "./block-stats.ts";
import type { SegmentColumnMeta } from "./segment-column-meta.ts";
import { encodeSegmentBlock, reprOf } from "./segment-block-codec.ts";
import { SegmentFooterBuilder } from "./segment-footer-builder.ts";
import {
  MAX_OFFSET_EXCLUSIVE,
  SEGMENT_TMP_SUFFIX,
  encodeSegmentHeader,
  encodeSegmentTrailer,
} from "./segment-format.ts";

/** Points per block unless configured: large enough to amortise per-block overhead, small enough to skip. */
const DEFAULT_BLOCK_POINTS = 8192;
/** Buffered bytes after which addColumn asks for a drain (1 MiB bounds writer memory at ~2 MiB). */
const DEFAULT_DRAIN_BYTES = 1 << 20;
const MAX_BLOCK_POINTS = 1 << 20;

/** Tuning knobs of SegmentWriter.create; the defaults suit the engine. */
export interface SegmentWriterOptions {
  /** Maximum points per block, 1..2^20 (default 8192). Columns are split into equal-sized blocks. */
  blockPoints?: number;
  /** Buffered bytes at which addColumn returns true (default 1 MiB). */
  drainBytes?: number;
}

/** Result of a finished segment. */
export interface SegmentWriteResult {
  byteLength: number;
  blockCount: number;
  pointCount: number;
}

const OPEN = 0;
const FINISHING = 1;
const FINISHED = 2;
const ABORTED = 3;
const FAILED = 4;
const STATE_NAMES = ["open", "finishing", "finished", "aborted", "failed"];

function ioError(what: string, file: string, cause: unknown): Error {
  if (isTsdbError(cause)) return cause;
  const errno = (cause as { code?: string } | null)?.code ?? "error";
  return new UnavailableError("STORAGE_SEGMENT_IO", `${what} ${file}: ${errno}`, { cause });
}

/**
 * Writes one segment file for one partition. Single owner; `addColumn` is synchronous and may run while a
 * `drain` is in flight (drains are serialised and write a swapped-out buffer). Not reusable after
 * finish/abort. Fields below are mutable state guarded by `state`.
 */
export class SegmentWriter {
  /** Final path; the file exists there only after finish() resolves. */
  readonly path: string;
  /** Path written until finish() renames it: `path` + ".tmp". Never a valid segment (segment.md §6). */
  readonly tmpPath: string;
  private readonly blockPoints: number;
  private readonly drainBytes: number;
  private handle: FileHandle | null;
  private pending: ByteWriter;
  private spare: ByteWriter;
  /** File offset of pending[0]. */
  private pendingBase: number;
  private draining: Promise<void>;
  private readonly footer: SegmentFooterBuilder;
  private readonly stats: BlockStatsScratch;
  private state: number;

  private constructor(path: string, handle: FileHandle, blockPoints: number, drainBytes: number) {
    this.path = path;
    this.tmpPath = path + SEGMENT_TMP_SUFFIX;
    this.blockPoints = blockPoints;
    this.drainBytes = drainBytes;
    this.handle = handle;
    this.pending = new ByteWriter();
    this.spare = new ByteWriter();
    this.pendingBase = 0;
    this.draining = Promise.resolve();
    this.footer = new SegmentFooterBuilder();
    this.stats = new BlockStatsScratch();
    this.state = OPEN;
  }

  /**
   * Starts writing `path` + ".tmp" (truncating a leftover one) for the partition starting at
   * `partitionStartNs` (int64 ns) and lasting `partitionDurationNs` (positive safe integer ns).
   * Throws InvalidError (`STORAGE_SEGMENT_OPTIONS`) on bad arguments, UnavailableError (`STORAGE_SEGMENT_IO`)
   * when the file cannot be created.
   */
  static async create(
    path: string,
    partitionStartNs: bigint,
    partitionDurationNs: number,
    options: SegmentWriterOptions = {},
  ): Promise<SegmentWriter> {
    const blockPoints = options.blockPoints ?? DEFAULT_BLOCK_POINTS;
    const drainBytes = options.drainBytes ?? DEFAULT_DRAIN_BYTES;
    const badStart = partitionStartNs < -(2n ** 63n) || partitionStartNs >= 2n ** 63n;
    const badDuration = !Number.isSafeInteger(partitionDurationNs) || partitionDurationNs <= 0;
    const badBlock = !Number.isInteger(blockPoints) || blockPoints < 1 || blockPoints > MAX_BLOCK_POINTS;
    if (badStart || badDuration || badBlock || !(drainBytes >= 0)) {
      const msg = `bad segment options: start ${partitionStartNs}, duration ${partitionDurationNs}, block points ${blockPoints}`;
      throw new InvalidError("STORAGE_SEGMENT_OPTIONS", msg);
    }
    let handle: FileHandle;
    try {
      handle = await fs.open(path + SEGMENT_TMP_SUFFIX, "w");
    } catch (err) {
      throw ioError("create segment", path + SEGMENT_TMP_SUFFIX, err);
    }
    const writer = new SegmentWriter(path, handle, blockPoints, drainBytes);
    writer.pending.append(encodeSegmentHeader({ partitionStartNs, partitionDurationNs }));
    return writer;
  }

  /**
   * Appends points [start, end) of one column: `offsets` are ns from the partition start, integers in
   * [0, 2^53), strictly increasing; `values` match `meta.type` (see ColumnValues). Columns come in ascending
   * (seriesId, fieldId) order; calling again with the open column continues it (its offsets must keep
   * increasing). An empty range is ignored. The arrays are only read during the call.
   * Returns true when buffered bytes reached the drain threshold: `await drain()` before adding more.
   * Throws InvalidError (`STORAGE_SEGMENT_*`) on bad input, leaving the writer usable; UnavailableError
   * (`STORAGE_SEGMENT_CLOSED`) when not open.
   */
  addColumn(meta: SegmentColumnMeta, offsets: Float64Array, values: ColumnValues, start: number, end: number): boolean {
    this.checkOpen();
    if (!isFieldType(meta.type))
      throw new InvalidError("STORAGE_SEGMENT_META", `unknown field type ${String(meta.type)}`);
    const repr = reprOf(meta.type, values);
    if (!(Number.isInteger(start) && start >= 0 && end >= start && end <= offsets.length && end <= values.length)) {
      throw new InvalidError("STORAGE_SEGMENT_RANGE", `range [${start}, ${end}) outside the given columns`);
    }
    if (start === end) return this.pending.pos >= this.drainBytes;
    checkOffsets(offsets, start, end, meta);
    if (values instanceof Float64Array && meta.type !== FieldType.Float) checkNumbers(meta, values, start, end);
    const lastOff = this.footer.openColumn(meta);
    if (offsets[start] <= lastOff) {
      const msg = `column ${meta.seriesId}/${meta.fieldId} continues at offset ${offsets[start]} ≤ ${lastOff}`;
      throw new InvalidError("STORAGE_SEGMENT_OFFSETS", msg);
    }
    try {
      this.writeBlocks(meta, repr, offsets, values, start, end);
    } catch (err) {
      this.state = FAILED; // a half-written column cannot be taken back
      throw err;
    }
    return this.pending.pos >= this.drainBytes;
  }

  private writeBlocks(
    meta: SegmentColumnMeta,
    repr: ReturnType<typeof reprOf>,
    offsets: Float64Array,
    values: ColumnValues,
    start: number,
    end: number,
  ): void {
    const n = end - start;
    const blocks = Math.ceil(n / this.blockPoints);
    const st = this.stats;
    for (let b = 0; b < blocks; b++) {
      // Equal-sized blocks: 8640 points become 2 × 4320, not 8192 + 448.
      const s = start + Math.floor((n * b) / blocks);
      const e = start + Math.floor((n * (b + 1)) / blocks);
      computeBlockStats(meta.type, offsets, values, s, e, st);
      const byteLength = encodeSegmentBlock(meta.type, repr, offsets, values, s, e, this.pending);
      this.footer.addBlock(byteLength, st);
    }
  }

  /**
   * Writes buffered blocks to the temp file (not fsynced). Drains are serialised; a write failure rejects this
   * and every later drain/finish with UnavailableError (`STORAGE_SEGMENT_IO`); call abort() then.
   */
  drain(): Promise<void> {
    this.draining = this.draining.then(() => this.writePending());
    return this.draining;
  }

  private async writePending(): Promise<void> {
    const buf = this.pending;
    if (buf.pos === 0) return;
    const handle = this.handle;
    if (handle === null) throw new UnavailableError("STORAGE_SEGMENT_CLOSED", `segment writer for ${this.path} closed`);
    this.pending = this.spare;
    this.spare = buf;
    let position = this.pendingBase;
    this.pendingBase += buf.pos;
    const bytes = buf.bytes();
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    } catch (err) {
      this.state = FAILED;
      throw ioError("write segment", this.tmpPath, err);
    }
    buf.reset();
  }

  /**
   * Writes footer and trailer, fsyncs the temp file, renames it to `path` and fsyncs the directory. Resolves
   * once the segment is durable under its final name. On failure (UnavailableError `STORAGE_SEGMENT_IO`) the
   * writer is failed: call abort() to remove the temp file. Throws UnavailableError (`STORAGE_SEGMENT_CLOSED`)
   * when not open.
   */
  async finish(): Promise<SegmentWriteResult> {
    this.checkOpen();
    this.state = FINISHING;
    const footer = this.footer;
    try {
      const body = new ByteWriter();
      footer.build(body);
      const footerBytes = body.bytes();
      const footerOffset = this.pendingBase + this.pending.pos;
      if (footerBytes.length > 0xffff_ffff) throw new InvalidError("STORAGE_SEGMENT_TOO_LARGE", "footer over 4 GiB");
      this.pending.append(footerBytes);
      const trailer = { footerOffset, footerByteLength: footerBytes.length, blockCount: footer.blockCount };
      this.pending.append(encodeSegmentTrailer({ ...trailer, footerCrc: crc32(footerBytes) }));
      await this.drain();
      const handle = this.handle!;
      await handle.sync();
      this.handle = null;
      await handle.close();
      await fs.rename(this.tmpPath, this.path);
      await syncDirectory(nodePath.dirname(this.path));
    } catch (err) {
      this.state = FAILED;
      throw ioError("finish segment", this.tmpPath, err);
    }
    this.state = FINISHED;
    return { byteLength: this.pendingBase, blockCount: footer.blockCount, pointCount: footer.pointCount };
  }

  /**
   * Closes and removes the temp file. Idempotent; a no-op after a successful finish (the segment stays).
   * Must not be called while finish() is pending. Throws UnavailableError (`STORAGE_SEGMENT_IO`) when the
   * temp file exists but cannot be removed.
   */
  async abort(): Promise<void> {
    if (this.state === FINISHED || this.state === ABORTED) return;
    this.state = ABORTED;
    // A failed drain is moot once the file is removed; its error already reached whoever awaited it.
    await this.draining.catch(() => undefined);
    const handle = this.handle;
    this.handle = null;
    // Closing can only fail for an fd whose data we are discarding anyway.
    if (handle !== null) await handle.close().catch(() => undefined);
    try {
      await fs.rm(this.tmpPath, { force: true });
    } catch (err) {
      throw ioError("remove temp segment", this.tmpPath, err);
    }
  }

  private checkOpen(): void {
    if (this.state !== OPEN) {
      const msg = `segment writer for ${this.path} is ${STATE_NAMES[this.state]}`;
      throw new UnavailableError("STORAGE_SEGMENT_CLOSED", msg);
    }
  }
}

// Offsets must be integers in [0, 2^53), strictly increasing; NaN fails the `>` test.
function checkOffsets(offsets: Float64Array, start: number, end: number, meta: SegmentColumnMeta): void {
  let prev = -1;
  for (let i = start; i < end; i++) {
    const o = offsets[i];
    if (!(o > prev) || o >= MAX_OFFSET_EXCLUSIVE || Math.floor(o) !== o) {
      const msg = `column ${meta.seriesId}/${meta.fieldId}: offset ${o} at index ${i} after ${prev}`;
      throw new InvalidError("STORAGE_SEGMENT_OFFSETS", msg);
    }
    prev = o;
  }
}

// Float64Array values of non-float columns must be what the codecs accept: 0/1 for bool, safe integers for int
// (non-negative for uint). Checked here so bad input is an InvalidError that leaves the writer usable.
function checkNumbers(meta: SegmentColumnMeta, values: Float64Array, start: number, end: number): void {
  const min = meta.type === FieldType.Int ? -Number.MAX_SAFE_INTEGER : 0;
  const max = meta.type === FieldType.Bool ? 1 : Number.MAX_SAFE_INTEGER;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (!(v >= min && v <= max) || Math.floor(v) !== v) {
      const msg = `column ${meta.seriesId}/${meta.fieldId}: value ${v} at index ${i} does not fit type ${meta.type}`;
      throw new InvalidError("STORAGE_SEGMENT_VALUES", msg);
    }
  }
}

/** Fsyncs a directory so a rename inside it is durable. Windows cannot open directories; it skips. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
