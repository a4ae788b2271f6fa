// topk/bottomk select exactly what a stable sort of each group gives (NaN last, ties in input order), for any k.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { evalAggregate } from "./aggregation.ts";
import type { Aggregate } from "./ast.ts";
import { PROM_FUNCTIONS } from "./functions/index.ts";
import { parsePromQL } from "./parser.ts";
import type { Sample } from "./values.ts";

/** The previous implementation: sort each group's members, keep the first k. */
function reference(op: "topk" | "bottomk", samples: Sample[], k: number, by: string): Sample[] {
  const better =
    op === "topk"
      ? (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : b - a)
      : (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = s.labels[by] ?? "";
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [s]);
    else g.push(s);
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    const sorted = g.slice().sort((x, y) => better(x.v, y.v));
    for (let i = 0; i < sorted.length && i < k; i++) out.push({ labels: sorted[i]!.labels, t: 0, v: sorted[i]!.v });
  }
  return out;
}

const VALUE = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(NaN, Infinity, -Infinity, 0.5),
  fc.double({ noNaN: true }),
);

describe("topk and bottomk", () => {
  it("equal a stable sort of each group cut at k", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), VALUE), { maxLength: 80 }),
        fc.constantFrom("topk", "bottomk") as fc.Arbitrary<"topk" | "bottomk">,
        fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(64, 65, 100)),
        fc.boolean(),
        (points, op, k, grouped) => {
          const samples: Sample[] = points.map(([g, v], i) => ({ labels: { g: String(g), i: String(i) }, t: 0, v }));
          const e = parsePromQL(`${op}(${k}, x)${grouped ? " by (g)" : ""}`, PROM_FUNCTIONS) as Aggregate;
          const got = evalAggregate(e, samples, { kind: "scalar", t: 0, v: k }, 0);
          assert.deepEqual(got, reference(op, samples, k, grouped ? "g" : "none"));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
