// Which segments of a partition to merge (docs/rfc/0007-compaction.md): size-tiered runs of the newest segments
// while a partition takes writes, everything once it is settled or when asked, and rewrites that purge deletes.

/** A partition's segment as the policy sees it (rank order, oldest first). */
export interface SegmentFacts {
  bytes: number;
  /** A tombstone that this segment's rank leaves applicable covers some of its points. */
  hasDeletes: boolean;
}

/** Settings of the policy. */
export interface PolicyOptions {
  /** Segments of one size tier that make a merge (default 4). */
  fanIn: number;
  /** Merge all segments into one (forced, or the partition is settled). */
  full: boolean;
}

/** Bytes of the smallest tier; each next tier holds segments 4× bigger. */
const TIER_BASE_BYTES = 1 << 20;
const TIER_RATIO = 4;

/**
 * The index from which the newest segments should be merged (a suffix: a merge's output takes a new rank, above
 * every segment that stays, so it may only replace the newest ones), or -1 for no merge.
 * - full: all segments when there are several, or one that holds deleted points (purged by its rewrite);
 * - otherwise: the longest suffix whose segments are of one size tier, when it has at least `fanIn` of them.
 */
export function mergeStart(segments: readonly SegmentFacts[], options: PolicyOptions): number {
  const n = segments.length;
  if (n === 0) return -1;
  if (options.full) return n > 1 || segments[0]!.hasDeletes ? 0 : -1;
  const tier = tierOf(segments[n - 1]!.bytes);
  let start = n - 1;
  // The run may also climb into smaller tiers' leftovers: a suffix of segments no bigger than this tier.
  while (start > 0 && tierOf(segments[start - 1]!.bytes) <= tier) start--;
  return n - start >= options.fanIn ? start : -1;
}

/** Size tier: 0 up to 4 MiB, 1 up to 16 MiB, ... (log base 4 of the size in MiB). */
export function tierOf(bytes: number): number {
  return Math.max(0, Math.floor(Math.log(Math.max(bytes, TIER_BASE_BYTES) / TIER_BASE_BYTES) / Math.log(TIER_RATIO)));
}
