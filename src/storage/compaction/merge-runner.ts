// Runs merges on one worker thread (started on first use, reused, stopped by close), or in this thread when
// workers are off (embedded callers that want no threads). Merges run one at a time per runner.
import { Worker } from "node:worker_threads";
import { CorruptError, InternalError, UnavailableError } from "../../base/index.ts";
import type { ErrorCategory } from "../../wire/index.ts";
import { mergeSegments } from "./merge-segments.ts";
import type { MergeJob, MergeResult } from "./merge-segments.ts";

/** A worker's answer to one job. */
export type WorkerReply =
  | { id: number; result: MergeResult; error?: undefined }
  | { id: number; result?: undefined; error: { message: string; category: ErrorCategory; code: string } };

// From sources (tsx, tests) the worker is the .ts file and needs tsx's loader; from dist/ it is plain .js.
const FROM_SOURCES = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCES ? "./compaction-worker.ts" : "./compaction-worker.js", import.meta.url);

/** Executes merge jobs in order. */
export class MergeRunner {
  private readonly useWorker: boolean;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: MergeResult) => void; reject: (e: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(useWorker: boolean) {
    this.useWorker = useWorker;
  }

  /** Runs `job` after the jobs before it; rejects with the merge's error (or UnavailableError after close). */
  run(job: MergeJob): Promise<MergeResult> {
    const run = this.queue.then(() => this.runNow(job));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker; a merge still running is abandoned (its `.tmp` output is removed at the next open). */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
    this.failAll(new UnavailableError("STORAGE_COMPACTION_CLOSED", "compaction stopped: the engine is closing"));
  }

  private runNow(job: MergeJob): Promise<MergeResult> {
    if (this.closed)
      return Promise.reject(new UnavailableError("STORAGE_COMPACTION_CLOSED", "compaction stopped: engine closed"));
    if (!this.useWorker) return mergeSegments(job);
    const worker = this.startWorker();
    const id = this.nextId++;
    return new Promise<MergeResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // a running merge keeps the process alive; an idle worker does not (below)
      worker.postMessage({ id, job });
    });
  }

  private startWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = FROM_SOURCES ? sourceWorker() : new Worker(WORKER_URL);
    worker.on("message", (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.error === undefined) waiter.resolve(reply.result);
      else waiter.reject(toError(reply.error));
    });
    worker.on("error", (error) => {
      this.worker = null;
      this.failAll(new InternalError("STORAGE_COMPACTION_WORKER", `compaction worker failed: ${error.message}`));
    });
    worker.on("exit", () => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new UnavailableError("STORAGE_COMPACTION_WORKER", "compaction worker exited"));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/**
 * A worker running the .ts entry: Node 20 does not carry tsx's loader (`--import tsx`) into workers, so a small
 * bootstrap registers it in the worker first. Development and tests only; dist/ runs plain JavaScript.
 */
function sourceWorker(): Worker {
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(code, { eval: true });
}

function toError(e: { message: string; category: ErrorCategory; code: string }): Error {
  if (e.category === "corrupt") return new CorruptError(e.code, e.message, "", -1);
  if (e.category === "unavailable") return new UnavailableError(e.code, e.message);
  return new InternalError(e.code, e.message);
}
