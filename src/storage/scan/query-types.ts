// The native typed query (DESIGN.md "Query: Native") and its result shape.
import type { AggValue, AggregateFn, FillPolicy } from "../aggregate/index.ts";
import type { TagMatcher } from "../series-index/index.ts";

/** A time given as exact ns (bigint), a Date, a safe-integer ns number, an RFC3339 string or a decimal ns string. */
export type TimeInput = bigint | number | string | Date;

/** A field to read, optionally aggregated, and its column name in the result. */
export interface FieldSelection {
  field: string;
  fn?: AggregateFn;
  /** For fn "percentile": 0 < p ≤ 100. */
  percentile?: number;
  /** Result column name (default: the field name, or `<fn>_<field>` when aggregated). */
  as?: string;
}

/** A condition on a field's value; conditions are ANDed and filter rows (raw) or points (before aggregation). */
export interface FieldCondition {
  field: string;
  op: "=" | "!=" | ">" | ">=" | "<" | "<=";
  value: number | string | boolean;
}

/** A native query against one measurement. */
export interface NativeQuery {
  measurement: string;
  /** Fields to read; default: every field of the measurement. */
  fields?: Array<string | FieldSelection>;
  /** Aggregate applied to every selected field without its own `fn`. */
  aggregate?: AggregateFn;
  /** Percentile for `aggregate: "percentile"`. */
  percentile?: number;
  /** Tag matchers, ANDed (regexes are RE2 syntax, unanchored as in InfluxQL unless `anchored`). */
  where?: TagMatcher[];
  /** Anchor regex matchers to the whole value (PromQL); default false. */
  anchored?: boolean;
  fieldWhere?: FieldCondition[];
  /** Inclusive start (default: the earliest time). */
  start?: TimeInput;
  /** Exclusive end (default: after the latest time). */
  end?: TimeInput;
  groupBy?: {
    /** Bucket width, a duration string like "1m" or ns as bigint. Requires an aggregate and a start. */
    time?: string | bigint;
    /** Shift of bucket boundaries, a duration string (may start with "-") or ns. */
    offset?: string | bigint;
    /** Tag keys to group series by, or "*" for all tags. */
    tags?: string[] | "*";
  };
  /** Fill for empty time buckets (default "null"). */
  fill?: FillPolicy;
  order?: "asc" | "desc";
  /** Maximum rows per result series. */
  limit?: number;
  /** Rows to skip per result series. */
  offset?: number;
}

/** One result series: a group of series (by its group-by tags) with columnar rows. */
export interface ResultSeries {
  name: string;
  tags: Record<string, string>;
  /** Column names; column 0 is "time". */
  columns: string[];
  /** Exact row times in ns. */
  times: bigint[];
  /** values[c][row] for columns[c + 1]. */
  values: AggValue[][];
}

/** Counters describing how a query ran. */
export interface QueryStats {
  seriesScanned: number;
  pointsDecoded: number;
  blocksDecoded: number;
  blocksFromStats: number;
}

export interface QueryResult {
  series: ResultSeries[];
  stats: QueryStats;
}
