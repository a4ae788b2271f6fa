// Works out which time range each selector of a query reads (offsets, @, ranges, lookback, subqueries), and
// loads every selector's series once for its whole range before evaluation starts.
import type { AtModifier, Expr, VectorSelector } from "./ast.ts";
import { compareLabels } from "./labels.ts";
import type { LoadedSeries, SeriesLoader } from "./series-loader.ts";

/** Query-wide inputs of the planner (ms). */
export interface PlanWindow {
  startMs: number;
  endMs: number;
  lookbackMs: number;
}

/** Range functions whose selector may be answered by storage aggregates (see SeriesLoader.loadLast). */
const PUSHDOWN_FUNCTIONS: ReadonlySet<string> = new Set(["last_over_time"]);

/**
 * The [min, max] data time (ms, inclusive) each selector of `root` needs. Range selectors that are the argument of
 * a {@link PUSHDOWN_FUNCTIONS} call read at one time only (an instant query or `@`, outside subqueries) are added
 * to `pushdown`.
 */
function selectorRanges(
  root: Expr,
  w: PlanWindow,
  pushdown: Set<VectorSelector>,
): Map<VectorSelector, [number, number]> {
  const out = new Map<VectorSelector, [number, number]>();
  let inSubquery = 0;
  const at = (a: AtModifier, lo: number, hi: number): [number, number] => {
    if (a === undefined) return [lo, hi];
    const ts = a === "start" ? w.startMs : a === "end" ? w.endMs : a;
    return [ts, ts];
  };
  const visit = (e: Expr, lo: number, hi: number): void => {
    switch (e.type) {
      case "selector": {
        const [a, b] = at(e.at, lo, hi);
        out.set(e, [a - e.offsetMs - (e.rangeMs > 0 ? e.rangeMs : w.lookbackMs), b - e.offsetMs]);
        return;
      }
      case "subquery": {
        const [a, b] = at(e.at, lo, hi);
        inSubquery++;
        visit(e.expr, a - e.offsetMs - e.rangeMs, b - e.offsetMs);
        inSubquery--;
        return;
      }
      case "paren":
      case "unary":
        visit(e.expr, lo, hi);
        return;
      case "call": {
        const arg = e.args[0];
        if (
          PUSHDOWN_FUNCTIONS.has(e.name) &&
          arg?.type === "selector" &&
          arg.rangeMs > 0 &&
          (arg.at !== undefined || (inSubquery === 0 && w.startMs === w.endMs))
        )
          pushdown.add(arg);
        for (const arg of e.args) visit(arg, lo, hi);
        return;
      }
      case "aggregate":
        if (e.param !== undefined) visit(e.param, lo, hi);
        visit(e.expr, lo, hi);
        return;
      case "binary":
        visit(e.lhs, lo, hi);
        visit(e.rhs, lo, hi);
        return;
      default:
        return;
    }
  };
  visit(root, w.startMs, w.endMs);
  return out;
}

/**
 * Loads the series of every selector of `root`. Selectors with identical matchers share one read over the union
 * of their ranges. Series come sorted by labels (Prometheus's selection order). `checkDeadline` runs between reads.
 * With `pushdown` (default true), the selector of a `last_over_time` read at one time is answered from storage
 * aggregates where that gives the same result (SeriesLoader.loadLast); false reads every point (tests compare).
 */
export async function loadSelectors(
  root: Expr,
  w: PlanWindow,
  loader: SeriesLoader,
  maxSamples: number,
  checkDeadline: () => void,
  pushdown = true,
): Promise<Map<VectorSelector, LoadedSeries[]>> {
  const pushable = new Set<VectorSelector>();
  const ranges = selectorRanges(root, w, pushable);
  const out = new Map<VectorSelector, LoadedSeries[]>();
  const shared = new Map<string, { selectors: VectorSelector[]; lo: number; hi: number }>();
  for (const [sel, [lo, hi]] of ranges) {
    if (pushdown && pushable.has(sel) && Number.isSafeInteger(lo) && Number.isSafeInteger(hi)) {
      checkDeadline();
      const series = await loader.loadLast(sel.matchers, lo, hi, maxSamples);
      if (series !== null) {
        series.sort((a, b) => compareLabels(a.labels, b.labels));
        out.set(sel, series);
        continue;
      }
    }
    const key = JSON.stringify(sel.matchers);
    const entry = shared.get(key);
    if (entry === undefined) shared.set(key, { selectors: [sel], lo, hi });
    else {
      entry.selectors.push(sel);
      entry.lo = Math.min(entry.lo, lo);
      entry.hi = Math.max(entry.hi, hi);
    }
  }
  for (const entry of shared.values()) {
    checkDeadline();
    const series = await loader.load(entry.selectors[0]!.matchers, entry.lo, entry.hi, maxSamples);
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    for (const sel of entry.selectors) out.set(sel, series);
  }
  return out;
}
