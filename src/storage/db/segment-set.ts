// The live segment files of one database, grouped by partition and ordered by sequence (newest last).
// Loads them at open (deleting leftover temporary files) and names new ones.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { CorruptError, isTsdbError } from "../../base/index.ts";
import { SEGMENT_TMP_SUFFIX, SegmentReader } from "../segment/index.ts";
import type { Partitioning } from "./partitioning.ts";

const SEGMENT_SUFFIX = ".seg";
const SEQ_DIGITS = 12;
/** Suffix of a segment moved aside because it failed to open. */
const CORRUPT_SUFFIX = ".corrupt";

/** A segment reader with its sequence number; a higher sequence holds newer writes. */
export interface SegmentEntry {
  readonly seq: number;
  readonly partition: number;
  readonly reader: SegmentReader;
}

/** Damage found while opening a database, reported instead of thrown. */
export interface Damage {
  file: string;
  offset: number;
  reason: string;
}

/** All segment files of a database. Mutated only by open, flush and close. */
export class SegmentSet {
  readonly dir: string;
  private readonly byPartition = new Map<number, SegmentEntry[]>();
  /** Next sequence number to hand out; sequences are never reused. */
  nextSeq = 1;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens every `*.seg` in `dir`; damaged files are reported in `damage` and skipped. */
  static async open(dir: string, partitioning: Partitioning, damage: Damage[]): Promise<SegmentSet> {
    await fsp.mkdir(dir, { recursive: true });
    const set = new SegmentSet(dir);
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const file = path.join(dir, name);
      if (name.endsWith(SEGMENT_TMP_SUFFIX)) {
        // An unfinished flush: its data is still in the WAL, so the partial file is garbage.
        await fsp.rm(file, { force: true });
        continue;
      }
      const seq = Number(name.slice(0, SEQ_DIGITS));
      if (!Number.isSafeInteger(seq)) continue;
      // Sequences of moved-aside segments count too: a tombstone may cover them, so they are never reused.
      set.nextSeq = Math.max(set.nextSeq, seq + 1);
      if (!name.endsWith(SEGMENT_SUFFIX)) continue;
      try {
        const reader = await SegmentReader.open(file);
        const partition = partitionOf(reader, partitioning);
        set.add({ seq, partition, reader });
      } catch (error) {
        // A segment is renamed into place only after fsync, so a bad one is damage, not a torn write: move it
        // aside for inspection (docs/format/segment.md §6), report it, and serve the rest.
        if (!isTsdbError(error) || error.category !== "corrupt") throw error;
        const offset = error instanceof CorruptError ? error.offset : -1;
        await fsp.rename(file, file + CORRUPT_SUFFIX);
        damage.push({ file, offset, reason: `${error.message}; moved aside to ${name}${CORRUPT_SUFFIX}` });
      }
    }
    return set;
  }

  /** Path for a new segment with sequence `seq`. */
  pathFor(seq: number): string {
    return path.join(this.dir, String(seq).padStart(SEQ_DIGITS, "0") + SEGMENT_SUFFIX);
  }

  add(entry: SegmentEntry): void {
    let list = this.byPartition.get(entry.partition);
    if (list === undefined) {
      list = [];
      this.byPartition.set(entry.partition, list);
    }
    list.push(entry);
    list.sort((a, b) => a.seq - b.seq);
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

  async close(): Promise<void> {
    for (const entry of this.all()) await entry.reader.close();
    this.byPartition.clear();
  }
}

function partitionOf(reader: SegmentReader, partitioning: Partitioning): number {
  const out = [0, 0];
  partitioning.locate(reader.partitionStartNs, out);
  return out[0]!;
}
