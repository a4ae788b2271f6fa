// Per-point loops of the bucket aggregator, one per function and value representation (STYLE.md §8.3: the
// aggregator picks the loop once per run). Each reads values[start, end) and updates one bucket's accumulators.

/** acc[b] += Σ x[start, end), left to right (float sum and mean). */
export function sumRun(acc: Float64Array, b: number, x: Float64Array, start: number, end: number): void {
  let s = acc[b];
  for (let i = start; i < end; i++) s += x[i];
  acc[b] = s;
}

/**
 * Exact sum of integer-valued doubles: hi[b] + lo[b] += Σ x[start, end) with TwoSum, so sums past 2^53 stay exact
 * (see exact-int.ts). The extra operations sit off the loop's dependency chain (aggregate.bench.ts).
 */
export function sumExactRun(
  hi: Float64Array,
  lo: Float64Array,
  b: number,
  x: Float64Array,
  start: number,
  end: number,
): void {
  let h = hi[b];
  let l = lo[b];
  for (let i = start; i < end; i++) {
    const v = x[i];
    const s = h + v;
    const bp = s - h;
    l += h - (s - bp) + (v - bp);
    h = s;
  }
  hi[b] = h;
  lo[b] = l;
}

/** Like sumExactRun for integers given as pairs xh[i] + xl[i]. */
export function sumExactPairRun(
  hi: Float64Array,
  lo: Float64Array,
  b: number,
  xh: Float64Array,
  xl: Float64Array,
  start: number,
  end: number,
): void {
  let h = hi[b];
  let l = lo[b];
  for (let i = start; i < end; i++) {
    const v = xh[i];
    const s = h + v;
    const bp = s - h;
    l += h - (s - bp) + (v - bp) + xl[i];
    h = s;
  }
  hi[b] = h;
  lo[b] = l;
}

/**
 * Index of the first smallest value in x[start, end) (end > start). NaN never wins unless every value is NaN,
 * then `start`. Equal values keep the earliest index (runs are in time order, so the earliest time).
 */
export function argMinRun(x: Float64Array, start: number, end: number): number {
  let i = start;
  while (i < end && x[i] !== x[i]) i++;
  if (i === end) return start;
  let m = x[i];
  let at = i;
  for (i++; i < end; i++) {
    const v = x[i];
    if (v < m) {
      m = v;
      at = i;
    }
  }
  return at;
}

/** Index of the first largest value in x[start, end); NaN as in argMinRun. */
export function argMaxRun(x: Float64Array, start: number, end: number): number {
  let i = start;
  while (i < end && x[i] !== x[i]) i++;
  if (i === end) return start;
  let m = x[i];
  let at = i;
  for (i++; i < end; i++) {
    const v = x[i];
    if (v > m) {
      m = v;
      at = i;
    }
  }
  return at;
}

/** Index of the first smallest integer xh[i] + xl[i] in [start, end) (end > start). */
export function argMinPairRun(xh: Float64Array, xl: Float64Array, start: number, end: number): number {
  let at = start;
  let mh = xh[start];
  let ml = xl[start];
  for (let i = start + 1; i < end; i++) {
    const h = xh[i];
    if (h < mh || (h === mh && xl[i] < ml)) {
      mh = h;
      ml = xl[i];
      at = i;
    }
  }
  return at;
}

/** Index of the first largest integer xh[i] + xl[i] in [start, end). */
export function argMaxPairRun(xh: Float64Array, xl: Float64Array, start: number, end: number): number {
  let at = start;
  let mh = xh[start];
  let ml = xl[start];
  for (let i = start + 1; i < end; i++) {
    const h = xh[i];
    if (h > mh || (h === mh && xl[i] > ml)) {
      mh = h;
      ml = xl[i];
      at = i;
    }
  }
  return at;
}

/**
 * Float spread state: mn[b] = min, mx[b] = max over x[start, end), with Go's math.Min/math.Max semantics, which
 * JavaScript's Math.min/Math.max share: NaN propagates, and -0 is below +0.
 */
export function spreadRun(
  mn: Float64Array,
  mx: Float64Array,
  b: number,
  x: Float64Array,
  start: number,
  end: number,
): void {
  let lo = mn[b];
  let hi = mx[b];
  for (let i = start; i < end; i++) {
    const v = x[i];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  mn[b] = lo;
  mx[b] = hi;
}

/**
 * Welford's streaming variance over the non-NaN values of x[start, end): mean[b], m2[b] (sum of squared
 * deviations) and k[b] (non-NaN count). InfluxDB skips NaN the same way but computes in two passes, so the last
 * bits of a result may differ from it.
 */
export function stddevRun(
  mean: Float64Array,
  m2: Float64Array,
  k: Float64Array,
  b: number,
  x: Float64Array,
  start: number,
  end: number,
): void {
  let mu = mean[b];
  let s2 = m2[b];
  let n = k[b];
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v !== v) continue;
    n++;
    const d = v - mu;
    mu += d / n;
    s2 += d * (v - mu);
  }
  mean[b] = mu;
  m2[b] = s2;
  k[b] = n;
}
