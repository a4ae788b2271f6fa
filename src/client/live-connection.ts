// Live subscriptions multiplexed over one WebSocket (protocol: src/wire/live.ts), reconnecting with backoff and
// re-subscribing. Uses only the WebSocket API (global, or a constructor such as the `ws` package's).
import { LIVE_CLOSE_SLOW_CONSUMER, LIVE_CLOSE_UNAUTHORIZED } from "../wire/index.ts";
import type { LiveClientMessage, LivePoint, LiveServerMessage, LiveSubscribe, WireTagMatcher } from "../wire/index.ts";
import { backoffDelayMs } from "./retry-backoff.ts";
import type { RetryBackoff } from "./retry-backoff.ts";
import { StrataAuthError, StrataError, StrataLimitError } from "./strata-error.ts";

/** The WebSocket surface the client uses; the browser's, Node ≥ 22's and the `ws` package's all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // `any` events: each implementation has its own event classes; the client reads `data`, `code`, `reason`.
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket constructor (`globalThis.WebSocket`, or `import WebSocket from "ws"` on Node 20). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What to subscribe to. */
export interface LiveSelector {
  /** Database (default: the client's `db`). */
  db?: string;
  measurement: string;
  /** Tag conditions, all of which must hold. */
  where?: WireTagMatcher[];
  /** Fields to deliver (default: all). */
  fields?: string[];
}

/** A point delivered live. */
export interface LivePointData {
  measurement: string;
  tags: Record<string, string>;
  /** Exact nanoseconds since the epoch. */
  time: bigint;
  /** `time` in ms as a float, for charts (rounded beyond 2^53 ns, i.e. to about 0.25 µs today). */
  timeMs: number;
  /** Field values; int64/uint64 beyond ±2^53 arrive as decimal strings (see src/wire/live.ts). */
  fields: Record<string, number | string | boolean>;
}

/** Callbacks of one subscription; each is called from the event loop, never re-entrantly. */
export interface LiveHandlers {
  /** New points, in server order. */
  onPoints(points: LivePointData[]): void;
  /** The server dropped `count` points of this subscription because the client fell behind. */
  onDropped?(count: number): void;
  /**
   * Something went wrong: a connection loss (the client reconnects and re-subscribes; points in between are
   * lost), a slow-consumer close (StrataLimitError LIVE_SLOW_CONSUMER), or an error that ends the
   * subscription (then onClose follows).
   */
  onError?(error: StrataError): void;
  /** The subscription ended: `error` is undefined after unsubscribe() or client.close(). Called once. */
  onClose?(error: StrataError | undefined): void;
}

/** A running subscription. */
export interface LiveSubscription {
  /** Id sent to the server; unique per client. */
  readonly id: string;
  /** Resolves when the server first confirmed the subscription; rejects if it ends before that. */
  readonly ready: Promise<void>;
  /** Resolves when the subscription has ended (never rejects). */
  readonly closed: Promise<void>;
  /** Ends the subscription (idempotent); `closed` resolves. */
  unsubscribe(): void;
}

/** Server error codes that mean "not allowed" (src/server/errors.ts, live-connection.ts). */
const AUTH_CODES = new Set(["SERVER_UNAUTHORIZED", "SERVER_FORBIDDEN", "LIVE_FORBIDDEN"]);
const OPEN = 1;
const NORMAL_CLOSURE = 1000;
const DEFAULT_RECONNECT: RetryBackoff = { initialMs: 250, maxMs: 30_000 };

class Subscription implements LiveSubscription {
  readonly id: string;
  readonly message: LiveClientMessage;
  readonly handlers: LiveHandlers;
  readonly ready: Promise<void>;
  readonly closed: Promise<void>;
  isReady = false;
  ended = false;
  resolveReady: () => void = () => undefined;
  rejectReady: (error: StrataError) => void = () => undefined;
  resolveClosed: () => void = () => undefined;
  private readonly owner: LiveConnection;

  constructor(owner: LiveConnection, id: string, message: LiveClientMessage, handlers: LiveHandlers) {
    this.owner = owner;
    this.id = id;
    this.message = message;
    this.handlers = handlers;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // The same error reaches onError/onClose; this only keeps an unobserved `ready` from crashing Node.
    this.ready.catch(() => undefined);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  unsubscribe(): void {
    this.owner.end(this, undefined, true);
  }
}

/**
 * One WebSocket shared by all live subscriptions of a client. Opens lazily on the first subscription, closes when
 * the last one ends, and reconnects (re-sending every subscription) after unexpected closes. Not thread-safe;
 * callbacks run on the event loop.
 */
export class LiveConnection {
  private readonly url: string;
  private readonly WebSocketCtor: WebSocketConstructor | undefined;
  private readonly reconnect: RetryBackoff;
  private readonly subs = new Map<string, Subscription>();
  private socket: WebSocketLike | undefined = undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private attempt = 0;
  private nextId = 1;

  /** `url` is the ws(s):// URL of /api/v1/live, token included; does no I/O. */
  constructor(url: string, WebSocketCtor: WebSocketConstructor | undefined, reconnect?: RetryBackoff) {
    this.url = url;
    this.WebSocketCtor = WebSocketCtor;
    this.reconnect = reconnect ?? DEFAULT_RECONNECT;
  }

  /**
   * Starts a subscription (connecting if needed). Throws StrataError CLIENT_NO_WEBSOCKET (invalid) when this
   * runtime has no WebSocket and none was given.
   */
  subscribe(db: string | undefined, selector: LiveSelector, handlers: LiveHandlers): LiveSubscription {
    if (this.WebSocketCtor === undefined) {
      throw new StrataError(
        "CLIENT_NO_WEBSOCKET",
        "no WebSocket in this runtime: pass one as the WebSocket client option (on Node 20: the ws package)",
        { category: "invalid" },
      );
    }
    const id = `s${this.nextId++}`;
    // Without a db the server uses the path's or its default database; the wire type still marks db required
    // (reported to the lead), so the message is built as a LiveSubscribe and db left out.
    const message = { type: "subscribe", id, measurement: selector.measurement } as LiveSubscribe;
    if (db !== undefined) message.db = db;
    if (selector.where !== undefined) message.where = selector.where;
    if (selector.fields !== undefined) message.fields = selector.fields;
    const sub = new Subscription(this, id, message, handlers);
    this.subs.set(id, sub);
    if (this.socket === undefined && this.reconnectTimer === undefined) this.connect();
    else if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
    return sub;
  }

  /** Ends every subscription (onClose without error) and closes the socket. Idempotent. */
  close(): void {
    for (const sub of [...this.subs.values()]) this.end(sub, undefined, true);
  }

  /** Ends `sub` once: tells the server when `notifyServer`, calls onClose, settles its promises. */
  end(sub: Subscription, error: StrataError | undefined, notifyServer: boolean): void {
    if (sub.ended) return;
    sub.ended = true;
    this.subs.delete(sub.id);
    if (notifyServer && this.socket?.readyState === OPEN) {
      this.socket.send(JSON.stringify({ type: "unsubscribe", id: sub.id } satisfies LiveClientMessage));
    }
    if (!sub.isReady) {
      sub.rejectReady(
        error ?? new StrataError("LIVE_ENDED", `subscription ${sub.id} ended`, { category: "unavailable" }),
      );
    }
    sub.handlers.onClose?.(error);
    sub.resolveClosed();
    if (this.subs.size === 0) this.shutdown();
  }

  private shutdown(): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) {
      detach(socket);
      socket.close(NORMAL_CLOSURE, "no subscriptions");
    }
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketCtor!(this.url);
    } catch (cause) {
      // A malformed URL fails at once and would fail again: end every subscription.
      const error = new StrataError("LIVE_CONNECT", `open ${this.url}: ${String(cause)}`, {
        category: "invalid",
        cause,
      });
      for (const sub of [...this.subs.values()]) this.end(sub, error, false);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      for (const sub of this.subs.values()) socket.send(JSON.stringify(sub.message));
    };
    socket.onmessage = (event: { data: unknown }) => this.onMessage(event.data);
    socket.onerror = () => undefined; // a close event always follows; it carries what the client can act on
    socket.onclose = (event: { code?: number; reason?: string }) =>
      this.onClose(socket, event.code ?? 1006, event.reason ?? "");
  }

  private onMessage(data: unknown): void {
    let message: LiveServerMessage;
    try {
      message = JSON.parse(String(data)) as LiveServerMessage;
    } catch (cause) {
      this.broadcast(
        new StrataError("LIVE_BAD_MESSAGE", "live: server sent a message that is not json", {
          category: "internal",
          cause,
        }),
      );
      return;
    }
    if (message.type === "error") {
      const error = AUTH_CODES.has(message.code)
        ? new StrataAuthError(message.code, message.message, { category: "invalid" })
        : new StrataError(message.code, message.message, { category: "invalid" });
      if (message.id === undefined) {
        this.broadcast(error);
        return;
      }
      const sub = this.subs.get(message.id);
      if (sub === undefined) return; // about a subscription that already ended here
      sub.handlers.onError?.(error);
      this.end(sub, error, false); // the server refused or ended this subscription
      return;
    }
    const sub = this.subs.get(message.id);
    if (sub === undefined) return; // a message that crossed our unsubscribe
    if (message.type === "subscribed") {
      if (!sub.isReady) {
        sub.isReady = true;
        sub.resolveReady();
      }
    } else if (message.type === "points") {
      sub.handlers.onPoints(message.points.map(toPointData));
    } else if (message.type === "dropped") {
      sub.handlers.onDropped?.(message.count);
    }
  }

  private onClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return; // an old socket we already replaced or shut down
    detach(socket);
    this.socket = undefined;
    if (this.subs.size === 0) return;
    if (code === LIVE_CLOSE_UNAUTHORIZED) {
      const error = new StrataAuthError("LIVE_UNAUTHORIZED", `live: ${reason || "unauthorized"}`, {
        category: "invalid",
        status: 401,
      });
      for (const sub of [...this.subs.values()]) this.end(sub, error, false);
      return;
    }
    const error =
      code === LIVE_CLOSE_SLOW_CONSUMER
        ? new StrataLimitError("LIVE_SLOW_CONSUMER", `live: closed as a slow consumer: ${reason}`, {
            category: "limit",
          })
        : new StrataError(
            "LIVE_DISCONNECTED",
            `live: connection closed (code ${code}${reason ? ", " + reason : ""}); reconnecting`,
            { category: "unavailable" },
          );
    this.broadcast(error);
    if (this.subs.size === 0) return; // a callback unsubscribed everything
    const delay = backoffDelayMs(this.attempt++, this.reconnect);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private broadcast(error: StrataError): void {
    for (const sub of [...this.subs.values()]) sub.handlers.onError?.(error);
  }
}

function detach(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = () => undefined; // `ws` throws on an error event without a listener
}

function toPointData(point: LivePoint): LivePointData {
  const time = BigInt(point.time);
  return { measurement: point.measurement, tags: point.tags, time, timeMs: Number(time) / 1e6, fields: point.fields };
}
