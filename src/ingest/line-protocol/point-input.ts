// Typed points as callers build them in code, and their validation into (type, value) and (sec, nsec) form.
// Shared by appendPoints and encodeLineProtocol so both accept exactly the same points.
import { InvalidError, isTimeInRange, splitNs, MIN_TIME_NS, MAX_TIME_NS } from "../../base/index.ts";
import { FieldType } from "../../storage/index.ts";

/**
 * A field value: number → float, bigint → integer (int64), boolean, string, or an explicit type
 * (`integer` and `unsigned` take a safe-integer number or a bigint; `float` takes a number or a bigint).
 */
export type FieldValue =
  number | bigint | boolean | string | { type: "integer" | "unsigned" | "float"; value: number | bigint };

/** A point given as an object (API edge; the text path never builds these). */
export interface PointInput {
  /** Measurement name, non-empty. */
  measurement: string;
  /** Tags; entries with an empty value are dropped, as InfluxDB does. */
  tags?: Record<string, string>;
  /** At least one field. */
  fields: Record<string, FieldValue>;
  /** Timestamp: bigint ns, Date, or a number of ns that must be a safe integer. Absent: the default time. */
  time?: bigint | Date | number;
}

/** Error code of every point rejected by appendPoints or encodeLineProtocol. */
const BAD_POINT = "INGEST_BAD_POINT";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const LONE_SURROGATE = /\p{Cs}/u;

/** A validated field value (one reused instance; fields overwritten per call). */
export class CheckedValue {
  type: FieldType = FieldType.Float;
  /** Floats, bools (0/1), safe integers; NaN when `isBig`. */
  num = 0;
  isBig = false;
  /** Exact int64/uint64 value beyond ±2^53 when `isBig`. */
  big = 0n;
  str = "";
}

/** Throws InvalidError(INGEST_BAD_POINT) naming `where` unless `name` is a non-empty well-formed string. */
export function checkName(name: unknown, where: string): string {
  if (typeof name !== "string" || name === "") throw bad(`${where}: name must be a non-empty string`);
  if (LONE_SURROGATE.test(name)) throw bad(`${where}: name ${JSON.stringify(name)} has a lone surrogate`);
  return name;
}

/** Validates `value` into `out`; throws InvalidError(INGEST_BAD_POINT) naming `where` when it is unsupported. */
export function checkFieldValue(value: FieldValue, where: string, out: CheckedValue): void {
  out.isBig = false;
  out.str = "";
  if (typeof value === "number") return setFloat(value, where, out);
  if (typeof value === "bigint") return setInteger(value, FieldType.Int, where, out);
  if (typeof value === "boolean") {
    out.type = FieldType.Bool;
    out.num = value ? 1 : 0;
    return;
  }
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw bad(`${where}: string value has a lone surrogate`);
    out.type = FieldType.String;
    out.num = 0;
    out.str = value;
    return;
  }
  if (
    typeof value === "object" &&
    value !== null &&
    (typeof value.value === "number" || typeof value.value === "bigint")
  ) {
    const v = value.value;
    if (value.type === "float") return setFloat(typeof v === "bigint" ? Number(v) : v, where, out);
    if (value.type === "integer" || value.type === "unsigned") {
      const type = value.type === "integer" ? FieldType.Int : FieldType.Uint;
      if (typeof v === "number" && !Number.isSafeInteger(v)) throw bad(`${where}: ${v} is not a safe integer`);
      return setInteger(typeof v === "bigint" ? v : BigInt(v), type, where, out);
    }
  }
  throw bad(`${where}: unsupported field value ${describe(value)}`);
}

function setFloat(value: number, where: string, out: CheckedValue): void {
  if (!Number.isFinite(value)) throw bad(`${where}: float ${value} is not supported`);
  out.type = FieldType.Float;
  out.num = value;
}

function setInteger(value: bigint, type: FieldType, where: string, out: CheckedValue): void {
  const unsigned = type === FieldType.Uint;
  if (unsigned ? value < 0n || value > UINT64_MAX : value < INT64_MIN || value > INT64_MAX) {
    throw bad(`${where}: ${value} is outside the ${unsigned ? "uint64" : "int64"} range`);
  }
  out.type = type;
  if (value >= -9007199254740991n && value <= 9007199254740991n) {
    out.num = Number(value);
  } else {
    out.isBig = true;
    out.num = NaN;
    out.big = value;
  }
}

/**
 * Writes the point time as `out[0]` = sec (floor), `out[1]` = nsec; `undefined` gives the defaults.
 * Throws InvalidError(INGEST_BAD_POINT) naming `where` for a non-safe-integer number, an invalid Date, or a
 * time outside the int64 nanosecond range.
 */
export function checkTime(
  time: bigint | Date | number | undefined,
  defaultSec: number,
  defaultNsec: number,
  where: string,
  out: Float64Array,
): void {
  if (time === undefined) {
    out[0] = defaultSec;
    out[1] = defaultNsec;
  } else if (typeof time === "number") {
    if (!Number.isSafeInteger(time)) throw bad(`${where}: time ${time} is not a safe integer of nanoseconds`);
    // % and the subtraction are exact on safe integers, and (ns - nsec) is a multiple of 1e9.
    const nsec = ((time % 1e9) + 1e9) % 1e9;
    out[0] = (time - nsec) / 1e9;
    out[1] = nsec;
  } else if (typeof time === "bigint") {
    if (time < MIN_TIME_NS || time > MAX_TIME_NS) throw bad(`${where}: time ${time} is outside the int64 range`);
    splitNs(time, out);
  } else if (time instanceof Date && !Number.isNaN(time.getTime())) {
    const ms = time.getTime();
    const sec = Math.floor(ms / 1000);
    out[0] = sec;
    out[1] = (ms - sec * 1000) * 1e6;
    if (!isTimeInRange(out[0], out[1])) throw bad(`${where}: time ${time.toISOString()} is outside the int64 range`);
  } else {
    throw bad(`${where}: time must be a bigint, a Date or a safe integer of nanoseconds`);
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (cause) {
    // Only a description for the message: an unserialisable value (cycle) is described by its type instead.
    void cause;
    return typeof value;
  }
}

/** An InvalidError with the INGEST_BAD_POINT code. */
export function bad(message: string): InvalidError {
  return new InvalidError(BAD_POINT, message);
}
