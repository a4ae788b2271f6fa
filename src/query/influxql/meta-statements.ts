// SHOW, CREATE/DROP DATABASE, DROP SERIES/MEASUREMENT and DELETE against the storage interface, with InfluxDB
// 1.x result shapes (series names, columns, LIMIT/OFFSET).
import { InvalidError, NotFoundError } from "../../base/index.ts";
import type { TagMatcher, TimeSeriesStore } from "../../storage/index.ts";
import { createDatabaseWith, describePolicy, policyStatement } from "./retention-statements.ts";
import type { Expr, Source, Statement, TagKeyFilter } from "./ast.ts";
import { evalCondition, mentionsTime, regexOf, splitCondition } from "./condition.ts";
import type { RefKind } from "./condition.ts";
import type { InfluxValue, OutputSeries } from "./statement-output.ts";

/** What a meta statement runs against. */
export interface MetaEnv {
  store: TimeSeriesStore;
  defaultDb: string | undefined;
  nowNs: bigint;
  authorize?: (need: "read" | "write" | "admin", db: string | undefined) => void;
}

type MetaStatement = Exclude<Statement, { kind: "select" }>;

/** Runs one non-SELECT statement; throws TsdbErrors whose messages are InfluxDB's statement errors. */
export async function executeMeta(stmt: MetaStatement, env: MetaEnv): Promise<OutputSeries[]> {
  switch (stmt.kind) {
    case "show_databases":
      env.authorize?.("read", undefined);
      return [{ name: "databases", columns: ["name"], values: env.store.databases().map((d) => [d]) }];
    case "create_database":
      env.authorize?.("admin", stmt.name);
      if (stmt.rp === undefined) await env.store.createDatabase(stmt.name);
      else await createDatabaseWith(env.store, stmt.name, stmt.rp);
      return [];
    case "create_retention_policy":
    case "alter_retention_policy":
    case "drop_retention_policy":
      env.authorize?.("admin", stmt.db);
      await policyStatement(env.store, stmt);
      return [];
    case "drop_database":
      env.authorize?.("admin", stmt.name);
      if (env.store.databases().includes(stmt.name)) await env.store.dropDatabase(stmt.name);
      return [];
    case "show_retention_policies": {
      const db = requireDb(stmt.db, env);
      env.authorize?.("read", db);
      if (!env.store.databases().includes(db)) throw notFound(db);
      return [
        {
          columns: ["name", "duration", "shardGroupDuration", "replicaN", "default"],
          values: [describePolicy(await env.store.retentionPolicy(db))],
        },
      ];
    }
    case "show_measurements":
      return showMeasurements(stmt, env);
    case "show_tag_keys":
      return showTagKeys(stmt, env);
    case "show_tag_values":
      return showTagValues(stmt, env);
    case "show_field_keys":
      return showFieldKeys(stmt, env);
    case "show_series":
      return showSeries(stmt, env);
    case "drop_measurement": {
      const db = writableDb(undefined, env);
      await env.store.dropSeries(db, { measurement: stmt.name });
      return [];
    }
    case "drop_series":
      return dropSeries(stmt, env);
    case "delete":
      return deletePoints(stmt, env);
  }
}

function requireDb(db: string | undefined, env: MetaEnv): string {
  const name = db ?? env.defaultDb;
  if (name === undefined || name === "") throw new InvalidError("QUERY_NO_DATABASE", "database name required");
  return name;
}

function notFound(db: string): NotFoundError {
  return new NotFoundError("QUERY_DB_NOT_FOUND", `database not found: ${db}`);
}

/** The database of a SHOW; throws "database not found" unless `lenient`, which returns undefined instead. */
function readableDb(db: string | undefined, env: MetaEnv, lenient = false): string | undefined {
  const name = requireDb(db, env);
  env.authorize?.("read", name);
  if (!env.store.databases().includes(name)) {
    if (lenient) return undefined;
    throw notFound(name);
  }
  return name;
}

/** The database DROP/DELETE write to; InfluxDB reports a missing one as "database not found: <name>". */
function writableDb(db: string | undefined, env: MetaEnv): string {
  const name = db ?? env.defaultDb ?? "";
  env.authorize?.("write", name);
  if (name === "" || !env.store.databases().includes(name)) throw notFound(name);
  return name;
}

function page<T>(rows: T[], limit: number, offset: number): T[] {
  return limit > 0 ? rows.slice(offset, offset + limit) : rows.slice(offset);
}

/** Measurements named by FROM sources (all when none), existing ones only, sorted. */
async function sourceMeasurements(store: TimeSeriesStore, db: string, sources: Source[]): Promise<string[]> {
  const all = await store.measurements(db);
  if (sources.length === 0) return all;
  const out = new Set<string>();
  for (const s of sources) {
    if (s.kind !== "measurement") continue;
    if (s.regex !== undefined) {
      const re = regexOf(s.regex);
      for (const m of all) if (re.test(m)) out.add(m);
    } else if (all.includes(s.name!)) out.add(s.name!);
  }
  return [...out].sort();
}

const tagsOnly: RefKind = (name, cast) => (name === "time" && cast === undefined ? "time" : "tag");

/**
 * Series (with tags) of `measurement` matching a tag condition: pure AND chains of tag comparisons are pushed
 * down as matchers; anything else is evaluated per series in memory.
 */
async function matchingSeries(
  store: TimeSeriesStore,
  db: string,
  measurement: string | undefined,
  condition: Expr | undefined,
  nowNs: bigint,
): Promise<Array<{ key: string; measurement: string; tags: Record<string, string> }>> {
  const split = splitCondition(condition, tagsOnly, nowNs);
  const where: TagMatcher[] = split.tags;
  const range: { start?: bigint; end?: bigint } = {};
  if (split.time.startNs !== undefined) range.start = split.time.startNs;
  if (split.time.endNs !== undefined) range.end = split.time.endNs - 1n;
  if (split.empty) return [];
  const list = await store.series(db, { ...(measurement === undefined ? {} : { measurement }), where }, range);
  const residual = split.residual;
  if (residual === undefined) return list;
  return list.filter((s) =>
    evalCondition(residual, { time: 0n, tag: (k) => s.tags[k] ?? "", field: () => null }, tagsOnly, nowNs),
  );
}

async function showMeasurements(
  stmt: Extract<Statement, { kind: "show_measurements" }>,
  env: MetaEnv,
): Promise<OutputSeries[]> {
  const db = readableDb(stmt.db, env, true);
  if (db === undefined) return [];
  let names: string[];
  if (stmt.condition === undefined) names = await env.store.measurements(db);
  else {
    const set = new Set(
      (await matchingSeries(env.store, db, undefined, stmt.condition, env.nowNs)).map((s) => s.measurement),
    );
    names = [...set].sort();
  }
  const m = stmt.measurement;
  if (m !== undefined) names = names.filter((n) => (m.op === "=" ? n === m.value : regexOf(m.value).test(n)));
  names = page(names, stmt.limit, stmt.offset);
  if (names.length === 0) return [];
  return [{ name: "measurements", columns: ["name"], values: names.map((n) => [n]) }];
}

async function showTagKeys(stmt: Extract<Statement, { kind: "show_tag_keys" }>, env: MetaEnv): Promise<OutputSeries[]> {
  const db = readableDb(stmt.db, env)!;
  const out: OutputSeries[] = [];
  for (const m of await sourceMeasurements(env.store, db, stmt.sources)) {
    let keys: string[];
    if (stmt.condition === undefined) keys = await env.store.tagKeys(db, m);
    else {
      const set = new Set<string>();
      for (const s of await matchingSeries(env.store, db, m, stmt.condition, env.nowNs))
        for (const k of Object.keys(s.tags)) set.add(k);
      keys = [...set].sort();
    }
    keys = page(keys, stmt.limit, stmt.offset);
    if (keys.length > 0) out.push({ name: m, columns: ["tagKey"], values: keys.map((k) => [k]) });
  }
  return out;
}

function keyMatches(filter: TagKeyFilter, key: string): boolean {
  switch (filter.op) {
    case "=":
      return key === filter.key;
    case "!=":
      return key !== filter.key;
    case "=~":
      return regexOf(filter.pattern).test(key);
    case "!~":
      return !regexOf(filter.pattern).test(key);
    case "IN":
      return filter.keys.includes(key);
  }
}

async function showTagValues(
  stmt: Extract<Statement, { kind: "show_tag_values" }>,
  env: MetaEnv,
): Promise<OutputSeries[]> {
  const db = readableDb(stmt.db, env)!;
  const out: OutputSeries[] = [];
  for (const m of await sourceMeasurements(env.store, db, stmt.sources)) {
    const pairs: Array<[string, string]> = [];
    if (stmt.condition === undefined) {
      for (const k of await env.store.tagKeys(db, m)) {
        if (!keyMatches(stmt.keyFilter, k)) continue;
        for (const v of await env.store.tagValues(db, m, k)) pairs.push([k, v]);
      }
    } else {
      const set = new Set<string>();
      for (const s of await matchingSeries(env.store, db, m, stmt.condition, env.nowNs)) {
        for (const [k, v] of Object.entries(s.tags)) if (keyMatches(stmt.keyFilter, k)) set.add(JSON.stringify([k, v]));
      }
      for (const p of set) pairs.push(JSON.parse(p) as [string, string]);
      pairs.sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    }
    const rows = page(pairs, stmt.limit, stmt.offset);
    if (rows.length > 0) out.push({ name: m, columns: ["key", "value"], values: rows });
  }
  return out;
}

async function showFieldKeys(
  stmt: Extract<Statement, { kind: "show_field_keys" }>,
  env: MetaEnv,
): Promise<OutputSeries[]> {
  const db = readableDb(stmt.db, env)!;
  const out: OutputSeries[] = [];
  for (const m of await sourceMeasurements(env.store, db, stmt.sources)) {
    const keys = page(await env.store.fieldKeys(db, m), stmt.limit, stmt.offset);
    if (keys.length > 0) {
      out.push({
        name: m,
        columns: ["fieldKey", "fieldType"],
        values: keys.map((k): InfluxValue[] => [k.name, k.type]),
      });
    }
  }
  return out;
}

async function showSeries(stmt: Extract<Statement, { kind: "show_series" }>, env: MetaEnv): Promise<OutputSeries[]> {
  const db = readableDb(stmt.db, env)!;
  const keys: string[] = [];
  const measurements = stmt.sources.length === 0 ? [undefined] : await sourceMeasurements(env.store, db, stmt.sources);
  for (const m of measurements) {
    for (const s of await matchingSeries(env.store, db, m, stmt.condition, env.nowNs)) keys.push(s.key);
  }
  keys.sort();
  const rows = page(keys, stmt.limit, stmt.offset);
  if (rows.length === 0) return [];
  return [{ columns: ["key"], values: rows.map((k) => [k]) }];
}

async function dropSeries(stmt: Extract<Statement, { kind: "drop_series" }>, env: MetaEnv): Promise<OutputSeries[]> {
  const db = writableDb(undefined, env);
  if (stmt.condition !== undefined && mentionsTime(stmt.condition, tagsOnly)) {
    throw new InvalidError("QUERY_INVALID", "DROP SERIES doesn't support time in WHERE clause");
  }
  const measurements = stmt.sources.length === 0 ? [undefined] : await sourceMeasurements(env.store, db, stmt.sources);
  for (const m of measurements) {
    const split = splitCondition(stmt.condition, tagsOnly, env.nowNs);
    if (split.residual === undefined) {
      await env.store.dropSeries(db, { ...(m === undefined ? {} : { measurement: m }), where: split.tags });
      continue;
    }
    for (const s of await matchingSeries(env.store, db, m, stmt.condition, env.nowNs)) {
      const keys = await env.store.tagKeys(db, s.measurement);
      await env.store.dropSeries(db, { measurement: s.measurement, where: exactMatchers(s.tags, keys) });
    }
  }
  return [];
}

/** Matchers selecting exactly the series with `tags` among series whose tag keys are within `keys`. */
function exactMatchers(tags: Record<string, string>, keys: string[]): TagMatcher[] {
  return keys.map((key) => ({ key, op: "=", value: tags[key] ?? "" }));
}

async function deletePoints(stmt: Extract<Statement, { kind: "delete" }>, env: MetaEnv): Promise<OutputSeries[]> {
  const db = writableDb(undefined, env);
  const tagSet = new Set<string>();
  const measurements =
    stmt.sources.length === 0
      ? await env.store.measurements(db)
      : await sourceMeasurements(env.store, db, stmt.sources);
  for (const m of measurements) for (const k of await env.store.tagKeys(db, m)) tagSet.add(k);
  const kind: RefKind = (name, cast) =>
    name === "time" && cast === undefined ? "time" : tagSet.has(name) || cast === "tag" ? "tag" : "field";
  const split = splitCondition(stmt.condition, kind, env.nowNs);
  if (split.fields.length > 0 || (split.residual !== undefined && readsField(split.residual, kind))) {
    throw new InvalidError("QUERY_INVALID", "fields not supported in WHERE clause during deletion");
  }
  if (split.empty) return [];
  const range: { start?: bigint; end?: bigint } = {};
  if (split.time.startNs !== undefined) range.start = split.time.startNs;
  if (split.time.endNs !== undefined) range.end = split.time.endNs - 1n;
  for (const m of measurements) {
    if (split.residual === undefined) {
      await env.store.delete(db, { measurement: m, where: split.tags }, range);
      continue;
    }
    const keys = await env.store.tagKeys(db, m);
    for (const s of await matchingSeries(env.store, db, m, stmt.condition, env.nowNs)) {
      await env.store.delete(db, { measurement: s.measurement, where: exactMatchers(s.tags, keys) }, range);
    }
  }
  return [];
}

function readsField(e: Expr, kind: RefKind): boolean {
  switch (e.kind) {
    case "varref":
      return kind(e.name, e.cast) === "field";
    case "binary":
      return readsField(e.lhs, kind) || readsField(e.rhs, kind);
    case "paren":
      return readsField(e.expr, kind);
    default:
      return false;
  }
}
