// Hand-checked tables for transformSeries and integrateSeries (expectations are influxd 1.6.7 outputs).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isTsdbError } from "../../../base/index.ts";
import type { FunctionCall, InfluxValue } from "./index.ts";
import { integrateSeries, transformSeries, windowStart } from "./index.ts";

const s = (sec: number): bigint => BigInt(sec) * 1_000_000_000n;
const call = (name: string, args: Array<number | string> = [], valueType?: FunctionCall["valueType"]): FunctionCall =>
  valueType === undefined ? { name, args } : { name, args, valueType };

// Dataset h of the influxd session: raw points, and its mean() per 10 s bucket with empty buckets as null.
const H_T = [0, 10, 35, 45, 51, 75].map(s);
const H_V = [1, 4, 2, 8, 3, 9];
const B_T = [0, 10, 20, 30, 40, 50, 60, 70, 80].map(s);
const B_V: InfluxValue[] = [1, 4, null, 2, 8, 3, null, 9, null];

interface Case {
  name: string;
  input: { call: FunctionCall; times: bigint[]; values: InfluxValue[]; intervalNs?: bigint; descending?: boolean };
  want: Array<[bigint, InfluxValue]>;
}

describe("transformSeries", () => {
  const cases: Case[] = [
    {
      name: "derivative defaults to a 1s unit on raw points",
      input: { call: call("derivative"), times: H_T, values: H_V },
      want: [
        [s(10), 0.3],
        [s(35), -0.08],
        [s(45), 0.6],
        [s(51), -0.8333333333333334],
        [s(75), 0.25],
      ],
    },
    {
      name: "derivative over buckets defaults to the GROUP BY interval and skips null buckets",
      input: { call: call("derivative"), times: B_T, values: B_V, intervalNs: s(10) },
      want: [
        [s(10), 3],
        [s(30), -1],
        [s(40), 6],
        [s(50), -5],
        [s(70), 3],
      ],
    },
    {
      name: "derivative with an explicit unit ignores the interval",
      input: { call: call("derivative", [1e9]), times: B_T, values: B_V, intervalNs: s(10) },
      want: [
        [s(10), 0.3],
        [s(30), -0.1],
        [s(40), 0.6],
        [s(50), -0.5],
        [s(70), 0.3],
      ],
    },
    {
      name: "non_negative_derivative drops negative rates",
      input: { call: call("non_negative_derivative"), times: B_T, values: B_V, intervalNs: s(10) },
      want: [
        [s(10), 3],
        [s(40), 6],
        [s(70), 3],
      ],
    },
    {
      name: "derivative in descending order negates elapsed time",
      input: { call: call("derivative"), times: [...H_T].reverse(), values: [...H_V].reverse(), descending: true },
      want: [
        [s(51), -0.25],
        [s(45), 0.8333333333333334],
        [s(35), -0.6],
        [s(10), 0.08],
        [s(0), -0.3],
      ],
    },
    {
      name: "difference of floats",
      input: { call: call("difference"), times: H_T, values: H_V },
      want: [
        [s(10), 3],
        [s(35), -2],
        [s(45), 6],
        [s(51), -5],
        [s(75), 6],
      ],
    },
    {
      name: "non_negative_difference drops negative differences",
      input: { call: call("non_negative_difference"), times: H_T, values: H_V },
      want: [
        [s(10), 3],
        [s(45), 6],
        [s(75), 6],
      ],
    },
    {
      name: "difference of integers wraps as int64",
      input: {
        call: call("difference", [], "integer"),
        times: [1, 2, 3].map(s),
        values: [9223372036854775806n, -9007199254740993n, 3],
      },
      want: [
        [s(2), 9214364837600034817n],
        [s(3), 9007199254740996n],
      ],
    },
    {
      name: "derivative skips a point at the time of the previous one",
      input: { call: call("derivative"), times: [1, 1, 2, 3, 3].map(s), values: [1, 5, 2, 7, 4] },
      want: [
        [s(2), 1],
        [s(3), 5],
      ],
    },
    {
      name: "moving_average needs N values before its first row",
      input: { call: call("moving_average", [3]), times: H_T, values: H_V },
      want: [
        [s(35), 2.3333333333333335],
        [s(45), 4.666666666666667],
        [s(51), 4.333333333333333],
        [s(75), 6.666666666666667],
      ],
    },
    {
      name: "moving_average windows skip null buckets",
      input: { call: call("moving_average", [2]), times: B_T, values: B_V },
      want: [
        [s(10), 2.5],
        [s(30), 3],
        [s(40), 5],
        [s(50), 5.5],
        [s(70), 6],
      ],
    },
    {
      name: "moving_average of integers wraps the int64 window sum (influxd: -1.5)",
      input: {
        call: call("moving_average", [2], "integer"),
        times: [1, 2].map(s),
        values: [9223372036854775807n, 9223372036854775806n],
      },
      want: [[s(2), -1.5]],
    },
    {
      name: "cumulative_sum keeps integers",
      input: { call: call("cumulative_sum", [], "integer"), times: H_T, values: H_V },
      want: [
        [s(0), 1],
        [s(10), 5],
        [s(35), 7],
        [s(45), 15],
        [s(51), 18],
        [s(75), 27],
      ],
    },
    {
      name: "elapsed defaults to ns even under GROUP BY time",
      input: { call: call("elapsed"), times: B_T, values: B_V, intervalNs: s(10) },
      want: [
        [s(10), 10e9],
        [s(30), 20e9],
        [s(40), 10e9],
        [s(50), 10e9],
        [s(70), 20e9],
      ],
    },
    {
      name: "elapsed truncates to whole units",
      input: { call: call("elapsed", [60e9]), times: H_T, values: H_V },
      want: [
        [s(10), 0],
        [s(35), 0],
        [s(45), 0],
        [s(51), 0],
        [s(75), 0],
      ],
    },
    {
      name: "elapsed accepts strings and reports 0 at equal times",
      input: { call: call("elapsed", [1e9], "string"), times: [1, 1, 3].map(s), values: ["a", "b", "c"] },
      want: [
        [s(1), 0],
        [s(3), 2],
      ],
    },
    {
      name: "elapsed in descending order is negative",
      input: { call: call("elapsed", [1e9]), times: [51, 45].map(s), values: [1, 2], descending: true },
      want: [[s(45), -6]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const opts: { intervalNs?: bigint; descending?: boolean } = {};
      if (c.input.intervalNs !== undefined) opts.intervalNs = c.input.intervalNs;
      if (c.input.descending !== undefined) opts.descending = c.input.descending;
      const out = transformSeries(c.input.call, c.input.times, c.input.values, opts);
      assert.deepEqual(
        out.times.map((t, i) => [t, out.values[i]]),
        c.want,
      );
    });
  }

  const rejects: Array<{ name: string; input: FunctionCall; want: string }> = [
    { name: "derivative of strings", input: call("derivative", [], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "difference of booleans", input: call("difference", [], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "cumulative_sum of strings", input: call("cumulative_sum", [], "string"), want: "QUERY_BAD_AGGREGATE" },
    { name: "moving_average of booleans", input: call("moving_average", [2], "boolean"), want: "QUERY_BAD_AGGREGATE" },
    { name: "moving_average window 1", input: call("moving_average", [1]), want: "QUERY_BAD_ARGUMENT" },
    { name: "derivative unit 0", input: call("derivative", [0]), want: "QUERY_BAD_ARGUMENT" },
    { name: "elapsed negative unit", input: call("elapsed", [-1]), want: "QUERY_BAD_ARGUMENT" },
    { name: "an aggregate", input: call("mean"), want: "QUERY_UNKNOWN_FUNCTION" },
  ];
  for (const r of rejects) {
    it(`rejects ${r.name}`, () => {
      assert.throws(
        () => transformSeries(r.input, [s(1)], [1], {}),
        (e: unknown) => isTsdbError(e) && e.category === "invalid" && e.code === r.want,
      );
    });
  }
});

describe("integrateSeries", () => {
  // Dataset g of the influxd session.
  const G_T = [0, 10, 15, 25, 31, 39].map(s);
  const G_V = [1, 4, 2, 8, 3, 3];
  const table: Array<{
    name: string;
    input: { call: FunctionCall; intervalNs: bigint; offsetNs?: bigint };
    want: Array<[bigint, number]>;
  }> = [
    {
      name: "interpolates the area across bucket boundaries",
      input: { call: call("integral"), intervalNs: s(10) },
      want: [
        [s(0), 25],
        [s(10), 32.5],
        [s(20), 62.08333333333333],
        [s(30), 27.416666666666668],
      ],
    },
    {
      name: "reproduces influxd's integer reducer",
      input: { call: call("integral", [], "integer"), intervalNs: s(10) },
      want: [
        [s(0), 25],
        [s(10), 32.5],
        [s(20), 47.08333333333333],
        [s(30), 29.916666666666664],
      ],
    },
    {
      name: "honours the GROUP BY offset",
      input: { call: call("integral"), intervalNs: s(20), offsetNs: s(5) },
      want: [
        [s(-15), 8.75],
        [s(5), 81.25],
        [s(25), 57],
      ],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const opts: { intervalNs: bigint; offsetNs?: bigint } = { intervalNs: c.input.intervalNs };
      if (c.input.offsetNs !== undefined) opts.offsetNs = c.input.offsetNs;
      const out = integrateSeries(c.input.call, G_T, G_V, opts);
      assert.deepEqual(
        out.times.map((t, i) => [t, out.values[i]]),
        c.want,
      );
    });
  }

  it("emits no row for a bucket whose last point lies on its start", () => {
    const out = integrateSeries(call("integral"), [s(0), s(10)], [1, 3], { intervalNs: s(10) });
    assert.deepEqual(out, { times: [s(0)], values: [20] });
  });

  it("rejects strings and a non-positive interval", () => {
    assert.throws(
      () => integrateSeries(call("integral", [], "string"), [], [], { intervalNs: s(1) }),
      (e: unknown) => isTsdbError(e) && e.code === "QUERY_BAD_AGGREGATE",
    );
    assert.throws(
      () => integrateSeries(call("integral"), [], [], { intervalNs: 0n }),
      (e: unknown) => isTsdbError(e) && e.code === "QUERY_BAD_ARGUMENT",
    );
  });

  it("computes window starts for negative times and offsets", () => {
    const table: Array<{ input: [bigint, bigint, bigint]; want: bigint }> = [
      { input: [s(25), s(10), 0n], want: s(20) },
      { input: [s(-1), s(10), 0n], want: s(-10) },
      { input: [s(0), s(20), s(5)], want: s(-15) },
      { input: [s(5), s(20), s(5)], want: s(5) },
    ];
    for (const t of table) assert.equal(windowStart(...t.input), t.want);
  });
});
