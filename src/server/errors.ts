// The one place that maps errors to HTTP: status codes per category (and per code where an ecosystem is more
// specific) and the body each ecosystem's clients parse: InfluxDB 1.x, InfluxDB 2.x, Prometheus, Strata's WireError.
//
// Status table (category → status; exceptions by code below it):
//   invalid 400 · not_found 404 · conflict 400 (Influx partial write) / 422 (Prometheus, Strata: execution)
//   limit 400 (Influx) / 422 (Prometheus `execution`, Strata) · unavailable 503 · corrupt, internal 500
//   SERVER_UNAUTHORIZED 401 · SERVER_FORBIDDEN 403 · SERVER_BODY_TOO_LARGE, SERVER_TOO_MANY_VALUES 413 (InfluxDB's
//   max-body-size answer) · SERVER_TOO_MANY_QUERIES 429 (queue full) ·
//   any other *_TIMEOUT code (STORAGE_QUERY_TIMEOUT, PROMQL_TIMEOUT) 503, Prometheus `timeout` ·
//   PROMQL_EXEC_* 422 `execution` (invalid arguments Prometheus finds while evaluating, not while parsing) ·
//   SERVER_METHOD_NOT_ALLOWED 405 · SERVER_ROUTE_NOT_FOUND 404
import { InternalError, InvalidError, LimitError, isTsdbError } from "../base/index.ts";
import type { TsdbError } from "../base/index.ts";
import type { ErrorCategory, PromErrorType, WireError } from "../wire/index.ts";
import { goJsonString } from "../query/index.ts";

/** Which error body a route answers with. */
export type ErrorDialect = "influx" | "influx2" | "prometheus" | "strata";

/** A ready-to-send error response. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** No or unknown credentials (401). */
export class UnauthorizedError extends InvalidError {
  constructor(message = "authorization failed") {
    super("SERVER_UNAUTHORIZED", message);
  }
}

/** Valid credentials without the scope the request needs (403). */
export class ForbiddenError extends InvalidError {
  constructor(message: string) {
    super("SERVER_FORBIDDEN", message);
  }
}

/** Request body over maxBodyBytes (413). */
export function bodyTooLargeError(): LimitError {
  // InfluxDB 1.x's exact text: clients and operators grep for it.
  return new LimitError("SERVER_BODY_TOO_LARGE", "Request Entity Too Large");
}

const CODE_STATUS: Record<string, number> = {
  SERVER_UNAUTHORIZED: 401,
  SERVER_FORBIDDEN: 403,
  SERVER_BODY_TOO_LARGE: 413,
  SERVER_TOO_MANY_VALUES: 413,
  SERVER_TOO_MANY_QUERIES: 429,
  SERVER_METHOD_NOT_ALLOWED: 405,
  SERVER_ROUTE_NOT_FOUND: 404,
};

const CATEGORY_STATUS: Record<ErrorCategory, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 400,
  limit: 400,
  unavailable: 503,
  corrupt: 500,
  internal: 500,
};

/** HTTP status of `error` as `dialect`'s ecosystem reports it; non-Strata errors are internal (500). */
export function httpStatus(error: unknown, dialect: ErrorDialect): number {
  const e = asTsdbError(error);
  const byCode = CODE_STATUS[e.code];
  if (byCode !== undefined) return byCode;
  if (isQueryTimeout(e)) return 503;
  if (e.code.startsWith("PROMQL_EXEC_")) return 422;
  if ((e.category === "conflict" || e.category === "limit") && dialect !== "influx" && dialect !== "influx2")
    return 422;
  return CATEGORY_STATUS[e.category];
}

/** The Prometheus `errorType` of `error`. */
function promErrorType(error: unknown): PromErrorType {
  const e = asTsdbError(error);
  if (isQueryTimeout(e)) return "timeout";
  if (e.code === "SERVER_TOO_MANY_QUERIES") return "too_many_requests";
  if (e.code.startsWith("PROMQL_EXEC_")) return "execution";
  switch (e.category) {
    case "invalid":
      return "bad_data";
    case "not_found":
      return "not_found";
    case "conflict":
    case "limit":
      return "execution";
    case "unavailable":
      return "unavailable";
    default:
      return "internal";
  }
}

const V2_CODES: Record<number, string> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not found",
  405: "method not allowed",
  413: "request too large",
  422: "unprocessable entity",
  429: "too many requests",
  503: "unavailable",
};

/**
 * The response for `error` in `dialect`: `{"error"}` plus an `X-Influxdb-Error` header (InfluxDB 1.x),
 * `{"code","message","error"}` (InfluxDB 2.x clients read `message`), `{"status":"error","errorType","error"}`
 * (Prometheus) or WireError `{error, code, category}` (Strata). Internal errors get a generic message; the caller
 * logs the original.
 */
export function errorResponse(error: unknown, dialect: ErrorDialect): ErrorResponse {
  const e = asTsdbError(error);
  const status = httpStatus(e, dialect);
  const message = e.category === "internal" && !isTsdbError(error) ? "internal error" : e.message;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  let body: unknown;
  switch (dialect) {
    case "influx":
      headers["X-Influxdb-Error"] = headerSafe(message);
      // Go's encoding/json, as influxd writes it: <, > and & escaped.
      return { status, headers, body: `{"error":${goJsonString(message)}}` };
    case "influx2":
      body = { code: V2_CODES[status] ?? "internal error", message, error: message };
      headers["X-Influxdb-Error"] = headerSafe(message);
      break;
    case "prometheus":
      body = { status: "error", errorType: promErrorType(e), error: message };
      break;
    default:
      body = { error: message, code: e.code, category: e.category } satisfies WireError;
  }
  return { status, headers, body: JSON.stringify(body) };
}

/** `error` when it is a TsdbError; otherwise an InternalError (SERVER_INTERNAL) wrapping it. */
function asTsdbError(error: unknown): TsdbError {
  if (isTsdbError(error)) return error;
  // A non-Strata error at the HTTP boundary is a bug: reported as 500, the original kept as the cause.
  return new InternalError("SERVER_INTERNAL", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** A query that ran out of time. */
function isQueryTimeout(e: TsdbError): boolean {
  return e.code.endsWith("_TIMEOUT");
}

/** Header values must be latin-1 without control characters; long messages are cut. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, " ").slice(0, 1024);
}
