// Parsing of Prometheus HTTP API parameters: times (RFC3339 or Unix seconds) and durations (seconds or `1m`).
import { InvalidError } from "../../base/index.ts";
import { parseDurationText } from "./lexer.ts";

/** Prometheus's stand-ins for "no bound" (min/max time formatted as RFC3339). */
const MIN_TIME_TEXT = "0000-01-01T00:00:00Z";
const MAX_TIME_TEXT = "9999-12-31T23:59:59Z";
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses a Prometheus API time: Unix seconds with optional decimals (rounded to ms) or RFC3339 → Unix ms.
 * @throws InvalidError `PROMQL_BAD_DATA` naming the parameter when `value` is neither.
 */
export function parsePromTime(param: string, value: string): number {
  const text = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const seconds = Number(text);
    const whole = Math.trunc(seconds);
    // Like Prometheus: whole seconds plus the fraction rounded to ms.
    return whole * 1000 + Math.round((seconds - whole) * 1000);
  }
  if (text === MIN_TIME_TEXT || text === MAX_TIME_TEXT) return Date.parse(text);
  const m = RFC3339.exec(text);
  if (m !== null) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) {
      const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000 + 1e-9);
      return Math.floor(ms / 1000) * 1000 + fraction;
    }
  }
  throw new InvalidError(
    "PROMQL_BAD_DATA",
    `invalid parameter "${param}": cannot parse "${value}" to a valid timestamp`,
  );
}

/**
 * Parses a Prometheus API duration: seconds with optional decimals ("15", "1.5") or a duration ("1m", "1h30m")
 * → ms. @throws InvalidError `PROMQL_BAD_DATA` naming the parameter when `value` is neither or is out of range.
 */
export function parsePromDuration(param: string, value: string): number {
  const text = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const ms = Math.round(Number(text) * 1000);
    if (Number.isFinite(ms) && Math.abs(ms) < 9.2e15) return ms;
    throw new InvalidError(
      "PROMQL_BAD_DATA",
      `invalid parameter "${param}": cannot parse "${value}" to a valid duration. It overflows int64`,
    );
  }
  const seconds = parseDurationText(text);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  throw new InvalidError(
    "PROMQL_BAD_DATA",
    `invalid parameter "${param}": cannot parse "${value}" to a valid duration`,
  );
}
