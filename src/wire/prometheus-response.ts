// The Prometheus HTTP API response shapes (api/v1), as Strata's server sends them and the client reads them.

/** `[unix seconds (float, ms precision), value as a Go-formatted float string]`. */
export type PromSamplePair = [number, string];

export interface PromVectorSample {
  metric: Record<string, string>;
  value: PromSamplePair;
}

export interface PromMatrixSeries {
  metric: Record<string, string>;
  values: PromSamplePair[];
}

export type PromQueryData =
  | { resultType: "vector"; result: PromVectorSample[] }
  | { resultType: "matrix"; result: PromMatrixSeries[] }
  | { resultType: "scalar"; result: PromSamplePair }
  | { resultType: "string"; result: [number, string] };

/** Prometheus `errorType` values. */
export type PromErrorType =
  "bad_data" | "execution" | "timeout" | "canceled" | "internal" | "unavailable" | "not_found" | "too_many_requests";

/** Every api/v1 response: `data` on success; `errorType` and `error` on failure. */
export interface PromResponse<T> {
  status: "success" | "error";
  data?: T;
  errorType?: PromErrorType;
  error?: string;
  warnings?: string[];
  infos?: string[];
}
