import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeWriteRequest } from "../../src/ingest/remote-write/remote-write.test-support.ts";
import { post, startServer } from "./server-fixture.ts";
import type { TestServer } from "./server-fixture.ts";

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

describe("Prometheus API routes", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ defaultDb: "prom" });
    // Line protocol into the default database: field `usage` of `cpu` reads as `cpu_usage` in PromQL.
    assert.equal(
      (await post(`${t.url}/write?db=prom&precision=s`, "cpu,host=a usage=1 100\ncpu,host=b usage=3 100\n")).status,
      204,
    );
    assert.equal((await post(`${t.url}/db/other/write?precision=s`, "cpu,host=z usage=9 100\n")).status, 204);
  });
  after(() => t.close());

  it("answers an instant query on the default database", async () => {
    const res = await getJson(`${t.url}/api/v1/query?query=sum(cpu_usage)&time=110`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      status: "success",
      data: { resultType: "vector", result: [{ metric: {}, value: [110, "4"] }] },
    });
  });

  it("answers a form-POSTed range query scoped by /db/<name>/", async () => {
    const res = await getJson(`${t.url}/db/other/api/v1/query_range`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "query=cpu_usage&start=100&end=120&step=10",
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.resultType, "matrix");
    assert.deepEqual(res.body.data.result[0].metric, { __name__: "cpu_usage", host: "z" });
    assert.equal(res.body.data.result[0].values.length, 3);
  });

  it("lists series, label names and label values", async () => {
    const series = await getJson(`${t.url}/api/v1/series?match[]=cpu_usage`);
    assert.equal(series.body.status, "success");
    assert.equal(series.body.data.length, 2);
    const labels = await getJson(`${t.url}/api/v1/labels`);
    assert.ok(labels.body.data.includes("host"));
    const values = await getJson(`${t.url}/api/v1/label/host/values`);
    assert.deepEqual(values.body.data, ["a", "b"]);
    const metadata = await getJson(`${t.url}/api/v1/metadata`);
    assert.equal(metadata.body.status, "success");
  });

  it("answers bad queries and parameters in Prometheus's error shape", async () => {
    const parse = await getJson(`${t.url}/api/v1/query?query=sum(`);
    assert.equal(parse.status, 400);
    assert.equal(parse.body.status, "error");
    assert.equal(parse.body.errorType, "bad_data");
    const missing = await getJson(`${t.url}/api/v1/query_range?query=up&start=1&end=2`);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errorType, "bad_data");
    const badTime = await getJson(`${t.url}/api/v1/query?query=up&time=yesterday`);
    assert.equal(badTime.status, 400);
  });

  it("stores Prometheus remote write into the default database and answers 204", async () => {
    const body = encodeWriteRequest({
      timeseries: [
        {
          labels: [
            { name: "__name__", value: "rw_metric" },
            { name: "job", value: "j" },
          ],
          samples: [{ value: 7, timestamp: 100_000 }],
        },
      ],
    });
    const res = await fetch(`${t.url}/api/v1/write`, {
      method: "POST",
      body,
      headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" },
    });
    assert.equal(res.status, 204);
    const q = await getJson(`${t.url}/api/v1/query?query=rw_metric&time=100`);
    assert.deepEqual(q.body.data.result, [{ metric: { __name__: "rw_metric", job: "j" }, value: [100, "7"] }]);
    const bad = await fetch(`${t.url}/api/v1/write`, { method: "POST", body: "not snappy" });
    assert.equal(bad.status, 400);
  });

  it("answers the native query with exact times as decimal strings", async () => {
    const res = await getJson(`${t.url}/db/prom/api/v1/native/query`, {
      method: "POST",
      body: JSON.stringify({ measurement: "cpu", where: [{ key: "host", op: "=", value: "a" }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.series[0].times, ["100000000000"]);
    assert.deepEqual(res.body.series[0].values, [[1]]);
    const bad = await getJson(`${t.url}/api/v1/native/query?db=prom`, { method: "POST", body: '{"measurement": 3}' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "SERVER_BAD_QUERY");
    assert.equal(bad.body.category, "invalid");
  });
});
