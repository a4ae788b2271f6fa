// Public entry of the write-ahead log: numbered files of CRC-framed opaque records with group commit and replay.
// The format is specified in docs/format/wal.md.
export { Wal } from "./wal.ts";
export type { SyncMode, WalOptions, WalPosition, WalDamage, WalReplayReport } from "./wal-types.ts";
