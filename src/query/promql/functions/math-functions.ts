// Element-wise instant-vector functions (abs, ceil, exp, ln, trig, clamp, round, sgn, ...) and the scalar
// constants pi() and time(). Every one drops `__name__`, as Prometheus does for value-changing functions.
import type { Sample, Value } from "../values.ts";
import { goLog, goLog10, goLog2 } from "./float-math.ts";
import { dropMetricName } from "./label-set.ts";
import type { FunctionContext, PromFunctionDef } from "./prom-function-def.ts";
import { scalarArg, vectorArg } from "./range-function.ts";

/** Applies `f` to every sample's value, dropping `__name__`. */
function mapSamples(samples: Sample[], f: (v: number) => number): Value {
  const out: Sample[] = new Array<Sample>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    out[i] = { labels: dropMetricName(s.labels), t: s.t, v: f(s.v) };
  }
  return { kind: "vector", samples: out };
}

/** Defines `name(v instant-vector)` computing `f` per sample. */
function simple(name: string, f: (v: number) => number): PromFunctionDef {
  return {
    name,
    argTypes: ["vector"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call: (args) => mapSamples(vectorArg(args[0], name, 0), f),
  };
}

/** Go `math.Max`/`math.Min` semantics (NaN wins, +0 > -0) coincide with Math.max/min. */
function clampSamples(samples: Sample[], lo: number, hi: number): Value {
  // Prometheus returns an empty vector when the bounds are inverted.
  if (hi < lo) return { kind: "vector", samples: [] };
  return mapSamples(samples, (v) => Math.max(lo, Math.min(hi, v)));
}

/** sgn: -1, 1, or the value itself for 0, -0 and NaN. */
function sgn(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

function scalarConst(name: string, f: (ctx: FunctionContext) => number): PromFunctionDef {
  return {
    name,
    argTypes: [],
    optionalArgs: 0,
    variadic: false,
    returnType: "scalar",
    call: (_args, ctx) => ({ kind: "scalar", t: ctx.timeMs, v: f(ctx) }),
  };
}

/** Element-wise math functions, clamp*, round, and the constants pi() and time(). */
export const MATH_FUNCTIONS: readonly PromFunctionDef[] = [
  simple("abs", Math.abs),
  simple("ceil", Math.ceil),
  simple("floor", Math.floor),
  simple("sqrt", Math.sqrt),
  simple("exp", Math.exp),
  simple("ln", goLog),
  simple("log2", goLog2),
  simple("log10", goLog10),
  simple("sgn", sgn),
  simple("sin", Math.sin),
  simple("cos", Math.cos),
  simple("tan", Math.tan),
  simple("asin", Math.asin),
  simple("acos", Math.acos),
  simple("atan", Math.atan),
  simple("sinh", Math.sinh),
  simple("cosh", Math.cosh),
  simple("tanh", Math.tanh),
  simple("asinh", Math.asinh),
  simple("acosh", Math.acosh),
  simple("atanh", Math.atanh),
  simple("deg", (v) => (v * 180) / Math.PI),
  simple("rad", (v) => (v * Math.PI) / 180),
  {
    name: "clamp",
    argTypes: ["vector", "scalar", "scalar"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call: (args) =>
      clampSamples(vectorArg(args[0], "clamp", 0), scalarArg(args[1], "clamp", 1), scalarArg(args[2], "clamp", 2)),
  },
  {
    name: "clamp_min",
    argTypes: ["vector", "scalar"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call: (args) => clampSamples(vectorArg(args[0], "clamp_min", 0), scalarArg(args[1], "clamp_min", 1), Infinity),
  },
  {
    name: "clamp_max",
    argTypes: ["vector", "scalar"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call: (args) => clampSamples(vectorArg(args[0], "clamp_max", 0), -Infinity, scalarArg(args[1], "clamp_max", 1)),
  },
  {
    name: "round",
    argTypes: ["vector", "scalar"],
    optionalArgs: 1,
    variadic: false,
    returnType: "vector",
    call(args) {
      const toNearest = args.length >= 2 ? scalarArg(args[1], "round", 1) : 1;
      // Prometheus multiplies by the inverse ("fewer floating point accuracy issues"); ties round up.
      const inverse = 1 / toNearest;
      return mapSamples(vectorArg(args[0], "round", 0), (v) => Math.floor(v * inverse + 0.5) / inverse);
    },
  },
  scalarConst("pi", () => Math.PI),
  scalarConst("time", (ctx) => ctx.timeMs / 1000),
];
