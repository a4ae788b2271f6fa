// Operational endpoints: /ping (InfluxDB's liveness check), /health (readiness), /metrics (Prometheus text) and
// POST /internal/force_flush (admin: head → durable segment files, as VictoriaMetrics offers) and
// POST /internal/force_merge (admin: compact every partition now, dropping deleted and overwritten points).
import type { Router } from "../http/router.ts";
import type { ServerDeps } from "../server-deps.ts";
import { STRATA_VERSION } from "../version.ts";

/** What /health reports: whether the store is open and accepting requests, and a message. */
export interface Readiness {
  ready: boolean;
  message: string;
}

/** Registers /ping and /health (served from the start, before the store is open); `readiness` is read per request. */
export function registerProbeRoutes(router: Router, readiness: () => Readiness): void {
  // Version headers are on every response (the dispatcher adds them); ping has nothing else to say.
  router.add(
    ["GET", "HEAD"],
    "/ping",
    (ctx) => {
      // InfluxDB 1.x: `verbose=true` answers 200 with the version in a body.
      if (ctx.params.get("verbose") === "true") ctx.sendJson(200, { version: STRATA_VERSION });
      else ctx.sendEmpty(204);
      return Promise.resolve();
    },
    { auth: false },
  );
  router.add(
    ["GET", "HEAD"],
    "/health",
    (ctx) => {
      const state = readiness();
      ctx.sendJson(state.ready ? 200 : 503, {
        name: "strata",
        message: state.message,
        status: state.ready ? "pass" : "fail",
        checks: [],
        version: STRATA_VERSION,
      });
      return Promise.resolve();
    },
    { auth: false },
  );
}

/** Registers /metrics, /internal/force_flush and /internal/force_merge. */
export function registerOpsRoutes(router: Router, deps: ServerDeps): void {
  router.add(
    ["GET"],
    "/metrics",
    async (ctx) => {
      const text = await deps.metrics.registry.render();
      ctx.send(200, text, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
    },
    { auth: false, dialect: "strata" },
  );
  router.add(
    ["POST"],
    "/internal/force_flush",
    async (ctx) => {
      ctx.authorize("admin", ctx.pathDb);
      await deps.flush();
      ctx.sendEmpty(204);
    },
    { dialect: "strata" },
  );
  router.add(
    ["POST"],
    "/internal/force_merge",
    async (ctx) => {
      // Under /db/<name>/ (or with ?db=) one database, else all of them; answers once every merge is done.
      const db = ctx.pathDb ?? ctx.params.get("db") ?? undefined;
      ctx.authorize("admin", db);
      await deps.store.compact(db);
      ctx.sendEmpty(204);
    },
    { dialect: "strata" },
  );
}
