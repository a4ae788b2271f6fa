// InfluxQL aggregates over one bucket (count, sum, mean, median, mode, spread, stddev, distinct), with InfluxDB
// 1.x's arithmetic (query/call_iterator.go, functions.go). Null inputs are skipped; type checks live in the caller.
import type { InfluxValue, ValueType } from "./value-type.ts";
import { addInt, intToFloat, subInt } from "./value-type.ts";
import { goSort } from "./go-sort.ts";

/** One output row of a bucket reduction; `index` is the chosen input point, or -1 for a computed value. */
export interface BucketRow {
  time: bigint;
  value: InfluxValue;
  index: number;
}

/** Orders two non-null values of one type (numbers, bigints, strings, booleans with false < true). */
export function compareValues(a: InfluxValue, b: InfluxValue): number {
  // `<` compares number and bigint exactly, and strings by UTF-16 code units.
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Indices of the non-null values sorted by value in the order influxd's sort.Sort(pointsByValue) leaves them:
 * equal values keep input order up to 12 points and follow Go's pdqsort beyond.
 */
export function sortedIndices(values: readonly InfluxValue[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== null) idx.push(i);
  goSort(idx, (x, y) => (values[x] as number) < (values[y] as number));
  return idx;
}

/** count(): the number of non-null values, always an integer. */
export function countValues(values: readonly InfluxValue[]): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) n++;
  return n;
}

/** sum(): floats left to right from the first value; integers in wrapping 64-bit arithmetic. */
export function sumValues(values: readonly InfluxValue[], t: ValueType): number | bigint | null {
  if (t === "float") {
    let acc: number | null = null;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) continue;
      acc = acc === null ? (v as number) : acc + (v as number);
    }
    return acc;
  }
  const unsigned = t === "unsigned";
  let acc: number | bigint | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    acc = acc === null ? (v as number | bigint) : addInt(acc, v as number | bigint, unsigned);
  }
  return acc;
}

/** mean(): floats summed from +0; integers summed as int64 (wrapping) and then divided as float64. */
export function meanValues(values: readonly InfluxValue[], t: ValueType): number | null {
  let n = 0;
  if (t === "float") {
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) continue;
      sum += v as number;
      n++;
    }
    return n === 0 ? null : sum / n;
  }
  const unsigned = t === "unsigned";
  let sum: number | bigint = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    sum = addInt(sum, v as number | bigint, unsigned);
    n++;
  }
  return n === 0 ? null : intToFloat(sum) / n;
}

/** median(): the middle value, or `lo + (hi − lo) / 2` for an even count (Go's formula; int64 subtraction). */
export function medianValues(values: readonly InfluxValue[], t: ValueType): number | null {
  if (t === "float") return medianOfFloats(values);
  const idx = sortedIndices(values);
  const n = idx.length;
  if (n === 0) return null;
  if (n % 2 === 1) return intToFloat(values[idx[(n - 1) / 2]!] as number | bigint);
  const lo = values[idx[n / 2 - 1]!] as number | bigint;
  const hi = values[idx[n / 2]!] as number | bigint;
  return intToFloat(lo) + intToFloat(subInt(hi, lo, t === "unsigned")) / 2;
}

/** Float median through a native typed-array sort: the median value does not depend on how ties are ordered. */
function medianOfFloats(values: readonly InfluxValue[]): number | null {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) n++;
  if (n === 0) return null;
  const xs = new Float64Array(n);
  for (let i = 0, k = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) xs[k++] = v as number;
  }
  xs.sort();
  if (n % 2 === 1) return xs[(n - 1) / 2]!;
  const lo = xs[n / 2 - 1]!;
  return lo + (xs[n / 2]! - lo) / 2;
}

/**
 * mode(): InfluxDB's run scan over the values sorted by value. A later run that ties the leader wins unless its
 * first point is later than the leader's latest counted point; a value seen once never displaces the first
 * value's run. Booleans: true when true is at least as frequent as false.
 */
export function modeValue(times: readonly bigint[], values: readonly InfluxValue[], t: ValueType): InfluxValue {
  if (t === "boolean") {
    let trues = 0;
    let falses = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) continue;
      if (v === true) trues++;
      else falses++;
    }
    if (trues + falses === 0) return null;
    if (trues + falses === 1) return trues === 1;
    return trues >= falses;
  }
  const idx = sortedIndices(values);
  if (idx.length === 0) return null;
  const first = idx[0]!;
  let mostFreq = 0;
  let currFreq = 0;
  let currMode = values[first]!;
  let mostMode = currMode;
  let mostTime = times[first]!;
  let currTime = mostTime;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const v = values[i]!;
    if (compareValues(v, currMode) !== 0) {
      currFreq = 1;
      currMode = v;
      currTime = times[i]!;
      continue;
    }
    currFreq++;
    if (mostFreq > currFreq || (mostFreq === currFreq && currTime > mostTime)) continue;
    mostFreq = currFreq;
    mostMode = v;
    mostTime = times[i]!;
  }
  return mostMode;
}

/** spread(): max − min; floats as float64, integers in wrapping 64-bit arithmetic. */
export function spreadValues(values: readonly InfluxValue[], t: ValueType): number | bigint | null {
  let min: number | bigint | null = null;
  let max: number | bigint | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint | null;
    if (v === null) continue;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  if (min === null || max === null) return null;
  if (t === "float") return (max as number) - (min as number);
  return subInt(max, min, t === "unsigned");
}

/**
 * stddev(): sample standard deviation (n − 1) with InfluxDB's two passes (running mean, then squared
 * deviations). Fewer than two points gives null (InfluxDB's nil point); NaN values are skipped.
 */
export function stddevValues(values: readonly InfluxValue[]): number | null {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) n++;
  if (n < 2) return null;
  let mean = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    const x = intToFloat(v as number | bigint);
    if (Number.isNaN(x)) continue;
    count++;
    mean += (x - mean) / count;
  }
  let variance = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    const x = intToFloat(v as number | bigint);
    if (Number.isNaN(x)) continue;
    const d = x - mean;
    variance += d * d;
  }
  return Math.sqrt(variance / (count - 1));
}

/** A distinct-value key: bigints that fit a number collapse onto the number, so 3 and 3n are one value. */
function distinctKey(v: InfluxValue): InfluxValue {
  return typeof v === "bigint" && v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * distinct(): each value once, in order of first occurrence (InfluxDB sorts the unique points by time, then
 * value). Rows carry `bucketStartNs` and the index of the first occurrence.
 */
export function distinctRows(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  bucketStartNs: bigint,
): BucketRow[] {
  const seen = new Map<InfluxValue, number>();
  const firsts: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) continue;
    const key = distinctKey(v);
    if (seen.has(key)) continue;
    seen.set(key, i);
    firsts.push(i);
  }
  // Input is time-ascending, so only equal times (points of several series) need ordering by value.
  firsts.sort((x, y) =>
    times[x]! < times[y]! ? -1 : times[x]! > times[y]! ? 1 : compareValues(values[x]!, values[y]!),
  );
  const rows: BucketRow[] = new Array<BucketRow>(firsts.length);
  for (let k = 0; k < firsts.length; k++) {
    const i = firsts[k]!;
    rows[k] = { time: bucketStartNs, value: values[i]!, index: i };
  }
  return rows;
}
