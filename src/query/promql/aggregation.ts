// PromQL aggregation operators over one instant vector: grouping by/without and Prometheus 3.x's arithmetic
// (Kahan sums, overflow-safe means, Welford variance, NaN ordering of min/max/topk/bottomk/quantile).
import type { Aggregate } from "./ast.ts";
import { NAME_LABEL, labelsKey, signature } from "./labels.ts";
import { formatPromFloat } from "./format-float.ts";
import { executionError } from "./binary-ops.ts";
import type { Labels, Sample, Value } from "./values.ts";

/** Running state of one output group. */
class Group {
  readonly labels: Labels;
  count = 0;
  sum = 0;
  kahan = 0;
  mean = 0;
  incrementalMean = false;
  value = 0;
  readonly members: Sample[] = [];

  constructor(labels: Labels) {
    this.labels = labels;
  }
}

/**
 * Applies aggregation `e` to `samples`. `param` is the evaluated parameter (topk/bottomk/quantile scalar,
 * count_values string). Output groups come in order of first appearance; topk/bottomk keep the input label
 * sets. Throws ConflictError `PROMQL_EXECUTION` for a bad count_values label or an overflowing k.
 */
export function evalAggregate(e: Aggregate, samples: Sample[], param: Value | undefined, t: number): Sample[] {
  if (e.op === "count_values") return countValues(e, samples, param?.kind === "string" ? param.v : "", t);
  const k = param?.kind === "scalar" ? param.v : NaN;
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const s of samples) {
    const key = groupKey(s.labels, e);
    let g = groups.get(key);
    if (g === undefined) {
      g = new Group(isTopBottom(e.op) ? {} : groupLabels(s.labels, e));
      groups.set(key, g);
      order.push(g);
    }
    accumulate(e.op, g, s.v);
    if (e.op === "topk" || e.op === "bottomk" || e.op === "quantile") g.members.push(s);
  }
  if (e.op === "topk" || e.op === "bottomk") return selectK(e.op, order, k, t);
  const out: Sample[] = [];
  for (const g of order) out.push({ labels: g.labels, t, v: finish(e.op, g, k) });
  return out;
}

/** Group keys per aggregation node and input label set: series keep their label objects across steps. */
const GROUP_KEYS = new WeakMap<Aggregate, WeakMap<Labels, string>>();

/** The key of the output group of a sample with `labels` under aggregation `e`, cached per label object. */
function groupKey(labels: Labels, e: Aggregate): string {
  let keys = GROUP_KEYS.get(e);
  if (keys === undefined) {
    keys = new WeakMap();
    GROUP_KEYS.set(e, keys);
  }
  let key = keys.get(labels);
  if (key === undefined) {
    key = e.without ? labelsKey(groupLabels(labels, e)) : signature(labels, true, e.grouping);
    keys.set(labels, key);
  }
  return key;
}

function isTopBottom(op: string): boolean {
  return op === "topk" || op === "bottomk";
}

/** The output labels of a sample's group: only the `by` labels, or all but the `without` labels and the name. */
function groupLabels(labels: Labels, e: Aggregate): Labels {
  const out: Labels = {};
  if (e.without) {
    for (const k in labels) if (k !== NAME_LABEL && !e.grouping.includes(k)) out[k] = labels[k]!;
  } else {
    for (const k of e.grouping) if (labels[k] !== undefined && labels[k] !== "") out[k] = labels[k];
  }
  return out;
}

/** Neumaier-compensated addition as Prometheus's kahanSumInc: returns the new sum, updates `g.kahan`. */
function kahanAdd(g: Group, inc: number, sum: number): number {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) g.kahan = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) g.kahan += sum - t + inc;
  else g.kahan += inc - t + sum;
  return t;
}

function accumulate(op: Aggregate["op"], g: Group, v: number): void {
  const first = g.count === 0;
  g.count++;
  switch (op) {
    case "sum":
      g.sum = first ? v : kahanAdd(g, v, g.sum);
      return;
    case "avg":
      accumulateAvg(g, v, first);
      return;
    case "min":
      if (first || g.value > v || Number.isNaN(g.value)) g.value = v;
      return;
    case "max":
      if (first || g.value < v || Number.isNaN(g.value)) g.value = v;
      return;
    case "stddev":
    case "stdvar": {
      if (first) {
        g.mean = v;
        g.value = 0;
        return;
      }
      const delta = v - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (v - g.mean);
      return;
    }
    default:
      return;
  }
}

/** Direct mean with Kahan summation until the sum would overflow, then incremental mean (Prometheus 3.x). */
function accumulateAvg(g: Group, v: number, first: boolean): void {
  if (first) {
    g.sum = v;
    g.mean = v;
    return;
  }
  const n = g.count;
  if (!g.incrementalMean) {
    const saved = g.kahan;
    const next = kahanAdd(g, v, g.sum);
    if (next !== Infinity && next !== -Infinity) {
      g.sum = next;
      return;
    }
    g.kahan = saved;
    g.incrementalMean = true;
    g.mean = g.sum / (n - 1);
    g.kahan /= n - 1;
  }
  const q = (n - 1) / n;
  const c = q * g.kahan;
  g.kahan = c;
  g.mean = kahanAdd(g, v / n, q * g.mean);
}

function finish(op: Aggregate["op"], g: Group, param: number): number {
  switch (op) {
    case "sum":
      return g.sum + g.kahan;
    case "avg":
      if (g.count === 1) return g.sum;
      return g.incrementalMean ? g.mean + g.kahan : (g.sum + g.kahan) / g.count;
    case "min":
    case "max":
      return g.value;
    case "count":
      return g.count;
    case "group":
      return 1;
    case "stdvar":
      return g.value / g.count;
    case "stddev":
      return Math.sqrt(g.value / g.count);
    case "quantile":
      return quantile(
        param,
        g.members.map((s) => s.v),
      );
    default:
      return NaN;
  }
}

/** Prometheus's quantile over values: linear interpolation between closest ranks; NaN sorts first. */
function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

/** topk/bottomk: the k largest (smallest) samples of each group, NaN ranking last, best first. */
function selectK(op: "topk" | "bottomk", groups: Group[], kParam: number, t: number): Sample[] {
  if (kParam >= 9.223372036854776e18 || kParam < -9.223372036854776e18)
    throw executionError(`scalar value ${formatPromFloat(kParam)} overflows int64`);
  const k = Number.isNaN(kParam) ? 0 : Math.trunc(kParam);
  if (k < 1) return [];
  const better =
    op === "topk"
      ? (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : b - a)
      : (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);
  const out: Sample[] = [];
  for (const g of groups) {
    const best =
      k <= MAX_INSERTION_K ? firstK(g.members, k, better) : g.members.slice().sort((x, y) => better(x.v, y.v));
    for (let i = 0; i < best.length && i < k; i++) out.push({ labels: best[i]!.labels, t, v: best[i]!.v });
  }
  return out;
}

/** Largest k for which topk/bottomk keep a sorted insertion list instead of sorting the whole group. */
const MAX_INSERTION_K = 64;

/**
 * The first k of `members` in the order a stable sort by `cmp` gives (ties keep input order), in O(n·k) without
 * sorting everything. A comparison giving NaN counts as a tie, as it does for Array.prototype.sort.
 */
function firstK(members: readonly Sample[], k: number, cmp: (a: number, b: number) => number): Sample[] {
  const best: Sample[] = [];
  for (let i = 0; i < members.length; i++) {
    const x = members[i]!;
    if (best.length === k && !(cmp(x.v, best[k - 1]!.v) < 0)) continue;
    // After every kept sample that is not worse: those came earlier, so they win ties.
    let at = best.length;
    while (at > 0 && cmp(best[at - 1]!.v, x.v) > 0) at--;
    if (best.length === k) best.pop();
    best.splice(at, 0, x);
  }
  return best;
}

/** count_values: per group, the number of samples with each distinct value, in label `label`. */
function countValues(e: Aggregate, samples: Sample[], label: string, t: number): Sample[] {
  if (label === "") throw executionError(`invalid label name ${JSON.stringify(label)}`);
  const grouping = e.without ? e.grouping : [...e.grouping, label];
  const spec: Aggregate = { ...e, grouping };
  const groups = new Map<string, Sample>();
  const out: Sample[] = [];
  for (const s of samples) {
    const labels: Labels = { ...s.labels, [label]: formatPromFloat(s.v) };
    const key = e.without ? labelsKey(groupLabels(labels, spec)) : signature(labels, true, grouping);
    const g = groups.get(key);
    if (g !== undefined) {
      g.v++;
      continue;
    }
    const sample = { labels: groupLabels(labels, spec), t, v: 1 };
    groups.set(key, sample);
    out.push(sample);
  }
  return out;
}
