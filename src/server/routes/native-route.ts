// Strata's native query over HTTP: `POST /api/v1/native/query?db=` with a WireNativeQuery JSON body, answered
// with a WireNativeResult (exact times and big integers as decimal strings). Errors are WireError bodies.
import { InvalidError } from "../../base/index.ts";
import { parseNativeQuery } from "../../query/index.ts";
import type { AggValue, QueryResult } from "../../storage/index.ts";
import type { WireNativeResult } from "../../wire/index.ts";
import { readBodyBuffer } from "../http/read-body.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { runQuery } from "./query-runner.ts";

/** Largest native query body; a query is a small JSON object. */
const MAX_QUERY_BYTES = 1024 * 1024;

/** Registers `/api/v1/native/query`. */
export function registerNativeRoute(router: Router, deps: ServerDeps): void {
  router.add(["POST"], "/api/v1/native/query", (ctx) => nativeQuery(ctx, deps), { dialect: "strata" });
}

async function nativeQuery(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const db = ctx.database(ctx.params.get("db"));
  if (db === undefined) throw new InvalidError("SERVER_DB_REQUIRED", "database is required: pass db or /db/<name>/");
  ctx.authorize("read", db);
  const query = parseNativeQuery((await readBodyBuffer(ctx.req, MAX_QUERY_BYTES)).toString("utf8"), "SERVER_BAD_QUERY");
  const result = await runQuery(ctx, deps, "native", () => deps.store.query(db, query));
  ctx.sendJson(200, wireResult(result));
}

/** Converts a result to its wire form: times and int64/uint64 values beyond ±2^53 as decimal strings. */
function wireResult(result: QueryResult): WireNativeResult {
  return {
    series: result.series.map((s) => ({
      name: s.name,
      tags: s.tags,
      columns: s.columns,
      times: s.times.map((t) => t.toString()),
      values: s.values.map((column) => column.map(wireValue)),
    })),
    stats: result.stats,
  };
}

function wireValue(v: AggValue): unknown {
  if (typeof v !== "bigint") return v;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
}
