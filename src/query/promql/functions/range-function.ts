// Adapts a per-series reducer over one range-vector window into a PromFunctionDef: argument unpacking, the
// per-series loop, and Prometheus's rule that range functions drop `__name__` (except the "picking" ones).
import { InternalError } from "../../../base/index.ts";
import type { Sample, Value, ValueKind } from "../values.ts";
import { dropMetricName } from "./label-set.ts";
import type { FunctionContext, PromFunctionDef, WindowReducer } from "./prom-function-def.ts";

/** Options of {@link defineRangeFunction}. */
export interface RangeFunctionOptions {
  /** Argument types; exactly one must be "matrix", the others "scalar". Default `["matrix"]`. */
  argTypes?: ValueKind[];
  /** Keep `__name__` on results (last_over_time, first_over_time); default false. */
  keepName?: boolean;
  /** Validates the scalar arguments; called once, before the first non-empty series. */
  check?: (scalars: number[]) => void;
}

/** Builds the definition of a function that maps each series of its range-vector argument to one sample. */
export function defineRangeFunction(
  name: string,
  reducer: WindowReducer,
  options: RangeFunctionOptions = {},
): PromFunctionDef {
  const argTypes = options.argTypes ?? ["matrix"];
  const matrixIndex = argTypes.indexOf("matrix");
  const keepName = options.keepName === true;
  const check = options.check;
  return {
    name,
    argTypes,
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    range: { matrixIndex, keepName, check, reduce: reducer },
    call(args: Value[], ctx: FunctionContext): Value {
      const scalars: number[] = [];
      for (let i = 0; i < args.length; i++) if (i !== matrixIndex) scalars.push(scalarArg(args[i], name, i));
      const m = args[matrixIndex];
      if (m === undefined || m.kind !== "matrix") throw badArg(name, matrixIndex, "matrix");
      let checked = check === undefined;
      const samples: Sample[] = [];
      for (let s = 0; s < m.series.length; s++) {
        const series = m.series[s]!;
        if (series.ts.length === 0) continue;
        if (!checked) {
          // Prometheus validates arguments inside the per-series call, so an empty selection never fails.
          check!(scalars);
          checked = true;
        }
        const v = reducer(series.ts, series.vs, 0, series.ts.length, ctx, scalars);
        if (v === undefined) continue;
        samples.push({ labels: keepName ? series.labels : dropMetricName(series.labels), t: ctx.timeMs, v });
      }
      return { kind: "vector", samples };
    },
  };
}

/** A copy of `vs[from, to)` as an array the caller may reorder. */
export function copyWindow(vs: ArrayLike<number>, from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = vs[i]!;
  return out;
}

/** The value of scalar argument `index` of `fn`. @throws InternalError when the caller passed another kind. */
export function scalarArg(arg: Value | undefined, fn: string, index: number): number {
  if (arg === undefined || arg.kind !== "scalar") throw badArg(fn, index, "scalar");
  return arg.v;
}

/** The value of string argument `index` of `fn`. @throws InternalError when the caller passed another kind. */
export function stringArg(arg: Value | undefined, fn: string, index: number): string {
  if (arg === undefined || arg.kind !== "string") throw badArg(fn, index, "string");
  return arg.v;
}

/** The samples of vector argument `index` of `fn`. @throws InternalError when the caller passed another kind. */
export function vectorArg(arg: Value | undefined, fn: string, index: number): Sample[] {
  if (arg === undefined || arg.kind !== "vector") throw badArg(fn, index, "vector");
  return arg.samples;
}

/** The evaluator type-checks calls, so a wrong argument kind here is a bug. */
function badArg(fn: string, index: number, want: ValueKind): InternalError {
  return new InternalError("PROMQL_BAD_FUNCTION_ARG", `${fn}(): argument ${index + 1} is not a ${want}`);
}
