import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldType } from "../model/index.ts";
import { BucketAggregator, fillRows } from "./index.ts";
import type { AggregateFn, AggValue, FillPolicy } from "./index.ts";

/** A column spec: function, type and one value per bucket (null = no point in that bucket). */
interface Col {
  fn: AggregateFn;
  type: FieldType;
  vals: (number | string | null)[];
  pct?: number;
}

interface Case {
  name: string;
  input: { cols: Col[]; fill: FillPolicy; order?: "asc" | "desc" };
  want: { buckets: number[]; columns: AggValue[][] };
}

/** Feeds each non-null value as one point at bucket b (offset b), or `reps` points for stddev-like tests. */
function agg(col: Col): BucketAggregator {
  const a = new BucketAggregator(col.fn, col.type, col.vals.length, col.pct);
  col.vals.forEach((v, b) => {
    if (v === null) return;
    const values = typeof v === "string" ? [v] : Float64Array.of(v);
    a.addRun(b, 0, Float64Array.of(b), values, 0, 1);
  });
  return a;
}

function check(c: Case): void {
  const got = fillRows(c.input.cols.map(agg), c.input.fill, c.input.order ?? "asc");
  assert.deepEqual(got, c.want);
}

const F = FieldType.Float;
const I = FieldType.Int;
const U = FieldType.Uint;
const S = FieldType.String;
const B = FieldType.Bool;

void describe("fillRows", () => {
  const cases: Case[] = [
    {
      name: "none drops rows where every column is empty and leaves count null elsewhere",
      input: {
        fill: "none",
        cols: [
          { fn: "mean", type: F, vals: [1, null, null, 4] },
          { fn: "count", type: F, vals: [null, null, 7, 4] },
        ],
      },
      want: {
        buckets: [0, 2, 3],
        columns: [
          [1, null, 4],
          [null, 1, 1],
        ],
      },
    },
    {
      name: "null leaves nulls but count reads 0",
      input: {
        fill: "null",
        cols: [
          { fn: "max", type: F, vals: [1, null, 3] },
          { fn: "count", type: F, vals: [1, null, 3] },
        ],
      },
      want: {
        buckets: [0, 1, 2],
        columns: [
          [1, null, 3],
          [1, 0, 1],
        ],
      },
    },
    {
      name: "previous carries the last value forward, null before the first",
      input: { fill: "previous", cols: [{ fn: "last", type: I, vals: [null, 5, null, null, -2, null] }] },
      want: { buckets: [0, 1, 2, 3, 4, 5], columns: [[null, 5, 5, 5, -2, -2]] },
    },
    {
      name: "previous on count carries the previous count, as InfluxDB does",
      input: { fill: "previous", cols: [{ fn: "count", type: F, vals: [null, 3, null] }] },
      want: { buckets: [0, 1, 2], columns: [[null, 1, 1]] },
    },
    {
      name: "previous in desc order carries the later bucket's value back",
      input: { fill: "previous", order: "desc", cols: [{ fn: "first", type: S, vals: ["a", null, "c", null] }] },
      want: { buckets: [3, 2, 1, 0], columns: [[null, "c", "c", "a"]] },
    },
    {
      name: "linear interpolates floats between neighbours without extrapolating",
      input: { fill: "linear", cols: [{ fn: "mean", type: F, vals: [null, 1, null, null, 4, null] }] },
      want: { buckets: [0, 1, 2, 3, 4, 5], columns: [[null, 1, 2, 3, 4, null]] },
    },
    {
      name: "linear keeps integers integral, truncating toward zero",
      input: {
        fill: "linear",
        cols: [
          { fn: "sum", type: I, vals: [0, null, 1, null, null, -2] },
          { fn: "max", type: U, vals: [10, null, null, 0, null, 0] },
        ],
      },
      // (0,1): 0.5 → 0; (1,-2) over 3 buckets: 1 − 1 = 0, 1 − 2 = −1; unsigned 10 → 0: 6.67 → 6, 3.33 → 3.
      want: {
        buckets: [0, 1, 2, 3, 4, 5],
        columns: [
          [0, 0, 1, 0, -1, -2],
          [10, 6, 3, 0, 0, 0],
        ],
      },
    },
    {
      name: "linear on count interpolates the counts",
      input: { fill: "linear", cols: [{ fn: "count", type: F, vals: [1, null, null] }] },
      want: { buckets: [0, 1, 2], columns: [[1, null, null]] },
    },
    {
      name: "linear in desc order",
      input: { fill: "linear", order: "desc", cols: [{ fn: "last", type: F, vals: [0, null, null, 3] }] },
      want: { buckets: [3, 2, 1, 0], columns: [[3, 2, 1, 0]] },
    },
    {
      name: "linear leaves strings and booleans null",
      input: {
        fill: "linear",
        cols: [
          { fn: "last", type: S, vals: ["a", null, "b"] },
          { fn: "max", type: B, vals: [1, null, 0] },
        ],
      },
      want: {
        buckets: [0, 1, 2],
        columns: [
          ["a", null, "b"],
          [true, null, false],
        ],
      },
    },
    {
      name: "a value fill is cast to each column's type",
      input: {
        fill: { value: -1.5 },
        cols: [
          { fn: "mean", type: F, vals: [1, null] },
          { fn: "sum", type: I, vals: [1, null] },
          { fn: "sum", type: U, vals: [1, null] },
          { fn: "first", type: S, vals: ["x", null] },
          { fn: "last", type: B, vals: [1, null] },
          { fn: "count", type: S, vals: ["x", null] },
        ],
      },
      want: {
        buckets: [0, 1],
        columns: [
          [1, -1.5],
          [1, -1],
          [1, 2n ** 64n - 1n],
          ["x", ""],
          [true, false],
          [1, -1],
        ],
      },
    },
    {
      name: "no rows at all when every column is empty, even for count",
      input: { fill: "null", cols: [{ fn: "count", type: F, vals: [null, null] }] },
      want: { buckets: [], columns: [[]] },
    },
    {
      name: "a column with no point anywhere reads the scanner default",
      input: {
        fill: { value: 2.5 },
        cols: [
          { fn: "mean", type: F, vals: [1, null] },
          { fn: "sum", type: I, vals: [null, null] },
          { fn: "first", type: S, vals: [null, null] },
          { fn: "count", type: F, vals: [null, null] },
        ],
      },
      want: {
        buckets: [0, 1],
        columns: [
          [1, 2.5],
          [2, 2],
          [2.5, 2.5],
          [2, 2],
        ],
      },
    },
    {
      name: "an all-empty count column is null under fill(null)",
      input: {
        fill: "null",
        cols: [
          { fn: "mean", type: F, vals: [1, null] },
          { fn: "count", type: F, vals: [null, null] },
        ],
      },
      want: {
        buckets: [0, 1],
        columns: [
          [1, null],
          [null, null],
        ],
      },
    },
    {
      name: "a percentile bucket without a nearest rank is filled",
      input: { fill: { value: 0 }, cols: [{ fn: "percentile", type: F, pct: 40, vals: [9, 8] }] },
      // One point: rank floor(0.4 + 0.5) − 1 = −1, so no point in either bucket: no rows.
      want: { buckets: [], columns: [[]] },
    },
    {
      name: "desc reverses rows under fill(null)",
      input: { fill: "null", order: "desc", cols: [{ fn: "sum", type: F, vals: [1, null, 3] }] },
      want: { buckets: [2, 1, 0], columns: [[3, null, 1]] },
    },
  ];
  for (const c of cases) void it(c.name, () => check(c));

  void it("a NaN result is null but not empty: not filled, kept by fill(none), carried by previous", () => {
    const sd = new BucketAggregator("stddev", F, 3);
    sd.addRun(0, 0, Float64Array.of(1), Float64Array.of(5), 0, 1);
    const mean = new BucketAggregator("mean", F, 3);
    mean.addRun(2, 0, Float64Array.of(1), Float64Array.of(5), 0, 1);
    assert.deepEqual(fillRows([sd], { value: 0 }, "asc"), { buckets: [0, 1, 2], columns: [[null, 0, 0]] });
    assert.deepEqual(fillRows([sd, mean], "none", "asc"), {
      buckets: [0, 2],
      columns: [
        [null, null],
        [null, 5],
      ],
    });
    assert.deepEqual(fillRows([sd], "previous", "asc"), { buckets: [0, 1, 2], columns: [[null, null, null]] });
  });

  void it("interpolates bigint neighbours", () => {
    const a = new BucketAggregator("last", I, 3);
    a.addRun(0, 0, Float64Array.of(1), BigInt64Array.of(2n ** 60n), 0, 1);
    a.addRun(2, 0, Float64Array.of(1), BigInt64Array.of(2n ** 60n + 2n ** 20n), 0, 1);
    assert.deepEqual(fillRows([a], "linear", "asc").columns, [
      [2n ** 60n, 2n ** 60n + 2n ** 19n, 2n ** 60n + 2n ** 20n],
    ]);
  });

  void it("rejects a non-finite fill value", () => {
    const a = new BucketAggregator("sum", F, 1);
    assert.throws(() => fillRows([a], { value: NaN }, "asc"), { code: "QUERY_BAD_FILL" });
    assert.throws(() => fillRows([a], { value: Infinity }, "asc"), { code: "QUERY_BAD_FILL" });
  });

  void it("returns nothing for no aggregators", () => {
    assert.deepEqual(fillRows([], "null", "asc"), { buckets: [], columns: [] });
  });
});
