// Compaction of one database (docs/rfc/0007-compaction.md): picks merges per partition, runs them (on the engine's
// merge worker), and swaps each output for its inputs in one synchronous step. One merge at a time per database.
import * as fsp from "node:fs/promises";
import { SegmentReader } from "../segment/index.ts";
import { containsId } from "../series-index/index.ts";
import type { BlockCache } from "../segment/index.ts";
import { mergeStart } from "../compaction/compaction-policy.ts";
import type { SegmentFacts } from "../compaction/compaction-policy.ts";
import type { MergeResult } from "../compaction/merge-segments.ts";
import type { MergeRunner } from "../compaction/merge-runner.ts";
import type { Partitioning } from "./partitioning.ts";
import type { SegmentEntry, SegmentSet } from "./segment-set.ts";
import type { TombstoneSet } from "./tombstone-set.ts";

/** What the compactor needs of its database (kept narrow so the two files do not import each other). */
export interface CompactionTarget {
  readonly name: string;
  readonly segments: SegmentSet;
  readonly tombstones: TombstoneSet;
  readonly partitioning: Partitioning;
  readonly blockCache: BlockCache;
  /** Resolves when no flush is running (a flush reserves segment sequences before it registers its files). */
  flushIdle(): Promise<void>;
}

/** Figures of the compactions a database ran since it opened. */
export interface CompactionStats {
  /** Merges finished (outputs swapped in). */
  merges: number;
  /** Merges that failed (inputs kept, error recorded). */
  failures: number;
  /** Total seconds spent in merges. */
  seconds: number;
  inputBytes: number;
  outputBytes: number;
  /** Points read from inputs and points written (the difference was deleted or overwritten). */
  inputPoints: number;
  outputPoints: number;
  /** Partitions whose segments the background policy would merge now. */
  backlog: number;
  running: boolean;
  lastError: string | null;
}

/** Compaction settings of an engine. */
export interface CompactorOptions {
  fanIn: number;
  /** A partition whose end is this far in the past (wall clock) is settled: merged into one segment. */
  settleMs: number;
  nowMs: () => number;
}

/** How long a settled partition must go without new segments before it is merged whole (at most settleMs). */
const SETTLE_QUIET_MS = 10 * 60 * 1000;

export class Compactor {
  private readonly db: CompactionTarget;
  private readonly runner: MergeRunner;
  private readonly options: CompactorOptions;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly figures: Omit<CompactionStats, "backlog" | "running"> = {
    merges: 0,
    failures: 0,
    seconds: 0,
    inputBytes: 0,
    outputBytes: 0,
    inputPoints: 0,
    outputPoints: 0,
    lastError: null,
  };

  constructor(db: CompactionTarget, runner: MergeRunner, options: CompactorOptions) {
    this.db = db;
    this.runner = runner;
    this.options = options;
  }

  /** Merges every partition into one segment, purging deleted and overwritten points; resolves when done. */
  async compactAll(): Promise<void> {
    await this.exclusive(() => this.pass(true));
  }

  /**
   * Drops every segment of the partitions `expired` selects (retention), between merges. Returns how many
   * partitions lost segments.
   */
  async dropPartitions(expired: (partition: number) => boolean): Promise<number> {
    let dropped = 0;
    await this.exclusive(async () => {
      for (const partition of this.db.segments.partitions()) {
        if (!expired(partition)) continue;
        const entries = [...this.db.segments.inPartition(partition)];
        this.db.segments.replace(entries, null, partition);
        await retire(entries, this.db.blockCache);
        dropped++;
      }
    });
    return dropped;
  }

  /** Starts a background pass if none runs (after a flush, on a timer); its errors are recorded, not thrown. */
  poke(): void {
    if (this.running !== null || this.closed) return;
    this.exclusive(() => this.pass(false)).catch((error: unknown) => {
      this.figures.lastError = (error as Error).message;
    });
  }

  stats(): CompactionStats {
    let backlog = 0;
    for (const partition of this.db.segments.partitions()) {
      const entries = this.db.segments.inPartition(partition);
      if (mergeStart(this.facts(entries, partition), { fanIn: this.options.fanIn, full: this.settled(partition) }) >= 0)
        backlog++;
    }
    return { ...this.figures, backlog, running: this.running !== null };
  }

  /** Waits for the running merge to end; later passes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running?.catch(() => undefined);
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    while (this.running !== null) await this.running.catch(() => undefined);
    if (this.closed) return;
    const run = work().finally(() => {
      this.running = null;
    });
    this.running = run;
    await run;
  }

  /** One pass over the partitions, oldest first; each partition is merged at most once per pass. */
  private async pass(full: boolean): Promise<void> {
    for (const partition of this.db.segments.partitions()) {
      if (this.closed) return;
      await this.compactPartition(partition, full || this.settled(partition));
    }
  }

  private async compactPartition(partition: number, full: boolean): Promise<void> {
    // The output takes a new sequence as its rank, so no flush may hold a reserved sequence it has not registered
    // yet (that segment would rank below the output while holding newer writes). Reserve while flushes are idle.
    await this.db.flushIdle();
    const entries = this.db.segments.inPartition(partition);
    const start = mergeStart(this.facts(entries, partition), { fanIn: this.options.fanIn, full });
    if (start < 0) return;
    const inputs = entries.slice(start);
    const rank = this.db.segments.nextSeq++;
    const low = Math.min(...inputs.map((e) => e.low));
    const outputPath = this.db.segments.pathForRange(low, rank);
    const began = performance.now();
    let result: MergeResult;
    try {
      result = await this.runner.run({
        inputs: inputs.map((e) => ({ path: e.reader.path, rank: e.rank })),
        tombstones: [...this.db.tombstones.all()],
        outputPath,
        partitionDurationNs: this.db.partitioning.durationNs,
      });
    } catch (error) {
      this.figures.failures++;
      this.figures.lastError = `partition ${partition}: ${(error as Error).message}`;
      throw error;
    }
    const output = result.written ? { low, rank, partition, reader: await SegmentReader.open(outputPath) } : null;
    this.db.segments.replace(inputs, output, partition);
    await retire(inputs, this.db.blockCache);
    const f = this.figures;
    f.merges++;
    f.seconds += (performance.now() - began) / 1000;
    f.inputBytes += result.inputBytes;
    f.outputBytes += result.outputBytes;
    f.inputPoints += result.inputPoints;
    f.outputPoints += result.outputPoints;
  }

  private facts(entries: readonly SegmentEntry[], partition: number): SegmentFacts[] {
    return entries.map((e) => ({ bytes: e.reader.byteLength, hasDeletes: this.hasDeletes(e, partition) }));
  }

  /** Whether a tombstone applicable to `entry` (maxSegmentSeq ≥ its rank) deletes some of its series here. */
  private hasDeletes(entry: SegmentEntry, partition: number): boolean {
    const ids = entry.reader.seriesIds();
    for (const t of this.db.tombstones.all()) {
      if (t.maxSegmentSeq < entry.rank) continue;
      if (this.db.partitioning.offsetRange(partition, t.startNs, t.endNs) === null) continue;
      for (let i = 0; i < t.seriesIds.length; i++) if (containsId(ids, t.seriesIds[i]!)) return true;
    }
    return false;
  }

  /** A partition that ended settleMs ago (wall clock) takes no regular writes: merge it whole. */
  private settled(partition: number): boolean {
    const now = this.options.nowMs();
    const endMs = Number(this.db.partitioning.startNs(partition + 1) / 1_000_000n);
    // Also quiet: a backfill keeps adding segments to old partitions, and merging the whole partition after each
    // flush would rewrite it again and again; size-tiered merges handle it until the writes stop.
    const quietMs = Math.min(this.options.settleMs, SETTLE_QUIET_MS);
    return now - endMs >= this.options.settleMs && now - this.db.segments.lastAddedMs(partition) >= quietMs;
  }
}

/** Closes and deletes merged inputs (after the swap: no scan can reach them) and drops their cached blocks. */
async function retire(inputs: readonly SegmentEntry[], cache: BlockCache): Promise<void> {
  for (const entry of inputs) {
    cache.forget(entry.reader);
    await entry.reader.close();
    // A leftover input (crash before this) is removed at the next open: the output's range covers it.
    await fsp.rm(entry.reader.path, { force: true });
  }
}
