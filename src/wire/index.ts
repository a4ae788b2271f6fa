// Public entry of the wire contract: types and error codes shared with the client.
export type { ErrorCategory } from "./error-codes.ts";
export type { WireError } from "./wire-error.ts";
export type { InfluxQueryResponse, InfluxStatementResult, InfluxSeries } from "./influx-response.ts";
export type {
  PromResponse,
  PromQueryData,
  PromSamplePair,
  PromVectorSample,
  PromMatrixSeries,
  PromErrorType,
} from "./prometheus-response.ts";
export type {
  WireNativeQuery,
  WireNativeResult,
  WireResultSeries,
  WireTagMatcher,
  WireAggregateFn,
} from "./native-query.ts";
export type { LiveClientMessage, LiveServerMessage, LiveSubscribe, LiveUnsubscribe, LivePoint } from "./live.ts";
export { LIVE_CLOSE_SLOW_CONSUMER, LIVE_CLOSE_UNAUTHORIZED } from "./live.ts";
