// InfluxQL responses → row objects with typed times (Date, or exact bigint nanoseconds). Free of Node APIs.
import type { InfluxQueryResponse } from "../wire/index.ts";
import { parseTimeString } from "./point-time.ts";
import { StrataQueryError } from "./strata-error.ts";

/** How row times come back: `Date` (ms precision, the default) or `bigint` nanoseconds (exact). */
export type RowTimeKind = "date" | "ns";

/** One series of one statement, as rows. */
export interface InfluxRowSet {
  /** Index of the statement in the query (`statement_id`). */
  statementId: number;
  /** Measurement (or "databases", "measurements", … for SHOW); undefined when the server sent none. */
  name: string | undefined;
  /** GROUP BY tag values of this series; empty when not grouped. */
  tags: Record<string, string>;
  /** Column names in server order; "time" first for SELECT. */
  columns: string[];
  /**
   * One object per row, keyed by column. `time` is a Date (RFC3339 text or ms epochs converted) or, with
   * epoch "ns", a bigint of exact nanoseconds. Integers beyond ±2^53 are bigint; others numbers, strings,
   * booleans or null as the server sent them.
   */
  rows: Array<Record<string, unknown>>;
}

/**
 * Flattens every series of every statement into row sets, in order. Throws StrataQueryError
 * (code INFLUXQL_STATEMENT, category invalid, status 200) for the first statement that carries an error, as
 * a SELECT that failed must not look like an empty result. `timeKind` says how the `time` column was requested:
 * "date" means epoch=ms, "ns" means epoch=ns.
 */
export function toInfluxRows(response: InfluxQueryResponse, timeKind: RowTimeKind): InfluxRowSet[] {
  const out: InfluxRowSet[] = [];
  for (const result of response.results ?? []) {
    if (result.error !== undefined) {
      throw new StrataQueryError("INFLUXQL_STATEMENT", `statement ${result.statement_id}: ${result.error}`, {
        category: "invalid",
        status: 200,
      });
    }
    for (const series of result.series ?? []) {
      const columns = series.columns;
      const timeColumn = columns.indexOf("time");
      const values = series.values ?? [];
      const rows = new Array<Record<string, unknown>>(values.length);
      for (let r = 0; r < values.length; r++) {
        const row: Record<string, unknown> = {};
        const source = values[r]!;
        for (let c = 0; c < columns.length; c++) {
          const value = source[c] ?? null;
          row[columns[c]!] = c === timeColumn ? convertTime(value, timeKind) : value;
        }
        rows[r] = row;
      }
      out.push({ statementId: result.statement_id, name: series.name, tags: series.tags ?? {}, columns, rows });
    }
  }
  return out;
}

function convertTime(value: unknown, timeKind: RowTimeKind): unknown {
  if (value === null) return null;
  if (timeKind === "ns") {
    if (typeof value === "bigint") return value;
    if (typeof value === "number") return BigInt(value);
    if (typeof value === "string") return parseTimeString(value);
    return value;
  }
  if (typeof value === "number") return new Date(value);
  if (typeof value === "bigint") return new Date(Number(value));
  if (typeof value === "string") return new Date(Number(parseTimeString(value) / 1_000_000n));
  return value;
}
