// Columnar raw reads of one numeric field: per series, the merged points (head + segments, last write wins,
// tombstones applied) as millisecond times and float64 values in typed arrays, for engines like PromQL that
// evaluate over whole series and need neither exact ns times nor per-point objects.
import { InvalidError, LimitError, MAX_TIME_NS, MIN_TIME_NS } from "../../base/index.ts";
import type { BlockStats } from "../aggregate/index.ts";
import type { Database } from "../db/index.ts";
import { FieldType, parseSeriesKey } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import type { TagMatcher } from "../series-index/index.ts";
import { ColumnScanner } from "./column-scan.ts";
import type { ColumnVisitor } from "./column-scan.ts";
import { PartitionRange, YIELD_EVERY_MS, pace, toTime } from "./execute-query.ts";
import type { PaceState, QueryLimits } from "./execute-query.ts";
import type { QueryStats, TimeInput } from "./query-types.ts";

/** Which field of which series to read, and when. */
export interface NumericColumnsQuery {
  measurement: string;
  field: string;
  /** Tag matchers, ANDed (RE2 regexes, unanchored unless `anchored`). */
  where?: TagMatcher[];
  /** Anchor regex matchers to the whole value (PromQL); default false. */
  anchored?: boolean;
  /** Inclusive start (default: the earliest time). */
  start?: TimeInput;
  /** Exclusive end (default: after the latest time). */
  end?: TimeInput;
}

/** The points of one series in the range, oldest first. The arrays are the caller's (fresh per call). */
export interface NumericSeriesColumns {
  /** Canonical series key. */
  key: string;
  tags: Record<string, string>;
  /** Unix ms (ns times floored to ms), strictly ascending. */
  timesMs: Float64Array;
  /** float64 values: booleans 0/1, ints and uints rounded to the nearest float64; NaN payloads kept. */
  values: Float64Array;
}

const NS_PER_MS = 1_000_000;
const INITIAL_CAPACITY = 4096;

/** Appends a field's points (ascending across calls) to growable ms/value columns, last write per ms winning. */
class MsColumnCollector implements ColumnVisitor {
  times = new Float64Array(INITIAL_CAPACITY);
  values = new Float64Array(INITIAL_CAPACITY);
  length = 0;
  /** Points handed over by the scanner (before ms de-duplication), for the point cap. */
  seen = 0;
  private readonly partitionMs: number;

  constructor(partitionNs: number) {
    this.partitionMs = partitionNs / NS_PER_MS;
  }

  stats(_partition: number, _stats: BlockStats): boolean {
    return false;
  }

  points(partition: number, offsets: Float64Array, values: ColumnValues, start: number, end: number): void {
    this.reserve(end - start);
    this.seen += end - start;
    const base = partition * this.partitionMs;
    const times = this.times;
    const out = this.values;
    let n = this.length;
    let last = n > 0 ? times[n - 1]! : -Infinity;
    if (values instanceof Float64Array) {
      for (let i = start; i < end; i++) {
        // Offsets are integers below 2^52 ns, so the division cannot round up across a ms boundary.
        const ms = base + Math.floor(offsets[i]! / NS_PER_MS);
        if (ms === last) n--;
        times[n] = ms;
        out[n] = values[i]!;
        last = ms;
        n++;
      }
    } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      // Int/uint columns holding values beyond ±2^53: rare, so one Number() conversion per point is accepted.
      for (let i = start; i < end; i++) {
        const ms = base + Math.floor(offsets[i]! / NS_PER_MS);
        if (ms === last) n--;
        times[n] = ms;
        out[n] = Number(values[i]!);
        last = ms;
        n++;
      }
    } else {
      throw new InvalidError("STORAGE_NOT_NUMERIC", "field holds strings, which have no numeric columns");
    }
    this.length = n;
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.times.length) return;
    let capacity = this.times.length * 2;
    while (capacity < need) capacity *= 2;
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.length));
    const values = new Float64Array(capacity);
    values.set(this.values.subarray(0, this.length));
    this.times = times;
    this.values = values;
  }
}

/**
 * Reads field `query.field` of every series of `query.measurement` matching `query.where`, with start ≤ time <
 * end. Returns one entry per series holding points in the range, sorted by series key. Several points within one
 * millisecond collapse to the last (latest ns) of them, as Prometheus, which stores ms, would keep. Unknown
 * measurements or fields give no series. Runs under `limits` (points read, series, time) and yields to the event
 * loop between series every {@link YIELD_EVERY_MS} ms.
 * @throws InvalidError `STORAGE_BAD_QUERY` for a bad measurement or time, `STORAGE_NOT_NUMERIC` for a string
 *   field; LimitError `STORAGE_QUERY_SERIES` / `STORAGE_QUERY_POINTS` / `STORAGE_QUERY_TIMEOUT`.
 */
export async function readNumericColumns(
  db: Database,
  query: NumericColumnsQuery,
  limits: QueryLimits,
): Promise<NumericSeriesColumns[]> {
  if (typeof query.measurement !== "string" || query.measurement === "") {
    throw new InvalidError("STORAGE_BAD_QUERY", "query needs a measurement");
  }
  const startNs = query.start === undefined ? MIN_TIME_NS : toTime(query.start, "start");
  const endNs = query.end === undefined ? MAX_TIME_NS + 1n : toTime(query.end, "end");
  const field = db.index.fields(query.measurement).find((f) => f.name === query.field);
  if (field === undefined) return [];
  if (field.type === FieldType.String) {
    throw new InvalidError(
      "STORAGE_NOT_NUMERIC",
      `field ${JSON.stringify(query.field)} of measurement ${JSON.stringify(query.measurement)} holds strings`,
    );
  }
  const seriesIds = db.index.select(query.measurement, query.where ?? [], query.anchored ?? false);
  if (seriesIds.length > limits.maxSeries) {
    throw new LimitError(
      "STORAGE_QUERY_SERIES",
      `query selects ${seriesIds.length} series, more than the limit of ${limits.maxSeries}`,
    );
  }
  if (startNs >= endNs || seriesIds.length === 0) return [];
  const stats: QueryStats = { seriesScanned: 0, pointsDecoded: 0, blocksDecoded: 0, blocksFromStats: 0 };
  const range = new PartitionRange(db, startNs, endNs);
  const scanner = new ColumnScanner(db, stats);
  const collector = new MsColumnCollector(db.partitioning.durationNs);
  const startedMs = limits.monotonicMs();
  const state: PaceState = {
    stats,
    limits,
    deadlineMs: startedMs + limits.timeoutMs,
    yieldAtMs: startedMs + YIELD_EVERY_MS,
  };
  const out: NumericSeriesColumns[] = [];
  const partitions = range.partitions;
  for (let s = 0; s < seriesIds.length; s++) {
    const seriesId = seriesIds[s]!;
    stats.seriesScanned++;
    collector.length = 0;
    for (let k = 0; k < partitions.length; k++) {
      const p = partitions[k]!;
      scanner.scan(seriesId, field.id, p, range.lo(p), range.hi(p), false, collector);
    }
    if (collector.length > 0) {
      const key = db.index.seriesKey(seriesId);
      out.push({
        key,
        tags: Object.fromEntries(parseSeriesKey(key).tags),
        timesMs: collector.times.slice(0, collector.length),
        values: collector.values.slice(0, collector.length),
      });
    }
    // Head points are not decoded, so the cap counts every point the scan handed over as well.
    if (collector.seen > stats.pointsDecoded) stats.pointsDecoded = collector.seen;
    await pace(state);
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}
