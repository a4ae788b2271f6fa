// Streams line-protocol files into an embedded Strata in batches cut at record boundaries, several writes in flight.
// Owns batching, line numbering and bad-line accounting; knows nothing of argument parsing or terminals.
import * as fs from "node:fs";
import type { Precision } from "../base/index.ts";
import { PartialWriteError } from "../embedded/index.ts";
import type { Strata } from "../embedded/index.ts";
import { LineSplitter } from "../ingest/index.ts";

/** One rejected line of an import. */
export interface BadLine {
  file: string;
  /** 1-based physical line number within the file. */
  line: number;
  /** 1-based byte column, or 0 when the problem concerns the whole line. */
  column: number;
  code: string;
  message: string;
}

/** How to import. */
export interface ImportOptions {
  db: string;
  /** Unit of the timestamps in the files (default "ns"). */
  precision?: Precision;
  /** Records per write (default 5,000). */
  batchLines?: number;
  /** Writes in flight at once (default 4), so group commit can share fsyncs. */
  concurrency?: number;
  /** Read size in bytes (default 1 MiB). */
  chunkBytes?: number;
  /** Called for every bad line, in file order. */
  onBadLine?: (bad: BadLine) => void;
  /** Called after each write completes, with bytes read and points stored so far over all files. */
  onProgress?: (bytesDone: number, points: number) => void;
}

/** What an import stored. */
export interface ImportSummary {
  files: number;
  /** Points stored. */
  points: number;
  badLines: number;
  /** Bytes read over all files. */
  bytes: number;
}

const DEFAULT_BATCH_LINES = 5_000;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_CHUNK_BYTES = 1 << 20;
const NEWLINE = 10;

interface Pending {
  result: Promise<BatchResult>;
  bytesEnd: number;
}

interface BatchResult {
  points: number;
  bad: BadLine[];
}

/**
 * Imports `files` into database `options.db` of `strata`, in order. Each file is read in chunks (never whole),
 * cut into batches of `batchLines` records, and written with up to `concurrency` writes in flight; bad lines are
 * reported through `onBadLine` with their file line number and the rest is stored. Resolves when every write
 * has resolved (durable per the engine's sync mode). Rejects on the first fatal error (unreadable file,
 * storage failure); writes already in flight are awaited first.
 */
export async function importFiles(
  strata: Strata,
  files: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const importer = new FileImporter(strata, options);
  try {
    for (const file of files) await importer.importFile(file);
    await importer.drain(0);
  } catch (error) {
    await importer.settle();
    throw error;
  }
  return { files: files.length, points: importer.points, badLines: importer.badLines, bytes: importer.bytesDone };
}

// One import: the in-flight write queue and the running totals. Batches resolve in submission order, so bad lines
// are reported in file order.
class FileImporter {
  points = 0;
  badLines = 0;
  bytesDone = 0;
  private readonly queue: Pending[] = [];
  private readonly strata: Strata;
  private readonly options: ImportOptions;
  private readonly batchLines: number;
  private readonly concurrency: number;
  private bytesBase = 0;

  constructor(strata: Strata, options: ImportOptions) {
    this.strata = strata;
    this.options = options;
    this.batchLines = Math.max(1, options.batchLines ?? DEFAULT_BATCH_LINES);
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  async importFile(file: string): Promise<void> {
    const splitter = new LineSplitter();
    const ends: number[] = [];
    let parts: Buffer[] = [];
    let records = 0;
    let firstLine = 1;
    let bytesRead = 0;
    const stream = fs.createReadStream(file, { highWaterMark: this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      ends.length = 0;
      splitter.scan(chunk, ends);
      let start = 0;
      for (let k = 0; k < ends.length; k++) {
        if (++records < this.batchLines) continue;
        parts.push(chunk.subarray(start, ends[k]! + 1));
        start = ends[k]! + 1;
        firstLine = await this.submit(file, parts, firstLine, this.bytesBase + bytesRead - chunk.length + start);
        parts = [];
        records = 0;
      }
      if (start < chunk.length) parts.push(chunk.subarray(start));
    }
    if (parts.length > 0) await this.submit(file, parts, firstLine, this.bytesBase + bytesRead);
    this.bytesBase += bytesRead;
  }

  /** Awaits completed writes until at most `room` are in flight, accounting each in order. */
  async drain(room: number): Promise<void> {
    while (this.queue.length > room) {
      const head = this.queue.shift()!;
      const done = await head.result;
      this.points += done.points;
      this.badLines += done.bad.length;
      this.bytesDone = head.bytesEnd;
      const onBadLine = this.options.onBadLine;
      if (onBadLine !== undefined) for (const bad of done.bad) onBadLine(bad);
      this.options.onProgress?.(this.bytesDone, this.points);
    }
  }

  /** Waits for every write still in flight, ignoring their outcome (used after a fatal error). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.queue.map((p) => p.result));
    this.queue.length = 0;
  }

  // Starts the write of one batch (after making room); returns the file line number following it.
  private async submit(file: string, parts: Buffer[], firstLine: number, bytesEnd: number): Promise<number> {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    await this.drain(this.concurrency - 1);
    const result = this.write(file, bytes, firstLine);
    // Failures surface when the queue reaches this batch; until then the rejection is held, not unhandled.
    result.catch(() => undefined);
    this.queue.push({ result, bytesEnd });
    return firstLine + countNewlines(bytes);
  }

  private async write(file: string, bytes: Buffer, firstLine: number): Promise<BatchResult> {
    try {
      const report = await this.strata.write(this.options.db, bytes, { precision: this.options.precision ?? "ns" });
      return { points: report.points, bad: [] };
    } catch (error) {
      if (!(error instanceof PartialWriteError)) throw error;
      const bad = error.rejections.map((r) => ({
        file,
        line: firstLine + r.line - 1,
        column: r.column,
        code: r.code,
        message: r.message,
      }));
      return { points: error.accepted, bad };
    }
  }
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}
