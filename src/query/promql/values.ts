// PromQL runtime values shared by the evaluator and the function library. Times are Unix milliseconds (float64
// integers), as in Prometheus; values are float64 (stale markers never appear here: selection drops them).

/** A label set; `__name__` holds the metric name. Treat as immutable once built. */
export type Labels = Record<string, string>;

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  /** Evaluation time of the sample (ms). */
  t: number;
  v: number;
}

/** One element of a range vector: the points of one series inside a window, oldest first. */
export interface Series {
  labels: Labels;
  /** Point times (ms), ascending. */
  ts: number[];
  vs: number[];
}

export type Value =
  | { kind: "scalar"; t: number; v: number }
  | { kind: "string"; t: number; v: string }
  | { kind: "vector"; samples: Sample[] }
  | { kind: "matrix"; series: Series[] };

export type ValueKind = Value["kind"];
