// ServerMetrics' memory gauges: the configured budgets and the process's resident memory, current and peak.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TimeSeriesStore } from "../../storage/index.ts";
import { ServerMetrics } from "./server-metrics.ts";

const emptyStore = { stats: () => Promise.resolve([]) } as unknown as TimeSeriesStore;

/** The value of an unlabelled sample `name` in Prometheus text, or undefined. */
function sample(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return m === null ? undefined : Number(m[1]);
}

describe("ServerMetrics memory", () => {
  it("exports the memory and head budgets it was given", async () => {
    const metrics = new ServerMetrics(emptyStore, Date.now(), {
      maxMemoryBytes: 512 << 20,
      headBudgetBytes: 256 << 20,
    });
    const text = await metrics.registry.render();
    assert.equal(sample(text, "strata_memory_budget_bytes"), 512 << 20);
    assert.equal(sample(text, "strata_head_budget_bytes"), 256 << 20);
  });

  it("exports resident memory, its peak (never below it) and ArrayBuffer memory", async () => {
    const text = await new ServerMetrics(emptyStore, Date.now()).registry.render();
    const rss = sample(text, "process_resident_memory_bytes")!;
    const peak = sample(text, "strata_process_resident_memory_peak_bytes")!;
    assert.ok(rss > 0);
    assert.ok(peak >= rss * 0.99, `peak ${peak} < rss ${rss}`); // maxRSS is in KiB: allow its rounding
    assert.ok(sample(text, "nodejs_array_buffers_bytes")! >= 0);
    assert.equal(sample(text, "strata_memory_budget_bytes"), undefined);
  });
});
