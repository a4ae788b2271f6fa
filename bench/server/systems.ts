// The systems the server benchmark compares: how to start each on loopback, where it takes line protocol, how to
// force its data to disk, and where it answers InfluxQL and PromQL.
import { execFileSync } from "node:child_process";
import * as http from "node:http";
import { startInfluxd, startStrata, startVictoriaMetrics, strataServerAvailable } from "../../test/peers/index.ts";
import type { Peer } from "../../test/peers/index.ts";
import { get } from "./http-sender.ts";
import type { PromRequest } from "./server-queries.ts";

/** Keys accepted by `--systems`. */
export type SystemKey = "influxdb" | "victoria-metrics" | "strata" | "strata-never";

/** The database the benchmark writes to on InfluxDB and Strata. */
const BENCH_DB = "bench";

/** Settings of a run that some systems take at start. */
export interface StartSettings {
  /** Strata's `--max-memory` (e.g. `512MiB`). */
  strataMaxMemory: string;
}

/** One benchmarked system. */
export interface BenchSystem {
  label: string;
  /** Executables that must be on PATH. */
  binaries: string[];
  available(): boolean;
  start(settings: StartSettings): Promise<Peer>;
  /** Its memory budget in bytes as it reports it (Strata's /metrics), or undefined when it has none. */
  memoryBudget(peer: Peer): Promise<number | undefined>;
  /** Setup before writing (InfluxDB: CREATE DATABASE). */
  prepare(peer: Peer): Promise<void>;
  version(peer: Peer): Promise<string>;
  /** Path and query string of its line-protocol write endpoint. */
  writePath: string;
  /** Forces written data to disk; resolves with a note on what was done. */
  flush(peer: Peer): Promise<string>;
  /** URL of an InfluxQL query, or undefined when the system does not speak InfluxQL (or is not queried). */
  influxqlUrl(peer: Peer, q: string): string | undefined;
  /** URL of a PromQL query, or undefined when the system does not speak PromQL (or is not queried). */
  promqlUrl(peer: Peer, req: PromRequest): string | undefined;
}

/** The installed Debian package's version, or "unknown". */
function debianVersion(pkg: string): string {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" }).trim() || "unknown";
  } catch {
    // Not a Debian system, or not installed from a package: the version is only informative.
    return "unknown";
  }
}

const agent = new http.Agent({ keepAlive: false });

const influxqlUrl = (base: string, q: string): string =>
  `${base}/query?db=${BENCH_DB}&epoch=ms&q=${encodeURIComponent(q)}`;
const promqlUrl = (base: string, req: PromRequest): string =>
  `${base}/api/v1/${req.endpoint}?${new URLSearchParams(req.params).toString()}`;

async function postOk(url: string): Promise<void> {
  const res = await fetch(url, { method: "POST" });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
}

function strata(sync: "always" | "never", label: string, queried: boolean): BenchSystem {
  return {
    label,
    binaries: [],
    available: strataServerAvailable,
    start: (settings) => startStrata({ args: ["--sync", sync, "--max-memory", settings.strataMaxMemory] }),
    memoryBudget: async (peer) => {
      const metrics = await (await fetch(`${peer.url}/metrics`)).text();
      const m = /^strata_memory_budget_bytes (\d+)$/m.exec(metrics);
      return m === null ? undefined : Number(m[1]);
    },
    prepare: async () => {},
    version: async (peer) => (await fetch(`${peer.url}/ping`)).headers.get("x-strata-version") ?? "unknown",
    writePath: `/write?db=${BENCH_DB}`,
    flush: async (peer) => {
      await postOk(`${peer.url}/internal/force_flush`);
      return "POST /internal/force_flush";
    },
    influxqlUrl: (peer, q) => (queried ? influxqlUrl(peer.url, q) : undefined),
    promqlUrl: (peer, req) => (queried ? promqlUrl(`${peer.url}/db/${BENCH_DB}`, req) : undefined),
  };
}

/** Every system the benchmark knows, by `--systems` key. */
export const SYSTEMS: Record<SystemKey, BenchSystem> = {
  influxdb: {
    label: "InfluxDB",
    binaries: ["influxd"],
    available: () => true,
    // InfluxDB has no force-flush endpoint. These settings make it snapshot its cache to TSM files 1 s after writes
    // stop and fully compact a shard 5 s after that (defaults: 10 min and 4 h), so the bytes measured once the
    // directory settles are its fully compacted steady state.
    start: () =>
      startInfluxd({
        data: { "cache-snapshot-write-cold-duration": '"1s"', "compact-full-write-cold-duration": '"5s"' },
      }),
    memoryBudget: () => Promise.resolve(undefined),
    prepare: async (peer) => {
      const { status, text } = await get(agent, influxqlUrl(peer.url, `CREATE DATABASE ${BENCH_DB}`));
      if (status !== 200 || text.includes('"error"')) throw new Error(`CREATE DATABASE: ${status} ${text}`);
    },
    version: async (peer) => (await fetch(`${peer.url}/ping`)).headers.get("x-influxdb-version") ?? "unknown",
    writePath: `/write?db=${BENCH_DB}`,
    flush: () => Promise.resolve("none (no endpoint): cache snapshot after 1 s cold, full compaction after 5 s cold"),
    influxqlUrl: (peer, q) => influxqlUrl(peer.url, q),
    promqlUrl: () => undefined,
  },
  "victoria-metrics": {
    label: "VictoriaMetrics",
    binaries: ["victoria-metrics"],
    available: () => true,
    // The response cache is off: the other systems have none, and repeated runs would otherwise measure the cache.
    start: () => startVictoriaMetrics({ args: ["-search.disableCache"] }),
    memoryBudget: () => Promise.resolve(undefined),
    prepare: async () => {},
    version: async (peer) => {
      const metrics = await (await fetch(`${peer.url}/metrics`)).text();
      // Debian's build leaves vm_app_version empty; the package version says the same thing.
      return /vm_app_version\{version="([^"]+)"/.exec(metrics)?.[1] ?? debianVersion("victoria-metrics");
    },
    // Its InfluxDB endpoint; without `db` it adds no db label, so metrics are `cpu_usage_user{hostname=...}`.
    writePath: "/write",
    flush: async (peer) => {
      const { status, text } = await get(agent, `${peer.url}/internal/force_flush`);
      if (status !== 200) throw new Error(`force_flush: ${status} ${text}`);
      return "GET /internal/force_flush";
    },
    influxqlUrl: () => undefined,
    promqlUrl: (peer, req) => promqlUrl(peer.url, req),
  },
  strata: strata("always", "Strata (sync always)", true),
  "strata-never": strata("never", "Strata (sync never)", false),
};
