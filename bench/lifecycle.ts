// Data-lifecycle benchmark (`npm run bench:lifecycle`, issue #4): bytes per value after out-of-order and
// overwrite-heavy ingest before and after compaction, merge speed, and the space freed by deleting half the series.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { Strata } from "../src/embedded/index.ts";
import { seededRandom, writeTsbsCpuFile } from "./tsbs-cpu.ts";

const DB = "lifecycle";
const BATCH_LINES = 5_000;
const MIB = 1024 * 1024;

const { values: flags } = parseArgs({
  options: {
    hosts: { type: "string", default: "100" },
    hours: { type: "string", default: "24" },
    quick: { type: "boolean", default: false },
    overwrite: { type: "string", default: "0.3" },
    out: { type: "string" },
  },
  strict: true,
});
const hosts = flags.quick ? 10 : Number(flags.hosts);
const hours = flags.quick ? 2 : Number(flags.hours);
const overwriteShare = Number(flags.overwrite);
const date = new Date().toISOString();
const outFile = flags.out ?? path.join(import.meta.dirname, "results", `lifecycle-${date.slice(0, 10)}.json`);

function log(message: string): void {
  process.stderr.write(`bench:lifecycle: ${message}\n`);
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bench-lifecycle-"));
try {
  const file = path.join(tmp, "cpu.lp");
  const data = await writeTsbsCpuFile(file, { hosts, hours, seed: 1 });
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "");
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH_LINES) batches.push(lines.slice(i, i + BATCH_LINES).join("\n"));
  // Out of order: the batches in a seeded random order; then a share of them again with other values (overwrites).
  const random = seededRandom(7);
  const order = batches.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const rewrites = order.slice(0, Math.round(order.length * overwriteShare));
  log(`${data.rows} rows, ${data.values} values; ${batches.length} batches shuffled, ${rewrites.length} rewritten`);

  const dir = path.join(tmp, "data");
  // A small head (many flushes, so many overlapping segments per partition); merges only when asked.
  const db = await Strata.open(dir, { sync: "never", headBudgetBytes: 32 * MIB, compaction: false });
  const ingestStart = performance.now();
  for (const i of order) await db.write(DB, batches[i]!);
  for (const i of rewrites)
    await db.write(
      DB,
      batches[i]!.replace(/=(\d+)i/g, (_, n: string) => `=${(Number(n) + 1) % 100}i`),
    );
  await db.engine.flush();
  const ingestSeconds = (performance.now() - ingestStart) / 1000;
  const segDir = path.join(dir, "data", DB, "segments");
  const before = { bytes: dirBytes(dir), segments: fs.readdirSync(segDir).length };
  const mergeStart = performance.now();
  await db.engine.compact(DB);
  const mergeSeconds = (performance.now() - mergeStart) / 1000;
  const [stats] = await db.engine.stats();
  const after = { bytes: dirBytes(dir), segments: fs.readdirSync(segDir).length };
  log(`compacted ${before.segments} segments into ${after.segments} in ${mergeSeconds.toFixed(2)} s`);

  // Delete half the series (every other host), then merge again.
  for (let h = 0; h < hosts; h += 2) {
    await db.engine.delete(DB, { measurement: "cpu", where: [{ key: "hostname", op: "=", value: `host_${h}` }] });
  }
  const deleteStart = performance.now();
  await db.engine.compact(DB);
  const purgeSeconds = (performance.now() - deleteStart) / 1000;
  const afterDelete = dirBytes(dir);
  await db.close();

  const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
  const report = {
    date,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    hosts,
    hours,
    values: data.values,
    overwrittenValues: rewrites.length * BATCH_LINES * 10,
    ingestSeconds: round(ingestSeconds),
    beforeCompaction: {
      segments: before.segments,
      bytes: before.bytes,
      bytesPerValue: round(before.bytes / data.values),
    },
    afterCompaction: { segments: after.segments, bytes: after.bytes, bytesPerValue: round(after.bytes / data.values) },
    mergeSeconds: round(mergeSeconds),
    mergedPointsPerSec: Math.round(stats!.compaction.inputPoints / mergeSeconds),
    afterDeletingHalf: { bytes: afterDelete, dropPercent: round((100 * (after.bytes - afterDelete)) / after.bytes, 1) },
    purgeSeconds: round(purgeSeconds),
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    [
      `## Lifecycle benchmark: TSBS cpu-only, ${hosts} hosts × ${hours} h (${data.values.toLocaleString("en-US")} values), ` +
        `batches shuffled, ${Math.round(overwriteShare * 100)}% rewritten with new values, 32 MiB head budget`,
      "",
      "| stage | segments | bytes on disk | bytes/value | time s |",
      "|---|--:|--:|--:|--:|",
      `| ingest (out of order + overwrites) | ${before.segments} | ${before.bytes.toLocaleString("en-US")} | ${report.beforeCompaction.bytesPerValue} | ${report.ingestSeconds} |`,
      `| after compact() | ${after.segments} | ${after.bytes.toLocaleString("en-US")} | ${report.afterCompaction.bytesPerValue} | ${report.mergeSeconds} |`,
      `| half the series deleted, compact() | ${after.segments} | ${afterDelete.toLocaleString("en-US")} | – | ${report.purgeSeconds} |`,
      "",
      `Merge: ${report.mergedPointsPerSec.toLocaleString("en-US")} points/s read; deleting half the series and ` +
        `compacting freed ${report.afterDeletingHalf.dropPercent}% of the disk (index and WAL included).`,
      "",
    ].join("\n"),
  );
  log(`wrote ${outFile}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
