// Runs a native query against one database: selects series, groups them, scans columns with pushed-down
// aggregation per time bucket, and shapes InfluxDB-style result series.
import { InvalidError, LimitError, MAX_TIME_NS, MIN_TIME_NS, parseDuration, toTimeNs } from "../../base/index.ts";
import { BucketAggregator, fillRows, isAggregateFn } from "../aggregate/index.ts";
import type { AggValue, AggregateFn, BlockStats } from "../aggregate/index.ts";
import type { Database } from "../db/index.ts";
import { FieldType, parseSeriesKey } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { Bucketing } from "./bucketing.ts";
import { ColumnScanner } from "./column-scan.ts";
import type { ColumnVisitor } from "./column-scan.ts";
import { lowerBound } from "../head/index.ts";
import type { NativeQuery, QueryResult, QueryStats, ResultSeries, TimeInput } from "./query-types.ts";
import { PointCollector, RowSet, filterRows, joinFields, matchingTimes, sortRows } from "./raw-rows.ts";
import type { TimeList } from "./raw-rows.ts";

/** Limits a query runs under. */
export interface QueryLimits {
  maxPoints: number;
  maxSeries: number;
  maxBuckets: number;
  /** Wall-clock limit of one query, in ms. */
  timeoutMs: number;
  /** Monotonic clock in ms (the engine's injected Clock). */
  monotonicMs: () => number;
}

/** Longest stretch a query runs without yielding to the event loop, in ms. */
export const YIELD_EVERY_MS = 10;

interface SelectedField {
  name: string;
  id: number; // -1 when the measurement has no such field
  type: FieldType;
  fn: AggregateFn | undefined;
  percentile: number;
  column: string;
}

interface Group {
  tags: Record<string, string>;
  seriesIds: number[];
}

/** Executes `query`; `nowNs` is the upper bound of GROUP BY time queries without an end. */
export async function executeQuery(
  db: Database,
  query: NativeQuery,
  nowNs: bigint,
  limits: QueryLimits,
): Promise<QueryResult> {
  const stats: QueryStats = { seriesScanned: 0, pointsDecoded: 0, blocksDecoded: 0, blocksFromStats: 0 };
  if (typeof query.measurement !== "string" || query.measurement === "") {
    throw new InvalidError("STORAGE_BAD_QUERY", "query needs a measurement");
  }
  const fields = selectFields(db, query);
  const aggregated = fields.some((f) => f.fn !== undefined);
  if (aggregated && fields.some((f) => f.fn === undefined)) {
    throw new InvalidError(
      "STORAGE_BAD_QUERY",
      "mixing aggregated and raw fields is not supported: give every field a function",
    );
  }
  const { startNs, endNs, widthNs } = timeRange(query, aggregated, nowNs);
  const seriesIds = db.index.select(query.measurement, query.where ?? [], query.anchored ?? false);
  if (seriesIds.length > limits.maxSeries) {
    throw new LimitError(
      "STORAGE_QUERY_SERIES",
      `query selects ${seriesIds.length} series, more than the limit of ${limits.maxSeries}`,
    );
  }
  if (startNs >= endNs || seriesIds.length === 0) return { series: [], stats };
  const groups = groupSeries(db, seriesIds, query.groupBy?.tags);
  const range = new PartitionRange(db, startNs, endNs);
  const scanner = new ColumnScanner(db, stats);
  const startedMs = limits.monotonicMs();
  const ctx: Context = {
    db,
    query,
    fields,
    range,
    scanner,
    stats,
    limits,
    deadlineMs: startedMs + limits.timeoutMs,
    yieldAtMs: startedMs + YIELD_EVERY_MS,
  };
  const series: ResultSeries[] = [];
  for (const group of groups) {
    stats.seriesScanned += group.seriesIds.length;
    const result = aggregated
      ? await aggregateGroup(
          ctx,
          group,
          new Bucketing(
            db.partitioning,
            startNs,
            endNs,
            widthNs,
            toDuration(query.groupBy?.offset ?? 0n, "groupBy.offset"),
            limits.maxBuckets,
          ),
        )
      : await rawGroup(ctx, group);
    if (result !== null) series.push(result);
  }
  return { series, stats };
}

/** What {@link pace} tracks of a running query. */
export interface PaceState {
  stats: QueryStats;
  limits: QueryLimits;
  /** Monotonic ms after which the query fails with a limit error. */
  deadlineMs: number;
  /** Monotonic ms at which the query next yields to the event loop. */
  yieldAtMs: number;
}

interface Context extends PaceState {
  db: Database;
  query: NativeQuery;
  fields: SelectedField[];
  range: PartitionRange;
  scanner: ColumnScanner;
}

/** The query's time range [startNs, endNs) as the partitions holding data and per-partition offset bounds. */
export class PartitionRange {
  readonly partitions: number[];
  private readonly first: number[] = [0, 0];
  private readonly last: number[] = [0, 0];

  constructor(db: Database, startNs: bigint, endNs: bigint) {
    db.partitioning.locate(startNs, this.first);
    db.partitioning.locate(endNs, this.last);
    const held = new Set<number>(db.segments.partitions());
    for (const p of db.active.partitions.keys()) held.add(p);
    if (db.frozen !== null) for (const p of db.frozen.partitions.keys()) held.add(p);
    this.partitions = [...held].filter((p) => p >= this.first[0]! && p <= this.last[0]!).sort((a, b) => a - b);
    this.durationNs = db.partitioning.durationNs;
  }

  private readonly durationNs: number;

  /** Inclusive lower offset of partition `p`. */
  lo(p: number): number {
    return p === this.first[0] ? this.first[1]! : 0;
  }

  /** Exclusive upper offset. */
  hi(p: number): number {
    return p === this.last[0] ? this.last[1]! : this.durationNs;
  }
}

async function aggregateGroup(ctx: Context, group: Group, bucketing: Bucketing): Promise<ResultSeries | null> {
  const { fields, query } = ctx;
  const aggs = fields.map((f) => new BucketAggregator(f.fn!, f.type, bucketing.count, f.percentile));
  if (query.fieldWhere !== undefined && query.fieldWhere.length > 0) {
    await feedFromRows(ctx, group, aggs, bucketing);
  } else {
    const visitor = new BucketVisitor(bucketing);
    for (const seriesId of group.seriesIds) {
      for (const p of ctx.range.partitions) {
        bucketing.prepare(p);
        for (let f = 0; f < fields.length; f++) {
          if (fields[f]!.id < 0) continue;
          visitor.aggregator = aggs[f]!;
          ctx.scanner.scan(seriesId, fields[f]!.id, p, ctx.range.lo(p), ctx.range.hi(p), true, visitor);
        }
      }
      await pace(ctx);
    }
  }
  let any = false;
  for (let b = 0; b < bucketing.count && !any; b++) for (const agg of aggs) if (!agg.isEmpty(b)) any = true;
  if (!any) return null;
  const { buckets, columns } = fillRows(aggs, query.fill ?? "null", query.order ?? "asc");
  let times = buckets.map((b) => bucketing.bucketStartNs(b));
  if (query.groupBy?.time === undefined) {
    // Without time grouping a lone selector reports its point's time (InfluxDB); others the range start, or 0.
    const only = aggs.length === 1 ? aggs[0]! : undefined;
    const out = new Float64Array(2);
    if (only !== undefined && only.pointTime(0, out)) times = [ctx.db.partitioning.toNs(out[0]!, out[1]!)];
    else if (query.start === undefined) times = times.map(() => 0n);
  }
  return shape(ctx, group, times, columns);
}

/** Feeds aggregators from filtered rows (field conditions need whole rows, so no stats pushdown). */
async function feedFromRows(ctx: Context, group: Group, aggs: BucketAggregator[], bucketing: Bucketing): Promise<void> {
  const rows = await readRows(ctx, group);
  const f64 = new Float64Array(1);
  const off = new Float64Array(1);
  for (let r = 0; r < rows.length; r++) {
    const p = rows.partitions[r]!;
    bucketing.prepare(p);
    off[0] = rows.offsets[r]!;
    const bucket = bucketing.bucketOf(off[0]);
    if (bucket < 0 || bucket >= bucketing.count) continue;
    for (let f = 0; f < aggs.length; f++) {
      const v = rows.columns[f]![r];
      if (v === null || v === undefined) continue;
      aggs[f]!.addRun(bucket, p, off, single(v, f64), 0, 1);
    }
  }
}

function single(v: AggValue, f64: Float64Array): ColumnValues {
  if (typeof v === "string") return [v];
  if (typeof v === "bigint") return BigInt64Array.of(v);
  f64[0] = typeof v === "boolean" ? (v ? 1 : 0) : (v as number);
  return f64;
}

async function rawGroup(ctx: Context, group: Group): Promise<ResultSeries | null> {
  const rows = await readRows(ctx, group);
  if (rows.length === 0) return null;
  const times = rows.partitions.map((p, r) => ctx.db.partitioning.toNs(p, rows.offsets[r]!));
  if (ctx.query.order === "desc") {
    times.reverse();
    for (const column of rows.columns) column.reverse();
  }
  return shape(ctx, group, times, rows.columns);
}

/** Reads the group's rows: per series, fields joined by time and filtered, then merged by time. */
async function readRows(ctx: Context, group: Group): Promise<RowSet> {
  const { fields, query } = ctx;
  const rows = new RowSet(fields.length);
  const collectors = fields.map((f) => new PointCollector(f.type === FieldType.Bool));
  const conditions = query.fieldWhere ?? [];
  const conditionIndex = conditions.map((c) => fields.findIndex((f) => f.name === c.field));
  // A condition on a field the query does not read holds for no row.
  if (conditionIndex.some((f) => f < 0)) return rows;
  const isCondition = fields.map((_, f) => conditionIndex.includes(f));
  for (const seriesId of group.seriesIds) {
    for (const c of collectors) c.reset();
    if (conditions.length === 0) {
      scanFields(ctx, seriesId, collectors, null, null);
    } else {
      // Condition fields first; the others are then read only around, and kept only at, the matching times.
      scanFields(ctx, seriesId, collectors, isCondition, null);
      const times = matchingTimes(collectors, conditions, conditionIndex);
      if (times.offsets.length > 0) {
        for (let f = 0; f < fields.length; f++) {
          if (isCondition[f]) collectors[f]!.retain(times);
          else collectors[f]!.keepOnly(times);
        }
        scanFields(
          ctx,
          seriesId,
          collectors,
          isCondition.map((c) => !c),
          times,
        );
      } else {
        for (const c of collectors) c.reset();
      }
    }
    const from = rows.length;
    joinFields(collectors, rows);
    if (conditions.length > 0) filterRows(rows, from, conditions, conditionIndex);
    await pace(ctx);
  }
  if (group.seriesIds.length > 1) sortRows(rows);
  return rows;
}

/**
 * Scans the fields selected by `only` (all when null) of one series into their collectors, partition by
 * partition; with `times`, each partition only between its first and last listed time.
 */
function scanFields(
  ctx: Context,
  seriesId: number,
  collectors: PointCollector[],
  only: boolean[] | null,
  times: TimeList | null,
): void {
  const { fields, range, scanner } = ctx;
  let k = 0;
  for (const p of range.partitions) {
    let lo = range.lo(p);
    let hi = range.hi(p);
    if (times !== null) {
      while (k < times.offsets.length && times.partitions[k]! < p) k++;
      if (k >= times.offsets.length || times.partitions[k] !== p) continue;
      lo = times.offsets[k]!;
      while (k < times.offsets.length && times.partitions[k] === p) k++;
      hi = times.offsets[k - 1]! + 1;
    }
    for (let f = 0; f < fields.length; f++) {
      if (fields[f]!.id < 0 || (only !== null && !only[f])) continue;
      scanner.scan(seriesId, fields[f]!.id, p, lo, hi, false, collectors[f]!);
    }
  }
}

/** Applies offset/limit and names columns. */
function shape(ctx: Context, group: Group, times: bigint[], columns: AggValue[][]): ResultSeries | null {
  const skip = ctx.query.offset ?? 0;
  const limit = ctx.query.limit ?? Infinity;
  if (skip > 0 || limit < times.length) {
    const end = Math.min(times.length, skip + limit);
    times = times.slice(skip, end);
    columns = columns.map((c) => c.slice(skip, end));
  }
  if (times.length === 0) return null;
  return {
    name: ctx.query.measurement,
    tags: group.tags,
    columns: ["time", ...ctx.fields.map((f) => f.column)],
    times,
    values: columns,
  };
}

/** Feeds an aggregator with bucket runs, trying block stats first. */
class BucketVisitor implements ColumnVisitor {
  aggregator: BucketAggregator | null = null;
  private readonly bucketing: Bucketing;

  constructor(bucketing: Bucketing) {
    this.bucketing = bucketing;
  }

  stats(partition: number, stats: BlockStats): boolean {
    const b = this.bucketing.bucketOf(stats.minOff);
    if (b < 0 || b >= this.bucketing.count || this.bucketing.bucketOf(stats.maxOff) !== b) return false;
    return this.aggregator!.addStats(b, partition, stats);
  }

  points(partition: number, offsets: Float64Array, values: ColumnValues, start: number, end: number): void {
    const bucketing = this.bucketing;
    let s = start;
    while (s < end) {
      const b = bucketing.bucketOf(offsets[s]!);
      const runEnd = Math.min(end, lowerBound(offsets, s, end, bucketing.bucketEndOffset(b)));
      if (b >= 0 && b < bucketing.count)
        this.aggregator!.addRun(b, partition, offsets, values, s, Math.max(runEnd, s + 1));
      s = Math.max(runEnd, s + 1);
    }
  }
}

/**
 * Called between series: enforces the point cap and the time limit, and yields to the event loop every
 * YIELD_EVERY_MS so a long scan does not stall other work (STYLE.md §8.8). Writes and flushes may run during a
 * yield; a query sees each series as of the moment it scans it (no snapshot isolation, as InfluxDB).
 */
export async function pace(ctx: PaceState): Promise<void> {
  if (ctx.stats.pointsDecoded > ctx.limits.maxPoints) {
    throw new LimitError(
      "STORAGE_QUERY_POINTS",
      `query read more than ${ctx.limits.maxPoints} points: narrow the time range or the series selection`,
    );
  }
  const now = ctx.limits.monotonicMs();
  if (now > ctx.deadlineMs) {
    throw new LimitError(
      "STORAGE_QUERY_TIMEOUT",
      `query ran longer than its limit of ${ctx.limits.timeoutMs} ms: narrow the time range or the series selection`,
    );
  }
  if (now >= ctx.yieldAtMs) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    ctx.yieldAtMs = ctx.limits.monotonicMs() + YIELD_EVERY_MS;
  }
}

/** The query's [start, end) and bucket width, validated; GROUP BY time needs a start and ends at now by default. */
function timeRange(
  query: NativeQuery,
  aggregated: boolean,
  nowNs: bigint,
): { startNs: bigint; endNs: bigint; widthNs: bigint | undefined } {
  const widthNs = query.groupBy?.time === undefined ? undefined : toDuration(query.groupBy.time, "groupBy.time");
  if (widthNs !== undefined && !aggregated) {
    throw new InvalidError("STORAGE_BAD_QUERY", "groupBy.time needs an aggregate");
  }
  if (widthNs !== undefined && widthNs <= 0n)
    throw new InvalidError("STORAGE_BAD_QUERY", "groupBy.time must be positive");
  const startNs = query.start === undefined ? MIN_TIME_NS : toTime(query.start, "start");
  // Without an end, the range includes the largest int64 time (end is exclusive).
  let endNs = query.end === undefined ? MAX_TIME_NS + 1n : toTime(query.end, "end");
  if (widthNs !== undefined) {
    if (query.start === undefined) throw new InvalidError("STORAGE_BAD_QUERY", "groupBy.time needs a start time");
    if (query.end === undefined) endNs = nowNs + 1n;
  }
  return { startNs, endNs, widthNs };
}

function selectFields(db: Database, query: NativeQuery): SelectedField[] {
  const known = db.index.fields(query.measurement);
  const requested = query.fields ?? known.map((f) => f.name);
  return requested.map((entry) => {
    const spec = typeof entry === "string" ? { field: entry } : entry;
    const fn = spec.fn ?? query.aggregate;
    if (fn !== undefined && !isAggregateFn(fn))
      throw new InvalidError("STORAGE_BAD_QUERY", `unknown aggregate "${String(fn)}"`);
    const field = known.find((f) => f.name === spec.field);
    return {
      name: spec.field,
      id: field?.id ?? -1,
      type: field?.type ?? FieldType.Float,
      fn,
      percentile: spec.percentile ?? query.percentile ?? 50,
      column: spec.as ?? (fn === undefined ? spec.field : `${fn}_${spec.field}`),
    };
  });
}

function groupSeries(db: Database, seriesIds: Uint32Array, by: string[] | "*" | undefined): Group[] {
  if (by === undefined || (Array.isArray(by) && by.length === 0))
    return [{ tags: {}, seriesIds: Array.from(seriesIds) }];
  const groups = new Map<string, Group>();
  for (const id of seriesIds) {
    const { tags } = parseSeriesKey(db.index.seriesKey(id));
    const picked: Record<string, string> = {};
    if (by === "*") for (const [k, v] of tags) picked[k] = v;
    else for (const key of by) picked[key] = tags.find((t) => t[0] === key)?.[1] ?? "";
    const groupKey = JSON.stringify(picked);
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { tags: picked, seriesIds: [] };
      groups.set(groupKey, group);
    }
    group.seriesIds.push(id);
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}

/** `value` as exact ns; throws InvalidError `STORAGE_BAD_QUERY` naming `name` when it is not a valid time. */
export function toTime(value: TimeInput, name: string): bigint {
  try {
    return toTimeNs(value);
  } catch (error) {
    throw new InvalidError("STORAGE_BAD_QUERY", `invalid ${name}: ${(error as Error).message}`, { cause: error });
  }
}

function toDuration(value: string | bigint, name: string): bigint {
  if (typeof value === "bigint") return value;
  const negative = value.startsWith("-");
  try {
    const ns = parseDuration(negative ? value.slice(1) : value);
    return negative ? -ns : ns;
  } catch (error) {
    throw new InvalidError("STORAGE_BAD_QUERY", `invalid ${name}: ${(error as Error).message}`, { cause: error });
  }
}
