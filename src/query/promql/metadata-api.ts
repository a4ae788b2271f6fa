// Series and label listings as the /api/v1/series, /labels, /label/<name>/values and /metadata routes need them,
// answered from the storage schema and, when selectors narrow them, from per-series presence of each field.
import { InvalidError, isTsdbError } from "../../base/index.ts";
import type { MetricMetadata, TimeSeriesStore } from "../../storage/index.ts";
import type { VectorSelector } from "./ast.ts";
import { PROM_FUNCTIONS } from "./functions/index.ts";
import { NAME_LABEL, compareLabels, compareStrings, labelsKey } from "./labels.ts";
import { parsePromQL } from "./parser.ts";
import { SeriesLoader, tagMatchers } from "./series-loader.ts";
import type { Labels } from "./values.ts";

const NS_PER_MS = 1_000_000n;

function parseMatchers(matchers: readonly string[]): VectorSelector[] {
  return matchers.map((text) => {
    let e;
    try {
      e = parsePromQL(text, PROM_FUNCTIONS);
    } catch (error) {
      throw new InvalidError("PROMQL_BAD_DATA", `invalid parameter "match[]": ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (e.type !== "selector" || e.rangeMs > 0 || e.offsetMs !== 0 || e.at !== undefined)
      throw new InvalidError("PROMQL_BAD_DATA", `invalid parameter "match[]": 1:1: parse error: expected a selector`);
    return e;
  });
}

/**
 * Label sets of the series matching any of `matchers` (match[] selectors) that hold a sample in
 * [startMs, endMs] (all time when omitted), sorted by labels, at most `limit`.
 * @throws InvalidError `PROMQL_BAD_DATA` when no matcher is given or one is not a plain selector.
 */
export async function promSeries(
  store: TimeSeriesStore,
  db: string,
  matchers: string[],
  startMs?: number,
  endMs?: number,
  limit?: number,
): Promise<Array<Record<string, string>>> {
  if (matchers.length === 0) throw new InvalidError("PROMQL_BAD_DATA", "no match[] parameter provided");
  const loader = new SeriesLoader(store, db);
  const found = new Map<string, Labels>();
  for (const sel of parseMatchers(matchers)) {
    for (const source of await loader.resolve(sel.matchers)) {
      const result = await store.query(db, {
        measurement: source.measurement,
        fields: [{ field: source.field, fn: "count" }],
        where: tagMatchers(sel.matchers),
        anchored: true,
        start: startMs === undefined ? undefined : BigInt(Math.floor(startMs)) * NS_PER_MS,
        end: endMs === undefined ? undefined : (BigInt(Math.floor(endMs)) + 1n) * NS_PER_MS,
        groupBy: { tags: "*" },
      });
      for (const rs of result.series) {
        const count = rs.values[0]?.[0];
        if (count === null || count === undefined || count === 0) continue;
        const labels: Labels = { [NAME_LABEL]: source.name, ...rs.tags };
        found.set(labelsKey(labels), labels);
      }
    }
  }
  const out = [...found.values()].sort(compareLabels);
  return limit !== undefined && limit > 0 && out.length > limit ? out.slice(0, limit) : out;
}

/** Every metric name of the database, sorted. */
async function allMetricNames(loader: SeriesLoader): Promise<string[]> {
  const sources = await loader.resolve([{ name: NAME_LABEL, op: "=~", value: ".+" }]);
  return [...new Set(sources.map((s) => s.name))].sort(compareStrings);
}

/**
 * Label names, sorted: of the series matching `matchers` in the time range, or of the whole database when no
 * matcher is given (then the time range is not applied).
 */
export async function promLabelNames(
  store: TimeSeriesStore,
  db: string,
  matchers: string[],
  startMs?: number,
  endMs?: number,
): Promise<string[]> {
  const names = new Set<string>();
  if (matchers.length > 0) {
    for (const labels of await promSeries(store, db, matchers, startMs, endMs)) for (const k in labels) names.add(k);
  } else {
    const loader = new SeriesLoader(store, db);
    const measurements = new Set(
      (await loader.resolve([{ name: NAME_LABEL, op: "=~", value: ".+" }])).map((s) => s.measurement),
    );
    if (measurements.size > 0) names.add(NAME_LABEL);
    for (const m of measurements) for (const k of await store.tagKeys(db, m)) names.add(k);
  }
  return [...names].sort(compareStrings);
}

/**
 * Values of label `label`, sorted: over the series matching `matchers` in the time range, or over the whole
 * database when no matcher is given (then the time range is not applied). `__name__` lists metric names.
 */
export async function promLabelValues(
  store: TimeSeriesStore,
  db: string,
  label: string,
  matchers: string[],
  startMs?: number,
  endMs?: number,
): Promise<string[]> {
  const values = new Set<string>();
  if (matchers.length > 0) {
    for (const labels of await promSeries(store, db, matchers, startMs, endMs)) {
      const v = labels[label];
      if (v !== undefined && v !== "") values.add(v);
    }
    return [...values].sort(compareStrings);
  }
  const loader = new SeriesLoader(store, db);
  if (label === NAME_LABEL) return allMetricNames(loader);
  const sources = await loader.resolve([{ name: NAME_LABEL, op: "=~", value: ".+" }]);
  for (const m of new Set(sources.map((s) => s.measurement)))
    for (const v of await store.tagValues(db, m, label)) if (v !== "") values.add(v);
  return [...values].sort(compareStrings);
}

/** Series-name suffixes Prometheus derives from a metric family's name (classic histograms, summaries, counters). */
const FAMILY_SUFFIXES = ["_bucket", "_sum", "_count", "_total", "_created", "_info"];

/**
 * Metadata per metric name: what Prometheus remote write sent (type, help, unit per metric family), plus type
 * "unknown" with empty help and unit for every other stored metric name (line protocol carries no metadata) that
 * is not a series of a described family. `metric` restricts to one name; `limit` caps the number of metrics.
 */
export async function promMetadata(
  store: TimeSeriesStore,
  db: string,
  metric?: string,
  limit?: number,
): Promise<Record<string, Array<{ type: string; help: string; unit: string }>>> {
  const known = new Map<string, { type: string; help: string; unit: string }>();
  for (const m of await storedMetadata(store, db)) known.set(m.metric, { type: m.type, help: m.help, unit: m.unit });
  const described = (name: string): boolean =>
    known.has(name) || FAMILY_SUFFIXES.some((s) => name.endsWith(s) && known.has(name.slice(0, -s.length)));
  const names = new Set(known.keys());
  for (const n of await allMetricNames(new SeriesLoader(store, db))) if (!described(n)) names.add(n);
  let sorted = [...names].sort(compareStrings);
  if (metric !== undefined && metric !== "") sorted = sorted.filter((n) => n === metric);
  if (limit !== undefined && limit > 0 && sorted.length > limit) sorted = sorted.slice(0, limit);
  const out: Record<string, Array<{ type: string; help: string; unit: string }>> = {};
  for (const n of sorted) out[n] = [known.get(n) ?? { type: "unknown", help: "", unit: "" }];
  return out;
}

/** Remote-written metadata of `db`; none when the database does not exist yet. */
async function storedMetadata(store: TimeSeriesStore, db: string): Promise<MetricMetadata[]> {
  try {
    return await store.metricMetadata(db);
  } catch (error) {
    // An unknown database has no metadata; the listing below then finds no names either.
    if (isTsdbError(error) && error.category === "not_found") return [];
    throw error;
  }
}
