// In-memory aggregation of one group's rows into time buckets with the function library, plus InfluxDB's fill
// rules; used when storage cannot push an aggregate down (mode, top, subqueries, residual conditions, …).
import { LimitError } from "../../base/index.ts";
import { integrateSeries, keepsPointTime, reduceBucket, windowStart } from "./functions/index.ts";
import type { FunctionCall, ValueType } from "./functions/index.ts";
import type { FillOption } from "./ast.ts";
import type { Leaf } from "./select-plan.ts";
import type { InfluxValue } from "./statement-output.ts";

/** Rows of one output group, merged from its series, times ascending. */
export interface RowGroup {
  name: string;
  tags: Record<string, string>;
  times: bigint[];
  /** Tags of the series each row came from. */
  rowTags: Array<Record<string, string>>;
  fields: Map<string, InfluxValue[]>;
}

/** Aggregated rows: per leaf a value column; `pointRow` the group row a selector picked (aux columns), or -1. */
export interface AggTable {
  times: bigint[];
  leaves: Map<string, InfluxValue[]>;
  pointRow: number[];
  /** Tag values chosen by top()/bottom() tag arguments, per row. */
  auxTags: Array<Record<string, string> | null>;
}

/** How to bucket and label. */
export interface BucketOptions {
  interval?: { ns: bigint; offsetNs: bigint };
  /** First time of the range (inclusive) for GROUP BY time; the label without it. */
  startNs: bigint;
  /** End of the range (exclusive), GROUP BY time only. */
  endNs: bigint;
  fill: FillOption;
  /** ORDER BY time DESC: fill(previous) carries values backwards in time, as influxd fills in output order. */
  descending: boolean;
  valueType(field: string): ValueType | undefined;
  /** Most buckets a query may produce. */
  maxBuckets: number;
}

const EMPTY = undefined;

const UNFILLED = new Set(["integral", "distinct", "top", "bottom", "sample"]);

/** Aggregates `group` for `leaves`. Returns no rows when no leaf has a value in any bucket. */
export function aggregateRows(group: RowGroup, leaves: Leaf[], opts: BucketOptions): AggTable {
  const starts = bucketStarts(opts);
  const bounds = bucketBounds(group.times, starts, opts);
  const loneSelector =
    leaves.length === 1 &&
    opts.interval === undefined &&
    !["count", "sum", "mean", "median", "mode", "spread", "stddev", "integral", "distinct"].includes(
      leaves[0]!.call.name,
    );
  const table: AggTable = { times: [], leaves: new Map(leaves.map((l) => [l.key, []])), pointRow: [], auxTags: [] };
  const integrals = new Map<string, Map<bigint, number>>();
  for (const leaf of leaves) {
    if (leaf.call.name === "integral" && opts.interval !== undefined)
      integrals.set(leaf.key, integralByBucket(group, leaf, opts));
  }
  const cells: Array<Array<InfluxValue | undefined>> = leaves.map(() => []);
  // influxd emits no row for an empty bucket of integral, distinct, top, bottom or sample, whatever the fill.
  const unfilled = leaves.every((l) => UNFILLED.has(l.call.name));
  let any = false;
  for (let b = 0; b < starts.length; b++) {
    const lo = bounds[b]!;
    const hi = bounds[b + 1]!;
    const perLeaf = leaves.map((leaf) => {
      const integral = integrals.get(leaf.key);
      if (integral !== undefined) {
        const v = integral.get(starts[b]!);
        return v === undefined ? [] : [{ time: starts[b]!, value: v as InfluxValue, index: -1 }];
      }
      return reduceLeaf(group, leaf, lo, hi, starts[b]!, opts);
    });
    const k = Math.max(0, ...perLeaf.map((r) => r.length));
    if (k === 0) {
      if (opts.interval === undefined || unfilled) continue;
      table.times.push(starts[b]!);
      table.pointRow.push(-1);
      table.auxTags.push(null);
      for (const c of cells) c.push(EMPTY);
      continue;
    }
    any = true;
    const lead = perLeaf.find((r) => r.length === k)!;
    const leadLeaf = leaves[perLeaf.indexOf(lead)]!;
    for (let i = 0; i < k; i++) {
      const row = lead[i]!;
      // integral without GROUP BY time is labelled 0 by influxd (the library returns that time).
      const pointTime =
        keepsPointTime(leadLeaf.call.name) ||
        loneSelector ||
        (leadLeaf.call.name === "integral" && opts.interval === undefined);
      table.times.push(pointTime ? row.time : starts[b]!);
      table.pointRow.push(row.index >= 0 ? lo + row.index : -1);
      table.auxTags.push(row.tags ?? null);
      for (let l = 0; l < leaves.length; l++) {
        const r = perLeaf[l]!;
        cells[l]!.push(r.length === 0 ? EMPTY : r[Math.min(i, r.length - 1)]!.value);
      }
    }
  }
  if (!any) return { times: [], leaves: new Map(leaves.map((l) => [l.key, []])), pointRow: [], auxTags: [] };
  applyFill(table, leaves, cells, opts.fill, opts.descending, (leaf) =>
    integerResult(leaf, opts.valueType(leaf.field)),
  );
  return table;
}

function bucketStarts(opts: BucketOptions): bigint[] {
  if (opts.interval === undefined) return [opts.startNs];
  const { ns, offsetNs } = opts.interval;
  const first = windowStart(opts.startNs, ns, offsetNs);
  const last = windowStart(opts.endNs - 1n, ns, offsetNs);
  const count = (last - first) / ns + 1n;
  if (count > BigInt(opts.maxBuckets)) {
    throw new LimitError("QUERY_MAX_BUCKETS", `max-select-buckets limit exceeded: (${count}/${opts.maxBuckets})`);
  }
  const out: bigint[] = [];
  for (let t = first; t <= last; t += ns) out.push(t);
  return out;
}

/** Row index bounds per bucket: rows [bounds[b], bounds[b+1]) fall in bucket b. */
function bucketBounds(times: bigint[], starts: bigint[], opts: BucketOptions): number[] {
  const out: number[] = [];
  if (opts.interval === undefined) return [0, times.length];
  let r = 0;
  while (r < times.length && times[r]! < starts[0]!) r++;
  for (let b = 0; b < starts.length; b++) {
    out.push(r);
    const end = b + 1 < starts.length ? starts[b + 1]! : opts.endNs;
    while (r < times.length && times[r]! < end) r++;
  }
  out.push(r);
  return out;
}

interface LeafRow {
  time: bigint;
  value: InfluxValue;
  index: number;
  tags?: Record<string, string>;
}

function callOf(leaf: Leaf, name: string, opts: BucketOptions, args = leaf.args): FunctionCall {
  const valueType = opts.valueType(leaf.field);
  return { name, args, ...(valueType === undefined ? {} : { valueType }) };
}

function reduceLeaf(
  group: RowGroup,
  leaf: Leaf,
  lo: number,
  hi: number,
  start: bigint,
  opts: BucketOptions,
): LeafRow[] {
  const column = group.fields.get(leaf.field);
  if (column === undefined) {
    // Still validate arguments and types as InfluxDB does even without data.
    reduceBucket(callOf(leaf, leaf.call.name, opts), [], [], start);
    return [];
  }
  const times = group.times.slice(lo, hi);
  const values = column.slice(lo, hi);
  if (leaf.inner !== undefined) {
    const inner = reduceBucket(callOf(leaf, leaf.inner, opts, []), times, values, start);
    return reduceBucket(
      { name: leaf.call.name, args: leaf.args },
      inner.map(() => start),
      inner.map((r) => r.value),
      start,
    ).map((r) => ({ ...r, index: -1 }));
  }
  if (leaf.tagArgs.length > 0) return topByTags(group, leaf, lo, times, values, start, opts);
  if (leaf.call.name === "sum" || leaf.call.name === "mean") {
    const combined = perSeriesPartials(group, leaf, lo, hi, start, opts);
    if (combined !== null) return combined;
  }
  return reduceBucket(callOf(leaf, leaf.call.name, opts), times, values, start);
}

/**
 * sum/mean over rows of several series as influxd computes them: per series first, then the partial sums added
 * (mean: Σ meanᵢ·nᵢ / Σ nᵢ) in series order. Returns null when the rows come from a single series.
 */
function perSeriesPartials(
  group: RowGroup,
  leaf: Leaf,
  lo: number,
  hi: number,
  start: bigint,
  opts: BucketOptions,
): LeafRow[] | null {
  const bySeries = new Map<Record<string, string>, number[]>();
  for (let r = lo; r < hi; r++) {
    const tags = group.rowTags[r]!;
    let list = bySeries.get(tags);
    if (list === undefined) bySeries.set(tags, (list = []));
    list.push(r);
  }
  if (bySeries.size < 2) return null;
  const column = group.fields.get(leaf.field)!;
  const partials: Array<{ value: InfluxValue; count: number }> = [];
  for (const rows of bySeries.values()) {
    const values = rows.map((r) => column[r]!);
    const out = reduceBucket(
      callOf(leaf, leaf.call.name, opts),
      rows.map((r) => group.times[r]!),
      values,
      start,
    );
    if (out.length > 0) partials.push({ value: out[0]!.value, count: values.filter((v) => v !== null).length });
  }
  const value = combinePartials(leaf.call.name, partials, opts.valueType(leaf.field));
  return value === undefined ? [] : [{ time: start, value, index: -1 }];
}

/**
 * Combines per-series partial results of sum, mean or count in series order as influxd's reducers do: sums and
 * counts add up, means weigh by their counts. Returns undefined when no series had a value.
 */
export function combinePartials(
  fn: string,
  partials: Array<{ value: InfluxValue; count: number }>,
  type: ValueType | undefined,
): InfluxValue | undefined {
  if (partials.length === 0) return undefined;
  if (fn === "mean") {
    let sum = 0;
    let n = 0;
    for (const p of partials) {
      if (p.value === null) return null; // NaN propagates (printed as null)
      sum += Number(p.value) * p.count;
      n += p.count;
    }
    return sum / n;
  }
  if (fn === "count" || type === "integer" || type === "unsigned") {
    let total = 0n;
    for (const p of partials) total += BigInt(p.value as number | bigint);
    const wrapped = type === "unsigned" ? BigInt.asUintN(64, total) : BigInt.asIntN(64, total);
    return wrapped >= -9007199254740991n && wrapped <= 9007199254740991n ? Number(wrapped) : wrapped;
  }
  let sum = 0;
  for (let i = 0; i < partials.length; i++) {
    const v = partials[i]!.value;
    if (v === null) return null;
    sum = i === 0 ? Number(v) : sum + Number(v);
  }
  return sum;
}

/** top/bottom(field, tag…, N): the best point per tag combination, then the N best of those. */
function topByTags(
  group: RowGroup,
  leaf: Leaf,
  lo: number,
  times: bigint[],
  values: InfluxValue[],
  start: bigint,
  opts: BucketOptions,
): LeafRow[] {
  const byCombo = new Map<string, number[]>();
  for (let i = 0; i < times.length; i++) {
    const tags = group.rowTags[lo + i]!;
    const key = JSON.stringify(leaf.tagArgs.map((t) => tags[t] ?? ""));
    let list = byCombo.get(key);
    if (list === undefined) byCombo.set(key, (list = []));
    list.push(i);
  }
  const candidates: number[] = [];
  for (const idx of byCombo.values()) {
    const best = reduceBucket(
      callOf(leaf, leaf.call.name, opts, [1]),
      idx.map((i) => times[i]!),
      idx.map((i) => values[i]!),
      start,
    );
    if (best.length > 0) candidates.push(idx[best[0]!.index]!);
  }
  candidates.sort((a, b) => (times[a]! < times[b]! ? -1 : times[a]! > times[b]! ? 1 : a - b));
  const rows = reduceBucket(
    callOf(leaf, leaf.call.name, opts),
    candidates.map((i) => times[i]!),
    candidates.map((i) => values[i]!),
    start,
  );
  return rows.map((r) => {
    const i = candidates[r.index]!;
    const tags = group.rowTags[lo + i]!;
    const picked: Record<string, string> = {};
    for (const t of leaf.tagArgs) picked[t] = tags[t] ?? "";
    return { time: r.time, value: r.value, index: i, tags: picked };
  });
}

function integralByBucket(group: RowGroup, leaf: Leaf, opts: BucketOptions): Map<bigint, number> {
  const column = group.fields.get(leaf.field) ?? [];
  const out = integrateSeries(callOf(leaf, "integral", opts), group.times, column, {
    intervalNs: opts.interval!.ns,
    offsetNs: opts.interval!.offsetNs,
  });
  return new Map(out.times.map((t, i) => [t, out.values[i]!]));
}

const FLOAT_RESULTS = new Set(["mean", "median", "stddev", "integral"]);

/** True when `leaf` yields integers (count, or an integer field through a type-keeping function). */
export function integerResult(leaf: Leaf, t: ValueType | undefined): boolean {
  if (leaf.call.name === "count") return true;
  return (t === "integer" || t === "unsigned") && !FLOAT_RESULTS.has(leaf.call.name);
}

/**
 * Fills empty (undefined) cells per column as InfluxDB's fill iterator (docs/rfc/0002, "Fill"), setting
 * `table.leaves` from `cells` and dropping rows for fill(none).
 */
export function applyFill(
  table: AggTable,
  leaves: Leaf[],
  cells: Array<Array<InfluxValue | undefined>>,
  fill: FillOption,
  descending: boolean,
  isInteger: (leaf: Leaf) => boolean,
): void {
  const n = table.times.length;
  const keep = new Array<boolean>(n).fill(true);
  if (fill === "none") {
    for (let r = 0; r < n; r++) keep[r] = cells.some((c) => c[r] !== EMPTY);
  }
  leaves.forEach((leaf, l) => {
    const c = cells[l]!;
    const isCount = leaf.call.name === "count";
    const integer = isInteger(leaf);
    const out = new Array<InfluxValue>(n);
    let prev: InfluxValue = null;
    for (let k = 0; k < n; k++) {
      const r = descending ? n - 1 - k : k;
      const v = c[r];
      if (v !== EMPTY) {
        out[r] = v;
        prev = v;
        continue;
      }
      if (fill === "previous") out[r] = prev;
      else if (fill === "linear") out[r] = linearAt(c, r, integer);
      else if (typeof fill === "object") out[r] = integer ? Math.trunc(fill.value) : fill.value;
      else out[r] = isCount && fill === "null" ? 0 : null;
    }
    table.leaves.set(leaf.key, out);
  });
  if (keep.every(Boolean)) return;
  const idx = keep.flatMap((k, i) => (k ? [i] : []));
  table.times = idx.map((i) => table.times[i]!);
  table.pointRow = idx.map((i) => table.pointRow[i]!);
  table.auxTags = idx.map((i) => table.auxTags[i]!);
  for (const [k, v] of table.leaves)
    table.leaves.set(
      k,
      idx.map((i) => v[i]!),
    );
}

function linearAt(c: Array<InfluxValue | undefined>, r: number, integer: boolean): InfluxValue {
  let a = r - 1;
  while (a >= 0 && c[a] === EMPTY) a--;
  let b = r + 1;
  while (b < c.length && c[b] === EMPTY) b++;
  if (a < 0 || b >= c.length) return null;
  const va = c[a];
  const vb = c[b];
  if ((typeof va !== "number" && typeof va !== "bigint") || (typeof vb !== "number" && typeof vb !== "bigint"))
    return null;
  // influxd's linearFloat over bucket indexes: m·x + b with m = Δv / Δk (one row per bucket here).
  const y = ((Number(vb) - Number(va)) / (b - a)) * (r - a) + Number(va);
  return integer ? Math.trunc(y) : y;
}
