// The head memory budget shared by every database of an engine: when an active head should flush, and which
// database to flush when all heads together reach the budget (writers wait meanwhile: backpressure).

/** A database's heads as the budget sees them; implemented by Database. */
export interface HeadMemoryUser {
  /** Bytes of the head receiving writes (what a flush of it frees). */
  activeHeadBytes(): number;
  /** Bytes of all its heads: the one receiving writes and the one being flushed, if any. */
  headBytes(): number;
  /**
   * Frees head memory: waits for the running flush if there is one, else flushes the head receiving writes.
   * Resolves once that memory is released; rejects when the flush fails or the database cannot flush.
   */
  relieveMemory(): Promise<void>;
}

/**
 * The head budget of one engine: `budgetBytes` bounds the heads of all its databases together (the heads
 * receiving writes and the ones being flushed). An active head flushes at a quarter of the budget: its column
 * arrays grow by doubling, mostly in step (every series of a scrape or batch gets a point), so one write can double
 * a head; at a quarter, the head being flushed and the next one still fit in the budget together. A write that
 * finds the budget used up waits for flushes first (see `admit`). Single-threaded; users register when they open
 * and unregister when they close.
 */
export class HeadMemory {
  /** Bytes all heads together may hold. */
  readonly budgetBytes: number;
  private readonly users = new Set<HeadMemoryUser>();

  constructor(budgetBytes: number) {
    this.budgetBytes = budgetBytes;
  }

  /** An active head at or above this many bytes is flushed: a quarter of the budget (see the class comment). */
  get flushThresholdBytes(): number {
    return this.budgetBytes / 4;
  }

  register(user: HeadMemoryUser): void {
    this.users.add(user);
  }

  unregister(user: HeadMemoryUser): void {
    this.users.delete(user);
  }

  /** Bytes of every registered head. */
  usedBytes(): number {
    let total = 0;
    for (const user of this.users) total += user.headBytes();
    return total;
  }

  /** True when the heads hold the whole budget: a write should `admit` before it adds more. */
  isFull(): boolean {
    return this.usedBytes() >= this.budgetBytes;
  }

  /**
   * Waits until the heads hold less than the budget, relieving the user with the most head memory (its running
   * flush, else a new flush of its active head) one at a time. Returns at once when there is room; stops waiting
   * when relieving frees nothing (say, a head whose points were all deleted), rather than spin. Rejects with the
   * flush's error when a flush fails.
   */
  async admit(): Promise<void> {
    while (this.isFull()) {
      let largest: HeadMemoryUser | null = null;
      let largestBytes = 0;
      for (const user of this.users) {
        const bytes = user.headBytes();
        if (bytes > largestBytes) {
          largest = user;
          largestBytes = bytes;
        }
      }
      if (largest === null) return;
      await largest.relieveMemory();
      if (largest.headBytes() >= largestBytes) return;
    }
  }
}
