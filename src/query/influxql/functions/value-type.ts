// Value types of InfluxQL function inputs, 64-bit integer arithmetic as Go's int64 does it, and the errors the
// function library throws. Knows nothing of query syntax or storage.
import { InvalidError } from "../../../base/index.ts";

/** A value as the function library sees it: integers beyond ±(2^53 − 1) are bigints. */
export type InfluxValue = number | bigint | string | boolean | null;

/** The InfluxDB field type a function is applied to. */
export type ValueType = "float" | "integer" | "unsigned" | "string" | "boolean";

/** A function call: its InfluxQL name and its literal arguments after the field. */
export interface FunctionCall {
  name: string;
  /**
   * Literal arguments after the field: percentile N, top/bottom N, sample N, moving_average N, and
   * derivative/non_negative_derivative/elapsed/integral units in ns as a number.
   */
  args: Array<number | string>;
  /**
   * Type of the field (recommended). When omitted it is inferred from the first non-null value: bigint →
   * integer, number → float, string, boolean. Integers then follow Go's int64 arithmetic (wrapping sums).
   */
  valueType?: ValueType;
  /** Seed of sample()'s reservoir RNG (default a fixed seed, so results are deterministic). */
  seed?: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Resolves the value type of `values`: `call.valueType`, else the first non-null value's type, else float. */
export function resolveValueType(call: FunctionCall, values: readonly InfluxValue[]): ValueType {
  if (call.valueType !== undefined) return call.valueType;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    switch (typeof v) {
      case "bigint":
        return "integer";
      case "string":
        return "string";
      case "boolean":
        return "boolean";
      default:
        return "float";
    }
  }
  return "float";
}

/** True for the numeric types (float, integer, unsigned). */
export function isNumericType(t: ValueType): boolean {
  return t === "float" || t === "integer" || t === "unsigned";
}

/** A bigint as a result value: a number when it is a safe integer, the bigint otherwise. */
export function normalizeBig(x: bigint): number | bigint {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

/** Wraps an exact integer to 64 bits (uint64 when `unsigned`, else int64) and normalizes it. */
function wrap(x: bigint, unsigned: boolean): number | bigint {
  return normalizeBig(unsigned ? BigInt.asUintN(64, x) : BigInt.asIntN(64, x));
}

/** a + b in Go's int64 (or uint64) arithmetic; numbers stay numbers while the result is safe. */
export function addInt(a: number | bigint, b: number | bigint, unsigned: boolean): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const s = a + b;
    if (s <= MAX_SAFE && s >= -MAX_SAFE && (!unsigned || s >= 0)) return s;
  }
  return wrap(BigInt(a) + BigInt(b), unsigned);
}

/** a − b in Go's int64 (or uint64) arithmetic; numbers stay numbers while the result is safe. */
export function subInt(a: number | bigint, b: number | bigint, unsigned: boolean): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const d = a - b;
    if (d <= MAX_SAFE && d >= -MAX_SAFE && (!unsigned || d >= 0)) return d;
  }
  return wrap(BigInt(a) - BigInt(b), unsigned);
}

/** An integer value (number or bigint) as the float64 Go's `float64(x)` gives. */
export function intToFloat(x: number | bigint): number {
  return typeof x === "number" ? x : Number(x);
}

/** Go's iterator type name for a value type, as InfluxDB prints it in "unsupported … iterator type" errors. */
function iteratorTypeName(t: ValueType): string {
  return `*query.${t}InterruptIterator`;
}

/**
 * The error InfluxDB returns when a function does not accept a field type, with InfluxDB's message, e.g.
 * "unsupported mean iterator type: *query.stringInterruptIterator". Code `QUERY_BAD_AGGREGATE`, as the storage
 * layer's pushed-down aggregates use.
 */
export function unsupportedTypeError(label: string, t: ValueType): InvalidError {
  return new InvalidError("QUERY_BAD_AGGREGATE", `unsupported ${label} iterator type: ${iteratorTypeName(t)}`);
}

/** A bad literal argument (window, limit, unit): InvalidError `QUERY_BAD_ARGUMENT` with InfluxDB's message. */
export function badArgumentError(message: string): InvalidError {
  return new InvalidError("QUERY_BAD_ARGUMENT", message);
}

/** A duration argument `args[index]` in ns (a positive number), or `fallbackNs` when absent. */
export function durationArg(call: FunctionCall, index: number, fallbackNs: bigint): bigint {
  const u = call.args[index];
  if (u === undefined) return fallbackNs;
  if (typeof u !== "number" || !Number.isInteger(u)) {
    throw badArgumentError(`second argument to ${call.name} must be a duration, got ${String(u)}`);
  }
  if (u <= 0) throw badArgumentError(`duration argument must be positive, got ${u}ns`);
  return BigInt(u);
}
