// Executes a SELECT: resolves sources and schema, pushes aggregates, filters and grouping down to storage where
// it can, and otherwise reads rows and evaluates conditions, aggregates, transforms and arithmetic in memory.
import { InvalidError, LimitError, MAX_TIME_NS, MIN_TIME_NS, NotFoundError } from "../../base/index.ts";
import type { FieldSelection, NativeQuery, ResultSeries, TimeSeriesStore } from "../../storage/index.ts";
import { reduceBucket, windowStart } from "./functions/index.ts";
import type { ValueType } from "./functions/index.ts";
import type { Expr, SelectStatement, Source } from "./ast.ts";
import { aggregateRows } from "./aggregate-rows.ts";
import { needsPartials, partialAggregate } from "./partial-pushdown.ts";
import type { AggTable, RowGroup } from "./aggregate-rows.ts";
import { evalCondition, mentionsTime, regexOf, splitCondition, unparen } from "./condition.ts";
import type { RefKind, SplitCondition, TimeBounds } from "./condition.ts";
import { evalColumn } from "./projection.ts";
import type { Column, Frame, LeafLookup } from "./projection.ts";
import { planSelect } from "./select-plan.ts";
import type { Leaf, SelectPlan, SourceSchema } from "./select-plan.ts";
import type { InfluxValue, OutputSeries } from "./statement-output.ts";

/** What a SELECT runs against. */
export interface SelectEnv {
  store: TimeSeriesStore;
  defaultDb: string | undefined;
  nowNs: bigint;
  maxSeries: number;
  authorize?: (need: "read" | "write" | "admin", db: string | undefined) => void;
}

/** Most GROUP BY time buckets one in-memory aggregation may produce. */
const MAX_BUCKETS = 1_000_000;

// stddev stays in memory: storage's streaming (Welford) result can differ from influxd's two-pass one in the
// last bit, while the function library matches influxd exactly.
const PUSHDOWN = new Set(["count", "sum", "mean", "median", "spread", "first", "last", "min", "max", "percentile"]);

/** One storage series (or subquery series) as columns. */
interface SourceSeries {
  name: string;
  tags: Record<string, string>;
  times: bigint[];
  fields: Map<string, InfluxValue[]>;
}

/** A measurement to read, with its schema. */
interface MeasurementInput {
  kind: "measurement";
  db: string;
  name: string;
  schema: SourceSchema;
}

/** Rows produced by a subquery, with their schema. */
interface SubqueryInput {
  kind: "subquery";
  series: SourceSeries[];
  schema: SourceSchema;
}

type Input = MeasurementInput | SubqueryInput;

/** Runs `stmt` and returns its result series (sorted by name and tags, SLIMIT/SOFFSET applied). */
export async function executeSelect(stmt: SelectStatement, env: SelectEnv): Promise<OutputSeries[]> {
  if (stmt.tz !== undefined && stmt.tz.toUpperCase() !== "UTC") {
    throw new InvalidError("QUERY_UNSUPPORTED", `tz('${stmt.tz}') is not supported: only UTC`);
  }
  const inputs = await resolveInputs(stmt, env);
  const schema = unionSchema(inputs);
  const plan = planSelect(stmt, schema);
  const out: OutputSeries[] = [];
  const bounds = timeBoundsOf(stmt, schema, env.nowNs);
  if (bounds.empty) return [];
  const range = await resolveRange(plan, inputs, bounds, env);
  if (range === null) return [];
  narrowToLimit(stmt, plan, range);
  for (const input of inputs) {
    const series =
      input.kind === "measurement"
        ? await runMeasurement(stmt, plan, input, range, env, inputs.length === 1 ? bounds : undefined)
        : runInMemory(stmt, plan, input.series, input.schema, range, stmt.condition, env);
    out.push(...series);
    if (out.length > env.maxSeries) {
      throw new LimitError("QUERY_MAX_SERIES", `max-select-series limit exceeded: (${out.length}/${env.maxSeries})`);
    }
  }
  sortSeries(out);
  // influxd emits series in descending key order under ORDER BY time DESC.
  if (stmt.order === "desc") out.reverse();
  const soffset = stmt.soffset;
  const sliced = stmt.slimit > 0 ? out.slice(soffset, soffset + stmt.slimit) : out.slice(soffset);
  return sliced;
}

function sortSeries(out: OutputSeries[]): void {
  const key = (s: OutputSeries): string =>
    Object.keys(s.tags ?? {})
      .sort()
      .map((k) => `${k}\u0000${s.tags![k]}`)
      .join("\u0001");
  out.sort((a, b) => {
    const an = a.name ?? "";
    const bn = b.name ?? "";
    if (an !== bn) return an < bn ? -1 : 1;
    const ak = key(a);
    const bk = key(b);
    return ak < bk ? -1 : ak > bk ? 1 : 0;
  });
}

// ---- sources -------------------------------------------------------------------------------------------------

async function resolveInputs(stmt: SelectStatement, env: SelectEnv): Promise<Input[]> {
  const inputs: Input[] = [];
  const seen = new Set<string>();
  for (const source of stmt.sources) {
    if (source.kind === "subquery") {
      inputs.push(await subqueryInput(source.statement, stmt, env));
      continue;
    }
    const db = checkDatabase(source, env);
    env.authorize?.("read", db);
    const names = await measurementNames(env.store, db, source);
    for (const name of names) {
      const id = `${db}\u0000${name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      inputs.push({ kind: "measurement", db, name, schema: await measurementSchema(env.store, db, name) });
    }
  }
  return inputs;
}

/** The database of a measurement source; throws InfluxDB's errors for a missing or unknown one. */
function checkDatabase(source: Source & { kind: "measurement" }, env: SelectEnv): string {
  const db = source.db ?? env.defaultDb;
  if (db === undefined || db === "") throw new InvalidError("QUERY_NO_DATABASE", "database name required");
  if (!env.store.databases().includes(db)) throw new NotFoundError("QUERY_DB_NOT_FOUND", `database not found: ${db}`);
  if (source.rp !== undefined && source.rp !== "autogen") {
    throw new NotFoundError("QUERY_RP_NOT_FOUND", `retention policy not found: ${source.rp}`);
  }
  return db;
}

async function measurementNames(
  store: TimeSeriesStore,
  db: string,
  source: Source & { kind: "measurement" },
): Promise<string[]> {
  const all = await store.measurements(db);
  if (source.regex !== undefined) {
    const re = regexOf(source.regex);
    return all.filter((m) => re.test(m));
  }
  return all.includes(source.name!) ? [source.name!] : [];
}

async function measurementSchema(store: TimeSeriesStore, db: string, name: string): Promise<SourceSchema> {
  const fields = new Map<string, ValueType>();
  for (const f of await store.fieldKeys(db, name)) fields.set(f.name, f.type);
  return { fields, tags: new Set(await store.tagKeys(db, name)) };
}

function unionSchema(inputs: Input[]): SourceSchema {
  const fields = new Map<string, ValueType>();
  const tags = new Set<string>();
  for (const i of inputs) {
    for (const [k, v] of i.schema.fields) if (!fields.has(k)) fields.set(k, v);
    for (const t of i.schema.tags) tags.add(t);
  }
  return { fields, tags };
}

async function subqueryInput(inner: SelectStatement, outer: SelectStatement, env: SelectEnv): Promise<SubqueryInput> {
  const stmt = inheritTime(inner, outer);
  const result = await executeSelect(stmt, env);
  const series: SourceSeries[] = [];
  const fields = new Map<string, ValueType>();
  const tags = new Set<string>();
  for (const s of result) {
    const map = new Map<string, InfluxValue[]>();
    for (let c = 1; c < s.columns.length; c++) {
      map.set(
        s.columns[c]!,
        s.values.map((row) => row[c]!),
      );
      if (!fields.has(s.columns[c]!)) fields.set(s.columns[c]!, inferType(s.values, c));
    }
    for (const k of Object.keys(s.tags ?? {})) tags.add(k);
    series.push({
      name: s.name ?? "",
      tags: s.tags ?? {},
      times: s.values.map((row) => row[0] as bigint),
      fields: map,
    });
  }
  return { kind: "subquery", series, schema: { fields, tags } };
}

function containsCall(e: Expr): boolean {
  switch (e.kind) {
    case "call":
      return true;
    case "binary":
      return containsCall(e.lhs) || containsCall(e.rhs);
    case "paren":
      return containsCall(e.expr);
    default:
      return false;
  }
}

function inferType(rows: InfluxValue[][], c: number): ValueType {
  for (const row of rows) {
    const v = row[c];
    if (v === null || v === undefined) continue;
    if (typeof v === "string") return "string";
    if (typeof v === "boolean") return "boolean";
    if (typeof v === "bigint") return "integer";
    return "float";
  }
  return "float";
}

/**
 * A subquery without its own time condition runs over the outer query's time range, as in InfluxDB; a raw
 * subquery also keeps the series tags the outer query groups by (influxd carries them through).
 */
function inheritTime(inner: SelectStatement, outer: SelectStatement): SelectStatement {
  const raw = !inner.fields.some((f) => containsCall(f.expr));
  if (raw) {
    const extra = outer.dimensions.filter((d) => d.kind !== "time");
    if (extra.length > 0) inner = { ...inner, dimensions: [...inner.dimensions, ...extra] };
  }
  const isTime: RefKind = (n) => (n === "time" ? "time" : "field");
  if (outer.condition === undefined || (inner.condition !== undefined && mentionsTime(inner.condition, isTime))) {
    return inner;
  }
  const split = splitCondition(outer.condition, (n, c) => (n === "time" && c === undefined ? "time" : "field"), 0n);
  const parts: Expr[] = [];
  const timeRef: Expr = { kind: "varref", name: "time" };
  if (split.time.startNs !== undefined)
    parts.push({ kind: "binary", op: ">=", lhs: timeRef, rhs: { kind: "integer", value: split.time.startNs } });
  if (split.time.endNs !== undefined)
    parts.push({ kind: "binary", op: "<", lhs: timeRef, rhs: { kind: "integer", value: split.time.endNs } });
  if (parts.length === 0) return inner;
  let cond: Expr = inner.condition === undefined ? parts.shift()! : { kind: "paren", expr: inner.condition };
  for (const p of parts) cond = { kind: "binary", op: "AND", lhs: cond, rhs: p };
  return { ...inner, condition: cond };
}

// ---- time range ----------------------------------------------------------------------------------------------

function classify(schema: SourceSchema): RefKind {
  return (name, cast) => {
    if (cast === "tag") return "tag";
    if (cast !== undefined) return "field";
    if (name === "time") return "time";
    if (schema.tags.has(name) && !schema.fields.has(name)) return "tag";
    return "field";
  };
}

function timeBoundsOf(stmt: SelectStatement, schema: SourceSchema, nowNs: bigint): SplitCondition {
  return splitCondition(stmt.condition, classify(schema), nowNs);
}

/** The scan range and bucket labels of the statement. */
interface Range {
  /** Inclusive scan start. */
  startNs: bigint;
  /** Exclusive scan end. */
  endNs: bigint;
  /** Start given by WHERE (labels aggregates without GROUP BY time), when any. */
  whereStart?: bigint;
  /** Rows before this are dropped after transforms (derivative needs one interval before the start). */
  outputStartNs?: bigint;
}

async function resolveRange(
  plan: SelectPlan,
  inputs: Input[],
  split: SplitCondition,
  env: SelectEnv,
): Promise<Range | null> {
  const t: TimeBounds = split.time;
  const range: Range = { startNs: t.startNs ?? MIN_TIME_NS, endNs: t.endNs ?? MAX_TIME_NS + 1n };
  if (t.startNs !== undefined) range.whereStart = t.startNs;
  if (plan.interval === undefined) return range;
  if (t.endNs === undefined) range.endNs = env.nowNs + 1n;
  if (t.startNs === undefined) {
    const first = await firstDataTime(plan, inputs, range, env);
    if (first === null) return null;
    range.startNs = first;
  }
  if (plan.transforms) {
    // influxd reads one interval more and keeps rows from the bucket holding the start on.
    range.outputStartNs = windowStart(range.startNs, plan.interval.ns, plan.interval.offsetNs);
    range.startNs -= plan.interval.ns;
  }
  return range;
}

/**
 * With GROUP BY time, LIMIT/OFFSET and a fill that keeps every bucket, only the first (or last, descending)
 * OFFSET+LIMIT buckets can be returned, so the range shrinks to them (influxd stops early the same way).
 */
function narrowToLimit(stmt: SelectStatement, plan: SelectPlan, range: Range): void {
  if (plan.interval === undefined || stmt.limit <= 0 || stmt.fill === "none" || plan.transforms) return;
  const { ns, offsetNs } = plan.interval;
  const n = BigInt(stmt.limit + stmt.offset);
  if (stmt.order === "asc") {
    const end = windowStart(range.startNs, ns, offsetNs) + n * ns;
    if (end < range.endNs) range.endNs = end;
  } else {
    const start = windowStart(range.endNs - 1n, ns, offsetNs) - (n - 1n) * ns;
    if (start > range.startNs) range.startNs = start;
  }
}

/** The earliest point time among the fields the query reads (InfluxDB starts buckets there without a WHERE start). */
async function firstDataTime(plan: SelectPlan, inputs: Input[], range: Range, env: SelectEnv): Promise<bigint | null> {
  let best: bigint | null = null;
  for (const input of inputs) {
    if (input.kind === "subquery") {
      for (const s of input.series) if (s.times.length > 0 && (best === null || s.times[0]! < best)) best = s.times[0]!;
      continue;
    }
    for (const field of plan.fieldsRead) {
      if (!input.schema.fields.has(field)) continue;
      const result = await env.store.query(input.db, {
        measurement: input.name,
        fields: [{ field, fn: "first", as: "first" }],
        end: range.endNs,
      });
      for (const s of result.series)
        if (s.times.length > 0 && (best === null || s.times[0]! < best)) best = s.times[0]!;
    }
  }
  return best;
}

// ---- per measurement -----------------------------------------------------------------------------------------

/** Tag keys the statement groups by for a measurement (names, `*` = all its tags, regexes = matching tags). */
function groupTags(plan: SelectPlan, schema: SourceSchema): string[] {
  const out = new Set<string>();
  for (const d of plan.dimensions) {
    if (d.kind === "tag") out.add(d.name);
    else if (d.kind === "wildcard") for (const t of schema.tags) out.add(t);
    else if (d.kind === "regex") {
      const re = regexOf(d.pattern);
      for (const t of schema.tags) if (re.test(t)) out.add(t);
    }
  }
  return [...out].sort();
}

async function runMeasurement(
  stmt: SelectStatement,
  plan: SelectPlan,
  input: MeasurementInput,
  range: Range,
  env: SelectEnv,
  known?: SplitCondition,
): Promise<OutputSeries[]> {
  const kind = classify(input.schema);
  // A lone measurement's schema is the union schema, so the statement's split (`known`) is already its own.
  const split = known ?? splitCondition(stmt.condition, kind, env.nowNs);
  const tags = groupTags(plan, input.schema);
  if (plan.aggregate && canPushAggregate(plan, split, input.schema)) {
    return pushAggregate(stmt, plan, input, split, tags, range, env);
  }
  if (!plan.aggregate && canPushRaw(plan, split, input.schema)) {
    return pushRaw(stmt, plan, input, split, tags, range, env);
  }
  // Field conditions run in storage (the same comparisons as evalCondition), so only matching rows come back.
  const series = await fetchSeries(plan, input, split, range, env);
  return runInMemory(stmt, plan, series, input.schema, range, split.residual, env, kind);
}

function canPushAggregate(plan: SelectPlan, split: SplitCondition, schema: SourceSchema): boolean {
  if (split.residual !== undefined) return false;
  const leafFields = new Set(plan.leaves.map((l) => l.field));
  if (split.fields.some((f) => !leafFields.has(f.field))) return false;
  for (const p of plan.projections) if (hasBareRef(p.expr)) return false;
  return plan.leaves.every(
    (l) =>
      PUSHDOWN.has(l.call.name) &&
      l.inner === undefined &&
      l.tagArgs.length === 0 &&
      schema.fields.has(l.field) &&
      unparen(l.call.args[0]!).kind === "varref" &&
      (unparen(l.call.args[0]!) as { cast?: string }).cast !== "tag",
  );
}

/** True when `e` reads a variable outside any call (an aux column next to a selector). */
function hasBareRef(e: Expr): boolean {
  switch (e.kind) {
    case "varref":
      return true;
    case "binary":
      return hasBareRef(e.lhs) || hasBareRef(e.rhs);
    case "paren":
      return hasBareRef(e.expr);
    default:
      return false;
  }
}

function canPushRaw(plan: SelectPlan, split: SplitCondition, schema: SourceSchema): boolean {
  if (split.residual !== undefined || plan.transforms) return false;
  return plan.projections.every((p) => {
    const e = unparen(p.expr);
    return e.kind === "varref" && e.cast !== "tag" && !(schema.tags.has(e.name) && !schema.fields.has(e.name));
  });
}

function baseQuery(input: MeasurementInput, split: SplitCondition, range: Range, tags: string[]): NativeQuery {
  const q: NativeQuery = { measurement: input.name, where: split.tags };
  if (range.startNs > MIN_TIME_NS) q.start = range.startNs;
  if (range.endNs <= MAX_TIME_NS) q.end = range.endNs;
  if (tags.length > 0) q.groupBy = { tags };
  return q;
}

async function pushAggregate(
  stmt: SelectStatement,
  plan: SelectPlan,
  input: MeasurementInput,
  split: SplitCondition,
  tags: string[],
  range: Range,
  env: SelectEnv,
): Promise<OutputSeries[]> {
  for (const leaf of plan.leaves) {
    // Validates argument and field type with InfluxDB's messages before storage sees them.
    const valueType = input.schema.fields.get(leaf.field);
    reduceBucket(
      { name: leaf.call.name, args: leaf.args, ...(valueType === undefined ? {} : { valueType }) },
      [],
      [],
      0n,
    );
  }
  if (needsPartials(plan.leaves)) return pushPartials(stmt, plan, input, split, tags, range, env);
  const q = baseQuery(input, split, range, tags);
  q.fields = plan.leaves.map((l, i): FieldSelection => {
    const sel: FieldSelection = { field: l.field, fn: l.call.name as FieldSelection["fn"], as: `c${i}` };
    if (l.call.name === "percentile") sel.percentile = Number(l.args[0]);
    return sel;
  });
  if (split.fields.length > 0) q.fieldWhere = split.fields;
  if (plan.interval !== undefined) {
    q.groupBy = { ...q.groupBy, time: plan.interval.ns, offset: plan.interval.offsetNs };
    q.start = range.startNs;
    q.end = range.endNs;
  } else if (range.whereStart === undefined) {
    delete q.start;
  }
  q.fill = stmt.fill;
  // Fill runs in output order (previous differs under DESC), so storage orders unless transforms need ascending rows.
  const ordered = !plan.transforms && stmt.order === "desc";
  if (ordered) q.order = "desc";
  const result = await env.store.query(input.db, q);
  const out: OutputSeries[] = [];
  for (const s of result.series) {
    const table: AggTable = {
      times: s.times,
      leaves: new Map(plan.leaves.map((l, i) => [l.key, s.values[i]! as InfluxValue[]])),
      pointRow: [],
      auxTags: [],
    };
    const series = finishAggregate(stmt, plan, input.name, s.tags, table, input.schema, range, null, ordered);
    if (series !== null) out.push(series);
  }
  return out;
}

/** Pushed-down aggregation whose sum/mean leaves combine per-series partials (partial-pushdown.ts). */
async function pushPartials(
  stmt: SelectStatement,
  plan: SelectPlan,
  input: MeasurementInput,
  split: SplitCondition,
  tags: string[],
  range: Range,
  env: SelectEnv,
): Promise<OutputSeries[]> {
  const q = baseQuery(input, split, range, []);
  delete q.groupBy;
  if (split.fields.length > 0) q.fieldWhere = split.fields;
  if (plan.interval !== undefined) {
    q.start = range.startNs;
    q.end = range.endNs;
  } else if (range.whereStart === undefined) {
    delete q.start;
  }
  const tables = await partialAggregate(env.store, input.db, q, plan.leaves, tags, {
    ...(plan.interval === undefined ? {} : { interval: plan.interval }),
    startNs: range.startNs,
    endNs: range.endNs,
    labelNs: range.whereStart ?? 0n,
    fill: stmt.fill,
    descending: stmt.order === "desc",
    valueType: (f) => input.schema.fields.get(f),
  });
  const out: OutputSeries[] = [];
  for (const { tags: groupTags, table } of tables) {
    const series = finishAggregate(stmt, plan, input.name, groupTags, table, input.schema, range, null);
    if (series !== null) out.push(series);
  }
  return out;
}

async function pushRaw(
  stmt: SelectStatement,
  plan: SelectPlan,
  input: MeasurementInput,
  split: SplitCondition,
  tags: string[],
  range: Range,
  env: SelectEnv,
): Promise<OutputSeries[]> {
  const projected = plan.projections.map((p) => (unparen(p.expr) as { name: string }).name);
  const extra = split.fields.map((f) => f.field).filter((f) => !projected.includes(f));
  const fields = [...new Set([...projected, ...extra])];
  if (!projected.some((f) => input.schema.fields.has(f))) return [];
  const q = baseQuery(input, split, range, tags);
  q.fields = fields;
  if (split.fields.length > 0) q.fieldWhere = split.fields;
  q.order = stmt.order;
  const exact = extra.length === 0;
  if (exact && stmt.limit > 0) q.limit = stmt.limit;
  if (exact && stmt.offset > 0) q.offset = stmt.offset;
  const result = await env.store.query(input.db, q);
  const out: OutputSeries[] = [];
  for (const s of result.series) {
    const idx = projected.map((f) => fields.indexOf(f));
    let rows: InfluxValue[][] = [];
    for (let r = 0; r < s.times.length; r++) {
      const row: InfluxValue[] = [s.times[r]!];
      let any = false;
      for (const c of idx) {
        const v = s.values[c]![r]! as InfluxValue;
        if (v !== null) any = true;
        row.push(v);
      }
      if (any) rows.push(row);
    }
    if (!exact) rows = limitRows(rows, stmt.limit, stmt.offset);
    if (rows.length === 0) continue;
    out.push(outputSeries(input.name, s.tags, ["time", ...plan.projections.map((p) => p.name)], rows));
  }
  return out;
}

function outputSeries(
  name: string,
  tags: Record<string, string>,
  columns: string[],
  values: InfluxValue[][],
): OutputSeries {
  const s: OutputSeries = { name, columns, values };
  if (Object.keys(tags).length > 0) s.tags = tags;
  return s;
}

function limitRows<T>(rows: T[], limit: number, offset: number): T[] {
  if (offset === 0 && (limit === 0 || rows.length <= limit)) return rows;
  return limit > 0 ? rows.slice(offset, offset + limit) : rows.slice(offset);
}

/** Reads every needed field of the measurement per series, with tags, time and field conditions pushed down. */
async function fetchSeries(
  plan: SelectPlan,
  input: MeasurementInput,
  split: SplitCondition,
  range: Range,
  env: SelectEnv,
): Promise<SourceSeries[]> {
  const needed = new Set<string>();
  for (const f of plan.fieldsRead) if (input.schema.fields.has(f)) needed.add(f);
  for (const f of split.fields) if (input.schema.fields.has(f.field)) needed.add(f.field);
  if (split.residual !== undefined) collectRefs(split.residual, input.schema, needed);
  if (needed.size === 0) return [];
  const fields = [...needed];
  const q = baseQuery(input, split, range, []);
  q.fields = fields;
  if (split.fields.length > 0) q.fieldWhere = split.fields;
  q.groupBy = { tags: "*" };
  const result = await env.store.query(input.db, q);
  return result.series.map((s: ResultSeries) => ({
    name: input.name,
    tags: s.tags,
    times: s.times,
    fields: new Map(fields.map((f, i) => [f, s.values[i]! as InfluxValue[]])),
  }));
}

function collectRefs(e: Expr, schema: SourceSchema, out: Set<string>): void {
  switch (e.kind) {
    case "varref":
      if (schema.fields.has(e.name) && e.cast !== "tag") out.add(e.name);
      return;
    case "binary":
      collectRefs(e.lhs, schema, out);
      collectRefs(e.rhs, schema, out);
      return;
    case "paren":
      collectRefs(e.expr, schema, out);
      return;
    case "call":
      for (const a of e.args) collectRefs(a, schema, out);
      return;
    default:
      return;
  }
}

// ---- in memory -----------------------------------------------------------------------------------------------

function runInMemory(
  stmt: SelectStatement,
  plan: SelectPlan,
  series: SourceSeries[],
  schema: SourceSchema,
  range: Range,
  condition: Expr | undefined,
  env: SelectEnv,
  kind: RefKind = classify(schema),
): OutputSeries[] {
  const tags = groupTags(plan, schema);
  const groups = groupRows(filterSeries(series, condition, kind, range, env.nowNs), tags);
  const out: OutputSeries[] = [];
  for (const g of groups) {
    const s = plan.aggregate
      ? finishAggregate(
          stmt,
          plan,
          g.name,
          g.tags,
          aggregateRows(g, plan.leaves, {
            ...(plan.interval === undefined ? {} : { interval: plan.interval }),
            startNs: plan.interval === undefined ? (range.whereStart ?? 0n) : range.startNs,
            endNs: range.endNs,
            fill: stmt.fill,
            descending: stmt.order === "desc",
            valueType: (f) => schema.fields.get(f),
            maxBuckets: MAX_BUCKETS,
          }),
          schema,
          range,
          g,
        )
      : finishRaw(stmt, plan, g, schema);
    if (s !== null) out.push(s);
  }
  return out;
}

/** Applies the time range and the in-memory condition to each series' rows. */
function filterSeries(
  series: SourceSeries[],
  condition: Expr | undefined,
  kind: RefKind,
  range: Range,
  nowNs: bigint,
): SourceSeries[] {
  return series.map((s) => {
    const keep: number[] = [];
    const row = {
      time: 0n,
      r: 0,
      tag: (name: string): string => s.tags[name] ?? "",
      field: (name: string): InfluxValue => s.fields.get(name)?.[row.r] ?? null,
    };
    for (let r = 0; r < s.times.length; r++) {
      const t = s.times[r]!;
      if (t < range.startNs || t >= range.endNs) continue;
      row.time = t;
      row.r = r;
      if (condition !== undefined && !evalCondition(condition, row, kind, nowNs)) continue;
      keep.push(r);
    }
    if (keep.length === s.times.length) return s;
    const fields = new Map<string, InfluxValue[]>();
    for (const [k, v] of s.fields)
      fields.set(
        k,
        keep.map((r) => v[r]!),
      );
    return { name: s.name, tags: s.tags, times: keep.map((r) => s.times[r]!), fields };
  });
}

/** Groups series by measurement and GROUP BY tags and merges each group's rows by time (stable). */
function groupRows(series: SourceSeries[], tags: string[]): RowGroup[] {
  const groups = new Map<string, { name: string; tags: Record<string, string>; members: SourceSeries[] }>();
  for (const s of series) {
    const picked: Record<string, string> = {};
    for (const t of tags) picked[t] = s.tags[t] ?? "";
    const key = JSON.stringify([s.name, tags.map((t) => picked[t])]);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { name: s.name, tags: picked, members: [] }));
    g.members.push(s);
  }
  const out: RowGroup[] = [];
  for (const g of groups.values()) out.push(mergeMembers(g.name, g.tags, g.members));
  return out;
}

/** K-way merge of time-sorted series into one row set (ties keep series order), in typed index arrays. */
function mergeMembers(name: string, tags: Record<string, string>, members: SourceSeries[]): RowGroup {
  const names = new Set<string>();
  for (const m of members) for (const k of m.fields.keys()) names.add(k);
  if (members.length === 1) {
    const m = members[0]!;
    const fields = new Map<string, InfluxValue[]>();
    for (const n of names) fields.set(n, m.fields.get(n) ?? new Array<InfluxValue>(m.times.length).fill(null));
    return {
      name,
      tags,
      times: m.times,
      rowTags: new Array<Record<string, string>>(m.times.length).fill(m.tags),
      fields,
    };
  }
  let total = 0;
  for (const m of members) total += m.times.length;
  const memberOf = new Int32Array(total);
  const rowOf = new Int32Array(total);
  const cursor = new Int32Array(members.length);
  // A binary heap of member indexes ordered by (current time, member index).
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => {
    const ta = members[a]!.times[cursor[a]!]!;
    const tb = members[b]!.times[cursor[b]!]!;
    return ta < tb || (ta === tb && a < b);
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const r = l + 1;
      const c = r < heap.length && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[c]!, heap[i]!)) return;
      [heap[c], heap[i]] = [heap[i]!, heap[c]!];
      i = c;
    }
  };
  for (let m = 0; m < members.length; m++) if (members[m]!.times.length > 0) heap.push(m);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  for (let n = 0; n < total; n++) {
    const m = heap[0]!;
    memberOf[n] = m;
    rowOf[n] = cursor[m]!;
    cursor[m]!++;
    if (cursor[m]! >= members[m]!.times.length) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    if (heap.length > 0) down(0);
  }
  const times = new Array<bigint>(total);
  const rowTags = new Array<Record<string, string>>(total);
  for (let n = 0; n < total; n++) {
    const m = members[memberOf[n]!]!;
    times[n] = m.times[rowOf[n]!]!;
    rowTags[n] = m.tags;
  }
  const fields = new Map<string, InfluxValue[]>();
  for (const f of names) {
    const cols = members.map((m) => m.fields.get(f));
    const out = new Array<InfluxValue>(total);
    for (let n = 0; n < total; n++) {
      const c = cols[memberOf[n]!];
      out[n] = c === undefined ? null : c[rowOf[n]!]!;
    }
    fields.set(f, out);
  }
  return { name, tags, times, rowTags, fields };
}

function leafLookup(plan: SelectPlan): LeafLookup {
  const byCall = new Map<Expr, Leaf>();
  for (const l of plan.leaves) byCall.set(l.call, l);
  return (call) => {
    const direct = byCall.get(call);
    if (direct !== undefined) return direct;
    return plan.leaves.find((l) => sameCall(l.call, call));
  };
}

function sameCall(a: Expr, b: Expr): boolean {
  return (
    JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ===
    JSON.stringify(b, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))
  );
}

/** Output rows of a raw (non-aggregate) group. */
function finishRaw(stmt: SelectStatement, plan: SelectPlan, g: RowGroup, schema: SourceSchema): OutputSeries | null {
  // Transformations under ORDER BY time DESC run over the rows in descending order, as influxd's do.
  const descending = stmt.order === "desc" && plan.transforms;
  if (descending) g = reverseGroup(g);
  const isTag = (name: string, cast: string | undefined): boolean =>
    cast === "tag" || (cast === undefined && schema.tags.has(name) && !schema.fields.has(name));
  const frame: Frame = {
    times: g.times,
    column: (name, cast) =>
      isTag(name, cast) ? g.rowTags.map((t) => t[name] ?? null) : (g.fields.get(name) ?? g.times.map(() => null)),
    leaf: () => undefined,
    valueType: (name) => schema.fields.get(name),
    descending,
  };
  const columns = plan.projections.map((p) => evalColumn(p.expr, frame, leafLookup(plan)));
  const fieldish = plan.projections.map((p) => readsField(p.expr, isTag));
  const rows = assemble(columns, (row) => {
    for (let i = 0; i < fieldish.length; i++) if (fieldish[i] && row[i + 1] !== null) return true;
    return false;
  });
  return shape(stmt, plan, g.name, g.tags, rows, undefined, descending);
}

function reverseGroup(g: RowGroup): RowGroup {
  const fields = new Map<string, InfluxValue[]>();
  for (const [k, v] of g.fields) fields.set(k, [...v].reverse());
  return { ...g, times: [...g.times].reverse(), rowTags: [...g.rowTags].reverse(), fields };
}

function readsField(e: Expr, isTag: (name: string, cast: string | undefined) => boolean): boolean {
  switch (e.kind) {
    case "varref":
      return !isTag(e.name, e.cast);
    case "binary":
      return readsField(e.lhs, isTag) || readsField(e.rhs, isTag);
    case "paren":
      return readsField(e.expr, isTag);
    case "call":
      return e.args.some((a) => readsField(a, isTag));
    default:
      return false;
  }
}

/** Output rows of an aggregated group (projections over leaves, aux columns from selected points). */
function finishAggregate(
  stmt: SelectStatement,
  plan: SelectPlan,
  name: string,
  tags: Record<string, string>,
  table: AggTable,
  schema: SourceSchema,
  range: Range,
  g: RowGroup | null,
  ordered = false,
): OutputSeries | null {
  if (table.times.length === 0) return null;
  // Transformations under ORDER BY time DESC run over the rows in descending order, as influxd's do.
  const descending = stmt.order === "desc" && plan.transforms && !ordered;
  if (descending) {
    const leaves = new Map<string, InfluxValue[]>();
    for (const [k, v] of table.leaves) leaves.set(k, [...v].reverse());
    table = {
      times: [...table.times].reverse(),
      leaves,
      pointRow: [...table.pointRow].reverse(),
      auxTags: [...table.auxTags].reverse(),
    };
    ordered = true;
  }
  // influxd keeps top()/bottom() rows in time order under ORDER BY time DESC without GROUP BY time.
  if (
    stmt.order === "desc" &&
    plan.interval === undefined &&
    plan.leaves.some((l) => l.call.name === "top" || l.call.name === "bottom")
  ) {
    ordered = true;
  }
  const isTag = (n: string, cast: string | undefined): boolean =>
    cast === "tag" || (cast === undefined && schema.tags.has(n) && !schema.fields.has(n));
  const frame: Frame = {
    times: table.times,
    column: (n, cast) =>
      table.pointRow.map((r, i) => {
        const aux = table.auxTags[i];
        if (aux !== null && aux !== undefined && n in aux) return aux[n]!;
        if (g === null || r < 0) return null;
        return isTag(n, cast) ? (g.rowTags[r]![n] ?? null) : (g.fields.get(n)?.[r] ?? null);
      }),
    leaf: (key) => table.leaves.get(key),
    valueType: (n) => schema.fields.get(n),
    ...(plan.interval === undefined ? {} : { intervalNs: plan.interval.ns }),
    descending,
  };
  const lookup = leafLookup(plan);
  const columns: Column[] = [];
  const names: string[] = [];
  for (const p of plan.projections) {
    columns.push(evalColumn(p.expr, frame, lookup));
    names.push(p.name);
    // top(field, tag, N): each tag argument becomes a column after the call's.
    const e = unparen(p.expr);
    if (e.kind === "call") {
      const leaf = lookup(e);
      for (const t of leaf?.tagArgs ?? []) {
        columns.push({ times: table.times, values: frame.column(t, "tag") });
        names.push(t);
      }
    }
  }
  let rows = assemble(columns, () => true);
  const from = range.outputStartNs;
  if (from !== undefined) rows = rows.filter((r) => (r[0] as bigint) >= from);
  return shape(stmt, plan, name, tags, rows, names, ordered);
}

/** Joins projection columns into rows `[time, ...values]` (by row when they share times, else by time). */
function assemble(columns: Column[], keep: (row: InfluxValue[]) => boolean): InfluxValue[][] {
  if (columns.length === 0) return [];
  const base = columns[0]!.times;
  const shared = columns.every((c) => c.times === base);
  const out: InfluxValue[][] = [];
  if (shared) {
    const width = columns.length;
    for (let r = 0; r < base.length; r++) {
      const row = new Array<InfluxValue>(width + 1);
      row[0] = base[r]!;
      for (let c = 0; c < width; c++) row[c + 1] = columns[c]!.values[r]!;
      if (keep(row)) out.push(row);
    }
    return out;
  }
  const times = [...new Set(columns.flatMap((c) => c.times))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const maps = columns.map((c) => {
    const m = new Map<bigint, InfluxValue>();
    c.times.forEach((t, i) => m.set(t, c.values[i]!));
    return m;
  });
  for (const t of times) {
    const row: InfluxValue[] = [t, ...maps.map((m) => m.get(t) ?? null)];
    if (keep(row)) out.push(row);
  }
  return out;
}

function shape(
  stmt: SelectStatement,
  plan: SelectPlan,
  name: string,
  tags: Record<string, string>,
  rows: InfluxValue[][],
  names: string[] | undefined,
  ordered = false,
): OutputSeries | null {
  if (stmt.order === "desc" && !ordered) rows.reverse();
  rows = limitRows(rows, stmt.limit, stmt.offset);
  if (rows.length === 0) return null;
  return outputSeries(name, tags, ["time", ...(names ?? plan.projections.map((p) => p.name))], rows);
}
