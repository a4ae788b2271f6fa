// The embeddable storage engine: a data directory of databases, with metadata listings, queries and stats.
// The facade every higher layer (embedded API, server, cluster replicas) drives.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import {
  InvalidError,
  NotFoundError,
  UnavailableError,
  MAX_TIME_NS,
  MIN_TIME_NS,
  toNs,
  toTimeNs,
} from "../base/index.ts";
import { Database, resolveOptions } from "./db/index.ts";
import type { BlockCacheStats } from "./segment/index.ts";
import type { CompactionStats } from "./db/compactor.ts";
import type { RetentionPolicy } from "./db/index.ts";
import type { EngineOptions, ResolvedOptions, WriteResult } from "./db/index.ts";
import { fieldTypeName, parseSeriesKey } from "./model/index.ts";
import type { FieldTypeName, WriteBatch } from "./model/index.ts";
import { executeQuery, readNumericColumns } from "./scan/index.ts";
import type {
  NativeQuery,
  NumericColumnsQuery,
  NumericSeriesColumns,
  QueryLimits,
  QueryResult,
  TimeInput,
} from "./scan/index.ts";
import type { MetricMetadata, TagMatcher } from "./series-index/index.ts";
import { acquireDirLock, releaseDirLock } from "./dir-lock.ts";

/** Which series an operation applies to: a measurement (all when omitted) and tag matchers. */
export interface SeriesSelector {
  measurement?: string;
  where?: TagMatcher[];
  /** Anchor regex matchers to the whole value (PromQL semantics); default false (InfluxQL). */
  anchored?: boolean;
}

/** A time range; start inclusive, end exclusive for reads (inclusive for delete, as InfluxQL DELETE). */
export interface TimeRange {
  start?: TimeInput;
  end?: TimeInput;
}

/** Size figures of one database. */
export interface DatabaseStats {
  name: string;
  series: number;
  /** Stored field values (head + segments; overwritten values not yet compacted count until then). */
  points: number;
  diskBytes: number;
  segments: number;
  /** Bytes of segment files (the warm tier). */
  segmentBytes: number;
  /** Time partitions holding segments. */
  partitions: number;
  headBytes: number;
  walBytes: number;
  /** Merges run since open, their figures, and partitions waiting for one. */
  compaction: CompactionStats;
  retention: RetentionPolicy;
}

const MAX_BUCKETS = 1_000_000;
const DATA_DIR = "data";

/**
 * Called after a write to database `db` is acknowledged (as durable as the sync mode promises), before `write()`
 * resolves. `batch` is the caller's and may be reused once the listener returns: copy what you keep. Points listed
 * in `result.rejected` (by point index) were not stored.
 */
export type WriteListener = (db: string, batch: WriteBatch, result: WriteResult) => void;

/**
 * A Strata data directory. All methods are async and may interleave; databases open lazily and stay open
 * until `close()`. Only one process may open a directory at a time (a lock file guards it).
 */
export class StorageEngine {
  readonly dir: string;
  readonly options: ResolvedOptions;
  private readonly open = new Map<string, Promise<Database>>();
  private closed = false;
  /** Current write listeners; replaced (copy on change), never mutated, so a notify loop sees a stable list. */
  private writeListeners: readonly WriteListener[] = [];
  /** Exceptions thrown by write listeners since open (they never fail a write). */
  private listenerErrorCount = 0;

  private constructor(dir: string, options: ResolvedOptions) {
    this.dir = dir;
    this.options = options;
  }

  /** Opens (creating when absent) the data directory `dir`, opening every database in it (replaying WALs). */
  static async open(dir: string, options: EngineOptions = {}): Promise<StorageEngine> {
    const resolved = resolveOptions(options);
    await fsp.mkdir(path.join(dir, DATA_DIR), { recursive: true });
    await acquireDirLock(dir);
    const engine = new StorageEngine(dir, resolved);
    try {
      for (const entry of await fsp.readdir(path.join(dir, DATA_DIR), { withFileTypes: true })) {
        if (entry.isDirectory()) await engine.database(decodeURIComponent(entry.name), true);
      }
    } catch (error) {
      await engine.close().catch(() => undefined); // the open error is the one worth reporting
      throw error;
    }
    return engine;
  }

  /** Names of the databases, sorted. */
  databases(): string[] {
    return [...this.open.keys()].sort();
  }

  /** Creates a database (no-op when it exists). */
  async createDatabase(name: string): Promise<void> {
    await this.database(name, true);
  }

  /** Drops a database and deletes its files. Throws NotFoundError when absent. */
  async dropDatabase(name: string): Promise<void> {
    const db = await this.getDatabase(name);
    this.open.delete(name);
    await db.close().catch(() => undefined); // its files are deleted next; a close failure changes nothing
    await fsp.rm(db.dir, { recursive: true, force: true });
  }

  /** The open database `name`; creates it when `create`. Throws NotFoundError otherwise. */
  async database(name: string, create: boolean): Promise<Database> {
    this.assertOpen();
    let pending = this.open.get(name);
    if (pending === undefined) {
      checkDatabaseName(name);
      const dir = path.join(this.dir, DATA_DIR, encodeURIComponent(name));
      if (!create && !(await exists(dir)))
        throw new NotFoundError("STORAGE_DB_NOT_FOUND", `database not found: ${name}`);
      pending = Database.open(dir, name, this.options);
      this.open.set(name, pending);
      pending.catch(() => this.open.delete(name));
    }
    return pending;
  }

  /** Stores a batch in database `name` (created on first write when autoCreateDatabases). */
  async write(name: string, batch: WriteBatch): Promise<WriteResult> {
    const db = await this.database(name, this.options.autoCreateDatabases);
    const result = await db.write(batch);
    if (this.writeListeners.length > 0 && result.accepted > 0) this.notifyWrite(name, batch, result);
    return result;
  }

  /**
   * Registers `listener` for acknowledged writes (see {@link WriteListener}); it runs synchronously on the write's
   * completion path, so it must be cheap. Writes with no accepted point are not reported. A throwing listener does
   * not fail the write: the exception is counted ({@link writeListenerErrors}) and dropped, which is safe because
   * the data is already durable and listeners only observe it. Returns a function that unsubscribes (idempotent).
   */
  onWrite(listener: WriteListener): () => void {
    this.writeListeners = [...this.writeListeners, listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const i = this.writeListeners.indexOf(listener);
      this.writeListeners = [...this.writeListeners.slice(0, i), ...this.writeListeners.slice(i + 1)];
    };
  }

  /** Number of exceptions write listeners have thrown since the engine opened. */
  writeListenerErrors(): number {
    return this.listenerErrorCount;
  }

  /** Runs a native query. */
  async query(name: string, query: NativeQuery): Promise<QueryResult> {
    const db = await this.getDatabase(name);
    const now = [0, 0];
    this.options.clock.now(now);
    return executeQuery(db, query, toNs(now[0]!, now[1]!), this.queryLimits());
  }

  /**
   * Raw points of one numeric field per matching series as ms times and float64 values in typed arrays (last
   * write wins, tombstones applied, several points in one ms → the last), under the same caps as `query`. See
   * {@link readNumericColumns}. Throws NotFoundError for an unknown database.
   */
  async readNumericColumns(name: string, query: NumericColumnsQuery): Promise<NumericSeriesColumns[]> {
    return readNumericColumns(await this.getDatabase(name), query, this.queryLimits());
  }

  private queryLimits(): QueryLimits {
    return {
      maxPoints: this.options.maxQueryPoints,
      maxSeries: this.options.maxQuerySeries,
      maxBuckets: MAX_BUCKETS,
      timeoutMs: this.options.queryTimeoutMs,
      monotonicMs: () => this.options.clock.monotonicMs(),
    };
  }

  /** Deletes points of matching series with start ≤ time ≤ end. Returns the number of series matched. */
  async delete(name: string, selector: SeriesSelector, range: TimeRange = {}): Promise<number> {
    const db = await this.getDatabase(name);
    const start = range.start === undefined ? MIN_TIME_NS : toTimeNs(range.start);
    const end = range.end === undefined ? MAX_TIME_NS : toTimeNs(range.end);
    return db.delete(selector.measurement, selector.where ?? [], start, end);
  }

  /**
   * Drops the series matching `selector` (InfluxQL DROP SERIES / DROP MEASUREMENT): deletes all their points and
   * removes them from the index, so listings no longer show them. Resolves when durable; returns the number of
   * series dropped. Throws NotFoundError for an unknown database.
   */
  async dropSeries(name: string, selector: SeriesSelector): Promise<number> {
    const db = await this.getDatabase(name);
    return db.dropSeries(selector.measurement, selector.where ?? []);
  }

  /** Measurement names, sorted; restricted to those with series matching `where` when given. */
  async measurements(name: string, where: TagMatcher[] = []): Promise<string[]> {
    const db = await this.getDatabase(name);
    // A measurement whose series were all dropped keeps its field schema (WAL replay needs it) but is not listed.
    if (where.length === 0) return db.index.measurements().filter((m) => db.index.hasSeries(m));
    return db.index.measurements().filter((m) => db.index.select(m, where, false).length > 0);
  }

  /** Tag keys of a measurement, sorted. */
  async tagKeys(name: string, measurement: string, where: TagMatcher[] = []): Promise<string[]> {
    const db = await this.getDatabase(name);
    return db.index.tagKeys(measurement, where.length === 0 ? undefined : db.index.select(measurement, where, false));
  }

  /** Values of one tag key in a measurement, sorted. */
  async tagValues(name: string, measurement: string, key: string, where: TagMatcher[] = []): Promise<string[]> {
    const db = await this.getDatabase(name);
    return db.index.tagValues(
      measurement,
      key,
      where.length === 0 ? undefined : db.index.select(measurement, where, false),
    );
  }

  /** Field keys of a measurement with their types, sorted by name. */
  async fieldKeys(name: string, measurement: string): Promise<Array<{ name: string; type: FieldTypeName }>> {
    const db = await this.getDatabase(name);
    return db.index.fields(measurement).map((f) => ({ name: f.name, type: fieldTypeName(f.type) }));
  }

  /**
   * Series keys matching the selector, sorted. With a time range, only series holding data in a partition
   * overlapping it (partition granularity, as InfluxDB's SHOW SERIES works per shard).
   */
  async series(
    name: string,
    selector: SeriesSelector = {},
    range: TimeRange = {},
  ): Promise<Array<{ key: string; measurement: string; tags: Record<string, string> }>> {
    const db = await this.getDatabase(name);
    let ids = Array.from(db.index.select(selector.measurement, selector.where ?? [], selector.anchored ?? false));
    if (range.start !== undefined || range.end !== undefined) {
      const present = seriesInRange(db, range);
      ids = ids.filter((id) => present.has(id));
    }
    return ids
      .map((id) => {
        const key = db.index.seriesKey(id);
        const parsed = parseSeriesKey(key);
        return { key, measurement: parsed.measurement, tags: Object.fromEntries(parsed.tags) };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Stores Prometheus metric metadata for database `name` (created when absent and autoCreateDatabases), last
   * entry per metric wins. Resolves when the changed entries are durable (fsynced LMDB commit).
   */
  async putMetricMetadata(name: string, entries: readonly MetricMetadata[]): Promise<void> {
    const db = await this.database(name, this.options.autoCreateDatabases);
    if (db.index.putMetricMetadata(entries) > 0) await db.index.flushed();
  }

  /** Metric metadata of database `name`, sorted by metric. Throws NotFoundError for an unknown database. */
  async metricMetadata(name: string): Promise<MetricMetadata[]> {
    const db = await this.getDatabase(name);
    return db.index.metricMetadata();
  }

  /** Writes every database's head to segment files. */
  async flush(): Promise<void> {
    for (const pending of this.open.values()) await (await pending).flush();
  }

  /** The retention policy of database `name`. Throws NotFoundError for an unknown database. */
  async retentionPolicy(name: string): Promise<RetentionPolicy> {
    return { ...(await this.getDatabase(name)).retention };
  }

  /**
   * Sets the retention policy of database `name` (durable before it resolves) and drops the partitions it expires.
   * Throws NotFoundError for an unknown database, InvalidError for a bad policy.
   */
  async setRetentionPolicy(name: string, policy: RetentionPolicy): Promise<void> {
    await (await this.getDatabase(name)).setRetention(policy);
  }

  /**
   * Merges every partition of database `name` (all databases when omitted) into one segment, dropping deleted and
   * overwritten points; resolves when done. Throws NotFoundError for an unknown database.
   */
  async compact(name?: string): Promise<void> {
    const names = name === undefined ? this.databases() : [name];
    for (const n of names) await (await this.getDatabase(n)).compactor.compactAll();
  }

  /** Size figures per database. */
  async stats(): Promise<DatabaseStats[]> {
    const out: DatabaseStats[] = [];
    for (const name of this.databases()) {
      const db = await this.getDatabase(name);
      let points = 0;
      for (const entry of db.segments.all()) {
        const counts = entry.reader.blockCountPoints;
        for (let i = 0; i < counts.length; i++) points += counts[i]!;
      }
      for (const head of db.frozen === null ? [db.active] : [db.frozen, db.active]) {
        for (const partition of head.partitions.values()) {
          for (const series of partition.series.values()) for (const column of series.columns) points += column.length;
        }
      }
      out.push({
        name,
        series: db.index.seriesCount(),
        points,
        diskBytes: await db.diskBytes(),
        segments: db.segments.all().length,
        segmentBytes: db.segments.diskBytes(),
        partitions: db.segments.partitions().length,
        headBytes: db.active.bytes + (db.frozen?.bytes ?? 0),
        walBytes: db.walBytes(),
        compaction: db.compactor.stats(),
        retention: { ...db.retention },
      });
    }
    return out;
  }

  /** Hits, misses and occupancy of the engine's cache of decoded segment blocks. */
  cacheStats(): BlockCacheStats {
    return this.options.blockCache.stats();
  }

  /** Damage found when databases were opened (torn WAL tails, unreadable segments), by database. */
  async damage(): Promise<Array<{ database: string; file: string; offset: number; reason: string }>> {
    const out: Array<{ database: string; file: string; offset: number; reason: string }> = [];
    for (const name of this.databases())
      for (const d of (await this.getDatabase(name)).damage) out.push({ database: name, ...d });
    return out;
  }

  /** Flushes and closes every database and releases the directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: Error | null = null;
    for (const pending of this.open.values()) {
      try {
        await (await pending).close();
      } catch (error) {
        failure ??= error as Error;
      }
    }
    this.open.clear();
    await this.options.mergeRunner.close();
    await releaseDirLock(this.dir);
    if (failure !== null) throw failure;
  }

  private notifyWrite(name: string, batch: WriteBatch, result: WriteResult): void {
    const listeners = this.writeListeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(name, batch, result);
      } catch {
        // Dropped on purpose (see onWrite): the write is durable; a listener's failure is its own to report.
        this.listenerErrorCount++;
      }
    }
  }

  private async getDatabase(name: string): Promise<Database> {
    return this.database(name, false);
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError("STORAGE_CLOSED", "storage engine is closed");
  }
}

function seriesInRange(db: Database, range: TimeRange): Set<number> {
  const first = [0, 0];
  const last = [0, 0];
  db.partitioning.locate(range.start === undefined ? MIN_TIME_NS : toTimeNs(range.start), first);
  db.partitioning.locate(range.end === undefined ? MAX_TIME_NS : toTimeNs(range.end), last);
  const inRange = (p: number): boolean => p >= first[0]! && p <= last[0]!;
  const present = new Set<number>();
  for (const entry of db.segments.all()) {
    if (!inRange(entry.partition)) continue;
    for (const id of entry.reader.seriesIds()) present.add(id);
  }
  for (const head of db.frozen === null ? [db.active] : [db.frozen, db.active]) {
    for (const partition of head.partitions.values()) {
      if (inRange(partition.index)) for (const id of partition.series.keys()) present.add(id);
    }
  }
  return present;
}

function checkDatabaseName(name: string): void {
  if (
    typeof name !== "string" ||
    name === "" ||
    name === "." ||
    name === ".." ||
    name.length > 255 ||
    /[\u0000-\u001f/\\]/.test(name)
  ) {
    throw new InvalidError(
      "STORAGE_BAD_DB_NAME",
      `invalid database name ${JSON.stringify(name)}: 1-255 characters, no slashes or control characters`,
    );
  }
}

async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}
