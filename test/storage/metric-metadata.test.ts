// Prometheus metric metadata in the series index: last write wins per metric, durable across reopen.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StorageEngine } from "../../src/storage/index.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  dirs.push(dir);
  return dir;
}

describe("metric metadata", () => {
  it("stores entries sorted by metric, last entry per metric wins, and survives reopen", async () => {
    const dir = tempDir();
    let engine = await StorageEngine.open(dir, { sync: "always" });
    await engine.putMetricMetadata("prom", [
      { metric: "up", type: "gauge", help: "target up", unit: "" },
      { metric: "http_requests_total", type: "counter", help: "requests", unit: "" },
    ]);
    await engine.putMetricMetadata("prom", [{ metric: "up", type: "gauge", help: "1 when up", unit: "" }]);
    const want = [
      { metric: "http_requests_total", type: "counter", help: "requests", unit: "" },
      { metric: "up", type: "gauge", help: "1 when up", unit: "" },
    ];
    assert.deepEqual(await engine.metricMetadata("prom"), want);
    await engine.close();
    engine = await StorageEngine.open(dir, { sync: "always" });
    try {
      assert.deepEqual(await engine.metricMetadata("prom"), want);
    } finally {
      await engine.close();
    }
  });

  it("skips entries with an empty or over-long metric name", async () => {
    const engine = await StorageEngine.open(tempDir(), { sync: "never" });
    try {
      await engine.putMetricMetadata("prom", [
        { metric: "", type: "gauge", help: "", unit: "" },
        { metric: "x".repeat(401), type: "gauge", help: "", unit: "" },
        { metric: "ok", type: "unknown", help: "", unit: "seconds" },
      ]);
      assert.deepEqual(await engine.metricMetadata("prom"), [
        { metric: "ok", type: "unknown", help: "", unit: "seconds" },
      ]);
    } finally {
      await engine.close();
    }
  });

  it("throws NotFoundError for metadata of an unknown database", async () => {
    const engine = await StorageEngine.open(tempDir(), { sync: "never" });
    try {
      await assert.rejects(engine.metricMetadata("nope"), { code: "STORAGE_DB_NOT_FOUND" });
    } finally {
      await engine.close();
    }
  });

  it("returns copies the caller may change", async () => {
    const engine = await StorageEngine.open(tempDir(), { sync: "never" });
    try {
      const entry = { metric: "a", type: "gauge", help: "h", unit: "" };
      await engine.putMetricMetadata("prom", [entry]);
      entry.help = "changed";
      const got = await engine.metricMetadata("prom");
      got[0]!.help = "changed too";
      assert.equal((await engine.metricMetadata("prom"))[0]!.help, "h");
    } finally {
      await engine.close();
    }
  });
});
