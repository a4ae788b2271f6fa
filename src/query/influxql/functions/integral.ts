// integral(): the trapezoid area under one series, per bucket as InfluxDB 1.x's streaming Float/Integer
// IntegralReducer computes it (query/functions.go), including its interpolation across bucket boundaries.
import type { InfluxValue, ValueType } from "./value-type.ts";
import { intToFloat } from "./value-type.ts";

/** Per-bucket integrals of one series: bucket start times (ns) and float areas, ascending. */
export interface IntegralSeries {
  times: bigint[];
  values: number[];
}

/** Start of the GROUP BY time window holding `t`: floor((t − offset) / interval) · interval + offset. */
export function windowStart(t: bigint, intervalNs: bigint, offsetNs: bigint): bigint {
  let r = (t - offsetNs) % intervalNs;
  if (r < 0n) r += intervalNs;
  return t - r;
}

/** Linear interpolation of the value at `t` between (t1, v1) and (t2, v2), as InfluxDB's linearFloat. */
function interpolate(t: bigint, t1: bigint, t2: bigint, v1: number, v2: number): number {
  const m = (v2 - v1) / Number(t2 - t1);
  const x = Number(t - t1);
  return m * x + v1;
}

/**
 * integral() without GROUP BY time over one bucket: the trapezoid sum in `unitNs`. Returns null when InfluxDB
 * emits no row: no points, or the last point lies at time 0 (its "window start"). A point at the time of the
 * previous one replaces it. InfluxDB labels the row with time 0, not the query start.
 */
export function integralOfBucket(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  unitNs: bigint,
): number | null {
  const unit = Number(unitNs);
  let sum = 0;
  let have = false;
  let prevT = 0n;
  let prevV = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    const x = intToFloat(v as number | bigint);
    const t = times[i]!;
    if (have && t !== prevT) sum += 0.5 * (x + prevV) * (Number(t - prevT) / unit);
    have = true;
    prevT = t;
    prevV = x;
  }
  return have && prevT !== 0n ? sum : null;
}

/**
 * integral() with GROUP BY time(intervalNs, offsetNs) over one series (times ascending, nulls skipped).
 * Replicates InfluxDB 1.x: when a point crosses its bucket's end, the value at the boundary is interpolated and
 * the area up to it closes the bucket; the segment from the boundary to the new point goes to the point's bucket
 * (even across empty buckets). For integer fields InfluxDB keeps the old point's value and uses the boundary
 * value in place of the new point's for that segment; this reproduces it. A bucket whose last point lies on its
 * start emits no row. Descending order is not supported (InfluxDB's own output there is inconsistent).
 */
export function integralSeries(
  times: readonly bigint[],
  values: readonly InfluxValue[],
  t: ValueType,
  unitNs: bigint,
  intervalNs: bigint,
  offsetNs: bigint,
): IntegralSeries {
  const out: IntegralSeries = { times: [], values: [] };
  const unit = Number(unitNs);
  const integer = t !== "float";
  let have = false;
  let prevT = 0n;
  let prevV = 0;
  let winStart = 0n;
  let winEnd = 0n;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    if (raw === null) continue;
    const pT = times[i]!;
    let value = intToFloat(raw as number | bigint);
    if (!have) {
      have = true;
      prevT = pT;
      prevV = value;
      winStart = windowStart(pT, intervalNs, offsetNs);
      winEnd = winStart + intervalNs;
      continue;
    }
    if (prevT === pT) {
      prevV = value;
      continue;
    }
    // Kept apart from `value`: the integer reducer overwrites `value` with the boundary value (see above).
    let pointV = value;
    if (pT >= winEnd) {
      if (prevT !== winEnd) {
        const boundary = interpolate(winEnd, prevT, pT, prevV, value);
        sum += 0.5 * (boundary + prevV) * (Number(winEnd - prevT) / unit);
        if (integer) value = boundary;
        else prevV = boundary;
        prevT = winEnd;
      }
      out.times.push(winStart);
      out.values.push(sum);
      winStart = windowStart(pT, intervalNs, offsetNs);
      winEnd = winStart + intervalNs;
      sum = 0;
      if (!integer) value = pointV;
      else pointV = value;
    }
    sum += 0.5 * (pointV + prevV) * (Number(pT - prevT) / unit);
    prevT = pT;
    prevV = intToFloat(raw as number | bigint);
  }
  if (have && prevT !== winStart) {
    out.times.push(winStart);
    out.values.push(sum);
  }
  return out;
}
