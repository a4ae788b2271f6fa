// High-cardinality memory benchmark (`npm run bench:cardinality`, issue #4 "Memory"): a `strata serve` with a
// memory budget ingests N distinct series over HTTP (several points each), then answers a query touching many of
// them; reports peak RSS against the budget, ingest rate and the series count the server reports.
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startStrata } from "../test/peers/strata-server.ts";
import { sendBatches } from "./server/http-sender.ts";
import { RssSampler } from "./server/process-watch.ts";

const MIB = 1024 * 1024;
const { values: flags } = parseArgs({
  options: {
    series: { type: "string", default: "1000000" },
    points: { type: "string", default: "3" },
    "max-memory": { type: "string", default: "512MiB" },
    out: { type: "string" },
  },
  strict: true,
});
const seriesCount = Number(flags.series);
const pointsPerSeries = Number(flags.points);
const date = new Date().toISOString();
const outFile = flags.out ?? path.join(import.meta.dirname, "results", `cardinality-${date.slice(0, 10)}.json`);

function log(message: string): void {
  process.stderr.write(`bench:cardinality: ${message}\n`);
}

/** Batches of 5,000 lines: point p of every series, series spread over 1,000 hosts × 1,000 containers. */
function* bodies(): Generator<Buffer> {
  const lines: string[] = [];
  const baseSec = 1_700_000_000;
  for (let p = 0; p < pointsPerSeries; p++) {
    for (let s = 0; s < seriesCount; s++) {
      const host = s % 1000;
      const container = Math.floor(s / 1000);
      lines.push(
        `k8s,host=h${host},container=c${container},ns=n${container % 50} mem=${(s * 7 + p) % 1000}i ${baseSec + p * 10}`,
      );
      if (lines.length === 5000) {
        yield Buffer.from(lines.join("\n"));
        lines.length = 0;
      }
    }
  }
  if (lines.length > 0) yield Buffer.from(lines.join("\n"));
}

const peer = await startStrata({
  args: ["--sync", "never", "--max-memory", flags["max-memory"]],
  startTimeoutMs: 120_000,
});
const rss = new RssSampler(peer.pid, 50);
try {
  const budget = Number(
    /^strata_memory_budget_bytes (\d+)$/m.exec(await (await fetch(`${peer.url}/metrics`)).text())![1],
  );
  const started = performance.now();
  let requests = 0;
  let failed = 0;
  // Streams the bodies in chunks of 100 requests so the sender itself stays small.
  let chunk: Buffer[] = [];
  const flush = async (): Promise<void> => {
    const sent = await sendBatches(`${peer.url}/write?db=card`, { bodies: chunk, lines: 0, bytes: 0 }, 2);
    requests += sent.requests;
    failed += sent.failed;
    for (const e of sent.errors) log(`write error ${e}`);
    chunk = [];
  };
  for (const body of bodies()) {
    chunk.push(body);
    if (chunk.length === 100) await flush();
  }
  await flush();
  const ingestSeconds = (performance.now() - started) / 1000;
  const ingestPeak = rss.peakBytes;
  await fetch(`${peer.url}/internal/force_flush`, { method: "POST" });
  const queryStart = performance.now();
  const q = encodeURIComponent("SELECT count(mem) FROM k8s WHERE ns = 'n7' GROUP BY host");
  const answer = await new Promise<string>((resolve, reject) => {
    http.get(`${peer.url}/query?db=card&q=${q}`, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve(text));
      res.on("error", reject);
    });
  });
  const queryMs = performance.now() - queryStart;
  const metrics = await (await fetch(`${peer.url}/metrics`)).text();
  const stored = Number(/^strata_series\{db="card"\} (\d+)$/m.exec(metrics)?.[1] ?? NaN);
  const peak = rss.stop();
  const report = {
    date,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    series: seriesCount,
    pointsPerSeries,
    requests,
    failedRequests: failed,
    seriesStored: stored,
    ingestSeconds: Math.round(ingestSeconds * 100) / 100,
    pointsPerSec: Math.round((seriesCount * pointsPerSeries) / ingestSeconds),
    budgetMiB: Math.round(budget / MIB),
    ingestPeakRssMiB: Math.round(ingestPeak / MIB),
    peakRssMiB: Math.round(peak / MIB),
    peakRssPerBudget: Math.round((peak / budget) * 100) / 100,
    queryMs: Math.round(queryMs),
    queryAnswerBytes: answer.length,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    [
      `## Cardinality: ${seriesCount.toLocaleString("en-US")} series × ${pointsPerSeries} points over HTTP, ` +
        `--max-memory ${flags["max-memory"]}`,
      "",
      "| series stored | ingest s | points/s | peak RSS MiB (ingest) | peak RSS MiB | ÷ budget | query ms |",
      "|--:|--:|--:|--:|--:|--:|--:|",
      `| ${stored.toLocaleString("en-US")} | ${report.ingestSeconds} | ${report.pointsPerSec.toLocaleString("en-US")} | ` +
        `${report.ingestPeakRssMiB} | ${report.peakRssMiB} | ${report.peakRssPerBudget} | ${report.queryMs} |`,
      "",
    ].join("\n"),
  );
  log(`wrote ${outFile}`);
} finally {
  rss.stop();
  await peer.stop();
}
