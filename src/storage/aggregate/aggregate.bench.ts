// Benchmark of BucketAggregator.addRun: ns/point over 1M points (runs of 1,000 points into 100 buckets) for
// mean, max and median of floats and integers, plus the BigInt slow path and median's final selection (value()).
// "cold" uses a new aggregator per repetition (fresh memory), "reused" one reset() between repetitions.
// Run: node --import tsx src/storage/aggregate/aggregate.bench.ts
import os from "node:os";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { BucketAggregator } from "./index.ts";
import type { AggregateFn } from "./index.ts";

const POINTS = 1_000_000;
const RUN = 1_000;
const BUCKETS = 100;
const REPS = 15;
const WARMUP = 5;

const offsets = Float64Array.from({ length: POINTS }, (_, i) => (i % RUN) * 10_000_000);
// Deterministic data: a random walk for floats, a jittered counter for integers.
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const floats = new Float64Array(POINTS);
const ints = new Float64Array(POINTS);
for (let i = 0, x = 100; i < POINTS; i++) {
  x += rand() - 0.5;
  floats[i] = x;
  ints[i] = Math.floor(i * 3 + rand() * 100) - 1_500_000;
}
const bigints = BigInt64Array.from(ints, (v) => BigInt(v) * 4096n);

let sink = 0;

function feed(agg: BucketAggregator, values: ColumnValues): void {
  for (let start = 0, r = 0; start < POINTS; start += RUN, r++) {
    agg.addRun(r % BUCKETS, 0, offsets, values, start, start + RUN);
  }
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median ns/point of addRun with a new aggregator per rep (cold memory) and with reset() reuse (warm). */
function bench(name: string, fn: AggregateFn, type: FieldType, values: ColumnValues): void {
  const cold: number[] = [];
  const warm: number[] = [];
  const finals: number[] = [];
  const reused = new BucketAggregator(fn, type, BUCKETS);
  for (let rep = 0; rep < WARMUP + REPS; rep++) {
    const fresh = new BucketAggregator(fn, type, BUCKETS);
    const t0 = process.hrtime.bigint();
    feed(fresh, values);
    const t1 = process.hrtime.bigint();
    reused.reset(BUCKETS);
    const t2 = process.hrtime.bigint();
    feed(reused, values);
    const t3 = process.hrtime.bigint();
    for (let b = 0; b < BUCKETS; b++) {
      const v = reused.value(b);
      sink += typeof v === "number" ? v : 1;
    }
    const t4 = process.hrtime.bigint();
    if (rep >= WARMUP) {
      cold.push(Number(t1 - t0) / POINTS);
      warm.push(Number(t3 - t2) / POINTS);
      finals.push(Number(t4 - t3) / POINTS);
    }
  }
  const f = (xs: number[]) => median(xs).toFixed(2).padStart(6);
  console.log(`${name.padEnd(24)} addRun cold ${f(cold)}  reused ${f(warm)} ns/point   value() ${f(finals)} ns/point`);
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}, ${POINTS} points, runs of ${RUN}`);
const heapBefore = process.memoryUsage().heapUsed;
bench("mean float", "mean", FieldType.Float, floats);
bench("mean int", "mean", FieldType.Int, ints);
bench("max float", "max", FieldType.Float, floats);
bench("max int", "max", FieldType.Int, ints);
bench("median float", "median", FieldType.Float, floats);
bench("median int", "median", FieldType.Int, ints);
bench("sum float", "sum", FieldType.Float, floats);
bench("sum int (exact)", "sum", FieldType.Int, ints);
bench("mean int BigInt64Array", "mean", FieldType.Int, bigints);
bench("max int BigInt64Array", "max", FieldType.Int, bigints);
console.log(`heap growth ${((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(1)} MiB, sink ${sink}`);
