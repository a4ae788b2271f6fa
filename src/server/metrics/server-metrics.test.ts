// ServerMetrics' memory gauges: the configured budgets and the process's resident memory, current and peak.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TimeSeriesStore } from "../../storage/index.ts";
import { ServerMetrics } from "./server-metrics.ts";

const cache = { hits: 7, misses: 3, entries: 2, bytes: 4096, maxBytes: 1 << 20 };
const emptyStore = { stats: () => Promise.resolve([]), cacheStats: () => cache } as unknown as TimeSeriesStore;

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

  it("exports the block cache's hits, misses and bytes", async () => {
    const text = await new ServerMetrics(emptyStore, Date.now()).registry.render();
    assert.deepEqual(
      ["hits_total", "misses_total", "bytes"].map((s) => sample(text, `strata_block_cache_${s}`)),
      [7, 3, 4096],
    );
  });
});
