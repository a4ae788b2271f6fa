// Line-protocol write endpoints: InfluxDB 1.x `POST /write` and 2.x `POST /api/v2/write`, with InfluxDB's
// partial-write answers (valid lines stored, then 400 naming every bad line) and 204 only once durable.
import { InvalidError } from "../../base/index.ts";
import type { LineError } from "../../ingest/index.ts";
import type { WriteBatch, WriteResult } from "../../storage/index.ts";
import { httpStatus } from "../errors.ts";
import type { RequestContext } from "../http/request-context.ts";
import { readBody } from "../http/read-body.ts";
import type { Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { LineBodyParser, parseWritePrecision } from "../write/line-body-parser.ts";
import { storeWrite, withPooledBatch } from "../write/store-write.ts";

/** Bad lines named in one error body; the rest are counted. */
const MAX_REPORTED_LINES = 100;

/** Registers `/write` and `/api/v2/write`. */
export function registerWriteRoutes(router: Router, deps: ServerDeps): void {
  router.add(["POST"], "/write", (ctx) => write(ctx, deps, "v1"));
  router.add(["POST"], "/api/v2/write", (ctx) => write(ctx, deps, "v2"), { dialect: "influx2" });
}

async function write(ctx: RequestContext, deps: ServerDeps, api: "v1" | "v2"): Promise<void> {
  const start = performance.now();
  const protocol = api === "v1" ? "influx_v1" : "influx_v2";
  let status = 204;
  try {
    await writeLines(ctx, deps, api, protocol);
  } catch (error) {
    status = httpStatus(error, ctx.dialect);
    throw error;
  } finally {
    deps.metrics.writeSeconds.labels(protocol).observe((performance.now() - start) / 1000);
    deps.metrics.writeRequests.labels(protocol, String(status)).inc();
  }
}

async function writeLines(ctx: RequestContext, deps: ServerDeps, api: "v1" | "v2", protocol: string): Promise<void> {
  const db = targetDatabase(ctx, api);
  ctx.authorize("write", db);
  const precision = parseWritePrecision(ctx.params.get("precision"), api === "v1");
  const now = [0, 0];
  deps.clock.now(now);
  await withPooledBatch(deps.batches, async (batch) => {
    const body = new LineBodyParser(deps.parser, batch, precision, now[0]!, now[1]!, deps.config.maxValuesPerRequest);
    await readBody(ctx.req, deps.config.maxBodyBytes, (chunk) => body.push(chunk));
    body.end();
    const result = await storeWrite(deps.store, db, batch);
    deps.metrics.ingestPoints.labels(protocol).inc(result.accepted);
    deps.metrics.ingestValues.labels(protocol).inc(acceptedValues(batch, result));
    deps.metrics.ingestRejected.labels(protocol).inc(body.errors.length + result.rejected.length);
    if (body.errors.length > 0 || result.rejected.length > 0) throw partialWriteError(body.errors, result);
  });
  ctx.sendEmpty(204);
}

/** v1: `db`; v2: `bucket` (`db/rp` form allowed; the retention policy is ignored); else the path's database. */
function targetDatabase(ctx: RequestContext, api: "v1" | "v2"): string {
  let explicit = ctx.params.get(api === "v1" ? "db" : "bucket");
  if (api === "v2" && explicit !== null) explicit = explicit.split("/")[0]!;
  if (api === "v2" && (explicit === null || explicit === "")) explicit = ctx.params.get("db");
  const db = ctx.database(explicit);
  if (db === undefined) throw new InvalidError("SERVER_DB_REQUIRED", "database is required");
  return db;
}

/** Values of the stored points (all values minus those of rejected points). */
function acceptedValues(batch: WriteBatch, result: WriteResult): number {
  if (result.rejected.length === 0) return batch.valueCount;
  const rejected = new Set<number>();
  for (const r of result.rejected) rejected.add(r.point);
  let n = 0;
  for (let j = 0; j < batch.valueCount; j++) if (!rejected.has(batch.valuePoint[j]!)) n++;
  return n;
}

/**
 * InfluxDB 1.x's answer to bad input, with line numbers added: `unable to parse '<line>': <reason> (line N)` per
 * bad line (joined by newlines), prefixed `partial write: ` when any point was stored; storage rejections (field
 * type conflicts, series limit) add their first message and `dropped=<points>`, as InfluxDB's PartialWriteError.
 */
function partialWriteError(errors: LineError[], result: WriteResult): InvalidError {
  const reasons: string[] = [];
  for (let i = 0; i < errors.length && i < MAX_REPORTED_LINES; i++) {
    const e = errors[i]!;
    reasons.push(`unable to parse '${e.text}': ${e.message} (line ${e.line})`);
  }
  if (errors.length > MAX_REPORTED_LINES) reasons.push(`(and ${errors.length - MAX_REPORTED_LINES} more bad lines)`);
  const dropped = result.rejected.length;
  if (dropped > 0) {
    const first = result.rejected[0]!;
    reasons.push(`${first.error.message}${first.line > 0 ? ` (line ${first.line})` : ""}`);
  }
  const message =
    result.accepted > 0 || dropped > 0 ? `partial write: ${reasons.join("\n")} dropped=${dropped}` : reasons.join("\n");
  return new InvalidError("SERVER_PARTIAL_WRITE", message);
}
