// The aggregate functions a scan can push down, which field types each accepts, and their result types.
// Mirrors InfluxDB 1.x's call iterators (query/call_iterator.go); knows nothing of query syntax.
import { InvalidError } from "../../base/index.ts";
import { FieldType, fieldTypeName } from "../model/index.ts";

/** An aggregate or selector over the points of one time bucket (InfluxQL names). */
export type AggregateFn =
  "count" | "sum" | "mean" | "min" | "max" | "first" | "last" | "stddev" | "spread" | "median" | "percentile";

const NUMERIC: readonly FieldType[] = [FieldType.Float, FieldType.Int, FieldType.Uint];
const ALL: readonly FieldType[] = [FieldType.Float, FieldType.Int, FieldType.Uint, FieldType.Bool, FieldType.String];

// Field types each function accepts, as InfluxDB 1.x's new*Iterator switches do (min/max take booleans since 1.x
// added BooleanMinReduce/BooleanMaxReduce; nothing but count/first/last takes strings).
const ACCEPTS: Record<AggregateFn, readonly FieldType[]> = {
  count: ALL,
  sum: NUMERIC,
  mean: NUMERIC,
  min: [...NUMERIC, FieldType.Bool],
  max: [...NUMERIC, FieldType.Bool],
  first: ALL,
  last: ALL,
  stddev: NUMERIC,
  spread: NUMERIC,
  median: NUMERIC,
  percentile: NUMERIC,
};

/** True when `fn` is one of the known aggregate names. */
export function isAggregateFn(fn: string): fn is AggregateFn {
  return Object.prototype.hasOwnProperty.call(ACCEPTS, fn);
}

/**
 * Checks that `fn` accepts fields of `type` (and, for percentile, that `percentile` is a finite number).
 * Throws InvalidError `QUERY_BAD_AGGREGATE` otherwise. Percentiles outside [0, 100] are accepted, as InfluxDB
 * does: their nearest rank falls outside every bucket, so every bucket comes out empty.
 */
export function checkAggregate(fn: string, type: FieldType, percentile: number | undefined): void {
  if (!isAggregateFn(fn)) throw new InvalidError("QUERY_BAD_AGGREGATE", `unknown aggregate function ${fn}()`);
  if (!ACCEPTS[fn].includes(type)) {
    throw new InvalidError(
      "QUERY_BAD_AGGREGATE",
      `${fn}() does not accept ${fieldTypeName(type) ?? `type ${String(type)}`} fields`,
    );
  }
  if (fn === "percentile" && (percentile === undefined || !Number.isFinite(percentile))) {
    throw new InvalidError("QUERY_BAD_AGGREGATE", `percentile() needs a finite number, got ${String(percentile)}`);
  }
}

/**
 * The type of the values `fn` returns for fields of `type`: count → Int; mean, stddev, median → Float; every
 * other function keeps the field's type (sum and spread of integers stay integers, as in InfluxDB).
 */
export function aggregateResultType(fn: AggregateFn, type: FieldType): FieldType {
  if (fn === "count") return FieldType.Int;
  if (fn === "mean" || fn === "stddev" || fn === "median") return FieldType.Float;
  return type;
}
