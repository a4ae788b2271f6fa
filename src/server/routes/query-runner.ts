// Runs one query request under the concurrency gate, timing it into the per-language query metrics.
import { httpStatus } from "../errors.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { QueryLanguage } from "../metrics/server-metrics.ts";
import type { ServerDeps } from "../server-deps.ts";

/**
 * Waits for a query slot (at most config.queryTimeoutMs; see QueryGate for the 429/503 answers), runs `fn`, and
 * records latency and status under `language`. Errors from `fn` propagate after being counted.
 */
export async function runQuery<T>(
  ctx: RequestContext,
  deps: ServerDeps,
  language: QueryLanguage,
  fn: () => Promise<T>,
): Promise<T> {
  const start = performance.now();
  let status = 200;
  try {
    const release = await deps.gate.acquire(deps.config.queryTimeoutMs);
    try {
      return await fn();
    } finally {
      release();
    }
  } catch (error) {
    status = httpStatus(error, ctx.dialect);
    throw error;
  } finally {
    deps.metrics.querySeconds.labels(language).observe((performance.now() - start) / 1000);
    deps.metrics.queryRequests.labels(language, String(status)).inc();
  }
}
