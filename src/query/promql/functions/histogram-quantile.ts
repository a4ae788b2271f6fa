// histogram_quantile over classic `le` buckets, as Prometheus 3.x's BucketQuantile: group by all labels but
// `le`, sort and merge buckets, require +Inf, force monotonic counts, interpolate linearly inside the bucket.
import type { Labels, Sample, Value } from "../values.ts";
import { parseGoFloat } from "./float-math.ts";
import { NAME_LABEL } from "../labels.ts";
import { labelSetKey } from "./label-set.ts";
import type { PromFunctionDef } from "./prom-function-def.ts";
import { scalarArg, vectorArg } from "./range-function.ts";

const BUCKET_LABEL = "le";
/** Relative difference below which adjacent cumulative counts count as equal (Prometheus smallDeltaTolerance). */
const SMALL_DELTA_TOLERANCE = 1e-12;
/** Smallest positive normal float64 (Go's minNormal in util/almost). */
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus util/almost.Equal. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * Prometheus `BucketQuantile` on parallel arrays of upper bounds and cumulative counts (one group; both arrays
 * are reordered and may be shortened in place, the caller owns them).
 */
export function bucketQuantile(q: number, bounds: number[], counts: number[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const order = bounds
    .map((_, i) => i)
    .sort((a, b) => (bounds[a]! < bounds[b]! ? -1 : bounds[a]! > bounds[b]! ? 1 : 0));
  const ub = order.map((i) => bounds[i]!);
  const ct = order.map((i) => counts[i]!);
  if (ub[ub.length - 1] !== Infinity) return NaN;
  // Merge buckets with equal bounds (series differing only in the spelling of `le`).
  let n = 0;
  for (let i = 0; i < ub.length; i++) {
    if (n > 0 && ub[i] === ub[n - 1]) {
      ct[n - 1]! += ct[i]!;
    } else {
      ub[n] = ub[i]!;
      ct[n] = ct[i]!;
      n++;
    }
  }
  // Cumulative counts must not decrease: tiny float noise is flattened, real decreases are clamped upwards.
  let prev = ct[0]!;
  for (let i = 1; i < n; i++) {
    const curr = ct[i]!;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE) || curr < prev) {
      ct[i] = prev;
      continue;
    }
    prev = curr;
  }
  if (n < 2) return NaN;
  const observations = ct[n - 1]!;
  if (observations === 0) return NaN;
  let rank = q * observations;
  // sort.Search over [0, n-1): the first bucket whose count reaches rank (NaN counts never do).
  let b = 0;
  while (b < n - 1 && !(ct[b]! >= rank)) b++;
  if (b === n - 1) return ub[n - 2]!;
  if (b === 0 && ub[0]! <= 0) return ub[0]!;
  let bucketStart = 0;
  const bucketEnd = ub[b]!;
  let count = ct[b]!;
  if (b > 0) {
    bucketStart = ub[b - 1]!;
    count -= ct[b - 1]!;
    rank -= ct[b - 1]!;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Parsed `le` values; bucket bounds repeat across series and steps. Cleared when full to bound memory. */
const BOUND_CACHE = new Map<string, number | undefined>();
const BOUND_CACHE_MAX = 4096;

function parseBound(le: string): number | undefined {
  if (BOUND_CACHE.has(le)) return BOUND_CACHE.get(le);
  if (BOUND_CACHE.size >= BOUND_CACHE_MAX) BOUND_CACHE.clear();
  const v = parseGoFloat(le);
  BOUND_CACHE.set(le, v);
  return v;
}

interface BucketGroup {
  labels: Labels;
  bounds: number[];
  counts: number[];
}

/** histogram_quantile(q scalar, buckets instant-vector). Samples whose `le` does not parse are skipped. */
const histogramQuantile: PromFunctionDef = {
  name: "histogram_quantile",
  argTypes: ["scalar", "vector"],
  optionalArgs: 0,
  variadic: false,
  returnType: "vector",
  call(args, ctx): Value {
    const q = scalarArg(args[0], "histogram_quantile", 0);
    const input = vectorArg(args[1], "histogram_quantile", 1);
    const groups = new Map<string, BucketGroup>();
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      const le = s.labels[BUCKET_LABEL];
      const bound = le === undefined ? undefined : parseBound(le);
      if (bound === undefined) continue;
      // Groups differ by every label but `le` (the metric name included); the output drops both.
      const key = labelSetKey(s.labels, BUCKET_LABEL);
      let g = groups.get(key);
      if (g === undefined) {
        const labels: Labels = {};
        for (const k in s.labels) if (k !== BUCKET_LABEL && k !== NAME_LABEL) labels[k] = s.labels[k]!;
        g = { labels, bounds: [], counts: [] };
        groups.set(key, g);
      }
      g.bounds.push(bound);
      g.counts.push(s.v);
    }
    const out: Sample[] = [];
    for (const g of groups.values())
      out.push({ labels: g.labels, t: ctx.timeMs, v: bucketQuantile(q, g.bounds, g.counts) });
    return { kind: "vector", samples: out };
  },
};

/** histogram_quantile (classic buckets only). */
export const HISTOGRAM_FUNCTIONS: readonly PromFunctionDef[] = [histogramQuantile];
