// Durable deletes that apply to segment files at read time, until compaction rewrites the segments.
// Stored in their own never-truncated log (the WAL record format), replayed at open.
import { isTsdbError } from "../../base/index.ts";
import { containsId } from "../series-index/index.ts";
import { Wal } from "../wal/index.ts";
import type { Partitioning } from "./partitioning.ts";
import type { Damage } from "./segment-set.ts";
import { WAL_RECORD_TOMBSTONE, decodeTombstone } from "./wal-record.ts";
import type { Tombstone } from "./wal-record.ts";

/** The tombstones of one database. `add` is durable before it resolves. */
export class TombstoneSet {
  private readonly log: Wal;
  private readonly list: Tombstone[];

  private constructor(log: Wal, list: Tombstone[]) {
    this.log = log;
    this.list = list;
  }

  static async open(dir: string, damage: Damage[]): Promise<TombstoneSet> {
    const list: Tombstone[] = [];
    const { wal, report } = await Wal.open(dir, { sync: "always" }, (type, payload, position) => {
      if (type !== WAL_RECORD_TOMBSTONE) return;
      try {
        list.push(decodeTombstone(payload));
      } catch (error) {
        // Reported as damage; the other tombstones still apply.
        if (!isTsdbError(error)) throw error;
        damage.push({ file: position.file, offset: position.offset, reason: error.message });
      }
    });
    for (const d of report.damage) damage.push({ file: d.file, offset: d.offset, reason: d.reason });
    return new TombstoneSet(wal, list);
  }

  /** Activates a tombstone at once (reads see it) and resolves when it is persisted (fsync). */
  add(tombstone: Tombstone, payload: Uint8Array): Promise<void> {
    this.list.push(tombstone);
    return this.log.append(WAL_RECORD_TOMBSTONE, payload);
  }

  /** Highest segment sequence any tombstone covers, or 0. */
  maxSegmentSeq(): number {
    let max = 0;
    for (const tombstone of this.list) max = Math.max(max, tombstone.maxSegmentSeq);
    return max;
  }

  /** Tombstones covering `seriesId` in a segment of rank `rank` (SegmentEntry); usually empty. */
  forSeries(seriesId: number, rank: number): Tombstone[] {
    if (this.list.length === 0) return EMPTY;
    let found: Tombstone[] | null = null;
    for (const tombstone of this.list) {
      if (rank > tombstone.maxSegmentSeq || !containsId(tombstone.seriesIds, seriesId)) continue;
      (found ??= []).push(tombstone);
    }
    return found ?? EMPTY;
  }

  /** Offset ranges of `partition` deleted for `seriesId` in a segment of `rank` (see tombstoneRanges). */
  rangesFor(seriesId: number, rank: number, partitioning: Partitioning, partition: number): number[] {
    return this.list.length === 0 ? NO_RANGES : tombstoneRanges(this.list, seriesId, rank, partitioning, partition);
  }

  /** Every tombstone (a compaction applies the ones covering its inputs). */
  all(): readonly Tombstone[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}

const EMPTY: Tombstone[] = [];
const NO_RANGES: number[] = [];

/**
 * The offset ranges [lo, hi, lo, hi, ...] (inclusive) of partition `partition` that `tombstones` delete for
 * `seriesId` in a segment of rank `rank`: those whose maxSegmentSeq ≥ rank. Usually empty (then shared: do not
 * mutate).
 */
export function tombstoneRanges(
  tombstones: readonly Tombstone[],
  seriesId: number,
  rank: number,
  partitioning: Partitioning,
  partition: number,
): number[] {
  let ranges: number[] | null = null;
  for (const t of tombstones) {
    if (rank > t.maxSegmentSeq || !containsId(t.seriesIds, seriesId)) continue;
    const range = partitioning.offsetRange(partition, t.startNs, t.endNs);
    if (range !== null) (ranges ??= []).push(range[0], range[1]);
  }
  return ranges ?? NO_RANGES;
}
