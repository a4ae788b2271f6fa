// InfluxDB 1.x `GET|POST /query`: InfluxQL statements (`q`, several separated by `;`) with `db`, `epoch`, `pretty`,
// `chunked`/`chunk_size`, `params`; JSON (or CSV for `Accept: application/csv`) as influxd answers.
import { InvalidError, toNs } from "../../base/index.ts";
import { encodeInfluxQLChunks, encodeInfluxQLCsv, encodeInfluxQLResponse, executeInfluxQL } from "../../query/index.ts";
import type { Authorize } from "../auth/authenticator.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { runQuery } from "./query-runner.ts";

/** influxd's default chunk size in rows. */
const DEFAULT_CHUNK_SIZE = 10_000;

/** Registers `/query`. */
export function registerInfluxQLRoute(router: Router, deps: ServerDeps): void {
  router.add(["GET", "POST"], "/query", (ctx) => query(ctx, deps));
}

async function query(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  await ctx.readForm(deps.config.maxBodyBytes);
  const q = ctx.params.get("q");
  if (q === null || q.trim() === "") throw new InvalidError("SERVER_MISSING_Q", 'missing required parameter "q"');
  const db = ctx.database(ctx.params.get("db"));
  const epoch = ctx.params.get("epoch") ?? undefined;
  const params = boundParams(ctx.params.get("params"));
  const now = [0, 0];
  deps.clock.now(now);
  // The executor reports a refused statement as a statement error; InfluxDB refuses the whole request with 403,
  // so the first refusal is remembered and thrown after execution (it also stops the statements after it).
  const refusal: { error: Error | null } = { error: null };
  const authorize: Authorize = (need, target) => {
    try {
      ctx.authorize(need, target);
    } catch (error) {
      refusal.error ??= error as Error; // ctx.authorize throws only ForbiddenError
      throw error;
    }
  };
  const results = await runQuery(ctx, deps, "influxql", () =>
    executeInfluxQL(q, {
      store: deps.store,
      db,
      nowNs: toNs(now[0]!, now[1]!),
      params,
      authorize,
      maxSeries: deps.config.maxSeriesPerQuery,
    }),
  );
  if (refusal.error !== null) throw refusal.error;
  const accept = ctx.req.headers.accept ?? "";
  if (accept.includes("application/csv") || accept.includes("text/csv")) {
    ctx.send(200, encodeInfluxQLCsv(results, { epoch }), { "Content-Type": "text/csv" });
    return;
  }
  if (ctx.params.get("chunked") === "true") {
    const size = Number(ctx.params.get("chunk_size") ?? DEFAULT_CHUNK_SIZE);
    const chunks = encodeInfluxQLChunks(results, { epoch, chunkSize: size > 0 ? size : DEFAULT_CHUNK_SIZE });
    ctx.res.writeHead(200, { "Content-Type": "application/json" });
    for (const chunk of chunks) {
      // Respect backpressure: a slow reader must not make the server buffer every chunk.
      if (ctx.res.destroyed) return;
      if (!ctx.res.write(chunk)) await drained(ctx);
    }
    ctx.res.end();
    return;
  }
  const pretty = ctx.params.get("pretty") === "true";
  ctx.send(200, encodeInfluxQLResponse(results, { epoch, pretty }), { "Content-Type": "application/json" });
}

/** The `params` parameter: a JSON object of bound parameters. Throws InvalidError (SERVER_BAD_PARAMS). */
function boundParams(text: string | null): Record<string, unknown> | undefined {
  if (text === null || text === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidError("SERVER_BAD_PARAMS", `error parsing query parameters: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidError("SERVER_BAD_PARAMS", "error parsing query parameters: params must be a JSON object");
  return value as Record<string, unknown>;
}

/** Resolves when the response can take more data or the client went away. */
function drained(ctx: RequestContext): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      ctx.res.off("drain", done);
      ctx.res.off("close", done);
      resolve();
    };
    ctx.res.once("drain", done);
    ctx.res.once("close", done);
  });
}
