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
 * later stretch), else merged by rank: one sorted run per input (its blocks never overlap each other), then runs
 * merged pairwise in rank order, the newer run winning on equal offsets (O(n log inputs)).
 */
function mergeParts(parts: Part[], type: FieldType): Part {
  parts.sort((a, b) => a.offsets[0]! - b.offsets[0]! || a.rank - b.rank);
  let disjoint = true;
  for (let i = 1; i < parts.length && disjoint; i++) {
    const prev = parts[i - 1]!;
    if (parts[i]!.offsets[0]! <= prev.offsets[prev.count - 1]!) disjoint = false;
  }
  if (disjoint) return concatParts(parts, type);
  const byRank = new Map<number, Part[]>();
  for (const part of parts) {
    const list = byRank.get(part.rank);
    if (list === undefined) byRank.set(part.rank, [part]);
    else list.push(part);
  }
  let runs = [...byRank.keys()].sort((a, b) => a - b).map((rank) => concatParts(byRank.get(rank)!, type));
  while (runs.length > 1) {
    const next: Part[] = [];
    for (let i = 0; i + 1 < runs.length; i += 2) next.push(mergeNewer(runs[i]!, runs[i + 1]!, type));
    if (runs.length % 2 === 1) next.push(runs[runs.length - 1]!);
    runs = next;
  }
  return runs[0]!;
}

/** Merges two sorted runs; `newer` wins where both hold an offset. */
function mergeNewer(older: Part, newer: Part, type: FieldType): Part {
  const offsets = new Float64Array(older.count + newer.count);
  const floats = older.values instanceof Float64Array && newer.values instanceof Float64Array;
  const f64 = floats ? new Float64Array(offsets.length) : null;
  const any: Array<number | bigint | string> = [];
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < older.count || j < newer.count) {
    const a = i < older.count ? older.offsets[i]! : Infinity;
    const b = j < newer.count ? newer.offsets[j]! : Infinity;
    let v: number | bigint | string;
    if (b <= a) {
      v = newer.values[j++]!;
      if (a === b) i++; // the older write at this time is overwritten
      offsets[n] = b;
    } else {
      v = older.values[i++]!;
      offsets[n] = a;
    }
    if (f64 !== null) f64[n] = v as number;
    else any.push(v);
    n++;
  }
  const values = f64 ?? toValues(any, type);
  return { rank: newer.rank, offsets: offsets.subarray(0, n), values, count: n };
}

/** Values picked one by one from mixed representations, as an array concatValues can widen. */
function toValues(values: Array<number | bigint | string>, type: FieldType): ColumnValues {
  if (type === FieldType.String) return values as string[];
  if (values.every((v) => typeof v === "number")) return Float64Array.from(values as number[]);
  const out = type === FieldType.Uint ? new BigUint64Array(values.length) : new BigInt64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = BigInt(values[k]!);
  return out;
}

/** Concatenates parts in order into one column, in the widest representation any part uses. */
function concatParts(parts: Part[], type: FieldType): Part {
  let count = 0;
  for (const part of parts) count += part.count;
  const offsets = new Float64Array(count);
  let at = 0;
  for (const part of parts) {
    offsets.set(part.offsets.subarray(0, part.count), at);
    at += part.count;
  }
  return { rank: parts[parts.length - 1]?.rank ?? 0, offsets, values: concatValues(parts, type, count), count };
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
