// Hand-checked tables for the selectors of reduceBucket (tie rules checked against influxd 1.6.7).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isTsdbError } from "../../../base/index.ts";
import type { FunctionCall, InfluxValue } from "./index.ts";
import { keepsPointTime, reduceBucket } from "./index.ts";

const s = (sec: number): bigint => BigInt(sec) * 1_000_000_000n;
const secs = (n: number): bigint[] => Array.from({ length: n }, (_, i) => s(i + 1));
const call = (name: string, args: Array<number | string> = [], valueType?: FunctionCall["valueType"]): FunctionCall =>
  valueType === undefined ? { name, args } : { name, args, valueType };

// The t2 dataset of the influxd session: 5,3,5,1,3,1 at 1..6 s.
const TIES = [5, 3, 5, 1, 3, 1];

interface Case {
  name: string;
  input: { call: FunctionCall; values: InfluxValue[]; times?: bigint[] };
  /** [time, value, index] per row. */
  want: Array<[bigint, InfluxValue, number]>;
}

describe("reduceBucket selectors", () => {
  const cases: Case[] = [
    { name: "first picks the earliest point", input: { call: call("first"), values: [4, 1, 9] }, want: [[s(1), 4, 0]] },
    { name: "last picks the latest point", input: { call: call("last"), values: [4, 1, 9] }, want: [[s(3), 9, 2]] },
    { name: "first skips nulls", input: { call: call("first"), values: [null, 1, 9] }, want: [[s(2), 1, 1]] },
    {
      name: "first at equal times prefers the greater value",
      input: { call: call("first"), values: [1, 5], times: [s(1), s(1)] },
      want: [[s(1), 5, 1]],
    },
    {
      name: "first of booleans at equal times prefers false",
      input: { call: call("first"), values: [true, false], times: [s(1), s(1)] },
      want: [[s(1), false, 1]],
    },
    {
      name: "last at equal times prefers the greater value",
      input: { call: call("last"), values: [7, 4], times: [s(3), s(3)] },
      want: [[s(3), 7, 0]],
    },
    { name: "min ties go to the earliest time", input: { call: call("min"), values: TIES }, want: [[s(4), 1, 3]] },
    { name: "max ties go to the earliest time", input: { call: call("max"), values: TIES }, want: [[s(1), 5, 0]] },
    {
      name: "min of booleans is the first false",
      input: { call: call("min"), values: [true, false, false] },
      want: [[s(2), false, 1]],
    },
    {
      name: "max of booleans is the first true",
      input: { call: call("max"), values: [false, true, true] },
      want: [[s(2), true, 1]],
    },
    {
      name: "max of int64 extremes",
      input: { call: call("max", [], "integer"), values: [3, 9223372036854775807n] },
      want: [[s(2), 9223372036854775807n, 1]],
    },
    {
      name: "percentile 50 uses the nearest rank",
      input: { call: call("percentile", [50]), values: TIES },
      want: [[s(2), 3, 1]],
    },
    {
      name: "percentile 100 picks the last of the top ties",
      input: { call: call("percentile", [100]), values: TIES },
      want: [[s(3), 5, 2]],
    },
    {
      name: "percentile 40 of integers",
      input: { call: call("percentile", [40], "integer"), values: TIES },
      want: [[s(6), 1, 5]],
    },
    { name: "percentile 0 selects nothing", input: { call: call("percentile", [0]), values: TIES }, want: [] },
    {
      name: "percentile 101 still selects the maximum",
      input: { call: call("percentile", [101]), values: TIES },
      want: [[s(3), 5, 2]],
    },
    { name: "percentile 120 selects nothing", input: { call: call("percentile", [120]), values: TIES }, want: [] },
    {
      name: "top returns the largest values in time order, ties to the earliest",
      input: { call: call("top", [3]), values: TIES },
      want: [
        [s(1), 5, 0],
        [s(2), 3, 1],
        [s(3), 5, 2],
      ],
    },
    {
      name: "bottom returns the smallest values in time order, ties to the earliest",
      input: { call: call("bottom", [3]), values: TIES },
      want: [
        [s(2), 3, 1],
        [s(4), 1, 3],
        [s(6), 1, 5],
      ],
    },
    {
      name: "top with N beyond the input returns every point",
      input: { call: call("top", [10]), values: [2, 1] },
      want: [
        [s(1), 2, 0],
        [s(2), 1, 1],
      ],
    },
    {
      name: "top orders points at equal times by value",
      input: { call: call("top", [5]), values: [1, 5, 2], times: [s(1), s(1), s(2)] },
      want: [
        [s(1), 5, 1],
        [s(1), 1, 0],
        [s(2), 2, 2],
      ],
    },
    {
      name: "sample with N beyond the input returns every point in time order",
      input: { call: call("sample", [10]), values: ["a", "b", "c"] },
      want: [
        [s(1), "a", 0],
        [s(2), "b", 1],
        [s(3), "c", 2],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const times = c.input.times ?? secs(c.input.values.length);
      const got = reduceBucket(c.input.call, times, c.input.values, 0n).map((r) => [r.time, r.value, r.index]);
      assert.deepEqual(got, c.want);
    });
  }

  it("sample is deterministic for a seed and returns N distinct points in time order", () => {
    const values = Array.from({ length: 50 }, (_, i) => i);
    const times = secs(50);
    const a = reduceBucket({ name: "sample", args: [5], seed: 9 }, times, values, 0n);
    const b = reduceBucket({ name: "sample", args: [5], seed: 9 }, times, values, 0n);
    assert.deepEqual(a, b);
    assert.equal(a.length, 5);
    assert.equal(new Set(a.map((r) => r.index)).size, 5);
    for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]!.time < a[i]!.time);
    for (const r of a) assert.equal(r.time, times[r.index]);
  });

  it("keeps point times under GROUP BY time only for top, bottom and sample", () => {
    const table: Array<{ name: string; want: boolean }> = [
      { name: "top", want: true },
      { name: "BOTTOM", want: true },
      { name: "sample", want: true },
      { name: "max", want: false },
      { name: "percentile", want: false },
      { name: "first", want: false },
    ];
    for (const t of table) assert.equal(keepsPointTime(t.name), t.want, t.name);
  });

  const rejects: Array<{ name: string; input: FunctionCall; want: string }> = [
    { name: "min of strings", input: call("min", [], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "percentile of booleans", input: call("percentile", [50], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "top of strings", input: call("top", [1], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "bottom of booleans", input: call("bottom", [1], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "top 0", input: call("top", [0]), want: "QUERY_BAD_ARGUMENT" },
    { name: "bottom -1", input: call("bottom", [-1]), want: "QUERY_BAD_ARGUMENT" },
    { name: "sample 0", input: call("sample", [0]), want: "QUERY_BAD_ARGUMENT" },
    { name: "top without N", input: call("top"), want: "QUERY_BAD_ARGUMENT" },
    { name: "percentile without p", input: call("percentile"), want: "QUERY_BAD_ARGUMENT" },
  ];
  for (const r of rejects) {
    it(`rejects ${r.name}`, () => {
      assert.throws(
        () => reduceBucket(r.input, [s(1)], [1], 0n),
        (e: unknown) => isTsdbError(e) && e.category === "invalid" && e.code === r.want,
      );
    });
  }
});
