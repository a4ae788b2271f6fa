// Pushed-down aggregation with influxd's per-series partials: sum and mean are computed by storage per series and
// combined here in series order (as influxd's reducers merge them), so float results match influxd bit for bit.
import type { FieldSelection, NativeQuery, TimeSeriesStore } from "../../storage/index.ts";
import { windowStart } from "./functions/index.ts";
import type { ValueType } from "./functions/index.ts";
import type { FillOption } from "./ast.ts";
import { applyFill, combinePartials, integerResult } from "./aggregate-rows.ts";
import type { AggTable } from "./aggregate-rows.ts";
import type { Leaf } from "./select-plan.ts";
import type { InfluxValue } from "./statement-output.ts";

/** How the buckets of a partial aggregation are laid out and filled. */
export interface PartialOptions {
  interval?: { ns: bigint; offsetNs: bigint };
  startNs: bigint;
  endNs: bigint;
  /** Time label without GROUP BY time (the WHERE start, or 0). */
  labelNs: bigint;
  fill: FillOption;
  descending: boolean;
  valueType(field: string): ValueType | undefined;
}

/** True when the leaves need per-series partials (sum or mean) to match influxd exactly. */
export function needsPartials(leaves: Leaf[]): boolean {
  return leaves.some((l) => l.call.name === "sum" || l.call.name === "mean");
}

interface GroupCells {
  tags: Record<string, string>;
  /** Per leaf, per bucket: the partial results of each series, in series order. */
  partials: Array<Map<number, Array<{ value: InfluxValue; count: number }>>>;
  /** Per leaf, per bucket: a complete value (leaves storage grouped itself). */
  direct: Array<Map<number, InfluxValue>>;
}

/**
 * Runs `base` (measurement, matchers, field conditions, range) as two storage queries: sum/mean/count leaves per
 * series, the other leaves per group; combines, fills and returns one table per group (ascending), sorted by
 * group key.
 */
export async function partialAggregate(
  store: TimeSeriesStore,
  db: string,
  base: NativeQuery,
  leaves: Leaf[],
  groupTags: string[],
  opts: PartialOptions,
): Promise<Array<{ tags: Record<string, string>; table: AggTable }>> {
  const starts = bucketStarts(opts);
  const first = starts[0]!;
  const slot = (t: bigint): number => (opts.interval === undefined ? 0 : Number((t - first) / opts.interval.ns));
  const groups = new Map<string, GroupCells>();
  const groupOf = (seriesTags: Record<string, string>): GroupCells => {
    const picked: Record<string, string> = {};
    for (const t of groupTags) picked[t] = seriesTags[t] ?? "";
    const key = JSON.stringify(groupTags.map((t) => picked[t]));
    let g = groups.get(key);
    if (g === undefined) {
      g = {
        tags: picked,
        partials: leaves.map(() => new Map<number, Array<{ value: InfluxValue; count: number }>>()),
        direct: leaves.map(() => new Map<number, InfluxValue>()),
      };
      groups.set(key, g);
    }
    return g;
  };
  const time = (q: NativeQuery): NativeQuery => {
    if (opts.interval === undefined) return q;
    return { ...q, groupBy: { ...q.groupBy, time: opts.interval.ns, offset: opts.interval.offsetNs } };
  };

  const perSeries: FieldSelection[] = [];
  const perGroup: FieldSelection[] = [];
  leaves.forEach((l, i) => {
    const name = l.call.name;
    if (name === "sum" || name === "count") perSeries.push({ field: l.field, fn: name, as: `p${i}` });
    else if (name === "mean") {
      perSeries.push({ field: l.field, fn: "mean", as: `p${i}` }, { field: l.field, fn: "count", as: `n${i}` });
    } else {
      const sel: FieldSelection = { field: l.field, fn: name as FieldSelection["fn"], as: `g${i}` };
      if (name === "percentile") sel.percentile = Number(l.args[0]);
      perGroup.push(sel);
    }
  });

  const a = await store.query(db, time({ ...base, fields: perSeries, groupBy: { tags: "*" }, fill: "none" }));
  for (const s of a.series) {
    const g = groupOf(s.tags);
    const column = (name: string): InfluxValue[] => s.values[s.columns.indexOf(name) - 1]! as InfluxValue[];
    leaves.forEach((l, i) => {
      if (!perSeries.some((p) => p.as === `p${i}`)) return;
      const values = column(`p${i}`);
      const counts = l.call.name === "mean" ? column(`n${i}`) : null;
      for (let r = 0; r < s.times.length; r++) {
        const v = values[r]!;
        if (v === null && counts === null) continue;
        const b = slot(s.times[r]!);
        let list = g.partials[i]!.get(b);
        if (list === undefined) g.partials[i]!.set(b, (list = []));
        list.push({ value: v, count: counts === null ? 0 : Number(counts[r]) });
      }
    });
  }
  if (perGroup.length > 0) {
    const groupBy = groupTags.length > 0 ? { tags: groupTags } : {};
    const b = await store.query(db, time({ ...base, fields: perGroup, groupBy, fill: "none" }));
    for (const s of b.series) {
      const g = groupOf(s.tags);
      leaves.forEach((_l, i) => {
        const c = s.columns.indexOf(`g${i}`);
        if (c < 0) return;
        for (let r = 0; r < s.times.length; r++)
          g.direct[i]!.set(slot(s.times[r]!), s.values[c - 1]![r]! as InfluxValue);
      });
    }
  }

  const out: Array<{ key: string; tags: Record<string, string>; table: AggTable }> = [];
  for (const [key, g] of groups) {
    const cells: Array<Array<InfluxValue | undefined>> = leaves.map(
      () => new Array<InfluxValue | undefined>(starts.length),
    );
    let any = false;
    leaves.forEach((l, i) => {
      for (let b = 0; b < starts.length; b++) {
        let v: InfluxValue | undefined = g.direct[i]!.get(b);
        const parts = g.partials[i]!.get(b);
        if (parts !== undefined) v = combinePartials(l.call.name, parts, opts.valueType(l.field));
        if (v !== undefined) any = true;
        cells[i]![b] = v;
      }
    });
    if (!any) continue;
    const rows = opts.interval === undefined ? [opts.labelNs] : starts;
    if (opts.interval === undefined && cells.every((c) => c[0] === undefined)) continue;
    const table: AggTable = {
      times: rows.slice(),
      leaves: new Map(),
      pointRow: rows.map(() => -1),
      auxTags: rows.map(() => null),
    };
    applyFill(table, leaves, cells, opts.fill, opts.descending, (leaf) =>
      integerResult(leaf, opts.valueType(leaf.field)),
    );
    if (table.times.length > 0) out.push({ key, tags: g.tags, table });
  }
  out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return out.map(({ tags, table }) => ({ tags, table }));
}

function bucketStarts(opts: PartialOptions): bigint[] {
  if (opts.interval === undefined) return [opts.labelNs];
  const { ns, offsetNs } = opts.interval;
  const out: bigint[] = [];
  const last = windowStart(opts.endNs - 1n, ns, offsetNs);
  for (let t = windowStart(opts.startNs, ns, offsetNs); t <= last; t += ns) out.push(t);
  return out;
}
