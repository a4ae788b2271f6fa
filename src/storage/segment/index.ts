// Public entry of storage/segment: immutable per-partition segment files (docs/format/segment.md).
export { SegmentWriter, DEFAULT_BLOCK_POINTS } from "./segment-writer.ts";
export type { SegmentWriterOptions, SegmentWriteResult } from "./segment-writer.ts";
export { SegmentReader } from "./segment-reader.ts";
export { DecodedBlock } from "./decoded-block.ts";
export type { SegmentColumnMeta } from "./segment-column-meta.ts";
export { SEGMENT_TMP_SUFFIX, SEGMENT_VERSION, SEGMENT_CORRUPT, SEGMENT_VERSION_UNSUPPORTED } from "./segment-format.ts";
