import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Labels, Sample, Value } from "../values.ts";
import { PROM_FUNCTIONS } from "./index.ts";
import type { FunctionContext } from "./prom-function-def.ts";

const CTX: FunctionContext = { timeMs: 1_700_000_000_500, rangeMs: 0, startMs: 0, endMs: 0 };
const vec = (...samples: Array<[Labels, number]>): Value => ({
  kind: "vector",
  samples: samples.map(([labels, v]) => ({ labels, t: CTX.timeMs, v })),
});
const scalar = (v: number): Value => ({ kind: "scalar", t: 0, v });
const str = (v: string): Value => ({ kind: "string", t: 0, v });

function call(fn: string, args: Value[], argExprLabels?: Array<Record<string, string>>): Value {
  return PROM_FUNCTIONS.get(fn)!.call(args, CTX, argExprLabels);
}
function values(v: Value): number[] {
  assert.equal(v.kind, "vector");
  return v.kind === "vector" ? v.samples.map((s) => s.v) : [];
}
function samples(v: Value): Sample[] {
  return v.kind === "vector" ? v.samples : [];
}

describe("element-wise math", () => {
  const cases = [
    { name: "abs", input: { fn: "abs", x: -2.5 }, want: 2.5 },
    { name: "ceil", input: { fn: "ceil", x: 1.2 }, want: 2 },
    { name: "floor", input: { fn: "floor", x: -1.2 }, want: -2 },
    { name: "sqrt", input: { fn: "sqrt", x: 16 }, want: 4 },
    { name: "ln of e", input: { fn: "ln", x: Math.E }, want: 1 },
    { name: "log2 exact for powers of two", input: { fn: "log2", x: 1024 }, want: 10 },
    { name: "log10 as Go computes it", input: { fn: "log10", x: 1000 }, want: 3 },
    { name: "log2 as Go computes it", input: { fn: "log2", x: 10 }, want: 3.321928094887362 },
    { name: "sgn negative", input: { fn: "sgn", x: -3 }, want: -1 },
    { name: "sgn keeps -0", input: { fn: "sgn", x: -0 }, want: -0 },
    { name: "deg", input: { fn: "deg", x: Math.PI }, want: 180 },
    { name: "rad", input: { fn: "rad", x: 180 }, want: Math.PI },
    { name: "exp(0)", input: { fn: "exp", x: 0 }, want: 1 },
    { name: "ln of a negative is NaN", input: { fn: "ln", x: -1 }, want: NaN },
  ];
  for (const { name, input, want } of cases) {
    it(name, () => assert.deepEqual(values(call(input.fn, [vec([{}, input.x])])), [want]));
  }
  it("drops the metric name", () => {
    assert.deepEqual(samples(call("abs", [vec([{ __name__: "m", a: "b" }, -1])]))[0]!.labels, { a: "b" });
  });
});

describe("clamp and round", () => {
  const input = vec([{ i: "1" }, -5], [{ i: "2" }, 0.5], [{ i: "3" }, 5], [{ i: "4" }, NaN]);
  it("clamp bounds values and keeps NaN", () =>
    assert.deepEqual(values(call("clamp", [input, scalar(-1), scalar(1)])), [-1, 0.5, 1, NaN]));
  it("clamp with min > max returns nothing", () =>
    assert.deepEqual(values(call("clamp", [input, scalar(2), scalar(1)])), []));
  it("clamp_min", () => assert.deepEqual(values(call("clamp_min", [input, scalar(0)])), [0, 0.5, 5, NaN]));
  it("clamp_max", () => assert.deepEqual(values(call("clamp_max", [input, scalar(0)])), [-5, 0, 0, NaN]));
  it("round ties go up", () => assert.deepEqual(values(call("round", [vec([{}, 2.5], [{ a: "" }, -2.5])])), [3, -2]));
  it("round to a multiple", () => assert.deepEqual(values(call("round", [vec([{}, 7.3]), scalar(5)])), [5]));
  it("round to a fraction", () => assert.deepEqual(values(call("round", [vec([{}, 1.26]), scalar(0.1)])), [1.3]));
});

describe("vector, scalar, time, pi, timestamp, absent", () => {
  it("vector wraps a scalar without labels", () => {
    assert.deepEqual(call("vector", [scalar(3)]), { kind: "vector", samples: [{ labels: {}, t: CTX.timeMs, v: 3 }] });
  });
  it("scalar of one sample is its value, otherwise NaN", () => {
    assert.deepEqual(call("scalar", [vec([{}, 4])]), { kind: "scalar", t: CTX.timeMs, v: 4 });
    assert.ok(Number.isNaN((call("scalar", [vec([{}, 4], [{ a: "b" }, 5])]) as { v: number }).v));
    assert.ok(Number.isNaN((call("scalar", [vec()]) as { v: number }).v));
  });
  it("time is the step time in seconds", () =>
    assert.deepEqual(call("time", []), { kind: "scalar", t: CTX.timeMs, v: 1_700_000_000.5 }));
  it("pi", () => assert.equal((call("pi", []) as { v: number }).v, Math.PI));
  it("timestamp reports each sample's own time", () => {
    const input: Value = { kind: "vector", samples: [{ labels: { __name__: "m" }, t: 12_345, v: 1 }] };
    assert.deepEqual(samples(call("timestamp", [input])), [{ labels: {}, t: CTX.timeMs, v: 12.345 }]);
  });
  it("absent is 1 with the equality-matcher labels when the vector is empty", () => {
    assert.deepEqual(samples(call("absent", [vec()], [{ __name__: "up", job: "x" }])), [
      { labels: { job: "x" }, t: CTX.timeMs, v: 1 },
    ]);
    assert.deepEqual(samples(call("absent", [vec()])), [{ labels: {}, t: CTX.timeMs, v: 1 }]);
    assert.deepEqual(samples(call("absent", [vec([{}, 1])], [{ job: "x" }])), []);
  });
});

describe("sort", () => {
  const input = vec([{ i: "a" }, 3], [{ i: "b" }, NaN], [{ i: "c" }, -1], [{ i: "d" }, 2]);
  it("sort ascends with NaN last", () => assert.deepEqual(values(call("sort", [input])), [-1, 2, 3, NaN]));
  it("sort_desc descends with NaN last", () => assert.deepEqual(values(call("sort_desc", [input])), [3, 2, -1, NaN]));
  it("does not reorder its input", () => assert.deepEqual(values(input), [3, NaN, -1, 2]));
});

describe("date functions", () => {
  // 1700000000 = 2023-11-14T22:13:20Z (Tuesday); 951782400 = 2000-02-29; -86400 = 1969-12-31 (Wednesday).
  const cases = [
    { name: "2023-11-14T22:13:20Z", input: 1_700_000_000, want: [2023, 11, 14, 2, 318, 30, 22, 13] },
    { name: "leap day 2000-02-29", input: 951_782_400, want: [2000, 2, 29, 2, 60, 29, 0, 0] },
    { name: "1969-12-31 (negative seconds)", input: -86_400, want: [1969, 12, 31, 3, 365, 31, 0, 0] },
    { name: "fractional seconds truncate", input: 59.9, want: [1970, 1, 1, 4, 1, 31, 0, 0] },
    { name: "end of 2099", input: 4_102_444_799, want: [2099, 12, 31, 4, 365, 31, 23, 59] },
    { name: "year 317,000 beyond JavaScript Date", input: 1e13, want: [318857, 5, 20, 0, 140, 31, 17, 46] },
    { name: "NaN as Go on amd64 (minimum int64 seconds)", input: NaN, want: [292277026596, 12, 4, 0, 339, 31, 15, 30] },
  ];
  const fns = ["year", "month", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute"];
  for (const { name, input, want } of cases) {
    it(name, () => {
      assert.deepEqual(
        fns.map((fn) => values(call(fn, [vec([{ __name__: "ts" }, input])]))[0]),
        want,
      );
    });
  }
  it("defaults to the step time", () => {
    assert.deepEqual(samples(call("hour", [])), [{ labels: {}, t: CTX.timeMs, v: 22 }]);
  });
});

describe("histogram_quantile", () => {
  const buckets = (le: string, v: number, extra: Labels = {}): [Labels, number] => [
    { __name__: "h_bucket", le, ...extra },
    v,
  ];
  const h = vec(buckets("2", 20), buckets("+Inf", 20), buckets("1", 10));
  const cases = [
    { name: "median at a bucket edge", input: 0.5, want: 1 },
    { name: "interpolates inside a bucket", input: 0.75, want: 1.5 },
    { name: "q = 1 is the highest finite bound", input: 1, want: 2 },
    { name: "q < 0 is -Inf", input: -0.1, want: -Infinity },
    { name: "q > 1 is +Inf", input: 1.1, want: Infinity },
    { name: "q NaN is NaN", input: NaN, want: NaN },
  ];
  for (const { name, input, want } of cases)
    it(name, () => assert.deepEqual(values(call("histogram_quantile", [scalar(input), h])), [want]));
  it("groups by every label but le and drops the name", () => {
    const two = vec(
      buckets("1", 1, { j: "a" }),
      buckets("+Inf", 2, { j: "a" }),
      buckets("1", 0, { j: "b" }),
      buckets("+Inf", 4, { j: "b" }),
    );
    const out = samples(call("histogram_quantile", [scalar(0.5), two]));
    assert.deepEqual(
      out.map((s) => [s.labels, s.v]),
      [
        [{ j: "a" }, 1],
        [{ j: "b" }, 1],
      ],
    );
  });
  it("needs a +Inf bucket", () =>
    assert.deepEqual(values(call("histogram_quantile", [scalar(0.5), vec(buckets("1", 1), buckets("2", 2))])), [NaN]));
  it("forces monotonic counts", () => {
    // Counts 5, 3, 8 become 5, 5, 8: rank 4 falls in the first bucket.
    assert.deepEqual(
      values(call("histogram_quantile", [scalar(0.5), vec(buckets("1", 5), buckets("2", 3), buckets("+Inf", 8))])),
      [0.8],
    );
  });
  it("merges buckets whose le parse to the same bound", () => {
    assert.deepEqual(
      values(call("histogram_quantile", [scalar(0.5), vec(buckets("1", 1), buckets("1.0", 1), buckets("+Inf", 4))])),
      [1],
    );
  });
  it("skips samples whose le does not parse", () => {
    assert.deepEqual(values(call("histogram_quantile", [scalar(0.5), vec(buckets("x", 1), buckets("1e400", 1))])), []);
  });
  it("a first bucket with a non-positive bound is returned as is", () => {
    assert.deepEqual(
      values(call("histogram_quantile", [scalar(0.1), vec(buckets("-1", 2), buckets("+Inf", 4))])),
      [-1],
    );
  });
  it("zero observations give NaN", () => {
    assert.deepEqual(values(call("histogram_quantile", [scalar(0.5), vec(buckets("1", 0), buckets("+Inf", 0))])), [
      NaN,
    ]);
  });
});

describe("label_join", () => {
  it("joins source values with the separator, missing labels as empty", () => {
    const out = samples(
      call("label_join", [vec([{ a: "x", b: "y" }, 1]), str("d"), str("-"), str("a"), str("missing"), str("b")]),
    );
    assert.deepEqual(out[0]!.labels, { a: "x", b: "y", d: "x--y" });
  });
  it("an empty join deletes the destination", () => {
    assert.deepEqual(samples(call("label_join", [vec([{ a: "x" }, 1]), str("a"), str(",")]))[0]!.labels, {});
  });
  it("rejects an empty destination name", () => {
    assert.throws(
      () => call("label_join", [vec(), str(""), str(","), str("a")]),
      (e: { code?: string }) => e.code === "PROMQL_EXEC_BAD_LABEL_NAME",
    );
  });
});

describe("sort_by_label", () => {
  const input = vec(
    [{ n: "a10" }, 1],
    [{ n: "a2" }, 2],
    [{ n: "a1", x: "2" }, 3],
    [{ n: "a1", x: "1" }, 4],
    [{ n: "b" }, 5],
  );
  it("sorts naturally, then by the whole label set", () => {
    assert.deepEqual(values(call("sort_by_label", [input, str("n")])), [4, 3, 2, 1, 5]);
  });
  it("sort_by_label_desc reverses", () => {
    assert.deepEqual(values(call("sort_by_label_desc", [input, str("n")])), [5, 1, 2, 3, 4]);
  });
});
