// Calendar functions in UTC (day_of_month, day_of_week, day_of_year, days_in_month, hour, minute, month, year)
// over Unix seconds, as Go's time package computes them, including years beyond JavaScript Date's range.
import type { Sample, Value } from "../values.ts";
import { dropMetricName } from "./label-set.ts";
import type { FunctionContext, PromFunctionDef } from "./prom-function-def.ts";
import { vectorArg } from "./range-function.ts";

const SECONDS_PER_DAY = 86400;
/** Scratch: year, month (1-12), day (1-31), day of year (1-366), weekday (0 = Sunday), hour, minute. */
const FIELDS = new Float64Array(7);
const YEAR = 0;
const MONTH = 1;
const DAY = 2;
const YDAY = 3;
const WDAY = 4;
const HOUR = 5;
const MINUTE = 6;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Splits Unix seconds into UTC calendar fields in {@link FIELDS}, proleptic Gregorian (H. Hinnant's
 * civil_from_days), exact for any integer second below 2^53.
 */
function civilFields(sec: number): void {
  const days = Math.floor(sec / SECONDS_PER_DAY);
  const secOfDay = sec - days * SECONDS_PER_DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  // Day of year from 1 January: March-based doy shifted by Jan+Feb lengths.
  const janFeb = isLeap(y) ? 60 : 59;
  FIELDS[YEAR] = y;
  FIELDS[MONTH] = m;
  FIELDS[DAY] = d;
  FIELDS[YDAY] = m <= 2 ? doy - 305 : doy + janFeb + 1;
  FIELDS[WDAY] = (((days + 4) % 7) + 7) % 7;
  FIELDS[HOUR] = Math.floor(secOfDay / 3600);
  FIELDS[MINUTE] = Math.floor((secOfDay % 3600) / 60);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(): number {
  const m = FIELDS[MONTH]!;
  return m === 2 && isLeap(FIELDS[YEAR]!) ? 29 : MONTH_DAYS[m - 1]!;
}

/**
 * Go's `int64(f)` for the seconds argument: truncation toward zero. For NaN, infinities and values outside int64
 * Go on amd64 yields the minimum int64, whose (overflowing) date Prometheus reports; NaN here selects that date.
 */
function toUnixSeconds(v: number): number {
  if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) return NaN;
  return Math.trunc(v);
}

/** What Go's time.Unix(math.MinInt64, 0).UTC() reports (recorded from Prometheus via promtool 2.42). */
function setMinInt64Date(): void {
  FIELDS[YEAR] = 292277026596;
  FIELDS[MONTH] = 12;
  FIELDS[DAY] = 4;
  FIELDS[YDAY] = 339;
  FIELDS[WDAY] = 0;
  FIELDS[HOUR] = 15;
  FIELDS[MINUTE] = 30;
}

function dateFunction(name: string, field: () => number): PromFunctionDef {
  const of = (sec: number): number => {
    if (Number.isNaN(sec)) setMinInt64Date();
    else civilFields(sec);
    return field();
  };
  return {
    name,
    argTypes: ["vector"],
    optionalArgs: 1,
    variadic: false,
    returnType: "vector",
    call(args: Value[], ctx: FunctionContext): Value {
      if (args.length === 0) {
        // Default argument vector(time()), truncated to whole seconds as Go's enh.Ts/1000 does.
        return { kind: "vector", samples: [{ labels: {}, t: ctx.timeMs, v: of(Math.trunc(ctx.timeMs / 1000)) }] };
      }
      const samples = vectorArg(args[0], name, 0);
      const out = new Array<Sample>(samples.length);
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        out[i] = { labels: dropMetricName(s.labels), t: s.t, v: of(toUnixSeconds(s.v)) };
      }
      return { kind: "vector", samples: out };
    },
  };
}

/** The calendar functions; each takes an optional vector of Unix seconds (default `vector(time())`). */
export const DATE_FUNCTIONS: readonly PromFunctionDef[] = [
  dateFunction("day_of_month", () => FIELDS[DAY]!),
  dateFunction("day_of_week", () => FIELDS[WDAY]!),
  dateFunction("day_of_year", () => FIELDS[YDAY]!),
  dateFunction("days_in_month", daysInMonth),
  dateFunction("hour", () => FIELDS[HOUR]!),
  dateFunction("minute", () => FIELDS[MINUTE]!),
  dateFunction("month", () => FIELDS[MONTH]!),
  dateFunction("year", () => FIELDS[YEAR]!),
];
