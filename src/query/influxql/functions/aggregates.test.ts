// Hand-checked tables for the aggregates of reduceBucket (values checked against influxd 1.6.7 where noted).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isTsdbError } from "../../../base/index.ts";
import type { FunctionCall, InfluxValue } from "./index.ts";
import { isAggregateFunction, isSelectorFunction, isTransformFunction, reduceBucket } from "./index.ts";

const s = (sec: number): bigint => BigInt(sec) * 1_000_000_000n;
const secs = (n: number): bigint[] => Array.from({ length: n }, (_, i) => s(i + 1));
const call = (name: string, args: Array<number | string> = [], valueType?: FunctionCall["valueType"]): FunctionCall =>
  valueType === undefined ? { name, args } : { name, args, valueType };

interface Case {
  name: string;
  input: { call: FunctionCall; values: InfluxValue[]; times?: bigint[] };
  want: Array<[bigint, InfluxValue]>;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const times = c.input.times ?? secs(c.input.values.length);
      const got = reduceBucket(c.input.call, times, c.input.values, 100n).map((r) => [r.time, r.value]);
      assert.deepEqual(got, c.want);
    });
  }
}

describe("reduceBucket aggregates", () => {
  run([
    {
      name: "count counts non-null values as an integer",
      input: { call: call("count"), values: [1, null, 3] },
      want: [[100n, 2]],
    },
    { name: "count of strings", input: { call: call("count"), values: ["a", "b"] }, want: [[100n, 2]] },
    { name: "sum of floats", input: { call: call("sum"), values: [0.1, 0.2, 0.3] }, want: [[100n, 0.1 + 0.2 + 0.3]] },
    {
      name: "sum of integers wraps as int64 (influxd: -9007199254740993)",
      input: {
        call: call("sum", [], "integer"),
        values: [9223372036854775807n, 9223372036854775806n, -9007199254740993n, 3],
      },
      want: [[100n, -9007199254740993n]],
    },
    {
      name: "sum of safe integers that overflows 2^53 becomes an exact bigint",
      input: { call: call("sum", [], "integer"), values: [9007199254740991, 10] },
      want: [[100n, 9007199254741001n]],
    },
    {
      name: "mean of integers is a float",
      input: { call: call("mean", [], "integer"), values: [1, 2] },
      want: [[100n, 1.5]],
    },
    {
      name: "mean of integers divides the wrapped int64 sum (influxd: -2251799813685248)",
      input: {
        call: call("mean", [], "integer"),
        values: [9223372036854775807n, 9223372036854775806n, -9007199254740993n, 3],
      },
      want: [[100n, -2251799813685248]],
    },
    { name: "median of an odd count", input: { call: call("median"), values: [5, 1, 3] }, want: [[100n, 3]] },
    {
      name: "median of an even count averages the middle",
      input: { call: call("median"), values: [4, 1, 3, 2] },
      want: [[100n, 2.5]],
    },
    {
      name: "median of integers uses int64 hi − lo (influxd: 4611686018427388000)",
      input: {
        call: call("median", [], "integer"),
        values: [9223372036854775807n, 9223372036854775806n, -9007199254740993n, 3],
      },
      want: [[100n, 4611686018427388000]],
    },
    {
      name: "mode picks the most frequent value",
      input: { call: call("mode"), values: [1, 2, 2, 3] },
      want: [[100n, 2]],
    },
    {
      name: "mode ties follow influxd's run scan (5,3,5,1,3,1 → 5)",
      input: { call: call("mode"), values: [5, 3, 5, 1, 3, 1] },
      want: [[100n, 5]],
    },
    {
      name: "mode of unique values is the smallest",
      input: { call: call("mode"), values: [4, 2, 9] },
      want: [[100n, 2]],
    },
    { name: "mode of strings", input: { call: call("mode"), values: ["x", "b", "a", "b"] }, want: [[100n, "b"]] },
    {
      name: "mode of booleans prefers true on a tie",
      input: { call: call("mode"), values: [false, true] },
      want: [[100n, true]],
    },
    { name: "mode of booleans", input: { call: call("mode"), values: [false, true, false] }, want: [[100n, false]] },
    { name: "spread of floats", input: { call: call("spread"), values: [3, -1, 2] }, want: [[100n, 4]] },
    { name: "spread of one point is 0", input: { call: call("spread"), values: [3] }, want: [[100n, 0]] },
    {
      name: "spread of integers wraps as int64 (influxd: -9214364837600034816)",
      input: { call: call("spread", [], "integer"), values: [9223372036854775807n, -9007199254740993n] },
      want: [[100n, -9214364837600034816n]],
    },
    {
      name: "stddev is the sample deviation (influxd: 1.6733200530681511)",
      input: { call: call("stddev"), values: [1, 3, 3, 1, 5] },
      want: [[100n, 1.6733200530681511]],
    },
    { name: "stddev of one point is a null row", input: { call: call("stddev"), values: [7] }, want: [[100n, null]] },
    { name: "stddev of equal points is 0", input: { call: call("stddev"), values: [3, 3] }, want: [[100n, 0]] },
    {
      name: "distinct keeps first-occurrence order at the bucket start",
      input: { call: call("distinct"), values: [5, 3, 5, 1, 3] },
      want: [
        [100n, 5],
        [100n, 3],
        [100n, 1],
      ],
    },
    {
      name: "distinct orders values first seen at equal times by value",
      input: { call: call("distinct"), values: [7, 4, 4], times: [s(1), s(1), s(2)] },
      want: [
        [100n, 4],
        [100n, 7],
      ],
    },
    {
      name: "distinct treats 3 and 3n as one value",
      input: { call: call("distinct", [], "integer"), values: [3, 3n] },
      want: [[100n, 3]],
    },
    {
      name: "integral without GROUP BY is labelled time 0 (influxd: 147 over g)",
      input: { call: call("integral"), values: [1, 4, 2, 8, 3, 3], times: [0, 10, 15, 25, 31, 39].map(s) },
      want: [[0n, 147]],
    },
    {
      name: "integral with a 1m unit",
      input: { call: call("integral", [60e9]), values: [1, 4, 2, 8, 3, 3], times: [0, 10, 15, 25, 31, 39].map(s) },
      want: [[0n, 2.4499999999999997]],
    },
    {
      name: "integral of one point away from 0 is 0",
      input: { call: call("integral"), values: [4], times: [s(10)] },
      want: [[0n, 0]],
    },
    {
      name: "integral whose last point is at time 0 has no row",
      input: { call: call("integral"), values: [4], times: [0n] },
      want: [],
    },
  ]);

  it("returns no rows for an empty or all-null bucket", () => {
    for (const name of ["count", "sum", "mean", "median", "mode", "spread", "stddev", "distinct", "integral"]) {
      assert.deepEqual(reduceBucket(call(name), [], [], 0n), [], name);
      assert.deepEqual(reduceBucket(call(name), [s(1)], [null], 0n), [], name);
    }
  });

  const rejects: Array<{ name: string; input: FunctionCall; want: string }> = [
    { name: "sum of strings", input: call("sum", [], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "mean of booleans", input: call("mean", [], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "median of strings", input: call("median", [], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "spread of booleans", input: call("spread", [], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "stddev of strings", input: call("stddev", [], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "integral of booleans", input: call("integral", [], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "integral with a zero unit", input: call("integral", [0]), want: "QUERY_BAD_ARGUMENT" },
    { name: "an unknown function", input: call("nope"), want: "QUERY_UNKNOWN_FUNCTION" },
  ];
  for (const r of rejects) {
    it(`rejects ${r.name}`, () => {
      assert.throws(
        () => reduceBucket(r.input, [s(1)], [1], 0n),
        (e: unknown) => isTsdbError(e) && e.category === "invalid" && e.code === r.want,
      );
    });
  }

  it("infers the value type from the values when the call names none", () => {
    assert.throws(
      () => reduceBucket(call("sum"), [s(1)], ["a"], 0n),
      (e: unknown) => isTsdbError(e) && e.code === "QUERY_BAD_AGGREGATE",
    );
    assert.deepEqual(
      reduceBucket(call("sum"), [s(1), s(2)], [9223372036854775807n, 1], 0n)[0]!.value,
      -9223372036854775808n,
    );
  });

  it("classifies function names case-insensitively", () => {
    const table: Array<{ name: string; want: [boolean, boolean, boolean] }> = [
      { name: "count", want: [true, false, false] },
      { name: "INTEGRAL", want: [true, false, false] },
      { name: "distinct", want: [true, false, false] },
      { name: "percentile", want: [false, true, false] },
      { name: "Sample", want: [false, true, false] },
      { name: "moving_average", want: [false, false, true] },
      { name: "elapsed", want: [false, false, true] },
      { name: "cumulative_sum", want: [false, false, true] },
      { name: "holt_winters", want: [false, false, false] },
    ];
    for (const t of table) {
      assert.deepEqual(
        [isAggregateFunction(t.name), isSelectorFunction(t.name), isTransformFunction(t.name)],
        t.want,
        t.name,
      );
    }
  });
});
