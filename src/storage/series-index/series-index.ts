// The series index of one database: series catalog (key ↔ id), field schema, and in-memory inverted postings for
// tag matchers. Durable state lives in LMDB (IndexStore, docs/format/series-index.md); postings are rebuilt at open.
// Knows nothing of samples, WAL or query languages.
import { ConflictError, InvalidError, LimitError, NotFoundError, UnavailableError } from "../../base/index.ts";
import { fieldTypeName, isFieldType } from "../model/index.ts";
import type { FieldType } from "../model/index.ts";
import { IndexStore } from "./index-store.ts";
import type { StoredField } from "./index-store.ts";
import { MeasurementPostings } from "./measurement-postings.ts";
import { MAX_METADATA_NAME_BYTES, sameMetricMetadata } from "./metric-metadata.ts";
import type { MetricMetadata } from "./metric-metadata.ts";
import { splitSeriesKey } from "./series-key-split.ts";
import { unionManyIds } from "./sorted-ids.ts";
import { compileMatchers, selectInMeasurement } from "./tag-matcher.ts";
import type { TagMatcher } from "./tag-matcher.ts";

/** Options of SeriesIndex.open. */
export interface SeriesIndexOptions {
  /** Most live series per database; default 1_000_000; 0 = unlimited. */
  maxSeries?: number;
}

const DEFAULT_MAX_SERIES = 1_000_000;
/** Ids are stored as LMDB uint32 keys. */
const MAX_SERIES_ID = 0xffffffff;
/** tagKeys/tagValues scan the keys of `ids` instead of postings when ids are this many times fewer than values. */
const KEY_SCAN_FACTOR = 8;

/**
 * Series catalog, field schema and postings of one database directory. All methods are synchronous except open,
 * flushed and close; calls must not interleave with close. Changes are visible at once and durable after
 * `flushed()` resolves. Owns the directory's LMDB environment: one SeriesIndex per directory and process.
 */
export class SeriesIndex {
  /** Database directory; immutable. */
  readonly dir: string;
  private readonly store: IndexStore;
  private readonly maxSeries: number;
  /** Canonical key → live series id. Cleared by close, so lookups on a closed index fall through to a throw. */
  private readonly keyToId: Map<string, number>;
  /** Id → canonical key; "" for ids never allocated (index 0) or deleted. Packed, grows by push. */
  private readonly idToKey: string[];
  private readonly postings: Map<string, MeasurementPostings>;
  /** Postings of the measurement last written to (series arrive grouped by measurement); null after deletes. */
  private lastPostings: MeasurementPostings | null;
  /** Measurement → field name → field; field ids dense from 1 and never reused. */
  private readonly fieldsByMeasurement: Map<string, Map<string, StoredField>>;
  /** Field id → field, null for unused/dropped ids. */
  private readonly fieldsById: Array<StoredField | null>;
  private liveSeries: number;
  private nextSeriesId: number;
  private nextFieldId: number;
  /** Series created since the last write: ids pendingFirstId … pendingFirstId + pendingCount - 1. */
  private pendingKeys: string[];
  private pendingFirstId: number;
  private pendingCount: number;
  /** True while a write of pending series and counters is queued for the current event turn. */
  private writeQueued: boolean;
  private readonly writePendingFn: () => void;
  /** Reused by splitSeriesKey; never escapes a method call. */
  private readonly scratch: string[];
  private closePromise: Promise<void> | null;
  /** Metric name → metadata, loaded from the store on first use; null until then. */
  private metadataByMetric: Map<string, MetricMetadata> | null;

  private constructor(dir: string, store: IndexStore, maxSeries: number) {
    this.dir = dir;
    this.store = store;
    this.maxSeries = maxSeries;
    this.keyToId = new Map();
    this.idToKey = [""];
    this.postings = new Map();
    this.lastPostings = null;
    this.fieldsByMeasurement = new Map();
    this.fieldsById = [null];
    this.liveSeries = 0;
    this.nextSeriesId = 1;
    this.nextFieldId = 1;
    this.pendingKeys = [];
    this.pendingFirstId = 1;
    this.pendingCount = 0;
    this.writeQueued = false;
    this.writePendingFn = () => {
      if (this.closePromise === null) this.writePending();
    };
    this.scratch = [];
    this.closePromise = null;
    this.metadataByMetric = null;
  }

  /**
   * Opens the index in `dir` (created when absent) and rebuilds postings from the catalog. Throws InvalidError
   * STORAGE_BAD_OPTION for a bad maxSeries, UnavailableError STORAGE_INDEX_OPEN when LMDB cannot open `dir`,
   * CorruptError (STORAGE_CORRUPT, STORAGE_INDEX_VERSION) for bad stored state.
   */
  static async open(dir: string, options: SeriesIndexOptions = {}): Promise<SeriesIndex> {
    const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    if (!Number.isSafeInteger(maxSeries) || maxSeries < 0) {
      throw new InvalidError("STORAGE_BAD_OPTION", `maxSeries must be a non-negative integer, got ${maxSeries}`);
    }
    const store = await IndexStore.open(dir);
    const index = new SeriesIndex(dir, store, maxSeries);
    try {
      index.load();
    } catch (err) {
      await store.close();
      throw err;
    }
    return index;
  }

  private load(): void {
    for (const f of this.store.loadFields()) this.addFieldInMemory(f);
    const parts = this.scratch;
    this.nextSeriesId = this.store.loadSeries((id, key) => {
      const n = splitSeriesKey(key, parts);
      if (n < 0)
        throw this.store.corruption(`catalog entry ${id} is not a canonical series key: ${JSON.stringify(key)}`);
      while (this.idToKey.length < id) this.idToKey.push("");
      this.idToKey.push(key);
      this.keyToId.set(key, id);
      this.measurementPostings(parts[0]!).add(id, parts, n);
      this.liveSeries++;
    });
    this.nextFieldId = this.store.nextFieldId();
    while (this.idToKey.length < this.nextSeriesId) this.idToKey.push("");
    this.pendingFirstId = this.nextSeriesId;
  }

  /**
   * Id of canonical series `key` (see docs/format/series-key.md), creating it when new: visible at once, durable
   * after `flushed()`. Existing keys cost one Map lookup. Throws InvalidError STORAGE_BAD_SERIES_KEY for a
   * non-canonical key, LimitError STORAGE_SERIES_LIMIT when a new series would exceed maxSeries,
   * UnavailableError (STORAGE_CLOSED, STORAGE_INDEX_WRITE) when closed or after a failed write.
   */
  getOrCreateSeries(key: string): number {
    const id = this.keyToId.get(key);
    return id !== undefined ? id : this.createSeries(key);
  }

  private createSeries(key: string): number {
    this.checkWritable();
    const parts = this.scratch;
    const n = splitSeriesKey(key, parts);
    if (n < 0) {
      throw new InvalidError("STORAGE_BAD_SERIES_KEY", `not a canonical series key: ${JSON.stringify(key)}`);
    }
    if (this.maxSeries > 0 && this.liveSeries >= this.maxSeries) {
      throw new LimitError(
        "STORAGE_SERIES_LIMIT",
        `series limit ${this.maxSeries} reached in database ${this.dir}: cannot create series ${key}`,
      );
    }
    if (this.nextSeriesId > MAX_SERIES_ID) {
      throw new LimitError(
        "STORAGE_SERIES_LIMIT",
        `series ids exhausted in database ${this.dir}: cannot create ${key}`,
      );
    }
    const id = this.nextSeriesId++;
    this.idToKey.push(key);
    this.keyToId.set(key, id);
    this.measurementPostings(parts[0]!).add(id, parts, n);
    this.liveSeries++;
    this.pendingKeys.push(key);
    this.pendingCount++;
    this.queueWrite();
    return id;
  }

  /** Id of live series `key`, or undefined. */
  findSeries(key: string): number | undefined {
    return this.keyToId.get(key);
  }

  /** Canonical key of live series `id`. Throws NotFoundError STORAGE_SERIES_NOT_FOUND for unknown or deleted ids. */
  seriesKey(id: number): string {
    const key = id >= 1 && id < this.idToKey.length ? this.idToKey[id]! : "";
    if (key === "") throw new NotFoundError("STORAGE_SERIES_NOT_FOUND", `no series with id ${id} in ${this.dir}`);
    return key;
  }

  /** True when `measurement` has live series. */
  hasSeries(measurement: string): boolean {
    return this.postings.has(measurement);
  }

  /** The key of live series `id`, or undefined when unknown or deleted. */
  findSeriesKey(id: number): string | undefined {
    const key = id >= 1 && id < this.idToKey.length ? this.idToKey[id]! : "";
    return key === "" ? undefined : key;
  }

  /** Number of live series. */
  seriesCount(): number {
    return this.liveSeries;
  }

  /**
   * Id and type of `field` of `measurement`, creating it when new (durable after `flushed()`). Throws ConflictError
   * STORAGE_FIELD_TYPE_CONFLICT when the field exists with another type, InvalidError STORAGE_BAD_FIELD for empty
   * names or an unknown type code, UnavailableError when closed or after a failed write.
   */
  getOrCreateField(measurement: string, field: string, type: FieldType): number {
    const existing = this.fieldsByMeasurement.get(measurement)?.get(field);
    if (existing !== undefined) {
      if (existing.type === type) return existing.id;
      throw new ConflictError(
        "STORAGE_FIELD_TYPE_CONFLICT",
        `field type conflict on measurement ${measurement} field ${field}: ` +
          `stored as ${fieldTypeName(existing.type)}, written as ${isFieldType(type) ? fieldTypeName(type) : type}`,
      );
    }
    this.checkWritable();
    if (measurement === "" || field === "" || !isFieldType(type)) {
      throw new InvalidError("STORAGE_BAD_FIELD", `bad field ${JSON.stringify(field)} of ${measurement}: type ${type}`);
    }
    const f: StoredField = { id: this.nextFieldId++, measurement, name: field, type };
    this.addFieldInMemory(f);
    this.store.putField(f);
    this.queueWrite();
    return f.id;
  }

  /** Id and type of an existing field, or undefined. */
  findField(measurement: string, field: string): { id: number; type: FieldType } | undefined {
    const f = this.fieldsByMeasurement.get(measurement)?.get(field);
    return f === undefined ? undefined : { id: f.id, type: f.type };
  }

  /** Fields of `measurement` sorted by name (UTF-16 code units); empty for an unknown measurement. */
  fields(measurement: string): Array<{ name: string; id: number; type: FieldType }> {
    const byName = this.fieldsByMeasurement.get(measurement);
    if (byName === undefined) return [];
    const out: Array<{ name: string; id: number; type: FieldType }> = [];
    for (const f of byName.values()) out.push({ name: f.name, id: f.id, type: f.type });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The field with `id`. Throws NotFoundError STORAGE_FIELD_NOT_FOUND for unknown or dropped ids. */
  fieldById(id: number): { measurement: string; name: string; type: FieldType } {
    const f = id >= 1 && id < this.fieldsById.length ? this.fieldsById[id] : null;
    if (f === null || f === undefined) {
      throw new NotFoundError("STORAGE_FIELD_NOT_FOUND", `no field with id ${id} in ${this.dir}`);
    }
    return { measurement: f.measurement, name: f.name, type: f.type };
  }

  /** Measurements with live series or a field schema, sorted. */
  measurements(): string[] {
    const names = new Set<string>(this.postings.keys());
    for (const m of this.fieldsByMeasurement.keys()) names.add(m);
    return Array.from(names).sort();
  }

  /**
   * Ids of live series of `measurement` (all measurements when undefined) matching every matcher, ascending, as a
   * new array the caller owns. No matchers select every series of the measurement. `anchored` makes regexes match
   * whole values (PromQL) rather than substrings (InfluxQL). Throws InvalidError for a bad matcher or pattern.
   */
  select(measurement: string | undefined, matchers: readonly TagMatcher[], anchored: boolean): Uint32Array {
    const compiled = compileMatchers(matchers, anchored);
    if (measurement !== undefined) {
      const mp = this.postings.get(measurement);
      return mp === undefined ? new Uint32Array(0) : selectInMeasurement(mp, compiled);
    }
    const parts: Uint32Array[] = [];
    for (const mp of this.postings.values()) parts.push(selectInMeasurement(mp, compiled));
    return unionManyIds(parts);
  }

  /** Tag keys of `measurement`, sorted; only those held by series in sorted `ids` when given. */
  tagKeys(measurement: string, ids?: Uint32Array): string[] {
    const mp = this.postings.get(measurement);
    if (mp === undefined) return [];
    if (ids === undefined) return Array.from(mp.tags.keys()).sort();
    if (ids.length * KEY_SCAN_FACTOR < mp.valueCount()) {
      const keys = new Set<string>();
      this.scanKeys(measurement, ids, (parts, length) => {
        for (let i = 1; i < length; i += 2) keys.add(parts[i]!);
      });
      return Array.from(keys).sort();
    }
    const out: string[] = [];
    for (const [key, tp] of mp.tags) if (tp.intersects(ids)) out.push(key);
    return out.sort();
  }

  /** Values of tag `key` in `measurement`, sorted; only those held by series in sorted `ids` when given. */
  tagValues(measurement: string, key: string, ids?: Uint32Array): string[] {
    const tp = this.postings.get(measurement)?.tags.get(key);
    if (tp === undefined) return [];
    if (ids === undefined) return tp.values();
    if (ids.length * KEY_SCAN_FACTOR >= tp.size) return tp.valuesIn(ids);
    const values = new Set<string>();
    this.scanKeys(measurement, ids, (parts, length) => {
      for (let i = 1; i < length; i += 2) if (parts[i] === key) values.add(parts[i + 1]!);
    });
    return Array.from(values).sort();
  }

  /** Calls `visit` with the split key of each live series of `measurement` among `ids`. */
  private scanKeys(measurement: string, ids: Uint32Array, visit: (parts: string[], length: number) => void): void {
    const parts = this.scratch;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const key = id < this.idToKey.length ? this.idToKey[id]! : "";
      if (key === "") continue;
      const n = splitSeriesKey(key, parts);
      if (n > 0 && parts[0] === measurement) visit(parts, n);
    }
  }

  /**
   * Deletes live series `ids` (any order; unknown or already deleted ids are skipped): they leave postings and
   * lookups at once, and their catalog entries become deleted-series markers durably after `flushed()`. Their ids
   * are never reused; re-creating the same key allocates a new id. Throws UnavailableError when closed.
   */
  deleteSeries(ids: Uint32Array): void {
    this.checkWritable();
    const drop = unionManyIds([Uint32Array.from(ids).sort()]);
    // Measurement → tag key → values held by the dropped series, so only those postings are rewritten.
    const touched = new Map<string, Map<string, Set<string>>>();
    const parts = this.scratch;
    for (let i = 0; i < drop.length; i++) {
      const id = drop[i]!;
      const key = id < this.idToKey.length ? this.idToKey[id]! : "";
      const n = key === "" ? -1 : splitSeriesKey(key, parts);
      if (n < 0) continue;
      let byKey = touched.get(parts[0]!);
      if (byKey === undefined) {
        byKey = new Map();
        touched.set(parts[0]!, byKey);
      }
      for (let j = 1; j < n; j += 2) {
        let values = byKey.get(parts[j]!);
        if (values === undefined) {
          values = new Set();
          byKey.set(parts[j]!, values);
        }
        values.add(parts[j + 1]!);
      }
      this.idToKey[id] = "";
      this.keyToId.delete(key);
      this.liveSeries--;
      this.store.deleteSeries(id);
    }
    this.lastPostings = null;
    for (const [measurement, byKey] of touched) {
      const mp = this.postings.get(measurement)!;
      if (mp.remove(drop, byKey)) this.postings.delete(measurement);
    }
  }

  /**
   * Drops the field schema of `measurement` when it has no live series left (no-op otherwise); durable after
   * `flushed()`. Dropped field ids are never reused. Throws UnavailableError when closed.
   */
  dropMeasurementIfEmpty(measurement: string): void {
    this.checkWritable();
    if (this.postings.has(measurement)) return;
    const byName = this.fieldsByMeasurement.get(measurement);
    if (byName === undefined) return;
    for (const f of byName.values()) {
      this.fieldsById[f.id] = null;
      this.store.removeField(f.id);
    }
    this.fieldsByMeasurement.delete(measurement);
    // The counters commit with the removals, so the dropped ids stay above nextFieldId's derivation at open.
    this.queueWrite();
  }

  /**
   * Records Prometheus metric metadata; the last entry per metric wins, and only entries that differ from the stored
   * one are written. Entries with an empty name or a name over MAX_METADATA_NAME_BYTES UTF-8 bytes are skipped.
   * Returns how many entries changed; they are durable after `flushed()`. Reads `entries` now and keeps copies.
   * Throws UnavailableError when closed or after a write failure.
   */
  putMetricMetadata(entries: readonly MetricMetadata[]): number {
    this.checkWritable();
    const known = this.loadedMetadata();
    let changed = 0;
    for (const e of entries) {
      if (e.metric === "" || Buffer.byteLength(e.metric, "utf8") > MAX_METADATA_NAME_BYTES) continue;
      const old = known.get(e.metric);
      if (old !== undefined && sameMetricMetadata(old, e)) continue;
      const copy = { metric: e.metric, type: e.type, help: e.help, unit: e.unit };
      known.set(e.metric, copy);
      this.store.putMetricMetadata(copy);
      changed++;
    }
    return changed;
  }

  /** Stored metric metadata, sorted by metric name; fresh objects the caller owns. */
  metricMetadata(): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const e of this.loadedMetadata().values()) out.push({ ...e });
    return out.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  }

  /**
   * Resolves when every change made so far is committed and synced to disk. Rejects with UnavailableError
   * STORAGE_INDEX_WRITE when a write failed (the index then refuses further changes).
   */
  flushed(): Promise<void> {
    if (this.closePromise === null) this.writePending();
    return this.store.flushed();
  }

  /** Flushes pending changes and closes the LMDB environment; idempotent (later calls return the same promise). */
  close(): Promise<void> {
    if (this.closePromise === null) {
      // Write the last series and counters before the store stops accepting writes.
      this.writePending();
      this.keyToId.clear();
      this.closePromise = this.store.close();
    }
    return this.closePromise;
  }

  private loadedMetadata(): Map<string, MetricMetadata> {
    if (this.metadataByMetric === null) {
      this.metadataByMetric = new Map();
      for (const e of this.store.loadMetricMetadata()) this.metadataByMetric.set(e.metric, e);
    }
    return this.metadataByMetric;
  }

  private measurementPostings(name: string): MeasurementPostings {
    const last = this.lastPostings;
    if (last !== null && last.name === name) return last;
    let mp = this.postings.get(name);
    if (mp === undefined) {
      mp = new MeasurementPostings(name);
      this.postings.set(name, mp);
    }
    this.lastPostings = mp;
    return mp;
  }

  private addFieldInMemory(f: StoredField): void {
    let byName = this.fieldsByMeasurement.get(f.measurement);
    if (byName === undefined) {
      byName = new Map();
      this.fieldsByMeasurement.set(f.measurement, byName);
    }
    byName.set(f.name, f);
    while (this.fieldsById.length <= f.id) this.fieldsById.push(null);
    this.fieldsById[f.id] = f;
  }

  private queueWrite(): void {
    if (this.writeQueued) return;
    this.writeQueued = true;
    // A microtask runs before lmdb-js commits the event turn's batch, so these writes share its transaction, and
    // one catalog record per turn replaces one LMDB put per series (series-index.bench.ts: create rate).
    queueMicrotask(this.writePendingFn);
  }

  /** Queues the series created since the last call as catalog records, plus the id counters. */
  private writePending(): void {
    if (!this.writeQueued) return;
    this.writeQueued = false;
    if (this.pendingCount > 0) {
      this.store.appendSeries(this.pendingFirstId, this.pendingKeys, this.pendingCount);
      this.pendingFirstId += this.pendingCount;
      this.pendingCount = 0;
      this.pendingKeys = [];
    }
    this.store.putCounters(this.nextSeriesId, this.nextFieldId);
  }

  private checkWritable(): void {
    if (this.closePromise !== null) throw new UnavailableError("STORAGE_CLOSED", `series index ${this.dir} is closed`);
    const failure = this.store.failure();
    if (failure !== null) throw failure;
  }
}
