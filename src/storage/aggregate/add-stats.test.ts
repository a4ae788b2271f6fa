import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldType } from "../model/index.ts";
import { BucketAggregator } from "./index.ts";
import type { AggregateFn, BlockStats } from "./index.ts";

const STATS_FNS: AggregateFn[] = ["count", "sum", "mean", "min", "max", "first", "last", "spread"];
const BOOL_FNS: AggregateFn[] = ["count", "min", "max", "first", "last"];

interface Block {
  bucket: number;
  p: number;
  offs: number[];
  vals: number[];
  useStats: boolean;
}

/** Statistics as a segment writer computes them (see BlockStats): sum from the first value, left to right. */
function statsOf(offs: number[], vals: number[], type: FieldType): BlockStats {
  let sum = vals[0];
  for (let i = 1; i < vals.length; i++) sum += vals[i];
  let minAt = -1;
  let maxAt = -1;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (v !== v) continue;
    if (minAt < 0 || v < vals[minAt]) minAt = i;
    if (maxAt < 0 || v > vals[maxAt]) maxAt = i;
  }
  let exact = true;
  if (type === FieldType.Int) {
    // Integer blocks carry their exact sum; statsExact is false when it is not a safe integer.
    const big = vals.reduce((acc, v) => acc + BigInt(v), 0n);
    sum = Number(big);
    exact = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
  }
  return {
    count: vals.length,
    minOff: offs[0],
    maxOff: offs[offs.length - 1],
    sum,
    min: minAt < 0 ? NaN : vals[minAt],
    max: maxAt < 0 ? NaN : vals[maxAt],
    minAtOff: offs[minAt < 0 ? 0 : minAt],
    maxAtOff: offs[maxAt < 0 ? 0 : maxAt],
    first: vals[0],
    last: vals[vals.length - 1],
    statsExact: exact,
  };
}

function blockArb(value: fc.Arbitrary<number>, buckets: number): fc.Arbitrary<Block> {
  return fc
    .record({
      bucket: fc.integer({ min: 0, max: buckets - 1 }),
      p: fc.integer({ min: -2, max: 2 }),
      start: fc.integer({ min: 0, max: 50 }),
      // Small gaps so that blocks of different series often share times (exercises tie rules).
      gaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 30 }),
      useStats: fc.boolean(),
    })
    .chain((r) =>
      fc.array(value, { minLength: r.gaps.length + 1, maxLength: r.gaps.length + 1 }).map((vals) => {
        const offs = [r.start];
        for (const g of r.gaps) offs.push(offs[offs.length - 1] + g);
        return { bucket: r.bucket, p: r.p, offs, vals, useStats: r.useStats };
      }),
    );
}

/** Feeds blocks to two aggregators, one always raw, one by stats where allowed; asserts equal results. */
function compare(fn: AggregateFn, type: FieldType, buckets: number, blocks: Block[]): void {
  const viaStats = new BucketAggregator(fn, type, buckets);
  const raw = new BucketAggregator(fn, type, buckets);
  for (const blk of blocks) {
    const offs = Float64Array.from(blk.offs);
    const vals = Float64Array.from(blk.vals);
    raw.addRun(blk.bucket, blk.p, offs, vals, 0, vals.length);
    const used = blk.useStats && viaStats.addStats(blk.bucket, blk.p, statsOf(blk.offs, blk.vals, type));
    if (!used) viaStats.addRun(blk.bucket, blk.p, offs, vals, 0, vals.length);
  }
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  for (let k = 0; k < buckets; k++) {
    assert.deepEqual(viaStats.value(k), raw.value(k), `${fn} bucket ${k}`);
    assert.equal(viaStats.isEmpty(k), raw.isEmpty(k));
    const hasA = viaStats.pointTime(k, a);
    assert.equal(hasA, raw.pointTime(k, b));
    if (hasA) assert.deepEqual([...a], [...b], `${fn} time of bucket ${k}`);
  }
}

const PARAMS = { seed: 42, numRuns: 150 };

void describe("addStats", () => {
  void it("one block per bucket from stats equals its raw run for arbitrary doubles (NaN, -0, ±Infinity)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATS_FNS), fc.array(blockArb(fc.double(), 1), { maxLength: 1 }), (fn, blocks) =>
        compare(
          fn,
          FieldType.Float,
          1,
          blocks.map((blk) => ({ ...blk, useStats: true })),
        ),
      ),
      PARAMS,
    );
  });

  void it("mixed stats and raw blocks over several buckets equal all-raw for integer-valued floats", () => {
    const value = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant(-0));
    fc.assert(
      fc.property(fc.constantFrom(...STATS_FNS), fc.array(blockArb(value, 3), { maxLength: 8 }), (fn, blocks) =>
        compare(fn, FieldType.Float, 3, blocks),
      ),
      PARAMS,
    );
  });

  void it("mixed stats and raw blocks equal all-raw for integers, including sums past 2^53", () => {
    const value = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...STATS_FNS), fc.array(blockArb(value, 3), { maxLength: 8 }), (fn, blocks) =>
        compare(fn, FieldType.Int, 3, blocks),
      ),
      PARAMS,
    );
  });

  void it("mixed stats and raw blocks equal all-raw for booleans", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BOOL_FNS),
        fc.array(blockArb(fc.constantFrom(0, 1), 2), { maxLength: 8 }),
        (fn, blocks) => compare(fn, FieldType.Bool, 2, blocks),
      ),
      PARAMS,
    );
  });

  void it("refuses what stats cannot answer", () => {
    const stats = statsOf([1, 2], [1, 2], FieldType.Float);
    for (const fn of ["stddev", "median", "percentile"] as const) {
      assert.equal(new BucketAggregator(fn, FieldType.Float, 1, 50).addStats(0, 0, stats), false, fn);
    }
    const inexact = { ...stats, statsExact: false };
    assert.equal(new BucketAggregator("sum", FieldType.Int, 1).addStats(0, 0, inexact), false);
    assert.equal(new BucketAggregator("first", FieldType.String, 1).addStats(0, 0, stats), false);
    const count = new BucketAggregator("count", FieldType.String, 1);
    assert.equal(count.addStats(0, 0, inexact), true);
    assert.equal(count.value(0), 2);
    const withNaN = statsOf([1, 2], [1, NaN], FieldType.Float);
    assert.equal(new BucketAggregator("max", FieldType.Float, 1).addStats(0, 0, withNaN), false);
    assert.equal(new BucketAggregator("sum", FieldType.Float, 1).addStats(0, 0, withNaN), true);
  });
});
