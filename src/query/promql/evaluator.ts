// Evaluates a PromQL syntax tree at one evaluation time over series already loaded in memory: selectors with
// lookback and staleness, offset and @, subqueries, function calls; aggregations and binary operators are
// delegated. Knows nothing of storage or HTTP.
import { InternalError, InvalidError, LimitError } from "../../base/index.ts";
import type { AtModifier, Call, Expr, Subquery, VectorSelector } from "./ast.ts";
import { evalAggregate } from "./aggregation.ts";
import { evalBinary, assertUniqueLabels, sameName } from "./binary-ops.ts";
import { NAME_LABEL, labelsKey } from "./labels.ts";
import type { FunctionContext, RangeReduction } from "./functions/index.ts";
import {
  StepBlock,
  blockSteps,
  computeInstantBlock,
  computeRangeCallBlock,
  countLive,
  liveWindow,
  upperBound,
} from "./step-blocks.ts";
import type { LoadedSeries } from "./series-loader.ts";
import { tooManySamples } from "./series-loader.ts";
import type { Labels, Sample, Series, Value } from "./values.ts";

/** Most (step, series) cells a step block holds by default, bounding its memory (~9 bytes a cell) and build time. */
const DEFAULT_BLOCK_CELLS = 1 << 20;

/** Fixed parameters of one query's evaluation. All times and durations in ms. */
export interface EvalSettings {
  startMs: number;
  endMs: number;
  /** Step of a range query; 0 for an instant query. */
  stepMs: number;
  /** Most (step, series) cells of one step block (default 2^20); tests lower it to cross block boundaries. */
  blockCells?: number;
  lookbackMs: number;
  /** Resolution of subqueries without a step (Prometheus's default evaluation interval). */
  subqueryStepMs: number;
  /** Monotonic deadline (performance.now() ms) after which evaluation fails. */
  deadlineMs: number;
  timeoutMs: number;
  maxSamples: number;
}

/**
 * Evaluates expressions step by step. Holds per-query caches (subquery results by inner time), so one instance
 * serves one query. Synchronous; the caller paces steps.
 */
export class Evaluator {
  private readonly settings: EvalSettings;
  private readonly data: ReadonlyMap<VectorSelector, LoadedSeries[]>;
  private readonly subqueryCache = new Map<Subquery, Map<number, Sample[]>>();
  private readonly sameNameCache = new Map<VectorSelector, boolean>();
  private windows = new Int32Array(0);
  /**
   * Per instant selector and range-function call: the block of range-query steps computed last, or null when the
   * call cannot be blocked.
   */
  private readonly blocks = new Map<Expr, StepBlock | null>();
  /** Samples selected during the current step (reset by the caller), for the sample limit. */
  stepSamples = 0;
  /** Samples the caller holds across steps (the range-query result so far). */
  heldSamples = 0;

  constructor(settings: EvalSettings, data: ReadonlyMap<VectorSelector, LoadedSeries[]>) {
    this.settings = settings;
    this.data = data;
  }

  /** Throws LimitError `PROMQL_TIMEOUT` once the deadline has passed. */
  checkDeadline(): void {
    if (performance.now() > this.settings.deadlineMs)
      throw new LimitError(
        "PROMQL_TIMEOUT",
        `query timed out in expression evaluation after ${this.settings.timeoutMs} ms`,
      );
  }

  /** Records `n` more samples held across steps (a range query's result); throws past the sample limit. */
  hold(n: number): void {
    this.heldSamples += n;
    if (this.stepSamples + this.heldSamples > this.settings.maxSamples) throw tooManySamples();
  }

  private count(n: number): void {
    this.stepSamples += n;
    if (this.stepSamples + this.heldSamples > this.settings.maxSamples) throw tooManySamples();
  }

  /** Evaluates `e` at time `t` (ms). */
  evalAt(e: Expr, t: number): Value {
    switch (e.type) {
      case "number":
        return { kind: "scalar", t, v: e.value };
      case "string":
        return { kind: "string", t, v: e.value };
      case "paren":
        return this.evalAt(e.expr, t);
      case "unary":
        return this.evalUnary(e.op, this.evalAt(e.expr, t));
      case "selector":
        return e.rangeMs > 0 ? this.evalRangeSelector(e, t) : this.evalInstantSelector(e, t, false);
      case "subquery":
        return this.evalSubquery(e, t);
      case "call":
        return this.evalCall(e, t);
      case "aggregate": {
        const param = e.param === undefined ? undefined : this.evalAt(e.param, t);
        const input = this.evalAt(e.expr, t);
        if (input.kind !== "vector") throw new InvalidError("PROMQL_BAD_DATA", "aggregation needs an instant vector");
        return { kind: "vector", samples: evalAggregate(e, input.samples, param, t) };
      }
      case "binary":
        return evalBinary(e, this.evalAt(e.lhs, t), this.evalAt(e.rhs, t), t);
    }
  }

  private evalUnary(op: "-" | "+", v: Value): Value {
    if (op === "+") return v;
    if (v.kind === "scalar") return { kind: "scalar", t: v.t, v: -v.v };
    if (v.kind !== "vector") return v;
    const samples = v.samples.map((s) => ({ labels: dropName(s.labels), t: s.t, v: -s.v }));
    if (!sameName(v.samples)) assertUniqueLabels(samples);
    return { kind: "vector", samples };
  }

  /** The time a selector or subquery reads at for evaluation time `t`: `@` replaces it, then offset shifts it. */
  private effectiveTime(at: AtModifier, offsetMs: number, t: number): number {
    const base =
      at === undefined ? t : at === "start" ? this.settings.startMs : at === "end" ? this.settings.endMs : at;
    return base - offsetMs;
  }

  private seriesOf(e: VectorSelector): LoadedSeries[] {
    return this.data.get(e) ?? [];
  }

  /**
   * The latest sample of each series in (te - lookback, te], skipping series whose latest sample is a stale
   * marker. `sampleTime` gives samples their own timestamps (for timestamp()); otherwise they carry `t`.
   */
  evalInstantSelector(e: VectorSelector, t: number, sampleTime: boolean): Value {
    if (!sampleTime) {
      const block = this.instantBlockFor(e, t);
      if (block !== null) return this.instantFromBlock(block, e, t);
    }
    const te = this.effectiveTime(e.at, e.offsetMs, t);
    const from = te - this.settings.lookbackMs;
    const samples: Sample[] = [];
    const all = this.seriesOf(e);
    for (let s = 0; s < all.length; s++) {
      const series = all[s]!;
      const i = upperBound(series.ts, te) - 1;
      if (i < 0 || series.ts[i]! <= from || series.stale[i] === 1) continue;
      samples.push({ labels: series.labels, t: sampleTime ? series.ts[i]! : t, v: series.vs[i]! });
    }
    this.count(samples.length);
    return { kind: "vector", samples };
  }

  /** The points of each series in (te - range, te], stale markers dropped; series without points omitted. */
  private evalRangeSelector(e: VectorSelector, t: number): Value {
    const te = this.effectiveTime(e.at, e.offsetMs, t);
    const out: Series[] = [];
    const all = this.seriesOf(e);
    let total = 0;
    for (let s = 0; s < all.length; s++) {
      const series = all[s]!;
      const lo = upperBound(series.ts, te - e.rangeMs);
      const hi = upperBound(series.ts, te);
      if (lo >= hi) continue;
      const ts: number[] = [];
      const vs: number[] = [];
      for (let i = lo; i < hi; i++) {
        if (series.stale[i] === 1) continue;
        ts.push(series.ts[i]!);
        vs.push(series.vs[i]!);
      }
      if (ts.length === 0) continue;
      total += ts.length;
      out.push({ labels: series.labels, ts, vs });
    }
    this.count(total);
    return { kind: "matrix", series: out };
  }

  /** Inner evaluations at the multiples of the step in (te - range, te], grouped into series. */
  private evalSubquery(e: Subquery, t: number): Value {
    const te = this.effectiveTime(e.at, e.offsetMs, t);
    const step = e.stepMs > 0 ? e.stepMs : this.settings.subqueryStepMs;
    let cache = this.subqueryCache.get(e);
    if (cache === undefined) {
      cache = new Map();
      this.subqueryCache.set(e, cache);
    }
    const from = te - e.rangeMs;
    let ti = Math.floor(from / step) * step;
    if (ti <= from) ti += step;
    const byKey = new Map<string, Series>();
    const out: Series[] = [];
    let total = 0;
    for (; ti <= te; ti += step) {
      let samples = cache.get(ti);
      if (samples === undefined) {
        this.checkDeadline();
        const v = this.evalAt(e.expr, ti);
        samples = v.kind === "vector" ? v.samples : [];
        cache.set(ti, samples);
      }
      for (const s of samples) {
        const key = labelsKey(s.labels);
        let series = byKey.get(key);
        if (series === undefined) {
          series = { labels: s.labels, ts: [], vs: [] };
          byKey.set(key, series);
          out.push(series);
        }
        series.ts.push(ti);
        series.vs.push(s.v);
        total++;
      }
    }
    this.count(total);
    return { kind: "matrix", series: out };
  }

  private evalCall(e: Call, t: number): Value {
    const range = e.def.range;
    if (range !== undefined) {
      const arg = e.args[range.matrixIndex];
      if (arg !== undefined && arg.type === "selector" && arg.rangeMs > 0) return this.evalRangeCall(e, range, arg, t);
    }
    const args: Value[] = [];
    let timeMs = t;
    let rangeMs = 0;
    for (const arg of e.args) {
      if (arg.type === "selector" && arg.rangeMs > 0) {
        timeMs = this.effectiveTime(arg.at, arg.offsetMs, t);
        rangeMs = arg.rangeMs;
      } else if (arg.type === "subquery") {
        timeMs = this.effectiveTime(arg.at, arg.offsetMs, t);
        rangeMs = arg.rangeMs;
      }
      if (e.name === "timestamp" && arg.type === "selector") args.push(this.evalInstantSelector(arg, t, true));
      else args.push(this.evalAt(arg, t));
    }
    const ctx: FunctionContext = { timeMs, rangeMs, startMs: this.settings.startMs, endMs: this.settings.endMs };
    const argExprLabels = e.args.length > 0 ? [absentLabels(e.args[0]!)] : [];
    const result = e.def.call(args, ctx, argExprLabels);
    if (result.kind === "vector") {
      // Range functions keep or drop only the name, so distinct inputs sharing one name stay distinct.
      const arg = args[0];
      if (!(rangeMs > 0 && arg?.kind === "matrix" && sameName(arg.series))) assertUniqueLabels(result.samples);
    } else if (result.kind === "scalar") {
      return { kind: "scalar", t, v: result.v };
    }
    return result;
  }

  /**
   * A range function over a range selector (`rate(m[5m])`), reduced in place over each series' stored columns:
   * the result of evaluating the matrix and calling the function, without copying windows. At the steps of a
   * range query the results come from blocks computed series by series (see step-blocks.ts).
   */
  private evalRangeCall(e: Call, range: RangeReduction, sel: VectorSelector, t: number): Value {
    const scalars: number[] = [];
    for (let i = 0; i < e.args.length; i++) {
      if (i === range.matrixIndex) continue;
      const v = this.evalAt(e.args[i]!, t);
      if (v.kind !== "scalar")
        throw new InternalError("PROMQL_BAD_FUNCTION_ARG", `${e.name}(): argument ${i + 1} is not a scalar`);
      scalars.push(v.v);
    }
    const all = this.seriesOf(sel);
    const block = this.blockFor(e, range, sel, scalars, all, t);
    if (block !== null) return this.fromBlock(block, range, sel, all, this.stepIndex(t));
    const te = this.effectiveTime(sel.at, sel.offsetMs, t);
    const windows = this.windowScratch(all.length);
    // Bounds first, so the sample limit fails before the function runs, as it does when the matrix is built.
    let total = 0;
    for (let s = 0; s < all.length; s++) {
      const series = all[s]!;
      const lo = upperBound(series.ts, te - sel.rangeMs);
      const hi = lo < series.ts.length && series.ts[lo]! <= te ? upperBound(series.ts, te) : lo;
      windows[2 * s] = lo;
      windows[2 * s + 1] = hi;
      total += series.staleCount === 0 ? hi - lo : countLive(series.stale, lo, hi);
    }
    this.count(total);
    const ctx = this.functionContext(te, sel.rangeMs);
    const samples: Sample[] = [];
    let checked = range.check === undefined;
    for (let s = 0; s < all.length; s++) {
      const series = all[s]!;
      let ts: ArrayLike<number> = series.ts;
      let vs: ArrayLike<number> = series.vs;
      let from = windows[2 * s]!;
      let to = windows[2 * s + 1]!;
      if (series.staleCount > 0 && countLive(series.stale, from, to) < to - from) {
        const live = liveWindow(series, from, to);
        ts = live[0];
        vs = live[1];
        from = 0;
        to = live[0].length;
      }
      if (from >= to) continue;
      if (!checked) {
        range.check!(scalars);
        checked = true;
      }
      const v = range.reduce(ts, vs, from, to, ctx, scalars);
      if (v === undefined) continue;
      samples.push({ labels: range.keepName ? series.labels : series.unnamed, t: te, v });
    }
    // Loaded label sets are distinct; dropping the name keeps them so when every series has the same name.
    if (!range.keepName && !this.sameNameOf(sel, all)) assertUniqueLabels(samples);
    return { kind: "vector", samples };
  }

  /** The index of `t` on the range query's step grid, or -1 when it is not a step time (or not a range query). */
  private stepIndex(t: number): number {
    const { startMs, endMs, stepMs } = this.settings;
    if (!(stepMs > 0) || t < startMs || t > endMs) return -1;
    const k = Math.round((t - startMs) / stepMs);
    return startMs + k * stepMs === t ? k : -1;
  }

  /**
   * The block holding call `e` at step time `t`, computing it when needed; null when `t` is not a step time, the
   * scalar arguments are not constants (they could change per step) or the function's argument check fails (the
   * per-step path then raises it exactly where Prometheus would).
   */
  private blockFor(
    e: Call,
    range: RangeReduction,
    sel: VectorSelector,
    scalars: number[],
    all: readonly LoadedSeries[],
    t: number,
  ): StepBlock | null {
    const k = this.stepIndex(t);
    if (k < 0 || all.length === 0) return null;
    const cached = this.blocks.get(e);
    if (cached === null) return null;
    if (cached !== undefined && cached.covers(k)) return cached;
    if (cached === undefined) {
      let usable = e.args.every((arg, i) => i === range.matrixIndex || isConstant(arg));
      if (usable && range.check !== undefined) {
        try {
          range.check(scalars);
        } catch {
          usable = false; // the per-step path throws it at the first step with data
        }
      }
      if (!usable) {
        this.blocks.set(e, null);
        return null;
      }
    }
    const block = this.newBlock(e, k, all.length);
    const ends = this.windowEnds(sel, block);
    const ctx = this.functionContext(ends[0]!, sel.rangeMs);
    computeRangeCallBlock(block, range, scalars, all, ends, ctx, () => this.checkDeadline());
    return block;
  }

  /** The block holding selector `e` at step time `t`, computing it when needed; null off the step grid. */
  private instantBlockFor(e: VectorSelector, t: number): StepBlock | null {
    const k = this.stepIndex(t);
    const all = this.seriesOf(e);
    if (k < 0 || all.length === 0) return null;
    const cached = this.blocks.get(e);
    if (cached !== undefined && cached !== null && cached.covers(k)) return cached;
    const block = this.newBlock(e, k, all.length);
    computeInstantBlock(block, all, this.windowEnds(e, block), this.settings.lookbackMs, () => this.checkDeadline());
    return block;
  }

  /** The instant vector of step time `t` held by `block`. */
  private instantFromBlock(block: StepBlock, e: VectorSelector, t: number): Value {
    const j = this.stepIndex(t) - block.firstStep;
    const all = this.seriesOf(e);
    const S = block.seriesCount;
    const samples: Sample[] = [];
    for (let s = 0; s < S; s++) {
      const cell = j * S + s;
      if (block.present[cell] === 1) samples.push({ labels: all[s]!.labels, t, v: block.values[cell]! });
    }
    this.count(samples.length);
    return { kind: "vector", samples };
  }

  /** A new block for `e` starting at step `k`, replacing the previous one. */
  private newBlock(e: Expr, k: number, seriesCount: number): StepBlock {
    const { startMs, endMs, stepMs } = this.settings;
    const totalSteps = Math.floor((endMs - startMs) / stepMs) + 1;
    const steps = blockSteps(k, totalSteps, seriesCount, this.settings.blockCells ?? DEFAULT_BLOCK_CELLS);
    const block = new StepBlock(k, steps, seriesCount);
    this.blocks.set(e, block);
    return block;
  }

  /** The time selector `sel` reads at for each step of `block`. */
  private windowEnds(sel: VectorSelector, block: StepBlock): Float64Array {
    const { startMs, stepMs } = this.settings;
    const ends = new Float64Array(block.steps);
    for (let j = 0; j < block.steps; j++)
      ends[j] = this.effectiveTime(sel.at, sel.offsetMs, startMs + (block.firstStep + j) * stepMs);
    return ends;
  }

  /** The vector of step `k` held by `block`. */
  private fromBlock(
    block: StepBlock,
    range: RangeReduction,
    sel: VectorSelector,
    all: readonly LoadedSeries[],
    k: number,
  ): Value {
    const j = k - block.firstStep;
    this.count(block.selected[j]!);
    const te = this.effectiveTime(sel.at, sel.offsetMs, this.settings.startMs + k * this.settings.stepMs);
    const S = block.seriesCount;
    const samples: Sample[] = [];
    for (let s = 0; s < S; s++) {
      const cell = j * S + s;
      if (block.present[cell] === 0) continue;
      const series = all[s]!;
      samples.push({ labels: range.keepName ? series.labels : series.unnamed, t: te, v: block.values[cell]! });
    }
    if (!range.keepName && !this.sameNameOf(sel, all)) assertUniqueLabels(samples);
    return { kind: "vector", samples };
  }

  private functionContext(timeMs: number, rangeMs: number): FunctionContext {
    return { timeMs, rangeMs, startMs: this.settings.startMs, endMs: this.settings.endMs };
  }

  /** Whether every series of `sel` has one metric name, computed once per selector. */
  private sameNameOf(sel: VectorSelector, all: readonly LoadedSeries[]): boolean {
    let same = this.sameNameCache.get(sel);
    if (same === undefined) {
      same = sameName(all);
      this.sameNameCache.set(sel, same);
    }
    return same;
  }

  /** A reused array for 2 window bounds per series. */
  private windowScratch(series: number): Int32Array {
    if (this.windows.length < 2 * series) this.windows = new Int32Array(Math.max(2 * series, 2 * this.windows.length));
    return this.windows;
  }
}

/** The labels absent() gives its output: the argument selector's equality matchers (Prometheus's rules). */
function absentLabels(arg: Expr): Labels {
  if (arg.type !== "selector") return {};
  const out: Labels = {};
  const seen = new Set<string>();
  for (const m of arg.matchers) {
    if (m.name === NAME_LABEL) continue;
    if (m.op === "=" && !seen.has(m.name)) {
      out[m.name] = m.value;
      seen.add(m.name);
    } else {
      delete out[m.name];
    }
  }
  return out;
}

function dropName(labels: Labels): Labels {
  if (labels[NAME_LABEL] === undefined) return labels;
  const out: Labels = {};
  for (const k in labels) if (k !== NAME_LABEL) out[k] = labels[k]!;
  return out;
}

/** True for number literals, possibly negated or parenthesised: the same value at every step. */
function isConstant(e: Expr): boolean {
  if (e.type === "number") return true;
  if (e.type === "paren" || e.type === "unary") return isConstant(e.expr);
  return false;
}
