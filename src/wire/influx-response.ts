// The InfluxDB 1.x `/query` JSON response shape, as Strata's server sends it and the client reads it.

/** One series of a statement result. `values[row][col]`; column 0 is "time" for SELECTs. */
export interface InfluxSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  /** Numbers, strings, booleans or null; times are RFC3339 strings or epoch integers per the `epoch` parameter. */
  values?: unknown[][];
  /** Present and true on a chunk that continues in the next chunk (chunked responses). */
  partial?: boolean;
}

/** The result of one statement of a `q` parameter. */
export interface InfluxStatementResult {
  statement_id: number;
  series?: InfluxSeries[];
  messages?: Array<{ level: string; text: string }>;
  /** Statement-level error; the HTTP status stays 200 as in InfluxDB 1.x. */
  error?: string;
  partial?: boolean;
}

/** The body of a `/query` response; `error` is set instead of `results` for request-level failures. */
export interface InfluxQueryResponse {
  results?: InfluxStatementResult[];
  error?: string;
}
