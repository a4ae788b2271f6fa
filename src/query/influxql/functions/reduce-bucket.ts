// reduceBucket: dispatches an InfluxQL aggregate or selector call over the points of one bucket, checking the
// field type and literal arguments as InfluxDB 1.x does. Knows nothing of grouping, fill or output columns.
import { InvalidError } from "../../../base/index.ts";
import type { FunctionCall, InfluxValue, ValueType } from "./value-type.ts";
import { badArgumentError, durationArg, isNumericType, resolveValueType, unsupportedTypeError } from "./value-type.ts";
import type { BucketRow } from "./aggregates.ts";
import {
  countValues,
  distinctRows,
  meanValues,
  medianValues,
  modeValue,
  spreadValues,
  stddevValues,
  sumValues,
} from "./aggregates.ts";
import {
  extremeIndex,
  firstIndex,
  lastIndex,
  percentileIndex,
  pointRows,
  sampleIndices,
  topIndices,
} from "./selectors.ts";
import { integralOfBucket } from "./integral.ts";

const NS_PER_SEC = 1_000_000_000n;

const AGGREGATES = new Set(["count", "sum", "mean", "median", "mode", "spread", "stddev", "integral", "distinct"]);
const SELECTORS = new Set(["first", "last", "min", "max", "percentile", "sample", "top", "bottom"]);

/** True for InfluxQL aggregates: count sum mean median mode spread stddev integral distinct. */
export function isAggregateFunction(name: string): boolean {
  return AGGREGATES.has(name.toLowerCase());
}

/** True for InfluxQL selectors: first last min max percentile sample top bottom. */
export function isSelectorFunction(name: string): boolean {
  return SELECTORS.has(name.toLowerCase());
}

/**
 * True for the selectors whose rows keep their points' own times under GROUP BY time (top, bottom, sample);
 * every other aggregate and selector is labelled with the bucket start there (checked against influxd 1.6.7).
 */
export function keepsPointTime(name: string): boolean {
  const n = name.toLowerCase();
  return n === "top" || n === "bottom" || n === "sample";
}

/** Throws unless `t` is numeric (plus boolean when `allowBoolean`), labelling the error as InfluxDB does. */
function requireNumeric(label: string, t: ValueType, allowBoolean = false): void {
  if (!isNumericType(t) && !(allowBoolean && t === "boolean")) throw unsupportedTypeError(label, t);
}

/** One computed row at the bucket start. */
function one(bucketStartNs: bigint, value: InfluxValue): BucketRow[] {
  return [{ time: bucketStartNs, value, index: -1 }];
}

/** One selected point at its own time, or nothing. */
function chosen(times: readonly bigint[], values: readonly InfluxValue[], i: number): BucketRow[] {
  return i < 0 ? [] : [{ time: times[i]!, value: values[i]!, index: i }];
}

/** The N of top/bottom/sample, checked with InfluxDB's messages. */
function limitArg(call: FunctionCall, name: string): number {
  const n = call.args[0];
  if (typeof n !== "number" || !Number.isInteger(n)) throw badArgumentError(`expected integer argument in ${name}()`);
  if (name === "sample") {
    if (n < 1) throw badArgumentError(`sample window must be greater than 1, got ${n}`);
  } else if (n < 1) {
    throw badArgumentError(`limit (${n}) in ${name} function must be at least 1`);
  }
  return n;
}

/**
 * Reduces the points of one bucket to output rows. `times` are exact ns, ascending (equal times allowed when
 * several series are merged); `values` run parallel to them and nulls are skipped. Neither array is modified
 * or retained.
 *
 * Aggregates (count sum mean median mode spread stddev) return one row at `bucketStartNs` with `index` −1;
 * distinct returns one row per value (first-occurrence order) at `bucketStartNs`, `index` its first point.
 * integral without GROUP BY time returns one row at time 0 (InfluxDB labels it so); with GROUP BY time use
 * `integralSeries`, which interpolates across bucket boundaries. Selectors return their points at the points'
 * own times with their input `index`; top/bottom/sample rows are ordered by time. Under GROUP BY time the caller
 * relabels selector rows with the bucket start, except for `keepsPointTime` functions.
 *
 * Results: count is an integer; mean/median/stddev/integral are floats; the rest keep the field type. Integers
 * are numbers within ±(2^53 − 1) and bigints beyond, computed with Go's wrapping int64 arithmetic. stddev of
 * fewer than two points is one row with value null. Returns [] when there is no non-null point, and when
 * percentile's rank falls outside the bucket.
 *
 * @throws InvalidError `QUERY_BAD_AGGREGATE` when the function does not accept the value type (InfluxDB's
 *   "unsupported … iterator type" message), `QUERY_BAD_ARGUMENT` for a bad literal argument,
 *   `QUERY_UNKNOWN_FUNCTION` for a name that is neither an aggregate nor a selector.
 */
export function reduceBucket(
  call: FunctionCall,
  times: readonly bigint[],
  values: readonly InfluxValue[],
  bucketStartNs: bigint,
): BucketRow[] {
  const name = call.name.toLowerCase();
  const t = resolveValueType(call, values);
  switch (name) {
    case "count": {
      const n = countValues(values);
      return n === 0 ? [] : one(bucketStartNs, n);
    }
    case "distinct":
      return distinctRows(times, values, bucketStartNs);
    case "mode": {
      const v = modeValue(times, values, t);
      return v === null ? [] : one(bucketStartNs, v);
    }
    case "first":
      return chosen(times, values, firstIndex(times, values, t));
    case "last":
      return chosen(times, values, lastIndex(times, values));
    case "sample": {
      const n = limitArg(call, name);
      return pointRows(times, values, sampleIndices(times, values, n, call.seed, bucketStartNs));
    }
    case "min":
    case "max":
      requireNumeric(name, t, true);
      return chosen(times, values, extremeIndex(times, values, name === "min" ? 1 : -1));
    default:
      return reduceNumeric(name, call, t, times, values, bucketStartNs);
  }
}

/** The functions that accept numeric fields only. */
function reduceNumeric(
  name: string,
  call: FunctionCall,
  t: ValueType,
  times: readonly bigint[],
  values: readonly InfluxValue[],
  bucketStartNs: bigint,
): BucketRow[] {
  if (!AGGREGATES.has(name) && !SELECTORS.has(name)) {
    throw new InvalidError("QUERY_UNKNOWN_FUNCTION", `unsupported call: ${call.name}`);
  }
  requireNumeric(name, t);
  switch (name) {
    case "sum": {
      const v = sumValues(values, t);
      return v === null ? [] : one(bucketStartNs, v);
    }
    case "mean": {
      const v = meanValues(values, t);
      return v === null ? [] : one(bucketStartNs, v);
    }
    case "median": {
      const v = medianValues(values, t);
      return v === null ? [] : one(bucketStartNs, v);
    }
    case "spread": {
      const v = spreadValues(values, t);
      return v === null ? [] : one(bucketStartNs, v);
    }
    case "stddev":
      return countValues(values) === 0 ? [] : one(bucketStartNs, stddevValues(values));
    case "integral": {
      const v = integralOfBucket(times, values, durationArg(call, 0, NS_PER_SEC));
      return v === null ? [] : one(0n, v);
    }
    case "percentile": {
      const p = call.args[0];
      if (typeof p !== "number" || !Number.isFinite(p))
        throw badArgumentError("expected float argument in percentile()");
      return chosen(times, values, percentileIndex(values, p));
    }
    default: {
      // top / bottom
      const n = limitArg(call, name);
      return pointRows(times, values, topIndices(times, values, n, name === "top" ? -1 : 1));
    }
  }
}
