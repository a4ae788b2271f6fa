// The Strata HTTP server: wires config, storage engine, auth, metrics and the route modules behind one node:http
// server; dispatches requests (with `/db/<name>/` scoping, auth, error mapping, request logs) and shuts down cleanly.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { pino } from "pino";
import type { Logger } from "pino";
import { InternalError, InvalidError, NotFoundError, SystemClock, UnavailableError } from "../base/index.ts";
import type { Clock } from "../base/index.ts";
import { LineProtocolParser } from "../ingest/index.ts";
import { StorageEngine, TokenStore } from "../storage/index.ts";
import { ALLOW_ALL, Authenticator } from "./auth/authenticator.ts";
import type { Authorize } from "./auth/authenticator.ts";
import { formatByteSize } from "./config/byte-size.ts";
import { engineOptions, isAuthEnabled, splitListen } from "./config/server-config.ts";
import type { ServerConfig } from "./config/server-config.ts";
import { errorResponse, httpStatus } from "./errors.ts";
import { QueryGate } from "./http/query-gate.ts";
import { RequestContext } from "./http/request-context.ts";
import { Router } from "./http/router.ts";
import type { UpgradeHandler } from "./http/router.ts";
import { ServerMetrics } from "./metrics/server-metrics.ts";
import { registerRoutes } from "./routes/register-routes.ts";
import { registerProbeRoutes } from "./routes/ops-routes.ts";
import type { Readiness } from "./routes/ops-routes.ts";
import type { ServerDeps } from "./server-deps.ts";
import { INFLUXDB_COMPAT_VERSION, STRATA_VERSION } from "./version.ts";

/** Options of StrataServer.open beyond the config. */
export interface StrataServerOptions {
  /** Logger (default: pino JSON lines on stdout at config.logLevel). */
  logger?: Logger;
  /** Time source (tests inject a fake one). */
  clock?: Clock;
}

const MAX_HEADER_BYTES = 1024 * 1024;

/** Headers on every response: InfluxDB clients and Telegraf read the first two (see version.ts). */
const VERSION_HEADERS: Record<string, string> = {
  "X-Influxdb-Version": INFLUXDB_COMPAT_VERSION,
  "X-Influxdb-Build": "OSS",
  "X-Strata-Version": STRATA_VERSION,
};

/**
 * A running server. `open` listens first (so /ping and /health answer during a long WAL replay), then opens the
 * engine and serves every route; `close` stops accepting, drains in-flight requests, flushes and closes.
 * Route modules register on `router`; other layers plug in through `router.add` / `router.upgrade` and
 * `onClose` (e.g. the live hub).
 */
export class StrataServer {
  readonly config: ServerConfig;
  readonly log: Logger;
  /** The route table; stable for the server's life. */
  readonly router = new Router();
  /** Whether requests must carry tokens (config.auth resolved against the listen address); immutable. */
  readonly authEnabled: boolean;
  private readonly http: http.Server;
  private readonly clock: Clock;
  private engine: StorageEngine | null = null;
  private tokens: TokenStore | null = null;
  private authenticator: Authenticator = new Authenticator(false, null);
  private readiness: Readiness = { ready: false, message: "starting: opening the data directory" };
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private readonly closers: Array<() => Promise<void> | void> = [];
  private closing: Promise<void> | null = null;
  private metrics: ServerMetrics | null = null;
  private openConnections = 0;

  private constructor(config: ServerConfig, log: Logger, clock: Clock) {
    this.config = config;
    this.log = log;
    this.clock = clock;
    this.authEnabled = isAuthEnabled(config);
    // Go servers (InfluxDB, Prometheus) accept 1 MiB of headers; Grafana sends long InfluxQL in GET URLs.
    this.http = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => void this.handle(req, res));
    this.http.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.handleUpgrade(req, socket, head),
    );
    this.http.on("connection", (socket) => {
      this.openConnections++;
      this.metrics?.openConnections.labels().set(this.openConnections);
      socket.on("close", () => {
        this.openConnections--;
        this.metrics?.openConnections.labels().set(this.openConnections);
      });
    });
  }

  /**
   * Listens on `config.listen`, opens the data directory and serves. Throws UnavailableError SERVER_LISTEN when the
   * address is taken, STORAGE_DIR_LOCKED when another process holds the data directory, and the engine's errors
   * otherwise; nothing stays open after a failure.
   */
  static async open(config: ServerConfig, options: StrataServerOptions = {}): Promise<StrataServer> {
    const log = options.logger ?? pino({ name: "strata", level: config.logLevel });
    const server = new StrataServer(config, log, options.clock ?? new SystemClock());
    registerProbeRoutes(server.router, () => server.readiness);
    await server.listen();
    try {
      await server.start();
    } catch (error) {
      await server.close().catch((closeError: unknown) => log.error({ err: closeError }, "close after failed start"));
      throw error;
    }
    return server;
  }

  /** The bound address (the real port when config.listen asked for port 0). */
  get address(): { host: string; port: number } {
    const a = this.http.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Base URL of the server, e.g. `http://127.0.0.1:8086`. */
  get url(): string {
    const { host, port } = this.address;
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /** The open engine. Throws UnavailableError before open completes or after close. */
  get store(): StorageEngine {
    if (this.engine === null) throw new UnavailableError("SERVER_NOT_READY", "server is not ready");
    return this.engine;
  }

  /** Registers `fn` to run during close, after requests drained and before the engine closes (LIFO). */
  onClose(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  /** Registers a WebSocket upgrade route; shorthand for `router.upgrade`. */
  upgrade(path: string, handler: UpgradeHandler): void {
    this.router.upgrade(path, handler);
  }

  /**
   * Stops accepting connections, waits up to config.shutdownTimeoutMs for in-flight requests, runs onClose hooks,
   * then flushes and closes the engine (heads → durable segments) and the token store. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async listen(): Promise<void> {
    const { host, port } = splitListen(this.config.listen);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const why = error.code === "EADDRINUSE" ? "address already in use" : error.message;
        reject(
          new UnavailableError("SERVER_LISTEN", `cannot listen on ${this.config.listen}: ${why}`, { cause: error }),
        );
      };
      this.http.once("error", onError);
      this.http.listen(port, host === "" ? undefined : host, () => {
        this.http.off("error", onError);
        resolve();
      });
    });
    this.log.info({ url: this.url, auth: this.authEnabled }, "listening");
  }

  private async start(): Promise<void> {
    const t0 = performance.now();
    this.engine = await StorageEngine.open(this.config.dataDir, { ...engineOptions(this.config), clock: this.clock });
    if (this.authEnabled) {
      this.tokens = TokenStore.open(this.config.dataDir);
      this.authenticator = new Authenticator(true, this.tokens);
      if (this.tokens.list().length === 0)
        this.log.warn("auth is on and no token exists: create one with `strata token create --scope admin --db '*'`");
    }
    this.metrics = new ServerMetrics(this.engine, Date.now(), this.config);
    this.metrics.openConnections.labels().set(this.openConnections);
    const engine = this.engine;
    const deps: ServerDeps = {
      store: engine,
      writeEvents: engine,
      config: this.config,
      metrics: this.metrics,
      gate: new QueryGate(this.config.maxConcurrentQueries, this.config.maxQueuedQueries),
      log: this.log,
      clock: this.clock,
      parser: new LineProtocolParser(),
      batches: [],
      flush: () => engine.flush(),
    };
    registerRoutes(this.router, deps, (fn) => this.onClose(fn));
    this.readiness = { ready: true, message: "ready for queries and writes" };
    this.log.info(
      {
        dataDir: this.config.dataDir,
        databases: engine.databases().length,
        maxMemory: formatByteSize(this.config.maxMemoryBytes),
        headBudget: formatByteSize(this.config.headBudgetBytes),
        ms: Math.round(performance.now() - t0),
      },
      "ready",
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const startMs = performance.now();
    this.inFlight++;
    for (const [name, value] of Object.entries(VERSION_HEADERS)) res.setHeader(name, value);
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      url = new URL("http://localhost/");
    }
    const ctx = new RequestContext(req, res, url, this.log, startMs);
    res.once("close", () => this.finished(ctx, url));
    try {
      await this.dispatch(ctx);
    } catch (error) {
      this.sendError(ctx, error);
    }
  }

  private async dispatch(ctx: RequestContext): Promise<void> {
    const method = ctx.req.method ?? "GET";
    const match = this.router.match(method, ctx.path);
    if (match.kind !== "route") {
      if (!this.readiness.ready) throw new UnavailableError("SERVER_NOT_READY", this.readiness.message);
      if (match.kind === "method") {
        ctx.res.setHeader("Allow", [...new Set(match.allowed)].join(", "));
        throw new InvalidError("SERVER_METHOD_NOT_ALLOWED", `method ${method} not allowed on ${ctx.path}`);
      }
      throw new NotFoundError("SERVER_ROUTE_NOT_FOUND", `page not found: ${ctx.path}`);
    }
    const route = match.route;
    ctx.route = route.pattern;
    ctx.dialect = route.dialect;
    ctx.routeParams = match.params;
    if (route.auth) ctx.authorize = this.authenticator.authenticate(ctx.req, ctx.params);
    await route.handler(ctx);
  }

  private sendError(ctx: RequestContext, error: unknown): void {
    const status = httpStatus(error, ctx.dialect);
    if (status >= 500) ctx.log.error({ err: error, method: ctx.req.method, path: ctx.path }, "request failed");
    if (ctx.res.headersSent) {
      // Part of a streamed body is out: the only honest signal left is to cut the connection.
      ctx.res.destroy();
      return;
    }
    const response = errorResponse(error, ctx.dialect);
    // A body left unread (413, a rejected write) would be parsed as the next request: close the connection.
    if (!ctx.req.complete) response.headers.Connection = "close";
    ctx.send(response.status, response.body, response.headers);
  }

  private finished(ctx: RequestContext, url: URL): void {
    this.inFlight--;
    const status = ctx.res.headersSent ? ctx.res.statusCode : 499; // 499: the client went away first
    const ms = Math.round((performance.now() - ctx.startMs) * 1000) / 1000;
    this.log.info({ method: ctx.req.method, path: url.pathname, status, ms }, "request");
    this.metrics?.httpRequests.labels(ctx.route === "" ? "unmatched" : ctx.route, String(status)).inc();
    if (this.closing !== null) this.http.closeIdleConnections();
    if (this.inFlight === 0 && this.drained !== null) this.drained();
  }

  private handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      url = new URL("http://localhost/");
    }
    const m = /^\/db\/([^/]+)(\/.*)$/.exec(url.pathname);
    const path = m === null ? url.pathname : m[2]!;
    const handler = this.readiness.ready ? this.router.findUpgrade(path) : undefined;
    if (handler === undefined) {
      socket.end(`HTTP/1.1 ${this.readiness.ready ? "404 Not Found" : "503 Service Unavailable"}\r\n\r\n`);
      return;
    }
    // Browsers cannot send headers with a WebSocket, so `token` is accepted as a parameter here. An auth failure
    // is handed to the handler as an authorize that throws, so it can close with LIVE_CLOSE_UNAUTHORIZED.
    const params = new URLSearchParams(url.searchParams);
    const token = params.get("token");
    if (token !== null && !params.has("p")) params.set("p", token);
    let authorize: Authorize = ALLOW_ALL;
    let authenticated = true;
    try {
      authorize = this.authenticator.authenticate(req, params);
    } catch (error) {
      authenticated = false;
      authorize = () => {
        throw error;
      };
    }
    let db = this.config.defaultDb;
    if (m !== null) {
      try {
        db = decodeURIComponent(m[1]!);
      } catch {
        db = m[1]!; // not valid percent-encoding: used literally, the database name check judges it
      }
    }
    try {
      handler(req, socket, head, { db, authorize, authenticated });
    } catch (error) {
      this.log.error({ err: error, path: url.pathname }, "upgrade failed");
      socket.destroy();
    }
  }

  private async shutdown(): Promise<void> {
    this.readiness = { ready: false, message: "shutting down" };
    this.log.info({ inFlight: this.inFlight }, "shutting down");
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.log.warn({ inFlight: this.inFlight }, "shutdown timeout: closing connections with requests in flight");
          resolve();
        }, this.config.shutdownTimeoutMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Hooks first: upgraded sockets (live WebSockets) keep the listener open until their owner closes them.
    let failure: Error | null = null;
    for (const fn of this.closers.reverse()) {
      try {
        await fn();
      } catch (error) {
        failure ??= asError(error);
      }
    }
    this.http.closeAllConnections();
    await stopped;
    if (this.engine !== null) {
      const t0 = performance.now();
      try {
        await this.engine.close();
        this.log.info({ ms: Math.round(performance.now() - t0) }, "flushed and closed the data directory");
      } catch (error) {
        failure ??= asError(error);
      }
    }
    if (this.tokens !== null) await this.tokens.close();
    if (failure !== null) throw failure;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new InternalError("SERVER_CLOSE", `close failed: ${String(error)}`);
}
