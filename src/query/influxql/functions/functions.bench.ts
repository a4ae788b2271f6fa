// Benchmark of the InfluxQL function library: ns/point of reduceBucket over 1M points in buckets of 1,000
// (floats and integers) and of transformSeries/integrateSeries over one 1M-point series. Median of REPS runs.
// Run: node --import tsx src/query/influxql/functions/functions.bench.ts
import os from "node:os";
import type { FunctionCall, InfluxValue } from "./index.ts";
import { integrateSeries, reduceBucket, transformSeries } from "./index.ts";

const POINTS = 1_000_000;
const BUCKET = 1_000;
const REPS = 7;
const WARMUP = 2;

let seed = 12345;
const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const times: bigint[] = new Array<bigint>(POINTS);
const floats: InfluxValue[] = new Array<InfluxValue>(POINTS);
const ints: InfluxValue[] = new Array<InfluxValue>(POINTS);
for (let i = 0, x = 100; i < POINTS; i++) {
  times[i] = 1_600_000_000_000_000_000n + BigInt(i) * 10_000_000n;
  x += rand() - 0.5;
  floats[i] = x;
  ints[i] = Math.floor(rand() * 1000);
}
// Buckets are sliced once up front, as an executor hands them over.
const bucketTimes: bigint[][] = [];
const bucketFloats: InfluxValue[][] = [];
const bucketInts: InfluxValue[][] = [];
for (let s = 0; s < POINTS; s += BUCKET) {
  bucketTimes.push(times.slice(s, s + BUCKET));
  bucketFloats.push(floats.slice(s, s + BUCKET));
  bucketInts.push(ints.slice(s, s + BUCKET));
}

let sink = 0;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(fn: () => void): number {
  const samples: number[] = [];
  for (let r = 0; r < WARMUP + REPS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    const ns = Number(process.hrtime.bigint() - t0);
    if (r >= WARMUP) samples.push(ns / POINTS);
  }
  return median(samples);
}

function benchReduce(call: FunctionCall, values: InfluxValue[][]): number {
  return time(() => {
    for (let b = 0; b < values.length; b++) sink += reduceBucket(call, bucketTimes[b]!, values[b]!, 0n).length;
  });
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}`);
const rows: Array<[string, number]> = [];
for (const name of ["count", "sum", "mean", "spread", "stddev", "median", "mode", "distinct", "integral"]) {
  rows.push([`${name} float`, benchReduce({ name, args: [], valueType: "float" }, bucketFloats)]);
  rows.push([`${name} int`, benchReduce({ name, args: [], valueType: "integer" }, bucketInts)]);
}
for (const [name, args] of [
  ["first", []],
  ["max", []],
  ["percentile", [95]],
  ["top", [5]],
  ["sample", [5]],
] as Array<[string, number[]]>) {
  rows.push([`${name} float`, benchReduce({ name, args, valueType: "float" }, bucketFloats)]);
}
for (const [name, args] of [
  ["derivative", []],
  ["difference", []],
  ["moving_average", [10]],
  ["cumulative_sum", []],
  ["elapsed", []],
] as Array<[string, number[]]>) {
  rows.push([`${name} float`, time(() => (sink += transformSeries({ name, args }, times, floats, {}).times.length))]);
  const call: FunctionCall = { name, args, valueType: "integer" };
  rows.push([`${name} int`, time(() => (sink += transformSeries(call, times, ints, {}).times.length))]);
}
rows.push([
  "integral by 1m float",
  time(
    () =>
      (sink += integrateSeries({ name: "integral", args: [] }, times, floats, { intervalNs: 60_000_000_000n }).times
        .length),
  ),
]);
for (const [name, ns] of rows) console.log(`${name.padEnd(24)} ${ns.toFixed(1).padStart(7)} ns/point`);
if (sink === -1) console.log("unreachable");
