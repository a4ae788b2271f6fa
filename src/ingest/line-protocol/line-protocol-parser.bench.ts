// Benchmark: LineProtocolParser on TSBS "cpu-only" lines (10 integer fields, 10 tags, 100 hosts).
// Run: node --import tsx src/ingest/line-protocol/line-protocol-parser.bench.ts [lines] [rounds]
import os from "node:os";
import { WriteBatch } from "../../storage/index.ts";
import { LineProtocolParser } from "./line-protocol-parser.ts";

const LINES = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 15);
const HOSTS = 100;
const REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1"];
const FIELDS = [
  "usage_user",
  "usage_system",
  "usage_idle",
  "usage_nice",
  "usage_iowait",
  "usage_irq",
  "usage_softirq",
  "usage_steal",
  "usage_guest",
  "usage_guest_nice",
];

/** TSBS-shaped text: one line per host per 10 s tick, seeded so every run parses the same bytes. */
function makeLines(count: number, floats: boolean): Uint8Array {
  let seed = 42;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const parts: string[] = [];
  const startNs = 1451606400000000000n;
  for (let i = 0; i < count; i++) {
    const host = i % HOSTS;
    const region = REGIONS[host % REGIONS.length];
    const tags =
      `cpu,hostname=host_${host},region=${region},datacenter=${region}a,rack=${host % 97},os=Ubuntu16.04LTS,` +
      `arch=x64,team=NYC,service=${host % 19},service_version=1,service_environment=production`;
    let fields = "";
    for (let f = 0; f < FIELDS.length; f++) {
      const value = floats ? `${random(100)}.${random(1000)}` : `${random(100)}i`;
      fields += (f === 0 ? "" : ",") + FIELDS[f] + "=" + value;
    }
    const ts = startNs + BigInt(Math.floor(i / HOSTS)) * 10_000_000_000n;
    parts.push(`${tags} ${fields} ${ts}`);
  }
  return new TextEncoder().encode(parts.join("\n") + "\n");
}

function run(name: string, input: Uint8Array): void {
  const parser = new LineProtocolParser();
  const batch = new WriteBatch();
  const options = { precision: "ns" as const, defaultSec: 0, defaultNsec: 0 };
  const wall: number[] = [];
  const cpu: number[] = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    batch.reset();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const report = parser.parse(input, batch, options);
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    if (report.errors.length > 0 || report.points !== LINES)
      throw new Error(`bench input rejected: ${report.errors[0]?.message}`);
    sink += report.values + batch.valueNum[batch.valueCount - 1];
    wall.push(Number(t1 - t0) / 1e9);
    cpu.push((c1.user + c1.system) / 1e6);
  }
  // The first rounds warm up the JIT and the caches; report the median of the rest. CPU time is printed too
  // because wall time is meaningless on a loaded machine.
  const median = (times: number[]): number => times.slice(3).sort((a, b) => a - b)[Math.floor((times.length - 3) / 2)];
  const values = LINES * FIELDS.length;
  for (const [label, seconds] of [
    ["wall", median(wall)],
    ["cpu ", median(cpu)],
  ] as const) {
    console.log(
      `${name} ${label}: ${LINES} lines, ${(input.length / 1e6).toFixed(1)} MB, median ${(seconds * 1000).toFixed(1)} ms → ` +
        `${Math.round(LINES / seconds).toLocaleString("en")} lines/s, ${Math.round(values / seconds).toLocaleString("en")} ` +
        `values/s, ${((seconds / LINES) * 1e9).toFixed(0)} ns/line`,
    );
  }
  if (sink === 0.5) console.log("unreachable"); // keeps the results alive
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}`);
const heapBefore = process.memoryUsage().heapUsed;
run("tsbs cpu, integer fields", makeLines(LINES, false));
run("tsbs cpu, float fields  ", makeLines(LINES, true));
console.log(`heap growth: ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB`);
