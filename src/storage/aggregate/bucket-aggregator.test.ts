import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { BucketAggregator } from "./index.ts";
import type { AggregateFn, AggValue } from "./index.ts";

/** One run: bucket, partition, offsets and values of one series (time-sorted). */
interface Run {
  b: number;
  p: number;
  offs: number[];
  vals: number[] | bigint[] | string[];
}

interface Case {
  name: string;
  input: { fn: AggregateFn; type: FieldType; buckets: number; runs: Run[]; pct?: number; big?: "i64" | "u64" };
  /** Value per bucket; `time` per bucket for selectors ([p, off] or null for none). */
  want: { values: AggValue[]; times?: ([number, number] | null)[]; empty?: boolean[] };
}

function column(run: Run, type: FieldType, big: "i64" | "u64" | undefined): ColumnValues {
  if (type === FieldType.String) return run.vals as string[];
  if (big === "i64") return BigInt64Array.from(run.vals as bigint[]);
  if (big === "u64") return BigUint64Array.from(run.vals as bigint[]);
  return Float64Array.from(run.vals as number[]);
}

function build(input: Case["input"]): BucketAggregator {
  const agg = new BucketAggregator(input.fn, input.type, input.buckets, input.pct);
  for (const run of input.runs) {
    const vals = column(run, input.type, input.big);
    agg.addRun(run.b, run.p, Float64Array.from(run.offs), vals, 0, run.offs.length);
  }
  return agg;
}

function check(c: Case): void {
  const agg = build(c.input);
  const got = Array.from({ length: c.input.buckets }, (_, b) => agg.value(b));
  // Object.is through deepEqual distinguishes -0 from +0, and bigint from number.
  assert.deepEqual(got, c.want.values);
  for (let b = 0; b < c.input.buckets; b++) assert.ok(Object.is(got[b], c.want.values[b]), `bucket ${b} sign/kind`);
  if (c.want.times !== undefined) {
    const out = new Float64Array(2);
    const times = Array.from({ length: c.input.buckets }, (_, b) =>
      agg.pointTime(b, out) ? ([out[0], out[1]] as [number, number]) : null,
    );
    assert.deepEqual(times, c.want.times);
  }
  if (c.want.empty !== undefined) {
    assert.deepEqual(
      Array.from({ length: c.input.buckets }, (_, b) => agg.isEmpty(b)),
      c.want.empty,
    );
  }
}

const F = FieldType.Float;
const I = FieldType.Int;
const U = FieldType.Uint;
const B = FieldType.Bool;
const S = FieldType.String;
const run = (b: number, p: number, offs: number[], vals: Run["vals"]): Run => ({ b, p, offs, vals });
const P63 = 2n ** 63n;
const P64 = 2n ** 64n;

void describe("BucketAggregator count", () => {
  const cases: Case[] = [
    {
      name: "counts points of several runs, 0 for an empty bucket",
      input: {
        fn: "count",
        type: F,
        buckets: 3,
        runs: [run(0, 0, [1, 2], [5, 6]), run(0, 1, [0], [7]), run(2, 0, [9], [1])],
      },
      want: { values: [3, 0, 1], empty: [false, true, false] },
    },
    {
      name: "counts strings",
      input: { fn: "count", type: S, buckets: 1, runs: [run(0, 0, [1, 2, 3], ["a", "b", "c"])] },
      want: { values: [3] },
    },
    {
      name: "counts bigint integers",
      input: { fn: "count", type: I, big: "i64", buckets: 1, runs: [run(0, 0, [1, 2], [P63 - 1n, -P63])] },
      want: { values: [2] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));
});

void describe("BucketAggregator sum", () => {
  const cases: Case[] = [
    {
      name: "sums floats, null for an empty bucket",
      input: { fn: "sum", type: F, buckets: 2, runs: [run(0, 0, [1, 2], [1.5, 2.5]), run(0, 3, [0], [-1])] },
      want: { values: [3, null] },
    },
    {
      name: "keeps -0 for a bucket of -0 values",
      input: { fn: "sum", type: F, buckets: 1, runs: [run(0, 0, [1, 2], [-0, -0])] },
      want: { values: [-0] },
    },
    {
      name: "a NaN makes the float sum null",
      input: { fn: "sum", type: F, buckets: 1, runs: [run(0, 0, [1, 2], [1, NaN])] },
      want: { values: [null], empty: [false] },
    },
    {
      name: "sums negative integers as integers",
      input: { fn: "sum", type: I, buckets: 1, runs: [run(0, 0, [1, 2, 3], [-5, 3, -7])] },
      want: { values: [-9] },
    },
    {
      name: "stays exact when safe integers sum past 2^53",
      input: {
        fn: "sum",
        type: I,
        buckets: 2,
        runs: [run(0, 0, [1, 2], [2 ** 53 - 1, 2]), run(1, 0, [1, 2, 3], [2 ** 53 - 1, 2 ** 53 - 1, -(2 ** 53 - 1)])],
      },
      want: { values: [2n ** 53n + 1n, 2 ** 53 - 1] },
    },
    {
      name: "sums integers beyond 2^53 from a BigInt64Array exactly",
      input: { fn: "sum", type: I, big: "i64", buckets: 1, runs: [run(0, 0, [1, 2], [2n ** 60n + 1n, 2n ** 60n])] },
      want: { values: [2n ** 61n + 1n] },
    },
    {
      name: "wraps an int64 sum on overflow as Go does",
      input: { fn: "sum", type: I, big: "i64", buckets: 1, runs: [run(0, 0, [1, 2], [P63 - 1n, 2n])] },
      want: { values: [-P63 + 1n] },
    },
    {
      name: "wraps a uint64 sum on overflow",
      input: { fn: "sum", type: U, big: "u64", buckets: 1, runs: [run(0, 0, [1, 2], [P64 - 1n, 3n])] },
      want: { values: [2] },
    },
    {
      name: "mixes number and bigint runs of one integer field",
      input: {
        fn: "sum",
        type: I,
        big: "i64",
        buckets: 1,
        runs: [run(0, 0, [1], [2n ** 62n]), run(0, 1, [1], [-(2n ** 62n) + 5n])],
      },
      want: { values: [5] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));

  void it("adds a number run to a bigint sum exactly", () => {
    const agg = new BucketAggregator("sum", I, 1);
    agg.addRun(0, 0, Float64Array.of(1), BigInt64Array.of(2n ** 62n + 1n), 0, 1);
    agg.addRun(0, 1, Float64Array.of(1, 2), Float64Array.of(-3, 2 ** 52), 0, 2);
    assert.equal(agg.value(0), 2n ** 62n + 2n ** 52n - 2n);
  });
});

void describe("BucketAggregator mean", () => {
  const cases: Case[] = [
    {
      name: "averages floats",
      input: { fn: "mean", type: F, buckets: 2, runs: [run(0, 0, [1, 2], [1, 2]), run(0, 1, [1, 2], [3, 4])] },
      want: { values: [2.5, null] },
    },
    {
      name: "a mean of -0 is +0, as Go's sum starts from 0",
      input: { fn: "mean", type: F, buckets: 1, runs: [run(0, 0, [1], [-0])] },
      want: { values: [0] },
    },
    {
      name: "averages integers to a float",
      input: { fn: "mean", type: I, buckets: 1, runs: [run(0, 0, [1, 2], [1, 2])] },
      want: { values: [1.5] },
    },
    {
      name: "averages the wrapped int64 sum, as InfluxDB's IntegerMeanReducer does",
      input: { fn: "mean", type: I, big: "i64", buckets: 1, runs: [run(0, 0, [1, 2], [2n ** 62n, 2n ** 62n])] },
      want: { values: [-(2 ** 63) / 2] },
    },
    {
      name: "averages unsigned beyond 2^53",
      input: { fn: "mean", type: U, big: "u64", buckets: 1, runs: [run(0, 0, [1, 2], [2n ** 60n, 2n ** 60n + 2n])] },
      want: { values: [Number(2n ** 61n + 2n) / 2] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));
});

void describe("BucketAggregator min and max", () => {
  const cases: Case[] = [
    {
      name: "min keeps the earliest time among equal values across series",
      input: {
        fn: "min",
        type: F,
        buckets: 2,
        runs: [run(0, 0, [10, 20], [1, 5]), run(0, 0, [5, 6], [3, 1]), run(0, -1, [99], [2])],
      },
      want: { values: [1, null], times: [[0, 6], null] },
    },
    {
      name: "max picks the earliest partition on a tie",
      input: {
        fn: "max",
        type: F,
        buckets: 1,
        runs: [run(0, 2, [0], [9]), run(0, -1, [500], [9]), run(0, 0, [1], [8])],
      },
      want: { values: [9], times: [[-1, 500]] },
    },
    {
      name: "min ignores NaN",
      input: { fn: "min", type: F, buckets: 1, runs: [run(0, 0, [1, 2, 3], [NaN, 3, 1]), run(0, 0, [0], [NaN])] },
      want: { values: [1], times: [[0, 3]] },
    },
    {
      name: "max of only NaN is null but not empty",
      input: { fn: "max", type: F, buckets: 1, runs: [run(0, 0, [4, 5], [NaN, NaN]), run(0, 0, [2], [NaN])] },
      want: { values: [null], times: [[0, 2]], empty: [false] },
    },
    {
      name: "-0 and +0 tie; the earliest wins",
      input: { fn: "min", type: F, buckets: 1, runs: [run(0, 0, [1], [0]), run(0, 0, [0], [-0])] },
      want: { values: [-0], times: [[0, 0]] },
    },
    {
      name: "min of negative integers",
      input: { fn: "min", type: I, buckets: 1, runs: [run(0, 0, [1, 2, 3], [-1, -9, -9])] },
      want: { values: [-9], times: [[0, 2]] },
    },
    {
      name: "min of int64 beyond 2^53 is exact",
      input: {
        fn: "min",
        type: I,
        big: "i64",
        buckets: 1,
        runs: [run(0, 0, [1, 2], [-(2n ** 60n), -(2n ** 60n) - 1n]), run(0, 1, [0], [-P63])],
      },
      want: { values: [-P63], times: [[1, 0]] },
    },
    {
      name: "max of uint64 tells apart values one apart beyond 2^53",
      input: {
        fn: "max",
        type: U,
        big: "u64",
        buckets: 1,
        runs: [run(0, 0, [1, 2], [P64 - 2n, P64 - 1n]), run(0, 0, [0], [P64 - 3n])],
      },
      want: { values: [P64 - 1n], times: [[0, 2]] },
    },
    {
      name: "max of booleans is true at its first time",
      input: { fn: "max", type: B, buckets: 1, runs: [run(0, 0, [1, 2, 3], [0, 1, 1])] },
      want: { values: [true], times: [[0, 2]] },
    },
    {
      name: "min of booleans is false",
      input: { fn: "min", type: B, buckets: 2, runs: [run(0, 0, [1, 2], [1, 0]), run(1, 0, [1], [1])] },
      want: {
        values: [false, true],
        times: [
          [0, 2],
          [0, 1],
        ],
      },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));
});

void describe("BucketAggregator first and last", () => {
  const cases: Case[] = [
    {
      name: "first and last by time across series and partitions",
      input: {
        fn: "first",
        type: F,
        buckets: 1,
        runs: [run(0, 0, [5, 9], [1, 2]), run(0, -1, [100], [3]), run(0, 0, [1], [4])],
      },
      want: { values: [3], times: [[-1, 100]] },
    },
    {
      name: "last by time",
      input: {
        fn: "last",
        type: F,
        buckets: 1,
        runs: [run(0, 0, [5, 9], [1, 2]), run(0, -1, [100], [3]), run(0, 1, [0], [4])],
      },
      want: { values: [4], times: [[1, 0]] },
    },
    {
      name: "first at equal times takes the greater value, as InfluxDB does",
      input: {
        fn: "first",
        type: F,
        buckets: 1,
        runs: [run(0, 0, [1, 2], [1, 0]), run(0, 0, [1], [7]), run(0, 0, [1], [3])],
      },
      want: { values: [7], times: [[0, 1]] },
    },
    {
      name: "last at equal times takes the greater integer",
      input: { fn: "last", type: I, buckets: 1, runs: [run(0, 0, [1, 2], [1, -4]), run(0, 0, [2], [-2])] },
      want: { values: [-2], times: [[0, 2]] },
    },
    {
      name: "boolean first at equal times prefers false",
      input: { fn: "first", type: B, buckets: 1, runs: [run(0, 0, [1], [1]), run(0, 0, [1], [0])] },
      want: { values: [false] },
    },
    {
      name: "boolean last at equal times prefers true",
      input: { fn: "last", type: B, buckets: 1, runs: [run(0, 0, [1], [1]), run(0, 0, [1], [0])] },
      want: { values: [true] },
    },
    {
      name: "string first and ties on the greater string",
      input: {
        fn: "first",
        type: S,
        buckets: 2,
        runs: [run(0, 0, [3, 4], ["x", "y"]), run(0, 0, [3], ["z"]), run(0, 0, [3], ["a"])],
      },
      want: { values: ["z", null], times: [[0, 3], null] },
    },
    {
      name: "string last",
      input: { fn: "last", type: S, buckets: 1, runs: [run(0, 0, [3, 4], ["x", "y"]), run(0, -5, [9], ["q"])] },
      want: { values: ["y"], times: [[0, 4]] },
    },
    {
      name: "first of int64 beyond 2^53",
      input: {
        fn: "first",
        type: I,
        big: "i64",
        buckets: 1,
        runs: [run(0, 0, [3, 4], [P63 - 1n, 1n]), run(0, 0, [3], [P63 - 2n])],
      },
      want: { values: [P63 - 1n] },
    },
    {
      name: "first of NaN is null",
      input: { fn: "first", type: F, buckets: 1, runs: [run(0, 0, [3, 4], [NaN, 1])] },
      want: { values: [null], empty: [false] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));
});

void describe("BucketAggregator stddev and spread", () => {
  const cases: Case[] = [
    {
      name: "sample standard deviation (n − 1)",
      input: {
        fn: "stddev",
        type: F,
        buckets: 1,
        runs: [run(0, 0, [1, 2, 3, 4], [2, 4, 4, 4]), run(0, 1, [1, 2, 3, 4], [5, 5, 7, 9])],
      },
      want: { values: [2.138089935299395] },
    },
    {
      name: "stddev of one point is null but not empty",
      input: { fn: "stddev", type: F, buckets: 2, runs: [run(0, 0, [1], [5])] },
      want: { values: [null, null], empty: [false, true] },
    },
    {
      name: "stddev skips NaN",
      input: { fn: "stddev", type: F, buckets: 1, runs: [run(0, 0, [1, 2, 3], [1, NaN, 3])] },
      want: { values: [Math.SQRT2] },
    },
    {
      name: "stddev of integers",
      input: { fn: "stddev", type: I, buckets: 1, runs: [run(0, 0, [1, 2], [-1, 1])] },
      want: { values: [Math.SQRT2] },
    },
    {
      name: "float spread",
      input: { fn: "spread", type: F, buckets: 2, runs: [run(0, 0, [1, 2], [3, -1]), run(0, 1, [1], [7])] },
      want: { values: [8, null] },
    },
    {
      name: "spread of one point is 0",
      input: { fn: "spread", type: I, buckets: 1, runs: [run(0, 0, [1], [-42])] },
      want: { values: [0] },
    },
    {
      name: "a NaN makes a float spread null",
      input: { fn: "spread", type: F, buckets: 1, runs: [run(0, 0, [1, 2], [1, NaN])] },
      want: { values: [null] },
    },
    {
      name: "integer spread beyond 2^53 is a bigint",
      input: { fn: "spread", type: I, buckets: 1, runs: [run(0, 0, [1, 2], [-(2 ** 53 - 1), 2 ** 53 - 1])] },
      want: { values: [2n ** 54n - 2n] },
    },
    {
      name: "int64 spread wraps like Go",
      input: { fn: "spread", type: I, big: "i64", buckets: 1, runs: [run(0, 0, [1, 2], [-P63, P63 - 1n])] },
      want: { values: [-1] },
    },
    {
      name: "uint64 spread does not wrap",
      input: { fn: "spread", type: U, big: "u64", buckets: 1, runs: [run(0, 0, [1, 2], [0n, P64 - 1n])] },
      want: { values: [P64 - 1n] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));
});

void describe("BucketAggregator median and percentile", () => {
  const ten = Array.from({ length: 10 }, (_, i) => i + 1);
  const cases: Case[] = [
    {
      name: "median of an odd count is the middle value",
      input: { fn: "median", type: F, buckets: 2, runs: [run(0, 0, [1, 2], [5, 1]), run(0, 1, [1], [3])] },
      want: { values: [3, null] },
    },
    {
      name: "median of an even count averages the middle two",
      input: { fn: "median", type: F, buckets: 1, runs: [run(0, 0, [1, 2, 3, 4], [4, 1, 3, 2])] },
      want: { values: [2.5] },
    },
    {
      name: "median of one point",
      input: { fn: "median", type: F, buckets: 1, runs: [run(0, 0, [1], [Infinity])] },
      want: { values: [Infinity] },
    },
    {
      name: "median of integers is a float",
      input: { fn: "median", type: I, buckets: 1, runs: [run(0, 0, [1, 2], [1, 2]), run(0, 0, [0], [-7])] },
      want: { values: [1] },
    },
    {
      name: "median of two int64 at the extremes uses Go's wrapping subtraction",
      input: { fn: "median", type: I, big: "i64", buckets: 1, runs: [run(0, 0, [1, 2], [-P63, P63 - 1n])] },
      want: { values: [-(2 ** 63) + -1 / 2] },
    },
    {
      name: "percentile 50 of 1..10 is 5 (nearest rank)",
      input: {
        fn: "percentile",
        type: F,
        pct: 50,
        buckets: 1,
        runs: [
          run(
            0,
            0,
            ten.map((i) => i * 10),
            ten.slice().reverse(),
          ),
        ],
      },
      want: { values: [5], times: [[0, 60]] },
    },
    {
      name: "percentile 90 and ties resolve to the earliest point",
      input: {
        fn: "percentile",
        type: F,
        pct: 90,
        buckets: 1,
        runs: [
          run(
            0,
            0,
            ten,
            ten.map((i) => (i > 8 ? 9 : i)),
          ),
        ],
      },
      want: { values: [9], times: [[0, 9]] },
    },
    {
      name: "percentile 0 selects no point, so the bucket is empty",
      input: { fn: "percentile", type: F, pct: 0, buckets: 1, runs: [run(0, 0, ten, ten)] },
      want: { values: [null], times: [null], empty: [true] },
    },
    {
      name: "percentile above 100 selects no point",
      input: { fn: "percentile", type: F, pct: 150, buckets: 1, runs: [run(0, 0, [1, 2], [1, 2])] },
      want: { values: [null], empty: [true] },
    },
    {
      name: "percentile of integers keeps the integer type, exactly beyond 2^53",
      input: {
        fn: "percentile",
        type: I,
        big: "i64",
        pct: 100,
        buckets: 1,
        runs: [run(0, 0, [1, 2], [2n ** 60n + 1n, 2n ** 60n]), run(0, 1, [0], [3n])],
      },
      want: { values: [2n ** 60n + 1n], times: [[0, 1]] },
    },
    {
      name: "percentile of unsigned",
      input: { fn: "percentile", type: U, pct: 50, buckets: 1, runs: [run(0, 0, [1, 2, 3], [3, 1, 2])] },
      want: { values: [2], times: [[0, 3]] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));

  void it("keeps earlier values when a value beyond 2^53 switches the store to exact remainders", () => {
    const agg = new BucketAggregator("percentile", I, 2, 100);
    agg.addRun(0, 0, Float64Array.of(1, 2), Float64Array.of(5, -3), 0, 2);
    agg.addRun(1, 0, Float64Array.of(1), Float64Array.of(7), 0, 1);
    agg.addRun(0, 1, Float64Array.of(0), BigInt64Array.of(2n ** 60n + 1n), 0, 1);
    agg.addRun(1, 1, Float64Array.of(0), BigInt64Array.of(-(2n ** 60n) - 1n), 0, 1);
    const out = new Float64Array(2);
    assert.deepEqual([agg.value(0), agg.value(1)], [2n ** 60n + 1n, 7]);
    assert.ok(agg.pointTime(1, out));
    assert.deepEqual([...out], [0, 1]);
    const med = new BucketAggregator("median", I, 1);
    med.addRun(0, 0, Float64Array.of(1, 2), Float64Array.of(4, 1), 0, 2);
    med.addRun(0, 0, Float64Array.of(3), BigInt64Array.of(2n ** 62n + 1n), 0, 1);
    assert.equal(med.value(0), 4);
    med.addRun(0, 0, Float64Array.of(4), BigInt64Array.of(2n ** 62n + 3n), 0, 1);
    assert.equal(med.value(0), 4 + (2 ** 62 - 4) / 2);
  });

  void it("median over many runs and duplicates matches a sort", () => {
    const agg = new BucketAggregator("median", F, 1);
    const all: number[] = [];
    for (let r = 0; r < 50; r++) {
      const vals = Array.from({ length: 37 }, (_, i) => ((i * 7919 + r * 104729) % 23) - 11);
      all.push(...vals);
      agg.addRun(
        0,
        r,
        Float64Array.from(vals, (_, i) => i),
        Float64Array.from(vals),
        0,
        vals.length,
      );
    }
    all.sort((a, b) => a - b);
    const lo = all[all.length / 2 - 1];
    assert.equal(agg.value(0), lo + (all[all.length / 2] - lo) / 2);
    // A later run invalidates the cached selection.
    agg.addRun(0, 99, Float64Array.of(0), Float64Array.of(1000), 0, 1);
    assert.equal(agg.value(0), all[(all.length + 1) / 2 - 0.5]);
  });
});

void describe("BucketAggregator contract", () => {
  void it("rejects unsupported function and type pairs", () => {
    const bad: [AggregateFn, FieldType][] = [
      ["sum", S],
      ["sum", B],
      ["mean", B],
      ["max", S],
      ["min", S],
      ["stddev", B],
      ["spread", S],
      ["median", S],
      ["percentile", B],
    ];
    for (const [fn, type] of bad) {
      assert.throws(() => new BucketAggregator(fn, type, 1, 50), { code: "QUERY_BAD_AGGREGATE" }, `${fn} ${type}`);
    }
  });

  void it("rejects a missing or non-finite percentile and an unknown function", () => {
    assert.throws(() => new BucketAggregator("percentile", F, 1), { code: "QUERY_BAD_AGGREGATE" });
    assert.throws(() => new BucketAggregator("percentile", F, 1, NaN), { code: "QUERY_BAD_AGGREGATE" });
    assert.throws(() => new BucketAggregator("percentile", F, 1, Infinity), { code: "QUERY_BAD_AGGREGATE" });
    assert.throws(() => new BucketAggregator("mode" as AggregateFn, F, 1), { code: "QUERY_BAD_AGGREGATE" });
  });

  void it("accepts booleans for min, max, first, last and count", () => {
    for (const fn of ["min", "max", "first", "last", "count"] as const) new BucketAggregator(fn, B, 1);
  });

  void it("pointTime is false for non-selectors", () => {
    const agg = new BucketAggregator("sum", F, 1);
    agg.addRun(0, 0, Float64Array.of(1), Float64Array.of(1), 0, 1);
    assert.equal(agg.pointTime(0, new Float64Array(2)), false);
  });

  void it("guards the bucket index and the value array kind", () => {
    const agg = new BucketAggregator("sum", F, 2);
    assert.throws(() => agg.addRun(2, 0, Float64Array.of(1), Float64Array.of(1), 0, 1), { code: "INTERNAL_ASSERT" });
    assert.throws(() => agg.addRun(0, 0, Float64Array.of(1), ["x"], 0, 1), { code: "INTERNAL_ASSERT" });
    const ints = new BucketAggregator("sum", I, 1);
    assert.throws(() => ints.addRun(0, 0, Float64Array.of(1), BigUint64Array.of(1n), 0, 1), {
      code: "INTERNAL_ASSERT",
    });
  });

  void it("reads only [start, end) of the arrays", () => {
    const agg = new BucketAggregator("sum", F, 1);
    agg.addRun(0, 0, Float64Array.of(1, 2, 3, 4), Float64Array.of(100, 1, 2, 100), 1, 3);
    assert.equal(agg.value(0), 3);
    const big = new BucketAggregator("max", I, 1);
    big.addRun(0, 0, Float64Array.of(1, 2, 3, 4), BigInt64Array.of(P63 - 1n, 2n ** 60n, 5n, P63 - 1n), 1, 3);
    assert.equal(big.value(0), 2n ** 60n);
    const out = new Float64Array(2);
    assert.ok(big.pointTime(0, out));
    assert.deepEqual([...out], [0, 2]);
  });

  void it("reset empties and resizes", () => {
    const agg = new BucketAggregator("median", F, 1);
    agg.addRun(0, 0, Float64Array.of(1), Float64Array.of(4), 0, 1);
    agg.reset(3);
    assert.equal(agg.bucketCount, 3);
    assert.deepEqual([agg.value(0), agg.value(2)], [null, null]);
    agg.addRun(2, 0, Float64Array.of(1), Float64Array.of(8), 0, 1);
    assert.equal(agg.value(2), 8);
  });
});
