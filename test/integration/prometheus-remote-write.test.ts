// A real Prometheus scrapes itself and a small loopback exporter every second and remote-writes to Strata; then
// the same PromQL queries (instant and range) and metadata APIs are asked of both at the same times and compared.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { skipUnlessInstalled, sleep, startPrometheus, startStrata, strataServerAvailable } from "../peers/index.ts";
import type { Peer } from "../peers/index.ts";
import { diffQueryData, normalizeList, promGet } from "./prom-compare.ts";

const skip =
  skipUnlessInstalled(["prometheus"]) || (strataServerAvailable() ? false : "strata serve is not available yet");

/**
 * Samples per job to wait for before comparing: every window of a query on Prometheus's own counters ([10s])
 * then lies inside the scraped data. Why that matters: rate()/increase() extrapolate differently when a series
 * starts inside the window (Prometheus 2.x clamps to the counter's zero point before the 1.1×-interval check,
 * 3.x after it; Strata follows 3.x, the Debian Prometheus is 2.42). The exporter's counters start at 1000, so
 * the zero-point clamp never applies to them and their [1m] windows agree too.
 */
const MIN_SAMPLES = 20;
/**
 * Prometheus's own request counters, limited to the /metrics handler: other handlers' series are born while the
 * test queries Prometheus, inside the compared windows (see MIN_SAMPLES for why that must not happen).
 */
const SELF = '{handler="/metrics"}';
/** Counter base of the exporter (see MIN_SAMPLES). */
const BASE = 1000;

// Exporter whose values are functions of the scrape number n: counters (one resetting every 8 scrapes),
// a gauge, and a classic histogram.
function exposition(n: number): string {
  return [
    "# HELP demo_requests_total Requests served.",
    "# TYPE demo_requests_total counter",
    `demo_requests_total{path="/a",code="200"} ${BASE + 3 * n}`,
    `demo_requests_total{path="/a",code="500"} ${BASE + n}`,
    `demo_requests_total{path="/b",code="200"} ${n % 8 === 0 ? 0 : BASE + (n % 8) * 5}`,
    "# HELP demo_temperature_celsius Room temperature.",
    "# TYPE demo_temperature_celsius gauge",
    `demo_temperature_celsius{room="lab"} ${20 + (n % 5) * 0.5}`,
    `demo_temperature_celsius{room="hall"} ${-3.25 + (n % 3)}`,
    "# HELP demo_latency_seconds Request latency.",
    "# TYPE demo_latency_seconds histogram",
    `demo_latency_seconds_bucket{le="0.1"} ${BASE + 2 * n}`,
    `demo_latency_seconds_bucket{le="0.5"} ${2 * BASE + 5 * n}`,
    `demo_latency_seconds_bucket{le="1"} ${3 * BASE + 8 * n + (n % 3)}`,
    `demo_latency_seconds_bucket{le="+Inf"} ${4 * BASE + 10 * n + (n % 3)}`,
    `demo_latency_seconds_sum ${(BASE + 3.3 * n).toFixed(3)}`,
    `demo_latency_seconds_count ${4 * BASE + 10 * n + (n % 3)}`,
    "",
  ].join("\n");
}

const INSTANT_QUERIES = [
  "up",
  "count by (job) (up)",
  "demo_requests_total",
  "demo_temperature_celsius",
  "rate(demo_requests_total[5s])",
  "irate(demo_requests_total[5s])",
  "increase(demo_requests_total[10s])",
  "sum by (code) (rate(demo_requests_total[10s]))",
  "resets(demo_requests_total[20s])",
  "changes(demo_temperature_celsius[20s])",
  "max_over_time(demo_temperature_celsius[10s])",
  "avg_over_time(demo_temperature_celsius[10s])",
  "delta(demo_temperature_celsius[10s])",
  "demo_requests_total offset 3s",
  "topk(2, demo_requests_total)",
  'count({job="demo"})',
  "demo_requests_total / on (path) group_left sum by (path) (demo_requests_total)",
  "histogram_quantile(0.9, sum by (le) (rate(demo_latency_seconds_bucket[1m])))",
  "histogram_quantile(0.5, rate(demo_latency_seconds_bucket[10s]))",
  "rate(demo_latency_seconds_sum[10s]) / rate(demo_latency_seconds_count[10s])",
  "rate(demo_requests_total[1m])",
  "sum by (path) (increase(demo_requests_total[1m]))",
  `rate(prometheus_http_requests_total${SELF}[10s])`,
  `sum by (job) (rate(prometheus_http_requests_total${SELF}[10s]))`,
  `histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket${SELF}[10s])))`,
  "count(prometheus_http_requests_total)",
  'scrape_samples_scraped{job="demo"}',
];

const RANGE_QUERIES = [
  "up",
  "rate(demo_requests_total[5s])",
  `sum by (job) (rate(prometheus_http_requests_total${SELF}[5s]))`,
  "histogram_quantile(0.9, sum by (le) (rate(demo_latency_seconds_bucket[5s])))",
  "max_over_time(demo_temperature_celsius[3s])",
];

describe("Prometheus remote write into Strata", { skip }, () => {
  let strata: Peer;
  let prometheus: Peer;
  let exporter: http.Server;
  /** Evaluation time (unix seconds, ms precision) that both systems have every sample up to. */
  let evalTime: number;

  before(async () => {
    let scrapes = 0;
    exporter = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
      res.end(exposition(++scrapes));
    });
    await new Promise<void>((resolve) => exporter.listen(0, "127.0.0.1", resolve));
    const exporterPort = (exporter.address() as AddressInfo).port;
    strata = await startStrata();
    prometheus = await startPrometheus({
      remoteWriteUrl: `${strata.url}/api/v1/write`,
      scrapeTargets: [{ job: "demo", targets: [`127.0.0.1:${exporterPort}`] }],
    });
    await waitForSamples(prometheus.url);
    evalTime = await pickEvalTime(prometheus.url);
    // Samples up to evalTime reach Strata within the 1 s batch deadline plus a send.
    await sleep(3_000);
  });

  after(async () => {
    await prometheus?.stop();
    await strata?.stop();
    await new Promise((resolve) => exporter?.close(resolve));
  });

  it("has received samples of both scrape jobs", async () => {
    const got = await promGet(strata.url, "/api/v1/query", { query: "count by (job) (up)", time: String(evalTime) });
    assert.equal(got.body.status, "success", JSON.stringify(got.body));
    assert.deepEqual(got.body.data.result.map((s: any) => s.metric.job).sort(), ["demo", "prometheus"]);
  });

  for (const query of INSTANT_QUERIES) {
    it(`instant query ${query} answers as Prometheus does`, async () => {
      const params = { query, time: String(evalTime) };
      await assertSameQuery("/api/v1/query", params);
    });
  }

  for (const query of RANGE_QUERIES) {
    it(`range query ${query} answers as Prometheus does`, async () => {
      const params = { query, start: String(evalTime - 10), end: String(evalTime), step: "1" };
      await assertSameQuery("/api/v1/query_range", params);
    });
  }

  const lists: Array<{ name: string; path: string; params: () => Record<string, string | string[]> }> = [
    { name: "label names", path: "/api/v1/labels", params: () => window() },
    {
      name: "label names of demo series",
      path: "/api/v1/labels",
      params: () => ({ ...window(), "match[]": '{job="demo"}' }),
    },
    { name: "job values", path: "/api/v1/label/job/values", params: () => window() },
    {
      name: "metric names of job demo",
      path: "/api/v1/label/__name__/values",
      params: () => ({ ...window(), "match[]": '{job="demo"}' }),
    },
    {
      name: "series of up and the demo gauge",
      path: "/api/v1/series",
      params: () => ({ ...window(), "match[]": ["up", "demo_temperature_celsius"] }),
    },
  ];
  const window = (): Record<string, string> => ({ start: String(evalTime - 30), end: String(evalTime) });
  for (const list of lists) {
    it(`${list.name} are the same as Prometheus's`, async () => {
      const [got, want] = await both(list.path, list.params());
      assert.equal(want.body.status, "success", JSON.stringify(want.body));
      assert.equal(got.body.status, "success", JSON.stringify(got.body));
      assert.deepEqual(normalizeList(got.body.data), normalizeList(want.body.data));
    });
  }

  it("metadata of the exporter's metrics is the same as Prometheus's", async () => {
    for (const metric of ["demo_requests_total", "demo_temperature_celsius", "demo_latency_seconds"]) {
      const [got, want] = await both("/api/v1/metadata", { metric });
      assert.equal(got.body.status, "success", JSON.stringify(got.body));
      assert.deepEqual(got.body.data, want.body.data, metric);
    }
  });

  async function both(path: string, params: Record<string, string | string[]>): Promise<[any, any]> {
    return Promise.all([promGet(strata.url, path, params), promGet(prometheus.url, path, params)]);
  }

  async function assertSameQuery(path: string, params: Record<string, string>): Promise<void> {
    const [got, want] = await both(path, params);
    assert.equal(want.body.status, "success", `prometheus: ${JSON.stringify(want.body)}`);
    assert.equal(got.body.status, "success", `strata (HTTP ${got.status}): ${JSON.stringify(got.body)}`);
    assert.ok(want.body.data.result.length > 0 || want.body.data.resultType === "scalar", "prometheus found data");
    const diff = diffQueryData(got.body.data, want.body.data);
    assert.deepEqual(diff, [], `${params.query}:\n${diff.join("\n")}`);
  }
});

/** Polls Prometheus until both jobs have MIN_SAMPLES samples of `up` within the last minute. */
async function waitForSamples(prometheusUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const got = await promGet(prometheusUrl, "/api/v1/query", { query: "count_over_time(up[1m])" });
    const counts: number[] = (got.body.data?.result ?? []).map((s: any) => Number(s.value[1]));
    if (counts.length === 2 && Math.min(...counts) >= MIN_SAMPLES) return;
    await sleep(500);
  }
  throw new Error(`prometheus did not scrape ${MIN_SAMPLES} times within 60 s`);
}

/**
 * An evaluation time a few seconds in the past whose millisecond phase is as far as possible from every scrape
 * target's sample phase. Prometheus 2.x ranges are closed at the start ([t-r, t]) and 3.x's (which Strata
 * follows) are open ((t-r, t]); with no sample exactly at t-r for whole-second r both give the same answer.
 */
async function pickEvalTime(prometheusUrl: string): Promise<number> {
  const got = await promGet(prometheusUrl, "/api/v1/query", { query: "timestamp(up)" });
  const phases: number[] = got.body.data.result.map((s: any) => Math.round(Number(s.value[1]) * 1000) % 1000);
  let best = 0;
  let bestDistance = -1;
  for (let phase = 0; phase < 1000; phase += 10) {
    const distance = Math.min(...phases.map((p) => Math.min(Math.abs(p - phase), 1000 - Math.abs(p - phase))));
    if (distance > bestDistance) [best, bestDistance] = [phase, distance];
  }
  return Math.floor(Date.now() / 1000) - 2 + best / 1000;
}
