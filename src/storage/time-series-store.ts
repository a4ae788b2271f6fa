// The storage interface the query, ingest and server layers program against; the local engine implements it
// today and the cluster store will implement it later (DESIGN.md "Layers").
import type { StorageEngine } from "./engine.ts";

/** What a query or server needs from storage: one engine, local or distributed. */
export type TimeSeriesStore = Pick<
  StorageEngine,
  | "databases"
  | "createDatabase"
  | "dropDatabase"
  | "write"
  | "query"
  | "readNumericColumns"
  | "delete"
  | "dropSeries"
  | "measurements"
  | "tagKeys"
  | "tagValues"
  | "fieldKeys"
  | "series"
  | "flush"
  | "compact"
  | "retentionPolicy"
  | "setRetentionPolicy"
  | "stats"
  | "cacheStats"
  | "putMetricMetadata"
  | "metricMetadata"
>;
