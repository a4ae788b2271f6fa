// Benchmark of WAL appends: 50 KB payloads, sync always/never, 1/4/16 concurrent appenders.
// Run: node --import tsx src/storage/wal/wal.bench.ts [seconds-per-run]   (WAL_BENCH_DIR picks the disk)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Wal } from "./index.ts";
import type { SyncMode } from "./index.ts";
import { walIoStats } from "./wal.ts";

const PAYLOAD_BYTES = 50 * 1024;
const RUNS = 3;
const secondsPerRun = Number(process.argv[2] ?? "1.5");

interface Result {
  appendsPerSec: number;
  mbPerSec: number;
  appendsPerSync: number;
}

async function runOnce(base: string, sync: SyncMode, appenders: number): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(base, "strata-walbench-"));
  const { wal } = await Wal.open(dir, { sync }, () => undefined);
  const payload = new Uint8Array(PAYLOAD_BYTES);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131) & 0xff;
  const deadline = performance.now() + secondsPerRun * 1000;
  let appends = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await wal.append(1, payload);
      appends++;
    }
  };
  const started = performance.now();
  const workers: Promise<void>[] = [];
  for (let w = 0; w < appenders; w++) workers.push(worker());
  await Promise.all(workers);
  const elapsedSec = (performance.now() - started) / 1000;
  const { syncs } = walIoStats(wal);
  await wal.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const appendsPerSec = appends / elapsedSec;
  return {
    appendsPerSec,
    mbPerSec: (appendsPerSec * PAYLOAD_BYTES) / (1024 * 1024),
    appendsPerSync: syncs === 0 ? Infinity : appends / syncs,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const base = process.env.WAL_BENCH_DIR ?? os.tmpdir();
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"} x${os.cpus().length}, dir ${base}`);
  console.log(`payload ${PAYLOAD_BYTES} bytes, ${RUNS} runs of ${secondsPerRun}s each, median shown`);
  await runOnce(base, "never", 1); // warm-up
  console.log("sync    appenders  appends/s    MB/s   appends/fsync");
  for (const sync of ["always", "never"] as const) {
    for (const appenders of [1, 4, 16]) {
      const results: Result[] = [];
      for (let r = 0; r < RUNS; r++) results.push(await runOnce(base, sync, appenders));
      const aps = median(results.map((x) => x.appendsPerSec));
      const mbs = median(results.map((x) => x.mbPerSec));
      const per = median(results.map((x) => x.appendsPerSync));
      console.log(
        `${sync.padEnd(7)} ${String(appenders).padStart(9)} ${aps.toFixed(0).padStart(10)} ${mbs.toFixed(1).padStart(7)} ${per.toFixed(1).padStart(15)}`,
      );
    }
  }
}

await main();
