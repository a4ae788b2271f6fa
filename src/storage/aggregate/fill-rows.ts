// Output rows of a GROUP BY time query from per-field aggregators, with InfluxDB 1.x fill() semantics
// (query/iterator.gen.go.tmpl fill iterator and iterator scanner). Knows buckets, not times.
import { assert, InvalidError } from "../../base/index.ts";
import { FieldType } from "../model/index.ts";
import { aggregateResultType } from "./aggregate-fn.ts";
import type { AggValue, BucketAggregator } from "./bucket-aggregator.ts";
import { bigToResult } from "./exact-int.ts";

/** How empty buckets are filled: InfluxQL's fill(none | null | previous | linear | <number>). */
export type FillPolicy = "none" | "null" | "previous" | "linear" | { value: number };

/**
 * Builds the rows for aggregators of several fields over the same buckets: the kept bucket indexes (ascending, or
 * descending with `order` "desc") and one value column per aggregator, each `buckets.length` long. New arrays,
 * owned by the caller.
 *
 * As InfluxDB 1.x does, fill runs per column in output order (so with "desc", previous carries the later bucket's
 * value back in time):
 * - no rows at all when every aggregator is empty everywhere (even for count);
 * - "none": only buckets where some column has a point; other cells are null (count included);
 * - "null": empty cells are null, except count columns, which read 0;
 * - "previous": the last non-empty value of the column in output order, null before it;
 * - "linear": numeric columns interpolate between the neighbouring non-empty buckets by bucket index, integers
 *   truncated toward zero; null where a neighbour is missing (no extrapolation) and for booleans/strings;
 * - { value }: cast to the column's type (floats as is, integers truncated toward zero and wrapped to 64 bits,
 *   "" for strings, false for booleans).
 * A column with no point in any bucket reads null, or under { value } the value cast to a numeric column's type
 * (left as the number for string/boolean columns), as InfluxDB's iterator scanner fills it.
 *
 * @throws InvalidError `QUERY_BAD_FILL` when a fill value is not a finite number.
 */
export function fillRows(
  aggs: readonly BucketAggregator[],
  fill: FillPolicy,
  order: "asc" | "desc",
): { buckets: number[]; columns: AggValue[][] } {
  if (typeof fill === "object" && !Number.isFinite(fill.value)) {
    throw new InvalidError("QUERY_BAD_FILL", `fill value ${String(fill.value)} is not a finite number`);
  }
  if (aggs.length === 0) return { buckets: [], columns: [] };
  const n = aggs[0].bucketCount;
  const present: Uint8Array[] = [];
  let anyColumn = false;
  for (const agg of aggs) {
    if (agg.bucketCount !== n) assert(false, `aggregators disagree on bucket count: ${agg.bucketCount} vs ${n}`);
    const col = new Uint8Array(n);
    for (let b = 0; b < n; b++) {
      if (!agg.isEmpty(b)) {
        col[b] = 1;
        anyColumn = true;
      }
    }
    present.push(col);
  }
  if (!anyColumn) return { buckets: [], columns: aggs.map(() => []) };

  const buckets: number[] = [];
  for (let r = 0; r < n; r++) {
    const b = order === "asc" ? r : n - 1 - r;
    if (fill !== "none" || present.some((col) => col[b] === 1)) buckets.push(b);
  }
  const columns = aggs.map((agg, j) => fillColumn(agg, present[j], buckets, fill));
  return { buckets, columns };
}

function fillColumn(agg: BucketAggregator, present: Uint8Array, buckets: number[], fill: FillPolicy): AggValue[] {
  const rows = buckets.length;
  const type = aggregateResultType(agg.fn, agg.type);
  const out = new Array<AggValue>(rows).fill(null);
  if (!present.includes(1)) {
    // No fill iterator output at all: InfluxDB's scanner casts its default (the fill number, or nil).
    if (typeof fill === "object") out.fill(castScannerDefault(fill.value, type));
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const b = buckets[r];
    if (present[b] === 1) out[r] = agg.value(b);
  }
  if (fill === "none") return out;
  if (fill === "previous") {
    let prev: AggValue = null;
    for (let r = 0; r < rows; r++) {
      if (present[buckets[r]] === 1) prev = out[r];
      else out[r] = prev;
    }
    return out;
  }
  if (fill === "linear") {
    if (type === FieldType.Float || type === FieldType.Int || type === FieldType.Uint) {
      fillLinear(out, present, buckets, type);
    }
    return out;
  }
  // InfluxDB turns fill(null) into fill(0) for count() (newFillIterator); a number fill is cast per column type.
  let filler: AggValue = null;
  if (typeof fill === "object") filler = castFill(fill.value, type);
  else if (agg.fn === "count") filler = 0;
  for (let r = 0; r < rows; r++) {
    if (present[buckets[r]] === 0) out[r] = filler;
  }
  return out;
}

/** Linear fill in output order: each empty cell between two present ones gets InfluxDB's linearFloat/Integer. */
function fillLinear(out: AggValue[], present: Uint8Array, buckets: number[], type: FieldType): void {
  let prevRow = -1;
  for (let r = 0; r < out.length; r++) {
    if (present[buckets[r]] === 1) {
      if (prevRow >= 0 && r > prevRow + 1) {
        const kp = buckets[prevRow];
        const kn = buckets[r];
        for (let q = prevRow + 1; q < r; q++) {
          out[q] = interpolate(buckets[q], kp, kn, out[prevRow], out[r], type);
        }
      }
      prevRow = r;
    }
  }
}

/**
 * y = m·x + b through (kp, vp) and (kn, vn) at k: m = (vn − vp) / (kn − kp), x = k − kp, b = vp, evaluated in
 * doubles as Go does. Integers: Go's int64 subtraction (wrapping), then int64(m·x + b) truncates toward zero.
 * A null neighbour (a NaN result) gives null, as NaN would.
 */
function interpolate(k: number, kp: number, kn: number, vp: AggValue, vn: AggValue, type: FieldType): AggValue {
  if (typeof vp !== "number" && typeof vp !== "bigint") return null;
  if (typeof vn !== "number" && typeof vn !== "bigint") return null;
  if (type === FieldType.Float) {
    const y = (((vn as number) - (vp as number)) / (kn - kp)) * (k - kp) + (vp as number);
    return y === y ? y : null;
  }
  let diff: number;
  let base: number;
  if (typeof vp === "number" && typeof vn === "number") {
    diff = vn - vp;
    base = vp;
  } else {
    const d = BigInt(vn) - BigInt(vp);
    // Unsigned: the signed difference. Go's uint64 subtraction wraps for a decreasing pair and then converts an
    // out-of-range float, which is platform-defined; a decreasing line is what the user means.
    diff = Number(type === FieldType.Int ? BigInt.asIntN(64, d) : d);
    base = Number(vp);
  }
  return truncToInt((diff / (kn - kp)) * (k - kp) + base, type === FieldType.Uint);
}

/** Go's castToFloat/Integer/Unsigned/String/Boolean of a fill number: "" and false for strings and booleans. */
function castFill(value: number, type: FieldType): AggValue {
  switch (type) {
    case FieldType.Float:
      return value;
    case FieldType.Int:
      return truncToInt(value, false);
    case FieldType.Uint:
      return truncToInt(value, true);
    case FieldType.String:
      return "";
    default:
      return false;
  }
}

/** Go's castToType: numeric columns cast the fill number; for strings/booleans the cast fails and it stays. */
function castScannerDefault(value: number, type: FieldType): AggValue {
  return type === FieldType.String || type === FieldType.Bool ? value : castFill(value, type);
}

/** Go's int64(x) / uint64(x) of a double: truncation toward zero, wrapped to 64 bits (Go leaves overflow open). */
function truncToInt(x: number, unsigned: boolean): number | bigint {
  const t = Math.trunc(x);
  if (Number.isSafeInteger(t) && (!unsigned || t >= 0)) return t + 0;
  const big = BigInt(t);
  return bigToResult(unsigned ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big));
}
