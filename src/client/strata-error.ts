// Typed errors of the client, rebuilt from the server's wire codes and categories (STYLE.md §5).
// Knows HTTP statuses only to classify responses; free of Node APIs.
import type { ErrorCategory, PromErrorType } from "../wire/index.ts";

const BRAND = Symbol.for("strata.StrataError");

/** What the failed call was doing; picks the error subclass. */
export type StrataOperation = "write" | "query" | "other";

/** Options of every StrataError constructor. */
export interface StrataErrorOptions {
  /** Broad category, as the server reports it (or as derived from the HTTP status). */
  category: ErrorCategory;
  /** HTTP status of the response, or undefined when no response arrived (network error, timeout, client check). */
  status?: number;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/**
 * Base of every error the client throws or reports. `code` is the server's stable code when the response
 * carried one (`INGEST_BAD_LINE`, `QUERY_PARSE`, …), else a client code: `HTTP_<status>` for an HTTP error
 * without a code, `PROM_<ERRORTYPE>` for a Prometheus error, `INFLUXQL_STATEMENT` for a statement error, or
 * one of the `CLIENT_*` codes listed in docs/rfc/0004-typescript-client.md.
 */
export class StrataError extends Error {
  /** Stable, area-prefixed code; immutable. */
  readonly code: string;
  /** Broad category; immutable. */
  readonly category: ErrorCategory;
  /** HTTP status, or undefined when no response arrived; immutable. */
  readonly status: number | undefined;

  constructor(code: string, message: string, options: StrataErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = options.category;
    this.status = options.status;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** A write failed: rejected lines (HTTP 400, valid lines were applied), unknown database, or retries exhausted. */
export class StrataWriteError extends StrataError {}
/** A query failed: parse or execution error, a statement error inside a 200 response, unknown database. */
export class StrataQueryError extends StrataError {}
/** Authentication or authorisation failed (HTTP 401 / 403, or live close code 4003); never retried. */
export class StrataAuthError extends StrataError {}
/** A limit was hit: server limits (413, 429 after retries, category `limit`) or the writer's full buffer. */
export class StrataLimitError extends StrataError {}

/** True for any StrataError, including one from another copy of this module (brand, not instanceof). */
export function isStrataError(value: unknown): value is StrataError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Builds the subclass for `operation`: 401/403 → StrataAuthError; category `limit` (or 413/429) →
 * StrataLimitError; else StrataWriteError / StrataQueryError / StrataError by operation.
 */
export function makeStrataError(
  operation: StrataOperation,
  code: string,
  message: string,
  options: StrataErrorOptions,
): StrataError {
  const status = options.status;
  if (status === 401 || status === 403) return new StrataAuthError(code, message, options);
  if (options.category === "limit") return new StrataLimitError(code, message, options);
  if (operation === "write") return new StrataWriteError(code, message, options);
  if (operation === "query") return new StrataQueryError(code, message, options);
  return new StrataError(code, message, options);
}

/** The category the server's status implies when its body names none (inverse of server/errors.ts). */
export function categoryOfStatus(status: number): ErrorCategory {
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 413 || status === 429 || status === 408) return "limit";
  if (status === 500) return "internal";
  if (status >= 500) return "unavailable";
  return "invalid";
}

const PROM_CATEGORY: Record<PromErrorType, ErrorCategory> = {
  bad_data: "invalid",
  execution: "invalid",
  timeout: "limit",
  canceled: "unavailable",
  internal: "internal",
  unavailable: "unavailable",
  not_found: "not_found",
  too_many_requests: "limit",
};

/** The category of a Prometheus `errorType` (unknown types fall back to the status). */
export function categoryOfPromError(errorType: string | undefined, status: number): ErrorCategory {
  const category = errorType === undefined ? undefined : PROM_CATEGORY[errorType as PromErrorType];
  return category ?? categoryOfStatus(status);
}

const CATEGORIES = new Set<string>(["invalid", "not_found", "conflict", "limit", "unavailable", "corrupt", "internal"]);

/** Narrows a category read from a response body; undefined for anything else. */
export function asCategory(value: unknown): ErrorCategory | undefined {
  return typeof value === "string" && CATEGORIES.has(value) ? (value as ErrorCategory) : undefined;
}
