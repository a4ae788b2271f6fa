// The in-memory head of the storage engine.
export { Head, HeadPartition, HeadSeries } from "./head.ts";
export { HeadColumn, HEAD_POINT_BYTES, lowerBound } from "./head-column.ts";
export { HeadWriter } from "./head-writer.ts";
export type { PartitionLocator } from "./head-writer.ts";
