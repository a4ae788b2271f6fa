// Range-query evaluation through step blocks equals evaluating each step on its own (the per-step path instant
// queries take): random series with gaps, stale markers and counter resets, blocks of random size, offsets and @.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isTsdbError } from "../../base/index.ts";
import type { Expr, VectorSelector } from "./ast.ts";
import { Evaluator } from "./evaluator.ts";
import type { EvalSettings } from "./evaluator.ts";
import { PROM_FUNCTIONS } from "./functions/index.ts";
import { labelsKey, withoutName } from "./labels.ts";
import { parsePromQL } from "./parser.ts";
import type { LoadedSeries } from "./series-loader.ts";
import type { Labels } from "./values.ts";

const STALE = (() => {
  const bits = new Uint32Array([2, 0x7ff00000]);
  return new Float64Array(bits.buffer)[0]!;
})();

const QUERIES = [
  "a",
  "a offset 1m",
  "a @ 300",
  "rate(a[1m])",
  "sum by (host) (rate(a[2m]))",
  "topk(2, a)",
  "avg_over_time(a[90s])",
  "last_over_time(a[1m])",
  "count_over_time({__name__=~'a|b'}[1m])",
  "predict_linear(a[2m], 60)",
  "quantile_over_time(0.5, a[2m] offset 30s)",
  "double_exponential_smoothing(a[2m], 0.5, 0.5)",
  "double_exponential_smoothing(a[2m], 1.5, 0.5)",
  "max_over_time(rate(a[1m])[3m:30s])",
  "rate(a[1m] @ 240)",
  "rate({host='h1'}[1m])",
  "timestamp(a)",
  "a + on(host) group_left b",
];

interface PointSpec {
  gapS: number;
  delta: number;
  kind: "value" | "reset" | "stale";
}

function buildSeries(name: string, host: string, points: PointSpec[]): LoadedSeries {
  const ts = new Float64Array(points.length);
  const vs = new Float64Array(points.length);
  const stale = new Uint8Array(points.length);
  let t = 0;
  let v = 0;
  let staleCount = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    t += p.gapS * 1000;
    v = p.kind === "reset" ? p.delta : v + p.delta;
    ts[i] = t;
    vs[i] = p.kind === "stale" ? STALE : v;
    if (p.kind === "stale") {
      stale[i] = 1;
      staleCount++;
    }
  }
  const labels: Labels = { __name__: name, host };
  return { labels, unnamed: withoutName(labels), ts, vs, stale, staleCount };
}

/** Every selector of `e`, given the series whose name its matchers accept. */
function dataFor(e: Expr, all: LoadedSeries[]): Map<VectorSelector, LoadedSeries[]> {
  const out = new Map<VectorSelector, LoadedSeries[]>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n["type"] === "selector") {
      const sel = node as VectorSelector;
      out.set(
        sel,
        all.filter((s) =>
          sel.matchers.every((m) => {
            const v = s.labels[m.name] ?? "";
            if (m.op === "=") return v === m.value;
            if (m.op === "!=") return v !== m.value;
            const re = new RegExp(`^(?:${m.value})$`);
            return m.op === "=~" ? re.test(v) : !re.test(v);
          }),
        ),
      );
      return;
    }
    for (const key of Object.keys(n)) if (key !== "def") visit(n[key]);
  };
  visit(e);
  return out;
}

/** The samples of each step, and the error code a step failed with (evaluation stops there). */
type Outcome = { steps: Array<Array<[string, number, number]>>; error: string };

function run(expr: Expr, data: Map<VectorSelector, LoadedSeries[]>, settings: EvalSettings, times: number[]): Outcome {
  const steps: Array<Array<[string, number, number]>> = [];
  try {
    const ev = new Evaluator(settings, data);
    for (const t of times) {
      ev.stepSamples = 0;
      const v = ev.evalAt(expr, t);
      if (v.kind === "scalar") steps.push([["", v.t, v.v]]);
      else if (v.kind === "vector") steps.push(v.samples.map((s) => [labelsKey(s.labels), s.t, s.v]));
      else steps.push([]);
      ev.hold(steps[steps.length - 1]!.length); // as the range query keeps each step's result
    }
    return { steps, error: "" };
  } catch (error) {
    if (isTsdbError(error)) return { steps, error: error.code };
    throw error;
  }
}

const POINT: fc.Arbitrary<PointSpec> = fc.record({
  gapS: fc.constantFrom(5, 10, 15, 15, 15, 30, 120),
  delta: fc.integer({ min: 0, max: 20 }),
  kind: fc.constantFrom<PointSpec["kind"]>("value", "value", "value", "value", "reset", "stale"),
});

describe("step blocks", () => {
  it("give every range-query step the result of evaluating that step alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(POINT, { minLength: 0, maxLength: 60 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...QUERIES),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(7_000, 15_000, 30_000, 60_000),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1e9, 10, 40, 150),
        (seriesPoints, query, startS, stepCount, stepMs, blockCells, maxSamples) => {
          const all = seriesPoints.map((points, i) => buildSeries(i % 3 === 2 ? "b" : "a", `h${i % 2}`, points));
          const expr = parsePromQL(query, PROM_FUNCTIONS);
          const data = dataFor(expr, all);
          const startMs = startS * 1000;
          const endMs = startMs + stepCount * stepMs;
          const times: number[] = [];
          for (let t = startMs; t <= endMs; t += stepMs) times.push(t);
          const base = {
            startMs,
            endMs,
            lookbackMs: 60_000,
            subqueryStepMs: 60_000,
            deadlineMs: Infinity,
            timeoutMs: 1e9,
            maxSamples,
          };
          const blocked = run(expr, data, { ...base, stepMs, blockCells }, times);
          const alone = run(expr, data, { ...base, stepMs: 0 }, times);
          assert.deepEqual(blocked, alone);
        },
      ),
      { seed: 42, numRuns: 400 },
    );
  });
});
