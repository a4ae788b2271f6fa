// Options of an engine and its databases, with defaults and validation.
import { InvalidError, SystemClock } from "../../base/index.ts";
import type { Clock } from "../../base/index.ts";
import { HeadMemory } from "../head/index.ts";
import { BlockCache } from "../segment/index.ts";
import { MergeRunner } from "../compaction/merge-runner.ts";
import type { SyncMode } from "../wal/index.ts";

/** Options of `StorageEngine.open` (and so of `Strata.open`). Every field is optional. */
export interface EngineOptions {
  /** WAL durability: "always" (default) acknowledges a write only after fsync. */
  sync?: SyncMode;
  /** fsync period for sync "interval", in ms (default 1000). */
  syncIntervalMs?: number;
  /** Time partition length in ns: whole seconds, 1 s to 30 d (default 1 day). */
  partitionDurationNs?: number;
  /**
   * Memory of all in-memory heads of the engine together, in bytes (default 256 MiB): the heads receiving writes
   * and the ones being flushed, of every database. A head is flushed once it holds a quarter of it; a write that finds
   * the whole budget used waits for flushes before it is applied (backpressure). docs/rfc/0005-memory-budget.md.
   */
  headBudgetBytes?: number;
  /**
   * Memory for decoded segment blocks kept for repeated reads, in bytes (default 32 MiB; 0 turns the cache off).
   * One least-recently-used cache shared by the engine's databases.
   */
  blockCacheBytes?: number;
  /**
   * Background compaction (default true): merges the segments of a partition as they accumulate, and all of them
   * into one once the partition is settled (docs/rfc/0007-compaction.md). `compact()` works either way.
   */
  compaction?: boolean;
  /** Merge on a worker thread (default true), so merges never occupy the event loop; false runs them inline. */
  compactionWorker?: boolean;
  /** Segments of one size tier in a partition that trigger a merge (default 4, at least 2). */
  compactionFanIn?: number;
  /** A partition whose end is this long past (wall clock) is merged into one segment, in ms (default 1 hour). */
  compactionSettleMs?: number;
  /**
   * Retention of databases created from now on, ns (default 0: keep everything); `setRetentionPolicy` changes it
   * per database. Points older than it are rejected; partitions that ended longer ago are dropped whole.
   */
  defaultRetentionNs?: number;
  /** Flush the head once its oldest unflushed write is this old, in ms (default 10 minutes). */
  flushAgeMs?: number;
  /** Series cardinality limit per database (default 1,000,000; 0 = unlimited). */
  maxSeries?: number;
  /** Create a database on its first write (default true); otherwise writes to unknown databases fail. */
  autoCreateDatabases?: boolean;
  /** Largest write batch in points (default 1,000,000); larger batches fail with a limit error. */
  maxBatchPoints?: number;
  /** Cap on points a single query may read (default 100,000,000). */
  maxQueryPoints?: number;
  /** Cap on series a single query may touch (default 1,000,000). */
  maxQuerySeries?: number;
  /** Time limit of a single query in ms (default 60,000); checked between series. */
  queryTimeoutMs?: number;
  /**
   * Rollups (default true): per-hour and per-day rows of numeric fields kept in `<db>/rollups/` and read by
   * qualifying aggregate queries (docs/rfc/0009-rollups.md); false keeps none and answers every query from raw data.
   */
  rollups?: boolean;
  /** Time source; tests inject a fake one. */
  clock?: Clock;
}

/** EngineOptions with every default applied, and the head budget they imply (shared by the engine's databases). */
export type ResolvedOptions = Required<EngineOptions> & {
  headMemory: HeadMemory;
  blockCache: BlockCache;
  mergeRunner: MergeRunner;
};

const DAY_NS = 86_400_000_000_000;
const DEFAULT_BLOCK_CACHE_BYTES = 32 * 1024 * 1024;

/** Applies defaults and validates; throws InvalidError (STORAGE_BAD_OPTION) naming the option. */
export function resolveOptions(options: EngineOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    sync: options.sync ?? "always",
    syncIntervalMs: options.syncIntervalMs ?? 1000,
    partitionDurationNs: options.partitionDurationNs ?? DAY_NS,
    headBudgetBytes: options.headBudgetBytes ?? 256 * 1024 * 1024,
    flushAgeMs: options.flushAgeMs ?? 10 * 60 * 1000,
    maxSeries: options.maxSeries ?? 1_000_000,
    autoCreateDatabases: options.autoCreateDatabases ?? true,
    maxBatchPoints: options.maxBatchPoints ?? 1_000_000,
    maxQueryPoints: options.maxQueryPoints ?? 100_000_000,
    maxQuerySeries: options.maxQuerySeries ?? 1_000_000,
    queryTimeoutMs: options.queryTimeoutMs ?? 60_000,
    clock: options.clock ?? new SystemClock(),
    blockCacheBytes: options.blockCacheBytes ?? DEFAULT_BLOCK_CACHE_BYTES,
    defaultRetentionNs: options.defaultRetentionNs ?? 0,
    compaction: options.compaction ?? true,
    rollups: options.rollups ?? true,
    compactionWorker: options.compactionWorker ?? true,
    compactionFanIn: options.compactionFanIn ?? 4,
    compactionSettleMs: options.compactionSettleMs ?? 60 * 60 * 1000,
    headMemory: new HeadMemory(options.headBudgetBytes ?? 256 * 1024 * 1024),
    mergeRunner: new MergeRunner(options.compactionWorker ?? true),
    blockCache: new BlockCache(options.blockCacheBytes ?? DEFAULT_BLOCK_CACHE_BYTES),
  };
  if (!["always", "interval", "never"].includes(resolved.sync))
    bad("sync", `"${String(resolved.sync)}" is not always, interval or never`);
  for (const key of [
    "syncIntervalMs",
    "headBudgetBytes",
    "flushAgeMs",
    "maxBatchPoints",
    "maxQueryPoints",
    "maxQuerySeries",
    "queryTimeoutMs",
  ] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] <= 0) bad(key, `${resolved[key]} must be a positive number`);
  }
  if (!Number.isFinite(resolved.blockCacheBytes) || resolved.blockCacheBytes < 0)
    bad("blockCacheBytes", `${resolved.blockCacheBytes} must be a non-negative number`);
  if (
    !Number.isInteger(resolved.defaultRetentionNs) ||
    resolved.defaultRetentionNs < 0 ||
    resolved.defaultRetentionNs >= 2 ** 63
  )
    bad("defaultRetentionNs", `${resolved.defaultRetentionNs} must be a whole number of ns ≥ 0`);
  if (!Number.isInteger(resolved.compactionFanIn) || resolved.compactionFanIn < 2)
    bad("compactionFanIn", `${resolved.compactionFanIn} must be an integer of at least 2`);
  if (!Number.isFinite(resolved.compactionSettleMs) || resolved.compactionSettleMs < 0)
    bad("compactionSettleMs", `${resolved.compactionSettleMs} must be a non-negative number`);
  if (!Number.isInteger(resolved.maxSeries) || resolved.maxSeries < 0)
    bad("maxSeries", `${resolved.maxSeries} must be a non-negative integer`);
  return resolved;
}

function bad(option: string, reason: string): never {
  throw new InvalidError("STORAGE_BAD_OPTION", `invalid option ${option}: ${reason}`);
}
