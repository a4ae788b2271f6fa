// The JSON form of a native query (NativeQuery with times as RFC3339 or decimal-ns strings) and of its result
// (bigints as decimal strings). Checks shapes only; the engine validates meaning (functions, fields, durations).
import { InvalidError, formatRfc3339 } from "../base/index.ts";
import type { AggValue, NativeQuery, QueryResult } from "../storage/index.ts";

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
 * Parses the JSON text of a native query. Throws InvalidError (CLI_BAD_QUERY) naming the offending key when the
 * text is not JSON or a value has the wrong shape (unknown keys included).
 */
export function parseNativeQuery(text: string): NativeQuery {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw bad(`query is not valid JSON: ${(cause as Error).message}`);
  }
  const q = object(value, "query");
  for (const key of Object.keys(q)) if (!QUERY_KEYS.has(key)) throw bad(`unknown query key "${key}"`);
  if (typeof q.measurement !== "string" || q.measurement === "")
    throw bad("query.measurement must be a non-empty string");
  check(
    q,
    "fields",
    (v) => Array.isArray(v) && v.every(isFieldSelection),
    "an array of field names or {field, fn?, percentile?, as?}",
  );
  check(q, "aggregate", isString, "a function name");
  check(q, "percentile", isNumber, "a number");
  check(
    q,
    "where",
    (v) => Array.isArray(v) && v.every(isTagMatcher),
    'an array of {key, op: "="|"!="|"=~"|"!~", value}',
  );
  check(q, "anchored", (v) => typeof v === "boolean", "a boolean");
  check(q, "fieldWhere", (v) => Array.isArray(v) && v.every(isFieldCondition), "an array of {field, op, value}");
  check(q, "start", isTime, "an RFC3339 or decimal-ns string, or a safe integer of ns");
  check(q, "end", isTime, "an RFC3339 or decimal-ns string, or a safe integer of ns");
  check(q, "groupBy", isGroupBy, '{time?: "1m", offset?: "30s", tags?: [..] | "*"}');
  check(q, "fill", isFill, '"none", "null", "previous", "linear" or {value: number}');
  check(q, "order", (v) => v === "asc" || v === "desc", '"asc" or "desc"');
  check(q, "limit", isCount, "a non-negative integer");
  check(q, "offset", isCount, "a non-negative integer");
  return q as unknown as NativeQuery;
}

/** One result series in JSON form: rows with RFC3339 times, plus the exact times in ns as decimal strings. */
export interface ResultSeriesJson {
  name: string;
  tags: Record<string, string>;
  columns: string[];
  /** Rows: [RFC3339 time, value...]; integers beyond ±(2^53 − 1) as decimal strings. */
  values: Array<Array<string | number | boolean | null>>;
  /** Exact row times, ns since the epoch as decimal strings, parallel to `values`. */
  timesNs: string[];
}

/** Converts a query result to plain JSON-serialisable data (see ResultSeriesJson). Does not retain `result`. */
export function resultToJson(result: QueryResult): { series: ResultSeriesJson[]; stats: QueryResult["stats"] } {
  const series = result.series.map((s) => {
    const rows: Array<Array<string | number | boolean | null>> = [];
    const timesNs: string[] = [];
    for (let r = 0; r < s.times.length; r++) {
      const row: Array<string | number | boolean | null> = [formatRfc3339(s.times[r]!)];
      for (let c = 0; c < s.values.length; c++) row.push(jsonValue(s.values[c]![r]!));
      rows.push(row);
      timesNs.push(s.times[r]!.toString());
    }
    return { name: s.name, tags: s.tags, columns: s.columns, values: rows, timesNs };
  });
  return { series, stats: result.stats };
}

function jsonValue(v: AggValue): string | number | boolean | null {
  return typeof v === "bigint" ? v.toString() : v;
}

function check(q: Json, key: string, ok: (v: unknown) => boolean, want: string): void {
  if (q[key] !== undefined && !ok(q[key])) throw bad(`query.${key} must be ${want}`);
}

function object(v: unknown, where: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(`${where} must be a JSON object`);
  return v as Json;
}

function isPlain(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isString(v: unknown): boolean {
  return typeof v === "string";
}

function isNumber(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v);
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isTime(v: unknown): boolean {
  return typeof v === "string" || (typeof v === "number" && Number.isSafeInteger(v));
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
    (tags === undefined || tags === "*" || (Array.isArray(tags) && tags.every(isString)))
  );
}

function isFill(v: unknown): boolean {
  return (typeof v === "string" && FILLS.has(v)) || (isPlain(v) && isNumber(v.value));
}

function bad(message: string): InvalidError {
  return new InvalidError("CLI_BAD_QUERY", message);
}
