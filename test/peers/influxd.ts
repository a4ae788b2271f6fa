// Starts a real InfluxDB 1.x (`influxd`, Debian package influxdb) in a temp dir, every listener on 127.0.0.1,
// no reporting, no _internal monitor database, and stops it by PID.
import * as fs from "node:fs";
import * as path from "node:path";
import { findBinary, freePort, makeTempDir, startOnFreePort, startPeer } from "./peer-process.ts";
import type { Peer } from "./peer-process.ts";

/** Options for {@link startInfluxd}. */
export interface InfluxdOptions {
  /** `[data]` settings added to or replacing the defaults, as TOML values (e.g. `{ "cache-snapshot-write-cold-duration": '"1s"' }`). */
  data?: Record<string, string>;
  startTimeoutMs?: number;
}

/**
 * Starts `influxd -config <tmp>/influxdb.conf` with HTTP on a free loopback port (auth off, HTTP log off) and the RPC
 * service bound to another loopback port; resolves when `GET /ping` answers 204. WAL writes are fsynced per request
 * (`wal-fsync-delay = "0s"`, InfluxDB's default). stop() removes the temp dir.
 */
export function startInfluxd(options: InfluxdOptions = {}): Promise<Peer> {
  const binary = findBinary("influxd");
  if (binary === undefined) throw new Error("influxd is not installed (apt-get install influxdb)");
  return startOnFreePort(async (port) => {
    const dir = makeTempDir("influxd");
    const rpcPort = await freePort();
    const config = path.join(dir, "influxdb.conf");
    fs.writeFileSync(config, influxdConfig(dir, port, rpcPort, options.data ?? {}));
    return startPeer({
      name: "influxd",
      command: binary,
      args: ["-config", config],
      port,
      // meta/, data/ (TSM) and wal/ all live here: everything influxd stores.
      dataDir: dir,
      healthPath: "/ping",
      healthStatus: 204,
      ownedDirs: [dir],
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
    });
  });
}

/** The whole config: every service that listens is either bound to 127.0.0.1 or disabled. */
function influxdConfig(dir: string, httpPort: number, rpcPort: number, extra: Record<string, string>): string {
  const q = (p: string): string => JSON.stringify(p);
  const data: Record<string, string> = {
    dir: q(path.join(dir, "data")),
    "wal-dir": q(path.join(dir, "wal")),
    "wal-fsync-delay": '"0s"',
    "index-version": '"inmem"',
    "query-log-enabled": "false",
    ...extra,
  };
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = ${q(path.join(dir, "meta"))}
  retention-autocreate = true
  logging-enabled = false

[data]
${Object.entries(data)
  .map(([k, v]) => `  ${k} = ${v}`)
  .join("\n")}

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false
  log-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  suppress-write-log = true
  pprof-enabled = false
  unix-socket-enabled = false

[ifql]
  enabled = false

[logging]
  level = "warn"
  suppress-logo = true
`;
}
