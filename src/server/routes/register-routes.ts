// The route table of a ready server: every endpoint module registers here, one line each.
import type { Router } from "../http/router.ts";
import { LiveHub } from "../live/index.ts";
import type { ServerDeps } from "../server-deps.ts";
import { registerInfluxQLRoute } from "./influxql-route.ts";
import { registerNativeRoute } from "./native-route.ts";
import { registerOpsRoutes } from "./ops-routes.ts";
import { registerPromRoutes } from "./prom-routes.ts";
import { registerRemoteWriteRoute } from "./remote-write-route.ts";
import { registerWriteRoutes } from "./write-routes.ts";

/**
 * Registers every route that needs the open store (ping and health are registered earlier). `onClose` runs a hook
 * during shutdown, after requests drained and before the engine closes.
 */
export function registerRoutes(
  router: Router,
  deps: ServerDeps,
  onClose: (fn: () => Promise<void> | void) => void,
): void {
  registerOpsRoutes(router, deps);
  registerWriteRoutes(router, deps);
  registerRemoteWriteRoute(router, deps);
  registerInfluxQLRoute(router, deps);
  registerPromRoutes(router, deps);
  registerNativeRoute(router, deps);
  const hub = new LiveHub({ store: deps.writeEvents });
  router.upgrade("/api/v1/live", (req, socket, head, ctx) => hub.handleUpgrade(req, socket, head, ctx));
  onClose(() => hub.close());
}
