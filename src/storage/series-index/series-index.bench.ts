// Benchmark of the series index on TSBS-style keys (cpu, 10 tags): create rate, lookup rate, reopen time, select()
// latency and heap per series. Run: node --expose-gc --import tsx src/storage/series-index/series-index.bench.ts [n]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatSeriesKey } from "../model/index.ts";
import type { Tag } from "../model/index.ts";
import { SeriesIndex } from "./index.ts";
import type { TagMatcher } from "./index.ts";

const REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];

/** The TSBS cpu-only tag set of host `i`. */
function tsbsKey(i: number): string {
  const region = REGIONS[i % REGIONS.length]!;
  const tags: Tag[] = [
    ["hostname", `host_${i}`],
    ["region", region],
    ["datacenter", `${region}${"abc"[i % 3]}`],
    ["rack", String(i % 100)],
    ["os", ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"][i % 3]!],
    ["arch", ["x64", "x86"][i % 2]!],
    ["team", ["SF", "NYC", "LON", "CHI"][i % 4]!],
    ["service", String(i % 20)],
    ["service_version", String(i % 2)],
    ["service_environment", ["production", "staging", "test"][i % 3]!],
  ];
  return formatSeriesKey("cpu", tags);
}

function heapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

let sink = 0;

/** Creates `n` series; returns [in-memory ms, until-flushed ms, heap bytes per series, lookup ns per call]. */
async function benchCreate(dir: string, n: number): Promise<number[]> {
  const keys: string[] = new Array<string>(n);
  // Flatten the keys as a parser would hand them over, so the timing excludes rope flattening.
  for (let i = 0; i < n; i++) keys[i] = Buffer.from(tsbsKey(i)).toString();
  const heap0 = heapBytes();
  const index = await SeriesIndex.open(dir, { maxSeries: 0 });
  const t = performance.now();
  for (let i = 0; i < n; i++) sink += index.getOrCreateSeries(keys[i]!);
  const createMs = performance.now() - t;
  await index.flushed();
  const durableMs = performance.now() - t;
  const heapCreated = heapBytes();
  const t2 = performance.now();
  for (let round = 0; round < 5; round++) for (let i = 0; i < n; i++) sink += index.getOrCreateSeries(keys[i]!);
  const lookupNs = ((performance.now() - t2) * 1e6) / (5 * n);
  await index.close();
  return [createMs, durableMs, (heapCreated - heap0) / n, lookupNs];
}

async function benchCreateReopen(dir: string, n: number): Promise<void> {
  const [createMs, durableMs, heapPerSeries, lookupNs] = await benchCreate(dir, n);
  const heapClosed = heapBytes();
  const t = performance.now();
  const index = await SeriesIndex.open(dir, { maxSeries: 0 });
  const reopenMs = performance.now() - t;
  const heapReopened = heapBytes();
  await index.close();
  const dbBytes = fs.statSync(path.join(dir, "data.mdb")).size;
  const rate = (ms: number): string => ((n / ms) * 1000).toFixed(0);
  console.log(`series: ${n}`);
  console.log(
    `create: ${createMs.toFixed(0)} ms in memory (${rate(createMs)} series/s), ` +
      `${durableMs.toFixed(0)} ms until flushed (${rate(durableMs)} series/s)`,
  );
  console.log(`getOrCreateSeries on existing keys: ${lookupNs.toFixed(0)} ns/call`);
  console.log(`reopen (rebuild postings): ${reopenMs.toFixed(0)} ms`);
  console.log(
    `heap per series after create: ${heapPerSeries.toFixed(0)} B (excl. key strings, which the caller allocated)`,
  );
  console.log(`heap per series after reopen: ${((heapReopened - heapClosed) / n).toFixed(0)} B (incl. key strings)`);
  console.log(`data.mdb: ${(dbBytes / n).toFixed(0)} B/series`);
}

async function benchSelect(dir: string, n: number): Promise<void> {
  const index = await SeriesIndex.open(dir, { maxSeries: 0 });
  for (let i = 0; i < n; i++) index.getOrCreateSeries(tsbsKey(i));
  const queries: Array<[string, TagMatcher[]]> = [
    ['hostname="host_1"', [{ key: "hostname", op: "=", value: "host_1" }]],
    ['region=~"eu-.*"', [{ key: "region", op: "=~", value: "eu-.*" }]],
    ['hostname!="host_1"', [{ key: "hostname", op: "!=", value: "host_1" }]],
    ['hostname=~"host_1.*"', [{ key: "hostname", op: "=~", value: "host_1.*" }]],
    [
      'region="eu-west-1",service_environment!="test"',
      [
        { key: "region", op: "=", value: "eu-west-1" },
        { key: "service_environment", op: "!=", value: "test" },
      ],
    ],
  ];
  console.log(`select on ${n} series (median of 21 runs):`);
  for (const [name, matchers] of queries) {
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < 21; r++) {
      const t = performance.now();
      count = index.select("cpu", matchers, true).length;
      times.push(performance.now() - t);
    }
    sink += count;
    console.log(`  ${name}: ${(median(times) * 1000).toFixed(1)} µs → ${count} series`);
  }
  await index.close();
}

const n = Number(process.argv[2] ?? 1_000_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
try {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}`);
  await benchCreateReopen(path.join(root, "big"), n);
  await benchSelect(path.join(root, "select"), 100_000);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
if (sink === -1) console.log("unreachable");
