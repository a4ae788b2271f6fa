// Side-by-side server benchmark (`npm run bench:server`): InfluxDB 1.x, VictoriaMetrics and Strata, each started
// on loopback in turn, fed the same TSBS cpu data by the same HTTP sender, then asked the same six queries.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { findBinary, makeTempDir } from "../../test/peers/index.ts";
import { writeTsbsCpuFile } from "../tsbs-cpu.ts";
import { readBatches, sendBatches } from "./http-sender.ts";
import { RssSampler, settledDiskUsage } from "./process-watch.ts";
import { runQueries } from "./query-runner.ts";
import type { QueryFigures } from "./query-runner.ts";
import { renderReport } from "./report.ts";
import { SYSTEMS, type SystemKey } from "./systems.ts";
import { serverQueries } from "./server-queries.ts";

const BATCH_LINES = 5_000;
const CONCURRENCY = 2;
const MIB = 1024 * 1024;

/** Everything measured for one system. */
export interface SystemFigures {
  key: SystemKey;
  label: string;
  version: string;
  ingestSeconds: number;
  valuesPerSec: number;
  failedRequests: number;
  writeErrors: string[];
  flush: string;
  flushSeconds: number;
  /** Seconds waited after the flush until the data directory stopped changing. */
  settleSeconds: number;
  settled: boolean;
  /** du of the data directory: allocated blocks (st_blocks × 512), summed over its files. */
  diskBytes: number;
  /** Sum of file sizes (larger than diskBytes for sparse files). */
  diskApparentBytes: number;
  bytesPerValue: number;
  peakRssMiB: number;
  /** Peak VmRSS up to the end of ingest, and up to the end of the flush and settling (before queries). */
  ingestPeakRssMiB: number;
  flushPeakRssMiB: number;
  /** The server's memory budget (Strata's maxMemoryBytes), or null when it has none. */
  memoryBudgetMiB: number | null;
  /** peakRssMiB ÷ memoryBudgetMiB (issue #3 target: ≤ 1.25). */
  peakRssPerBudget: number | null;
  queries: QueryFigures[];
}

const { values: flags } = parseArgs({
  options: {
    hosts: { type: "string", default: "100" },
    hours: { type: "string", default: "24" },
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    warmups: { type: "string" },
    systems: { type: "string", default: "influxdb,victoria-metrics,strata,strata-never" },
    "max-memory": { type: "string", default: "512MiB" },
    out: { type: "string" },
  },
  strict: true,
});
const hosts = flags.quick ? 10 : positive(flags.hosts, "--hosts");
const hours = flags.quick ? 2 : positive(flags.hours, "--hours");
const runs = flags.runs !== undefined ? positive(flags.runs, "--runs") : flags.quick ? 5 : 30;
// Steady state, as TSBS measures it over thousands of queries: a JIT-compiled server (Strata on V8) needs on the
// order of a hundred runs of a query before its hot paths are optimised; the first run's time is reported too.
const warmups = flags.warmups !== undefined ? positive(flags.warmups, "--warmups") : flags.quick ? 1 : 100;
const date = new Date().toISOString();
const outFile = flags.out ?? path.join(import.meta.dirname, "..", "results", `server-${date.slice(0, 10)}.json`);
const wanted = flags.systems.split(",").map((s) => s.trim()) as SystemKey[];
for (const key of wanted) if (!(key in SYSTEMS)) throw new Error(`--systems: unknown system ${key}`);

const tmp = makeTempDir("bench-server");
try {
  const file = path.join(tmp, "cpu.lp");
  const data = await writeTsbsCpuFile(file, { hosts, hours, seed: 1 });
  const batches = await readBatches(file, BATCH_LINES);
  log(
    `generated ${data.rows} rows, ${data.values} values, ${(data.bytes / MIB).toFixed(1)} MiB, ${batches.bodies.length} batches`,
  );
  const specs = serverQueries(hosts, hours);
  const systems: SystemFigures[] = [];
  const skipped: string[] = [];
  for (const key of wanted) {
    const system = SYSTEMS[key];
    const missing = system.binaries.filter((b) => findBinary(b) === undefined);
    if (missing.length > 0 || !system.available()) {
      skipped.push(`${system.label}: ${missing.length > 0 ? `${missing.join(", ")} not installed` : "not available"}`);
      log(`skipping ${system.label}`);
      continue;
    }
    log(`${system.label}: starting`);
    const peer = await system.start({ strataMaxMemory: flags["max-memory"] });
    const rss = new RssSampler(peer.pid);
    try {
      await system.prepare(peer);
      const version = await system.version(peer);
      const sent = await sendBatches(peer.url + system.writePath, batches, CONCURRENCY);
      const ingestPeak = rss.peakBytes;
      log(`${system.label}: ingest ${sent.seconds.toFixed(1)} s, ${Math.round(data.values / sent.seconds)} values/s`);
      for (const e of sent.errors) log(`${system.label}: write error ${e}`);
      const flushStart = performance.now();
      const flushNote = await system.flush(peer);
      const flushSeconds = (performance.now() - flushStart) / 1000;
      const disk = await settledDiskUsage(peer.dataDir);
      log(`${system.label}: ${disk.usage.allocated} bytes on disk after ${disk.waitedSeconds.toFixed(0)} s settling`);
      const flushPeak = rss.peakBytes;
      const queries = await runQueries(peer, system, specs, { runs, warmups }, (m) => log(`${system.label}: ${m}`));
      const budget = await system.memoryBudget(peer);
      const peak = rss.stop();
      log(
        `${system.label}: peak RSS ${(peak / MIB).toFixed(0)} MiB (ingest ${(ingestPeak / MIB).toFixed(0)}, ` +
          `flush ${(flushPeak / MIB).toFixed(0)})` +
          (budget === undefined ? "" : `, budget ${(budget / MIB).toFixed(0)} MiB: ${(peak / budget).toFixed(2)}×`),
      );
      systems.push({
        key,
        label: system.label,
        version,
        ingestSeconds: round(sent.seconds),
        valuesPerSec: Math.round(data.values / sent.seconds),
        failedRequests: sent.failed,
        writeErrors: sent.errors,
        flush: flushNote,
        flushSeconds: round(flushSeconds),
        settleSeconds: round(disk.waitedSeconds),
        settled: disk.settled,
        // Allocated blocks (du), not file sizes: InfluxDB's series files are sparse 4 MiB mmaps.
        diskBytes: disk.usage.allocated,
        diskApparentBytes: disk.usage.apparent,
        bytesPerValue: round(disk.usage.allocated / data.values),
        peakRssMiB: round(peak / MIB),
        ingestPeakRssMiB: round(ingestPeak / MIB),
        flushPeakRssMiB: round(flushPeak / MIB),
        memoryBudgetMiB: budget === undefined ? null : round(budget / MIB),
        peakRssPerBudget: budget === undefined ? null : round(peak / budget),
        queries,
      });
    } finally {
      rss.stop();
      await peer.stop();
    }
  }
  const report = {
    date,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 / MIB),
    platform: `${os.platform()} ${os.release()}`,
    hosts,
    hours,
    rows: data.rows,
    values: data.values,
    batchLines: BATCH_LINES,
    concurrency: CONCURRENCY,
    runs,
    warmups,
    skipped,
    systems,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(renderReport(report, specs));
  log(`wrote ${outFile}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function positive(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${text}`);
  return n;
}

function log(message: string): void {
  process.stderr.write(`bench:server: ${message}\n`);
}
