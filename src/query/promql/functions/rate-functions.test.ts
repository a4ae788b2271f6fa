import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Labels, Value } from "../values.ts";
import { PROM_FUNCTIONS } from "./index.ts";
import type { FunctionContext } from "./prom-function-def.ts";

const NAME: Labels = { __name__: "m", job: "a" };

function ctx(timeMs: number, rangeMs: number): FunctionContext {
  return { timeMs, rangeMs, startMs: timeMs, endMs: timeMs };
}

/** Calls `fn` on one series window given as seconds and values; returns the value, or undefined for no sample. */
function callRange(
  fn: string,
  tsSec: number[],
  vs: number[],
  c: FunctionContext,
  extra: Value[] = [],
): number | undefined {
  const matrix: Value = { kind: "matrix", series: [{ labels: NAME, ts: tsSec.map((s) => s * 1000), vs }] };
  const def = PROM_FUNCTIONS.get(fn)!;
  const args = def.argTypes[0] === "scalar" ? [...extra, matrix] : [matrix, ...extra];
  const out = def.call(args, c);
  assert.equal(out.kind, "vector");
  if (out.kind !== "vector") return undefined;
  assert.ok(out.samples.length <= 1);
  return out.samples[0]?.v;
}

const scalar = (v: number): Value => ({ kind: "scalar", t: 0, v });

describe("rate, increase, delta", () => {
  const cases = [
    {
      name: "counter covering the window extrapolates to both edges",
      input: { fn: "increase", ts: [15, 30, 45, 60], vs: [10, 20, 30, 40], c: ctx(60_000, 60_000) },
      want: 40,
    },
    {
      name: "rate divides the increase by the range",
      input: { fn: "rate", ts: [15, 30, 45, 60], vs: [10, 20, 30, 40], c: ctx(60_000, 60_000) },
      want: 40 / 60,
    },
    {
      name: "a counter reset adds the value before the drop",
      input: { fn: "increase", ts: [15, 30, 45, 60], vs: [10, 20, 5, 15], c: ctx(60_000, 60_000) },
      want: 25 * (60 / 45),
    },
    {
      name: "extrapolation stops where a counter would reach zero",
      input: { fn: "increase", ts: [30, 45, 60], vs: [1, 11, 21], c: ctx(60_000, 60_000) },
      want: 20 * ((30 + 1.5 + 0) / 30),
    },
    {
      name: "a series starting late extrapolates by half the average spacing",
      input: { fn: "increase", ts: [40, 50, 60], vs: [100, 110, 120], c: ctx(60_000, 60_000) },
      want: 20 * ((20 + 5) / 20),
    },
    {
      name: "delta treats the series as a gauge (no reset handling, may be negative)",
      input: { fn: "delta", ts: [30, 60], vs: [10, 5], c: ctx(60_000, 60_000) },
      want: -10,
    },
    {
      name: "a single sample gives no result",
      input: { fn: "rate", ts: [30], vs: [10], c: ctx(60_000, 60_000) },
      want: undefined,
    },
  ];
  for (const { name, input, want } of cases) {
    it(name, () => assert.equal(callRange(input.fn, input.ts, input.vs, input.c), want));
  }
});

describe("irate, idelta, deriv, predict_linear, resets, changes", () => {
  const c = ctx(60_000, 60_000);
  const cases = [
    {
      name: "irate uses the last value after a reset",
      input: { fn: "irate", ts: [15, 30, 45], vs: [10, 20, 5] },
      want: 5 / 15,
    },
    {
      name: "irate is the per-second last difference",
      input: { fn: "irate", ts: [15, 30, 50], vs: [10, 20, 30] },
      want: 0.5,
    },
    {
      name: "idelta is the raw last difference",
      input: { fn: "idelta", ts: [15, 30, 45], vs: [10, 20, 5] },
      want: -15,
    },
    { name: "irate needs two samples", input: { fn: "irate", ts: [45], vs: [5] }, want: undefined },
    {
      name: "deriv is the least-squares slope per second",
      input: { fn: "deriv", ts: [20, 30, 40], vs: [0, 10, 20] },
      want: 1,
    },
    { name: "deriv of a constant is 0", input: { fn: "deriv", ts: [20, 30, 40], vs: [7, 7, 7] }, want: 0 },
    {
      name: "deriv of a constant infinity is NaN",
      input: { fn: "deriv", ts: [20, 30], vs: [Infinity, Infinity] },
      want: NaN,
    },
    { name: "resets counts decreases", input: { fn: "resets", ts: [1, 2, 3, 4, 5], vs: [1, 2, 1, 3, 0] }, want: 2 },
    { name: "resets of one sample is 0", input: { fn: "resets", ts: [1], vs: [1] }, want: 0 },
    {
      name: "changes treats NaN as equal to NaN",
      input: { fn: "changes", ts: [1, 2, 3, 4, 5, 6], vs: [1, 1, 2, NaN, NaN, 3] },
      want: 3,
    },
  ];
  for (const { name, input, want } of cases) {
    it(name, () => assert.deepEqual(callRange(input.fn, input.ts, input.vs, c), want));
  }
  it("predict_linear extrapolates from the evaluation time", () => {
    assert.equal(callRange("predict_linear", [0, 10, 20], [0, 10, 20], ctx(20_000, 60_000), [scalar(10)]), 30);
  });
  it("drops the metric name", () => {
    const out = PROM_FUNCTIONS.get("rate")!.call(
      [{ kind: "matrix", series: [{ labels: NAME, ts: [1000, 2000], vs: [1, 2] }] }],
      c,
    );
    assert.deepEqual(out.kind === "vector" ? out.samples[0]!.labels : null, { job: "a" });
  });
  it("skips series without points in the window", () => {
    const out = PROM_FUNCTIONS.get("changes")!.call(
      [{ kind: "matrix", series: [{ labels: NAME, ts: [], vs: [] }] }],
      c,
    );
    assert.deepEqual(out, { kind: "vector", samples: [] });
  });
});

describe("double_exponential_smoothing", () => {
  it("smooths with the given factors", () => {
    // s1 = 0.5*2 + 0.5*(1 + 1) = 2; b = 0.5*(2-1) + 0.5*1 = 1; s2 = 0.5*4 + 0.5*(2 + 1) = 3.5
    assert.equal(
      callRange("double_exponential_smoothing", [1, 2, 3], [1, 2, 4], ctx(3000, 60_000), [scalar(0.5), scalar(0.5)]),
      3.5,
    );
  });
  for (const [sf, tf] of [
    [0, 0.5],
    [1, 0.5],
    [0.5, 1.5],
  ] as const) {
    it(`rejects factors sf=${sf} tf=${tf} as an execution error`, () => {
      assert.throws(
        () => callRange("double_exponential_smoothing", [1, 2], [1, 2], ctx(3000, 60_000), [scalar(sf), scalar(tf)]),
        (e: { code?: string }) => e.code === "PROMQL_EXEC_BAD_ARGUMENT",
      );
    });
  }
  it("does not validate factors when no series has points", () => {
    const def = PROM_FUNCTIONS.get("double_exponential_smoothing")!;
    assert.deepEqual(def.call([{ kind: "matrix", series: [] }, scalar(5), scalar(5)], ctx(0, 1000)), {
      kind: "vector",
      samples: [],
    });
  });
});

describe("*_over_time", () => {
  const c = ctx(60_000, 60_000);
  const vs = [1, 2, 3, 4];
  const ts = [10, 20, 30, 40];
  const cases = [
    { name: "avg", input: "avg_over_time", want: 2.5 },
    { name: "sum", input: "sum_over_time", want: 10 },
    { name: "min", input: "min_over_time", want: 1 },
    { name: "max", input: "max_over_time", want: 4 },
    { name: "count", input: "count_over_time", want: 4 },
    { name: "stdvar", input: "stdvar_over_time", want: 1.25 },
    { name: "stddev", input: "stddev_over_time", want: Math.sqrt(1.25) },
    { name: "last", input: "last_over_time", want: 4 },
    { name: "first", input: "first_over_time", want: 1 },
    { name: "present", input: "present_over_time", want: 1 },
    { name: "mad", input: "mad_over_time", want: 1 },
    { name: "ts_of_max", input: "ts_of_max_over_time", want: 40 },
    { name: "ts_of_min", input: "ts_of_min_over_time", want: 10 },
  ];
  for (const { name, input, want } of cases) {
    it(`${name}_over_time of 1..4`, () => assert.equal(callRange(input, ts, vs, c), want));
  }
  it("quantile_over_time interpolates and saturates outside [0, 1]", () => {
    assert.equal(callRange("quantile_over_time", ts, vs, c, [scalar(0.5)]), 2.5);
    assert.equal(callRange("quantile_over_time", ts, vs, c, [scalar(0.25)]), 1.75);
    assert.equal(callRange("quantile_over_time", ts, vs, c, [scalar(-1)]), -Infinity);
    assert.equal(callRange("quantile_over_time", ts, vs, c, [scalar(2)]), Infinity);
    assert.ok(Number.isNaN(callRange("quantile_over_time", ts, vs, c, [scalar(NaN)])));
  });
  it("min/max replace a leading NaN", () => {
    assert.equal(callRange("min_over_time", [1, 2, 3], [NaN, 3, 1], c), 1);
    assert.equal(callRange("max_over_time", [1, 2, 3], [NaN, 3, 1], c), 3);
  });
  it("avg_over_time survives overflow of the running sum", () => {
    assert.equal(callRange("avg_over_time", [1, 2], [Number.MAX_VALUE, Number.MAX_VALUE], c), Number.MAX_VALUE);
  });
  it("sum_over_time compensates rounding (Kahan)", () => {
    assert.equal(callRange("sum_over_time", [1, 2, 3], [1e100, 1, -1e100], c), 1);
  });
  it("last_over_time and first_over_time keep the metric name; others drop it", () => {
    const m: Value = { kind: "matrix", series: [{ labels: NAME, ts: [1000], vs: [1] }] };
    for (const [fn, keep] of [
      ["last_over_time", true],
      ["first_over_time", true],
      ["max_over_time", false],
    ] as const) {
      const out = PROM_FUNCTIONS.get(fn)!.call([m], c);
      assert.equal(out.kind === "vector" && "__name__" in out.samples[0]!.labels, keep, fn);
    }
  });
  it("absent_over_time reports the matcher labels when nothing is in the window", () => {
    const def = PROM_FUNCTIONS.get("absent_over_time")!;
    const empty = def.call([{ kind: "matrix", series: [] }], c, [{ __name__: "x", job: "j", env: "" }]);
    assert.deepEqual(empty, { kind: "vector", samples: [{ labels: { job: "j" }, t: 60_000, v: 1 }] });
    const full = def.call([{ kind: "matrix", series: [{ labels: NAME, ts: [1000], vs: [1] }] }], c, [{}]);
    assert.deepEqual(full, { kind: "vector", samples: [] });
  });
});
