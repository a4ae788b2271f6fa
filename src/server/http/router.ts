// Route table: method + path pattern → handler, with the error dialect and auth need of each route, plus
// WebSocket upgrade routes. Every route is also reachable under `/db/<name>/` (RequestContext strips the prefix).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Authorize } from "../auth/authenticator.ts";
import type { ErrorDialect } from "../errors.ts";
import type { RequestContext } from "./request-context.ts";

/** Handles one request; answers through `ctx` and may throw TsdbErrors (mapped by errors.ts in the route's dialect). */
export type RouteHandler = (ctx: RequestContext) => Promise<void>;

/** Per-route options. */
export interface RouteOptions {
  /** Error body shape (default "influx"). */
  dialect?: ErrorDialect;
  /** Whether the request must carry a valid token when auth is on (default true); false for ping, health, metrics. */
  auth?: boolean;
}

/** What an upgrade handler gets besides the raw request: its database, authorize, and whether auth succeeded. */
export interface UpgradeContext {
  /** Database named by a `/db/<name>/` prefix, else the configured default database. */
  db?: string;
  /** Throws the 401 error for every check when `authenticated` is false, so the handler can close with 4003. */
  authorize: Authorize;
  /** False when auth is on and the request carried no valid token (`token`, `p`, or an Authorization header). */
  authenticated: boolean;
}

/** Takes over an upgraded socket (e.g. LiveHub.handleUpgrade). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext) => void;

interface Route {
  methods: readonly string[];
  pattern: string;
  segments: readonly string[];
  handler: RouteHandler;
  dialect: ErrorDialect;
  auth: boolean;
}

/** A matched route, or the methods the path allows when only the method was wrong. */
export type RouteMatch =
  | { kind: "route"; route: Readonly<Route>; params: Record<string, string> }
  | { kind: "method"; allowed: string[] }
  | { kind: "none" };

/**
 * The route table. Patterns are absolute paths whose `:name` segments match one path segment (percent-decoded).
 * Registering the same methods and pattern twice replaces the handler. HEAD is served by GET routes. Routes may be
 * added while requests are served (lookups read the current table).
 */
export class Router {
  private readonly exact = new Map<string, Route[]>();
  private readonly patterned: Route[] = [];
  private readonly upgrades = new Map<string, UpgradeHandler>();

  /** Registers `handler` for `methods` on `pattern` (one line per endpoint). */
  add(methods: readonly string[], pattern: string, handler: RouteHandler, options: RouteOptions = {}): void {
    const route: Route = {
      methods,
      pattern,
      segments: pattern.split("/"),
      handler,
      dialect: options.dialect ?? "influx",
      auth: options.auth ?? true,
    };
    const list = pattern.includes("/:") ? this.patterned : (this.exact.get(pattern) ?? []);
    const same = list.findIndex((r) => r.pattern === pattern && r.methods.join() === methods.join());
    if (same >= 0) list[same] = route;
    else list.push(route);
    if (!pattern.includes("/:")) this.exact.set(pattern, list);
  }

  /** Registers a WebSocket upgrade handler for `path` (also under `/db/<name>/`). */
  upgrade(path: string, handler: UpgradeHandler): void {
    this.upgrades.set(path, handler);
  }

  /** The upgrade handler for `path` (prefix already stripped), or undefined. */
  findUpgrade(path: string): UpgradeHandler | undefined {
    return this.upgrades.get(path);
  }

  /** Finds the route for `method` and `path` (prefix already stripped). */
  match(method: string, path: string): RouteMatch {
    const want = method === "HEAD" ? "GET" : method;
    const allowed: string[] = [];
    for (const route of this.exact.get(path) ?? []) {
      if (route.methods.includes(want) || route.methods.includes(method)) return { kind: "route", route, params: {} };
      allowed.push(...route.methods);
    }
    const segments = path.split("/");
    for (const route of this.patterned) {
      const params = matchSegments(route.segments, segments);
      if (params === null) continue;
      if (route.methods.includes(want) || route.methods.includes(method)) return { kind: "route", route, params };
      allowed.push(...route.methods);
    }
    return allowed.length > 0 ? { kind: "method", allowed } : { kind: "none" };
  }
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | null {
  if (pattern.length !== path.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(":")) {
      if (path[i] === "") return null;
      try {
        params[p.slice(1)] = decodeURIComponent(path[i]!);
      } catch {
        return null; // malformed percent-encoding matches nothing: the request gets a 404
      }
    } else if (p !== path[i]) {
      return null;
    }
  }
  return params;
}
