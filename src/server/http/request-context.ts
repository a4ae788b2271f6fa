// One HTTP request as a route handler sees it: the URL with its `/db/<name>/` prefix stripped, the database the
// path names, merged query/form parameters, the request's authorize function, a logger, and response helpers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Authorize } from "../auth/authenticator.ts";
import { ALLOW_ALL } from "../auth/authenticator.ts";
import type { ErrorDialect } from "../errors.ts";
import { readBodyBuffer } from "./read-body.ts";

/**
 * Per-request state. Created by the dispatcher; handlers read `params` (URL query parameters, plus form fields
 * after `readForm()`), `pathDb` and `routeParams`, call `authorize`, and answer through `send*`. Mutable fields are
 * set once by the dispatcher before the handler runs.
 */
export class RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path after any `/db/<name>` prefix, e.g. `/api/v1/query`. */
  readonly path: string;
  /** The database named by a `/db/<name>/` prefix, or undefined. */
  readonly pathDb: string | undefined;
  /** URL query parameters; `readForm()` adds form-body fields (which win, as in Go's FormValue). */
  params: URLSearchParams;
  /** `:name` segments of the route pattern. */
  routeParams: Record<string, string> = {};
  /** Checks the request's token for a scope on a database; ALLOW_ALL when auth is off. */
  authorize: Authorize = ALLOW_ALL;
  /** Error body shape of the matched route. */
  dialect: ErrorDialect = "influx";
  /** Route pattern for logs and metrics (`/api/v1/label/:name/values`). */
  route = "";
  readonly log: Logger;
  /** Monotonic start time, ms (performance.now()). */
  readonly startMs: number;
  private formRead = false;

  constructor(req: IncomingMessage, res: ServerResponse, url: URL, log: Logger, startMs: number) {
    this.req = req;
    this.res = res;
    this.log = log;
    this.startMs = startMs;
    this.params = url.searchParams;
    const m = /^\/db\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (m === null) {
      this.path = url.pathname;
      this.pathDb = undefined;
    } else {
      this.pathDb = safeDecode(m[1]!);
      this.path = m[2] ?? "/";
    }
  }

  /**
   * The database a request names: `explicit` (a `db` or `bucket` parameter) when given, else the path's, else
   * `fallback`.
   */
  database(explicit: string | null | undefined, fallback?: string): string | undefined {
    if (explicit !== null && explicit !== undefined && explicit !== "") return explicit;
    return this.pathDb ?? fallback;
  }

  /**
   * For POST with `Content-Type: application/x-www-form-urlencoded`, reads the body (at most `maxBytes`) and merges
   * its fields into `params`. Idempotent; other requests are left alone. Throws as readBody does.
   */
  async readForm(maxBytes: number): Promise<void> {
    if (this.formRead) return;
    this.formRead = true;
    const type = this.req.headers["content-type"] ?? "";
    if (this.req.method !== "POST" || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return;
    const form = new URLSearchParams((await readBodyBuffer(this.req, maxBytes)).toString("utf8"));
    const merged = new URLSearchParams(this.params);
    for (const key of new Set(form.keys())) {
      merged.delete(key);
      for (const value of form.getAll(key)) merged.append(key, value);
    }
    this.params = merged;
  }

  /** Sends `body` as JSON with `status`. */
  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send(status, JSON.stringify(body), { "Content-Type": "application/json", ...headers });
  }

  /** Sends a text or byte body with `status` and headers (Content-Length is set here). */
  send(status: number, body: string | Uint8Array, headers: Record<string, string> = {}): void {
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    this.res.writeHead(status, { ...headers, "Content-Length": String(bytes.byteLength) });
    this.res.end(this.req.method === "HEAD" ? undefined : bytes);
  }

  /** Sends an empty response (204 for writes and ping). */
  sendEmpty(status: number, headers: Record<string, string> = {}): void {
    this.res.writeHead(status, headers);
    this.res.end();
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not valid percent-encoding: use it literally, as the database name check will judge it
  }
}
