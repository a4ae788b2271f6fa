// The server's settings: their names, defaults, environment variables, flags and checks, in one table.
// Resolution (file, env, flags) lives in load-server-config.ts; this file knows nothing of where values come from.
import * as os from "node:os";
import type { EngineOptions, SyncMode } from "../../storage/index.ts";

/** Whether requests need a token: "auto" = off when listening on loopback only, on otherwise. */
export type AuthMode = "auto" | "on" | "off";

/** pino levels accepted by `logLevel`. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Every server setting, resolved (see SETTINGS for defaults and meaning). */
export interface ServerConfig {
  /** `host:port` to listen on; port 0 picks a free port. */
  listen: string;
  dataDir: string;
  /** Database of the Prometheus endpoints and remote write when the path has no `/db/<name>/` prefix. */
  defaultDb: string;
  sync: SyncMode;
  syncIntervalMs: number;
  auth: AuthMode;
  /**
   * The process's memory budget, bytes: heads, query buffers and write buffers together. Settings derived from it
   * (DERIVED_FROM_MEMORY) follow it unless set explicitly; see docs/rfc/0005-memory-budget.md.
   */
  maxMemoryBytes: number;
  maxBodyBytes: number;
  maxValuesPerRequest: number;
  maxConcurrentQueries: number;
  maxQueuedQueries: number;
  queryTimeoutMs: number;
  maxSeriesPerQuery: number;
  maxPointsPerQuery: number;
  maxSeriesPerDatabase: number;
  headBudgetBytes: number;
  blockCacheBytes: number;
  /** Retention of databases created from now on, ns (0: keep everything); InfluxQL changes it per database. */
  retention: number;
  flushAgeMs: number;
  lookbackDeltaMs: number;
  autoCreateDatabases: boolean;
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
}

/** "size": a byte count, as an integer or with a unit (`512MiB`, `1GiB`, `64KB`); see parseByteSize. */
type Kind = "string" | "int" | "size" | "bool" | "enum" | "duration";

/** One row of the settings table. */
export interface SettingSpec {
  key: keyof ServerConfig;
  kind: Kind;
  /** Allowed values of an enum. */
  values?: readonly string[];
  /** Smallest allowed integer (default 1). */
  min?: number;
  help: string;
}

/**
 * Default concurrent queries: queries evaluate on the one JavaScript thread, so more than a few per core only adds
 * memory; a few extra let scans overlap with I/O and keep one slow query from blocking dashboards.
 */
const DEFAULT_MAX_CONCURRENT_QUERIES = Math.max(4, 2 * os.availableParallelism());

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * Share of maxMemoryBytes given to the storage engine's heads (all databases; the heads receiving writes and the
 * ones being flushed; a head flushes at a quarter of it). The rest covers query buffers (QUERY_SHARE), write
 * requests in flight and garbage not yet collected (a flushed head stays resident until V8 collects it).
 */
const HEAD_SHARE = 0.5;
/**
 * Share of maxMemoryBytes one query may fill with decoded points (maxPointsPerQuery) or series (maxSeriesPerQuery).
 * A third, not less: PromQL range functions hold every sample of their window (`last_over_time(m[24h])` over the
 * server benchmark's data is 8.64 M samples, 132 MiB), and that must fit a 512 MiB budget.
 */
const QUERY_SHARE = 1 / 3;
/**
 * Share of maxMemoryBytes for the cache of decoded segment blocks (32 MiB of a 512 MiB budget: two million points,
 * the last hours of a few hundred series that dashboards ask for again and again). Taken from what heads and the
 * query cap leave (a sixth).
 */
const BLOCK_CACHE_SHARE = 1 / 16;
/**
 * Bytes of one decoded point held by a query: an f64 time and an f64 value, as scans and PromQL's sample arrays
 * hold them. maxPointsPerQuery = maxMemoryBytes × QUERY_SHARE ÷ this.
 */
const BYTES_PER_QUERY_POINT = 16;
/** Bytes of one series in a query (its key, labels, result object and arrays' headers); for maxSeriesPerQuery. */
const BYTES_PER_QUERY_SERIES = 1024;

/**
 * Default memory budget: a quarter of the machine's memory (or of the cgroup limit when one is set), within
 * [256 MiB, 1 GiB]. A quarter leaves the OS page cache (segment and index reads go through it) and other processes
 * most of a small machine; 1 GiB holds a 512 MiB head budget (a flush every 256 MiB, as before the budget existed)
 * and is what a single-node TSDB needs for a few million active series points; larger machines raise it explicitly.
 */
export function defaultMaxMemoryBytes(totalBytes = systemMemoryBytes()): number {
  return Math.round(Math.min(GIB, Math.max(256 * MIB, totalBytes / 4)));
}

/** Physical memory, or the cgroup limit when it is lower (containers). */
function systemMemoryBytes(): number {
  const total = os.totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

/** Settings that follow maxMemoryBytes unless given explicitly (by file, environment or flag). */
export const DERIVED_FROM_MEMORY = [
  "headBudgetBytes",
  "blockCacheBytes",
  "maxPointsPerQuery",
  "maxSeriesPerQuery",
] as const;

/** The values of DERIVED_FROM_MEMORY for a budget of `maxMemoryBytes`. */
export function deriveFromMemory(maxMemoryBytes: number): Pick<ServerConfig, (typeof DERIVED_FROM_MEMORY)[number]> {
  const queryBytes = maxMemoryBytes * QUERY_SHARE;
  return {
    headBudgetBytes: Math.max(1, Math.floor(maxMemoryBytes * HEAD_SHARE)),
    blockCacheBytes: Math.floor(maxMemoryBytes * BLOCK_CACHE_SHARE),
    maxPointsPerQuery: Math.max(1, Math.floor(queryBytes / BYTES_PER_QUERY_POINT)),
    maxSeriesPerQuery: Math.max(1, Math.floor(queryBytes / BYTES_PER_QUERY_SERIES)),
  };
}

const DEFAULT_MAX_MEMORY_BYTES = defaultMaxMemoryBytes();

/** Defaults of every setting. */
export const DEFAULT_CONFIG: ServerConfig = {
  listen: "127.0.0.1:8086",
  dataDir: "./strata-data",
  defaultDb: "default",
  sync: "always",
  syncIntervalMs: 1000,
  auth: "auto",
  maxMemoryBytes: DEFAULT_MAX_MEMORY_BYTES,
  // InfluxDB 1.x's default max-body-size.
  maxBodyBytes: 25 * 1024 * 1024,
  // A full 25 MiB body of short lines holds ~4M values; 2M keeps a request's batch under ~60 MB of columns.
  maxValuesPerRequest: 2_000_000,
  maxConcurrentQueries: DEFAULT_MAX_CONCURRENT_QUERIES,
  maxQueuedQueries: 100,
  queryTimeoutMs: 60_000,
  maxSeriesPerDatabase: 1_000_000,
  ...deriveFromMemory(DEFAULT_MAX_MEMORY_BYTES),
  retention: 0,
  flushAgeMs: 10 * 60 * 1000,
  // Prometheus's default lookback delta.
  lookbackDeltaMs: 5 * 60 * 1000,
  autoCreateDatabases: true,
  shutdownTimeoutMs: 30_000,
  logLevel: "info",
};

/** The settings table: key (JSON file), kind and help; env is STRATA_<UPPER_SNAKE>, flag is --<kebab-case>. */
export const SETTINGS: readonly SettingSpec[] = [
  { key: "listen", kind: "string", help: "host:port to listen on (port 0: any free port)" },
  { key: "dataDir", kind: "string", help: "data directory (created when absent)" },
  { key: "defaultDb", kind: "string", help: "database of /api/v1/* and remote write without /db/<name>/" },
  { key: "sync", kind: "enum", values: ["always", "interval", "never"], help: "WAL fsync before acknowledging" },
  { key: "syncIntervalMs", kind: "int", help: "fsync period for sync=interval, ms" },
  { key: "auth", kind: "enum", values: ["auto", "on", "off"], help: "require tokens (auto: off on loopback only)" },
  {
    key: "maxMemoryBytes",
    kind: "size",
    help: "memory budget (512MiB, 1GiB): heads, queries, writes; default ¼ of RAM in [256MiB, 1GiB]",
  },
  { key: "maxBodyBytes", kind: "size", help: "largest request body, bytes (after gzip decoding too)" },
  { key: "maxValuesPerRequest", kind: "int", help: "most field values in one write request" },
  { key: "maxConcurrentQueries", kind: "int", help: "queries running at once; more wait in a queue" },
  { key: "maxQueuedQueries", kind: "int", min: 0, help: "queries waiting for a slot; more get 429" },
  { key: "queryTimeoutMs", kind: "int", help: "time limit of one query (and of its wait for a slot), ms" },
  { key: "maxSeriesPerQuery", kind: "int", help: "series one query may touch (default: max memory ÷ 3 KiB)" },
  { key: "maxPointsPerQuery", kind: "int", help: "points one query may read (default: max memory ÷ 48 bytes)" },
  { key: "maxSeriesPerDatabase", kind: "int", min: 0, help: "series cardinality limit per database (0: none)" },
  {
    key: "headBudgetBytes",
    kind: "size",
    help: "memory of all in-memory heads; one flushes at ¼ of it (default: half of max memory)",
  },
  {
    key: "blockCacheBytes",
    kind: "size",
    min: 0,
    help: "memory for decoded segment blocks read again (0: off; default: max memory ÷ 16)",
  },
  {
    key: "retention",
    kind: "duration",
    help: "retention of new databases (30d, 12h; 0: keep everything); InfluxQL ALTER RETENTION POLICY per database",
  },
  { key: "flushAgeMs", kind: "int", help: "flush a head once its oldest write is this old, ms" },
  { key: "lookbackDeltaMs", kind: "int", help: "PromQL lookback delta, ms" },
  { key: "autoCreateDatabases", kind: "bool", help: "create a database on its first write" },
  { key: "shutdownTimeoutMs", kind: "int", help: "on SIGTERM, wait this long for in-flight requests, ms" },
  {
    key: "logLevel",
    kind: "enum",
    values: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
    help: "log level (JSON lines on stdout)",
  },
];

/** Settings whose flag and environment variable drop the unit: `--max-memory` takes `512MiB` as well as bytes. */
const SHORT_NAMES: Partial<Record<string, string>> = { maxMemoryBytes: "maxMemory" };

/** `maxBodyBytes` → `STRATA_MAX_BODY_BYTES`; `maxMemoryBytes` → `STRATA_MAX_MEMORY` (SHORT_NAMES). */
export function envName(key: string): string {
  return "STRATA_" + (SHORT_NAMES[key] ?? key).replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

/** `maxBodyBytes` → `max-body-bytes`; `maxMemoryBytes` → `max-memory` (SHORT_NAMES). */
export function flagName(key: string): string {
  return (SHORT_NAMES[key] ?? key).replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/** True when `host` only accepts connections from this machine. */
function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether `config` requires tokens, with "auto" resolved against the listen address. */
export function isAuthEnabled(config: ServerConfig): boolean {
  if (config.auth !== "auto") return config.auth === "on";
  return !isLoopbackHost(splitListen(config.listen).host);
}

/** Splits `host:port` (IPv6 as `[::1]:8086`); the host may be empty (all interfaces). */
export function splitListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(listen);
  if (m === null) return { host: "", port: -1 };
  const host = m[1]!.startsWith("[") ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port: Number(m[2]) };
}

/** The storage engine options the server config implies. */
export function engineOptions(config: ServerConfig): EngineOptions {
  return {
    sync: config.sync,
    syncIntervalMs: config.syncIntervalMs,
    headBudgetBytes: config.headBudgetBytes,
    blockCacheBytes: config.blockCacheBytes,
    defaultRetentionNs: config.retention,
    flushAgeMs: config.flushAgeMs,
    maxSeries: config.maxSeriesPerDatabase,
    autoCreateDatabases: config.autoCreateDatabases,
    // One request is one batch (so it is applied or rejected whole), and its points never exceed its values.
    maxBatchPoints: Math.max(config.maxValuesPerRequest, 1_000_000),
    maxQueryPoints: config.maxPointsPerQuery,
    maxQuerySeries: config.maxSeriesPerQuery,
    queryTimeoutMs: config.queryTimeoutMs,
  };
}
