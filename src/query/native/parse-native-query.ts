// The JSON form of a native query (`WireNativeQuery`: NativeQuery with times as RFC3339 or decimal-ns strings),
// shared by `strata query --json` and `POST /api/v1/native/query`. Checks shapes only; the engine validates meaning
// (functions, fields, durations).
import { InvalidError } from "../../base/index.ts";
import type { NativeQuery } from "../../storage/index.ts";

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
 * Parses the JSON text of a native query. A numeric `fill` means `{value}`. Throws InvalidError with `code` (the
 * caller's area: CLI_BAD_QUERY, SERVER_BAD_QUERY) naming the offending key when the text is not JSON or a value
 * has the wrong shape (unknown keys included).
 */
export function parseNativeQuery(text: string, code: string): NativeQuery {
  const bad = (message: string): InvalidError => new InvalidError(code, message);
  const check = (q: Json, key: string, ok: (v: unknown) => boolean, want: string): void => {
    if (q[key] !== undefined && !ok(q[key])) throw bad(`query.${key} must be ${want}`);
  };
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
  check(q, "fill", isFill, '"none", "null", "previous", "linear", a number or {value: number}');
  check(q, "order", (v) => v === "asc" || v === "desc", '"asc" or "desc"');
  check(q, "limit", isCount, "a non-negative integer");
  check(q, "offset", isCount, "a non-negative integer");
  const query = { ...q } as unknown as NativeQuery;
  if (typeof q.fill === "number") query.fill = { value: q.fill };
  return query;
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
  return (typeof v === "string" && FILLS.has(v)) || isNumber(v) || (isPlain(v) && isNumber(v.value));
}
