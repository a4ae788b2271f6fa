// The error hierarchy every layer throws (STYLE.md §5). Knows categories and codes, never transports.
import type { ErrorCategory } from "../wire/index.ts";

const BRAND = Symbol.for("strata.TsdbError");

export interface ErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/** Base of all errors Strata throws: a stable area-prefixed `code` and a `category`. */
export abstract class TsdbError extends Error {
  abstract readonly category: ErrorCategory;
  readonly code: string;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any TsdbError, including ones from another copy of this module (brand, not instanceof). */
export function isTsdbError(value: unknown): value is TsdbError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Bad input from a caller: malformed line, unknown function, wrong type. */
export class InvalidError extends TsdbError {
  readonly category = "invalid";
}
/** Something named does not exist (database, measurement, file). */
export class NotFoundError extends TsdbError {
  readonly category = "not_found";
}
/** The request conflicts with stored state, e.g. a field written with another type. */
export class ConflictError extends TsdbError {
  readonly category = "conflict";
}
/** A configured limit was hit: series cardinality, batch size, query points. */
export class LimitError extends TsdbError {
  readonly category = "limit";
}
/** The engine cannot serve now: closed, starting, refusing writes after corruption. */
export class UnavailableError extends TsdbError {
  readonly category = "unavailable";
}
/** Bad bytes on disk; the message names the file and offset. */
export class CorruptError extends TsdbError {
  readonly category = "corrupt";
  /** File the damage was found in, relative to the data directory where possible. */
  readonly file: string;
  /** Byte offset of the damage within `file`, or -1 when unknown. */
  readonly offset: number;

  constructor(code: string, message: string, file: string, offset: number, options: ErrorOptions = {}) {
    super(code, message, options);
    this.file = file;
    this.offset = offset;
  }
}
/** A broken invariant: a bug in Strata. */
export class InternalError extends TsdbError {
  readonly category = "internal";
}
