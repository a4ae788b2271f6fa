// Public value types of the WAL: options, record positions and the replay report.
// Plain data only; the behaviour lives in wal.ts and wal-scan.ts.

/**
 * When an append counts as done. `"always"`: after the bytes are fdatasynced. `"interval"`: after the write
 * syscall; the file is fdatasynced at most `syncIntervalMs` later. `"never"`: after the write syscall; fsync only
 * on rotate and close.
 */
export type SyncMode = "always" | "interval" | "never";

/** Options of `Wal.open`; every field is optional. */
export interface WalOptions {
  /** Durability of `append` (default `"always"`). */
  sync?: SyncMode;
  /** Longest delay, in milliseconds, between a write and its fdatasync in `"interval"` mode (default 1000). */
  syncIntervalMs?: number;
  /**
   * Size in bytes at which the writer starts the next file (default 64 MiB, at least 64). A file exceeds it
   * only when a single record is larger than the limit; such a record gets a file of its own.
   */
  maxFileBytes?: number;
}

/** Where a record starts: `file` is the WAL file name (relative to the WAL directory), `offset` its byte offset. */
export interface WalPosition {
  file: string;
  offset: number;
}

/**
 * Damage found during replay. `file` is the file name relative to the WAL directory, `offset` the byte offset
 * where valid data ends, `reason` a lower-case description with the key numbers, and `truncated` whether open
 * cut (or, for a bad header, rewrote) the file there so appends follow valid data.
 */
export interface WalDamage {
  file: string;
  offset: number;
  reason: string;
  truncated: boolean;
}

/** Result of replay: records delivered to `onRecord`, files scanned, and every damage found, in file order. */
export interface WalReplayReport {
  records: number;
  files: number;
  damage: WalDamage[];
}
