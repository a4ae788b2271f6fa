import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldType } from "../model/index.ts";
import { BucketAggregator } from "./index.ts";
import type { AggregateFn, AggValue } from "./index.ts";

/** A point of one run; runs are fed in the generated order, each time-sorted within itself. */
interface Pt {
  p: number;
  off: number;
  v: bigint;
}

const INT64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)),
);

const runsArb = (value: fc.Arbitrary<bigint>) =>
  fc.array(
    fc.record({
      p: fc.integer({ min: -1, max: 1 }),
      start: fc.integer({ min: 0, max: 5 }),
      vals: fc.array(value, { minLength: 1, maxLength: 12 }),
    }),
    { minLength: 1, maxLength: 6 },
  );

function points(runs: { p: number; start: number; vals: bigint[] }[]): Pt[][] {
  return runs.map((r) => r.vals.map((v, i) => ({ p: r.p, off: r.start + 2 * i, v })));
}

const earlier = (a: Pt, b: Pt) => a.p < b.p || (a.p === b.p && a.off < b.off);
const byValueThenTime = (a: Pt, b: Pt) => (a.v < b.v ? -1 : a.v > b.v ? 1 : a.p - b.p || a.off - b.off);
const result = (x: bigint): AggValue => (x >= -(2n ** 53n) + 1n && x <= 2n ** 53n - 1n ? Number(x) : x);

/** What InfluxDB computes for int64 points (Go int64 arithmetic), with the time of the selected point. */
function reference(fn: AggregateFn, pts: Pt[], pct: number): { value: AggValue; time: [number, number] | null } {
  const n = pts.length;
  const pick = (better: (a: Pt, b: Pt) => boolean): Pt => pts.reduce((m, x) => (better(x, m) ? x : m));
  const sel = (x: Pt) => ({ value: result(x.v), time: [x.p, x.off] as [number, number] });
  switch (fn) {
    case "sum":
      return {
        value: result(
          BigInt.asIntN(
            64,
            pts.reduce((s, x) => s + x.v, 0n),
          ),
        ),
        time: null,
      };
    case "mean":
      return {
        value:
          Number(
            BigInt.asIntN(
              64,
              pts.reduce((s, x) => s + x.v, 0n),
            ),
          ) / n,
        time: null,
      };
    case "min":
      return sel(pick((x, m) => x.v < m.v || (x.v === m.v && earlier(x, m))));
    case "max":
      return sel(pick((x, m) => x.v > m.v || (x.v === m.v && earlier(x, m))));
    case "first":
      return sel(pick((x, m) => earlier(x, m) || (x.p === m.p && x.off === m.off && x.v > m.v)));
    case "last":
      return sel(pick((x, m) => earlier(m, x) || (x.p === m.p && x.off === m.off && x.v > m.v)));
    case "spread": {
      const vs = pts.map((x) => x.v);
      const d = vs.reduce((a, b) => (a > b ? a : b)) - vs.reduce((a, b) => (a < b ? a : b));
      return { value: result(BigInt.asIntN(64, d)), time: null };
    }
    case "median": {
      const s = pts.slice().sort(byValueThenTime);
      if (n % 2 === 1) return { value: Number(s[(n - 1) / 2].v), time: null };
      const lo = s[n / 2 - 1].v;
      return { value: Number(lo) + Number(BigInt.asIntN(64, s[n / 2].v - lo)) / 2, time: null };
    }
    case "percentile": {
      const i = Math.floor((n * pct) / 100 + 0.5) - 1;
      if (i < 0 || i >= n) return { value: null, time: null };
      return sel(pts.slice().sort(byValueThenTime)[i]);
    }
    default:
      return { value: n, time: null };
  }
}

void describe("BucketAggregator matches a BigInt reference", () => {
  const fns: AggregateFn[] = ["count", "sum", "mean", "min", "max", "first", "last", "spread", "median", "percentile"];
  void it("for int64 runs fed as BigInt64Array and, when safe, as Float64Array", () => {
    fc.assert(
      fc.property(fc.constantFrom(...fns), runsArb(INT64), fc.integer({ min: 0, max: 100 }), (fn, runs, pct) => {
        const pts = points(runs);
        const want = reference(fn, pts.flat(), pct);
        const agg = new BucketAggregator(fn, FieldType.Int, 1, pct);
        for (const run of pts) {
          const offs = Float64Array.from(run, (x) => x.off);
          const safe = run.every((x) => x.v >= -(2n ** 53n) + 1n && x.v <= 2n ** 53n - 1n);
          const vals = safe ? Float64Array.from(run, (x) => Number(x.v)) : BigInt64Array.from(run, (x) => x.v);
          agg.addRun(0, run[0].p, offs, vals, 0, run.length);
        }
        assert.deepEqual(agg.value(0), want.value);
        const out = new Float64Array(2);
        if (want.time !== null) {
          assert.ok(agg.pointTime(0, out));
          assert.deepEqual([...out], want.time);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  void it("median and percentile of floats match a sort (NaN last, -0 before +0, ties by time)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(fc.double(), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 20 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (runs, pct) => {
          const pts = runs.flatMap((vals, r) => vals.map((v, i) => ({ p: r % 2, off: i * 3 + r, v })));
          const order = (a: (typeof pts)[0], b: (typeof pts)[0]) => {
            const c = Float64Array.of(a.v, b.v).sort();
            if (!Object.is(a.v, b.v) && !(a.v !== a.v && b.v !== b.v)) return Object.is(c[0], a.v) ? -1 : 1;
            return a.p - b.p || a.off - b.off;
          };
          const sorted = pts.slice().sort(order);
          const n = sorted.length;
          const median = new BucketAggregator("median", FieldType.Float, 1);
          const perc = new BucketAggregator("percentile", FieldType.Float, 1, pct);
          runs.forEach((vals, r) => {
            const offs = Float64Array.from(vals, (_, i) => i * 3 + r);
            median.addRun(0, r % 2, offs, Float64Array.from(vals), 0, vals.length);
            perc.addRun(0, r % 2, offs, Float64Array.from(vals), 0, vals.length);
          });
          const lo = sorted[Math.floor((n - 1) / 2)].v;
          const m = n % 2 === 1 ? lo : lo + (sorted[n / 2].v - lo) / 2;
          assert.deepEqual(median.value(0), m === m ? m : null);
          const i = Math.floor((n * pct) / 100 + 0.5) - 1;
          const out = new Float64Array(2);
          if (i < 0 || i >= n) {
            assert.equal(perc.value(0), null);
            assert.equal(perc.pointTime(0, out), false);
          } else {
            const x = sorted[i];
            assert.deepEqual(perc.value(0), x.v === x.v ? x.v : null);
            assert.ok(perc.pointTime(0, out));
            assert.deepEqual([...out], [x.p, x.off]);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
