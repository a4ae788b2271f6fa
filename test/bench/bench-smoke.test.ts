// Runs the end-to-end benchmark briefly (`--quick`) so it cannot rot: it must finish, store every value and
// find data in every query. Never asserts on timings (STYLE.md §7).
import { after, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bench-smoke-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

it("the quick benchmark stores every value and every query finds data", () => {
  const out = path.join(dir, "result.json");
  const run = spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", "--quick", "--out", out], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(fs.readFileSync(out, "utf8")) as {
    values: number;
    ingest: Array<{ sync: string; pointsStored: number; badLines: number; bytesPerValue: number }>;
    queries: Array<{ name: string; rows: number; medianMs: number }>;
  };
  assert.equal(result.values, 10 * 2 * 360 * 10);
  assert.deepEqual(
    result.ingest.map((i) => [i.sync, i.pointsStored, i.badLines]),
    [
      ["always", result.values / 10, 0],
      ["never", result.values / 10, 0],
    ],
  );
  assert.equal(result.queries.length, 6);
  for (const q of result.queries) assert.ok(q.rows > 0, `query ${q.name} found no rows`);
});
