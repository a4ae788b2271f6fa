// Counter and gauge change functions over a range-vector window, as Prometheus 3.x computes them: rate, increase,
// delta (extrapolatedRate), irate, idelta (instantValue), deriv, predict_linear (linearRegression), resets, changes
// and double_exponential_smoothing. Knows nothing of selection: the window arrives already cut.
import { InvalidError } from "../../../base/index.ts";
import { kahanInc } from "./float-math.ts";
import type { FunctionContext, PromFunctionDef } from "./prom-function-def.ts";
import { defineRangeFunction } from "./range-function.ts";

/**
 * Prometheus `extrapolatedRate` for float samples: the change over the window (with counter resets added back
 * when `isCounter`), extrapolated towards the window edges when the first/last sample lies within 110% of the
 * average sample spacing of them (else by half a spacing), never extrapolating a counter below zero. Needs at
 * least two samples. `isRate` divides by the range in seconds.
 */
function extrapolatedRate(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  ctx: FunctionContext,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = to - from;
  if (n < 2) return undefined;
  const rangeStart = ctx.timeMs - ctx.rangeMs;
  const rangeEnd = ctx.timeMs;
  const firstT = ts[from]!;
  const lastT = ts[to - 1]!;
  const firstV = vs[from]!;
  let result = vs[to - 1]! - firstV;
  if (isCounter) {
    for (let i = from + 1; i < to; i++) if (vs[i]! < vs[i - 1]!) result += vs[i - 1]!;
  }
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    // A counter cannot go below zero: stop extrapolating backwards where the line would cross it.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= ctx.rangeMs / 1000;
  return result * factor;
}

/** Prometheus `instantValue`: the last two samples' difference (irate: per second, reset-aware). */
function instantValue(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  isRate: boolean,
): number | undefined {
  if (to - from < 2) return undefined;
  const last = vs[to - 1]!;
  const prev = vs[to - 2]!;
  const sampledIntervalMs = ts[to - 1]! - ts[to - 2]!;
  if (sampledIntervalMs === 0) return undefined;
  // On a counter reset irate takes the last value as the increase; NaN compares false, so it subtracts.
  let result = isRate && last < prev ? last : last - prev;
  if (isRate) result /= sampledIntervalMs / 1000;
  return result;
}

const KAHAN_C = new Float64Array(1);

/**
 * Prometheus `linearRegression`: least-squares slope (per second) and intercept at `interceptTimeMs`, with
 * Kahan-compensated sums. A constant series gives slope 0 (NaN, NaN when the constant is infinite).
 */
function linearRegression(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  interceptTimeMs: number,
  out: Float64Array,
): void {
  const initY = vs[from]!;
  let constY = true;
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  for (let i = from; i < to; i++) {
    const y = vs[i]!;
    if (constY && i > from && y !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTimeMs) / 1e3;
    sumX = kahanInc(x, sumX, cX, KAHAN_C);
    cX = KAHAN_C[0]!;
    sumY = kahanInc(y, sumY, cY, KAHAN_C);
    cY = KAHAN_C[0]!;
    sumXY = kahanInc(x * y, sumXY, cXY, KAHAN_C);
    cXY = KAHAN_C[0]!;
    sumX2 = kahanInc(x * x, sumX2, cX2, KAHAN_C);
    cX2 = KAHAN_C[0]!;
  }
  if (constY) {
    const inf = initY === Infinity || initY === -Infinity;
    out[0] = inf ? NaN : 0;
    out[1] = inf ? NaN : initY;
    return;
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  out[0] = slope;
  out[1] = sumY / n - (slope * sumX) / n;
}

const REGRESSION = new Float64Array(2);

/** Counts decreases between consecutive samples (resets) or unequal consecutive samples (changes; NaN = NaN). */
function countSteps(vs: ArrayLike<number>, from: number, to: number, resets: boolean): number {
  let count = 0;
  for (let i = from + 1; i < to; i++) {
    const cur = vs[i]!;
    const prev = vs[i - 1]!;
    if (resets) {
      if (cur < prev) count++;
    } else if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) count++;
  }
  return count;
}

/** Prometheus `funcDoubleExponentialSmoothing` (formerly holt_winters): the last smoothed value. */
function doubleExponentialSmoothing(
  vs: ArrayLike<number>,
  from: number,
  to: number,
  sf: number,
  tf: number,
): number | undefined {
  const l = to - from;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = vs[from]!;
  let b = vs[from + 1]! - vs[from]!;
  for (let i = 1; i < l; i++) {
    const x = sf * vs[from + i]!;
    // The trend at the first step is the initial slope; afterwards it is smoothed with factor tf.
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

/** Prometheus panics (an execution error) on factors outside (0, 1); NaN passes, as in Go. */
function checkSmoothingFactors(scalars: number[]): void {
  const sf = scalars[0]!;
  const tf = scalars[1]!;
  if (sf <= 0 || sf >= 1) {
    throw new InvalidError(
      "PROMQL_EXEC_BAD_ARGUMENT",
      `invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFixed(sf)}`,
    );
  }
  if (tf <= 0 || tf >= 1) {
    throw new InvalidError(
      "PROMQL_EXEC_BAD_ARGUMENT",
      `invalid trend factor. Expected: 0 < tf < 1, got: ${goFixed(tf)}`,
    );
  }
}

/** Go's `%f`. */
function goFixed(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity || v === -Infinity) return v > 0 ? "+Inf" : "-Inf";
  return v.toFixed(6);
}

/** rate, increase, delta, irate, idelta, deriv, predict_linear, resets, changes, double_exponential_smoothing. */
export const RATE_FUNCTIONS: readonly PromFunctionDef[] = [
  defineRangeFunction("rate", (ts, vs, from, to, ctx) => extrapolatedRate(ts, vs, from, to, ctx, true, true)),
  defineRangeFunction("increase", (ts, vs, from, to, ctx) => extrapolatedRate(ts, vs, from, to, ctx, true, false)),
  defineRangeFunction("delta", (ts, vs, from, to, ctx) => extrapolatedRate(ts, vs, from, to, ctx, false, false)),
  defineRangeFunction("irate", (ts, vs, from, to) => instantValue(ts, vs, from, to, true)),
  defineRangeFunction("idelta", (ts, vs, from, to) => instantValue(ts, vs, from, to, false)),
  defineRangeFunction("deriv", (ts, vs, from, to) => {
    if (to - from < 2) return undefined;
    // Regress relative to the first sample's time to keep x small (prometheus#2674).
    linearRegression(ts, vs, from, to, ts[from]!, REGRESSION);
    return REGRESSION[0]!;
  }),
  defineRangeFunction(
    "predict_linear",
    (ts, vs, from, to, ctx, scalars) => {
      if (to - from < 2) return undefined;
      linearRegression(ts, vs, from, to, ctx.timeMs, REGRESSION);
      return REGRESSION[0]! * scalars[0]! + REGRESSION[1]!;
    },
    { argTypes: ["matrix", "scalar"] },
  ),
  defineRangeFunction("resets", (_ts, vs, from, to) => countSteps(vs, from, to, true)),
  defineRangeFunction("changes", (_ts, vs, from, to) => countSteps(vs, from, to, false)),
  defineRangeFunction(
    "double_exponential_smoothing",
    (_ts, vs, from, to, _ctx, sc) => doubleExponentialSmoothing(vs, from, to, sc[0]!, sc[1]!),
    {
      argTypes: ["matrix", "scalar", "scalar"],
      check: checkSmoothingFactors,
    },
  ),
];
