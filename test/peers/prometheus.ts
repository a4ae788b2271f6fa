// Starts a real Prometheus (Debian package prometheus) on a loopback port with a generated config: 1 s scrapes of
// itself and of given loopback targets, optionally remote-writing to a URL; stops it by PID.
import * as fs from "node:fs";
import * as path from "node:path";
import { findBinary, makeTempDir, startOnFreePort, startPeer } from "./peer-process.ts";
import type { Peer } from "./peer-process.ts";

/** One scrape job: every target is `127.0.0.1:<port>`. */
export interface ScrapeJob {
  job: string;
  targets: string[];
  /** Default "/metrics". */
  metricsPath?: string;
}

/** Options for {@link startPrometheus}. */
export interface PrometheusOptions {
  /** Scrape Prometheus's own /metrics as job "prometheus" (default true). */
  scrapeSelf?: boolean;
  scrapeTargets?: ScrapeJob[];
  /** Remote-write everything scraped to this URL (e.g. Strata's `/api/v1/write`). */
  remoteWriteUrl?: string;
  /** Default "1s" (also the evaluation interval). */
  scrapeInterval?: string;
  startTimeoutMs?: number;
}

/**
 * Starts `prometheus --config.file=<tmp>/prometheus.yml --web.listen-address=127.0.0.1:<port>
 * --storage.tsdb.path=<tmp>/data`; resolves when `GET /-/ready` answers 200. Remote write uses a 1 s batch send
 * deadline so samples reach the receiver about a second after they are scraped.
 */
export function startPrometheus(options: PrometheusOptions = {}): Promise<Peer> {
  const binary = findBinary("prometheus");
  if (binary === undefined) throw new Error("prometheus is not installed (apt-get install prometheus)");
  return startOnFreePort((port) => {
    const dir = makeTempDir("prometheus");
    const dataDir = path.join(dir, "data");
    const config = path.join(dir, "prometheus.yml");
    fs.writeFileSync(config, prometheusConfig(port, options));
    return startPeer({
      name: "prometheus",
      command: binary,
      args: [
        `--config.file=${config}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.tsdb.path=${dataDir}`,
        "--log.level=warn",
      ],
      port,
      dataDir,
      healthPath: "/-/ready",
      ownedDirs: [dir],
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
    });
  });
}

// YAML is a superset of JSON, so the config is written as JSON: no quoting rules to get wrong.
function prometheusConfig(port: number, options: PrometheusOptions): string {
  const interval = options.scrapeInterval ?? "1s";
  const jobs: ScrapeJob[] = [];
  if (options.scrapeSelf ?? true) jobs.push({ job: "prometheus", targets: [`127.0.0.1:${port}`] });
  jobs.push(...(options.scrapeTargets ?? []));
  for (const job of jobs) {
    for (const target of job.targets) {
      if (!target.startsWith("127.0.0.1:")) throw new Error(`scrape target ${target} is not on 127.0.0.1`);
    }
  }
  const config: Record<string, unknown> = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      metrics_path: j.metricsPath ?? "/metrics",
      static_configs: [{ targets: j.targets }],
    })),
  };
  if (options.remoteWriteUrl !== undefined) {
    if (!options.remoteWriteUrl.startsWith("http://127.0.0.1:")) {
      throw new Error(`remote write url ${options.remoteWriteUrl} is not on 127.0.0.1`);
    }
    config.remote_write = [
      {
        url: options.remoteWriteUrl,
        queue_config: { batch_send_deadline: "1s", min_backoff: "100ms" },
        // Metric metadata (TYPE/HELP) is sent every minute by default; a second keeps tests short.
        metadata_config: { send: true, send_interval: "1s" },
      },
    ];
  }
  return JSON.stringify(config, null, 2) + "\n";
}
