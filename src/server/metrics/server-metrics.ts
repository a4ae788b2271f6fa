// The metrics Strata's server exports at /metrics: ingest, request latencies, storage sizes, connections, memory.
// Storage figures are read from TimeSeriesStore.stats() at scrape time, so they cost nothing between scrapes.
import type { TimeSeriesStore } from "../../storage/index.ts";
import { MetricsRegistry } from "./metrics-registry.ts";
import type { HistogramValue, MetricFamily, MetricValue } from "./metrics-registry.ts";

/** The memory budget the server runs under (docs/rfc/0005-memory-budget.md), exported as gauges. */
export interface MemoryBudget {
  maxMemoryBytes: number;
  headBudgetBytes: number;
}

/** Query languages labelled in the query metrics. */
export type QueryLanguage = "influxql" | "promql" | "native";

/** The server's metric families; fields are immutable references, their values mutate. */
export class ServerMetrics {
  readonly registry = new MetricsRegistry();
  readonly ingestPoints: MetricFamily<MetricValue>;
  readonly ingestValues: MetricFamily<MetricValue>;
  readonly ingestRejected: MetricFamily<MetricValue>;
  readonly writeRequests: MetricFamily<MetricValue>;
  readonly writeSeconds: MetricFamily<HistogramValue>;
  readonly queryRequests: MetricFamily<MetricValue>;
  readonly querySeconds: MetricFamily<HistogramValue>;
  readonly httpRequests: MetricFamily<MetricValue>;
  readonly openConnections: MetricFamily<MetricValue>;
  private readonly series: MetricFamily<MetricValue>;
  private readonly walBytes: MetricFamily<MetricValue>;
  private readonly diskBytes: MetricFamily<MetricValue>;
  private readonly headBytes: MetricFamily<MetricValue>;
  private readonly segments: MetricFamily<MetricValue>;
  private readonly rss: MetricFamily<MetricValue>;
  private readonly heapUsed: MetricFamily<MetricValue>;
  private readonly heapTotal: MetricFamily<MetricValue>;
  private readonly external: MetricFamily<MetricValue>;
  private readonly arrayBuffers: MetricFamily<MetricValue>;
  private readonly rssPeak: MetricFamily<MetricValue>;
  private readonly startSeconds: MetricFamily<MetricValue>;
  private readonly merges: MetricFamily<MetricValue>;
  private readonly mergeFailures: MetricFamily<MetricValue>;
  private readonly mergeSeconds: MetricFamily<MetricValue>;
  private readonly mergeBytes: MetricFamily<MetricValue>;
  private readonly mergeBacklog: MetricFamily<MetricValue>;
  private readonly cacheHits: MetricFamily<MetricValue>;
  private readonly cacheMisses: MetricFamily<MetricValue>;
  private readonly cacheBytes: MetricFamily<MetricValue>;

  /**
   * `store` is read at each scrape; `startMs` is the process start time (ms since the epoch); `budget` is exported
   * as strata_memory_budget_bytes and strata_head_budget_bytes when given.
   */
  constructor(store: TimeSeriesStore, startMs: number, budget?: MemoryBudget) {
    const r = this.registry;
    this.ingestPoints = r.counter("strata_ingest_points_total", "Points stored by write requests.", ["protocol"]);
    this.ingestValues = r.counter("strata_ingest_values_total", "Field values stored by write requests.", ["protocol"]);
    this.ingestRejected = r.counter("strata_ingest_rejected_total", "Lines or points rejected by write requests.", [
      "protocol",
    ]);
    this.writeRequests = r.counter("strata_write_requests_total", "Write requests by protocol and status code.", [
      "protocol",
      "code",
    ]);
    this.writeSeconds = r.histogram("strata_write_duration_seconds", "Write request latency.", ["protocol"]);
    this.queryRequests = r.counter("strata_query_requests_total", "Query requests by language and status code.", [
      "language",
      "code",
    ]);
    this.querySeconds = r.histogram("strata_query_duration_seconds", "Query request latency.", ["language"]);
    this.httpRequests = r.counter("strata_http_requests_total", "HTTP requests by route and status code.", [
      "route",
      "code",
    ]);
    this.openConnections = r.gauge("strata_http_open_connections", "Open HTTP connections.");
    this.openConnections.labels().set(0);
    this.series = r.gauge("strata_series", "Series per database.", ["db"]);
    this.walBytes = r.gauge("strata_wal_bytes", "WAL bytes on disk per database.", ["db"]);
    this.diskBytes = r.gauge("strata_disk_bytes", "Bytes on disk per database (segments, WAL, index).", ["db"]);
    this.segments = r.gauge("strata_segments", "Segment files per database.", ["db"]);
    this.headBytes = r.gauge("strata_head_bytes", "In-memory head bytes per database.", ["db"]);
    this.rss = r.gauge("process_resident_memory_bytes", "Resident memory size in bytes.");
    this.heapUsed = r.gauge("nodejs_heap_used_bytes", "V8 heap in use, bytes.");
    this.heapTotal = r.gauge("nodejs_heap_total_bytes", "V8 heap allocated, bytes.");
    this.external = r.gauge("nodejs_external_memory_bytes", "Memory of buffers and native objects, bytes.");
    this.arrayBuffers = r.gauge("nodejs_array_buffers_bytes", "Memory of ArrayBuffers (typed arrays, Buffers), bytes.");
    this.rssPeak = r.gauge(
      "strata_process_resident_memory_peak_bytes",
      "Highest resident memory size since the process started, bytes.",
    );
    this.merges = r.counter("strata_compaction_merges_total", "Segment merges finished per database.", ["db"]);
    this.mergeFailures = r.counter("strata_compaction_failures_total", "Segment merges that failed per database.", [
      "db",
    ]);
    this.mergeSeconds = r.counter("strata_compaction_seconds_total", "Time spent merging segments, seconds.", ["db"]);
    this.mergeBytes = r.counter("strata_compaction_bytes_total", "Bytes read and written by merges.", [
      "db",
      "direction",
    ]);
    this.mergeBacklog = r.gauge("strata_compaction_backlog", "Partitions waiting for a merge per database.", ["db"]);
    this.cacheHits = r.counter("strata_block_cache_hits_total", "Segment block reads served by the block cache.");
    this.cacheMisses = r.counter("strata_block_cache_misses_total", "Segment block reads decoded from the file.");
    this.cacheBytes = r.gauge("strata_block_cache_bytes", "Memory held by the block cache, bytes.");
    if (budget !== undefined) {
      r.gauge("strata_memory_budget_bytes", "Memory budget (maxMemoryBytes): heads, query and write buffers.")
        .labels()
        .set(budget.maxMemoryBytes);
      r.gauge("strata_head_budget_bytes", "Memory budget of all in-memory heads together (headBudgetBytes).")
        .labels()
        .set(budget.headBudgetBytes);
    }
    this.startSeconds = r.gauge("process_start_time_seconds", "Start time of the process since the epoch, seconds.");
    this.startSeconds.labels().set(Math.floor(startMs / 1000));
    r.onCollect(() => this.collect(store));
  }

  private async collect(store: TimeSeriesStore): Promise<void> {
    const stats = await store.stats();
    for (const family of [this.series, this.walBytes, this.diskBytes, this.segments, this.headBytes]) family.clear();
    for (const family of [this.merges, this.mergeFailures, this.mergeSeconds, this.mergeBytes, this.mergeBacklog])
      family.clear();
    for (const s of stats) {
      this.series.labels(s.name).set(s.series);
      this.walBytes.labels(s.name).set(s.walBytes);
      this.diskBytes.labels(s.name).set(s.diskBytes);
      this.segments.labels(s.name).set(s.segments);
      this.headBytes.labels(s.name).set(s.headBytes);
      const c = s.compaction;
      this.merges.labels(s.name).set(c.merges);
      this.mergeFailures.labels(s.name).set(c.failures);
      this.mergeSeconds.labels(s.name).set(c.seconds);
      this.mergeBytes.labels(s.name, "read").set(c.inputBytes);
      this.mergeBytes.labels(s.name, "written").set(c.outputBytes);
      this.mergeBacklog.labels(s.name).set(c.backlog);
    }
    const cache = store.cacheStats();
    this.cacheHits.labels().set(cache.hits);
    this.cacheMisses.labels().set(cache.misses);
    this.cacheBytes.labels().set(cache.bytes);
    const memory = process.memoryUsage();
    this.rss.labels().set(memory.rss);
    this.heapUsed.labels().set(memory.heapUsed);
    this.heapTotal.labels().set(memory.heapTotal);
    this.external.labels().set(memory.external);
    this.arrayBuffers.labels().set(memory.arrayBuffers);
    this.rssPeak.labels().set(process.resourceUsage().maxRSS * 1024); // maxRSS is in KiB
  }
}
