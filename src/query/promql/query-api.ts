// Instant and range PromQL queries as the /api/v1/query and /api/v1/query_range routes need them: parse, load
// the data once, evaluate step by step, and shape Prometheus's response data.
import { InvalidError } from "../../base/index.ts";
import type { TimeSeriesStore } from "../../storage/index.ts";
import type { PromMatrixSeries, PromQueryData, PromSamplePair } from "../../wire/index.ts";
import { exprKind, kindName } from "./ast.ts";
import type { Expr } from "./ast.ts";
import { Evaluator } from "./evaluator.ts";
import { formatPromFloat } from "./format-float.ts";
import { PROM_FUNCTIONS } from "./functions/index.ts";
import { compareLabels, labelsKey } from "./labels.ts";
import { parsePromQL } from "./parser.ts";
import { loadSelectors } from "./query-plan.ts";
import { SeriesLoader } from "./series-loader.ts";
import type { Labels, Value } from "./values.ts";

/** Options of a PromQL query. */
export interface PromQLOptions {
  /** How far back an instant selector looks for a sample (ms); default 300000 (5 m). */
  lookbackDeltaMs?: number;
  /** Wall-clock limit of the query (ms); default 120000, as Prometheus's `query.timeout`. */
  timeoutMs?: number;
  /** Most samples a query may hold in memory; default 50,000,000, as Prometheus's `query.max-samples`. */
  maxSamples?: number;
  /** "Now" (ms) for an instant query whose time is NaN; default the system clock. */
  nowMs?: number;
  /** Resolution of subqueries without a step (ms); default 60000, Prometheus's default evaluation interval. */
  subqueryStepMs?: number;
  /** Answer suitable range functions from storage aggregates (default true); false reads every point. */
  pushdown?: boolean;
}

const DEFAULT_LOOKBACK_MS = 300_000;
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_SAMPLES = 50_000_000;
const DEFAULT_SUBQUERY_STEP_MS = 60_000;
/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS_PER_SERIES = 11_000;
/** Longest stretch a range query evaluates without yielding to the event loop (ms). */
const YIELD_EVERY_MS = 10;

interface Prepared {
  expr: Expr;
  evaluator: Evaluator;
}

async function prepare(
  store: TimeSeriesStore,
  db: string,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  opts: PromQLOptions,
): Promise<Prepared> {
  const expr = parsePromQL(query, PROM_FUNCTIONS);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxSamples = opts.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const lookbackMs = opts.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS;
  const settings = {
    startMs,
    endMs,
    stepMs,
    lookbackMs,
    subqueryStepMs: opts.subqueryStepMs ?? DEFAULT_SUBQUERY_STEP_MS,
    deadlineMs: performance.now() + timeoutMs,
    timeoutMs,
    maxSamples,
  };
  const probe = new Evaluator(settings, new Map());
  const data = await loadSelectors(
    expr,
    { startMs, endMs, lookbackMs },
    new SeriesLoader(store, db),
    maxSamples,
    () => probe.checkDeadline(),
    opts.pushdown ?? true,
  );
  return { expr, evaluator: new Evaluator(settings, data) };
}

/**
 * Evaluates `query` at `timeMs` (ms; NaN means `opts.nowMs` or now) against database `db`.
 * @throws InvalidError `PROMQL_PARSE` for a bad expression; ConflictError `PROMQL_EXECUTION` (and the function
 *   library's InvalidError `PROMQL_EXEC_*`) for errors Prometheus reports as "execution"; LimitError
 *   `PROMQL_TIMEOUT` / `PROMQL_TOO_MANY_SAMPLES`; storage errors as thrown.
 */
export async function promInstantQuery(
  store: TimeSeriesStore,
  db: string,
  query: string,
  timeMs: number,
  opts: PromQLOptions = {},
): Promise<PromQueryData> {
  const t = Number.isNaN(timeMs) ? (opts.nowMs ?? Date.now()) : timeMs;
  const { expr, evaluator } = await prepare(store, db, query, t, t, 0, opts);
  return instantData(evaluator.evalAt(expr, t), t);
}

function pair(tMs: number, v: number): PromSamplePair {
  return [tMs / 1000, formatPromFloat(v)];
}

function instantData(v: Value, t: number): PromQueryData {
  switch (v.kind) {
    case "scalar":
      return { resultType: "scalar", result: pair(t, v.v) };
    case "string":
      return { resultType: "string", result: [t / 1000, v.v] };
    case "vector":
      return { resultType: "vector", result: v.samples.map((s) => ({ metric: s.labels, value: pair(t, s.v) })) };
    case "matrix":
      return {
        resultType: "matrix",
        result: v.series.map((s) => ({ metric: s.labels, values: s.ts.map((ts, i) => pair(ts, s.vs[i]!)) })),
      };
  }
}

/**
 * Evaluates `query` at every step from `startMs` to `endMs` (inclusive, ms) and returns a matrix sorted by labels.
 * @throws InvalidError `PROMQL_BAD_DATA` for end before start, a non-positive step, more than 11,000 steps, or an
 *   expression that is not a scalar or instant vector; otherwise as {@link promInstantQuery}.
 */
export async function promRangeQuery(
  store: TimeSeriesStore,
  db: string,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  opts: PromQLOptions = {},
): Promise<PromQueryData> {
  if (endMs < startMs) throw new InvalidError("PROMQL_BAD_DATA", "end timestamp must not be before start time");
  if (!(stepMs > 0))
    throw new InvalidError(
      "PROMQL_BAD_DATA",
      "zero or negative query resolution step widths are not accepted. Try a positive integer",
    );
  if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES)
    throw new InvalidError(
      "PROMQL_BAD_DATA",
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    );
  const { expr, evaluator } = await prepare(store, db, query, startMs, endMs, stepMs, opts);
  const kind = exprKind(expr);
  if (kind !== "scalar" && kind !== "vector")
    throw new InvalidError(
      "PROMQL_BAD_DATA",
      `invalid expression type "${kindName(kind)}" for range query, must be Scalar or instant Vector`,
    );
  const series = new ResultSeries();
  let yieldAt = performance.now() + YIELD_EVERY_MS;
  for (let t = startMs; t <= endMs; t += stepMs) {
    evaluator.checkDeadline();
    evaluator.stepSamples = 0;
    const v = evaluator.evalAt(expr, t);
    if (v.kind === "scalar") {
      series.add({}, pair(t, v.v));
      evaluator.hold(1);
    } else if (v.kind === "vector") {
      const samples = v.samples;
      for (let i = 0; i < samples.length; i++) series.add(samples[i]!.labels, pair(t, samples[i]!.v));
      evaluator.hold(v.samples.length);
    }
    if (performance.now() >= yieldAt) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yieldAt = performance.now() + YIELD_EVERY_MS;
    }
  }
  const result: PromMatrixSeries[] = [...series.byKey.values()]
    .sort((a, b) => compareLabels(a.labels, b.labels))
    .map((s) => ({ metric: s.labels, values: s.values }));
  return { resultType: "matrix", result };
}

/** A range query's output series, found by label-set object first (steps mostly reuse them) and then by content. */
class ResultSeries {
  readonly byKey = new Map<string, { labels: Labels; values: PromSamplePair[] }>();
  private readonly byObject = new Map<Labels, { labels: Labels; values: PromSamplePair[] }>();

  add(labels: Labels, p: PromSamplePair): void {
    let s = this.byObject.get(labels);
    if (s === undefined) {
      const key = labelsKey(labels);
      s = this.byKey.get(key);
      if (s === undefined) {
        s = { labels, values: [] };
        this.byKey.set(key, s);
      }
      this.byObject.set(labels, s);
    }
    s.values.push(p);
  }
}
