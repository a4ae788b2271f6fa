// Merges the segment files of one partition into one: every column's points from all inputs, the newest input
// winning on equal times, tombstones applied. Pure file work (no database object), so a worker thread can run it.
import { DecodedBlock, SegmentReader, SegmentWriter } from "../segment/index.ts";
import type { SegmentColumnMeta } from "../segment/index.ts";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { Partitioning } from "../db/partitioning.ts";
import { tombstoneRanges } from "../db/tombstone-set.ts";
import type { Tombstone } from "../db/wal-record.ts";

/** One segment to merge: its file and its rank (SegmentEntry.rank). */
export interface MergeInput {
  path: string;
  rank: number;
}

/** A merge of one partition's segments (plain data: it crosses to a worker thread). */
export interface MergeJob {
  /** The inputs, oldest rank first; all of one partition. */
  inputs: MergeInput[];
  /** The database's tombstones when the job was made; each applies to the inputs whose rank ≤ its maxSegmentSeq. */
  tombstones: Tombstone[];
  /** Final path of the output; it is written as `<path>.tmp` and renamed into place once durable. */
  outputPath: string;
  partitionDurationNs: number;
  /** Points per block of the output (default: the segment writer's). */
  blockPoints?: number;
}

/** What a merge did. */
export interface MergeResult {
  /** False when every input point was deleted: no output file was written. */
  written: boolean;
  inputBytes: number;
  outputBytes: number;
  inputPoints: number;
  outputPoints: number;
  columns: number;
}

/** A decoded block's points [0, count) copied out, with the rank of the segment they came from. */
interface Part {
  rank: number;
  offsets: Float64Array;
  values: ColumnValues;
  count: number;
}

/**
 * Writes the merge of `job.inputs` to `job.outputPath` (durable: fsync, rename, directory fsync) and returns the
 * figures. The inputs are only read. Throws the segment errors of unreadable inputs (`corrupt`, `unavailable`);
 * then no output exists.
 */
export async function mergeSegments(job: MergeJob): Promise<MergeResult> {
  const readers: SegmentReader[] = [];
  try {
    for (const input of job.inputs) readers.push(await SegmentReader.open(input.path));
    return await mergeReaders(job, readers);
  } finally {
    for (const reader of readers) await reader.close();
  }
}

async function mergeReaders(job: MergeJob, readers: SegmentReader[]): Promise<MergeResult> {
  const partitioning = new Partitioning(job.partitionDurationNs);
  const located = [0, 0];
  partitioning.locate(readers[0]!.partitionStartNs, located);
  const partition = located[0]!;
  const metas = columnMetas(readers);
  const writer = await SegmentWriter.create(
    job.outputPath,
    readers[0]!.partitionStartNs,
    job.partitionDurationNs,
    job.blockPoints === undefined ? {} : { blockPoints: job.blockPoints },
  );
  const result: MergeResult = {
    written: false,
    inputBytes: 0,
    outputBytes: 0,
    inputPoints: 0,
    outputPoints: 0,
    columns: 0,
  };
  for (const reader of readers) result.inputBytes += reader.byteLength;
  const block = new DecodedBlock();
  try {
    for (const meta of metas) {
      const parts: Part[] = [];
      for (let r = 0; r < readers.length; r++) {
        const reader = readers[r]!;
        const rank = job.inputs[r]!.rank;
        const [first, end] = reader.findBlocks(meta.seriesId, meta.fieldId);
        if (first === end) continue;
        const deleted = tombstoneRanges(job.tombstones, meta.seriesId, rank, partitioning, partition);
        for (let b = first; b < end; b++) {
          reader.readBlock(b, block);
          result.inputPoints += block.count;
          if (deleted.length > 0) block.dropRanges(deleted);
          if (block.count === 0) continue;
          parts.push({
            rank,
            offsets: block.offsets.slice(0, block.count),
            values: block.values.slice(0, block.count),
            count: block.count,
          });
        }
      }
      const column = mergeParts(parts, meta.type);
      if (column.count === 0) continue;
      result.outputPoints += column.count;
      result.columns++;
      if (writer.addColumn(meta, column.offsets, column.values, 0, column.count)) await writer.drain();
    }
    if (result.outputPoints === 0) {
      await writer.abort();
      return result;
    }
    const written = await writer.finish();
    result.written = true;
    result.outputBytes = written.byteLength;
    return result;
  } catch (error) {
    await writer.abort().catch(() => undefined); // the merge's error is the one to report
    throw error;
  }
}

/** Every column of the inputs, in the (seriesId, fieldId) order a segment writer takes them. */
function columnMetas(readers: SegmentReader[]): SegmentColumnMeta[] {
  const byKey = new Map<string, SegmentColumnMeta>();
  for (const reader of readers) {
    for (const meta of reader.columns()) byKey.set(`${meta.seriesId}:${meta.fieldId}`, meta);
  }
  return [...byKey.values()].sort((a, b) => a.seriesId - b.seriesId || a.fieldId - b.fieldId);
}

/**
 * One column from its parts: concatenated when they do not overlap in time (the usual case: each flush holds a
 * later stretch), else merged point by point with the highest rank winning on equal offsets.
 */
function mergeParts(parts: Part[], type: FieldType): { offsets: Float64Array; values: ColumnValues; count: number } {
  parts.sort((a, b) => a.offsets[0]! - b.offsets[0]! || a.rank - b.rank);
  let disjoint = true;
  for (let i = 1; i < parts.length && disjoint; i++) {
    const prev = parts[i - 1]!;
    if (parts[i]!.offsets[0]! <= prev.offsets[prev.count - 1]!) disjoint = false;
  }
  if (disjoint) return concatParts(parts, type);
  // (offset, rank) order; the last entry of each run of equal offsets is the newest write.
  const refs: Array<[number, number, number]> = []; // [offset, part, index]
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    for (let i = 0; i < part.count; i++) refs.push([part.offsets[i]!, p, i]);
  }
  refs.sort((a, b) => a[0] - b[0] || parts[a[1]]!.rank - parts[b[1]]!.rank);
  const kept = refs.filter((ref, k) => refs[k + 1]?.[0] !== ref[0]);
  const offsets = Float64Array.from(kept, (ref) => ref[0]);
  // One single-point part per kept point, so concatValues picks the representation for all of them.
  const points: Part[] = kept.map(([, p, i]) => {
    const part = parts[p]!;
    return { rank: part.rank, offsets, values: part.values.slice(i, i + 1), count: 1 };
  });
  return { offsets, values: concatValues(points, type, kept.length), count: kept.length };
}

/** Concatenates parts in order into one column, in the widest representation any part uses. */
function concatParts(parts: Part[], type: FieldType): { offsets: Float64Array; values: ColumnValues; count: number } {
  let count = 0;
  for (const part of parts) count += part.count;
  const offsets = new Float64Array(count);
  let at = 0;
  for (const part of parts) {
    offsets.set(part.offsets.subarray(0, part.count), at);
    at += part.count;
  }
  return { offsets, values: concatValues(parts, type, count), count };
}

function concatValues(parts: Part[], type: FieldType, count: number): ColumnValues {
  if (type === FieldType.String) {
    const out: string[] = [];
    for (const part of parts) for (let i = 0; i < part.count; i++) out.push((part.values as string[])[i]!);
    return out;
  }
  const big = parts.some((p) => !(p.values instanceof Float64Array));
  if (!big) {
    const out = new Float64Array(count);
    let at = 0;
    for (const part of parts) {
      out.set((part.values as Float64Array).subarray(0, part.count), at);
      at += part.count;
    }
    return out;
  }
  // An int/uint column with some value beyond 2^53 somewhere: every value as a bigint.
  const out = type === FieldType.Uint ? new BigUint64Array(count) : new BigInt64Array(count);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.count; i++) out[at++] = BigInt(part.values[i]!);
  }
  return out;
}
