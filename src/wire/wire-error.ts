// The JSON error body of Strata's own endpoints (native query, live, internal, tokens).

import type { ErrorCategory } from "./error-codes.ts";

/** `{ error, code, category }`; `error` keeps InfluxDB's field name so Influx clients show the message. */
export interface WireError {
  error: string;
  code: string;
  category: ErrorCategory;
}
