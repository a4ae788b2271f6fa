// Benchmark of PromQL instant and range queries over 1,000 counter series × 1,440 points (15 s interval, 6 h)
// and a 1,000-series histogram, stored in segments (or the head with --head). Prints a table of median ms and
// writes JSON to bench/results/promql-<date>.json.
// Run: node --import tsx src/query/promql/promql.bench.ts [--runs 10] [--head] [--out file]
import * as fs from "node:fs";
import { Session } from "node:inspector/promises";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../../storage/index.ts";
import { promInstantQuery, promRangeQuery } from "./index.ts";

const DB = "bench";
const HOSTS = 50;
const CPUS = 20;
const HIST_HOSTS = 125;
const BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"];
const POINTS = 1_440;
const INTERVAL_S = 15;
const START_S = 1_767_225_600; // 2026-01-01T00:00:00Z: the whole range lies in one day partition
const END_MS = (START_S + (POINTS - 1) * INTERVAL_S) * 1000;
const STEP_MS = 60_000;
const WARMUPS = 2;

const QUERIES = [
  "m",
  "rate(m[5m])",
  "sum(rate(m[5m]))",
  "sum by (host) (rate(m[5m]))",
  "topk(5, m)",
  "avg_over_time(m[10m])",
  "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))",
];

interface Row {
  query: string;
  kind: "instant" | "range";
  series: number;
  points: number;
  steps: number;
  resultSeries: number;
  medianMs: number;
  minMs: number;
}

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    head: { type: "boolean", default: false },
    /** Run only this query (exact text), e.g. for `node --cpu-prof`. */
    query: { type: "string" },
    /** Run only "instant" or "range" queries. */
    kind: { type: "string" },
    /** Write a CPU profile of the measured queries (not the seeding) to this file. */
    profile: { type: "string" },
    out: { type: "string" },
  },
  strict: true,
});
const runs = Number(flags.runs);

/** Deterministic xorshift random numbers in [0, 1). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

async function seed(engine: StorageEngine): Promise<void> {
  const rand = random(42);
  const counters = new Float64Array(HOSTS * CPUS);
  const hist = new Float64Array(HIST_HOSTS * BUCKETS.length);
  const mKeys: string[] = [];
  for (let h = 0; h < HOSTS; h++)
    for (let c = 0; c < CPUS; c++)
      mKeys.push(
        formatSeriesKey("m", [
          ["cpu", String(c)],
          ["host", `host${String(h).padStart(2, "0")}`],
        ]),
      );
  const hKeys: string[] = [];
  for (let h = 0; h < HIST_HOSTS; h++)
    for (const le of BUCKETS)
      hKeys.push(
        formatSeriesKey("h", [
          ["host", `host${String(h).padStart(3, "0")}`],
          ["le", le],
        ]),
      );
  const batch = new WriteBatch();
  for (let p = 0; p < POINTS; p++) {
    const sec = START_S + p * INTERVAL_S;
    for (let s = 0; s < mKeys.length; s++) {
      counters[s] = rand() < 0.001 ? 0 : counters[s]! + Math.floor(rand() * 100);
      batch.addPoint(mKeys[s]!, "m", sec, 0);
      batch.addNumber("value", FieldType.Float, counters[s]!);
    }
    for (let h = 0; h < HIST_HOSTS; h++) {
      let cumulative = 0;
      for (let b = 0; b < BUCKETS.length; b++) {
        const i = h * BUCKETS.length + b;
        cumulative += Math.floor(rand() * 10);
        hist[i] = hist[i]! + cumulative;
        batch.addPoint(hKeys[i]!, "h", sec, 0);
        batch.addNumber("bucket", FieldType.Float, hist[i]!);
      }
    }
    if (batch.pointCount >= 50_000) {
      await engine.write(DB, batch);
      batch.reset();
    }
  }
  if (batch.pointCount > 0) await engine.write(DB, batch);
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function measure(run: () => Promise<number>): Promise<{ medianMs: number; minMs: number; result: number }> {
  let result = 0;
  for (let i = 0; i < WARMUPS; i++) result = await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await run();
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), minMs: Math.min(...times), result };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  const engine = await StorageEngine.open(dir, { sync: "never" });
  try {
    const t0 = performance.now();
    await seed(engine);
    if (!flags.head) await engine.flush();
    const where = flags.head ? "head" : "segments";
    console.log(
      `node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}; data in ${where}, ` +
        `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s; median of ${runs} runs`,
    );
    const session = flags.profile === undefined ? null : new Session();
    if (session !== null) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const rows: Row[] = [];
    const startMs = START_S * 1000;
    const steps = Math.floor((END_MS - startMs) / STEP_MS) + 1;
    for (const query of QUERIES) {
      if (flags.query !== undefined && flags.query !== query) continue;
      if (flags.kind !== "range") {
        const instant = await measure(async () => {
          const data = await promInstantQuery(engine, DB, query, END_MS);
          return data.resultType === "vector" || data.resultType === "matrix" ? data.result.length : 1;
        });
        rows.push({
          query,
          kind: "instant",
          series: 1000,
          points: POINTS,
          steps: 1,
          resultSeries: instant.result,
          ...instant,
        });
      }
      if (flags.kind === "instant") continue;
      const range = await measure(async () => {
        const data = await promRangeQuery(engine, DB, query, startMs, END_MS, STEP_MS);
        return data.resultType === "matrix" ? data.result.length : 1;
      });
      rows.push({ query, kind: "range", series: 1000, points: POINTS, steps, resultSeries: range.result, ...range });
    }
    if (session !== null) {
      const { profile } = await session.post("Profiler.stop");
      fs.writeFileSync(flags.profile!, JSON.stringify(profile));
      session.disconnect();
    }
    console.log(
      `${"query".padEnd(60)} ${"kind".padEnd(8)} ${"series".padStart(6)} ${"points".padStart(7)} ` +
        `${"steps".padStart(5)} ${"out".padStart(5)} ${"median ms".padStart(10)} ${"min ms".padStart(8)}`,
    );
    for (const r of rows)
      console.log(
        `${r.query.padEnd(60)} ${r.kind.padEnd(8)} ${String(r.series).padStart(6)} ${String(r.points).padStart(7)} ` +
          `${String(r.steps).padStart(5)} ${String(r.resultSeries).padStart(5)} ${r.medianMs.toFixed(1).padStart(10)} ` +
          `${r.minMs.toFixed(1).padStart(8)}`,
      );
    const out = flags.out ?? path.join("bench", "results", `promql-${new Date().toISOString().slice(0, 10)}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const report = { date: new Date().toISOString(), node: process.version, where, runs, rows };
    fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
    console.log(`wrote ${out}`);
  } finally {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
