// InfluxQL transformations over one series in output order (derivative, non_negative_derivative, difference,
// non_negative_difference, moving_average, cumulative_sum, elapsed), as InfluxDB 1.x's reducers in
// query/functions.go. Knows nothing of GROUP BY planning (start-time extension is the executor's job).
import type { InfluxValue, ValueType } from "./value-type.ts";
import { addInt, intToFloat, normalizeBig, subInt } from "./value-type.ts";

/** Output of a transformation: parallel arrays of point times (ns) and values. */
export interface TransformedSeries {
  times: bigint[];
  values: InfluxValue[];
}

/**
 * derivative / non_negative_derivative: (v − prev) / (Δt / unit) between successive non-null points. A point at
 * the time of the previous one is skipped; descending order negates Δt; the non-negative form drops results
 * whose difference is negative (the previous point still advances).
 */
export function derivativeOf(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  t: ValueType,
  unitNs: bigint,
  nonNegative: boolean,
  descending: boolean,
): TransformedSeries {
  const out: TransformedSeries = { times: [], values: [] };
  const unit = Number(unitNs);
  const unsigned = t === "unsigned";
  let have = false;
  let prevT = 0n;
  let prevV: number | bigint = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint | null;
    if (v === null) continue;
    const ti = times[i]!;
    if (have && ti === prevT) continue;
    if (have) {
      const diff = t === "float" ? (v as number) - (prevV as number) : intToFloat(subInt(v, prevV, unsigned));
      let elapsed = ti - prevT;
      if (descending) elapsed = -elapsed;
      const rate = diff / (Number(elapsed) / unit);
      if (!nonNegative || !(diff < 0)) {
        out.times.push(ti);
        out.values.push(rate);
      }
    }
    have = true;
    prevT = ti;
    prevV = v;
  }
  return out;
}

/**
 * difference / non_negative_difference: v − prev between successive non-null points (integers wrap as int64 and
 * stay integers). A point at the time of the previous one is skipped; negative results of the non-negative form
 * are dropped.
 */
export function differenceOf(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  t: ValueType,
  nonNegative: boolean,
): TransformedSeries {
  const out: TransformedSeries = { times: [], values: [] };
  const unsigned = t === "unsigned";
  let have = false;
  let prevT = 0n;
  let prevV: number | bigint = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint | null;
    if (v === null) continue;
    const ti = times[i]!;
    if (have && ti === prevT) continue;
    if (have) {
      // Unsigned values are compared before subtracting, as Go does, since uint64 subtraction would wrap.
      const dropped = nonNegative && unsigned && v < prevV;
      const d = dropped ? 0 : t === "float" ? (v as number) - (prevV as number) : subInt(v, prevV, unsigned);
      if (!dropped && (!nonNegative || !(d < 0))) {
        out.times.push(ti);
        out.values.push(d);
      }
    }
    have = true;
    prevT = ti;
    prevV = v;
  }
  return out;
}

/**
 * moving_average(N): the mean of the last N non-null values at each point once N have been seen. The running
 * sum is updated as InfluxDB does (subtract the oldest, add the newest), so float rounding matches; integer
 * sums wrap as int64 before the float division.
 */
export function movingAverageOf(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  t: ValueType,
  n: number,
): TransformedSeries {
  const out: TransformedSeries = { times: [], values: [] };
  const float = t === "float";
  const unsigned = t === "unsigned";
  const buf: Array<number | bigint> = [];
  let pos = 0;
  let fsum = 0;
  let isum: number | bigint = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint | null;
    if (v === null) continue;
    if (buf.length !== n) {
      buf.push(v);
    } else {
      if (float) fsum -= buf[pos] as number;
      else isum = subInt(isum, buf[pos]!, unsigned);
      buf[pos] = v;
    }
    if (float) fsum += v as number;
    else isum = addInt(isum, v, unsigned);
    pos++;
    if (pos >= n) pos = 0;
    if (buf.length === n) {
      out.times.push(times[i]!);
      out.values.push((float ? fsum : intToFloat(isum)) / n);
    }
  }
  return out;
}

/** cumulative_sum: the running sum of non-null values (floats from +0; integers wrap as int64). */
export function cumulativeSumOf(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  t: ValueType,
): TransformedSeries {
  const out: TransformedSeries = { times: [], values: [] };
  const float = t === "float";
  const unsigned = t === "unsigned";
  let fsum = 0;
  let isum: number | bigint = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint | null;
    if (v === null) continue;
    out.times.push(times[i]!);
    if (float) {
      fsum += v as number;
      out.values.push(fsum);
    } else {
      isum = addInt(isum, v, unsigned);
      out.values.push(isum);
    }
  }
  return out;
}

/**
 * elapsed(unit): (t − prevT) / unit between successive non-null points, truncated to an integer as Go's int64
 * division does (negative in descending order). Accepts every value type. Unlike derivative, points at equal
 * times are not skipped: they give 0 (checked against influxd 1.6.7).
 */
export function elapsedOf(times: readonly bigint[], values: readonly InfluxValue[], unitNs: bigint): TransformedSeries {
  const out: TransformedSeries = { times: [], values: [] };
  const unit = Number(unitNs);
  const safeUnit = Number.isSafeInteger(unit);
  let have = false;
  let prevT = 0n;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) continue;
    const ti = times[i]!;
    if (have) {
      out.times.push(ti);
      const d = Number(ti - prevT);
      // Exact in doubles while both are safe integers: d − d % unit is a multiple of unit, truncated toward zero
      // as Go's int64 division; otherwise BigInt division, which truncates the same way.
      out.values.push(
        Number.isSafeInteger(d) && safeUnit ? (d - (d % unit)) / unit : normalizeBig((ti - prevT) / unitNs),
      );
    }
    have = true;
    prevT = ti;
  }
  return out;
}
