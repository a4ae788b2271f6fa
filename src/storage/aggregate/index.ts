// Public entry of storage/aggregate: per-bucket aggregation and fill with InfluxDB 1.x semantics
// (docs/rfc/0002-aggregation-semantics.md).
export { BucketAggregator } from "./bucket-aggregator.ts";
export type { AggValue } from "./bucket-aggregator.ts";
export type { AggregateFn } from "./aggregate-fn.ts";
export { isAggregateFn } from "./aggregate-fn.ts";
export type { BlockStats } from "./block-stats.ts";
export { fillRows } from "./fill-rows.ts";
export type { FillPolicy } from "./fill-rows.ts";
