// Maps (partition, offset) times to numbered GROUP BY time buckets exactly, with per-partition
// precomputation so the per-point work is one add, one divide and one floor on safe integers.
import { LimitError } from "../../base/index.ts";
import type { Partitioning } from "../db/index.ts";

/** Widest bucket handled by the numeric path; wider buckets compare against a precomputed boundary. */
const MAX_NUMERIC_WIDTH_NS = 2 ** 52;

/**
 * Buckets [firstStartNs + k·widthNs, firstStartNs + (k+1)·widthNs) for k in [0, count). With no width, a single
 * bucket covers the whole query range. Call `prepare(partition)` before `bucketOf`/`bucketEndOffset`.
 */
export class Bucketing {
  readonly count: number;
  readonly firstStartNs: bigint;
  readonly widthNs: bigint;
  private readonly partitioning: Partitioning;
  private readonly width: number;
  private readonly single: boolean;
  /** Bucket index of this partition's start, and its start's distance past that bucket's start. */
  private partitionBucket = 0;
  private partitionRemainder = 0;

  constructor(
    partitioning: Partitioning,
    startNs: bigint,
    endNs: bigint,
    widthNs: bigint | undefined,
    offsetNs: bigint,
    maxBuckets: number,
  ) {
    this.partitioning = partitioning;
    if (widthNs === undefined || widthNs <= 0n) {
      this.single = true;
      this.widthNs = 0n;
      this.width = 0;
      this.firstStartNs = startNs;
      this.count = 1;
      return;
    }
    this.single = false;
    this.widthNs = widthNs;
    this.width = Number(widthNs);
    const shifted = startNs - offsetNs;
    let k = shifted / widthNs;
    if (k * widthNs > shifted) k -= 1n;
    this.firstStartNs = k * widthNs + offsetNs;
    const count = (endNs - this.firstStartNs + widthNs - 1n) / widthNs;
    if (count > BigInt(maxBuckets)) {
      throw new LimitError(
        "STORAGE_TOO_MANY_BUCKETS",
        `query would produce ${count} time buckets, more than the limit of ${maxBuckets}: use a wider interval or a shorter range`,
      );
    }
    this.count = Math.max(0, Number(count));
  }

  /** Precomputes the bucket math for partition `index`. */
  prepare(index: number): void {
    if (this.single) return;
    const rel = this.partitioning.startNs(index) - this.firstStartNs;
    let k = rel / this.widthNs;
    if (k * this.widthNs > rel) k -= 1n;
    this.partitionBucket = Number(k);
    this.partitionRemainder = Number(rel - k * this.widthNs);
  }

  /** Bucket index of `offset` in the prepared partition (may be < 0 or ≥ count when outside the range). */
  bucketOf(offset: number): number {
    if (this.single) return 0;
    if (this.width <= MAX_NUMERIC_WIDTH_NS)
      return this.partitionBucket + Math.floor((this.partitionRemainder + offset) / this.width);
    return this.partitionBucket + (offset >= this.width - this.partitionRemainder ? 1 : 0);
  }

  /** First offset in the prepared partition that belongs to a later bucket than `bucket` (may be beyond the partition). */
  bucketEndOffset(bucket: number): number {
    if (this.single) return Infinity;
    return (bucket - this.partitionBucket + 1) * this.width - this.partitionRemainder;
  }

  /** Exact start time of bucket `index`. */
  bucketStartNs(index: number): bigint {
    return this.firstStartNs + BigInt(index) * this.widthNs;
  }
}
