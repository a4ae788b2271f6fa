// The live segment files of one database, grouped by partition and ordered by rank (newest last).
// Loads them at open (deleting leftover temporary files and segments a finished compaction replaced) and names
// new ones: a flush writes `<seq>.seg`, a compaction `<low>-<high>.seg` for the ranks it merged (docs/rfc/0007).
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { CorruptError, isTsdbError } from "../../base/index.ts";
import { SEGMENT_TMP_SUFFIX, SegmentReader } from "../segment/index.ts";
import type { Partitioning } from "./partitioning.ts";

const SEGMENT_SUFFIX = ".seg";
const SEQ_DIGITS = 12;
/** Suffix of a segment moved aside because it failed to open. */
const CORRUPT_SUFFIX = ".corrupt";

/**
 * A segment reader with the range of flush sequences it holds, [low, rank]: a flush's segment has low = rank = its
 * sequence; a compaction's output holds the merged segments' ranges. A higher rank holds newer writes (it wins on
 * equal times), and a tombstone with maxSegmentSeq ≥ rank applies to it. Ranges in one partition never overlap.
 */
export interface SegmentEntry {
  readonly low: number;
  readonly rank: number;
  readonly partition: number;
  readonly reader: SegmentReader;
}

/** Damage found while opening a database, reported instead of thrown. */
export interface Damage {
  file: string;
  offset: number;
  reason: string;
}

/** All segment files of a database. Mutated only by open, flush, compaction and close. */
export class SegmentSet {
  readonly dir: string;
  private readonly byPartition = new Map<number, SegmentEntry[]>();
  /** Next sequence number to hand out; sequences are never reused. */
  nextSeq = 1;
  /** Wall clock (ms) stamping when each segment was added; the database sets its engine clock. */
  nowMs: () => number = Date.now;
  /** When each live segment was added (opened, flushed or merged), wall-clock ms. */
  private readonly addedAt = new WeakMap<SegmentEntry, number>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Opens every `*.seg` in `dir`; damaged files are reported in `damage` and skipped. A segment whose range lies
   * inside another's in the same partition was merged by a compaction that finished (its output was renamed into
   * place) but was cut off before deleting its inputs: it is deleted, so no point is read twice.
   */
  static async open(
    dir: string,
    partitioning: Partitioning,
    damage: Damage[],
    nowMs: () => number = Date.now,
  ): Promise<SegmentSet> {
    await fsp.mkdir(dir, { recursive: true });
    const set = new SegmentSet(dir);
    set.nowMs = nowMs;
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const file = path.join(dir, name);
      if (name.endsWith(SEGMENT_TMP_SUFFIX)) {
        // An unfinished flush or compaction: its data is still in the WAL or in the inputs, so it is garbage.
        await fsp.rm(file, { force: true });
        continue;
      }
      const range = parseSegmentName(name);
      if (range === null) continue;
      // Sequences of moved-aside segments count too: a tombstone may cover them, so they are never reused.
      set.nextSeq = Math.max(set.nextSeq, range.high + 1);
      if (!name.endsWith(SEGMENT_SUFFIX)) continue;
      try {
        const reader = await SegmentReader.open(file);
        const partition = partitionOf(reader, partitioning);
        set.add({ low: range.low, rank: range.high, partition, reader });
      } catch (error) {
        // A segment is renamed into place only after fsync, so a bad one is damage, not a torn write: move it
        // aside for inspection (docs/format/segment.md §6), report it, and serve the rest.
        if (!isTsdbError(error) || error.category !== "corrupt") throw error;
        const offset = error instanceof CorruptError ? error.offset : -1;
        await fsp.rename(file, file + CORRUPT_SUFFIX);
        damage.push({ file, offset, reason: `${error.message}; moved aside to ${name}${CORRUPT_SUFFIX}` });
      }
    }
    await set.removeReplaced();
    return set;
  }

  /** Path for a new flush segment with sequence `seq`. */
  pathFor(seq: number): string {
    return path.join(this.dir, segmentName(seq, seq));
  }

  /** Path for a compaction's output holding the ranks [low, high]. */
  pathForRange(low: number, high: number): string {
    return path.join(this.dir, segmentName(low, high));
  }

  add(entry: SegmentEntry): void {
    this.addedAt.set(entry, this.nowMs());
    let list = this.byPartition.get(entry.partition);
    if (list === undefined) {
      list = [];
      this.byPartition.set(entry.partition, list);
    }
    list.push(entry);
    list.sort((a, b) => a.rank - b.rank);
  }

  /**
   * Swaps a compaction's `inputs` (entries of `output.partition`) for its `output` in one synchronous step, so a
   * scan sees either all inputs or the output. The caller closes and deletes the inputs afterwards.
   */
  replace(inputs: readonly SegmentEntry[], output: SegmentEntry | null, partition: number): void {
    const list = (this.byPartition.get(partition) ?? []).filter((e) => !inputs.includes(e));
    if (output !== null) {
      this.addedAt.set(output, this.nowMs());
      list.push(output);
    }
    list.sort((a, b) => a.rank - b.rank);
    if (list.length === 0) this.byPartition.delete(partition);
    else this.byPartition.set(partition, list);
  }

  /** Wall-clock ms when the newest segment of `partition` was added, or -Infinity when it has none. */
  lastAddedMs(partition: number): number {
    let newest = -Infinity;
    for (const entry of this.inPartition(partition)) newest = Math.max(newest, this.addedAt.get(entry) ?? -Infinity);
    return newest;
  }

  /** Segments of one partition, oldest first. */
  inPartition(partition: number): readonly SegmentEntry[] {
    return this.byPartition.get(partition) ?? [];
  }

  /** Partition indexes with at least one segment, ascending. */
  partitions(): number[] {
    return [...this.byPartition.keys()].sort((a, b) => a - b);
  }

  all(): SegmentEntry[] {
    return [...this.byPartition.values()].flat();
  }

  diskBytes(): number {
    let total = 0;
    for (const entry of this.all()) total += entry.reader.byteLength;
    return total;
  }

  /** Deletes segments whose range lies inside another segment's range of the same partition (see open). */
  private async removeReplaced(): Promise<void> {
    for (const [partition, list] of this.byPartition) {
      const covered = list.filter((e) => list.some((o) => o !== e && o.low <= e.low && e.rank <= o.rank));
      if (covered.length === 0) continue;
      this.replace(covered, null, partition);
      for (const entry of covered) {
        await entry.reader.close();
        await fsp.rm(entry.reader.path, { force: true });
      }
    }
  }

  async close(): Promise<void> {
    for (const entry of this.all()) await entry.reader.close();
    this.byPartition.clear();
  }
}

/** `000000000007.seg` for a flush (low = high), `000000000003-000000000009.seg` for a compaction. */
function segmentName(low: number, high: number): string {
  const pad = (n: number): string => String(n).padStart(SEQ_DIGITS, "0");
  return (low === high ? pad(low) : `${pad(low)}-${pad(high)}`) + SEGMENT_SUFFIX;
}

/** The [low, high] ranks of a segment file name (also of a `.corrupt` one), or null for other files. */
function parseSegmentName(name: string): { low: number; high: number } | null {
  const m = /^(\d{12})(?:-(\d{12}))?\.seg/.exec(name);
  if (m === null) return null;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  return high >= low ? { low, high } : null;
}

function partitionOf(reader: SegmentReader, partitioning: Partitioning): number {
  const out = [0, 0];
  partitioning.locate(reader.partitionStartNs, out);
  return out[0]!;
}
