// Quick start (`npm run demo`): writes a few thousand points to an embedded Strata, runs native queries and
// prints them. With --keep the data stays in ./strata-demo for `strata stats --data-dir ./strata-demo`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Strata } from "../src/embedded/index.ts";
import type { PointInput } from "../src/ingest/index.ts";
import type { QueryResult } from "../src/storage/index.ts";
import { formatRfc3339 } from "../src/base/index.ts";

const keep = process.argv.includes("--keep");
const dir = keep ? path.resolve("strata-demo") : fs.mkdtempSync(path.join(os.tmpdir(), "strata-demo-"));
const START_MS = Date.UTC(2024, 0, 1); // fixed, so every run prints the same results
const HOSTS = ["web-1", "web-2", "db-1"];
const REGIONS: Record<string, string> = { "web-1": "eu-west", "web-2": "us-east", "db-1": "eu-west" };
const CPU_BASE = [20, 45, 60]; // per host, so the regions' means differ

const strata = await Strata.open(dir, { sync: "never" });
try {
  // 1. Line protocol: one CPU reading per host every 10 s for an hour (3 × 360 = 1,080 points).
  const lines: string[] = [];
  for (let i = 0; i < 360; i++) {
    for (const [h, host] of HOSTS.entries()) {
      const usage = CPU_BASE[h]! + 10 * Math.sin(i / 20) + ((i * 7 + h * 13) % 5);
      lines.push(
        `cpu,host=${host},region=${REGIONS[host]} usage=${usage.toFixed(2)},cores=${4 * (h + 1)}i ${(START_MS + i * 10_000) * 1e6}`,
      );
    }
  }
  const written = await strata.write("demo", lines.join("\n"), { precision: "ns" });
  console.log(`wrote ${written.points} cpu points as line protocol`);

  // 2. Typed points: memory readings per host every 5 s (3 × 720 = 2,160 points).
  const points: PointInput[] = [];
  for (let i = 0; i < 720; i++) {
    for (const [h, host] of HOSTS.entries()) {
      points.push({
        measurement: "mem",
        tags: { host, region: REGIONS[host]! },
        fields: { used_percent: 40 + h * 10 + ((i * 3 + h) % 7), swapping: i % 97 === 0 },
        time: new Date(START_MS + i * 5_000),
      });
    }
  }
  console.log(`wrote ${(await strata.write("demo", points)).points} mem points as typed objects\n`);

  const hourEnd = new Date(START_MS + 3_600_000);
  // 3. Raw rows: the first five readings of one host.
  show(
    "raw: first 5 cpu rows of web-1",
    await strata.query("demo", {
      measurement: "cpu",
      where: [{ key: "host", op: "=", value: "web-1" }],
      limit: 5,
    }),
  );
  // 4. Mean per 10 minutes, grouped by region.
  show(
    "mean(usage) per 10 minutes, grouped by region",
    await strata.query("demo", {
      measurement: "cpu",
      fields: ["usage"],
      aggregate: "mean",
      start: new Date(START_MS),
      end: hourEnd,
      groupBy: { time: "10m", tags: ["region"] },
    }),
  );
  // 5. The last point of every host. One selector keeps the point's own time; with several (or no `fields`) the
  // time is the start of the range, as in InfluxDB.
  show(
    "last used_percent per host",
    await strata.query("demo", {
      measurement: "mem",
      fields: ["used_percent"],
      aggregate: "last",
      groupBy: { tags: ["host"] },
    }),
  );
  for (const s of await strata.stats()) {
    console.log(`database ${s.name}: ${s.series} series, ${s.points} values, ${s.diskBytes} bytes on disk`);
  }
} finally {
  await strata.close();
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}
if (keep) console.log(`data kept in ${dir}: try \`strata stats --data-dir ${dir}\``);

// Prints each result series as a small table.
function show(title: string, result: QueryResult): void {
  console.log(`== ${title}`);
  for (const s of result.series) {
    const tags = Object.entries(s.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    console.log(`-- ${s.name}${tags === "" ? "" : ` {${tags}}`}`);
    const rows = s.times.map((t, r) => [
      formatRfc3339(t),
      ...s.values.map((column) => {
        const v = column[r];
        return typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : String(v);
      }),
    ]);
    const widths = s.columns.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [s.columns, ...rows])
      console.log(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
  }
  console.log("");
}
