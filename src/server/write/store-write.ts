// The write paths' shared steps: a pooled WriteBatch per request, and storing it with InfluxDB's unknown-database
// answer.
import { NotFoundError, isTsdbError } from "../../base/index.ts";
import { WriteBatch } from "../../storage/index.ts";
import type { TimeSeriesStore, WriteResult } from "../../storage/index.ts";

/** Idle batches kept for reuse; one per concurrent write is plenty. */
const MAX_POOLED_BATCHES = 8;

/**
 * Runs `fn` with an empty batch from `pool` (or a new one) and returns the batch to the pool afterwards; batches
 * keep their grown arrays, so steady ingest allocates none. The batch must not be used after `fn` settles.
 */
export async function withPooledBatch<T>(pool: WriteBatch[], fn: (batch: WriteBatch) => Promise<T>): Promise<T> {
  const batch = pool.pop() ?? new WriteBatch();
  batch.reset();
  try {
    return await fn(batch);
  } finally {
    if (pool.length < MAX_POOLED_BATCHES) pool.push(batch);
  }
}

/**
 * Stores `batch` in `db`; resolves once durable per the sync mode. Throws NotFoundError SERVER_DB_NOT_FOUND with
 * InfluxDB's wording (`database not found: "x"`, which clients match on) when the database does not exist and
 * auto-creation is off; other store errors propagate.
 */
export async function storeWrite(store: TimeSeriesStore, db: string, batch: WriteBatch): Promise<WriteResult> {
  if (batch.pointCount === 0) return { accepted: 0, rejected: [] };
  try {
    return await store.write(db, batch);
  } catch (error) {
    if (isTsdbError(error) && error.code === "STORAGE_DB_NOT_FOUND")
      throw new NotFoundError("SERVER_DB_NOT_FOUND", `database not found: "${db}"`, { cause: error });
    throw error;
  }
}
