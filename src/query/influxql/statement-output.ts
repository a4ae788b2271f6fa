// The executor's result model (per statement, per series, row-major) and its context; shared by the executor
// and the encoders. Types only.
import type { TimeSeriesStore } from "../../storage/index.ts";

/** A cell value: integers beyond ±2^53 are bigints; the "time" column holds exact ns as bigint. */
export type InfluxValue = number | bigint | string | boolean | null;

/** One result series of a statement. */
export interface OutputSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  /** Row-major; column "time" (index 0 of SELECT results) holds exact ns as bigint. */
  values: InfluxValue[][];
}

/** The outcome of one statement of a query string. */
export interface StatementOutput {
  statementId: number;
  series: OutputSeries[];
  error?: string;
  messages?: Array<{ level: string; text: string }>;
}

/** What `executeInfluxQL` needs from its caller. */
export interface InfluxQLContext {
  store: TimeSeriesStore;
  /** The request's default database (the `db` parameter). */
  db?: string;
  /** now() in ns. */
  nowNs: bigint;
  /** Bound parameters for `$name` (the `params` JSON). */
  params?: Record<string, unknown>;
  /** Throws (a TsdbError) when the caller may not run a statement of this kind on this db. */
  authorize?: (need: "read" | "write" | "admin", db: string | undefined) => void;
  /** Maximum series one statement may return (LimitError beyond). */
  maxSeries?: number;
}
