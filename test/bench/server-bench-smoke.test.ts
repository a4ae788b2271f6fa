// Runs the side-by-side server benchmark briefly (`--quick`) with whichever systems are installed (Strata alone
// when InfluxDB and VictoriaMetrics are missing), so it cannot rot: every write must be accepted, every query must
// find data, and systems asked the same query in the same language must return as many points. No timing gates.
import { after, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findBinary, makeTempDir, strataServerAvailable } from "../peers/index.ts";

const dir = makeTempDir("server-bench-smoke");
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const systems = [
  ...(findBinary("influxd") !== undefined ? ["influxdb"] : []),
  ...(findBinary("victoria-metrics") !== undefined ? ["victoria-metrics"] : []),
  ...(strataServerAvailable() ? ["strata"] : []),
];

interface SmokeResult {
  values: number;
  systems: Array<{
    key: string;
    failedRequests: number;
    writeErrors: string[];
    queries: Array<{ name: string; language: string; rows: number; error?: string }>;
  }>;
}

it(
  "the quick server benchmark accepts every write and every query finds the same data",
  {
    skip: systems.length === 0 ? "no system to benchmark is installed" : false,
  },
  () => {
    const out = path.join(dir, "result.json");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "bench/server/run.ts", "--quick", "--systems", systems.join(","), "--out", out],
      { encoding: "utf8", timeout: 240_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(fs.readFileSync(out, "utf8")) as SmokeResult;
    assert.equal(result.values, 10 * 2 * 360 * 10);
    assert.deepEqual(
      result.systems.map((s) => s.key),
      systems,
    );
    for (const s of result.systems) {
      assert.equal(s.failedRequests, 0, `${s.key}: ${s.writeErrors.join("; ")}`);
      for (const q of s.queries) {
        assert.equal(q.error, undefined, `${s.key} ${q.language} ${q.name}`);
        assert.ok(q.rows > 0, `${s.key} ${q.language} ${q.name} found no data`);
      }
    }
    // Same language, same question: the same number of points (InfluxQL rows, PromQL samples).
    const rows = new Map<string, Map<string, number>>();
    for (const s of result.systems) {
      for (const q of s.queries) {
        const key = `${q.language} ${q.name}`;
        if (!rows.has(key)) rows.set(key, new Map());
        rows.get(key)!.set(s.key, q.rows);
      }
    }
    for (const [key, bySystem] of rows) {
      assert.equal(new Set(bySystem.values()).size, 1, `${key}: ${JSON.stringify(Object.fromEntries(bySystem))}`);
    }
  },
);
