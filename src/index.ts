// Package entry of `stratadb`: the embedded database and the types its API uses.
export { Strata, PartialWriteError } from "./embedded/index.ts";
export type { WriteOptions, WriteReport, WriteRejection } from "./embedded/index.ts";
export type {
  EngineOptions,
  NativeQuery,
  QueryResult,
  ResultSeries,
  QueryStats,
  FieldSelection,
  FieldCondition,
  TimeInput,
  SeriesSelector,
  TimeRange,
  TagMatcher,
  AggregateFn,
  AggValue,
  FillPolicy,
  SyncMode,
  DatabaseStats,
} from "./storage/index.ts";
export type { PointInput, FieldValue } from "./ingest/index.ts";
export { encodeLineProtocol } from "./ingest/index.ts";
export {
  TsdbError,
  isTsdbError,
  InvalidError,
  NotFoundError,
  ConflictError,
  LimitError,
  UnavailableError,
  CorruptError,
  InternalError,
} from "./base/index.ts";
