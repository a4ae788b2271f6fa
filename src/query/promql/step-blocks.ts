// Instant selectors (`m`) and range functions over range selectors (`rate(m[5m])`) for a block of range-query steps
// at once, series by series: each series' columns stay hot in cache, window bounds advance by cursor, and no
// window is copied.
import type { FunctionContext, RangeReduction } from "./functions/index.ts";
import type { LoadedSeries } from "./series-loader.ts";

/**
 * The values of one expression over one selector's series for the steps [firstStep, firstStep + steps) of a range
 * query. Cell k * seriesCount + s holds series s at step firstStep + k.
 */
export class StepBlock {
  readonly firstStep: number;
  readonly steps: number;
  readonly seriesCount: number;
  readonly values: Float64Array;
  /** 1 where the function gave a sample. */
  readonly present: Uint8Array;
  /** Range functions: the points each step's matrix would hold (stale markers excluded), for the sample limit. */
  readonly selected: Float64Array;

  constructor(firstStep: number, steps: number, seriesCount: number) {
    this.firstStep = firstStep;
    this.steps = steps;
    this.seriesCount = seriesCount;
    this.values = new Float64Array(steps * seriesCount);
    this.present = new Uint8Array(steps * seriesCount);
    this.selected = new Float64Array(steps);
  }

  /** True when the block holds step `k`. */
  covers(k: number): boolean {
    return k >= this.firstStep && k < this.firstStep + this.steps;
  }
}

/** Number of steps a block starting at `firstStep` of `totalSteps` holds for `seriesCount` series. */
export function blockSteps(firstStep: number, totalSteps: number, seriesCount: number, maxCells: number): number {
  return Math.max(1, Math.min(totalSteps - firstStep, Math.floor(maxCells / Math.max(1, seriesCount))));
}

/**
 * Computes `block`: window ends `windowEnds[k]` (ms, ascending or constant) for the block's steps k, windows
 * (end - rangeMs, end]. `scalars` are the function's scalar arguments and `range.check` must already have passed.
 * `ctx` is reused (its timeMs set per step). Calls `checkDeadline` between series.
 */
export function computeRangeCallBlock(
  block: StepBlock,
  range: RangeReduction,
  scalars: number[],
  all: readonly LoadedSeries[],
  windowEnds: Float64Array,
  ctx: FunctionContext,
  checkDeadline: () => void,
): void {
  const S = block.seriesCount;
  const steps = block.steps;
  const rangeMs = ctx.rangeMs;
  const values = block.values;
  const present = block.present;
  const selected = block.selected;
  for (let s = 0; s < S; s++) {
    const series = all[s]!;
    const ts = series.ts;
    const n = ts.length;
    let lo = upperBound(ts, windowEnds[0]! - rangeMs);
    let hi = lo;
    for (let k = 0; k < steps; k++) {
      const end = windowEnds[k]!;
      const start = end - rangeMs;
      // Cursors only move forward while window ends ascend; a window end that goes back restarts the search.
      if (lo > 0 && ts[lo - 1]! > start) lo = upperBound(ts, start);
      while (lo < n && ts[lo]! <= start) lo++;
      if (hi < lo || (hi > 0 && ts[hi - 1]! > end)) hi = lo;
      while (hi < n && ts[hi]! <= end) hi++;
      const cell = k * S + s;
      if (lo >= hi) continue;
      let v: number | undefined;
      ctx.timeMs = end;
      if (series.staleCount === 0 || countLive(series.stale, lo, hi) === hi - lo) {
        selected[k] += hi - lo;
        v = range.reduce(ts, series.vs, lo, hi, ctx, scalars);
      } else {
        const live = liveWindow(series, lo, hi);
        const count = live[0].length;
        if (count === 0) continue;
        selected[k] += count;
        v = range.reduce(live[0], live[1], 0, count, ctx, scalars);
      }
      if (v === undefined) continue;
      values[cell] = v;
      present[cell] = 1;
    }
    checkDeadline();
  }
}

/**
 * Computes `block` for an instant selector: per step, the latest point in (end - lookbackMs, end] unless it is a
 * stale marker, for window ends `windowEnds[k]` (ms, ascending or constant).
 */
export function computeInstantBlock(
  block: StepBlock,
  all: readonly LoadedSeries[],
  windowEnds: Float64Array,
  lookbackMs: number,
  checkDeadline: () => void,
): void {
  const S = block.seriesCount;
  const steps = block.steps;
  const values = block.values;
  const present = block.present;
  for (let s = 0; s < S; s++) {
    const series = all[s]!;
    const ts = series.ts;
    const vs = series.vs;
    const stale = series.stale;
    const n = ts.length;
    let hi = upperBound(ts, windowEnds[0]!);
    for (let k = 0; k < steps; k++) {
      const end = windowEnds[k]!;
      if (hi > 0 && ts[hi - 1]! > end) hi = upperBound(ts, end);
      while (hi < n && ts[hi]! <= end) hi++;
      const i = hi - 1;
      if (i < 0 || ts[i]! <= end - lookbackMs || stale[i] === 1) continue;
      const cell = k * S + s;
      values[cell] = vs[i]!;
      present[cell] = 1;
    }
    checkDeadline();
  }
}

/** Number of points in [lo, hi) that are not stale markers. */
export function countLive(stale: Uint8Array, lo: number, hi: number): number {
  let n = hi - lo;
  for (let i = lo; i < hi; i++) n -= stale[i]!;
  return n;
}

/** The points of `series` in [lo, hi) without stale markers, as fresh arrays (rare: only windows holding one). */
export function liveWindow(series: LoadedSeries, lo: number, hi: number): [number[], number[]] {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = lo; i < hi; i++) {
    if (series.stale[i] === 1) continue;
    ts.push(series.ts[i]!);
    vs.push(series.vs[i]!);
  }
  return [ts, vs];
}

/** First index in `ts` (ascending) whose value is greater than `t`. */
export function upperBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
