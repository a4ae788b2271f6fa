// The Prometheus HTTP API (GET and form POST): queries, series and label listings, metadata and buildinfo, on
// the configured default database or the one `/db/<name>/` (or a `db` parameter) names. Bodies: {status, data}.
import {
  parsePromDuration,
  parsePromTime,
  promInstantQuery,
  promLabelNames,
  promLabelValues,
  promMetadata,
  promRangeQuery,
  promSeries,
} from "../../query/index.ts";
import type { PromQLOptions } from "../../query/index.ts";
import { InvalidError } from "../../base/index.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { RouteHandler, Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { STRATA_VERSION } from "../version.ts";
import { runQuery } from "./query-runner.ts";

/** The Prometheus version buildinfo reports: Grafana enables 2.x+/3.x features by it, and Strata's PromQL is 3.x. */
const PROMETHEUS_COMPAT_VERSION = "3.0.0";

/** Registers /api/v1/{query,query_range,series,labels,label/:name/values,metadata,status/buildinfo} and stubs. */
export function registerPromRoutes(router: Router, deps: ServerDeps): void {
  const add = (path: string, handler: RouteHandler, auth = true): void =>
    router.add(["GET", "POST"], path, handler, { dialect: "prometheus", auth });
  add("/api/v1/query", (ctx) => instantQuery(ctx, deps));
  add("/api/v1/query_range", (ctx) => rangeQuery(ctx, deps));
  add("/api/v1/series", (ctx) => series(ctx, deps));
  add("/api/v1/labels", (ctx) => labels(ctx, deps));
  add("/api/v1/label/:name/values", (ctx) => labelValues(ctx, deps));
  add("/api/v1/metadata", (ctx) => metadata(ctx, deps));
  add("/api/v1/status/buildinfo", (ctx) => success(ctx, buildInfo()), false);
  // Grafana asks for these; Strata has no exemplars, rules or alerts, so they are empty rather than 404.
  add("/api/v1/query_exemplars", (ctx) => success(ctx, []));
  add("/api/v1/rules", (ctx) => success(ctx, { groups: [] }));
  add("/api/v1/alerts", (ctx) => success(ctx, { alerts: [] }));
}

function buildInfo(): Record<string, string> {
  return {
    version: PROMETHEUS_COMPAT_VERSION,
    revision: `strata-${STRATA_VERSION}`,
    branch: "strata",
    buildUser: "strata",
    buildDate: "",
    goVersion: `none (Node.js ${process.version})`,
  };
}

function success(ctx: RequestContext, data: unknown): Promise<void> {
  ctx.sendJson(200, { status: "success", data });
  return Promise.resolve();
}

/** Reads form fields, resolves and authorizes the database for reading. */
async function prepare(ctx: RequestContext, deps: ServerDeps): Promise<string> {
  await ctx.readForm(deps.config.maxBodyBytes);
  const db = ctx.database(ctx.params.get("db"), deps.config.defaultDb)!;
  ctx.authorize("read", db);
  return db;
}

function required(ctx: RequestContext, name: string): string {
  const value = ctx.params.get(name);
  if (value === null || value === "")
    throw new InvalidError("SERVER_BAD_PARAM", `invalid parameter "${name}": parameter is missing`);
  return value;
}

function optionalTime(ctx: RequestContext, name: string): number | undefined {
  const value = ctx.params.get(name);
  return value === null || value === "" ? undefined : parsePromTime(name, value);
}

/** Engine options of one query: config limits, narrowed by the `timeout` and `lookback_delta` parameters. */
function queryOptions(ctx: RequestContext, deps: ServerDeps): PromQLOptions {
  let timeoutMs = deps.config.queryTimeoutMs;
  const timeout = ctx.params.get("timeout");
  if (timeout !== null && timeout !== "") {
    const ms = parsePromDuration("timeout", timeout);
    if (ms > 0) timeoutMs = Math.min(timeoutMs, ms);
  }
  let lookbackDeltaMs = deps.config.lookbackDeltaMs;
  const lookback = ctx.params.get("lookback_delta");
  if (lookback !== null && lookback !== "") {
    const ms = parsePromDuration("lookback_delta", lookback);
    if (ms > 0) lookbackDeltaMs = ms;
  }
  const now = [0, 0];
  deps.clock.now(now);
  return {
    timeoutMs,
    lookbackDeltaMs,
    maxSamples: deps.config.maxPointsPerQuery,
    nowMs: now[0]! * 1000 + Math.floor(now[1]! / 1e6),
  };
}

async function instantQuery(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = await prepare(ctx, deps);
  const query = required(ctx, "query");
  const timeMs = optionalTime(ctx, "time") ?? NaN;
  const opts = queryOptions(ctx, deps);
  const data = await runQuery(ctx, deps, "promql", () => promInstantQuery(deps.store, db, query, timeMs, opts));
  await success(ctx, data);
}

async function rangeQuery(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = await prepare(ctx, deps);
  const query = required(ctx, "query");
  const startMs = parsePromTime("start", required(ctx, "start"));
  const endMs = parsePromTime("end", required(ctx, "end"));
  const stepMs = parsePromDuration("step", required(ctx, "step"));
  const opts = queryOptions(ctx, deps);
  const data = await runQuery(ctx, deps, "promql", () =>
    promRangeQuery(deps.store, db, query, startMs, endMs, stepMs, opts),
  );
  await success(ctx, data);
}

function limitParam(ctx: RequestContext): number | undefined {
  const value = ctx.params.get("limit");
  if (value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidError("SERVER_BAD_PARAM", `invalid parameter "limit": cannot parse "${value}" to a valid limit`);
  return n;
}

async function series(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = await prepare(ctx, deps);
  const data = await promSeries(
    deps.store,
    db,
    ctx.params.getAll("match[]"),
    optionalTime(ctx, "start"),
    optionalTime(ctx, "end"),
    limitParam(ctx),
  );
  await success(ctx, data);
}

async function labels(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = await prepare(ctx, deps);
  const names = await promLabelNames(
    deps.store,
    db,
    ctx.params.getAll("match[]"),
    optionalTime(ctx, "start"),
    optionalTime(ctx, "end"),
  );
  await success(ctx, applyLimit(names, limitParam(ctx)));
}

async function labelValues(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = await prepare(ctx, deps);
  const values = await promLabelValues(
    deps.store,
    db,
    ctx.routeParams.name!,
    ctx.params.getAll("match[]"),
    optionalTime(ctx, "start"),
    optionalTime(ctx, "end"),
  );
  await success(ctx, applyLimit(values, limitParam(ctx)));
}

async function metadata(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = await prepare(ctx, deps);
  const metric = ctx.params.get("metric") ?? undefined;
  await success(ctx, await promMetadata(deps.store, db, metric, limitParam(ctx)));
}

function applyLimit<T>(items: T[], limit: number | undefined): T[] {
  return limit === undefined || limit === 0 || items.length <= limit ? items : items.slice(0, limit);
}
