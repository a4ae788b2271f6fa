// InfluxQL selectors over one bucket (first, last, min, max, percentile, sample, top, bottom): which input
// points they choose, with InfluxDB 1.x's tie rules (query/call_iterator.go, functions.go).
import type { InfluxValue, ValueType } from "./value-type.ts";
import type { BucketRow } from "./aggregates.ts";
import { compareValues, sortedIndices } from "./aggregates.ts";

/**
 * Index of the point first() picks: the earliest time; among equal times (points of several series) the
 * greater value, except booleans, where false wins (InfluxDB's BooleanFirstReduce). -1 when all are null.
 */
export function firstIndex(times: readonly bigint[], values: readonly InfluxValue[], t: ValueType): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) continue;
    if (best === -1 || times[i]! < times[best]!) {
      best = i;
    } else if (times[i] === times[best]) {
      const b = values[best]!;
      if (t === "boolean" ? v === false && b === true : compareValues(v, b) > 0) best = i;
    }
  }
  return best;
}

/** Index of the point last() picks: the latest time; among equal times the greater value (true for booleans). */
export function lastIndex(times: readonly bigint[], values: readonly InfluxValue[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) continue;
    if (best === -1 || times[i]! > times[best]!) best = i;
    else if (times[i] === times[best] && compareValues(v, values[best]!) > 0) best = i;
  }
  return best;
}

/** Index of the smallest (`sign` = 1) or largest (`sign` = −1) value; ties go to the earliest time. */
export function extremeIndex(times: readonly bigint[], values: readonly InfluxValue[], sign: 1 | -1): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) continue;
    if (best === -1) {
      best = i;
      continue;
    }
    const c = compareValues(v, values[best]!) * sign;
    if (c < 0 || (c === 0 && times[i]! < times[best]!)) best = i;
  }
  return best;
}

/**
 * Index of the point percentile(p) picks: nearest rank `i = floor(n·p/100 + 0.5) − 1` over the values sorted
 * ascending (ties in time order); -1 when `i` falls outside [0, n), so p ≤ 0 and large p select nothing.
 */
export function percentileIndex(values: readonly InfluxValue[], p: number): number {
  const idx = sortedIndices(values);
  const n = idx.length;
  const i = Math.floor((n * p) / 100 + 0.5) - 1;
  if (i < 0 || i >= n) return -1;
  return idx[i]!;
}

/**
 * top(N) (`sign` = −1) or bottom(N) (`sign` = 1): the N largest or smallest values, ties to the earliest time,
 * returned as input indices ordered by time (equal times: in selection order).
 */
export function topIndices(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  n: number,
  sign: 1 | -1,
): number[] {
  // `best` holds the chosen indices from best to worst; a point enters when it beats the worst one. Ties go to
  // the earlier time, then the earlier input position, so the scan only needs strict comparisons.
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) continue;
    if (best.length === n && !beats(times, values, i, best[n - 1]!, sign)) continue;
    let k = best.length === n ? n - 1 : best.length;
    while (k > 0 && beats(times, values, i, best[k - 1]!, sign)) {
      best[k] = best[k - 1]!;
      k--;
    }
    best[k] = i;
  }
  // Array.prototype.sort is stable, so equal times keep the value order, as Go's sort.Stable by time.
  best.sort((x, y) => (times[x]! < times[y]! ? -1 : times[x]! > times[y]! ? 1 : 0));
  return best;
}

/** True when point `i` ranks before point `j` for top (`sign` = −1) or bottom (`sign` = 1). */
function beats(times: readonly bigint[], values: readonly InfluxValue[], i: number, j: number, sign: 1 | -1): boolean {
  const c = compareValues(values[i]!, values[j]!) * sign;
  if (c !== 0) return c < 0;
  return times[i]! < times[j]! || (times[i] === times[j] && i < j);
}

/** A small deterministic PRNG (mulberry32): returns a function yielding floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Default seed of sample()'s reservoir when the call names none. */
const DEFAULT_SAMPLE_SEED = 0x5eed;

/**
 * sample(N): a uniform reservoir sample of N non-null points (all of them when there are fewer), as InfluxDB's
 * SampleReducer, but with a seeded RNG so equal inputs give equal outputs. Indices come back ordered by time.
 */
export function sampleIndices(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  n: number,
  seed: number | undefined,
  bucketStartNs: bigint,
): number[] {
  // Mixing the bucket start into the seed keeps buckets independent while staying deterministic.
  const rand = mulberry32((seed ?? DEFAULT_SAMPLE_SEED) ^ Number(BigInt.asUintN(32, bucketStartNs)));
  const reservoir: number[] = [];
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) continue;
    seen++;
    if (reservoir.length < n) {
      reservoir.push(i);
      continue;
    }
    const r = Math.floor(rand() * seen);
    if (r < n) reservoir[r] = i;
  }
  reservoir.sort((x, y) => (times[x]! < times[y]! ? -1 : times[x]! > times[y]! ? 1 : x - y));
  return reservoir;
}

/** Rows for chosen input indices, each at its point's time. */
export function pointRows(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  idx: readonly number[],
): BucketRow[] {
  const rows = new Array<BucketRow>(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    rows[k] = { time: times[i]!, value: values[i]!, index: i };
  }
  return rows;
}
