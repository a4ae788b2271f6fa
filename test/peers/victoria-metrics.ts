// Starts a real VictoriaMetrics single node (Debian package victoria-metrics) on a loopback port with its data in
// a temp dir, and stops it by PID.
import * as path from "node:path";
import { findBinary, makeTempDir, startOnFreePort, startPeer } from "./peer-process.ts";
import type { Peer } from "./peer-process.ts";

/** Options for {@link startVictoriaMetrics}. */
export interface VictoriaMetricsOptions {
  /** Extra flags, e.g. `["-search.disableCache"]`. */
  args?: string[];
  startTimeoutMs?: number;
}

/**
 * Starts `victoria-metrics -httpListenAddr 127.0.0.1:<port> -storageDataPath <tmp>/data -retentionPeriod 100y`
 * (a long retention so generated data from years ago is accepted); resolves when `GET /health` answers 200.
 * No other listener is enabled (graphite, opentsdb and influx UDP/TCP listeners are off unless given a flag).
 */
export function startVictoriaMetrics(options: VictoriaMetricsOptions = {}): Promise<Peer> {
  const binary = findBinary("victoria-metrics");
  if (binary === undefined) throw new Error("victoria-metrics is not installed (apt-get install victoria-metrics)");
  return startOnFreePort((port) => {
    const dir = makeTempDir("victoria-metrics");
    const dataDir = path.join(dir, "data");
    return startPeer({
      name: "victoria-metrics",
      command: binary,
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${dataDir}`,
        "-retentionPeriod=100y",
        "-loggerLevel=WARN",
        ...(options.args ?? []),
      ],
      port,
      dataDir,
      healthPath: "/health",
      ownedDirs: [dir],
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
    });
  });
}
