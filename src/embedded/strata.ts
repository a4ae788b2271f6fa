// Strata embedded: the engine plus line-protocol and typed-point ingest, in one object for Node programs.
// Wires layer 3 (ingest) to layer 1 (storage); owns no storage logic itself.
import { parsePrecision } from "../base/index.ts";
import type { Precision } from "../base/index.ts";
import { LineProtocolParser, appendPoints } from "../ingest/index.ts";
import type { PointInput } from "../ingest/index.ts";
import { StorageEngine, WriteBatch } from "../storage/index.ts";
import type {
  DatabaseStats,
  EngineOptions,
  NativeQuery,
  QueryResult,
  SeriesSelector,
  TagMatcher,
  TimeRange,
  WriteResult,
} from "../storage/index.ts";
import { PartialWriteError } from "./partial-write-error.ts";
import type { WriteRejection } from "./partial-write-error.ts";

/** Idle write batches kept for reuse (one per concurrent write is plenty). */
const MAX_POOLED_BATCHES = 8;

/** Options of a write. */
export interface WriteOptions {
  /** Unit of line-protocol timestamps: "ns" (default), "us", "ms" or "s". */
  precision?: Precision | "n" | "u";
}

/** What a fully successful write stored. */
export interface WriteReport {
  points: number;
}

/**
 * An embedded Strata database directory. Methods are async and may interleave. Open it once per process
 * (the directory is locked) and `close()` it to flush.
 */
export class Strata {
  /** The storage engine underneath, for advanced use (stats, damage reports). */
  readonly engine: StorageEngine;
  private readonly parser = new LineProtocolParser();
  private readonly now = [0, 0];
  private readonly batches: WriteBatch[] = [];

  private constructor(engine: StorageEngine) {
    this.engine = engine;
  }

  /** Opens (creating) the data directory `dir`. Replays any WAL left by a crash before resolving. */
  static async open(dir: string, options: EngineOptions = {}): Promise<Strata> {
    return new Strata(await StorageEngine.open(dir, options));
  }

  /**
   * Writes line protocol (string or bytes) or typed points to database `db`. Resolves once durable per the sync
   * mode. When some lines or points are bad, the valid ones are stored and then PartialWriteError is thrown
   * listing every rejection with its line, column and reason (InfluxDB's partial write).
   */
  async write(
    db: string,
    data: string | Uint8Array | readonly PointInput[],
    options: WriteOptions = {},
  ): Promise<WriteReport> {
    // Batches are pooled: their typed arrays grow to the workload once instead of per call.
    const batch = this.batches.pop() ?? new WriteBatch();
    batch.reset();
    try {
      return await this.writeBatch(db, batch, data, options);
    } finally {
      if (this.batches.length < MAX_POOLED_BATCHES) this.batches.push(batch);
    }
  }

  private async writeBatch(
    db: string,
    batch: WriteBatch,
    data: string | Uint8Array | readonly PointInput[],
    options: WriteOptions,
  ): Promise<WriteReport> {
    const rejections: WriteRejection[] = [];
    this.engine.options.clock.now(this.now);
    if (typeof data === "string" || data instanceof Uint8Array) {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      const report = this.parser.parse(bytes, batch, {
        precision: parsePrecision(options.precision),
        defaultSec: this.now[0]!,
        defaultNsec: this.now[1]!,
      });
      for (const e of report.errors)
        rejections.push({ line: e.line, column: e.column, point: -1, code: "INGEST_BAD_LINE", message: e.message });
    } else {
      appendPoints(data, batch, this.now[0]!, this.now[1]!);
    }
    let result: WriteResult = { accepted: 0, rejected: [] };
    if (batch.pointCount > 0) result = await this.engine.write(db, batch);
    for (const r of result.rejected) {
      rejections.push({
        line: r.line,
        column: 0,
        point: r.line > 0 ? -1 : r.point,
        code: r.error.code,
        message: r.error.message,
      });
    }
    if (rejections.length > 0) {
      rejections.sort((a, b) => a.line - b.line || a.point - b.point);
      throw new PartialWriteError(result.accepted, rejections);
    }
    return { points: result.accepted };
  }

  /** Runs a native query on database `db`. */
  query(db: string, query: NativeQuery): Promise<QueryResult> {
    return this.engine.query(db, query);
  }

  /** Deletes points of the selected series with start ≤ time ≤ end (both default to unbounded). */
  delete(db: string, selector: SeriesSelector, range?: TimeRange): Promise<number> {
    return this.engine.delete(db, selector, range);
  }

  databases(): string[] {
    return this.engine.databases();
  }

  createDatabase(name: string): Promise<void> {
    return this.engine.createDatabase(name);
  }

  dropDatabase(name: string): Promise<void> {
    return this.engine.dropDatabase(name);
  }

  measurements(db: string, where?: TagMatcher[]): Promise<string[]> {
    return this.engine.measurements(db, where);
  }

  tagKeys(db: string, measurement: string, where?: TagMatcher[]): Promise<string[]> {
    return this.engine.tagKeys(db, measurement, where);
  }

  tagValues(db: string, measurement: string, key: string, where?: TagMatcher[]): Promise<string[]> {
    return this.engine.tagValues(db, measurement, key, where);
  }

  fieldKeys(db: string, measurement: string): ReturnType<StorageEngine["fieldKeys"]> {
    return this.engine.fieldKeys(db, measurement);
  }

  series(db: string, selector?: SeriesSelector, range?: TimeRange): ReturnType<StorageEngine["series"]> {
    return this.engine.series(db, selector, range);
  }

  /** Writes every head to segment files; resolves when durable. */
  flush(): Promise<void> {
    return this.engine.flush();
  }

  stats(): Promise<DatabaseStats[]> {
    return this.engine.stats();
  }

  /** Flushes and closes. Idempotent. */
  close(): Promise<void> {
    return this.engine.close();
  }
}
