// Public entry of the TypeScript client (`stratadb/client`): browser-safe, imports only src/wire.
export { StrataClient } from "./strata-client.ts";
export type {
  StrataClientOptions,
  QueryTime,
  InfluxqlOptions,
  InfluxqlRowsOptions,
  PromMetaOptions,
  HealthStatus,
} from "./strata-client.ts";
export { PointWriter } from "./point-writer.ts";
export type { WriterOptions } from "./point-writer.ts";
export { int, uint } from "./point-encoder.ts";
export type { Point, FieldValue, IntValue, UintValue } from "./point-encoder.ts";
export type { PointTime, Precision } from "./point-time.ts";
export type { RetryBackoff } from "./retry-backoff.ts";
export type { FetchLike, FetchInit, FetchResponse } from "./http-transport.ts";
export type { InfluxRowSet } from "./influx-rows.ts";
export { parsePromValue } from "./prom-result.ts";
export type { PromResult, PromSample, PromInstantSeries, PromRangeSeries } from "./prom-result.ts";
export type { NativeResult, NativeSeries } from "./native-result.ts";
export type {
  LiveSelector,
  LiveHandlers,
  LiveSubscription,
  LivePointData,
  WebSocketLike,
  WebSocketConstructor,
} from "./live-connection.ts";
export {
  StrataError,
  StrataWriteError,
  StrataQueryError,
  StrataAuthError,
  StrataLimitError,
  isStrataError,
} from "./strata-error.ts";
export type { StrataErrorOptions } from "./strata-error.ts";
export type {
  InfluxQueryResponse,
  InfluxStatementResult,
  InfluxSeries,
  WireNativeQuery,
  WireTagMatcher,
  WireAggregateFn,
  ErrorCategory,
} from "../wire/index.ts";
