// Prometheus API data → typed results with numeric values (Go float text "+Inf", "-Inf", "NaN" included) and
// millisecond times. Free of Node APIs.
import type { PromQueryData, PromSamplePair } from "../wire/index.ts";

/** One sample: `timeMs` since the epoch (integer ms), `value` a float (may be ±Infinity or NaN). */
export interface PromSample {
  timeMs: number;
  value: number;
}

/** One series of an instant vector. */
export interface PromInstantSeries {
  metric: Record<string, string>;
  timeMs: number;
  value: number;
}

/** One series of a range vector (matrix), column-major: sample i is (`timesMs[i]`, `values[i]`). */
export interface PromRangeSeries {
  metric: Record<string, string>;
  timesMs: Float64Array;
  values: Float64Array;
}

/** A PromQL result with parsed numbers; `warnings` are the server's (empty when none). */
export type PromResult =
  | { resultType: "vector"; result: PromInstantSeries[]; warnings: string[] }
  | { resultType: "matrix"; result: PromRangeSeries[]; warnings: string[] }
  | { resultType: "scalar"; result: PromSample; warnings: string[] }
  | { resultType: "string"; result: { timeMs: number; value: string }; warnings: string[] };

/**
 * Parses a Prometheus sample value: Go's float text, so "+Inf", "-Inf" and "NaN" besides decimal numbers.
 * Unparseable text gives NaN.
 */
export function parsePromValue(text: string): number {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text); // "NaN" → NaN
}

/** Converts `data` (never mutated) to a PromResult. */
export function toPromResult(data: PromQueryData, warnings: string[] | undefined): PromResult {
  const w = warnings ?? [];
  switch (data.resultType) {
    case "vector":
      return {
        resultType: "vector",
        warnings: w,
        result: data.result.map((s) => ({
          metric: s.metric,
          timeMs: toMs(s.value[0]),
          value: parsePromValue(s.value[1]),
        })),
      };
    case "matrix":
      return { resultType: "matrix", warnings: w, result: data.result.map((s) => toRange(s.metric, s.values)) };
    case "scalar":
      return { resultType: "scalar", warnings: w, result: toSample(data.result) };
    case "string":
      return { resultType: "string", warnings: w, result: { timeMs: toMs(data.result[0]), value: data.result[1] } };
  }
}

function toRange(metric: Record<string, string>, pairs: PromSamplePair[]): PromRangeSeries {
  const timesMs = new Float64Array(pairs.length);
  const values = new Float64Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    timesMs[i] = toMs(pairs[i]![0]);
    values[i] = parsePromValue(pairs[i]![1]);
  }
  return { metric, timesMs, values };
}

function toSample(pair: PromSamplePair): PromSample {
  return { timeMs: toMs(pair[0]), value: parsePromValue(pair[1]) };
}

// Prometheus times are float seconds with ms resolution; rounding undoes the binary fraction.
function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
