// Exact 64-bit integers held as two doubles (hi + lo), so per-bucket integer state lives in Float64Arrays.
// hi is the integer rounded to the nearest double, lo the exact remainder (|lo| ≤ 2^10 for |x| < 2^64).

/** Smallest and largest integers a number holds exactly and unambiguously (±(2^53 − 1)). */
const MIN_SAFE_BIG = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_53 = 2 ** 53;

/**
 * Splits `values[start, end)` into `hi[0, n)` and `lo[0, n)` (n = end − start) and returns true when every lo is
 * zero, i.e. when `hi` alone is exact. `hi`/`lo` must hold n elements; the caller owns them.
 * This is the BigInt slow path: it converts every point (ColumnValues only uses BigInt arrays when a value lies
 * beyond ±2^53).
 */
export function splitBigInts(
  values: BigInt64Array | BigUint64Array,
  start: number,
  end: number,
  hi: Float64Array,
  lo: Float64Array,
): boolean {
  let exact = true;
  for (let i = start, j = 0; i < end; i++, j++) {
    const v = values[i];
    const h = Number(v);
    hi[j] = h;
    // Number() rounds to nearest, so |h| < 2^53 implies |v| < 2^53 and h === v: no BigInt work for most points.
    if (h < TWO_53 && h > -TWO_53) {
      lo[j] = 0;
    } else {
      const l = Number(v - BigInt(h));
      lo[j] = l;
      if (l !== 0) exact = false;
    }
  }
  return exact;
}

/** Orders two exact integers given as pairs: negative, zero or positive like a comparator. */
export function comparePairs(hi1: number, lo1: number, hi2: number, lo2: number): number {
  if (hi1 !== hi2) return hi1 < hi2 ? -1 : 1;
  return lo1 < lo2 ? -1 : lo1 > lo2 ? 1 : 0;
}

/** The exact integer hi + lo as a bigint. */
export function pairToBigInt(hi: number, lo: number): bigint {
  return BigInt(hi) + BigInt(lo);
}

/** A bigint as a result value: a number when it is a safe integer, the bigint otherwise. */
export function bigToResult(x: bigint): number | bigint {
  return x >= MIN_SAFE_BIG && x <= MAX_SAFE_BIG ? Number(x) : x;
}

/**
 * The integer hi + lo as a result value (number when safe, bigint otherwise). With `wrap`, the value is first
 * reduced to 64 bits as Go's int64 (or uint64 when `unsigned`) arithmetic would have wrapped it.
 */
export function pairToResult(hi: number, lo: number, unsigned: boolean, wrap: boolean): number | bigint {
  // |hi| < 2^53 is far inside 64 bits, so no wrap can apply; `+ 0` turns a -0 into 0.
  if (lo === 0 && Number.isSafeInteger(hi)) return hi + 0;
  let x = pairToBigInt(hi, lo);
  if (wrap) x = unsigned ? BigInt.asUintN(64, x) : BigInt.asIntN(64, x);
  return bigToResult(x);
}

/**
 * Adds the integer-valued double `x` to the exact sum held in `hi[b] + lo[b]` (Knuth's TwoSum: the rounding error
 * of hi + x is itself an integer and goes to lo). Exact while |lo| stays below 2^53.
 */
export function addExact(hi: Float64Array, lo: Float64Array, b: number, x: number): void {
  const h = hi[b];
  const s = h + x;
  const bp = s - h;
  lo[b] = lo[b] + (h - (s - bp)) + (x - bp);
  hi[b] = s;
}
