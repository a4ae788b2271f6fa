// The JSON form of a native query's result for `strata query --json` (bigints as decimal strings); the query's
// own JSON form is parsed by `parseNativeQuery` in the query layer.
import { formatRfc3339 } from "../base/index.ts";
import type { AggValue, QueryResult } from "../storage/index.ts";

/** One result series in JSON form: rows with RFC3339 times, plus the exact times in ns as decimal strings. */
export interface ResultSeriesJson {
  name: string;
  tags: Record<string, string>;
  columns: string[];
  /** Rows: [RFC3339 time, value...]; integers beyond ±(2^53 − 1) as decimal strings. */
  values: Array<Array<string | number | boolean | null>>;
  /** Exact row times, ns since the epoch as decimal strings, parallel to `values`. */
  timesNs: string[];
}

/** Converts a query result to plain JSON-serialisable data (see ResultSeriesJson). Does not retain `result`. */
export function resultToJson(result: QueryResult): { series: ResultSeriesJson[]; stats: QueryResult["stats"] } {
  const series = result.series.map((s) => {
    const rows: Array<Array<string | number | boolean | null>> = [];
    const timesNs: string[] = [];
    for (let r = 0; r < s.times.length; r++) {
      const row: Array<string | number | boolean | null> = [formatRfc3339(s.times[r]!)];
      for (let c = 0; c < s.values.length; c++) row.push(jsonValue(s.values[c]![r]!));
      rows.push(row);
      timesNs.push(s.times[r]!.toString());
    }
    return { name: s.name, tags: s.tags, columns: s.columns, values: rows, timesNs };
  });
  return { series, stats: result.stats };
}

function jsonValue(v: AggValue): string | number | boolean | null {
  return typeof v === "bigint" ? v.toString() : v;
}
