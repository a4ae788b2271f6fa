// Maps exact timestamps to (partition index, offset) pairs, the time representation inside storage.
// Offsets are integers < 2^53, so per-point time math stays exact in plain numbers (STYLE.md §8.2).
import { InvalidError, NS_PER_SEC } from "../../base/index.ts";

/** Longest allowed partition: offsets must stay exact, and bucket math adds a bucket width to them. */
const MAX_PARTITION_NS = 30 * 86_400 * NS_PER_SEC;

/** Time partitioning of one database: partitions are [index × duration, (index + 1) × duration). */
export class Partitioning {
  readonly durationNs: number;
  readonly durationSec: number;

  /** Throws InvalidError (STORAGE_BAD_PARTITION) unless the duration is whole seconds in [1 s, 30 d]. */
  constructor(durationNs: number) {
    if (
      !Number.isInteger(durationNs) ||
      durationNs % NS_PER_SEC !== 0 ||
      durationNs < NS_PER_SEC ||
      durationNs > MAX_PARTITION_NS
    ) {
      throw new InvalidError(
        "STORAGE_BAD_PARTITION",
        `partition duration ${durationNs} ns must be a whole number of seconds between 1s and 30d`,
      );
    }
    this.durationNs = durationNs;
    this.durationSec = durationNs / NS_PER_SEC;
  }

  /** Partition index of a time given as (sec, nsec). */
  index(sec: number): number {
    return Math.floor(sec / this.durationSec);
  }

  /** Offset in ns of (sec, nsec) from the start of partition `index`. */
  offset(sec: number, nsec: number, index: number): number {
    return (sec - index * this.durationSec) * NS_PER_SEC + nsec;
  }

  /** Exact start of partition `index` in ns. */
  startNs(index: number): bigint {
    return BigInt(index * this.durationSec) * 1_000_000_000n;
  }

  /** Writes [partition index, offset] of an exact ns time into `out`. */
  locate(ns: bigint, out: Float64Array | number[]): void {
    const duration = BigInt(this.durationNs);
    let index = ns / duration;
    if (ns < index * duration) index -= 1n; // floor for negative times
    out[0] = Number(index);
    out[1] = Number(ns - index * duration);
  }

  /**
   * The offsets [from, to] (inclusive) of partition `index` that lie in the inclusive time range
   * [startNs, endNs], or null when they do not meet.
   */
  offsetRange(index: number, startNs: bigint, endNs: bigint): [from: number, to: number] | null {
    const partitionStart = this.startNs(index);
    const partitionEnd = partitionStart + BigInt(this.durationNs) - 1n;
    if (endNs < partitionStart || startNs > partitionEnd) return null;
    const from = startNs <= partitionStart ? 0 : Number(startNs - partitionStart);
    const to = endNs >= partitionEnd ? this.durationNs - 1 : Number(endNs - partitionStart);
    return [from, to];
  }

  /** Exact ns of (index, offset). */
  toNs(index: number, offset: number): bigint {
    return this.startNs(index) + BigInt(offset);
  }
}
