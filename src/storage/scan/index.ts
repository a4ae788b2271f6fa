// Reads: column scans with pushed-down aggregation and the native query executor.
export { executeQuery } from "./execute-query.ts";
export type { QueryLimits } from "./execute-query.ts";
export { readNumericColumns } from "./read-numeric-columns.ts";
export type { NumericColumnsQuery, NumericSeriesColumns } from "./read-numeric-columns.ts";
export type {
  NativeQuery,
  QueryResult,
  ResultSeries,
  QueryStats,
  FieldSelection,
  FieldCondition,
  TimeInput,
} from "./query-types.ts";
