import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Sample, Value } from "../values.ts";
import { bucketQuantile } from "./histogram-quantile.ts";
import { PROM_FUNCTIONS } from "./index.ts";

const RUNS = { seed: 42, numRuns: 300 };
const scalar = (v: number): Value => ({ kind: "scalar", t: 0, v });

/** A window of 1..30 points at increasing integer-second times inside (0, 300 s]. */
const windowTimes = fc
  .uniqueArray(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 30 })
  .map((xs) => xs.sort((a, b) => a - b).map((s) => s * 1000));

function rangeValue(fn: string, ts: number[], vs: number[]): number | undefined {
  const out = PROM_FUNCTIONS.get(fn)!.call([{ kind: "matrix", series: [{ labels: {}, ts, vs }] }], {
    timeMs: 300_000,
    rangeMs: 300_000,
    startMs: 0,
    endMs: 0,
  });
  return out.kind === "vector" ? out.samples[0]?.v : undefined;
}

describe("properties of the function library", () => {
  it("increase of a monotone non-negative counter is non-negative and equals rate × range", () => {
    const counter = windowTimes.chain((ts) =>
      fc
        .array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: ts.length, maxLength: ts.length })
        .map((inc) => {
          let acc = 0;
          return { ts, vs: inc.map((d) => (acc += d)) };
        }),
    );
    fc.assert(
      fc.property(counter, ({ ts, vs }) => {
        const inc = rangeValue("increase", ts, vs);
        const rate = rangeValue("rate", ts, vs);
        if (ts.length < 2) return inc === undefined && rate === undefined;
        assert.ok(inc! >= 0);
        assert.ok(Math.abs(rate! * 300 - inc!) <= 1e-9 * Math.max(1, inc!));
        return true;
      }),
      RUNS,
    );
  });

  it("a counter reset never makes increase negative", () => {
    const arb = windowTimes.chain((ts) =>
      fc
        .array(fc.integer({ min: 0, max: 1000 }), { minLength: ts.length, maxLength: ts.length })
        .map((vs) => ({ ts, vs })),
    );
    fc.assert(
      fc.property(arb, ({ ts, vs }) => ts.length < 2 || rangeValue("increase", ts, vs)! >= 0),
      RUNS,
    );
  });

  it("clamp keeps every non-NaN value within its bounds", () => {
    fc.assert(
      fc.property(fc.array(fc.double()), fc.double({ noNaN: true }), fc.double({ noNaN: true }), (xs, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const input: Value = { kind: "vector", samples: xs.map((v) => ({ labels: {}, t: 0, v })) };
        const out = PROM_FUNCTIONS.get("clamp")!.call([input, scalar(lo), scalar(hi)], {
          timeMs: 0,
          rangeMs: 0,
          startMs: 0,
          endMs: 0,
        });
        if (out.kind !== "vector") return false;
        return out.samples.every((s, i) => (Number.isNaN(xs[i]!) ? Number.isNaN(s.v) : s.v >= lo && s.v <= hi));
      }),
      RUNS,
    );
  });

  it("sort and sort_desc return an ordered permutation with NaN last", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 40 }), (xs) => {
        const input: Value = { kind: "vector", samples: xs.map((v, i) => ({ labels: { i: String(i) }, t: 0, v })) };
        for (const [fn, sign] of [
          ["sort", 1],
          ["sort_desc", -1],
        ] as const) {
          const out = PROM_FUNCTIONS.get(fn)!.call([input], { timeMs: 0, rangeMs: 0, startMs: 0, endMs: 0 });
          const got = out.kind === "vector" ? out.samples : ([] as Sample[]);
          assert.equal(got.length, xs.length);
          assert.deepEqual(new Set(got.map((s) => s.labels.i)).size, xs.length);
          for (let i = 1; i < got.length; i++) {
            const a = got[i - 1]!.v;
            const b = got[i]!.v;
            if (Number.isNaN(a)) assert.ok(Number.isNaN(b));
            else if (!Number.isNaN(b)) assert.ok(sign * (b - a) >= 0 || a === b);
          }
        }
        return true;
      }),
      RUNS,
    );
  });

  it("quantile_over_time lies between min and max and grows with q", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (vs, q1, q2) => {
          const ts = vs.map((_, i) => (i + 1) * 1000);
          const call = (q: number): number => {
            const out = PROM_FUNCTIONS.get("quantile_over_time")!.call(
              [scalar(q), { kind: "matrix", series: [{ labels: {}, ts, vs }] }],
              {
                timeMs: 300_000,
                rangeMs: 300_000,
                startMs: 0,
                endMs: 0,
              },
            );
            return out.kind === "vector" ? out.samples[0]!.v : NaN;
          };
          const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
          const a = call(lo);
          const b = call(hi);
          return a >= Math.min(...vs) && b <= Math.max(...vs) && a <= b + 1e-6 * Math.abs(b);
        },
      ),
      RUNS,
    );
  });

  it("histogram_quantile is monotone in q and stays within the finite bounds", () => {
    const arb = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        arb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (incs, q1, q2) => {
          let acc = 0;
          const counts = incs.map((d) => (acc += d));
          const bounds = incs.map((_, i) => i + 1);
          const total = acc;
          const at = (q: number): number => bucketQuantile(q, [...bounds, Infinity], [...counts, total]);
          const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
          if (total === 0) return Number.isNaN(at(lo));
          return at(lo) <= at(hi) && at(lo) >= 0 && at(hi) <= bounds.length;
        },
      ),
      RUNS,
    );
  });
});
