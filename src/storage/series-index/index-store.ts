// The durable half of the series index: one LMDB environment per database directory holding the series catalog,
// deleted-series markers, field schema and format metadata. Byte layouts: docs/format/series-index.md.
// Knows nothing of postings or matchers; never interprets series keys beyond storing them.
import { open } from "lmdb";
import type { Database, RootDatabase } from "lmdb";
import { CorruptError, UnavailableError, getUvarint, putUvarint, uvarintSize } from "../../base/index.ts";
import { isFieldType } from "../model/index.ts";
import type { FieldType } from "../model/index.ts";
import { decodeMetricMetadata, encodeMetricMetadata } from "./metric-metadata.ts";
import type { MetricMetadata } from "./metric-metadata.ts";

/** Format version written to `meta/formatVersion` (docs/format/series-index.md#versioning). */
const SERIES_INDEX_FORMAT_VERSION = 1;

/** Most series keys per catalog record, and most bytes; larger batches are split into several records. */
const CHUNK_MAX_KEYS = 4096;
const CHUNK_MAX_BYTES = 1 << 20;
const EMPTY = Buffer.alloc(0);

/** Named sub-databases; see docs/format/series-index.md#sub-databases. */
const DB_META = "meta";
const DB_SERIES = "series";
const DB_DELETED = "deleted";
const DB_FIELDS = "fields";
const DB_METADATA = "metadata";

const KEY_FORMAT_VERSION = "formatVersion";
const KEY_NEXT_SERIES_ID = "nextSeriesId";
const KEY_NEXT_FIELD_ID = "nextFieldId";

/** A field schema record as stored in `fields`. */
export interface StoredField {
  id: number;
  measurement: string;
  name: string;
  type: FieldType;
}

/**
 * Owns the LMDB environment of one database directory. Writes are queued (lmdb-js batches every write of one event
 * turn into one transaction, in call order) and become durable by `flushed()`. Single writer: one process and one
 * IndexStore per directory. Write failures are remembered and reported by `failure()` and `flushed()`.
 */
export class IndexStore {
  /** Database directory (holds data.mdb and lock.mdb); immutable. */
  readonly dir: string;
  private readonly env: RootDatabase;
  private readonly meta: Database<Buffer, string>;
  private readonly series: Database<Buffer, number>;
  private readonly deleted: Database<Buffer, number>;
  private readonly fields: Database<Buffer, number>;
  /** Metric name → Prometheus metadata record (added in format version 1; absent in older directories). */
  private readonly metadata: Database<Buffer, string>;
  /** Last commit promise seen; each distinct one gets a rejection handler. Guarded by the single JS thread. */
  private lastWrite: Promise<boolean> | null;
  /** First write failure, or null. Once set, the index refuses further changes. */
  private writeError: UnavailableError | null;
  private readonly onWriteFailed: (err: unknown) => void;

  private constructor(dir: string, env: RootDatabase) {
    this.dir = dir;
    this.env = env;
    this.meta = env.openDB<Buffer, string>({ name: DB_META, encoding: "binary" });
    this.series = env.openDB<Buffer, number>({ name: DB_SERIES, keyEncoding: "uint32", encoding: "binary" });
    this.deleted = env.openDB<Buffer, number>({ name: DB_DELETED, keyEncoding: "uint32", encoding: "binary" });
    this.fields = env.openDB<Buffer, number>({ name: DB_FIELDS, keyEncoding: "uint32", encoding: "binary" });
    this.metadata = env.openDB<Buffer, string>({ name: DB_METADATA, encoding: "binary" });
    this.lastWrite = null;
    this.writeError = null;
    this.onWriteFailed = (err: unknown) => {
      this.writeError ??= new UnavailableError("STORAGE_INDEX_WRITE", `write series index in ${this.dir}`, {
        cause: err,
      });
    };
  }

  /**
   * Opens (creating when absent) the environment in `dir` and checks its format version; a new environment gets
   * the current version, durably, before this returns. Throws UnavailableError STORAGE_INDEX_OPEN when LMDB cannot
   * open the directory, CorruptError STORAGE_INDEX_VERSION for an unknown version.
   */
  static async open(dir: string): Promise<IndexStore> {
    let env: RootDatabase;
    try {
      env = open({ path: dir, noSubdir: false, maxDbs: 8, compression: false });
    } catch (err) {
      throw new UnavailableError("STORAGE_INDEX_OPEN", `open series index in ${dir}`, { cause: err });
    }
    const store = new IndexStore(dir, env);
    try {
      if (store.isNew()) {
        await store.meta.put(KEY_FORMAT_VERSION, encodeU32(SERIES_INDEX_FORMAT_VERSION));
        await store.flushed();
      }
    } catch (err) {
      await env.close();
      throw err;
    }
    return store;
  }

  /** True for an environment without a format version (never written); throws for an unreadable one. */
  private isNew(): boolean {
    const version = this.readCounter(KEY_FORMAT_VERSION);
    if (version === 0) {
      if (this.series.getKeysCount({ limit: 1 }) > 0 || this.fields.getKeysCount({ limit: 1 }) > 0) {
        throw this.corruption("series index has data but no format version");
      }
      return true;
    }
    if (version !== SERIES_INDEX_FORMAT_VERSION) {
      throw new CorruptError(
        "STORAGE_INDEX_VERSION",
        `unsupported series index format version ${version} in ${this.dir}: want ${SERIES_INDEX_FORMAT_VERSION}`,
        this.dataFile(),
        -1,
      );
    }
    return false;
  }

  /**
   * Calls `visit(id, key)` for every live series in ascending id order (deleted-series markers are applied here);
   * key strings are fresh. Returns the next series id to allocate: above every catalogued and deleted id and at
   * least the stored counter, so ids are never reused even if the counter write was lost. Throws CorruptError
   * STORAGE_CORRUPT for a malformed or overlapping catalog record.
   */
  loadSeries(visit: (id: number, key: string) => void): number {
    const deleted = Uint32Array.from(this.deleted.getKeys());
    let d = 0;
    let next = 1;
    const cursor = { pos: 0 };
    for (const { key: first, value: buf } of this.series.getRange()) {
      if (first < next) throw this.corruption(`catalog record ${first} overlaps ids below ${next}`);
      let id = first;
      cursor.pos = 0;
      while (cursor.pos < buf.length) {
        const start = cursor.pos;
        const len = getUvarint(buf, cursor);
        if (len < 0 || cursor.pos + len > buf.length) {
          throw this.corruption(`truncated key at byte ${start} of catalog record ${first}`);
        }
        while (d < deleted.length && deleted[d]! < id) d++;
        if (d === deleted.length || deleted[d] !== id) visit(id, buf.toString("utf8", cursor.pos, cursor.pos + len));
        cursor.pos += len;
        id++;
      }
      next = id;
    }
    const lastDeleted = deleted.length > 0 ? deleted[deleted.length - 1]! : 0;
    return Math.max(this.readCounter(KEY_NEXT_SERIES_ID), next, lastDeleted + 1);
  }

  /** The next field id to allocate (never reuses ids of dropped fields). */
  nextFieldId(): number {
    return Math.max(this.readCounter(KEY_NEXT_FIELD_ID), lastKey(this.fields) + 1, 1);
  }

  /** Every field record in ascending id order. Throws CorruptError STORAGE_CORRUPT for a malformed record. */
  loadFields(): StoredField[] {
    const out: StoredField[] = [];
    for (const { key, value } of this.fields.getRange()) out.push(this.decodeField(key, value));
    return out;
  }

  /**
   * Queues catalog records for series `firstId`, `firstId + 1`, … with `keys[0..count)`. Ids must continue the
   * catalog without overlap. Reads `keys` now and does not retain it.
   */
  appendSeries(firstId: number, keys: readonly string[], count: number): void {
    let i = 0;
    while (i < count) {
      let bytes = 0;
      let end = i;
      while (end < count && end - i < CHUNK_MAX_KEYS && bytes < CHUNK_MAX_BYTES) {
        const len = Buffer.byteLength(keys[end]!, "utf8");
        bytes += uvarintSize(len) + len;
        end++;
      }
      const buf = Buffer.allocUnsafe(bytes);
      let pos = 0;
      for (let j = i; j < end; j++) {
        const key = keys[j]!;
        pos = putUvarint(buf, pos, Buffer.byteLength(key, "utf8"));
        pos += buf.write(key, pos, "utf8");
      }
      this.track(this.series.put(firstId + i, buf));
      i = end;
    }
  }

  /** Queues a deleted-series marker for `id`; its catalog entry stays, so the id is never reused. */
  deleteSeries(id: number): void {
    this.track(this.deleted.put(id, EMPTY));
  }

  /** Queues a field record. */
  putField(field: StoredField): void {
    this.track(this.fields.put(field.id, encodeField(field)));
  }

  /** Queues removal of a field record. */
  removeField(id: number): void {
    this.track(this.fields.remove(id));
  }

  /** Every metric metadata record, ordered by metric name. Throws CorruptError STORAGE_CORRUPT for a bad record. */
  loadMetricMetadata(): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const { key, value } of this.metadata.getRange()) {
      const entry = typeof key === "string" ? decodeMetricMetadata(key, value) : null;
      if (entry === null) throw this.corruption(`malformed metadata record ${JSON.stringify(key)}`);
      out.push(entry);
    }
    return out;
  }

  /** Queues a metric metadata record (replacing the metric's previous one). */
  putMetricMetadata(entry: MetricMetadata): void {
    this.track(this.metadata.put(entry.metric, encodeMetricMetadata(entry)));
  }

  /** Queues the id counters. */
  putCounters(nextSeriesId: number, nextFieldId: number): void {
    this.track(this.meta.put(KEY_NEXT_SERIES_ID, encodeU32(nextSeriesId)));
    this.track(this.meta.put(KEY_NEXT_FIELD_ID, encodeU32(nextFieldId)));
  }

  /** The first write failure, or null. */
  failure(): UnavailableError | null {
    return this.writeError;
  }

  /**
   * Resolves when every write queued so far is committed and synced to disk. Rejects with UnavailableError
   * STORAGE_INDEX_WRITE when any write has failed.
   */
  async flushed(): Promise<void> {
    try {
      await this.env.flushed;
    } catch (err) {
      this.onWriteFailed(err);
    }
    if (this.writeError !== null) throw this.writeError;
  }

  /** Waits for queued writes, then closes the environment. Call once. */
  async close(): Promise<void> {
    try {
      await this.env.flushed;
    } finally {
      await this.env.close();
    }
  }

  private track(p: Promise<boolean>): void {
    // lmdb-js returns one shared promise per transaction; attach a handler once per transaction, not per write.
    if (p === this.lastWrite) return;
    this.lastWrite = p;
    p.then(undefined, this.onWriteFailed);
  }

  private readCounter(key: string): number {
    const buf = this.meta.get(key);
    if (buf === undefined) return 0;
    if (buf.length !== 4) throw this.corruption(`meta ${key} has ${buf.length} bytes, want 4`);
    return buf.readUInt32LE(0);
  }

  private decodeField(id: number, buf: Buffer): StoredField {
    const type = buf.length > 0 ? buf[0]! : 0;
    const cursor = { pos: 1 };
    const mLen = buf.length > 1 ? getUvarint(buf, cursor) : -1;
    if (!isFieldType(type) || mLen < 1 || cursor.pos + mLen >= buf.length) {
      throw this.corruption(`malformed field record ${id} (${buf.length} bytes)`);
    }
    const measurement = buf.toString("utf8", cursor.pos, cursor.pos + mLen);
    const name = buf.toString("utf8", cursor.pos + mLen);
    return { id, measurement, name, type };
  }

  /** A CorruptError STORAGE_CORRUPT naming `what` and the environment's data file. */
  corruption(what: string): CorruptError {
    return new CorruptError("STORAGE_CORRUPT", `${what} in ${this.dir}`, this.dataFile(), -1);
  }

  private dataFile(): string {
    return this.dir + "/data.mdb";
  }
}

function lastKey(db: Database<unknown, number>): number {
  for (const key of db.getKeys({ reverse: true, limit: 1 })) return key;
  return 0;
}

function encodeU32(value: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf.writeUInt32LE(value, 0);
  return buf;
}

/** `[type u8][uvarint measurement byte length][measurement UTF-8][field name UTF-8]`. */
function encodeField(field: StoredField): Buffer {
  const mLen = Buffer.byteLength(field.measurement, "utf8");
  const nLen = Buffer.byteLength(field.name, "utf8");
  const buf = Buffer.allocUnsafe(1 + uvarintSize(mLen) + mLen + nLen);
  buf[0] = field.type;
  let pos = putUvarint(buf, 1, mLen);
  pos += buf.write(field.measurement, pos, "utf8");
  buf.write(field.name, pos, "utf8");
  return buf;
}
