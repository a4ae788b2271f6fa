// What route handlers share: the store, the resolved config, metrics, the query gate and write-path pools.
// A plain record built once by StrataServer; routes take it as an argument instead of importing the server.
import type { Logger } from "pino";
import type { LineProtocolParser } from "../ingest/index.ts";
import type { TimeSeriesStore, WriteBatch } from "../storage/index.ts";
import type { Clock } from "../base/index.ts";
import type { ServerConfig } from "./config/server-config.ts";
import type { QueryGate } from "./http/query-gate.ts";
import type { LiveWriteSource } from "./live/index.ts";
import type { ServerMetrics } from "./metrics/server-metrics.ts";

/** Shared server state handed to every route module. Fields are immutable references. */
export interface ServerDeps {
  store: TimeSeriesStore;
  /** Notifications of acknowledged writes (the local engine; the live hub subscribes). */
  writeEvents: LiveWriteSource;
  config: ServerConfig;
  metrics: ServerMetrics;
  gate: QueryGate;
  log: Logger;
  clock: Clock;
  /** One line-protocol parser for all requests: parse calls are synchronous, and its caches pay off across them. */
  parser: LineProtocolParser;
  /** Idle write batches for reuse (their arrays grow to the workload once). */
  batches: WriteBatch[];
  /** Flushes the store; the durable-flush route calls it. */
  flush: () => Promise<void>;
}
