// Strata's native query over HTTP: `POST /api/v1/native/query?db=` with a WireNativeQuery JSON body, answered
// with a WireNativeResult (exact times and big integers as decimal strings). Errors are WireError bodies.
import { InvalidError } from "../../base/index.ts";
import type { AggValue, NativeQuery, QueryResult } from "../../storage/index.ts";
import type { WireNativeResult } from "../../wire/index.ts";
import { readBodyBuffer } from "../http/read-body.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { runQuery } from "./query-runner.ts";

/** Largest native query body; a query is a small JSON object. */
const MAX_QUERY_BYTES = 1024 * 1024;

/** Registers `/api/v1/native/query`. */
export function registerNativeRoute(router: Router, deps: ServerDeps): void {
  router.add(["POST"], "/api/v1/native/query", (ctx) => nativeQuery(ctx, deps), { dialect: "strata" });
}

async function nativeQuery(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = ctx.database(ctx.params.get("db"));
  if (db === undefined) throw new InvalidError("SERVER_DB_REQUIRED", "database is required: pass db or /db/<name>/");
  ctx.authorize("read", db);
  const query = parseWireNativeQuery((await readBodyBuffer(ctx.req, MAX_QUERY_BYTES)).toString("utf8"));
  const result = await runQuery(ctx, deps, "native", () => deps.store.query(db, query));
  ctx.sendJson(200, wireResult(result));
}

const QUERY_KEYS = new Set([
  "measurement",
  "fields",
  "aggregate",
  "percentile",
  "where",
  "anchored",
  "fieldWhere",
  "start",
  "end",
  "groupBy",
  "fill",
  "order",
  "limit",
  "offset",
]);
const TAG_OPS = new Set(["=", "!=", "=~", "!~"]);
const FIELD_OPS = new Set(["=", "!=", ">", ">=", "<", "<="]);
const FILLS = new Set(["none", "null", "previous", "linear"]);

type Json = Record<string, unknown>;

/**
 * Checks the shape of a WireNativeQuery JSON text and converts it to a NativeQuery (a numeric `fill` becomes
 * `{value}`; times stay strings, which the engine reads as RFC3339 or decimal ns). Throws InvalidError
 * (SERVER_BAD_QUERY) naming the offending key; the engine checks meaning (functions, durations).
 */
function parseWireNativeQuery(text: string): NativeQuery {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw bad(`query is not valid JSON: ${(cause as Error).message}`);
  }
  if (!isPlain(value)) throw bad("query must be a JSON object");
  const q = value;
  for (const key of Object.keys(q)) if (!QUERY_KEYS.has(key)) throw bad(`unknown query key "${key}"`);
  if (typeof q.measurement !== "string" || q.measurement === "")
    throw bad("query.measurement must be a non-empty string");
  check(q, "fields", (v) => Array.isArray(v) && v.every(isFieldSelection), "an array of names or {field, fn?, as?}");
  check(q, "aggregate", (v) => typeof v === "string", "a function name");
  check(q, "percentile", isNumber, "a number");
  check(q, "where", (v) => Array.isArray(v) && v.every(isTagMatcher), "an array of {key, op, value}");
  check(q, "anchored", (v) => typeof v === "boolean", "a boolean");
  check(q, "fieldWhere", (v) => Array.isArray(v) && v.every(isFieldCondition), "an array of {field, op, value}");
  check(q, "start", (v) => typeof v === "string", "an RFC3339 or decimal-ns string");
  check(q, "end", (v) => typeof v === "string", "an RFC3339 or decimal-ns string");
  check(q, "groupBy", isGroupBy, '{time?: "1m", offset?: "30s", tags?: [...] | "*"}');
  check(q, "fill", isFill, '"none", "null", "previous", "linear" or a number');
  check(q, "order", (v) => v === "asc" || v === "desc", '"asc" or "desc"');
  check(q, "limit", isCount, "a non-negative integer");
  check(q, "offset", isCount, "a non-negative integer");
  const query = { ...q } as unknown as NativeQuery;
  if (typeof q.fill === "number") query.fill = { value: q.fill };
  return query;
}

/** Converts a result to its wire form: times and int64/uint64 values beyond ±2^53 as decimal strings. */
function wireResult(result: QueryResult): WireNativeResult {
  return {
    series: result.series.map((s) => ({
      name: s.name,
      tags: s.tags,
      columns: s.columns,
      times: s.times.map((t) => t.toString()),
      values: s.values.map((column) => column.map(wireValue)),
    })),
    stats: result.stats,
  };
}

function wireValue(v: AggValue): unknown {
  if (typeof v !== "bigint") return v;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
}

function check(q: Json, key: string, ok: (v: unknown) => boolean, want: string): void {
  if (q[key] !== undefined && !ok(q[key])) throw bad(`query.${key} must be ${want}`);
}

function isPlain(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v);
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isFieldSelection(v: unknown): boolean {
  if (typeof v === "string") return true;
  return (
    isPlain(v) &&
    typeof v.field === "string" &&
    (v.fn === undefined || typeof v.fn === "string") &&
    (v.percentile === undefined || isNumber(v.percentile)) &&
    (v.as === undefined || typeof v.as === "string")
  );
}

function isTagMatcher(v: unknown): boolean {
  return isPlain(v) && typeof v.key === "string" && TAG_OPS.has(v.op as string) && typeof v.value === "string";
}

function isFieldCondition(v: unknown): boolean {
  return (
    isPlain(v) &&
    typeof v.field === "string" &&
    FIELD_OPS.has(v.op as string) &&
    (isNumber(v.value) || typeof v.value === "string" || typeof v.value === "boolean")
  );
}

function isGroupBy(v: unknown): boolean {
  if (!isPlain(v)) return false;
  for (const key of Object.keys(v)) if (key !== "time" && key !== "offset" && key !== "tags") return false;
  const tags = v.tags;
  return (
    (v.time === undefined || typeof v.time === "string") &&
    (v.offset === undefined || typeof v.offset === "string") &&
    (tags === undefined || tags === "*" || (Array.isArray(tags) && tags.every((t) => typeof t === "string")))
  );
}

function isFill(v: unknown): boolean {
  return (typeof v === "string" && FILLS.has(v)) || isNumber(v) || (isPlain(v) && isNumber(v.value));
}

function bad(message: string): InvalidError {
  return new InvalidError("SERVER_BAD_QUERY", message);
}
