import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  containsId,
  gallopIds,
  hasCommonId,
  intersectIds,
  intersectManyIds,
  subtractIds,
  subtractIdsInPlace,
  unionIds,
  unionManyIds,
} from "./sorted-ids.ts";

const PARAMS = { seed: 42, numRuns: 400 };

/** Sorted unique id lists; sizes vary widely so both merging and galloping paths run. */
const idList = fc.oneof(
  fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }),
  fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 2000 }),
  fc.uniqueArray(fc.integer({ min: 1, max: 0xffffffff }), { maxLength: 50 }),
  fc.constant([] as number[]),
);

function toIds(xs: number[]): Uint32Array {
  return Uint32Array.from(xs).sort();
}

function model(ids: Uint32Array): Set<number> {
  return new Set(ids);
}

function fromModel(s: Set<number>): number[] {
  return Array.from(s).sort((a, b) => a - b);
}

describe("sorted id set operations", () => {
  it("intersect, union and subtract agree with a Set model", () => {
    fc.assert(
      fc.property(idList, idList, (xa, xb) => {
        const a = toIds(xa);
        const b = toIds(xb);
        const sa = model(a);
        const sb = model(b);
        assert.deepEqual(Array.from(intersectIds(a, b)), fromModel(new Set([...sa].filter((x) => sb.has(x)))));
        assert.deepEqual(Array.from(unionIds(a, b)), fromModel(new Set([...sa, ...sb])));
        assert.deepEqual(Array.from(subtractIds(a, b)), fromModel(new Set([...sa].filter((x) => !sb.has(x)))));
        assert.equal(
          hasCommonId(a, b),
          [...sa].some((x) => sb.has(x)),
        );
      }),
      PARAMS,
    );
  });

  it("handles one tiny list against one huge list (galloping paths)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 20_000 }), { maxLength: 8 }), (small) => {
        const big = new Uint32Array(10_000);
        for (let i = 0; i < big.length; i++) big[i] = i * 2;
        const a = toIds(small);
        const sa = model(a);
        const sb = model(big);
        for (const [x, y] of [
          [a, big],
          [big, a],
        ] as const) {
          const sx = x === a ? sa : sb;
          const sy = x === a ? sb : sa;
          assert.deepEqual(Array.from(intersectIds(x, y)), fromModel(new Set([...sx].filter((v) => sy.has(v)))));
          assert.deepEqual(Array.from(subtractIds(x, y)), fromModel(new Set([...sx].filter((v) => !sy.has(v)))));
          assert.deepEqual(Array.from(unionIds(x, y)), fromModel(new Set([...sx, ...sy])));
          assert.equal(
            hasCommonId(x, y),
            [...sx].some((v) => sy.has(v)),
          );
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("many-list union and intersection agree with a Set model", () => {
    fc.assert(
      fc.property(fc.array(idList, { maxLength: 7 }), (xs) => {
        const lists = xs.map(toIds);
        const all = new Set(lists.flatMap((l) => Array.from(l)));
        assert.deepEqual(Array.from(unionManyIds(lists)), fromModel(all));
        const inter =
          lists.length === 0 ? [] : [...all].filter((x) => lists.every((l) => model(l).has(x))).sort((p, q) => p - q);
        assert.deepEqual(Array.from(intersectManyIds(lists)), inter);
      }),
      PARAMS,
    );
  });

  it("results never alias their inputs", () => {
    const a = Uint32Array.of(1, 2, 3);
    const empty = new Uint32Array(0);
    for (const out of [
      unionManyIds([a]),
      unionIds(a, empty),
      subtractIds(a, empty),
      intersectIds(a, a),
      intersectManyIds([a]),
    ]) {
      out[0] = 99;
      assert.equal(a[0], 1);
    }
  });

  it("in-place subtraction keeps the remaining prefix sorted", () => {
    fc.assert(
      fc.property(idList, idList, (xa, xb) => {
        const a = toIds(xa);
        const b = toIds(xb);
        const sb = model(b);
        const n = subtractIdsInPlace(a, a.length, b);
        assert.deepEqual(Array.from(a.subarray(0, n)), fromModel(new Set(xa.filter((x) => !sb.has(x)))));
      }),
      PARAMS,
    );
  });

  it("gallop finds the first index at or above the target", () => {
    fc.assert(
      fc.property(idList, fc.integer({ min: 0, max: 6000 }), fc.nat({ max: 100 }), (xs, target, fromRaw) => {
        const ids = toIds(xs);
        const from = Math.min(fromRaw, ids.length);
        let want = from;
        while (want < ids.length && ids[want]! < target) want++;
        assert.equal(gallopIds(ids, from, ids.length, target), want);
        assert.equal(containsId(ids, target), xs.includes(target));
      }),
      PARAMS,
    );
  });
});
