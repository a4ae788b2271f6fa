// One database: its WAL, head, segment files, series index and tombstones, and the write/flush/delete paths.
// The only code that changes a database directory. Knows nothing of query languages or transports.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import {
  ConflictError,
  InvalidError,
  LimitError,
  MAX_TIME_NS,
  MIN_TIME_NS,
  UnavailableError,
  isTsdbError,
  isTimeInRange,
} from "../../base/index.ts";
import type { Clock, TsdbError } from "../../base/index.ts";
import { ByteWriter } from "../codec/index.ts";
import { Head, HeadWriter } from "../head/index.ts";
import type { HeadMemoryUser } from "../head/index.ts";
import { FieldType, fieldTypeName } from "../model/index.ts";
import type { WriteBatch } from "../model/index.ts";
import type { BlockCache } from "../segment/index.ts";
import { SeriesIndex } from "../series-index/index.ts";
import type { TagMatcher } from "../series-index/index.ts";
import { Wal } from "../wal/index.ts";
import { Compactor } from "./compactor.ts";
import { flushHead } from "./flush.ts";
import type { ResolvedOptions } from "./options.ts";
import { Partitioning } from "./partitioning.ts";
import { SegmentSet } from "./segment-set.ts";
import type { Damage } from "./segment-set.ts";
import { TombstoneSet } from "./tombstone-set.ts";
import {
  WAL_RECORD_TOMBSTONE,
  WAL_RECORD_WRITE,
  WriteRecordEncoder,
  decodeTombstone,
  decodeWriteRecord,
  encodeTombstone,
} from "./wal-record.ts";

/** A point of a write batch that was not stored, with the reason. */
export interface RejectedPoint {
  /** Index of the point in the batch. */
  point: number;
  /** Source line (1-based) when the batch came from text, else 0. */
  line: number;
  error: TsdbError;
}

/** Outcome of a write: how many points were stored and which were rejected (InfluxDB's partial write). */
export interface WriteResult {
  accepted: number;
  rejected: RejectedPoint[];
}

/** Fields per point remembered by the layout cache; wider points fall back to index lookups past this. */
const LAYOUT_SLOTS = 64;

interface DatabaseMeta {
  version: 1;
  partitionDurationNs: number;
  /** Absent in directories from before retention existed: the default policy. */
  retention?: RetentionPolicy;
}

/**
 * A database's retention policy (one per database; InfluxQL's CREATE/ALTER RETENTION POLICY set it). Points older
 * than `durationNs` are rejected at write, and partitions that ended longer ago are dropped whole.
 */
export interface RetentionPolicy {
  /** The name InfluxQL shows and accepts as `rp` ("autogen" unless set). */
  name: string;
  /** Data older than this is dropped, ns; 0 keeps everything. */
  durationNs: number;
  /**
   * InfluxDB's shard group duration, ns, as given or derived (shown by SHOW RETENTION POLICIES). Strata's own unit
   * of expiry is the database's partition, fixed at creation.
   */
  shardDurationNs: number;
  /** InfluxDB's replication factor, as given (shown by SHOW RETENTION POLICIES); a single node keeps one copy. */
  replicaN?: number;
}

const HOUR_NS = 3_600_000_000_000;
const DAY_NS = 24 * HOUR_NS;

/** InfluxDB 1.x's shard group duration for a retention duration: 1 h below 2 d, 1 d up to 6 months, else 7 d. */
export function defaultShardDurationNs(durationNs: number): number {
  if (durationNs > 0 && durationNs < 2 * DAY_NS) return HOUR_NS;
  if (durationNs > 0 && durationNs <= 180 * DAY_NS) return DAY_NS;
  return 7 * DAY_NS;
}

/** The policy of a database nobody configured: "autogen", keep forever. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  name: "autogen",
  durationNs: 0,
  shardDurationNs: 7 * DAY_NS,
};

/**
 * A database directory. Writes, deletes and flushes may be called concurrently; each write is applied to the
 * head and appended to the WAL in one synchronous step, so the WAL order is the head order.
 */
export class Database implements HeadMemoryUser {
  readonly name: string;
  readonly dir: string;
  readonly partitioning: Partitioning;
  readonly index: SeriesIndex;
  readonly segments: SegmentSet;
  readonly tombstones: TombstoneSet;
  /** Damage found at open (torn WAL tails, bad segments); the database serves everything else. */
  readonly damage: Damage[];
  /** The head receiving writes. Replaced (not mutated away) on flush. */
  active: Head;
  /** The head being flushed, readable until its segments are registered; null when no flush runs. */
  frozen: Head | null = null;
  /** The engine's cache of decoded segment blocks (shared by its databases). */
  readonly blockCache: BlockCache;
  /** Merges this database's segments (docs/rfc/0007-compaction.md). */
  readonly compactor: Compactor;

  private readonly options: ResolvedOptions;
  private meta: DatabaseMeta;
  private readonly wal: Wal;
  private readonly headWriter: HeadWriter;
  private readonly encoder = new WriteRecordEncoder();
  private readonly walBuffer = new ByteWriter(1 << 20);
  private fieldTypes = new Uint8Array(256);
  private seriesScratch = new Int32Array(1024);
  private fieldScratch = new Uint32Array(4096);
  private flushing: Promise<void> | null = null;
  private ageTimer: NodeJS.Timeout | null = null;
  /** A retention drop started by the timer is running. */
  private expiring = false;
  private failure: Error | null = null;
  private closed = false;

  private constructor(init: {
    name: string;
    dir: string;
    options: ResolvedOptions;
    partitioning: Partitioning;
    index: SeriesIndex;
    segments: SegmentSet;
    tombstones: TombstoneSet;
    wal: Wal;
    head: Head;
    damage: Damage[];
    meta: DatabaseMeta;
  }) {
    this.meta = init.meta;
    this.name = init.name;
    this.dir = init.dir;
    this.options = init.options;
    this.partitioning = init.partitioning;
    this.index = init.index;
    this.segments = init.segments;
    this.tombstones = init.tombstones;
    this.wal = init.wal;
    this.active = init.head;
    this.damage = init.damage;
    this.blockCache = init.options.blockCache;
    this.compactor = new Compactor(this, init.options.mergeRunner, {
      fanIn: init.options.compactionFanIn,
      settleMs: init.options.compactionSettleMs,
      nowMs: () => wallMs(init.options.clock),
    });
    this.headWriter = new HeadWriter(init.head, init.partitioning, (id) => this.fieldType(id));
  }

  /** Opens (creating when absent) the database in `dir`, replaying its WAL into the head. */
  static async open(dir: string, name: string, options: ResolvedOptions): Promise<Database> {
    await fsp.mkdir(dir, { recursive: true });
    const meta = await loadMeta(dir, options);
    const partitioning = new Partitioning(meta.partitionDurationNs);
    const damage: Damage[] = [];
    const index = await SeriesIndex.open(path.join(dir, "index"), { maxSeries: options.maxSeries });
    const segments = await SegmentSet.open(path.join(dir, "segments"), partitioning, damage, () =>
      wallMs(options.clock),
    );
    const tombstones = await TombstoneSet.open(path.join(dir, "tombstones"), damage);
    // A flush may reserve sequence numbers that never become files (crash, or a partition emptied by deletes);
    // tombstones may refer to them. Never hand them out again, or an old delete would hide new data.
    segments.nextSeq = Math.max(segments.nextSeq, tombstones.maxSegmentSeq() + 1);
    const head = new Head();
    const typeOf = (id: number): FieldType => index.fieldById(id).type;
    const replayWriter = new HeadWriter(head, partitioning, typeOf);
    const { wal, report } = await Wal.open(
      path.join(dir, "wal"),
      { sync: options.sync, syncIntervalMs: options.syncIntervalMs },
      (type, payload, position) => {
        try {
          if (type === WAL_RECORD_WRITE) decodeWriteRecord(payload, replayWriter);
          else if (type === WAL_RECORD_TOMBSTONE) deleteFromHead(head, partitioning, decodeTombstone(payload));
        } catch (error) {
          // A record that passed its CRC but does not decode is reported and skipped, not fatal (STYLE §5).
          if (!isTsdbError(error)) throw error;
          damage.push({ file: position.file, offset: position.offset, reason: error.message });
        }
      },
    );
    for (const d of report.damage) damage.push({ file: d.file, offset: d.offset, reason: d.reason });
    if (!head.isEmpty()) head.firstWriteMs = options.clock.monotonicMs();
    const db = new Database({ name, dir, options, partitioning, index, segments, tombstones, wal, head, damage, meta });
    options.headMemory.register(db);
    db.startAgeTimer();
    return db;
  }

  /**
   * Stores the batch's points. Resolves once the accepted points are as durable as the sync mode promises;
   * rejected points (type conflicts, series limit, time out of range) are reported, never thrown.
   * When the engine's heads hold their whole budget, waits for flushes before applying the batch (backpressure).
   * Throws LimitError when the batch exceeds maxBatchPoints and UnavailableError when closed or failed.
   * The batch must not be modified until the promise settles.
   */
  async write(batch: WriteBatch): Promise<WriteResult> {
    this.assertWritable();
    const n = batch.pointCount;
    if (n > this.options.maxBatchPoints) {
      throw new LimitError(
        "STORAGE_BATCH_TOO_LARGE",
        `batch of ${n} points exceeds the limit of ${this.options.maxBatchPoints}`,
      );
    }
    if (this.options.headMemory.isFull()) {
      await this.options.headMemory.admit();
      this.assertWritable();
    }
    const rejected: RejectedPoint[] = [];
    let { seriesIds, fieldIds } = this.resolveBatch(batch, rejected);
    if (rejected.length === n) return { accepted: 0, rejected };
    if (this.schemaGrew) {
      const durable = this.index.flushed();
      this.schemaFlush = durable;
      const clear = (): void => {
        if (this.schemaFlush === durable) this.schemaFlush = null;
      };
      durable.then(clear, clear);
    }
    const schemaFlush = this.schemaFlush;
    if (schemaFlush !== null) {
      // New series and fields must be durable before a WAL record refers to their ids — including ids another
      // write created a moment ago and is still waiting on. Waiting on the same promise keeps call order.
      // Other writes may run during the wait and reuse the scratch arrays, so keep copies.
      seriesIds = seriesIds.slice();
      fieldIds = fieldIds.slice();
      await schemaFlush;
      this.assertWritable();
    }
    const accepted = this.appendResolved(batch, seriesIds, fieldIds);
    const durable = this.wal.append(WAL_RECORD_WRITE, this.encoder.finish().payload);
    try {
      await durable;
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
    await this.maybeFlushForMemory();
    return { accepted, rejected };
  }

  /**
   * Deletes points of the series matching (`measurement`, `matchers`) with startNs ≤ time ≤ endNs.
   * Resolves once the delete is durable; the next query no longer sees the points. Returns the series count matched.
   */
  async delete(
    measurement: string | undefined,
    matchers: readonly TagMatcher[],
    startNs: bigint,
    endNs: bigint,
  ): Promise<number> {
    this.assertWritable();
    if (startNs > endNs)
      throw new InvalidError("STORAGE_BAD_RANGE", `delete range start ${startNs} is after end ${endNs}`);
    const seriesIds = this.index.select(measurement, matchers, false);
    if (seriesIds.length === 0) return 0;
    const tombstone = { seriesIds, startNs, endNs, maxSegmentSeq: this.segments.nextSeq - 1 };
    const payload = encodeTombstone(tombstone, new ByteWriter(64 + seriesIds.length * 3));
    // One synchronous step, so no flush can freeze the head in between: the tombstone covers every segment
    // numbered so far (including ones a running flush reserved), the heads lose the points now, and the WAL
    // record is ordered with the writes around it (replay deletes from the head exactly what was there).
    const segmentsDurable = this.tombstones.add(tombstone, payload);
    const walDurable = this.wal.append(WAL_RECORD_TOMBSTONE, payload);
    deleteFromHead(this.active, this.partitioning, tombstone);
    if (this.frozen !== null) deleteFromHead(this.frozen, this.partitioning, tombstone);
    try {
      await Promise.all([segmentsDurable, walDurable]);
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
    return seriesIds.length;
  }

  /**
   * Drops the series matching (`measurement`, `matchers`): tombstones all their points (as `delete` over all
   * time), then removes them from the index so listings no longer show them. Resolves once both are durable.
   * Returns the number of series dropped. Old ids are never reused, so WAL records replayed for them stay
   * invisible (and flushes skip them). The measurement's field schema is kept: WAL replay still resolves the
   * field ids of records written before the drop.
   */
  async dropSeries(measurement: string | undefined, matchers: readonly TagMatcher[]): Promise<number> {
    const ids = this.index.select(measurement, matchers, false);
    if (ids.length === 0) return 0;
    await this.delete(measurement, matchers, MIN_TIME_NS, MAX_TIME_NS);
    this.index.deleteSeries(ids);
    await this.index.flushed();
    return ids.length;
  }

  /** Writes everything in the head to segment files and truncates the WAL. Resolves when durable. */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
    if (this.active.isEmpty() || this.closed) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /** Resolves when no flush is running (CompactionTarget). */
  async flushIdle(): Promise<void> {
    while (this.flushing !== null) await this.flushing.catch(() => undefined);
  }

  /** Flushes the head, then releases every file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.ageTimer !== null) clearInterval(this.ageTimer);
    await this.compactor.close();
    this.options.headMemory.unregister(this);
    if (this.failure === null)
      await this.flush().catch((error: unknown) => {
        this.failure = error as Error;
      });
    this.closed = true;
    await this.wal.close();
    await this.tombstones.close();
    for (const entry of this.segments.all()) this.blockCache.forget(entry.reader);
    await this.segments.close();
    await this.index.close();
    if (this.failure !== null)
      throw new UnavailableError("STORAGE_CLOSE", `database ${this.name} closed after a failure`, {
        cause: this.failure,
      });
  }

  /** The FieldType of a field id (cached). */
  fieldType(fieldId: number): FieldType {
    const cached = this.fieldTypes[fieldId];
    if (cached !== undefined && cached !== 0) return cached as FieldType;
    const type = this.index.fieldById(fieldId).type;
    this.cacheFieldType(fieldId, type);
    return type;
  }

  /** Bytes of WAL, segment and index files. */
  async diskBytes(): Promise<number> {
    return this.wal.sizeBytes() + this.segments.diskBytes() + (await dirBytes(path.join(this.dir, "index")));
  }

  /** Bytes of live WAL files. */
  walBytes(): number {
    return this.wal.sizeBytes();
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** The database's retention policy. */
  get retention(): RetentionPolicy {
    return this.meta.retention ?? DEFAULT_RETENTION;
  }

  /**
   * Replaces the retention policy (durable in meta.json before it resolves), then drops the partitions it expires.
   * Throws InvalidError (STORAGE_BAD_RETENTION) for a negative or fractional duration.
   */
  async setRetention(policy: RetentionPolicy): Promise<void> {
    this.assertWritable();
    for (const [key, value] of [
      ["duration", policy.durationNs],
      ["shard duration", policy.shardDurationNs],
    ] as const) {
      // Durations beyond 2^53 ns (104 days) are doubles that are still whole; they are used as BigInt(value).
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** 63)
        throw new InvalidError("STORAGE_BAD_RETENTION", `retention ${key} ${value} must be a whole number of ns ≥ 0`);
    }
    if (policy.name === "") throw new InvalidError("STORAGE_BAD_RETENTION", "retention policy name is empty");
    const meta: DatabaseMeta = { ...this.meta, retention: { ...policy } };
    await writeMeta(this.dir, meta);
    this.meta = meta;
    await this.dropExpired();
  }

  /**
   * Drops every segment of the partitions that ended before now − retention (whole partitions, as InfluxDB drops
   * whole shard groups). Runs between merges, so a merge never swaps an output in for a dropped partition.
   * Returns the partitions dropped.
   */
  async dropExpired(): Promise<number> {
    const cutoff = this.retentionCutoffNs();
    if (cutoff === null) return 0;
    return this.compactor.dropPartitions((p) => this.partitioning.startNs(p + 1) <= cutoff);
  }

  /** now − retention in ns, or null when the policy keeps everything. */
  private retentionCutoffNs(): bigint | null {
    const duration = this.retention.durationNs;
    if (duration === 0) return null;
    const now = [0, 0];
    this.options.clock.now(now);
    return BigInt(now[0]!) * 1_000_000_000n + BigInt(now[1]!) - BigInt(duration);
  }

  private async flushOnce(): Promise<void> {
    const frozen = this.active;
    // A head's lifetime spans about one flush interval, so the frozen head's column lengths predict the next one's.
    // Preallocating columns takes at most half the flush threshold, so the next head fills before it flushes.
    this.active = new Head(frozen.capacityHint(this.options.headMemory.flushThresholdBytes / 2));
    this.headWriter.setHead(this.active);
    this.frozen = frozen;
    // Reserved in the same tick as the swap, so a delete from now on covers these segments (maxSegmentSeq).
    const partitions = frozen.partitionIndexes();
    const firstSeq = this.segments.nextSeq;
    this.segments.nextSeq += partitions.length;
    // Rotating in the same tick as the swap: WAL files up to `walSeq` hold exactly the frozen head's records.
    const walSeq = await this.wal.rotate();
    try {
      await this.index.flushed();
      await flushHead(this, frozen, partitions, firstSeq);
    } catch (error) {
      // The frozen head stays readable and its WAL files stay on disk, so a reopen recovers it; until then the
      // database refuses writes rather than risk acknowledging data a later flush would skip.
      this.failure = error as Error;
      throw error;
    }
    this.frozen = null;
    await this.wal.removeUpTo(walSeq);
    if (this.options.compaction) this.compactor.poke();
  }

  /**
   * Resolves series and field ids for every point into the scratch arrays (-1 marks a rejected point) and
   * records rejects. Sets `schemaGrew` when a series or field was created.
   */
  private resolveBatch(batch: WriteBatch, rejected: RejectedPoint[]): { seriesIds: Int32Array; fieldIds: Uint32Array } {
    const n = batch.pointCount;
    if (this.seriesScratch.length < n) this.seriesScratch = new Int32Array(n * 2);
    if (this.fieldScratch.length < batch.valueCount) this.fieldScratch = new Uint32Array(batch.valueCount * 2);
    const seriesIds = this.seriesScratch;
    const fieldIds = this.fieldScratch;
    this.schemaGrew = false;
    // Points older than the retention are rejected (InfluxDB's "points beyond retention policy"), compared as
    // (sec, nsec) against the cutoff.
    const cutoffNs = this.retentionCutoffNs();
    const cutoffSec = cutoffNs === null ? -Infinity : Number(cutoffNs / 1_000_000_000n);
    const cutoffNsec = cutoffNs === null ? 0 : Number(cutoffNs % 1_000_000_000n);
    let j = 0;
    for (let i = 0; i < n; i++) {
      const first = j;
      while (j < batch.valueCount && batch.valuePoint[j] === i) j++;
      let error: TsdbError | null = null;
      const sec = batch.sec[i]!;
      if (!isTimeInRange(sec, batch.nsec[i]!)) {
        error = new InvalidError("STORAGE_TIME_RANGE", "point time is outside the int64 nanosecond range");
      } else if (sec < cutoffSec || (sec === cutoffSec && batch.nsec[i]! < cutoffNsec)) {
        error = new InvalidError("STORAGE_BEYOND_RETENTION", "points beyond retention policy");
      } else {
        error = this.resolveFields(batch, i, first, j, fieldIds);
      }
      let seriesId = -1;
      if (error === null) {
        const key = batch.seriesKeys[i]!;
        const known = this.index.findSeries(key);
        if (known !== undefined) seriesId = known;
        else {
          const created = this.createSeries(key);
          if (typeof created === "number") {
            seriesId = created;
            this.schemaGrew = true; // the new id must be durable before a WAL record refers to it
          } else {
            error = created;
          }
        }
      }
      if (error !== null) rejected.push({ point: i, line: batch.lines[i]!, error });
      seriesIds[i] = error === null ? seriesId : -1;
    }
    return { seriesIds: seriesIds.subarray(0, n), fieldIds: fieldIds.subarray(0, batch.valueCount) };
  }

  /** Set by resolveBatch when it created a series or field. */
  private schemaGrew = false;
  /** The index commit that makes recently created series/fields durable; null when none is pending. */
  private schemaFlush: Promise<void> | null = null;

  /**
   * Resolves the field ids of values [first, end) of point i; returns the type conflict, if any.
   * Consecutive points usually repeat a layout (same measurement, same interned field-name strings in the same
   * order), so the last point's names, types and ids are compared by identity before asking the index.
   */
  private resolveFields(
    batch: WriteBatch,
    i: number,
    first: number,
    end: number,
    fieldIds: Uint32Array,
  ): TsdbError | null {
    const measurement = batch.measurements[i]!;
    const layout = this.layout;
    if (layout.measurement !== measurement) {
      layout.measurement = measurement;
      layout.names.length = 0;
    }
    for (let k = first; k < end; k++) {
      const type = batch.valueType[k] as FieldType;
      const name = batch.valueField[k]!;
      const slot = k - first;
      if (layout.names[slot] === name && layout.types[slot] === type) {
        fieldIds[k] = layout.ids[slot]!;
        continue;
      }
      const found = this.index.findField(measurement, name);
      let id: number;
      if (found !== undefined) {
        if (found.type !== type) {
          return new ConflictError(
            "STORAGE_FIELD_TYPE_CONFLICT",
            `field type conflict: input field "${name}" on measurement "${measurement}" is type ${fieldTypeName(type)}, already exists as type ${fieldTypeName(found.type)}`,
          );
        }
        id = found.id;
      } else {
        id = this.index.getOrCreateField(measurement, name, type);
        this.cacheFieldType(id, type);
        this.schemaGrew = true;
      }
      fieldIds[k] = id;
      if (slot < LAYOUT_SLOTS) {
        while (layout.names.length < slot) layout.names.push("");
        layout.names[slot] = name;
        layout.types[slot] = type;
        layout.ids[slot] = id;
      }
    }
    return null;
  }

  /** The field layout of the last resolved point (see resolveFields). */
  private readonly layout = {
    measurement: "",
    names: [] as string[],
    types: new Uint8Array(LAYOUT_SLOTS),
    ids: new Uint32Array(LAYOUT_SLOTS),
  };

  private createSeries(key: string): number | TsdbError {
    try {
      return this.index.getOrCreateSeries(key);
    } catch (error) {
      if (isTsdbError(error) && error.category === "limit") return error;
      throw error;
    }
  }

  /** Encodes the resolved points into the WAL buffer and appends them to the head, in one synchronous pass. */
  private appendResolved(batch: WriteBatch, seriesIds: Int32Array, fieldIds: Uint32Array): number {
    const encoder = this.encoder;
    const writer = this.headWriter;
    encoder.begin(this.walBuffer);
    if (this.active.firstWriteMs < 0) this.active.firstWriteMs = this.options.clock.monotonicMs();
    let accepted = 0;
    let j = 0;
    for (let i = 0; i < batch.pointCount; i++) {
      const first = j;
      while (j < batch.valueCount && batch.valuePoint[j] === i) j++;
      const seriesId = seriesIds[i]!;
      if (seriesId < 0) continue;
      accepted++;
      const sec = batch.sec[i]!;
      const nsec = batch.nsec[i]!;
      encoder.point(seriesId, sec, nsec, j - first);
      writer.point(seriesId, sec, nsec);
      for (let k = first; k < j; k++) {
        const fieldId = fieldIds[k]!;
        const type = batch.valueType[k];
        if (type === FieldType.String) {
          encoder.string(fieldId, batch.valueStr[k]!);
          writer.string(fieldId, batch.valueStr[k]!);
        } else if (Number.isNaN(batch.valueNum[k]) && (type === FieldType.Int || type === FieldType.Uint)) {
          const big = batch.bigValue(k);
          encoder.bigint(fieldId, big);
          writer.bigint(fieldId, BigInt.asUintN(64, big));
        } else if (type === FieldType.Float) {
          encoder.number(fieldId, batch.valueNum[k]!);
          writer.typedNumber(fieldId, type, batch.valueNum[k]!);
        } else {
          encoder.integer(fieldId, batch.valueNum[k]!);
          writer.typedNumber(fieldId, type as FieldType, batch.valueNum[k]!);
        }
      }
    }
    return accepted;
  }

  /** Bytes of the head receiving writes (HeadMemoryUser). */
  activeHeadBytes(): number {
    return this.active.bytes;
  }

  /** Bytes of the head receiving writes and of the one being flushed (HeadMemoryUser). */
  headBytes(): number {
    return this.active.bytes + (this.frozen === null ? 0 : this.frozen.bytes);
  }

  /**
   * Frees head memory for the engine's budget (HeadMemoryUser): waits for the running flush, else flushes the
   * active head. Throws UnavailableError when the database is closed or failed (its heads cannot be released).
   */
  async relieveMemory(): Promise<void> {
    this.assertWritable();
    if (this.flushing !== null) await this.flushing;
    else await this.flush();
  }

  /**
   * Starts a flush once the active head holds a quarter of the head budget (HeadMemory.flushThresholdBytes); when
   * all heads hold the whole budget, the acknowledgement waits for flushes too (backpressure on the writer).
   */
  private async maybeFlushForMemory(): Promise<void> {
    if (this.flushing === null && this.active.bytes >= this.options.headMemory.flushThresholdBytes) {
      this.startBackgroundFlush();
    }
    // The write is durable already: a flush failure here is recorded by its database and fails the next write.
    if (this.options.headMemory.isFull()) await this.options.headMemory.admit().catch(() => undefined);
  }

  private startBackgroundFlush(): void {
    this.flush().catch((error: unknown) => {
      // Recorded, not dropped: every later write fails with this cause until the database is reopened.
      this.failure = error as Error;
    });
  }

  private startAgeTimer(): void {
    const periodMs = Math.max(100, Math.min(this.options.flushAgeMs / 4, 10_000));
    this.ageTimer = setInterval(() => {
      const head = this.active;
      // The same tick checks on compaction (partitions settle as time passes, without flushes) and retention.
      if (this.options.compaction) this.compactor.poke();
      if (this.retention.durationNs > 0 && !this.expiring) {
        this.expiring = true;
        this.dropExpired()
          .catch(() => undefined) // a failed drop is retried on the next tick; its files stay readable meanwhile
          .finally(() => {
            this.expiring = false;
          });
      }
      if (
        head.firstWriteMs >= 0 &&
        this.flushing === null &&
        this.options.clock.monotonicMs() - head.firstWriteMs >= this.options.flushAgeMs
      ) {
        this.startBackgroundFlush();
      }
    }, periodMs);
    this.ageTimer.unref();
  }

  private assertWritable(): void {
    if (this.closed) throw new UnavailableError("STORAGE_CLOSED", `database ${this.name} is closed`);
    if (this.failure !== null) {
      throw new UnavailableError(
        "STORAGE_FAILED",
        `database ${this.name} refuses writes after a failure: ${this.failure.message}`,
        {
          cause: this.failure,
        },
      );
    }
  }

  private cacheFieldType(fieldId: number, type: FieldType): void {
    if (fieldId >= this.fieldTypes.length) {
      const grown = new Uint8Array(Math.max(fieldId + 1, this.fieldTypes.length * 2));
      grown.set(this.fieldTypes);
      this.fieldTypes = grown;
    }
    this.fieldTypes[fieldId] = type;
  }
}

/** The clock's wall time in ms. */
function wallMs(clock: Clock): number {
  const now = [0, 0];
  clock.now(now);
  return now[0]! * 1000 + now[1]! / 1e6;
}

/** Removes a tombstone's points from a head. */
function deleteFromHead(
  head: Head,
  partitioning: Partitioning,
  tombstone: { seriesIds: Uint32Array; startNs: bigint; endNs: bigint },
): void {
  for (const partition of head.partitions.values()) {
    const range = partitioning.offsetRange(partition.index, tombstone.startNs, tombstone.endNs);
    if (range === null) continue;
    const [fromOff, toOff] = range;
    for (let i = 0; i < tombstone.seriesIds.length; i++) {
      const series = partition.series.get(tombstone.seriesIds[i]!);
      if (series === undefined) continue;
      for (const column of series.columns) {
        const removed = column.deleteRange(fromOff, toOff);
        head.points -= removed;
      }
    }
  }
}

async function loadMeta(dir: string, options: ResolvedOptions): Promise<DatabaseMeta> {
  const file = path.join(dir, "meta.json");
  try {
    return JSON.parse(await fsp.readFile(file, "utf8")) as DatabaseMeta;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // The partition length is fixed when a database is created: existing segments depend on it.
  const meta: DatabaseMeta = { version: 1, partitionDurationNs: options.partitionDurationNs };
  if (options.defaultRetentionNs > 0) {
    const durationNs = options.defaultRetentionNs;
    meta.retention = { ...DEFAULT_RETENTION, durationNs, shardDurationNs: defaultShardDurationNs(durationNs) };
  }
  await writeMeta(dir, meta);
  return meta;
}

/** Replaces meta.json atomically and durably (temp file, fsync, rename, directory fsync). */
async function writeMeta(dir: string, meta: DatabaseMeta): Promise<void> {
  const file = path.join(dir, "meta.json");
  const tmp = file + ".tmp";
  await fsp.writeFile(tmp, JSON.stringify(meta) + "\n");
  const handle = await fsp.open(tmp, "r+");
  await handle.sync();
  await handle.close();
  await fsp.rename(tmp, file);
  const dirHandle = await fsp.open(dir, "r");
  await dirHandle.sync();
  await dirHandle.close();
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    const stat = await fsp.stat(path.join(dir, name)).catch(() => null);
    if (stat?.isFile() === true) total += stat.size;
  }
  return total;
}
