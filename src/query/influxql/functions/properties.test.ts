// fast-check properties of the function library (fixed seed): relations between functions that must hold for
// any input, over floats, safe integers and int64 extremes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { FunctionCall, InfluxValue } from "./index.ts";
import { integrateSeries, reduceBucket, transformSeries } from "./index.ts";

const RUNS = { seed: 42, numRuns: 300 };

/** Strictly increasing times (ns) for `n` points, gaps of 1 ns to 10 s. */
function timesArb(n: number): fc.Arbitrary<bigint[]> {
  return fc.array(fc.integer({ min: 1, max: 10_000_000_000 }), { minLength: n, maxLength: n }).map((gaps) => {
    const out: bigint[] = [];
    let t = -50_000_000_000n;
    for (const g of gaps) {
      t += BigInt(g);
      out.push(t);
    }
    return out;
  });
}

/** A series of `float` or `integer` values with times; floats are finite, integers small enough to stay exact. */
const seriesArb = fc
  .record({
    integer: fc.boolean(),
    floats: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
    ints: fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 40 }),
  })
  .chain(({ integer, floats, ints }) => {
    const values: number[] = integer ? ints : floats;
    return timesArb(values.length).map((times) => ({ integer, times, values: values as InfluxValue[] }));
  });

const call = (name: string, integer: boolean, args: Array<number | string> = []): FunctionCall => ({
  name,
  args,
  valueType: integer ? "integer" : "float",
});

const one = (c: FunctionCall, times: bigint[], values: InfluxValue[]): InfluxValue =>
  reduceBucket(c, times, values, 0n)[0]!.value;

describe("function library properties", () => {
  it("cumulative_sum ends at sum (exactly for integers)", () => {
    fc.assert(
      fc.property(seriesArb, ({ integer, times, values }) => {
        const cs = transformSeries(call("cumulative_sum", integer), times, values, {});
        const sum = one(call("sum", integer), times, values) as number;
        const last = cs.values[cs.values.length - 1] as number;
        if (integer) assert.equal(last, sum);
        else assert.ok(Math.abs(last - sum) <= 1e-6 * Math.max(1, Math.abs(sum)) + 1e-6);
      }),
      RUNS,
    );
  });

  it("cumulative_sum of difference restores the values for integers", () => {
    fc.assert(
      fc.property(seriesArb, ({ times, values }) => {
        const ints = values.map((v) => Math.trunc(v as number) + 0);
        const d = transformSeries(call("difference", true), times, ints, {});
        const cs = transformSeries(call("cumulative_sum", true), d.times, d.values, {});
        for (let i = 0; i < cs.values.length; i++) {
          assert.equal((cs.values[i] as number) + ints[0]!, ints[i + 1]);
          assert.equal(cs.times[i], times[i + 1]);
        }
      }),
      RUNS,
    );
  });

  it("mean and median lie between min and max", () => {
    fc.assert(
      fc.property(seriesArb, ({ integer, times, values }) => {
        const min = one(call("min", integer), times, values) as number;
        const max = one(call("max", integer), times, values) as number;
        for (const name of ["mean", "median"]) {
          const v = one(call(name, integer), times, values) as number;
          const eps = 1e-9 * Math.max(1, Math.abs(min), Math.abs(max));
          assert.ok(v >= min - eps && v <= max + eps, `${name} ${v} outside [${min}, ${max}]`);
        }
        assert.equal(one(call("spread", integer), times, values), max - min);
      }),
      RUNS,
    );
  });

  it("top and bottom return N input points, in time order, no smaller (larger) than any left out", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 10 }), ({ integer, times, values }, n) => {
        for (const [name, sign] of [
          ["top", 1],
          ["bottom", -1],
        ] as const) {
          const rows = reduceBucket(call(name, integer, [n]), times, values, 0n);
          assert.equal(rows.length, Math.min(n, values.length));
          const picked = new Set<number>();
          for (let i = 0; i < rows.length; i++) {
            const r = rows[i]!;
            assert.equal(r.value, values[r.index]);
            assert.equal(r.time, times[r.index]);
            if (i > 0) assert.ok(rows[i - 1]!.time <= r.time);
            picked.add(r.index);
          }
          const worst = Math.min(...rows.map((r) => (r.value as number) * sign));
          for (let i = 0; i < values.length; i++) {
            if (!picked.has(i)) assert.ok((values[i] as number) * sign <= worst);
          }
        }
      }),
      RUNS,
    );
  });

  it("count and distinct agree with a Set, and percentile picks an input point", () => {
    fc.assert(
      fc.property(seriesArb, fc.double({ min: 0, max: 100, noNaN: true }), ({ integer, times, values }, p) => {
        assert.equal(one(call("count", integer), times, values), values.length);
        const distinct = reduceBucket(call("distinct", integer), times, values, 0n).map((r) => r.value);
        assert.equal(distinct.length, new Set(values).size);
        const rows = reduceBucket(call("percentile", integer, [p]), times, values, 0n);
        if (rows.length === 1) assert.equal(rows[0]!.value, values[rows[0]!.index]);
      }),
      RUNS,
    );
  });

  it("derivative with a 1 ns unit times elapsed equals difference", () => {
    fc.assert(
      fc.property(seriesArb, ({ integer, times, values }) => {
        const der = transformSeries(call("derivative", integer, [1]), times, values, {});
        const dif = transformSeries(call("difference", integer), times, values, {});
        const el = transformSeries(call("elapsed", integer), times, values, {});
        assert.equal(der.values.length, values.length - 1);
        for (let i = 0; i < der.values.length; i++) {
          const back = (der.values[i] as number) * (el.values[i] as number);
          const d = dif.values[i] as number;
          assert.ok(Math.abs(back - d) <= 1e-6 * Math.max(1, Math.abs(d)));
        }
      }),
      RUNS,
    );
  });

  it("summing the grouped integral over one bucket equals the ungrouped integral", () => {
    fc.assert(
      fc.property(seriesArb, ({ integer, times, values }) => {
        const whole = reduceBucket(call("integral", integer), times, values, 0n);
        // One bucket, [-2^61, 2^61), holds every point: no boundary is crossed.
        const opts = { intervalNs: 1n << 62n, offsetNs: -(1n << 61n) };
        const grouped = integrateSeries(call("integral", integer), times, values, opts);
        if (whole.length === 0) return;
        assert.ok(grouped.values.length <= 1);
        if (grouped.values.length === 1) assert.equal(grouped.values[0], whole[0]!.value);
      }),
      RUNS,
    );
  });

  it("integer sums match BigInt arithmetic wrapped to int64", () => {
    const big = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    fc.assert(
      fc.property(fc.array(big, { minLength: 1, maxLength: 20 }), (xs) => {
        const values: InfluxValue[] = xs.map((x) => (x >= -(2n ** 53n) + 1n && x <= 2n ** 53n - 1n ? Number(x) : x));
        const times = xs.map((_, i) => BigInt(i));
        let want = 0n;
        for (const x of xs) want = BigInt.asIntN(64, want + x);
        const got = one(call("sum", true), times, values);
        assert.equal(BigInt(got as number | bigint), want);
        assert.equal(typeof got === "bigint", want > 2n ** 53n - 1n || want < -(2n ** 53n) + 1n);
      }),
      RUNS,
    );
  });
});
