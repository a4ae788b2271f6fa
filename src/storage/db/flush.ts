// Writes a frozen head to one segment file per partition and registers the new files for reads.
import { MIN_TIME_NS } from "../../base/index.ts";
import { SegmentReader, SegmentWriter } from "../segment/index.ts";
import type { Head } from "../head/index.ts";
import type { SeriesIndex } from "../series-index/index.ts";
import type { Partitioning } from "./partitioning.ts";
import type { SegmentSet } from "./segment-set.ts";

/** What a flush needs of its database (kept narrow so database.ts and this file do not import each other). */
export interface FlushTarget {
  readonly segments: SegmentSet;
  readonly partitioning: Partitioning;
  readonly index: SeriesIndex;
}

/**
 * Flushes `head` (no longer appended to) into segments numbered firstSeq, firstSeq + 1, ... in the order of
 * `partitions`. Each file is durable (fsync + rename + directory fsync) before it becomes readable.
 */
export async function flushHead(
  db: FlushTarget,
  head: Head,
  partitions: readonly number[],
  firstSeq: number,
): Promise<void> {
  for (let i = 0; i < partitions.length; i++) {
    const partition = head.partitions.get(partitions[i]!);
    if (partition === undefined) continue;
    const seq = firstSeq + i;
    const file = db.segments.pathFor(seq);
    // The first partition starts before -2^63 ns, which a segment header cannot hold: it records the clamped
    // start, which still locates the same partition; offsets stay relative to the true start (docs/rfc/0003).
    const startNs = db.partitioning.startNs(partition.index);
    const headerStartNs = startNs < MIN_TIME_NS ? MIN_TIME_NS : startNs;
    const writer = await SegmentWriter.create(file, headerStartNs, db.partitioning.durationNs);
    let points = 0;
    try {
      const seriesIds = [...partition.series.keys()].sort((a, b) => a - b);
      for (const seriesId of seriesIds) {
        const series = partition.series.get(seriesId)!;
        // A series dropped since these points were written (DROP SERIES) has no key: its points go with it.
        const seriesKey = db.index.findSeriesKey(seriesId);
        if (seriesKey === undefined) continue;
        const order = series.fieldIds.map((_, k) => k).sort((a, b) => series.fieldIds[a]! - series.fieldIds[b]!);
        for (const k of order) {
          const column = series.columns[k]!;
          column.normalize();
          if (column.length === 0) continue;
          const fieldId = series.fieldIds[k]!;
          const field = db.index.fieldById(fieldId);
          const meta = { seriesId, seriesKey, fieldId, fieldName: field.name, type: field.type };
          points += column.length;
          if (writer.addColumn(meta, column.offsets, column.values, 0, column.length)) await writer.drain();
        }
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    if (points === 0) {
      await writer.abort(); // everything in this partition was deleted before the flush
      continue;
    }
    await writer.finish();
    const reader = await SegmentReader.open(file);
    db.segments.add({ low: seq, rank: seq, partition: partition.index, reader });
  }
}
