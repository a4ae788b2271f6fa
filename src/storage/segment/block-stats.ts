// Computes the statistics a segment stores per block (BlockStats), so aggregates can skip decoding.
// Knows value representations only; the footer encoding lives in segment-footer-builder.ts.
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import type { BlockStats } from "../aggregate/index.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A monomorphic BlockStats with every field set; callers reuse one instance as scratch. */
export class BlockStatsScratch implements BlockStats {
  count = 0;
  minOff = 0;
  maxOff = 0;
  sum = NaN;
  min = NaN;
  max = NaN;
  minAtOff = NaN;
  maxAtOff = NaN;
  first = NaN;
  last = NaN;
  statsExact = false;
}

/**
 * Fills `out` with the statistics of points [s, e) (s < e) of one column.
 * - count, minOff (= offsets[s]), maxOff (= offsets[e-1]) always.
 * - Float64Array values (float, bool 0/1, safe int/uint): sum left to right from values[s]; min/max ignore NaN
 *   unless every value is NaN (then NaN at offsets[s]) and keep the earliest point on ties, minAtOff/maxAtOff
 *   being its offset; first/last are values[s] and values[e-1]. statsExact is false for int/uint when a value or the running sum leaves ±(2^53-1).
 * - bigint columns: numeric stats NaN, statsExact false. Strings: numeric stats NaN, statsExact true (count and
 *   times are exact and nothing numeric is claimed).
 */
export function computeBlockStats(
  type: FieldType,
  offsets: Float64Array,
  values: ColumnValues,
  s: number,
  e: number,
  out: BlockStats,
): void {
  out.count = e - s;
  out.minOff = offsets[s]!;
  out.maxOff = offsets[e - 1]!;
  if (values instanceof Float64Array) {
    numericStats(offsets, values, s, e, out);
    if (type === FieldType.Int || type === FieldType.Uint) out.statsExact = isExactIntBlock(values, s, e);
    return;
  }
  out.sum = NaN;
  out.min = NaN;
  out.max = NaN;
  out.minAtOff = NaN;
  out.maxAtOff = NaN;
  out.first = NaN;
  out.last = NaN;
  out.statsExact = !(values instanceof BigInt64Array || values instanceof BigUint64Array);
}

// Per-point loop kept in one function so each block costs one call (STYLE §8.4). Matches the aggregator's
// argMinRun/argMaxRun: NaN wins only when every value is NaN (then at the first point); ties keep the earliest.
function numericStats(offsets: Float64Array, values: Float64Array, s: number, e: number, out: BlockStats): void {
  let j = s;
  while (j < e && values[j] !== values[j]) j++;
  if (j === e) j = s;
  let min = values[j];
  let max = min;
  let minAt = offsets[j];
  let maxAt = minAt;
  // The sum starts from the first value, not +0, so a block of -0 sums to -0 (BlockStats contract).
  let sum = values[s];
  for (let i = s + 1; i < e; i++) {
    const v = values[i];
    sum += v;
    if (v < min) {
      min = v;
      minAt = offsets[i]!;
    } else if (v > max) {
      max = v;
      maxAt = offsets[i]!;
    }
  }
  out.sum = sum;
  out.min = min;
  out.max = max;
  out.minAtOff = minAt;
  out.maxAtOff = maxAt;
  out.first = values[s]!;
  out.last = values[e - 1]!;
  out.statsExact = true;
}

function isExactIntBlock(values: Float64Array, s: number, e: number): boolean {
  let sum = 0;
  for (let i = s; i < e; i++) {
    const v = values[i];
    sum += v;
    if (v > MAX_SAFE || v < -MAX_SAFE || sum > MAX_SAFE || sum < -MAX_SAFE) return false;
  }
  return true;
}
