// Maps PromQL selectors onto stored data (DESIGN.md "Prometheus view of the same data"): each numeric field of a
// measurement is the series `<measurement>_<field>` (`<measurement>` for field `value`), tags are labels.
// Reads raw points once per selector into typed arrays; knows nothing of evaluation.
import { LimitError, SafeRegex, isTsdbError } from "../../base/index.ts";
import type { TagMatcher, TimeSeriesStore } from "../../storage/index.ts";
import type { LabelMatcher } from "./ast.ts";
import { NAME_LABEL, labelsKey, withoutName } from "./labels.ts";
import type { Labels } from "./values.ts";

/** The points of one series, oldest first, with stale markers flagged (never NaN-compared). */
export interface LoadedSeries {
  labels: Labels;
  /** `labels` without `__name__` (what range functions output), built once per series. */
  unnamed: Labels;
  /** Point times (ms), strictly ascending. */
  ts: Float64Array;
  vs: Float64Array;
  /** 1 where the point is a Prometheus stale marker. */
  stale: Uint8Array;
  /** Number of stale markers (0 lets windows be read in place, without filtering). */
  staleCount: number;
}

/** A (measurement, field) pair a metric name resolves to. */
export interface MetricSource {
  measurement: string;
  field: string;
  name: string;
}

const NS_PER_MS = 1_000_000n;
const NS_PER_DAY = 86_400_000_000_000n;
/** Series of a pushed-down read that are read one by one for their points; beyond it, the whole selector is. */
const MAX_FALLBACK_SERIES = 16;
const NUMERIC_TYPES: ReadonlySet<string> = new Set(["float", "integer", "unsigned", "boolean"]);
const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/**
 * True for Prometheus's stale marker, the NaN with bits 0x7ff0000000000002. The quiet bit is ignored because
 * storage and the JavaScript engine may set it when a signalling NaN passes through (0x7ff8000000000002).
 */
function isStaleMarker(v: number): boolean {
  if (v === v) return false;
  scratch[0] = v;
  return scratchBits[0] === 2 && (scratchBits[1]! & 0x7ff7ffff) === 0x7ff00000;
}

/** The Prometheus metric name of field `field` of `measurement`. */
function metricName(measurement: string, field: string): string {
  return field === "value" ? measurement : `${measurement}_${field}`;
}

/**
 * Resolves selectors against one database's schema, caching the schema for its lifetime (one query or API
 * call). Not safe to share across queries: schema changes after the first lookup are not seen.
 */
export class SeriesLoader {
  private readonly store: TimeSeriesStore;
  private readonly db: string;
  private measurementList: string[] | undefined;
  private readonly fields = new Map<string, string[]>();
  /** Points loaded so far (all selectors), for the sample limit. */
  loadedPoints = 0;

  constructor(store: TimeSeriesStore, db: string) {
    this.store = store;
    this.db = db;
  }

  private async measurements(): Promise<string[]> {
    if (this.measurementList === undefined) {
      try {
        this.measurementList = await this.store.measurements(this.db);
      } catch (error) {
        // A database that does not exist yet holds no series; PromQL answers with empty results, as Prometheus
        // does before its first scrape.
        if (!(isTsdbError(error) && error.category === "not_found")) throw error;
        this.measurementList = [];
      }
    }
    return this.measurementList;
  }

  /** Numeric field names of `measurement` (strings are invisible to PromQL). */
  async numericFields(measurement: string): Promise<string[]> {
    let out = this.fields.get(measurement);
    if (out === undefined) {
      const keys = await this.store.fieldKeys(this.db, measurement);
      out = keys.filter((k) => NUMERIC_TYPES.has(k.type)).map((k) => k.name);
      this.fields.set(measurement, out);
    }
    return out;
  }

  /** Every (measurement, field) pair whose metric name satisfies the `__name__` matchers of `matchers`. */
  async resolve(matchers: readonly LabelMatcher[]): Promise<MetricSource[]> {
    const nameMatchers = matchers.filter((m) => m.name === NAME_LABEL);
    const equal = nameMatchers.find((m) => m.op === "=");
    const all = await this.measurements();
    const out: MetricSource[] = [];
    if (equal !== undefined) {
      const name = equal.value;
      const known = new Set(all);
      const candidates: Array<[string, string]> = [[name, "value"]];
      for (let i = name.indexOf("_"); i > 0; i = name.indexOf("_", i + 1)) {
        const field = name.slice(i + 1);
        if (field !== "" && field !== "value") candidates.push([name.slice(0, i), field]);
      }
      for (const [measurement, field] of candidates) {
        if (!known.has(measurement)) continue;
        if ((await this.numericFields(measurement)).includes(field)) out.push({ measurement, field, name });
      }
    } else {
      for (const measurement of all) {
        for (const field of await this.numericFields(measurement))
          out.push({ measurement, field, name: metricName(measurement, field) });
      }
    }
    const tests = nameMatchers.map(compileNameMatcher);
    return out.filter((s) => tests.every((t) => t(s.name)));
  }

  /**
   * Loads the points of every series matching `matchers` with time in [startMs, endMs]. Series with identical
   * label sets from different (measurement, field) pairs are merged. Throws LimitError `PROMQL_TOO_MANY_SAMPLES`
   * when more than `maxSamples` points have been loaded by this loader.
   */
  async load(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<LoadedSeries[]> {
    const where = tagMatchers(matchers);
    const byKey = new Map<string, LoadedSeries>();
    const out: LoadedSeries[] = [];
    for (const source of await this.resolve(matchers)) {
      const columns = await this.store.readNumericColumns(this.db, {
        measurement: source.measurement,
        field: source.field,
        where,
        anchored: true,
        start: BigInt(Math.floor(startMs)) * NS_PER_MS,
        end: (BigInt(Math.floor(endMs)) + 1n) * NS_PER_MS,
      });
      for (const rs of columns) {
        const series = toLoadedSeries({ [NAME_LABEL]: source.name, ...rs.tags }, rs.timesMs, rs.values);
        if (series.ts.length === 0) continue;
        this.loadedPoints += series.ts.length;
        if (this.loadedPoints > maxSamples) throw tooManySamples();
        const key = labelsKey(series.labels);
        const prior = byKey.get(key);
        if (prior === undefined) {
          byKey.set(key, series);
          out.push(series);
        } else {
          const merged = mergeSeries(prior, series);
          byKey.set(key, merged);
          out[out.indexOf(prior)] = merged;
        }
      }
    }
    return out;
  }

  /**
   * `last_over_time` pushed down to storage: for every series matching `matchers`, the value of its latest point
   * in (fromMs, toMs] (integer ms) taken from a storage `last` aggregate (block statistics, no decoding) and its
   * point time, as a
   * one-point series at `toMs`. Evaluating last_over_time over that window then gives exactly what the loaded
   * points would. A series whose latest point is NaN (possibly a stale marker, which a range vector drops) gets
   * its real points in [fromMs, toMs] instead, read as {@link load} reads them. Returns null when two sources
   * give one label set (the caller then loads normally, merging them). Counts one sample per pushed-down series
   * toward `maxSamples`; throws LimitError `PROMQL_TOO_MANY_SAMPLES` past it.
   */
  async loadLast(
    matchers: readonly LabelMatcher[],
    fromMs: number,
    toMs: number,
    maxSamples: number,
  ): Promise<LoadedSeries[] | null> {
    const where = tagMatchers(matchers);
    const loadedBefore = this.loadedPoints;
    const windowStart = (BigInt(fromMs) + 1n) * NS_PER_MS;
    // The scan starts at the day boundary before the window (the default partition start), so no block straddles
    // its start and every block before the window's end is answered from statistics; the latest point's time
    // then tells whether it lies in the window.
    const scanStart = windowStart - (((windowStart % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY);
    const keys = new Set<string>();
    const out: LoadedSeries[] = [];
    const fallback: Array<{ source: MetricSource; tags: Record<string, string> }> = [];
    for (const source of await this.resolve(matchers)) {
      const result = await this.store.query(this.db, {
        measurement: source.measurement,
        fields: [{ field: source.field, fn: "last" }],
        where,
        anchored: true,
        start: scanStart,
        end: (BigInt(toMs) + 1n) * NS_PER_MS,
        groupBy: { tags: "*" },
        fill: "none",
      });
      for (const rs of result.series) {
        const labels: Labels = { [NAME_LABEL]: source.name, ...rs.tags };
        const key = labelsKey(labels);
        if (keys.has(key)) return null;
        keys.add(key);
        const v = rs.values[0]?.[0];
        // A latest point before the window: the series has none in it.
        if (v === undefined || rs.times[0]! < windowStart) continue;
        // null: a NaN (maybe a stale marker); the points decide.
        if (v === null || typeof v === "string") {
          fallback.push({ source, tags: rs.tags });
          continue;
        }
        const value = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v ? 1 : 0;
        out.push(toLoadedSeries(labels, Float64Array.of(toMs), Float64Array.of(value)));
        this.loadedPoints++;
        if (this.loadedPoints > maxSamples) throw tooManySamples();
      }
    }
    if (fallback.length > MAX_FALLBACK_SERIES) {
      this.loadedPoints = loadedBefore;
      return this.load(matchers, fromMs, toMs, maxSamples);
    }
    for (const { source, tags } of fallback) {
      const exact = [...where];
      for (const k in tags) exact.push({ key: k, op: "=", value: tags[k]! });
      const columns = await this.store.readNumericColumns(this.db, {
        measurement: source.measurement,
        field: source.field,
        where: exact,
        anchored: true,
        start: BigInt(fromMs) * NS_PER_MS,
        end: (BigInt(toMs) + 1n) * NS_PER_MS,
      });
      for (const rs of columns) {
        if (!sameTags(rs.tags, tags)) continue;
        const series = toLoadedSeries({ [NAME_LABEL]: source.name, ...rs.tags }, rs.timesMs, rs.values);
        if (series.ts.length === 0) continue;
        this.loadedPoints += series.ts.length;
        if (this.loadedPoints > maxSamples) throw tooManySamples();
        out.push(series);
      }
    }
    return out;
  }
}

/** The error Prometheus reports when a query would hold more samples than allowed. */
export function tooManySamples(): LimitError {
  return new LimitError(
    "PROMQL_TOO_MANY_SAMPLES",
    "query processing would load too many samples into memory in query execution",
  );
}

/** The storage tag matchers of a selector (everything but `__name__`). */
export function tagMatchers(matchers: readonly LabelMatcher[]): TagMatcher[] {
  return matchers.filter((m) => m.name !== NAME_LABEL).map((m) => ({ key: m.name, op: m.op, value: m.value }));
}

function compileNameMatcher(m: LabelMatcher): (name: string) => boolean {
  switch (m.op) {
    case "=":
      return (name) => name === m.value;
    case "!=":
      return (name) => name !== m.value;
    default: {
      const re = SafeRegex.compile(m.value, { anchored: true });
      return m.op === "=~" ? (name) => re.test(name) : (name) => !re.test(name);
    }
  }
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** Wraps one series' columns (ms times, float64 values; the arrays are taken over) and flags stale markers. */
function toLoadedSeries(labels: Labels, ts: Float64Array, vs: Float64Array): LoadedSeries {
  const n = ts.length;
  const stale = new Uint8Array(n);
  let staleCount = 0;
  for (let i = 0; i < n; i++) {
    if (isStaleMarker(vs[i]!)) {
      stale[i] = 1;
      staleCount++;
    }
  }
  return { labels, unnamed: withoutName(labels), ts, vs, stale, staleCount };
}

/** Merges two time-sorted series (the second wins on equal times). */
function mergeSeries(a: LoadedSeries, b: LoadedSeries): LoadedSeries {
  const n = a.ts.length + b.ts.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  const stale = new Uint8Array(n);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.ts.length || j < b.ts.length) {
    const takeB = i >= a.ts.length || (j < b.ts.length && b.ts[j]! <= a.ts[i]!);
    if (takeB) {
      if (i < a.ts.length && a.ts[i] === b.ts[j]) i++;
      ts[k] = b.ts[j]!;
      vs[k] = b.vs[j]!;
      stale[k] = b.stale[j]!;
      j++;
    } else {
      ts[k] = a.ts[i]!;
      vs[k] = a.vs[i]!;
      stale[k] = a.stale[i]!;
      i++;
    }
    k++;
  }
  let staleCount = 0;
  for (let x = 0; x < k; x++) staleCount += stale[x]!;
  return {
    labels: a.labels,
    unnamed: a.unnamed,
    ts: ts.subarray(0, k),
    vs: vs.subarray(0, k),
    stale: stale.subarray(0, k),
    staleCount,
  };
}
