// Typed points → one line of InfluxDB line protocol, with every escape rule of docs/format/line-protocol.md.
// The client's own small encoder (it may not import src/ingest); free of Node APIs.
import { formatPointTime } from "./point-time.ts";
import type { PointTime, Precision } from "./point-time.ts";
import { StrataError } from "./strata-error.ts";

/** An integer field value (int64, line-protocol suffix `i`); build it with `int(x)`. */
export interface IntValue {
  readonly int: number | bigint;
}
/** An unsigned integer field value (uint64, suffix `u`); build it with `uint(x)`. */
export interface UintValue {
  readonly uint: number | bigint;
}

/**
 * A field value: a JS number is a float; a bigint is an int64 integer; `int(x)` / `uint(x)` mark a number or
 * bigint as int64 / uint64; booleans and strings are themselves.
 */
export type FieldValue = number | bigint | boolean | string | IntValue | UintValue;

/** One point to write. */
export interface Point {
  /** Measurement name, non-empty. */
  measurement: string;
  /** Tags; entries whose value is empty (or undefined) are dropped, as InfluxDB does. */
  tags?: Record<string, string | undefined>;
  /** At least one field. */
  fields: Record<string, FieldValue>;
  /** Time; absent: the server's arrival time. See PointTime for the accepted forms. */
  time?: PointTime;
}

/** Marks `value` as an int64 field value (line-protocol `123i`). A number must be a safe integer. */
export function int(value: number | bigint): IntValue {
  return { int: value };
}

/** Marks `value` as a uint64 field value (line-protocol `123u`). A number must be a non-negative safe integer. */
export function uint(value: number | bigint): UintValue {
  return { uint: value };
}

const MEASUREMENT_SPECIAL = /[, ]/;
const MEASUREMENT_SPECIAL_ALL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/;
const KEY_SPECIAL_ALL = /[,= ]/g;
const STRING_SPECIAL = /["\\]/;
const STRING_SPECIAL_ALL = /["\\]/g;
const LONE_SURROGATE = /\p{Cs}/u;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Escaped names cached per kind; cleared when full, so memory stays bounded with unbounded tag values. */
const MAX_CACHED_NAMES = 10_000;

/**
 * Encodes points as line protocol. Escaped names are cached (measurements, tag keys and values, field keys), so
 * repeated series encode cheaply. Not shared between writers; synchronous.
 */
export class PointEncoder {
  private readonly measurements = new Map<string, string>();
  private readonly keys = new Map<string, string>();

  /**
   * One line (no trailing newline) for `point`, timestamp in `precision` (rounded down). Tags are sorted by key.
   * Throws StrataError(CLIENT_BAD_POINT, invalid) for anything line protocol or the server would reject: empty
   * names, a name ending in a backslash or holding a newline or lone surrogate, a measurement starting with `#`,
   * tab or NUL, no fields, a non-finite float, an integer out of range, a bad time.
   */
  encode(point: Point, precision: Precision): string {
    if (typeof point !== "object" || point === null) throw badPoint("point is not an object");
    let line = this.measurement(point.measurement);
    const tags = point.tags;
    if (tags !== undefined && tags !== null) line += this.tags(tags);
    const fields = point.fields;
    let first = true;
    if (typeof fields === "object" && fields !== null) {
      for (const name in fields) {
        if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
        const key = this.key(name, "field key");
        if (first && (name.charCodeAt(0) === 0x09 || name.charCodeAt(0) === 0x00)) {
          throw badPoint(`field key ${JSON.stringify(name)}: the first field key cannot start with a tab or NUL`);
        }
        line += (first ? " " : ",") + key + "=" + formatValue(fields[name], name);
        first = false;
      }
    }
    if (first) throw badPoint(`point of ${JSON.stringify(point.measurement)} has no fields`);
    if (point.time !== undefined) line += " " + formatPointTime(point.time, precision);
    return line;
  }

  private measurement(name: unknown): string {
    if (typeof name !== "string") throw badPoint("measurement must be a string");
    let escaped = this.measurements.get(name);
    if (escaped !== undefined) return escaped;
    checkName(name, "measurement");
    const c = name.charCodeAt(0);
    if (c === 0x23 || c === 0x09 || c === 0x00) {
      throw badPoint(`measurement ${JSON.stringify(name)} cannot start with "#", a tab or NUL`);
    }
    escaped = MEASUREMENT_SPECIAL.test(name) ? name.replace(MEASUREMENT_SPECIAL_ALL, "\\$&") : name;
    if (this.measurements.size >= MAX_CACHED_NAMES) this.measurements.clear();
    this.measurements.set(name, escaped);
    return escaped;
  }

  // Tags sorted by key (InfluxDB's fast path); empty values dropped.
  private tags(tags: Record<string, string | undefined>): string {
    let names = Object.keys(tags);
    for (let i = 1; i < names.length; i++) {
      if (names[i - 1]! > names[i]!) {
        names = names.sort();
        break;
      }
    }
    let out = "";
    for (let i = 0; i < names.length; i++) {
      const value = tags[names[i]!];
      if (value === undefined || value === "") continue;
      if (typeof value !== "string") throw badPoint(`tag ${JSON.stringify(names[i])}: value must be a string`);
      out += "," + this.key(names[i]!, "tag key") + "=" + this.key(value, "tag value");
    }
    return out;
  }

  private key(name: string, what: string): string {
    let escaped = this.keys.get(name);
    if (escaped !== undefined) return escaped;
    checkName(name, what);
    escaped = KEY_SPECIAL.test(name) ? name.replace(KEY_SPECIAL_ALL, "\\$&") : name;
    if (this.keys.size >= MAX_CACHED_NAMES) this.keys.clear();
    this.keys.set(name, escaped);
    return escaped;
  }
}

function checkName(name: string, what: string): void {
  if (name === "") throw badPoint(`${what} must not be empty`);
  // A trailing backslash would escape the separator after it; nothing escapes a newline.
  if (name.charCodeAt(name.length - 1) === 0x5c) throw badPoint(`${what} ${JSON.stringify(name)} ends in "\\"`);
  if (name.includes("\n")) throw badPoint(`${what} ${JSON.stringify(name)} contains a newline`);
  if (LONE_SURROGATE.test(name)) throw badPoint(`${what} ${JSON.stringify(name)} has a lone surrogate`);
}

function formatValue(value: FieldValue, name: string): string {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw badPoint(`field ${JSON.stringify(name)}: float ${value} is not supported`);
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return formatInteger(value, false, name);
    case "boolean":
      return value ? "true" : "false";
    case "string":
      if (LONE_SURROGATE.test(value)) throw badPoint(`field ${JSON.stringify(name)}: string has a lone surrogate`);
      return '"' + (STRING_SPECIAL.test(value) ? value.replace(STRING_SPECIAL_ALL, "\\$&") : value) + '"';
    case "object":
      if (value !== null && "int" in value) return formatInteger(value.int, false, name);
      if (value !== null && "uint" in value) return formatInteger(value.uint, true, name);
  }
  throw badPoint(`field ${JSON.stringify(name)}: unsupported value ${String(value)}`);
}

function formatInteger(value: unknown, unsigned: boolean, name: string): string {
  const suffix = unsigned ? "u" : "i";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || (unsigned && value < 0)) {
      throw badPoint(`field ${JSON.stringify(name)}: ${value} is not a ${unsigned ? "non-negative " : ""}safe integer`);
    }
    return (Object.is(value, -0) ? "0" : String(value)) + suffix;
  }
  if (typeof value !== "bigint") throw badPoint(`field ${JSON.stringify(name)}: integer must be a number or bigint`);
  if (unsigned ? value < 0n || value > UINT64_MAX : value < INT64_MIN || value > INT64_MAX) {
    throw badPoint(`field ${JSON.stringify(name)}: ${value} is outside the ${unsigned ? "uint64" : "int64"} range`);
  }
  return String(value) + suffix;
}

function badPoint(message: string): StrataError {
  return new StrataError("CLIENT_BAD_POINT", message, { category: "invalid" });
}
