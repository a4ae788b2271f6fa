// Precomputed statistics of one block of one field, as the segment writer stores them (DESIGN.md "Segment files").
// The aggregator reads them to answer a bucket without decoding the block.

/**
 * Statistics of one block of one field of one series. Offsets are nanoseconds from the start of the block's
 * partition (integers, 0 ≤ off < 2^53).
 *
 * Numeric fields hold their values as doubles; booleans as 0/1; strings have NaN in `sum`, `min`, `max`,
 * `first` and `last`. When `statsExact` is false (an integer block holding a value beyond ±2^53), `sum`, `min`,
 * `max`, `first` and `last` are rounded and must not be used; `count` and the offsets are always exact.
 *
 * For floats, `sum` must be the left-to-right sum of the block's values starting from the first value (not from
 * +0), so that a block of -0 values sums to -0 exactly as feeding its points does. For integers, `sum` is the
 * exact sum (a left-to-right double sum can round past 2^53 even when the total is small), and `statsExact` is
 * false whenever that sum or any value is not a safe integer.
 */
export interface BlockStats {
  /** Number of points in the block (> 0). */
  count: number;
  /** Offset of the first point. */
  minOff: number;
  /** Offset of the last point. */
  maxOff: number;
  /** Sum of the values (see above for the order). */
  sum: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Offset of the earliest point holding `min`. */
  minAtOff: number;
  /** Offset of the earliest point holding `max`. */
  maxAtOff: number;
  /** Value at `minOff` (numeric and boolean types only). */
  first: number;
  /** Value at `maxOff` (numeric and boolean types only). */
  last: number;
  /** False when the value statistics of an integer block are rounded. */
  statsExact: boolean;
}
