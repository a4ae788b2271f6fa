// Prometheus remote write 1.0: `POST /api/v1/write` (snappy + protobuf) into the configured default database, or
// the one a `/db/<name>/` prefix or `db` parameter names. 204 once durable; bad series → 400 after the rest is stored.
import { InvalidError } from "../../base/index.ts";
import { decodeRemoteWrite } from "../../ingest/index.ts";
import type { WriteBatch } from "../../storage/index.ts";
import { httpStatus } from "../errors.ts";
import { readBodyBuffer } from "../http/read-body.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { storeWrite, withPooledBatch } from "../write/store-write.ts";

const PROTOCOL = "prometheus_remote_write";
/** Bad series named in one error body. */
const MAX_REPORTED_SERIES = 20;

/** Registers `/api/v1/write`. */
export function registerRemoteWriteRoute(router: Router, deps: ServerDeps): void {
  router.add(["POST"], "/api/v1/write", (ctx) => remoteWrite(ctx, deps), { dialect: "prometheus" });
}

async function remoteWrite(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const start = performance.now();
  let status = 204;
  try {
    const db = ctx.database(ctx.params.get("db"), deps.config.defaultDb)!;
    ctx.authorize("write", db);
    const body = await readBodyBuffer(ctx.req, deps.config.maxBodyBytes);
    await withPooledBatch(deps.batches, (batch) => storeRequest(deps, db, body, batch));
    ctx.sendEmpty(204);
  } catch (error) {
    status = httpStatus(error, ctx.dialect);
    throw error;
  } finally {
    deps.metrics.writeSeconds.labels(PROTOCOL).observe((performance.now() - start) / 1000);
    deps.metrics.writeRequests.labels(PROTOCOL, String(status)).inc();
  }
}

async function storeRequest(deps: ServerDeps, db: string, body: Buffer, batch: WriteBatch): Promise<void> {
  const decoded = decodeRemoteWrite(body, batch, {
    maxSamples: deps.config.maxValuesPerRequest,
    // Real requests expand 3-6× under snappy; a cap relative to the body limit keeps a decompression bomb out.
    maxDecodedBytes: Math.max(deps.config.maxBodyBytes * 4, 64 * 1024 * 1024),
  });
  const result = await storeWrite(deps.store, db, batch);
  if (decoded.metadata.length > 0) await deps.store.putMetricMetadata(db, decoded.metadata);
  deps.metrics.ingestPoints.labels(PROTOCOL).inc(result.accepted);
  deps.metrics.ingestValues.labels(PROTOCOL).inc(result.accepted);
  deps.metrics.ingestRejected.labels(PROTOCOL).inc(decoded.errors.length + result.rejected.length);
  const reasons = decoded.errors.slice(0, MAX_REPORTED_SERIES).map((e) => e.message);
  if (decoded.errors.length > MAX_REPORTED_SERIES)
    reasons.push(`(and ${decoded.errors.length - MAX_REPORTED_SERIES} more bad timeseries)`);
  for (const r of result.rejected.slice(0, MAX_REPORTED_SERIES)) reasons.push(r.error.message);
  if (reasons.length > 0) throw new InvalidError("SERVER_REMOTE_WRITE_PARTIAL", reasons.join("\n"));
}
