// Databases: the write, flush and delete paths and the files behind them.
export { Database } from "./database.ts";
export type { RejectedPoint, RetentionPolicy, WriteResult } from "./database.ts";
export { DEFAULT_RETENTION, defaultShardDurationNs } from "./database.ts";
export { Partitioning } from "./partitioning.ts";
export { resolveOptions } from "./options.ts";
export type { EngineOptions, ResolvedOptions } from "./options.ts";
export type { Damage, SegmentEntry } from "./segment-set.ts";
export type { Tombstone } from "./wal-record.ts";
