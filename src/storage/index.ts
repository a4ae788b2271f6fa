// Public entry of layer 1: the embeddable storage engine and the data model it stores.
export * from "./model/index.ts";
export { StorageEngine } from "./engine.ts";
export type { SeriesSelector, TimeRange, DatabaseStats } from "./engine.ts";
export type { EngineOptions, WriteResult, RejectedPoint } from "./db/index.ts";
export type {
  NativeQuery,
  QueryResult,
  ResultSeries,
  QueryStats,
  FieldSelection,
  FieldCondition,
  TimeInput,
} from "./scan/index.ts";
export type { TagMatcher } from "./series-index/index.ts";
export type { AggregateFn, AggValue, FillPolicy } from "./aggregate/index.ts";
export type { SyncMode } from "./wal/index.ts";
