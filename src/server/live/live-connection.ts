// One live WebSocket: its subscriptions, a bounded FIFO of serialised points (drop-oldest), flushing into the socket
// and the slow-consumer close. The hub owns fan-out and timers; this file owns one socket's state and protocol.
import type { WebSocket } from "ws";
import { isTsdbError } from "../../base/index.ts";
import { LIVE_CLOSE_SLOW_CONSUMER, LIVE_CLOSE_UNAUTHORIZED } from "../../wire/index.ts";
import type { LiveServerMessage } from "../../wire/index.ts";
import { LiveSubscription, parseLiveMessage } from "./live-subscription.ts";
import type { LiveSelector } from "./live-subscription.ts";

/** Who may do what; throws (any error) when the request may not. */
export type LiveAuthorize = (need: "read" | "write" | "admin", db: string | undefined) => void;

/** What the HTTP layer knows about the upgrading request. */
export interface LiveContext {
  /** Database named by the path (`/db/<name>/api/v1/live`) or the configured default; subscriptions may override. */
  db?: string;
  authorize: LiveAuthorize;
  /** False when the request carried no valid credentials: a failed authorization then closes with 4003. */
  authenticated?: boolean;
}

/** Limits of a connection (resolved LiveHub options). */
export interface LiveConnectionLimits {
  maxBufferedPoints: number;
  maxSubscriptions: number;
  maxSocketBytes: number;
  slowConsumerMs: number;
  maxPointsPerMessage: number;
}

/** Counters shared by the hub and its connections; monotonic except the gauges marked so. */
export interface LiveStats {
  /** Gauge: open connections. */
  connections: number;
  /** Gauge: active subscriptions. */
  subscriptions: number;
  /** Gauge: points queued in connection buffers. */
  queuedPoints: number;
  deliveredPoints: number;
  droppedPoints: number;
  slowConsumerCloses: number;
  errorsSent: number;
}

/** The hub operations a connection calls back into. */
export interface LiveHubLink {
  readonly stats: LiveStats;
  readonly limits: LiveConnectionLimits;
  nowMs(): number;
  addSubscription(sub: LiveSubscription<LiveConnection>): void;
  removeSubscription(sub: LiveSubscription<LiveConnection>): void;
  markDirty(conn: LiveConnection): void;
  connectionClosed(conn: LiveConnection): void;
}

/**
 * State of one socket. Points are queued as JSON fragments with their subscription in a ring of
 * `maxBufferedPoints` slots; when it is full the oldest point is dropped and counted against its subscription.
 * Everything runs on the JS thread; no field is shared with another connection.
 */
export class LiveConnection {
  readonly ws: WebSocket;
  private readonly ctx: LiveContext;
  private readonly hub: LiveHubLink;
  private readonly subs = new Map<string, LiveSubscription<LiveConnection>>();
  /** Ring of queued points: subscription and JSON per slot; `head` is the oldest, `count` how many. */
  private readonly ringSubs: Array<LiveSubscription<LiveConnection> | null>;
  private readonly ringJson: string[];
  private head = 0;
  private count = 0;
  /** Subscriptions with a non-zero `dropped` not yet reported. */
  private readonly dropReports = new Set<LiveSubscription<LiveConnection>>();
  /** When the socket's buffer went over maxSocketBytes (ms), or -1 while under it. */
  private overSinceMs = -1;
  private closed = false;

  constructor(ws: WebSocket, ctx: LiveContext, hub: LiveHubLink) {
    this.ws = ws;
    this.ctx = ctx;
    this.hub = hub;
    const capacity = hub.limits.maxBufferedPoints;
    this.ringSubs = new Array<LiveSubscription<LiveConnection> | null>(capacity).fill(null);
    this.ringJson = new Array<string>(capacity).fill("");
    hub.stats.connections++;
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", () => this.dispose());
    ws.on("error", () => this.dispose()); // the socket is gone either way; close() follows and is idempotent
  }

  /** Queues the JSON of one point for `sub`; drops the oldest queued point when the ring is full. */
  enqueue(sub: LiveSubscription<LiveConnection>, json: string): void {
    const capacity = this.ringJson.length;
    if (this.count === capacity) {
      const old = this.ringSubs[this.head]!;
      old.dropped++;
      this.dropReports.add(old);
      this.hub.stats.droppedPoints++;
      this.head = this.head + 1 === capacity ? 0 : this.head + 1;
      this.count--;
      this.hub.stats.queuedPoints--;
    }
    let tail = this.head + this.count;
    if (tail >= capacity) tail -= capacity;
    this.ringSubs[tail] = sub;
    this.ringJson[tail] = json;
    this.count++;
    this.hub.stats.queuedPoints++;
    if (this.count === 1) this.hub.markDirty(this);
  }

  /**
   * Sends what is queued, one `points` message per subscription (chunked) after its `dropped` report. While the
   * socket holds more than maxSocketBytes nothing is sent (the ring then drops oldest points); past slowConsumerMs
   * in that state the socket is closed with 4001. Returns true when something is left to send later.
   */
  flush(): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    const limits = this.hub.limits;
    if (this.ws.bufferedAmount > limits.maxSocketBytes) {
      const now = this.hub.nowMs();
      if (this.overSinceMs < 0) this.overSinceMs = now;
      else if (now - this.overSinceMs > limits.slowConsumerMs) {
        this.hub.stats.slowConsumerCloses++;
        this.ws.close(LIVE_CLOSE_SLOW_CONSUMER, "slow consumer: socket buffer over limit");
        this.dispose();
        return false;
      }
      return true;
    }
    this.overSinceMs = -1;
    for (const sub of this.dropReports) {
      if (sub.active) this.send({ type: "dropped", id: sub.id, count: sub.dropped });
      sub.dropped = 0;
    }
    this.dropReports.clear();
    this.drainRing(limits.maxPointsPerMessage);
    return false;
  }

  /** Closes the socket (going away) and releases every subscription. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.dispose();
  }

  private drainRing(maxPerMessage: number): void {
    const capacity = this.ringJson.length;
    const groups = new Map<LiveSubscription<LiveConnection>, string[]>();
    for (let k = 0; k < this.count; k++) {
      let slot = this.head + k;
      if (slot >= capacity) slot -= capacity;
      const sub = this.ringSubs[slot]!;
      const json = this.ringJson[slot]!;
      this.ringSubs[slot] = null;
      this.ringJson[slot] = "";
      if (!sub.active) continue;
      let list = groups.get(sub);
      if (list === undefined) groups.set(sub, (list = []));
      list.push(json);
    }
    this.hub.stats.queuedPoints -= this.count;
    this.head = 0;
    this.count = 0;
    for (const [sub, list] of groups) {
      const prefix = '{"type":"points","id":' + JSON.stringify(sub.id) + ',"points":[';
      for (let start = 0; start < list.length; start += maxPerMessage) {
        const end = Math.min(list.length, start + maxPerMessage);
        this.ws.send(prefix + list.slice(start, end).join(",") + "]}");
      }
      this.hub.stats.deliveredPoints += list.length;
    }
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.sendError(undefined, "LIVE_BAD_MESSAGE", "binary frames are not supported; send JSON text");
      return;
    }
    let message: ReturnType<typeof parseLiveMessage>;
    try {
      message = parseLiveMessage(String(data as Buffer), this.ctx.db);
    } catch (error) {
      this.sendCaught(undefined, error);
      return;
    }
    if (message.type === "unsubscribe") this.unsubscribe(message.id);
    else this.subscribe(message.selector);
  }

  private subscribe(selector: LiveSelector): void {
    if (this.subs.has(selector.id)) {
      this.sendError(selector.id, "LIVE_DUPLICATE_ID", `subscription ${selector.id} already exists`);
      return;
    }
    if (this.subs.size >= this.hub.limits.maxSubscriptions) {
      const max = this.hub.limits.maxSubscriptions;
      this.sendError(selector.id, "LIVE_TOO_MANY_SUBSCRIPTIONS", `more than ${max} subscriptions on one connection`);
      return;
    }
    try {
      this.ctx.authorize("read", selector.db);
    } catch (error) {
      this.sendCaught(selector.id, error, "LIVE_FORBIDDEN");
      if (this.ctx.authenticated === false) this.close(LIVE_CLOSE_UNAUTHORIZED, "unauthorized");
      return;
    }
    const sub = new LiveSubscription<LiveConnection>(selector, this);
    this.subs.set(sub.id, sub);
    this.hub.addSubscription(sub);
    this.send({ type: "subscribed", id: sub.id });
  }

  private unsubscribe(id: string): void {
    const sub = this.subs.get(id);
    if (sub === undefined) {
      this.sendError(id, "LIVE_UNKNOWN_ID", `no subscription ${id}`);
      return;
    }
    this.subs.delete(id);
    this.dropReports.delete(sub);
    sub.active = false;
    this.hub.removeSubscription(sub);
  }

  private sendCaught(id: string | undefined, error: unknown, fallbackCode = "LIVE_BAD_MESSAGE"): void {
    const own = (error as { code?: unknown } | null)?.code;
    const code = isTsdbError(error) ? error.code : typeof own === "string" ? own : fallbackCode;
    const message = error instanceof Error ? error.message : String(error);
    this.sendError(id, code, message);
  }

  private sendError(id: string | undefined, code: string, message: string): void {
    this.hub.stats.errorsSent++;
    this.send(id === undefined ? { type: "error", code, message } : { type: "error", id, code, message });
  }

  private send(message: LiveServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subs.values()) {
      sub.active = false;
      this.hub.removeSubscription(sub);
    }
    this.subs.clear();
    this.dropReports.clear();
    this.hub.stats.queuedPoints -= this.count;
    this.ringSubs.fill(null);
    this.ringJson.fill("");
    this.count = 0;
    this.hub.stats.connections--;
    this.hub.connectionClosed(this);
  }
}
