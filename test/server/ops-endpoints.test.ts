import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { post, startServer } from "./server-fixture.ts";
import type { TestServer } from "./server-fixture.ts";

/** Parses Prometheus text format into name{labels} → value, checking every line's syntax. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const m = sample.exec(line);
    assert.ok(m !== null, `bad metrics line: ${line}`);
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value) || m[3] === "NaN", `bad value: ${line}`);
    out.set(m[1]! + (m[2] ?? ""), value);
  }
  return out;
}

describe("ops endpoints", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.close());

  it("answers GET and HEAD /ping with 204 and the InfluxDB version headers", async () => {
    for (const method of ["GET", "HEAD"]) {
      const res = await fetch(`${t.url}/ping`, { method });
      assert.equal(res.status, 204);
      assert.match(res.headers.get("x-influxdb-version") ?? "", /^1\.\d+\.\d+$/);
      assert.equal(res.headers.get("x-influxdb-build"), "OSS");
      assert.match(res.headers.get("x-strata-version") ?? "", /^\d+\.\d+\.\d+/);
    }
  });

  it("serves /ping and /health under /db/<name>/ too", async () => {
    assert.equal((await fetch(`${t.url}/db/anything/ping`)).status, 204);
    const health = await fetch(`${t.url}/db/anything/health`);
    assert.equal(health.status, 200);
  });

  it("answers /health 200 with a pass status once ready", async () => {
    const res = await fetch(`${t.url}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string };
    assert.equal(body.status, "pass");
  });

  it("exports metrics in Prometheus text format, counting writes", async () => {
    assert.equal((await post(`${t.url}/write?db=m`, "cpu a=1,b=2 1\ncpu a=3 2\n")).status, 204);
    const res = await fetch(`${t.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const metrics = parseMetrics(await res.text());
    assert.equal(metrics.get('strata_ingest_values_total{protocol="influx_v1"}'), 3);
    assert.equal(metrics.get('strata_ingest_points_total{protocol="influx_v1"}'), 2);
    assert.equal(metrics.get('strata_write_requests_total{protocol="influx_v1",code="204"}'), 1);
    assert.equal(metrics.get('strata_write_duration_seconds_count{protocol="influx_v1"}'), 1);
    assert.equal(metrics.get('strata_write_duration_seconds_bucket{protocol="influx_v1",le="+Inf"}'), 1);
    assert.equal(metrics.get('strata_series{db="m"}'), 1);
    assert.ok((metrics.get("process_resident_memory_bytes") ?? 0) > 0);
    assert.ok((metrics.get("strata_http_open_connections") ?? 0) >= 1);
  });

  it("flushes the head to segments on POST /internal/force_flush", async () => {
    assert.equal((await post(`${t.url}/write?db=f`, "cpu v=1 1")).status, 204);
    const before = (await t.server.store.stats()).find((s) => s.name === "f")!;
    assert.equal(before.segments, 0);
    const res = await fetch(`${t.url}/internal/force_flush`, { method: "POST" });
    assert.equal(res.status, 204);
    const afterFlush = (await t.server.store.stats()).find((s) => s.name === "f")!;
    assert.ok(afterFlush.segments >= 1);
    assert.equal(afterFlush.headBytes, 0);
  });

  it("compacts on POST /internal/force_merge, for one database or all, and 404s an unknown one", async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(`${t.url}/write?db=fm`, `cpu,host=a v=${i} ${i}\ncpu,host=b v=${i} ${i}`)).status, 204);
      assert.equal((await fetch(`${t.url}/internal/force_flush`, { method: "POST" })).status, 204);
    }
    await t.server.store.delete("fm", { measurement: "cpu", where: [{ key: "host", op: "=", value: "b" }] });
    // (Background compaction may already have merged the flushes; the delete is applied only by a merge.)
    assert.equal((await fetch(`${t.url}/db/fm/internal/force_merge`, { method: "POST" })).status, 204);
    const after = (await t.server.store.stats()).find((s) => s.name === "fm")!;
    assert.equal(after.segments, 1);
    assert.equal(after.points, 3); // host b's points are gone from disk, not just hidden
    assert.equal((await fetch(`${t.url}/internal/force_merge`, { method: "POST" })).status, 204);
    const missing = await fetch(`${t.url}/internal/force_merge?db=nope`, { method: "POST" });
    assert.equal(missing.status, 404);
  });

  it("answers Prometheus buildinfo in Prometheus's shape", async () => {
    const res = await fetch(`${t.url}/api/v1/status/buildinfo`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; data: Record<string, string> };
    assert.equal(body.status, "success");
    assert.match(body.data.version!, /^\d+\.\d+\.\d+$/);
    for (const key of ["revision", "branch", "buildUser", "buildDate", "goVersion"])
      assert.equal(typeof body.data[key], "string");
  });
});
