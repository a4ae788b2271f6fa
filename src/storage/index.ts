// Public entry of layer 1: the embeddable storage engine and the data model it stores.
export * from "./model/index.ts";
export { StorageEngine } from "./engine.ts";
export type { SeriesSelector, TimeRange, DatabaseStats, WriteListener } from "./engine.ts";
export type { EngineOptions, WriteResult, RejectedPoint, RetentionPolicy } from "./db/index.ts";
export { DEFAULT_RETENTION, defaultShardDurationNs } from "./db/index.ts";
export type {
  NativeQuery,
  QueryResult,
  ResultSeries,
  QueryStats,
  FieldSelection,
  FieldCondition,
  TimeInput,
  NumericColumnsQuery,
  NumericSeriesColumns,
} from "./scan/index.ts";
export type { TagMatcher, MetricMetadata } from "./series-index/index.ts";
export type { AggregateFn, AggValue, FillPolicy } from "./aggregate/index.ts";
export type { SyncMode } from "./wal/index.ts";
export type { BlockCacheStats } from "./segment/index.ts";
export type { TimeSeriesStore } from "./time-series-store.ts";
export * from "./token-store/index.ts";
