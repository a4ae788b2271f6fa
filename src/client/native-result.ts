// Native query results with exact bigint times (the wire carries decimal ns strings). Free of Node APIs.
import type { WireNativeResult } from "../wire/index.ts";

/** One result series; sample `row` of column `col` is `values[col][row]` at `times[row]`. */
export interface NativeSeries {
  name: string;
  tags: Record<string, string>;
  columns: string[];
  /** Exact int64 nanoseconds since the epoch, one per row. */
  times: BigInt64Array;
  /**
   * Column-major values: numbers, booleans, strings or null. int64/uint64 values beyond ±2^53 stay the decimal
   * strings the wire carries (the wire does not say which string columns are integers).
   */
  values: unknown[][];
}

/** A native query's result. */
export interface NativeResult {
  series: NativeSeries[];
  /** Scan statistics from the server. */
  stats: WireNativeResult["stats"];
}

/** Converts a wire result; `times` become a BigInt64Array, everything else is shared with `wire`. */
export function toNativeResult(wire: WireNativeResult): NativeResult {
  return {
    stats: wire.stats,
    series: wire.series.map((s) => {
      const times = new BigInt64Array(s.times.length);
      for (let i = 0; i < s.times.length; i++) times[i] = BigInt(s.times[i]!);
      return { name: s.name, tags: s.tags, columns: s.columns, times, values: s.values };
    }),
  };
}
