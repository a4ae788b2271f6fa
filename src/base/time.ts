// Time units and exact int64-nanosecond timestamps without BigInt on hot paths (STYLE.md §8.2).
// A timestamp travels as a pair (sec, nsec): whole seconds as a number (exact: |sec| < 2^34) and
// 0 <= nsec < 1e9. BigInt appears only at API edges.
import { InvalidError } from "./errors.ts";

export const NS_PER_SEC = 1_000_000_000;

/** Smallest and largest int64 nanosecond timestamps. */
export const MIN_TIME_NS = -(2n ** 63n);
export const MAX_TIME_NS = 2n ** 63n - 1n;
/** Second parts of MIN_TIME_NS / MAX_TIME_NS (floor division). */
const MIN_TIME_SEC = -9_223_372_037; // nsec part 145_224_192
const MIN_TIME_SEC_NSEC = 145_224_192;
const MAX_TIME_SEC = 9_223_372_036; // nsec part 854_775_807
const MAX_TIME_SEC_NSEC = 854_775_807;

/** Write precisions accepted by line protocol, with InfluxDB's aliases. */
export type Precision = "ns" | "us" | "ms" | "s";

const PRECISION_ALIASES: Record<string, Precision> = {
  ns: "ns",
  n: "ns",
  us: "us",
  u: "us",
  µ: "us",
  ms: "ms",
  s: "s",
};

/** Parses a precision name (`ns|n|us|u|ms|s`); throws InvalidError (`BASE_BAD_PRECISION`) otherwise. */
export function parsePrecision(text: string | undefined): Precision {
  if (text === undefined || text === "") return "ns";
  const precision = PRECISION_ALIASES[text];
  if (precision === undefined)
    throw new InvalidError("BASE_BAD_PRECISION", `unknown precision "${text}": use ns, us, ms or s`);
  return precision;
}

/** True when (sec, nsec) lies within the int64 nanosecond range. */
export function isTimeInRange(sec: number, nsec: number): boolean {
  if (sec > MIN_TIME_SEC && sec < MAX_TIME_SEC) return true;
  if (sec === MIN_TIME_SEC) return nsec >= MIN_TIME_SEC_NSEC;
  if (sec === MAX_TIME_SEC) return nsec <= MAX_TIME_SEC_NSEC;
  return false;
}

/** Exact conversion of (sec, nsec) to int64 nanoseconds. */
export function toNs(sec: number, nsec: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}

/** Splits int64 nanoseconds into `out[0] = sec` (floor) and `out[1] = nsec` in [0, 1e9). */
export function splitNs(ns: bigint, out: Float64Array | number[]): void {
  let sec = ns / 1_000_000_000n;
  let nsec = ns - sec * 1_000_000_000n;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += 1_000_000_000n;
  }
  out[0] = Number(sec);
  out[1] = Number(nsec);
}

/** Converts a user-facing time (bigint ns, Date, safe-integer ns number, or RFC3339 string) to bigint ns. */
export function toTimeNs(value: bigint | number | string | Date): bigint {
  if (typeof value === "bigint") return checkRange(value);
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new InvalidError("BASE_BAD_TIME", "invalid date");
    return BigInt(ms) * 1_000_000n;
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidError("BASE_BAD_TIME", `time ${value} is not a safe integer of nanoseconds: pass a bigint`);
    }
    return BigInt(value);
  }
  if (/^-?\d+$/.test(value)) return checkRange(BigInt(value));
  return parseRfc3339(value);
}

function checkRange(ns: bigint): bigint {
  if (ns < MIN_TIME_NS || ns > MAX_TIME_NS)
    throw new InvalidError("BASE_BAD_TIME", `time ${ns} is outside the int64 nanosecond range`);
  return ns;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses an RFC3339 timestamp with up to nanosecond fractions, exactly. */
function parseRfc3339(text: string): bigint {
  const m = RFC3339.exec(text);
  if (m === null) throw new InvalidError("BASE_BAD_TIME", `invalid RFC3339 time "${text}"`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m as unknown as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) throw new InvalidError("BASE_BAD_TIME", `invalid RFC3339 time "${text}"`);
  let zoneSec = 0;
  if (zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    zoneSec = sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  const fracNs = frac === "" ? 0n : BigInt(frac.padEnd(9, "0"));
  return checkRange((BigInt(ms) / 1000n - BigInt(zoneSec)) * 1_000_000_000n + fracNs);
}

/** Formats int64 ns as RFC3339 with the shortest exact fraction (InfluxDB's RFC3339Nano style). */
export function formatRfc3339(ns: bigint): string {
  const parts = [0, 0];
  splitNs(ns, parts);
  const iso = new Date(parts[0]! * 1000).toISOString().slice(0, 19);
  const nsec = parts[1]!;
  if (nsec === 0) return `${iso}Z`;
  return `${iso}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}Z`;
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** Parses a duration like `10s`, `1h30m`, `500ms`, `7d`, `2w` (InfluxQL units) into nanoseconds. */
export function parseDuration(text: string): bigint {
  const re = /(\d+)(ns|us|µ|u|ms|s|m|h|d|w)/y;
  let total = 0n;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) throw new InvalidError("BASE_BAD_DURATION", `invalid duration "${text}" at character ${pos + 1}`);
    total += BigInt(m[1]!) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos === 0) throw new InvalidError("BASE_BAD_DURATION", "empty duration");
  return total;
}

/** A source of the current time; injected so storage never calls Date.now() directly (STYLE.md §6). */
export interface Clock {
  /** Current wall-clock time as (sec, nsec) written into `out`. */
  now(out: Float64Array | number[]): void;
  /** Milliseconds on a monotonic clock, for ages and timeouts. */
  monotonicMs(): number;
}

/** Wall clock with nanosecond resolution: Date.now() anchored once, advanced by hrtime. */
export class SystemClock implements Clock {
  private readonly baseNs: bigint;
  private readonly baseHr: bigint;

  constructor() {
    this.baseHr = process.hrtime.bigint();
    this.baseNs = BigInt(Date.now()) * 1_000_000n;
  }

  now(out: Float64Array | number[]): void {
    splitNs(this.baseNs + (process.hrtime.bigint() - this.baseHr), out);
  }

  monotonicMs(): number {
    return performance.now();
  }
}
