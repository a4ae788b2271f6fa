// Instant-vector functions that reshape rather than compute: absent, vector, scalar, timestamp, sort, sort_desc.
import type { Sample, Value } from "../values.ts";
import { dropMetricName } from "./label-set.ts";
import { absentLabels } from "./over-time-functions.ts";
import type { PromFunctionDef } from "./prom-function-def.ts";
import { scalarArg, vectorArg } from "./range-function.ts";

/** Ascending with NaN last (Prometheus sorts descending with NaN first and reverses). */
function ascendingNaNLast(a: Sample, b: Sample): number {
  const x = a.v;
  const y = b.v;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Descending with NaN last. */
function descendingNaNLast(a: Sample, b: Sample): number {
  const x = a.v;
  const y = b.v;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x > y ? -1 : x < y ? 1 : 0;
}

function sortDef(name: string, cmp: (a: Sample, b: Sample) => number): PromFunctionDef {
  return {
    name,
    argTypes: ["vector"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    // Keeps `__name__`. The order matters only for instant queries; ties keep their input order.
    call: (args) => ({ kind: "vector", samples: vectorArg(args[0], name, 0).slice().sort(cmp) }),
  };
}

/** absent, vector, scalar, timestamp, sort, sort_desc. */
export const VECTOR_FUNCTIONS: readonly PromFunctionDef[] = [
  {
    name: "absent",
    argTypes: ["vector"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call(args, ctx, argExprLabels): Value {
      if (vectorArg(args[0], "absent", 0).length > 0) return { kind: "vector", samples: [] };
      return { kind: "vector", samples: [{ labels: absentLabels(argExprLabels), t: ctx.timeMs, v: 1 }] };
    },
  },
  {
    name: "vector",
    argTypes: ["scalar"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call: (args, ctx) => ({
      kind: "vector",
      samples: [{ labels: {}, t: ctx.timeMs, v: scalarArg(args[0], "vector", 0) }],
    }),
  },
  {
    name: "scalar",
    argTypes: ["vector"],
    optionalArgs: 0,
    variadic: false,
    returnType: "scalar",
    call(args, ctx): Value {
      const samples = vectorArg(args[0], "scalar", 0);
      return { kind: "scalar", t: ctx.timeMs, v: samples.length === 1 ? samples[0]!.v : NaN };
    },
  },
  {
    // Reports each sample's own `t` in seconds. For a (parenthesised) vector selector argument the evaluator
    // must pass the samples' original timestamps, not the step time (Prometheus special-cases this).
    name: "timestamp",
    argTypes: ["vector"],
    optionalArgs: 0,
    variadic: false,
    returnType: "vector",
    call(args, ctx): Value {
      const samples = vectorArg(args[0], "timestamp", 0);
      const out = new Array<Sample>(samples.length);
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        out[i] = { labels: dropMetricName(s.labels), t: ctx.timeMs, v: s.t / 1000 };
      }
      return { kind: "vector", samples: out };
    },
  },
  sortDef("sort", ascendingNaNLast),
  sortDef("sort_desc", descendingNaNLast),
];
