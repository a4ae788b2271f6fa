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

/** The [min, max] data time (ms, inclusive) each selector of `root` needs. */
function selectorRanges(root: Expr, w: PlanWindow): Map<VectorSelector, [number, number]> {
  const out = new Map<VectorSelector, [number, number]>();
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
        visit(e.expr, a - e.offsetMs - e.rangeMs, b - e.offsetMs);
        return;
      }
      case "paren":
      case "unary":
        visit(e.expr, lo, hi);
        return;
      case "call":
        for (const arg of e.args) visit(arg, lo, hi);
        return;
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
 */
export async function loadSelectors(
  root: Expr,
  w: PlanWindow,
  loader: SeriesLoader,
  maxSamples: number,
  checkDeadline: () => void,
): Promise<Map<VectorSelector, LoadedSeries[]>> {
  const ranges = selectorRanges(root, w);
  const shared = new Map<string, { selectors: VectorSelector[]; lo: number; hi: number }>();
  for (const [sel, [lo, hi]] of ranges) {
    const key = JSON.stringify(sel.matchers);
    const entry = shared.get(key);
    if (entry === undefined) shared.set(key, { selectors: [sel], lo, hi });
    else {
      entry.selectors.push(sel);
      entry.lo = Math.min(entry.lo, lo);
      entry.hi = Math.max(entry.hi, hi);
    }
  }
  const out = new Map<VectorSelector, LoadedSeries[]>();
  for (const entry of shared.values()) {
    checkDeadline();
    const series = await loader.load(entry.selectors[0]!.matchers, entry.lo, entry.hi, maxSamples);
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    for (const sel of entry.selectors) out.set(sel, series);
  }
  return out;
}
