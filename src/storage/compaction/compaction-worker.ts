// Worker-thread entry of compaction: runs the merges the main thread posts, one at a time, so their decoding and
// encoding never occupy the event loop that serves writes and queries.
import { parentPort } from "node:worker_threads";
import { isTsdbError } from "../../base/index.ts";
import { mergeSegments } from "./merge-segments.ts";
import type { MergeJob } from "./merge-segments.ts";
import type { WorkerReply } from "./merge-runner.ts";

const port = parentPort;
if (port === null) throw new Error("compaction-worker.ts runs only as a worker thread");
port.on("message", (message: { id: number; job: MergeJob }) => {
  mergeSegments(message.job).then(
    (result) => port.postMessage({ id: message.id, result } satisfies WorkerReply),
    (error: unknown) => {
      const e = error as Error;
      const reply: WorkerReply = {
        id: message.id,
        error: {
          message: e.message,
          category: isTsdbError(error) ? error.category : "internal",
          code: isTsdbError(error) ? error.code : "STORAGE_COMPACTION_FAILED",
        },
      };
      port.postMessage(reply);
    },
  );
});
