// The native query in its JSON wire form (`POST /api/v1/native/query`) and its result.

/** A tag condition; regexes are RE2 syntax. */
export interface WireTagMatcher {
  key: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export type WireAggregateFn =
  "count" | "sum" | "mean" | "min" | "max" | "first" | "last" | "stddev" | "spread" | "median" | "percentile";

/** Native query; times are RFC3339 strings or decimal nanosecond strings (exact int64). */
export interface WireNativeQuery {
  measurement: string;
  fields?: Array<string | { field: string; fn?: WireAggregateFn; percentile?: number; as?: string }>;
  aggregate?: WireAggregateFn;
  percentile?: number;
  where?: WireTagMatcher[];
  anchored?: boolean;
  fieldWhere?: Array<{ field: string; op: "=" | "!=" | ">" | ">=" | "<" | "<="; value: number | string | boolean }>;
  start?: string;
  end?: string;
  groupBy?: { time?: string; offset?: string; tags?: string[] | "*" };
  fill?: "none" | "null" | "previous" | "linear" | number;
  order?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

/**
 * One result series. `columns[0]` is "time" (its values are `times`, decimal ns strings, exact int64);
 * `values[c][row]` holds column `columns[c + 1]`: numbers, booleans,
 * strings or null, except int64/uint64 values beyond ±2^53, which are decimal strings.
 */
export interface WireResultSeries {
  name: string;
  tags: Record<string, string>;
  columns: string[];
  times: string[];
  values: unknown[][];
}

export interface WireNativeResult {
  series: WireResultSeries[];
  stats: { seriesScanned: number; pointsDecoded: number; blocksDecoded: number; blocksFromStats: number };
}
