// StrataClient: the browser-safe entry to a Strata server — writers, InfluxQL, PromQL and native queries, live
// subscriptions, ping and health. Speaks HTTP/WebSocket only; imports nothing but src/wire.
import type {
  InfluxQueryResponse,
  PromQueryData,
  PromResponse,
  WireNativeQuery,
  WireNativeResult,
} from "../wire/index.ts";
import { parseExactJson } from "./exact-json.ts";
import { errorFromResponse, HttpTransport, readText } from "./http-transport.ts";
import type { FetchLike } from "./http-transport.ts";
import { toInfluxRows } from "./influx-rows.ts";
import type { InfluxRowSet } from "./influx-rows.ts";
import { LiveConnection } from "./live-connection.ts";
import type { LiveHandlers, LiveSelector, LiveSubscription, WebSocketConstructor } from "./live-connection.ts";
import { toNativeResult } from "./native-result.ts";
import type { NativeResult } from "./native-result.ts";
import { PointWriter } from "./point-writer.ts";
import type { WriterOptions } from "./point-writer.ts";
import { toPromResult } from "./prom-result.ts";
import type { PromResult } from "./prom-result.ts";
import type { RetryBackoff } from "./retry-backoff.ts";
import { StrataQueryError } from "./strata-error.ts";

/** Options of `new StrataClient()`. */
export interface StrataClientOptions {
  /** Server base URL, e.g. "http://localhost:8086" (a path prefix is kept, for servers behind a proxy). */
  url: string;
  /** API token, sent as `Authorization: Token <token>` (and as `?token=` on the live WebSocket). */
  token?: string;
  /** Default database of every call (absent: the server's default database). */
  db?: string;
  /** A fetch implementation (default: the global fetch). */
  fetch?: FetchLike;
  /** A WebSocket constructor for live subscriptions (default: the global one; on Node 20 pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /** Per-request timeout in ms (default 30,000; 0: none). */
  timeoutMs?: number;
  /** Backoff of live reconnects (default 250 ms doubling to 30 s, with jitter). */
  liveReconnect?: RetryBackoff;
}

/** A time accepted by query parameters: a Date, ms since the epoch, or a string passed as is (RFC3339, unix s). */
export type QueryTime = Date | number | string;

/** Options of `influxql()`. */
export interface InfluxqlOptions {
  db?: string;
  /** Epoch unit of returned times ("ns", "u", "ms", "s", "m", "h"); absent: RFC3339 strings. */
  epoch?: "ns" | "u" | "µ" | "ms" | "s" | "m" | "h";
  /** Bound parameters (`$name` in the query), sent as InfluxDB's `params` JSON. */
  params?: Record<string, string | number | boolean>;
}

/** Options of `influxqlRows()`. */
export interface InfluxqlRowsOptions {
  db?: string;
  /** "ns": `time` as exact bigint nanoseconds; absent: `time` as Date (ms precision). */
  epoch?: "ns";
  params?: Record<string, string | number | boolean>;
}

/** Options of the Prometheus metadata calls. */
export interface PromMetaOptions {
  db?: string;
  /** Series selectors (`match[]`) narrowing the result. */
  match?: string | string[];
  start?: QueryTime;
  end?: QueryTime;
}

/** What `health()` saw. */
export interface HealthStatus {
  /** True for HTTP 200 (the server is ready). */
  ok: boolean;
  status: number;
  /** The response body: parsed JSON when it is JSON, else the text. */
  body: unknown;
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

/**
 * A client of one Strata server. `new` is cheap and does no I/O. Calls are async and may interleave freely.
 * Every call rejects with a StrataError subclass (see strata-error.ts); none retries except PointWriter.
 * Database scoping: `/write`, `/query` and the native endpoint get `?db=`; the Prometheus endpoints, which have no
 * database parameter, use the `/db/<name>/api/v1/...` form when a database is set.
 */
export class StrataClient {
  /** Default database; immutable. */
  readonly db: string | undefined;
  private readonly transport: HttpTransport;
  private readonly liveUrl: string;
  private readonly WebSocketCtor: WebSocketConstructor | undefined;
  private readonly liveReconnect: RetryBackoff | undefined;
  private live: LiveConnection | undefined = undefined;

  /** Throws StrataError(CLIENT_NO_FETCH) when no fetch is available. */
  constructor(options: StrataClientOptions) {
    this.transport = new HttpTransport(options);
    this.db = options.db;
    const token = options.token === undefined ? "" : `?token=${encodeURIComponent(options.token)}`;
    this.liveUrl = this.transport.baseUrl.replace(/^http/i, "ws") + "/api/v1/live" + token;
    this.WebSocketCtor =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
    this.liveReconnect = options.liveReconnect;
  }

  /** A new batching writer (see WriterOptions); close() it when done. Throws CLIENT_BAD_OPTION for bad sizes. */
  writer(options: WriterOptions = {}): PointWriter {
    return new PointWriter(this.transport, { ...options, db: options.db ?? this.db });
  }

  /**
   * Runs InfluxQL (several statements may be separated by `;`) with POST /query and resolves with the response
   * as sent. Integers beyond ±2^53 (int64 fields, epoch=ns times) come back as exact bigints. Statement errors
   * stay inside `results[i].error` (HTTP 200, as InfluxDB); request errors (HTTP 4xx/5xx, top-level `error`)
   * reject with StrataQueryError / StrataAuthError / StrataLimitError.
   */
  async influxql(q: string, options: InfluxqlOptions = {}): Promise<InfluxQueryResponse> {
    let body = "q=" + encodeURIComponent(q);
    if (options.params !== undefined) body += "&params=" + encodeURIComponent(JSON.stringify(options.params));
    const text = await this.transport.sendForText("query", "POST", "/query", {
      params: { db: options.db ?? this.db, epoch: options.epoch },
      body,
      headers: FORM,
    });
    const response = parseJson(text, "/query", parseExactJson) as InfluxQueryResponse;
    if (typeof response.error === "string") {
      throw new StrataQueryError("INFLUXQL_REQUEST", response.error, { category: "invalid", status: 200 });
    }
    return response;
  }

  /**
   * Runs InfluxQL and returns every series of every statement as rows (see InfluxRowSet): `time` is a Date, or
   * with `epoch: "ns"` an exact bigint. Rejects like influxql(), and also with StrataQueryError
   * INFLUXQL_STATEMENT when any statement failed.
   */
  async influxqlRows(q: string, options: InfluxqlRowsOptions = {}): Promise<InfluxRowSet[]> {
    const epoch = options.epoch === "ns" ? "ns" : "ms";
    const response = await this.influxql(q, { db: options.db, params: options.params, epoch });
    return toInfluxRows(response, epoch === "ns" ? "ns" : "date");
  }

  /** Instant PromQL query at `time` (default: now). Rejects with StrataQueryError carrying Prometheus's errorType. */
  async promql(expr: string, options: { time?: QueryTime; db?: string; timeout?: string } = {}): Promise<PromResult> {
    const form = { query: expr, time: promTime(options.time), timeout: options.timeout };
    const response = await this.prom<PromQueryData>("/query", options.db, form);
    return toPromResult(response.data!, response.warnings);
  }

  /**
   * Range PromQL query over [start, end] every `step` (a number of **seconds**, as in Prometheus's API, or a
   * duration string such as "15s"). Resolves with a matrix (or scalar/string for such expressions).
   */
  async promqlRange(
    expr: string,
    options: { start: QueryTime; end: QueryTime; step: number | string; db?: string; timeout?: string },
  ): Promise<PromResult> {
    const form = {
      query: expr,
      start: promTime(options.start),
      end: promTime(options.end),
      step: String(options.step),
      timeout: options.timeout,
    };
    const response = await this.prom<PromQueryData>("/query_range", options.db, form);
    return toPromResult(response.data!, response.warnings);
  }

  /** Label sets of the series matching `match` (one or more selectors), as /api/v1/series. */
  async series(
    match: string | string[],
    options: Omit<PromMetaOptions, "match"> = {},
  ): Promise<Array<Record<string, string>>> {
    return (await this.prom<Array<Record<string, string>>>("/series", options.db, metaParams({ ...options, match })))
      .data!;
  }

  /** Label names, as /api/v1/labels. */
  async labels(options: PromMetaOptions = {}): Promise<string[]> {
    return (await this.prom<string[]>("/labels", options.db, metaParams(options))).data!;
  }

  /** Values of label `name`, as /api/v1/label/<name>/values (GET: this endpoint takes no form body). */
  async labelValues(name: string, options: PromMetaOptions = {}): Promise<string[]> {
    const path = this.promPath(`/label/${encodeURIComponent(name)}/values`, options.db);
    const text = await this.transport.sendForText("query", "GET", path, { params: metaParams(options) });
    return checkProm<string[]>(parseJson(text, path, JSON.parse), path).data!;
  }

  /** Runs a native query (POST /api/v1/native/query); times come back as exact bigints (NativeResult). */
  async query(nativeQuery: WireNativeQuery, options: { db?: string } = {}): Promise<NativeResult> {
    const text = await this.transport.sendForText("query", "POST", "/api/v1/native/query", {
      params: { db: options.db ?? this.db },
      body: JSON.stringify(nativeQuery),
      headers: { "Content-Type": "application/json" },
    });
    return toNativeResult(parseJson(text, "/api/v1/native/query", JSON.parse) as WireNativeResult);
  }

  /** GET /ping: resolves with the server's `X-Influxdb-Version` ("" when absent); rejects on any non-2xx status. */
  async ping(): Promise<string> {
    const response = await this.transport.send("other", "GET", "/ping");
    if (response.status < 200 || response.status > 299) {
      throw errorFromResponse("other", response.status, await readText(response, "other", "/ping"));
    }
    return response.headers.get("X-Influxdb-Version") ?? "";
  }

  /** GET /health: resolves whatever the status (`ok` is true for 200); rejects only when no response arrived. */
  async health(): Promise<HealthStatus> {
    const response = await this.transport.send("other", "GET", "/health");
    const text = await readText(response, "other", "/health");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      void cause; // a plain-text health body is returned as text
    }
    return { ok: response.status === 200, status: response.status, body };
  }

  /**
   * Subscribes to new points matching `selector` over the shared live WebSocket (opened on first use, closed
   * after the last unsubscribe, reopened with backoff after drops). The token goes in the `token` query
   * parameter, because browsers cannot set headers on a WebSocket. Without a database (selector or client) the
   * server's default database is used. Throws CLIENT_NO_WEBSOCKET when no WebSocket exists.
   */
  subscribe(selector: LiveSelector, handlers: LiveHandlers): LiveSubscription {
    const db = selector.db ?? this.db;
    this.live ??= new LiveConnection(this.liveUrl, this.WebSocketCtor, this.liveReconnect);
    return this.live.subscribe(db, selector, handlers);
  }

  /** Ends every live subscription and closes the WebSocket. Writers are closed separately. Idempotent. */
  close(): void {
    this.live?.close();
  }

  private promPath(endpoint: string, db: string | undefined): string {
    const name = db ?? this.db;
    return (name === undefined ? "" : `/db/${encodeURIComponent(name)}`) + "/api/v1" + endpoint;
  }

  // Form POST to a Prometheus endpoint; resolves with the success body.
  private async prom<T>(
    endpoint: string,
    db: string | undefined,
    form: Array<[string, string]> | Record<string, string | undefined>,
  ) {
    const path = this.promPath(endpoint, db);
    const text = await this.transport.sendForText("query", "POST", path, { body: formBody(form), headers: FORM });
    return checkProm<T>(parseJson(text, path, JSON.parse), path);
  }
}

function checkProm<T>(value: unknown, path: string): PromResponse<T> {
  const response = value as PromResponse<T>;
  if (response?.status !== "success" || response.data === undefined) {
    throw new StrataQueryError("CLIENT_BAD_RESPONSE", `${path}: not a prometheus success response`, {
      category: "internal",
    });
  }
  return response;
}

function parseJson(text: string, path: string, parse: (text: string) => unknown): unknown {
  try {
    return parse(text);
  } catch (cause) {
    throw new StrataQueryError("CLIENT_BAD_RESPONSE", `${path}: response is not json`, { category: "internal", cause });
  }
}

// Prometheus times: unix seconds with ms decimals; strings (RFC3339 or seconds) pass through.
function promTime(time: QueryTime | undefined): string | undefined {
  if (time === undefined || typeof time === "string") return time;
  const ms = typeof time === "number" ? time : time.getTime();
  return String(ms / 1000);
}

function metaParams(options: PromMetaOptions): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const match = options.match === undefined ? [] : typeof options.match === "string" ? [options.match] : options.match;
  for (const m of match) out.push(["match[]", m]);
  const start = promTime(options.start);
  const end = promTime(options.end);
  if (start !== undefined) out.push(["start", start]);
  if (end !== undefined) out.push(["end", end]);
  return out;
}

function formBody(form: Array<[string, string]> | Record<string, string | undefined>): string {
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  let body = "";
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    body += (body === "" ? "" : "&") + encodeURIComponent(key) + "=" + encodeURIComponent(value);
  }
  return body;
}
