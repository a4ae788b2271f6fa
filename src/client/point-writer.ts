// The batching point writer: encodes points to line protocol, batches, gzips, sends with retries, applies
// backpressure through a bounded buffer, and flushes on exit. Free of Node APIs.
import { registerExitFlush } from "./exit-flush.ts";
import type { ExitKind } from "./exit-flush.ts";
import { canGzip, gzipText } from "./gzip-text.ts";
import { errorFromResponse, readText } from "./http-transport.ts";
import type { HttpTransport } from "./http-transport.ts";
import { PointEncoder } from "./point-encoder.ts";
import type { Point } from "./point-encoder.ts";
import type { Precision } from "./point-time.ts";
import { backoffDelayMs, parseRetryAfterMs } from "./retry-backoff.ts";
import type { RetryBackoff } from "./retry-backoff.ts";
import { isStrataError, makeStrataError, StrataError, StrataLimitError } from "./strata-error.ts";

/** Options of `StrataClient.writer()`. */
export interface WriterOptions {
  /** Database (default: the client's `db`; absent: the server's default database). */
  db?: string;
  /** Unit of the timestamps sent (default "ns"); point times are rounded down to it. */
  precision?: Precision;
  /** Lines per request (default 5,000). A full batch is sent at once. */
  batchSize?: number;
  /** Longest time in ms a point waits in a partial batch before it is sent (default 1,000; 0: only when full). */
  flushIntervalMs?: number;
  /** Retries of one batch after network errors, timeouts, 429 and 5xx (default 5; 0: none). */
  maxRetries?: number;
  /** Backoff between retries (exponential with jitter); a server's Retry-After wins. */
  retryBackoff?: RetryBackoff;
  /** Gzip request bodies when the runtime has CompressionStream (default true). */
  gzip?: boolean;
  /** Lines held in memory (pending, queued and in flight) before `whenFull` applies (default 100,000). */
  maxBufferedPoints?: number;
  /**
   * When the buffer is full: "wait" (default) — `writePoint` returns a promise that resolves once the point
   * found room, so awaiting it applies backpressure; "reject" — the promise rejects with StrataLimitError
   * CLIENT_BUFFER_FULL and the point is dropped.
   */
  whenFull?: "wait" | "reject";
  /** Flush on Node `beforeExit` and browser `pagehide`/`visibilitychange` (default true). */
  flushOnExit?: boolean;
  /**
   * Called once per batch that finally failed (after retries, or at once for 4xx), with the typed error and the
   * lines that were dropped. Without it, an error no `flush()` reported rejects the next `flush()`/`close()`.
   */
  onError?: (error: StrataError, lines: readonly string[]) => void;
}

const DEFAULT_BATCH_SIZE = 5_000;
const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_MAX_BUFFERED = 100_000;
/** Browsers cap the bodies of all in-flight keepalive requests at 64 KiB; keep a margin for headers. */
const KEEPALIVE_BODY_BYTES = 60 * 1024;
const RESOLVED: Promise<void> = Promise.resolve();
/**
 * `precision` as InfluxDB 1.x's /write names it: it reads "u" for microseconds and silently takes an unknown "us"
 * as nanoseconds (checked against influxd 1.6.7). "ns" is the default, so it is left out.
 */
const PRECISION_PARAM: Record<Precision, string | undefined> = { ns: undefined, us: "u", ms: "ms", s: "s" };

// One sealed batch. `done` resolves (never rejects) with the batch's final error, or undefined on success.
class Batch {
  readonly lines: string[];
  readonly done: Promise<StrataError | undefined>;
  settle: (error: StrataError | undefined) => void = () => undefined;
  /** A flush() is waiting on this batch and will report its error. */
  observed = false;

  constructor(lines: string[]) {
    this.lines = lines;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }
}

/**
 * Writes points to one database in batches. Calls may interleave freely; batches are sent one at a time, in
 * order (a retried batch delays those after it). Build it with `StrataClient.writer()`; `close()` it when done.
 */
export class PointWriter {
  /** Database written to, or undefined for the server's default; immutable. */
  readonly db: string | undefined;
  /** Timestamp unit sent; immutable. */
  readonly precision: Precision;
  private readonly transport: HttpTransport;
  private readonly encoder = new PointEncoder();
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxRetries: number;
  private readonly backoff: RetryBackoff;
  private readonly gzip: boolean;
  private readonly maxBuffered: number;
  private readonly rejectWhenFull: boolean;
  private readonly onError: WriterOptions["onError"];
  private readonly removeExitHooks: () => void;
  private readonly unrefTimers: boolean;
  // Mutable state, touched only from the event loop (no locks needed): lines not yet sealed, sealed batches
  // not yet sent, the batch being sent, points waiting for room, the flush timer.
  private pending: string[] = [];
  private readonly queue: Batch[] = [];
  private inFlight: Batch | undefined = undefined;
  private readonly waiters: Array<{ line: string; resolve: () => void }> = [];
  private buffered = 0;
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private unreported: StrataError | undefined = undefined;
  private closing: Promise<void> | undefined = undefined;

  /** Use `StrataClient.writer()`. Registers the exit hooks unless `flushOnExit` is false; does no I/O. */
  constructor(transport: HttpTransport, options: WriterOptions) {
    this.transport = transport;
    this.db = options.db;
    this.precision = options.precision ?? "ns";
    this.batchSize = positive(options.batchSize, DEFAULT_BATCH_SIZE, "batchSize");
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.backoff = options.retryBackoff ?? {};
    this.gzip = options.gzip ?? true;
    this.maxBuffered = positive(options.maxBufferedPoints, DEFAULT_MAX_BUFFERED, "maxBufferedPoints");
    this.rejectWhenFull = options.whenFull === "reject";
    this.onError = options.onError;
    const hooks =
      options.flushOnExit === false
        ? { registered: false, remove: () => undefined }
        : registerExitFlush((kind) => this.flushForExit(kind));
    this.removeExitHooks = hooks.remove;
    // With an exit hook, the flush timer need not keep a Node process alive: beforeExit flushes instead.
    this.unrefTimers = hooks.registered;
  }

  /** Lines held in memory (pending, queued, in flight), not counting points waiting for room. */
  get bufferedPoints(): number {
    return this.buffered;
  }

  /**
   * Encodes and buffers one point. Resolves at once when the buffer has room; otherwise see `whenFull`. The
   * promise says nothing about delivery: use `flush()` or `onError` for that. Throws synchronously
   * StrataError(CLIENT_BAD_POINT) for a point line protocol cannot carry and CLIENT_CLOSED after `close()`;
   * nothing is buffered then.
   */
  writePoint(point: Point): Promise<void> {
    this.checkOpen();
    return this.accept(this.encoder.encode(point, this.precision));
  }

  /** writePoint for several points; encodes all first, so an invalid point throws before any is buffered. */
  writePoints(points: readonly Point[]): Promise<void> {
    this.checkOpen();
    const lines: string[] = [];
    for (let i = 0; i < points.length; i++) lines.push(this.encoder.encode(points[i]!, this.precision));
    return this.acceptAll(lines);
  }

  /**
   * Buffers raw line-protocol lines (in this writer's precision), unchecked: the server reports bad lines with
   * HTTP 400 (StrataWriteError). Each element counts as one point for batching. With `whenFull: "reject"`,
   * rejects without buffering any line when not all fit. Throws CLIENT_CLOSED after `close()`.
   */
  writeLines(lines: readonly string[] | string): Promise<void> {
    this.checkOpen();
    return this.acceptAll(typeof lines === "string" ? [lines] : lines);
  }

  /**
   * Sends every line buffered before the call and resolves when all were acknowledged. Rejects with the first
   * error among those batches (their lines are dropped; the rest are still sent), or with an earlier error that
   * nothing reported yet. Points still waiting for room are not included. May run concurrently with writes.
   */
  async flush(): Promise<void> {
    this.seal();
    const batches = this.inFlight === undefined ? [...this.queue] : [this.inFlight, ...this.queue];
    for (const batch of batches) batch.observed = true;
    const errors = await Promise.all(batches.map((batch) => batch.done));
    const error = errors.find((e) => e !== undefined) ?? this.takeUnreported();
    if (error !== undefined) throw error;
  }

  /**
   * Stops accepting points, sends everything buffered (including points waiting for room), removes the exit
   * hooks, and resolves when all was sent; rejects with the first error, as flush does. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    this.removeExitHooks();
    let first: StrataError | undefined;
    while (this.waiters.length > 0 || this.pending.length > 0 || this.queue.length > 0 || this.inFlight) {
      try {
        await this.flush();
      } catch (error) {
        first ??= error as StrataError; // flush() rejects only with StrataErrors
      }
    }
    this.clearTimer();
    first ??= this.takeUnreported();
    if (first !== undefined) throw first;
  }

  private checkOpen(): void {
    if (this.closing !== undefined) {
      throw new StrataError("CLIENT_CLOSED", "point writer is closed", { category: "unavailable" });
    }
  }

  private accept(line: string): Promise<void> {
    if (this.waiters.length === 0 && this.buffered < this.maxBuffered) {
      this.push(line);
      return RESOLVED;
    }
    if (this.rejectWhenFull) return Promise.reject(this.fullError(1));
    this.seal(); // make room as soon as possible
    return new Promise((resolve) => this.waiters.push({ line, resolve }));
  }

  private acceptAll(lines: readonly string[]): Promise<void> {
    if (this.rejectWhenFull && this.buffered + lines.length > this.maxBuffered) {
      return Promise.reject(this.fullError(lines.length));
    }
    let last = RESOLVED;
    for (let i = 0; i < lines.length; i++) last = this.accept(lines[i]!);
    return last; // waiters are admitted in order, so the last one resolves last
  }

  private fullError(lines: number): StrataLimitError {
    return new StrataLimitError(
      "CLIENT_BUFFER_FULL",
      `point writer buffer full: ${this.buffered} of ${this.maxBuffered} points held, ${lines} refused`,
      { category: "limit" },
    );
  }

  private push(line: string): void {
    this.pending.push(line);
    this.buffered++;
    if (this.pending.length >= this.batchSize) this.seal();
    else if (this.timer === undefined && this.flushIntervalMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.seal();
      }, this.flushIntervalMs);
      if (this.unrefTimers) (this.timer as { unref?: () => void }).unref?.();
    }
  }

  private seal(): void {
    this.clearTimer();
    if (this.pending.length === 0) return;
    this.queue.push(new Batch(this.pending));
    this.pending = [];
    if (!this.sending) {
      this.sending = true;
      void this.sendLoop();
    }
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  // Never rejects: sendBatch turns every failure into a StrataError value.
  private async sendLoop(): Promise<void> {
    for (let batch = this.queue.shift(); batch !== undefined; batch = this.queue.shift()) {
      this.inFlight = batch;
      const error = await this.sendBatch(batch.lines);
      this.inFlight = undefined;
      this.complete(batch, error);
    }
    this.sending = false;
  }

  private complete(batch: Batch, error: StrataError | undefined): void {
    this.buffered -= batch.lines.length;
    while (this.waiters.length > 0 && this.buffered < this.maxBuffered) {
      const waiter = this.waiters.shift()!;
      this.push(waiter.line);
      waiter.resolve();
    }
    if (error !== undefined) this.report(error, batch);
    batch.settle(error);
  }

  private report(error: StrataError, batch: Batch): void {
    if (this.onError !== undefined) {
      try {
        this.onError(error, batch.lines);
      } catch (callbackError) {
        // A throwing callback must not stop the send loop; surface it as an uncaught error instead.
        setTimeout(() => {
          throw callbackError;
        }, 0);
      }
    } else if (!batch.observed) {
      this.unreported ??= error;
    }
  }

  private takeUnreported(): StrataError | undefined {
    const error = this.unreported;
    this.unreported = undefined;
    return error;
  }

  /** Sends one batch with retries; resolves with its final error or undefined. Never rejects. */
  private async sendBatch(lines: string[], keepalive = false): Promise<StrataError | undefined> {
    const text = lines.join("\n") + "\n";
    const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
    let body: string | Uint8Array = text;
    if (this.gzip && !keepalive && canGzip()) {
      try {
        body = await gzipText(text);
        headers["Content-Encoding"] = "gzip";
      } catch (cause) {
        // Compression is an optimisation: send the batch uncompressed rather than fail it.
        void cause;
      }
    }
    const params = { db: this.db, precision: PRECISION_PARAM[this.precision] };
    const maxRetries = keepalive ? 0 : this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      let error: StrataError;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.transport.send("write", "POST", "/write", { params, body, headers, keepalive });
        const status = response.status;
        if (status >= 200 && status <= 299) return undefined;
        error = errorFromResponse("write", status, await readText(response, "write", "/write"));
        if (status !== 429 && status < 500) return error; // 4xx: the same body would fail again
        retryAfterMs = parseRetryAfterMs(response.headers.get("Retry-After"), Date.now());
      } catch (cause) {
        error = isStrataError(cause)
          ? cause
          : makeStrataError("write", "CLIENT_NETWORK", String(cause), { category: "unavailable", cause });
      }
      if (attempt >= maxRetries) return attempt === 0 ? error : exhausted(error, lines.length, attempt + 1);
      await sleep(retryAfterMs ?? backoffDelayMs(attempt, this.backoff));
    }
  }

  // Exit: Node may still run async work, so flush normally; a hidden page gets one keepalive request.
  private flushForExit(kind: ExitKind): void {
    if (kind === "process-exit") {
      if (this.pending.length === 0 && this.queue.length === 0) return;
      this.flush().catch((error: unknown) => this.reportExitError(error));
      return;
    }
    // Not seal(): that would start the normal (gzip, async) send of the pending lines, which an unload cuts off.
    const absorbed: Batch[] = [];
    const lines = this.takeLines(KEEPALIVE_BODY_BYTES, absorbed);
    this.seal(); // whatever did not fit goes the normal way, in case the page lives on
    if (lines.length === 0) return;
    const batch = new Batch(lines);
    batch.observed = true; // reported below: onError, or the console as the last sink
    void this.sendBatch(lines, true).then((error) => {
      this.complete(batch, error);
      for (const whole of absorbed) whole.settle(error);
      if (error !== undefined) this.reportExitError(error);
    });
  }

  // Removes up to `maxBytes` of lines (UTF-16 length × 3 bounds UTF-8 bytes) from the queued batches not yet in
  // flight, then from the pending lines. Batches taken whole go to `absorbed` (the caller settles them); a batch
  // taken in part keeps the rest of its lines.
  private takeLines(maxBytes: number, absorbed: Batch[]): string[] {
    const taken: string[] = [];
    let bytes = 0;
    const fits = (line: string) => bytes + line.length * 3 + 1 <= maxBytes;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      let i = 0;
      for (; i < batch.lines.length && fits(batch.lines[i]!); i++) {
        bytes += batch.lines[i]!.length * 3 + 1;
        taken.push(batch.lines[i]!);
      }
      if (i < batch.lines.length) {
        batch.lines.splice(0, i);
        return taken;
      }
      absorbed.push(this.queue.shift()!);
    }
    let i = 0;
    for (; i < this.pending.length && fits(this.pending[i]!); i++) {
      bytes += this.pending[i]!.length * 3 + 1;
      taken.push(this.pending[i]!);
    }
    this.pending.splice(0, i);
    return taken;
  }

  // At exit nothing may await the error any more; log it (the only sink left) unless onError took it.
  private reportExitError(error: unknown): void {
    if (this.onError !== undefined && isStrataError(error)) return; // already delivered by report()
    console.error("strata client: flush on exit failed:", error);
  }
}

function exhausted(error: StrataError, lines: number, attempts: number): StrataError {
  return makeStrataError(
    "write",
    error.code,
    `write of ${lines} lines failed after ${attempts} attempts: ${error.message}`,
    {
      category: error.category,
      status: error.status,
      cause: error,
    },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new StrataError("CLIENT_BAD_OPTION", `${name} must be a positive integer, got ${value}`, {
      category: "invalid",
    });
  }
  return value;
}
