// Point timestamps as callers give them (Date, ms number, ns bigint, RFC3339 or ns string) → the decimal text
// line protocol carries in a given precision. Exact to the nanosecond; free of Node APIs.
import { StrataError } from "./strata-error.ts";

/** Unit of line-protocol timestamps. */
export type Precision = "ns" | "us" | "ms" | "s";

/**
 * A point time: a Date; a number of milliseconds since the epoch (fractions allowed, down to ns); a bigint of
 * nanoseconds (exact int64); or a string: RFC3339 (`2024-05-01T12:00:00.123456789Z`, offsets allowed) or a
 * decimal integer of nanoseconds (`"1714564800123456789"`, as live points and native results carry times).
 */
export type PointTime = Date | number | bigint | string;

const UNIT_NS: Record<Precision, number> = { ns: 1, us: 1_000, ms: 1_000_000, s: 1_000_000_000 };
const FRACTION_DIGITS: Record<Precision, number> = { ns: 9, us: 6, ms: 3, s: 0 };
const UNIT_NS_BIG: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };
const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;
/** |ms| from which a millisecond time may leave the int64 ns range (2^63 ns ≈ 9,223,372,036,854.8 ms). */
const MS_NEAR_LIMIT = 9_223_372_036_854;
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d\d):(\d\d))$/;
const DECIMAL = /^-?\d{1,19}$/;

/**
 * Formats `time` as a line-protocol timestamp in `precision`, rounding down (toward −∞) to the unit. Throws
 * StrataError(CLIENT_BAD_POINT, invalid) for an invalid Date, a non-finite number, a malformed string, or a time
 * outside the int64 nanosecond range.
 */
export function formatPointTime(time: PointTime, precision: Precision): string {
  if (typeof time === "number") return formatMs(time, precision);
  if (time instanceof Date) return formatMs(time.getTime(), precision);
  if (typeof time === "bigint") return formatNsBig(time, precision);
  if (typeof time === "string") return formatNsBig(parseTimeString(time), precision);
  throw badTime(`unsupported time ${String(time)}`);
}

/** Parses an RFC3339 string or a decimal ns string to exact nanoseconds; throws like formatPointTime. */
export function parseTimeString(time: string): bigint {
  if (DECIMAL.test(time)) return checkRange(BigInt(time), time);
  const m = RFC3339.exec(time);
  if (m === null) throw badTime(`time ${JSON.stringify(time)} is neither RFC3339 nor decimal nanoseconds`);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(+m[1]!, +m[2]! - 1, +m[3]!);
  date.setUTCHours(+m[4]!, +m[5]!, +m[6]!, 0);
  const ms = date.getTime();
  if (date.getUTCDate() !== +m[3]! || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60) {
    throw badTime(`time ${JSON.stringify(time)} is not a valid date`);
  }
  const offsetMin = m[8] !== undefined ? 0 : (m[9] === "-" ? -1 : 1) * (+m[10]! * 60 + +m[11]!);
  const fractionNs = m[7] === undefined ? 0n : BigInt(m[7].padEnd(9, "0"));
  return checkRange(BigInt(ms - offsetMin * 60_000) * 1_000_000n + fractionNs, time);
}

// Milliseconds (safe integer part, optional fraction) without BigInt on the common path.
function formatMs(ms: number, precision: Precision): string {
  if (!Number.isFinite(ms)) throw badTime(`time ${ms} is not a finite number of milliseconds`);
  const whole = Math.floor(ms);
  if (!Number.isSafeInteger(whole)) throw badTime(`time ${ms} ms is beyond the safe-integer range`);
  // Sub-millisecond part in ns; rounding keeps 1.000001 ms as 1,000,001 ns despite binary fractions.
  let subNs = Math.round((ms - whole) * 1e6);
  let msInt = whole;
  if (subNs === 1_000_000) {
    msInt++;
    subNs = 0;
  }
  // Near the ends of the int64 ns range, check exactly.
  if (Math.abs(msInt) >= MS_NEAR_LIMIT) return formatNsBig(BigInt(msInt) * 1_000_000n + BigInt(subNs), precision);
  const msMod = ((msInt % 1000) + 1000) % 1000;
  const sec = (msInt - msMod) / 1000;
  return formatSecNs(sec, msMod * 1_000_000 + subNs, precision);
}

// (sec floor, 0 ≤ nsec < 1e9) → decimal units of `precision`, by string concatenation for sec ≥ 0.
function formatSecNs(sec: number, nsec: number, precision: Precision): string {
  const fraction = Math.floor(nsec / UNIT_NS[precision]);
  const digits = FRACTION_DIGITS[precision];
  if (sec === 0) return String(fraction);
  if (sec > 0) return digits === 0 ? String(sec) : String(sec) + String(fraction).padStart(digits, "0");
  return String(BigInt(sec) * (1_000_000_000n / UNIT_NS_BIG[precision]) + BigInt(fraction));
}

function formatNsBig(ns: bigint, precision: Precision): string {
  checkRange(ns, String(ns));
  const unit = UNIT_NS_BIG[precision];
  if (unit === 1n) return String(ns);
  const q = ns / unit;
  // BigInt division truncates toward zero; step down for negative times with a remainder (floor).
  return String(ns < 0n && q * unit !== ns ? q - 1n : q);
}

function checkRange(ns: bigint, text: string): bigint {
  if (ns < MIN_NS || ns > MAX_NS) throw badTime(`time ${text} is outside the int64 nanosecond range`);
  return ns;
}

function badTime(message: string): StrataError {
  return new StrataError("CLIENT_BAD_POINT", message, { category: "invalid" });
}
