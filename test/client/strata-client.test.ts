// StrataClient queries against a fake fetch: request shapes, typed results, error typing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StrataError } from "../../src/client/index.ts";
import {
  StrataAuthError,
  StrataClient,
  StrataLimitError,
  StrataQueryError,
  isStrataError,
} from "../../src/client/index.ts";
import { fakeFetch } from "./fake-fetch.ts";
import type { FakeAnswer, RecordedRequest } from "./fake-fetch.ts";

function setup(handler: (r: RecordedRequest) => FakeAnswer, db?: string) {
  const { fetch, requests } = fakeFetch(handler);
  return { client: new StrataClient({ url: "http://h:8086/base", db, fetch }), requests };
}
const json = (body: unknown, status = 200): FakeAnswer => ({ status, body: JSON.stringify(body) });
const success = (data: unknown) => json({ status: "success", data });

describe("StrataClient.influxql", () => {
  it("posts q and params as a form with db and epoch in the URL", async () => {
    const { client, requests } = setup(() => json({ results: [{ statement_id: 0 }] }), "iot");
    await client.influxql("SELECT * FROM m WHERE host = $h", { epoch: "ns", params: { h: "a&b" } });
    const r = requests[0]!;
    assert.equal(r.method, "POST");
    assert.equal(r.url, "http://h:8086/base/query?db=iot&epoch=ns");
    assert.equal(r.headers["Content-Type"], "application/x-www-form-urlencoded");
    const form = new URLSearchParams(r.text);
    assert.equal(form.get("q"), "SELECT * FROM m WHERE host = $h");
    assert.equal(form.get("params"), '{"h":"a&b"}');
  });

  it("keeps int64 values and ns times exact", async () => {
    const body =
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1714564800123456789,9223372036854775807]]}]}]}';
    const { client } = setup(() => ({ status: 200, body }));
    const response = await client.influxql("SELECT v FROM m", { epoch: "ns" });
    assert.deepEqual(response.results![0]!.series![0]!.values, [[1714564800123456789n, 9223372036854775807n]]);
  });

  it("leaves statement errors in the response", async () => {
    const { client } = setup(() => json({ results: [{ statement_id: 0, error: "database not found: x" }] }));
    const response = await client.influxql("SELECT v FROM m");
    assert.equal(response.results![0]!.error, "database not found: x");
  });

  it("rejects a 400 parse error as StrataQueryError", async () => {
    const { client } = setup(() => json({ error: "error parsing query: found EOF" }, 400));
    await assert.rejects(
      client.influxql("SELECT"),
      (e: StrataError) => e instanceof StrataQueryError && e.code === "HTTP_400" && e.status === 400,
    );
  });
});

describe("StrataClient.influxqlRows", () => {
  const body = JSON.stringify({
    results: [
      {
        statement_id: 0,
        series: [
          {
            name: "cpu",
            tags: { host: "a" },
            columns: ["time", "mean"],
            values: [
              [1000, 1.5],
              [2000, null],
            ],
          },
        ],
      },
    ],
  });

  it("returns rows with Date times, requesting epoch=ms", async () => {
    const { client, requests } = setup(() => ({ status: 200, body }));
    const sets = await client.influxqlRows("SELECT mean(v) FROM cpu GROUP BY host");
    assert.match(requests[0]!.url, /epoch=ms/);
    assert.deepEqual(sets, [
      {
        statementId: 0,
        name: "cpu",
        tags: { host: "a" },
        columns: ["time", "mean"],
        rows: [
          { time: new Date(1000), mean: 1.5 },
          { time: new Date(2000), mean: null },
        ],
      },
    ]);
  });

  it("returns bigint ns times with epoch ns", async () => {
    const big =
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1714564800123456789,1],[5,2]]}]}]}';
    const { client } = setup(() => ({ status: 200, body: big }));
    const [set] = await client.influxqlRows("SELECT v FROM m", { epoch: "ns" });
    assert.deepEqual(set!.rows, [
      { time: 1714564800123456789n, v: 1 },
      { time: 5n, v: 2 },
    ]);
  });

  it("throws INFLUXQL_STATEMENT for a failed statement", async () => {
    const { client } = setup(() => json({ results: [{ statement_id: 0 }, { statement_id: 1, error: "boom" }] }));
    await assert.rejects(client.influxqlRows("SHOW DATABASES; SELECT x"), {
      code: "INFLUXQL_STATEMENT",
      category: "invalid",
    });
  });
});

describe("StrataClient PromQL", () => {
  it("parses vector values including +Inf, -Inf and NaN", async () => {
    const { client, requests } = setup(() =>
      success({
        resultType: "vector",
        result: [
          { metric: { a: "1" }, value: [1714564800.123, "+Inf"] },
          { metric: { a: "2" }, value: [1714564800.123, "-Inf"] },
          { metric: { a: "3" }, value: [1714564800.123, "NaN"] },
          { metric: { a: "4" }, value: [1714564800.123, "1e-3"] },
        ],
      }),
    );
    const result = await client.promql("up", { time: new Date(1714564800123) });
    assert.equal(requests[0]!.url, "http://h:8086/base/api/v1/query");
    assert.equal(new URLSearchParams(requests[0]!.text).get("time"), "1714564800.123");
    assert.equal(result.resultType, "vector");
    if (result.resultType !== "vector") return;
    assert.deepEqual(
      result.result.map((s) => s.value),
      [Infinity, -Infinity, NaN, 0.001],
    );
    assert.equal(result.result[0]!.timeMs, 1714564800123);
  });

  it("returns matrices column-major and scopes by /db/<name>", async () => {
    const { client, requests } = setup(() =>
      success({
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "m" },
            values: [
              [1, "1"],
              [2, "2.5"],
            ],
          },
        ],
      }),
    );
    const result = await client.promqlRange("m", { start: 1000, end: 2000, step: 1, db: "my db" });
    assert.equal(requests[0]!.url, "http://h:8086/base/db/my%20db/api/v1/query_range");
    const form = new URLSearchParams(requests[0]!.text);
    assert.deepEqual([form.get("start"), form.get("end"), form.get("step")], ["1", "2", "1"]);
    assert.equal(result.resultType, "matrix");
    if (result.resultType !== "matrix") return;
    assert.deepEqual([...result.result[0]!.timesMs], [1000, 2000]);
    assert.deepEqual([...result.result[0]!.values], [1, 2.5]);
  });

  it("parses scalars", async () => {
    const { client } = setup(() => success({ resultType: "scalar", result: [10, "42"] }));
    assert.deepEqual(await client.promql("42"), {
      resultType: "scalar",
      warnings: [],
      result: { timeMs: 10000, value: 42 },
    });
  });

  const errors = [
    {
      name: "bad_data",
      input: json({ status: "error", errorType: "bad_data", error: "parse error at char 3" }, 400),
      want: { cls: StrataQueryError, code: "PROM_BAD_DATA", category: "invalid" },
    },
    {
      name: "execution (422)",
      input: json({ status: "error", errorType: "execution", error: "many-to-many" }, 422),
      want: { cls: StrataQueryError, code: "PROM_EXECUTION", category: "invalid" },
    },
    {
      name: "timeout (503)",
      input: json({ status: "error", errorType: "timeout", error: "query timed out" }, 503),
      want: { cls: StrataLimitError, code: "PROM_TIMEOUT", category: "limit" },
    },
    {
      name: "401",
      input: json({ status: "error", errorType: "bad_data", error: "unauthorized" }, 401),
      want: { cls: StrataAuthError, code: "PROM_BAD_DATA", category: "invalid" },
    },
  ];
  for (const { name, input, want } of errors) {
    it(`types a Prometheus ${name} error`, async () => {
      const { client } = setup(() => input);
      await assert.rejects(client.promql("up"), (e: StrataError) => {
        assert.ok(e instanceof want.cls && isStrataError(e));
        assert.equal(e.code, want.code);
        assert.equal(e.category, want.category);
        return true;
      });
    });
  }

  it("sends repeated match[] for series and labels, GET for label values", async () => {
    const { client, requests } = setup((r) => success(r.url.includes("/series") ? [{ __name__: "up" }] : ["a"]));
    assert.deepEqual(await client.series(["up", 'm{a="1"}'], { start: 0 }), [{ __name__: "up" }]);
    assert.deepEqual(await client.labels({ match: "up" }), ["a"]);
    assert.deepEqual(await client.labelValues("job"), ["a"]);
    assert.deepEqual(new URLSearchParams(requests[0]!.text).getAll("match[]"), ["up", 'm{a="1"}']);
    assert.equal(requests[2]!.method, "GET");
    assert.equal(requests[2]!.url, "http://h:8086/base/api/v1/label/job/values");
  });
});

describe("StrataClient native query, ping, health", () => {
  it("posts the native query as JSON and converts times to bigint", async () => {
    const { client, requests } = setup(() =>
      json({
        series: [{ name: "m", tags: {}, columns: ["v"], times: ["1714564800123456789", "-1"], values: [[1, 2]] }],
        stats: { seriesScanned: 1, pointsDecoded: 2, blocksDecoded: 1, blocksFromStats: 0 },
      }),
    );
    const result = await client.query({ measurement: "m" }, { db: "iot" });
    assert.equal(requests[0]!.url, "http://h:8086/base/api/v1/native/query?db=iot");
    assert.deepEqual(JSON.parse(requests[0]!.text), { measurement: "m" });
    assert.deepEqual([...result.series[0]!.times], [1714564800123456789n, -1n]);
    assert.deepEqual(result.series[0]!.values, [[1, 2]]);
  });

  it("ping returns the version header", async () => {
    const { client } = setup(() => ({ status: 204, headers: { "X-Influxdb-Version": "1.8.10-strata" } }));
    assert.equal(await client.ping(), "1.8.10-strata");
  });

  it("health reports a 503 without throwing", async () => {
    const { client } = setup(() => json({ status: "starting" }, 503));
    assert.deepEqual(await client.health(), { ok: false, status: 503, body: { status: "starting" } });
  });

  it("rejects with CLIENT_NETWORK when fetch fails and CLIENT_TIMEOUT after timeoutMs", async () => {
    const { client } = setup(() => new TypeError("fetch failed"));
    await assert.rejects(client.ping(), { code: "CLIENT_NETWORK", category: "unavailable" });
    const hanging = new StrataClient({
      url: "http://h",
      timeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(new Error("aborted")))),
    });
    await assert.rejects(
      hanging.influxql("SHOW DATABASES"),
      (e: StrataError) => e instanceof StrataQueryError && e.code === "CLIENT_TIMEOUT",
    );
  });
});
