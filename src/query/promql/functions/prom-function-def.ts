// The contract between the PromQL evaluator and the function library: how a function is typed and called.
// Knows nothing of parsing or storage.
import type { Value, ValueKind } from "../values.ts";

/** Per-step facts a function may need besides its arguments. All times are Unix milliseconds. */
export interface FunctionContext {
  /**
   * Evaluation time of this step (ms). For functions with a range-vector argument this is also the end of the
   * selector's window, which the caller has already shifted by `offset` and `@`.
   */
  timeMs: number;
  /**
   * For functions with a range-vector argument: the selector's range (ms); the window is
   * (timeMs - rangeMs, timeMs] and the matrix holds exactly the window's points. 0 otherwise.
   */
  rangeMs: number;
  /** Query start (ms). */
  startMs: number;
  /** Query end (ms). */
  endMs: number;
}

/**
 * Reduces the window [from, to) (non-empty) of one series' points (`ts` ascending ms, `vs` values) to a value, or
 * undefined for "no output sample". `scalars` holds the function's scalar arguments in order. Must neither mutate
 * nor keep `ts`/`vs`, which may be the caller's whole columns.
 */
export type WindowReducer = (
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  ctx: FunctionContext,
  scalars: number[],
) => number | undefined;

/**
 * What a range function does to each series of its range-vector argument, so an evaluator can reduce windows of
 * stored columns in place instead of building a matrix per step. `call` gives the same results.
 */
export interface RangeReduction {
  /** Index of the range-vector argument; every other argument is a scalar. */
  matrixIndex: number;
  /** True when output samples keep `__name__` (last_over_time, first_over_time). */
  keepName: boolean;
  /** Validates the scalar arguments; must run once before the first non-empty window is reduced. */
  check: ((scalars: number[]) => void) | undefined;
  reduce: WindowReducer;
}

/** One PromQL function: its signature (checked by the parser) and its implementation. */
export interface PromFunctionDef {
  name: string;
  /** Argument types in order; with `variadic`, the last one may repeat. */
  argTypes: ValueKind[];
  /** Number of trailing entries of `argTypes` that may be omitted. */
  optionalArgs: number;
  /** True when the last arg type may repeat without bound (label_join, sort_by_label). */
  variadic: boolean;
  returnType: ValueKind;
  /**
   * Computes the function for one step. Range-vector args arrive as `matrix` windows, instant vectors as `vector`
   * with `t` = step time (except for `timestamp()`, see its definition), scalars as `scalar`, strings as `string`.
   * Never mutates `args`; returns fresh arrays, but label sets of unchanged samples may be shared with the input.
   * `argExprLabels[0]` is used by absent/absent_over_time only.
   * @throws InvalidError `PROMQL_EXEC_*` codes for run-time argument errors (bad regex, bad label name, bad
   *   smoothing factor); Prometheus reports these as errorType "execution".
   */
  call(args: Value[], ctx: FunctionContext, argExprLabels?: Array<Record<string, string>>): Value;
  /** Present on functions that map each range-vector series to at most one sample (see {@link RangeReduction}). */
  range?: RangeReduction;
}
