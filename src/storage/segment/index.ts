// Public entry of storage/segment: immutable per-partition segment files (docs/format/segment.md).
export { SegmentWriter } from "./segment-writer.ts";
export { SegmentReader } from "./segment-reader.ts";
export { DecodedBlock } from "./decoded-block.ts";
export { BlockCache } from "./block-cache.ts";
export type { BlockCacheStats } from "./block-cache.ts";
export type { SegmentColumnMeta } from "./segment-column-meta.ts";
export { SEGMENT_TMP_SUFFIX } from "./segment-format.ts";
