// End-to-end benchmark (`npm run bench`): TSBS cpu-only data imported into an embedded data directory with
// sync "always" and "never", bytes on disk per value, peak RSS, and the latency of a TSBS-like query mix.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { importFiles } from "../src/cli/import-files.ts";
import { Strata } from "../src/embedded/index.ts";
import type { SyncMode } from "../src/storage/index.ts";
import { cpuQueries } from "./cpu-queries.ts";
import { seededRandom, writeTsbsCpuFile } from "./tsbs-cpu.ts";
import type { TsbsCpuFile } from "./tsbs-cpu.ts";

const DB = "benchmark";
const BATCH_LINES = 5_000;
const CONCURRENCY = 4;
const WARMUPS = 3;
const MIB = 1024 * 1024;
const RSS_SAMPLE_MS = 20;

interface IngestFigures {
  sync: SyncMode;
  seconds: number;
  valuesPerSec: number;
  pointsStored: number;
  badLines: number;
  /** flush() + close() after the import. */
  flushCloseSeconds: number;
  /** Highest RSS sampled every 20 ms during the import and flush. */
  peakRssMiB: number;
  diskBytes: number;
  segmentBytes: number;
  bytesPerValue: number;
  segmentBytesPerValue: number;
}

interface QueryFigures {
  name: string;
  description: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  /** Result rows per measured run, on average (a check that the queries find data). */
  rows: number;
}

const { values: flags } = parseArgs({
  options: {
    hosts: { type: "string", default: "100" },
    hours: { type: "string", default: "24" },
    quick: { type: "boolean", default: false },
    runs: { type: "string", default: "20" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
  },
  strict: true,
});
const hosts = flags.quick ? 10 : positive(flags.hosts, "--hosts");
const hours = flags.quick ? 2 : positive(flags.hours, "--hours");
const runs = Math.max(20, positive(flags.runs, "--runs"));
const outFile = flags.out ?? path.join(import.meta.dirname, "results", "latest.json");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bench-"));
try {
  const file = path.join(tmp, "cpu.lp");
  const genStart = performance.now();
  const data = await writeTsbsCpuFile(file, { hosts, hours, seed: 1 });
  const genSeconds = (performance.now() - genStart) / 1000;
  log(
    `generated ${data.rows} rows (${data.values} values, ${(data.bytes / MIB).toFixed(1)} MiB) in ${genSeconds.toFixed(1)} s`,
  );
  const ingest: IngestFigures[] = [];
  for (const sync of ["always", "never"] as const) {
    ingest.push(await measureIngest(path.join(tmp, `data-${sync}`), file, data, sync));
    log(`ingest sync=${sync}: ${ingest.at(-1)!.valuesPerSec.toFixed(0)} values/s`);
  }
  const queries = await measureQueries(path.join(tmp, "data-never"));
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    platform: `${os.platform()} ${os.release()}`,
    hosts,
    hours,
    rows: data.rows,
    values: data.values,
    fileBytes: data.bytes,
    generateSeconds: round(genSeconds),
    batchLines: BATCH_LINES,
    concurrency: CONCURRENCY,
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024),
    ingest,
    queries,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown(report, ingest, queries));
  log(`wrote ${outFile}`);
} finally {
  if (flags.keep) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}

async function measureIngest(dir: string, file: string, data: TsbsCpuFile, sync: SyncMode): Promise<IngestFigures> {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  try {
    const strata = await Strata.open(dir, { sync });
    const start = performance.now();
    const summary = await importFiles(strata, [file], { db: DB, batchLines: BATCH_LINES, concurrency: CONCURRENCY });
    const seconds = (performance.now() - start) / 1000;
    const flushStart = performance.now();
    await strata.flush();
    await strata.close();
    const flushCloseSeconds = (performance.now() - flushStart) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const disk = await diskUsage(dir);
    return {
      sync,
      seconds: round(seconds),
      valuesPerSec: Math.round(data.values / seconds),
      pointsStored: summary.points,
      badLines: summary.badLines,
      flushCloseSeconds: round(flushCloseSeconds),
      peakRssMiB: round(peakRss / MIB),
      diskBytes: disk.total,
      segmentBytes: disk.segments,
      bytesPerValue: round(disk.total / data.values),
      segmentBytesPerValue: round(disk.segments / data.values),
    };
  } finally {
    clearInterval(sampler);
  }
}

async function measureQueries(dir: string): Promise<QueryFigures[]> {
  const strata = await Strata.open(dir);
  const out: QueryFigures[] = [];
  try {
    for (const [q, query] of cpuQueries(hosts, hours).entries()) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < WARMUPS + runs; i++) {
        const built = query.build(seededRandom(1000 * (q + 1) + i));
        const start = performance.now();
        const result = await strata.query(DB, built);
        const ms = performance.now() - start;
        if (i < WARMUPS) continue;
        times.push(ms);
        for (const s of result.series) rows += s.times.length;
      }
      times.sort((a, b) => a - b);
      out.push({
        name: query.name,
        description: query.description,
        runs,
        medianMs: round(quantile(times, 0.5)),
        p95Ms: round(quantile(times, 0.95)),
        rows: round(rows / runs),
      });
      log(`query ${query.name}: median ${out.at(-1)!.medianMs} ms`);
    }
  } finally {
    await strata.close();
  }
  return out;
}

// Bytes of every file under dir, and of segment files (*.seg) alone.
async function diskUsage(dir: string): Promise<{ total: number; segments: number }> {
  let total = 0;
  let segments = 0;
  for (const entry of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const size = (await fsp.stat(path.join(entry.parentPath, entry.name))).size;
    total += size;
    if (entry.name.endsWith(".seg")) segments += size;
  }
  return { total, segments };
}

function markdown(
  report: { hosts: number; hours: number; rows: number; values: number; node: string; cpu: string; peakRssMiB: number },
  ingest: IngestFigures[],
  queries: QueryFigures[],
): string {
  const lines = [
    `## Strata benchmark: TSBS cpu-only, ${report.hosts} hosts × ${report.hours} h (${report.rows} rows, ${report.values} values)`,
    "",
    `Node ${report.node}, ${report.cpu}; batches of ${BATCH_LINES} lines, ${CONCURRENCY} writes in flight.`,
    "",
    "| sync | ingest s | values/s | flush+close s | peak RSS MiB | disk bytes | bytes/value | segment bytes/value |",
    "|---|--:|--:|--:|--:|--:|--:|--:|",
    ...ingest.map(
      (i) =>
        `| ${i.sync} | ${i.seconds} | ${i.valuesPerSec.toLocaleString("en-US")} | ${i.flushCloseSeconds} | ${i.peakRssMiB} | ` +
        `${i.diskBytes.toLocaleString("en-US")} | ${i.bytesPerValue} | ${i.segmentBytesPerValue} |`,
    ),
    "",
    `Process peak RSS (maxRSS): ${report.peakRssMiB} MiB.`,
    "",
    `| query | description | median ms | p95 ms | rows/run |`,
    "|---|---|--:|--:|--:|",
    ...queries.map((q) => `| ${q.name} | ${q.description} | ${q.medianMs} | ${q.p95Ms} | ${q.rows} |`),
    "",
  ];
  return lines.join("\n");
}

// Nearest-rank quantile of ascending `sorted`.
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
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
  process.stderr.write(`bench: ${message}\n`);
}
