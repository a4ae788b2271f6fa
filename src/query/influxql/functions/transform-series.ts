// transformSeries and integrateSeries: dispatch InfluxQL transformations (and grouped integral) over one
// series, checking field types and literal arguments as InfluxDB 1.x does. Knows nothing of query planning.
import { InvalidError } from "../../../base/index.ts";
import type { FunctionCall, InfluxValue } from "./value-type.ts";
import { badArgumentError, durationArg, isNumericType, resolveValueType, unsupportedTypeError } from "./value-type.ts";
import type { TransformedSeries } from "./transforms.ts";
import { cumulativeSumOf, derivativeOf, differenceOf, elapsedOf, movingAverageOf } from "./transforms.ts";
import type { IntegralSeries } from "./integral.ts";
import { integralSeries } from "./integral.ts";

const NS_PER_SEC = 1_000_000_000n;

const TRANSFORMS = new Set([
  "derivative",
  "non_negative_derivative",
  "difference",
  "non_negative_difference",
  "moving_average",
  "cumulative_sum",
  "elapsed",
]);

/** True for InfluxQL transformations: (non_negative_)derivative, (non_negative_)difference, moving_average, cumulative_sum, elapsed. */
export function isTransformFunction(name: string): boolean {
  return TRANSFORMS.has(name.toLowerCase());
}

/** Options of a transformation over one series. */
export interface TransformOptions {
  /** The GROUP BY time interval (ns), when present: derivative's default unit. */
  intervalNs?: bigint;
  /** Rows run in descending time order (ORDER BY time DESC). */
  descending?: boolean;
}

/**
 * Applies a transformation to one series' rows in output order (`times` ascending, or descending with
 * `opts.descending`); null values (empty buckets) are skipped as InfluxDB does. Arrays are neither modified nor
 * retained; the result is freshly allocated.
 *
 * - derivative / non_negative_derivative: float; unit `args[0]` ns, default the GROUP BY interval, else 1s.
 * - difference / non_negative_difference, cumulative_sum: keep the field type (integers wrap as int64).
 * - moving_average(N): float; N = `args[0]` ≥ 2.
 * - elapsed: integer; unit `args[0]` ns, default 1ns (even under GROUP BY time); any value type.
 *
 * Under GROUP BY time, InfluxDB reads one extra interval before the query start for derivative, difference,
 * moving_average and elapsed (only one, even for moving_average(N > 2)) and then drops output rows before the
 * start; that planning is the caller's.
 *
 * @throws InvalidError `QUERY_BAD_AGGREGATE` for a value type the function rejects, `QUERY_BAD_ARGUMENT` for a
 *   bad window or unit, `QUERY_UNKNOWN_FUNCTION` for another name.
 */
export function transformSeries(
  call: FunctionCall,
  times: readonly bigint[],
  values: readonly InfluxValue[],
  opts: TransformOptions,
): TransformedSeries {
  const name = call.name.toLowerCase();
  const t = resolveValueType(call, values);
  switch (name) {
    case "elapsed":
      return elapsedOf(times, values, durationArg(call, 0, 1n));
    case "derivative":
    case "non_negative_derivative":
      if (!isNumericType(t)) throw unsupportedTypeError("derivative", t);
      return derivativeOf(
        times,
        values,
        t,
        durationArg(call, 0, opts.intervalNs ?? NS_PER_SEC),
        name === "non_negative_derivative",
        opts.descending === true,
      );
    case "difference":
    case "non_negative_difference":
      if (!isNumericType(t)) throw unsupportedTypeError("difference", t);
      return differenceOf(times, values, t, name === "non_negative_difference");
    case "cumulative_sum":
      if (!isNumericType(t)) throw unsupportedTypeError("cumulative sum", t);
      return cumulativeSumOf(times, values, t);
    case "moving_average": {
      const n = call.args[0];
      if (typeof n !== "number" || !Number.isInteger(n)) {
        throw badArgumentError("second argument for moving_average must be an integer");
      }
      if (n <= 1) throw badArgumentError(`moving_average window must be greater than 1, got ${n}`);
      if (!isNumericType(t)) throw unsupportedTypeError("moving average", t);
      return movingAverageOf(times, values, t, n);
    }
    default:
      throw new InvalidError("QUERY_UNKNOWN_FUNCTION", `unsupported call: ${call.name}`);
  }
}

/** Options of a grouped integral. */
export interface IntegrateOptions {
  /** The GROUP BY time interval (ns), > 0. */
  intervalNs: bigint;
  /** The GROUP BY time offset (ns); default 0. */
  offsetNs?: bigint;
}

/**
 * integral() under GROUP BY time over one whole series (times ascending, nulls skipped): one float row per
 * bucket that InfluxDB emits, at the bucket start, in `args[0]` ns units (default 1s). Buckets carry area
 * interpolated across their boundaries, so this cannot run bucket by bucket; see `integralSeries` for the
 * exact InfluxDB 1.x rules. Empty buckets get no row (fill is the caller's).
 *
 * @throws InvalidError `QUERY_BAD_AGGREGATE` for non-numeric values, `QUERY_BAD_ARGUMENT` for a bad unit or a
 *   non-positive interval.
 */
export function integrateSeries(
  call: FunctionCall,
  times: readonly bigint[],
  values: readonly InfluxValue[],
  opts: IntegrateOptions,
): IntegralSeries {
  const t = resolveValueType(call, values);
  if (!isNumericType(t)) throw unsupportedTypeError("integral", t);
  if (opts.intervalNs <= 0n)
    throw badArgumentError(`group by time interval must be positive, got ${opts.intervalNs}ns`);
  const unit = durationArg(call, 0, NS_PER_SEC);
  return integralSeries(times, values, t, unit, opts.intervalNs, opts.offsetNs ?? 0n);
}
