import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MetricsRegistry } from "./metrics-registry.ts";

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in Prometheus text format", async () => {
    const r = new MetricsRegistry();
    const c = r.counter("x_total", "Things.", ["kind"]);
    c.labels('a"b\\c\nd').inc(2);
    const g = r.gauge("g", "A gauge.");
    g.labels().set(1.5);
    const h = r.histogram("lat_seconds", "Latency.", ["op"], [0.1, 1]);
    h.labels("w").observe(0.05);
    h.labels("w").observe(0.5);
    h.labels("w").observe(5);
    assert.equal(
      await r.render(),
      [
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        'x_total{kind="a\\"b\\\\c\\nd"} 2',
        "# HELP g A gauge.",
        "# TYPE g gauge",
        "g 1.5",
        "# HELP lat_seconds Latency.",
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{op="w",le="0.1"} 1',
        'lat_seconds_bucket{op="w",le="1"} 2',
        'lat_seconds_bucket{op="w",le="+Inf"} 3',
        'lat_seconds_sum{op="w"} 5.55',
        'lat_seconds_count{op="w"} 3',
        "",
      ].join("\n"),
    );
  });

  it("runs collectors before rendering", async () => {
    const r = new MetricsRegistry();
    const g = r.gauge("n", "N.");
    let calls = 0;
    r.onCollect(() => {
      calls++;
      g.labels().set(calls);
    });
    assert.match(await r.render(), /^n 1$/m);
    assert.match(await r.render(), /^n 2$/m);
  });
});
