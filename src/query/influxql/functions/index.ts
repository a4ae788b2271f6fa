// Public entry of the InfluxQL function library: aggregates, selectors and transformations with InfluxDB 1.x
// semantics over plain value arrays. Knows nothing of parsing, planning, storage or output encoding.
export type { InfluxValue, ValueType, FunctionCall } from "./value-type.ts";
export type { BucketRow } from "./aggregates.ts";
export type { TransformedSeries } from "./transforms.ts";
export type { IntegralSeries } from "./integral.ts";
export type { TransformOptions, IntegrateOptions } from "./transform-series.ts";
export { reduceBucket, isAggregateFunction, isSelectorFunction, keepsPointTime } from "./reduce-bucket.ts";
export { transformSeries, integrateSeries, isTransformFunction } from "./transform-series.ts";
export { windowStart } from "./integral.ts";
