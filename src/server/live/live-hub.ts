// The live-streaming hub: accepts WebSocket upgrades, indexes subscriptions by database and measurement, turns
// each acknowledged write (StorageEngine.onWrite) into per-subscription JSON, and flushes every few milliseconds.
// Protocol: src/wire/live.ts. Knows nothing of routing or auth schemes: the HTTP layer passes `authorize`.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import { InvalidError } from "../../base/index.ts";
import type { WriteBatch, WriteListener, WriteResult } from "../../storage/index.ts";
import { LiveConnection } from "./live-connection.ts";
import type { LiveConnectionLimits, LiveContext, LiveHubLink, LiveStats } from "./live-connection.ts";
import { LiveSeriesCache, formatPointJson } from "./live-point-json.ts";
import type { LiveSubscription } from "./live-subscription.ts";

/** What the hub needs from storage: acknowledged-write notifications. */
export interface LiveWriteSource {
  onWrite(listener: WriteListener): () => void;
}

/** Options of {@link LiveHub}. */
export interface LiveHubOptions {
  store: LiveWriteSource;
  /** Points queued per connection before the oldest are dropped (and reported by `dropped`). Default 10,000. */
  maxBufferedPoints?: number;
  /** Subscriptions per connection. Default 100. */
  maxSubscriptionsPerConnection?: number;
  /** How often queued points are sent, in ms (≤ 50, so a point leaves within ~50 ms of its ack). Default 20. */
  flushIntervalMs?: number;
  /** Socket send-buffer bytes above which nothing more is sent to a connection. Default 4 MiB. */
  maxSocketBytes?: number;
  /** A connection over maxSocketBytes for longer than this (ms) is closed with 4001. Default 10,000. */
  slowConsumerMs?: number;
  /** Points per `points` message at most. Default 1,000. */
  maxPointsPerMessage?: number;
  /** Largest client frame accepted, in bytes. Default 64 KiB. */
  maxMessageBytes?: number;
  /** Monotonic clock in ms (tests); default performance.now. */
  nowMs?: () => number;
}

/** WebSocket close code when the server shuts down (RFC 6455 "going away"). */
const CLOSE_GOING_AWAY = 1001;
const MAX_FLUSH_INTERVAL_MS = 50;

/**
 * Live subscriptions over WebSocket. `handleUpgrade` is called by the HTTP server's `upgrade` event; `close()` ends
 * every connection and detaches from storage (idempotent). Fan-out runs synchronously inside the storage write
 * listener and costs one map lookup per point for databases/measurements nobody subscribes to; sending happens on a
 * timer, so a write is never delayed by a slow socket. Memory per connection is bounded by maxBufferedPoints queued
 * points plus maxSocketBytes (plus one flush of at most maxBufferedPoints points) in the socket.
 */
export class LiveHub {
  /** Counters; read them, never write. */
  readonly stats: LiveStats = {
    connections: 0,
    subscriptions: 0,
    queuedPoints: 0,
    deliveredPoints: 0,
    droppedPoints: 0,
    slowConsumerCloses: 0,
    errorsSent: 0,
  };
  private readonly limits: LiveConnectionLimits;
  private readonly flushIntervalMs: number;
  private readonly nowMs: () => number;
  private readonly wss: WebSocketServer;
  private readonly unsubscribeStore: () => void;
  /** db → measurement → subscriptions (arrays replaced on change, so fan-out iterates a stable list). */
  private readonly index = new Map<string, Map<string, Array<LiveSubscription<LiveConnection>>>>();
  private readonly connections = new Set<LiveConnection>();
  private readonly dirty = new Set<LiveConnection>();
  private readonly seriesCache = new LiveSeriesCache();
  private readonly quotedFields = new Map<string, string>();
  private readonly link: LiveHubLink;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  /** Validates options and attaches to the store's write notifications. Throws InvalidError LIVE_BAD_OPTION. */
  constructor(options: LiveHubOptions) {
    this.limits = {
      maxBufferedPoints: positive("maxBufferedPoints", options.maxBufferedPoints ?? 10_000),
      maxSubscriptions: positive("maxSubscriptionsPerConnection", options.maxSubscriptionsPerConnection ?? 100),
      maxSocketBytes: positive("maxSocketBytes", options.maxSocketBytes ?? 4 * 1024 * 1024),
      slowConsumerMs: positive("slowConsumerMs", options.slowConsumerMs ?? 10_000),
      maxPointsPerMessage: positive("maxPointsPerMessage", options.maxPointsPerMessage ?? 1_000),
    };
    this.flushIntervalMs = positive("flushIntervalMs", options.flushIntervalMs ?? 20);
    if (this.flushIntervalMs > MAX_FLUSH_INTERVAL_MS)
      throw new InvalidError("LIVE_BAD_OPTION", `flushIntervalMs must be at most ${MAX_FLUSH_INTERVAL_MS}`);
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 64 * 1024 });
    this.link = this.makeLink();
    const listener: WriteListener = (db, batch, result) => this.onWrite(db, batch, result);
    this.unsubscribeStore = options.store.onWrite(listener);
  }

  /**
   * Completes a WebSocket upgrade for a live request the HTTP layer routed here (after authenticating it, if it
   * does). Takes ownership of `socket`; destroys it when the hub is closed. Subscriptions are authorized one by one
   * with `ctx.authorize("read", db)`.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: LiveContext): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (this.closed) {
        ws.close(CLOSE_GOING_AWAY, "server shutting down");
        return;
      }
      this.connections.add(new LiveConnection(ws, ctx, this.link));
    });
  }

  /** Closes every connection with 1001, stops the timer and detaches from storage. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeStore();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const conn of [...this.connections]) conn.close(CLOSE_GOING_AWAY, "server shutting down");
    this.connections.clear();
    this.dirty.clear();
    this.wss.close();
  }

  /** The write listener: queues the JSON of every accepted point for every subscription it matches. */
  private onWrite(db: string, batch: WriteBatch, result: WriteResult): void {
    const byMeasurement = this.index.get(db);
    if (byMeasurement === undefined) return;
    const n = batch.pointCount;
    let rejected: Uint8Array | null = null;
    if (result.rejected.length > 0) {
      rejected = new Uint8Array(n);
      for (const r of result.rejected) rejected[r.point] = 1;
    }
    let j = 0;
    let lastMeasurement: string | null = null;
    let subs: Array<LiveSubscription<LiveConnection>> | undefined;
    // One loop over points (STYLE.md §8): values of point i are [first, j); lookups are per measurement change.
    for (let i = 0; i < n; i++) {
      const first = j;
      while (j < batch.valueCount && batch.valuePoint[j] === i) j++;
      if (rejected !== null && rejected[i] === 1) continue;
      const measurement = batch.measurements[i]!;
      if (measurement !== lastMeasurement) {
        lastMeasurement = measurement;
        subs = byMeasurement.get(measurement);
      }
      if (subs === undefined) continue;
      const key = batch.seriesKeys[i]!;
      const info = this.seriesCache.get(key);
      let allFields: string | null | undefined;
      for (let s = 0; s < subs.length; s++) {
        const sub = subs[s]!;
        if (!sub.matches(key, info)) continue;
        let json: string | null;
        if (sub.fields === null) {
          // Shared by every subscription of this point that takes all fields.
          if (allFields === undefined) allFields = formatPointJson(batch, i, first, j, info, null, this.quotedFields);
          json = allFields;
        } else {
          json = formatPointJson(batch, i, first, j, info, sub.fields, this.quotedFields);
        }
        if (json !== null) sub.owner.enqueue(sub, json);
      }
    }
  }

  private flushDirty(): void {
    this.timer = null;
    const pending = [...this.dirty];
    this.dirty.clear();
    for (const conn of pending) if (conn.flush()) this.dirty.add(conn);
    if (this.dirty.size > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => this.flushDirty(), this.flushIntervalMs);
    this.timer.unref();
  }

  private makeLink(): LiveHubLink {
    return {
      stats: this.stats,
      limits: this.limits,
      nowMs: this.nowMs,
      addSubscription: (sub) => {
        let byMeasurement = this.index.get(sub.db);
        if (byMeasurement === undefined) {
          byMeasurement = new Map<string, Array<LiveSubscription<LiveConnection>>>();
          this.index.set(sub.db, byMeasurement);
        }
        byMeasurement.set(sub.measurement, [...(byMeasurement.get(sub.measurement) ?? []), sub]);
        this.stats.subscriptions++;
      },
      removeSubscription: (sub) => {
        const byMeasurement = this.index.get(sub.db);
        const list = byMeasurement?.get(sub.measurement);
        if (byMeasurement === undefined || list === undefined || !list.includes(sub)) return;
        const rest = list.filter((s) => s !== sub);
        if (rest.length > 0) byMeasurement.set(sub.measurement, rest);
        else byMeasurement.delete(sub.measurement);
        if (byMeasurement.size === 0) this.index.delete(sub.db);
        this.stats.subscriptions--;
      },
      markDirty: (conn) => {
        this.dirty.add(conn);
        this.schedule();
      },
      connectionClosed: (conn) => {
        this.connections.delete(conn);
        this.dirty.delete(conn);
      },
    };
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidError("LIVE_BAD_OPTION", `${name} must be a positive number, got ${value}`);
  return value;
}
