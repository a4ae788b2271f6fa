// The *_over_time family over a range-vector window (avg, min, max, sum, count, stddev, stdvar, last, first,
// present, quantile, mad, ts_of_*) plus absent_over_time, with Prometheus 3.x's float arithmetic.
import type { Value } from "../values.ts";
import { KahanSum, kahanInc, quantileOf } from "./float-math.ts";
import type { FunctionContext, PromFunctionDef } from "./prom-function-def.ts";
import { copyWindow, defineRangeFunction } from "./range-function.ts";

const KAHAN_C = new Float64Array(1);

/**
 * Prometheus avg_over_time: the direct mean of a Kahan sum while the sum stays finite, switching to an
 * incremental mean once it would overflow.
 */
function avgOverTime(vs: ArrayLike<number>, from: number, to: number): number {
  let sum = vs[from]!;
  let count = 1;
  let mean = 0;
  let kahanC = 0;
  let incrementalMean = false;
  for (let i = 1; i < to - from; i++) {
    const f = vs[from + i]!;
    count = i + 1;
    if (!incrementalMean) {
      const newSum = kahanInc(f, sum, kahanC, KAHAN_C);
      if (newSum !== Infinity && newSum !== -Infinity) {
        sum = newSum;
        kahanC = KAHAN_C[0]!;
        continue;
      }
      incrementalMean = true;
      mean = sum / (count - 1);
      kahanC /= count - 1;
    }
    const q = (count - 1) / count;
    mean = kahanInc(f / count, q * mean, q * kahanC, KAHAN_C);
    kahanC = KAHAN_C[0]!;
  }
  if (incrementalMean) return mean + kahanC;
  return sum / count + kahanC / count;
}

/** Prometheus min/max_over_time: the extreme value, where a NaN is replaced by any later value. */
function extremeOverTime(vs: ArrayLike<number>, from: number, to: number, max: boolean): number {
  let best = vs[from]!;
  for (let i = from; i < to; i++) {
    const f = vs[i]!;
    if ((max ? f > best : f < best) || Number.isNaN(best)) best = f;
  }
  return best;
}

/** Time (seconds) of the extreme value: the last among equals, as Prometheus's ts_of_max/min_over_time. */
function tsOfExtremeOverTime(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  max: boolean,
): number {
  let best = vs[from]!;
  let bestT = ts[from]!;
  for (let i = from; i < to; i++) {
    const f = vs[i]!;
    if ((max ? f >= best : f <= best) || Number.isNaN(best)) {
      best = f;
      bestT = ts[i]!;
    }
  }
  return bestT / 1000;
}

/** Population variance by Welford's method with Kahan-compensated mean and sum of squares. */
function varianceOverTime(vs: ArrayLike<number>, from: number, to: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = from; i < to; i++) {
    const f = vs[i]!;
    count++;
    const delta = f - (mean + cMean);
    mean = kahanInc(delta / count, mean, cMean, KAHAN_C);
    cMean = KAHAN_C[0]!;
    aux = kahanInc(delta * (f - (mean + cMean)), aux, cAux, KAHAN_C);
    cAux = KAHAN_C[0]!;
  }
  return (aux + cAux) / count;
}

function sumOverTime(vs: ArrayLike<number>, from: number, to: number): number {
  const k = new KahanSum();
  for (let i = from; i < to; i++) k.add(vs[i]!);
  return k.value();
}

/** Median absolute deviation from the median. */
function madOverTime(vs: ArrayLike<number>, from: number, to: number): number {
  const median = quantileOf(0.5, copyWindow(vs, from, to));
  const dev = new Array<number>(to - from);
  for (let i = from; i < to; i++) dev[i - from] = Math.abs(vs[i]! - median);
  return quantileOf(0.5, dev);
}

/**
 * absent_over_time: 1 labelled from the argument's equality matchers when no series has a point in the window,
 * else nothing.
 */
const absentOverTime: PromFunctionDef = {
  name: "absent_over_time",
  argTypes: ["matrix"],
  optionalArgs: 0,
  variadic: false,
  returnType: "vector",
  call(args: Value[], ctx: FunctionContext, argExprLabels?: Array<Record<string, string>>): Value {
    const m = args[0];
    if (m !== undefined && m.kind === "matrix") {
      for (let i = 0; i < m.series.length; i++) if (m.series[i]!.ts.length > 0) return { kind: "vector", samples: [] };
    }
    return { kind: "vector", samples: [{ labels: absentLabels(argExprLabels), t: ctx.timeMs, v: 1 }] };
  },
};

/** The label set absent() reports: the caller's matcher labels without `__name__` and empty values. */
export function absentLabels(argExprLabels: Array<Record<string, string>> | undefined): Record<string, string> {
  const src = argExprLabels?.[0];
  const out: Record<string, string> = {};
  if (src === undefined) return out;
  // Setting a label to "" deletes it in Prometheus's label builder.
  for (const k in src) if (k !== "__name__" && src[k] !== "") out[k] = src[k]!;
  return out;
}

/** The *_over_time functions and absent_over_time. */
export const OVER_TIME_FUNCTIONS: readonly PromFunctionDef[] = [
  defineRangeFunction("avg_over_time", (_ts, vs, from, to) => avgOverTime(vs, from, to)),
  defineRangeFunction("min_over_time", (_ts, vs, from, to) => extremeOverTime(vs, from, to, false)),
  defineRangeFunction("max_over_time", (_ts, vs, from, to) => extremeOverTime(vs, from, to, true)),
  defineRangeFunction("sum_over_time", (_ts, vs, from, to) => sumOverTime(vs, from, to)),
  defineRangeFunction("count_over_time", (_ts, _vs, from, to) => to - from),
  defineRangeFunction("stddev_over_time", (_ts, vs, from, to) => Math.sqrt(varianceOverTime(vs, from, to))),
  defineRangeFunction("stdvar_over_time", (_ts, vs, from, to) => varianceOverTime(vs, from, to)),
  defineRangeFunction("last_over_time", (_ts, vs, _from, to) => vs[to - 1]!, { keepName: true }),
  defineRangeFunction("first_over_time", (_ts, vs, from) => vs[from]!, { keepName: true }),
  defineRangeFunction("present_over_time", () => 1),
  defineRangeFunction(
    "quantile_over_time",
    (_ts, vs, from, to, _ctx, sc) => quantileOf(sc[0]!, copyWindow(vs, from, to)),
    { argTypes: ["scalar", "matrix"] },
  ),
  defineRangeFunction("mad_over_time", (_ts, vs, from, to) => madOverTime(vs, from, to)),
  defineRangeFunction("ts_of_max_over_time", (ts, vs, from, to) => tsOfExtremeOverTime(ts, vs, from, to, true)),
  defineRangeFunction("ts_of_min_over_time", (ts, vs, from, to) => tsOfExtremeOverTime(ts, vs, from, to, false)),
  defineRangeFunction("ts_of_first_over_time", (ts, _vs, from) => ts[from]! / 1000),
  defineRangeFunction("ts_of_last_over_time", (ts, _vs, _from, to) => ts[to - 1]! / 1000),
  absentOverTime,
];
