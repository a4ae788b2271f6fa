// Bounds concurrent queries: a counting semaphore with a bounded FIFO wait queue and a wait deadline.
// Over the limit a query waits, as Prometheus's query gate does; a full queue answers 429 and a wait past the
// query timeout 503, so an overloaded server sheds load with a clear error instead of growing memory.
import { LimitError, UnavailableError } from "../../base/index.ts";

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

/** The counting semaphore. Single-threaded; acquire/release may interleave freely. */
export class QueryGate {
  /** Queries allowed to run at once; immutable. */
  readonly maxRunning: number;
  /** Queries allowed to wait; immutable. */
  readonly maxQueued: number;
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(maxRunning: number, maxQueued: number) {
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
  }

  /** Queries running now. */
  get active(): number {
    return this.running;
  }

  /**
   * Resolves with a release function once a slot is free (call it exactly once, in a finally). Throws LimitError
   * SERVER_TOO_MANY_QUERIES (429) when the queue is full, UnavailableError SERVER_QUERIES_BUSY (503) after `waitMs` without
   * a slot.
   */
  async acquire(waitMs: number): Promise<() => void> {
    if (this.running < this.maxRunning) {
      this.running++;
      return this.releaser();
    }
    if (this.queue.length >= this.maxQueued) {
      throw new LimitError(
        "SERVER_TOO_MANY_QUERIES",
        `too many queries: ${this.running} running and ${this.queue.length} waiting (maxConcurrentQueries ${this.maxRunning}, maxQueuedQueries ${this.maxQueued})`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(
            new UnavailableError(
              "SERVER_QUERIES_BUSY",
              `query waited ${waitMs} ms for one of ${this.maxRunning} query slots (maxConcurrentQueries)`,
            ),
          );
        }, waitMs),
      };
      this.queue.push(waiter);
    });
    return this.releaser();
  }

  // The slot passes straight to the next waiter, so `running` never dips and a new arrival cannot jump the queue.
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next === undefined) this.running--;
      else next.grant();
    };
  }
}
