// HTTP plumbing of the client: URLs, auth header, per-request timeout, and typed errors from error responses.
// Uses only `fetch`, `AbortController` and `setTimeout`, so it runs in browsers and Node alike.
import type { WireError } from "../wire/index.ts";
import { asCategory, categoryOfPromError, categoryOfStatus, makeStrataError, StrataError } from "./strata-error.ts";
import type { StrataOperation } from "./strata-error.ts";

/** The subset of `RequestInit` the client passes to `fetch`. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  keepalive?: boolean;
}

/** The subset of `Response` the client reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A `fetch` implementation: the global one, or any compatible function (tests, proxies, undici). */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** URL query parameters: an object (undefined values left out) or key-value pairs (keys may repeat). */
export type QueryParams = Record<string, string | undefined> | Array<[string, string]>;

/** Options of one request. */
export interface RequestOptions {
  /** Query parameters (pairs may repeat a key); undefined values are left out. */
  params?: QueryParams;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Passed to fetch (browsers: the request may outlive the page; body ≤ 64 KiB). */
  keepalive?: boolean;
}

/** Default per-request timeout: long enough for heavy queries, short enough to notice a dead server. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Sends requests to one Strata server. Immutable after construction; requests may interleave freely.
 */
export class HttpTransport {
  /** Base URL without a trailing slash (may carry a path prefix, e.g. behind a proxy). */
  readonly baseUrl: string;
  /** Per-request timeout in ms (0: none). */
  readonly timeoutMs: number;
  private readonly token: string | undefined;
  private readonly fetchFn: FetchLike;

  /** Throws StrataError(CLIENT_NO_FETCH) when no `fetch` is given and none is global. */
  constructor(options: { url: string; token?: string; fetch?: FetchLike; timeoutMs?: number }) {
    this.baseUrl = options.url.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchFn = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (typeof fetchFn !== "function") {
      throw new StrataError("CLIENT_NO_FETCH", "no fetch: pass one in the client options", { category: "invalid" });
    }
    // Call the global fetch unbound from its owner: browsers throw "Illegal invocation" otherwise.
    this.fetchFn = options.fetch ?? ((url, init) => fetchFn(url, init));
  }

  /** `baseUrl + path` plus the defined `params`, URL-encoded. */
  url(path: string, params?: QueryParams): string {
    let query = "";
    const pairs = params === undefined ? [] : Array.isArray(params) ? params : Object.entries(params);
    for (const [key, value] of pairs) {
      if (value === undefined) continue;
      query += (query === "" ? "?" : "&") + encodeURIComponent(key) + "=" + encodeURIComponent(value);
    }
    return this.baseUrl + path + query;
  }

  /** Headers every request carries: `Authorization: Token <t>` when a token is set. */
  authHeaders(): Record<string, string> {
    return this.token === undefined ? {} : { Authorization: `Token ${this.token}` };
  }

  /**
   * Sends one request and resolves with the response whatever its status. Rejects with StrataError
   * CLIENT_TIMEOUT (category `unavailable`) after `timeoutMs`, or CLIENT_NETWORK (`unavailable`) when fetch
   * fails (connection refused, DNS, CORS); `operation` picks the error subclass.
   */
  async send(
    operation: StrataOperation,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<FetchResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      this.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, this.timeoutMs)
        : undefined;
    const init: FetchInit = {
      method,
      headers: { ...this.authHeaders(), ...options.headers },
      signal: controller.signal,
    };
    if (options.body !== undefined) init.body = options.body;
    if (options.keepalive === true) init.keepalive = true;
    try {
      return await this.fetchFn(this.url(path, options.params), init);
    } catch (cause) {
      if (timedOut) {
        throw makeStrataError(
          operation,
          "CLIENT_TIMEOUT",
          `${method} ${path}: no response within ${this.timeoutMs} ms`,
          {
            category: "unavailable",
            cause,
          },
        );
      }
      throw makeStrataError(operation, "CLIENT_NETWORK", `${method} ${path}: ${describe(cause)}`, {
        category: "unavailable",
        cause,
      });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /**
   * Sends one request and resolves with the body text of a 2xx response; any other status rejects with the
   * typed error errorFromResponse builds. Network failures reject as `send` does.
   */
  async sendForText(
    operation: StrataOperation,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<string> {
    const response = await this.send(operation, method, path, options);
    const text = await readText(response, operation, path);
    if (response.status < 200 || response.status > 299) throw errorFromResponse(operation, response.status, text);
    return text;
  }
}

/** Reads a body; a connection dropped mid-body rejects as CLIENT_NETWORK. */
export async function readText(response: FetchResponse, operation: StrataOperation, path: string): Promise<string> {
  try {
    return await response.text();
  } catch (cause) {
    throw makeStrataError(operation, "CLIENT_NETWORK", `read response of ${path}: ${describe(cause)}`, {
      category: "unavailable",
      status: response.status,
      cause,
    });
  }
}

/**
 * The typed error for an error response: `{error, code, category}` (Strata's WireError), Prometheus's
 * `{status: "error", errorType, error}`, InfluxDB's `{error}`, or plain text. Missing codes become
 * `HTTP_<status>` (or `PROM_<ERRORTYPE>`); missing categories follow the status.
 */
export function errorFromResponse(operation: StrataOperation, status: number, text: string): StrataError {
  let body: Partial<WireError> & { errorType?: string } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) body = parsed as typeof body;
  } catch (cause) {
    // Not JSON (a proxy's HTML page, plain text): the text itself becomes the message below.
    void cause;
  }
  const promType = typeof body.errorType === "string" ? body.errorType : undefined;
  const message =
    typeof body.error === "string" && body.error !== "" ? body.error : text.trim().slice(0, 500) || `http ${status}`;
  const code =
    typeof body.code === "string" && body.code !== ""
      ? body.code
      : promType !== undefined
        ? `PROM_${promType.toUpperCase()}`
        : `HTTP_${status}`;
  const category =
    asCategory(body.category) ?? (promType !== undefined ? categoryOfPromError(promType, status) : undefined);
  return makeStrataError(operation, code, message, { category: category ?? categoryOfStatus(status), status });
}

/** A short description of a thrown value, for messages. */
function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
    return cause.message + inner;
  }
  return String(cause);
}
