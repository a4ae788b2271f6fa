// Writes a frozen head to one segment file per partition and registers the new files for reads.
import { SegmentReader, SegmentWriter } from "../segment/index.ts";
import type { Head } from "../head/index.ts";
import type { Database } from "./database.ts";

/**
 * Flushes `head` (no longer appended to) into segments numbered firstSeq, firstSeq + 1, ... in the order of
 * `partitions`. Each file is durable (fsync + rename + directory fsync) before it becomes readable.
 */
export async function flushHead(db: Database, head: Head, partitions: readonly number[], firstSeq: number): Promise<void> {
  for (let i = 0; i < partitions.length; i++) {
    const partition = head.partitions.get(partitions[i]!);
    if (partition === undefined) continue;
    const seq = firstSeq + i;
    const file = db.segments.pathFor(seq);
    const writer = await SegmentWriter.create(file, db.partitioning.startNs(partition.index), db.partitioning.durationNs);
    let points = 0;
    try {
      const seriesIds = [...partition.series.keys()].sort((a, b) => a - b);
      for (const seriesId of seriesIds) {
        const series = partition.series.get(seriesId)!;
        const seriesKey = db.index.seriesKey(seriesId);
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
    db.segments.add({ seq, partition: partition.index, reader });
  }
}
