// Shared harness for tests and benchmarks that run real peers (InfluxDB, VictoriaMetrics, Prometheus, Strata) on
// loopback ports, each in its own temp dir, stopped by PID.
export { findBinary, makeTempDir, skipUnlessInstalled, sleep } from "./peer-process.ts";
export type { Peer, PeerSpec } from "./peer-process.ts";
export { startInfluxd } from "./influxd.ts";
export { startVictoriaMetrics } from "./victoria-metrics.ts";
export type { VictoriaMetricsOptions } from "./victoria-metrics.ts";
export { startPrometheus } from "./prometheus.ts";
export type { PrometheusOptions, ScrapeJob } from "./prometheus.ts";
export { startStrata, strataServerAvailable } from "./strata-server.ts";
export type { StrataOptions } from "./strata-server.ts";
